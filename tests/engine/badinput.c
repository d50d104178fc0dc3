/* Crafting hostile IKE messages against the pair harness: see badinput.h. */
#include "badinput.h"

#include <arpa/inet.h>
#include <check.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "ike/crypto/ke.h"
#include "ike/crypto/proposal.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"

#define LOG_LINES	8192
#define LOG_LINE_LEN	240
#define ARENA_SIZE	(64 * 1024)

struct pair BI;
struct addr bi_a, bi_b, bi_evil;

struct bi_pl bi_auth_pl[IKE_MAX_PAYLOADS];
size_t bi_auth_npl;
struct ike_hdr bi_auth_hdr;

static char log_lines[LOG_LINES][LOG_LINE_LEN];
static size_t nlog;

/* what decoded messages point into */
static struct ike_msg dec_msg;
static struct secret dec_plain;
static struct pair_pkt *dec_pkt;
static uint8_t arena[ARENA_SIZE];
static size_t arena_used;

static void sink(enum log_subsys sub, enum log_level lvl, const char *line, void *arg)
{
	(void)sub;
	(void)lvl;
	(void)arg;
	if (nlog < LOG_LINES)
		snprintf(log_lines[nlog++], LOG_LINE_LEN, "%s", line);
}

size_t bi_log_mark(void)
{
	return nlog;
}

size_t bi_logged(size_t mark, const char *needle)
{
	size_t n = 0;

	for (size_t i = mark; i < nlog; i++)
		if (strstr(log_lines[i], needle))
			n++;
	return n;
}

void bi_log_dump(size_t mark)
{
	for (size_t i = mark; i < nlog; i++)
		fprintf(stderr, "  log: %s\n", log_lines[i]);
}

void bi_log_capture(void)
{
	nlog = 0;
	log_set_all(LL_DEBUG);
	log_set_sink(sink, NULL);
}

void bi_begin(const char *conf_a, const char *conf_b)
{
	ck_assert_int_eq(addr_parse(&bi_a, "192.0.2.1", 500), 0);
	ck_assert_int_eq(addr_parse(&bi_b, "192.0.2.2", 500), 0);
	ck_assert_int_eq(addr_parse(&bi_evil, "192.0.2.66", 500), 0);
	arena_used = 0;
	bi_log_capture();
	pair_setup(&BI, conf_a, conf_b);
}

void bi_end(void)
{
	/* a NULL name printed with %s somewhere on a rejection path */
	ck_assert_msg(!bi_logged(0, "(null)"), "a log line holds \"(null)\"");
	secret_free(&dec_plain);
	free(dec_pkt);
	dec_pkt = NULL;
	pair_free(&BI);
	log_set_sink(NULL, NULL);
}

struct engine *bi_e(int side)
{
	return BI.peer[side].e;
}

size_t bi_nfrom(int side)
{
	size_t n = 0;

	for (const struct pair_pkt *q = BI.head; q; q = q->next)
		n += q->from == side;
	return n;
}

struct pair_pkt *bi_pop(int side)
{
	struct pair_pkt **pp, *last = NULL;

	for (pp = &BI.head; *pp; last = *pp, pp = &(*pp)->next) {
		struct pair_pkt *q = *pp;

		if (q->from != side)
			continue;
		*pp = q->next;
		if (!q->next)
			BI.tail = last ? &last->next : &BI.head;
		q->next = NULL;
		return q;
	}
	return NULL;
}

void bi_inject(int side, const struct addr *from, const uint8_t *pkt, size_t len)
{
	engine_packet_in(bi_e(side), pkt, len, side == PAIR_B ? &bi_b : &bi_a, from, 0);
}

size_t bi_chain(const struct bi_pl *v, size_t n, uint8_t *out, size_t size, uint8_t *first)
{
	struct wr w;

	wr_init(&w, out, size);
	*first = n ? v[0].type : PL_NONE;
	for (size_t i = 0; i < n; i++) {
		wr_u8(&w, i + 1 < n ? v[i + 1].type : PL_NONE);
		wr_u8(&w, v[i].flags);
		wr_u16(&w, v[i].lie ? v[i].len_field : (uint16_t)(4 + v[i].len));
		wr_bytes(&w, v[i].body, v[i].len);
	}
	ck_assert(wr_ok(&w));
	return wr_len(&w);
}

size_t bi_body(const struct ike_payload *p, uint8_t *out, size_t size)
{
	uint8_t buf[BI_MSG_MAX];
	struct ike_msg_builder b;
	struct wr w;

	wr_init(&w, buf, sizeof(buf));
	ike_build_chain(&b, &w);
	ike_build_payload(&b, p);
	ck_assert_int_eq(ike_build_finish(&b), 0);
	ck_assert_uint_ge(wr_len(&w), 4);
	ck_assert_uint_le(wr_len(&w) - 4, size);
	memcpy(out, buf + 4, wr_len(&w) - 4);
	return wr_len(&w) - 4;
}

void bi_hdr(struct ike_hdr *h, uint64_t spi_i, uint64_t spi_r, uint8_t exchange,
	    uint8_t flags, uint32_t msgid)
{
	memset(h, 0, sizeof(*h));
	spi_put(h->spi_i, spi_i);
	spi_put(h->spi_r, spi_r);
	h->major = IKE_VERSION_MAJOR;
	h->minor = IKE_VERSION_MINOR;
	h->exchange = exchange;
	h->flags = flags;
	h->msgid = msgid;
}

static void put_hdr(struct wr *w, const struct ike_hdr *h, uint8_t first, size_t total)
{
	wr_bytes(w, h->spi_i, 8);
	wr_bytes(w, h->spi_r, 8);
	wr_u8(w, first);
	wr_u8(w, (uint8_t)(h->major << 4 | (h->minor & 0x0f)));
	wr_u8(w, h->exchange);
	wr_u8(w, h->flags);
	wr_u32(w, h->msgid);
	wr_u32(w, (uint32_t)total);
}

size_t bi_msg(const struct ike_hdr *h, const uint8_t *chain, size_t clen, uint8_t first,
	      uint8_t *out, size_t size)
{
	struct wr w;

	wr_init(&w, out, size);
	put_hdr(&w, h, first, IKE_HDR_LEN + clen);
	wr_bytes(&w, chain, clen);
	ck_assert(wr_ok(&w));
	return wr_len(&w);
}

size_t bi_seal_pre(const struct ike_hdr *h, const uint8_t *pre, size_t prelen, uint8_t pre_first,
		   const struct sk_ctx *sk, const uint8_t *chain, size_t clen, uint8_t first,
		   uint8_t *out, size_t size)
{
	size_t blen = sk_overhead(sk, clen);
	struct wr w;

	wr_init(&w, out, size);
	put_hdr(&w, h, prelen ? pre_first : PL_SK, IKE_HDR_LEN + prelen + 4 + blen);
	wr_bytes(&w, pre, prelen);
	wr_u8(&w, first);
	wr_u8(&w, 0);
	wr_u16(&w, (uint16_t)(4 + blen));
	ck_assert(wr_ok(&w));
	ck_assert_int_eq(sk_encrypt(sk, out, wr_len(&w), chain, clen, &w), CR_OK);
	ck_assert(wr_ok(&w));
	ck_assert_uint_eq(wr_len(&w), IKE_HDR_LEN + prelen + 4 + blen);
	return wr_len(&w);
}

size_t bi_seal(const struct ike_hdr *h, const struct sk_ctx *sk, const uint8_t *chain,
	       size_t clen, uint8_t first, uint8_t *out, size_t size)
{
	return bi_seal_pre(h, NULL, 0, PL_NONE, sk, chain, clen, first, out, size);
}

size_t bi_seal_frag(const struct ike_hdr *h, const struct sk_ctx *sk, uint8_t first,
		    uint16_t num, uint16_t total, const uint8_t *content, size_t clen,
		    uint8_t *out, size_t size)
{
	size_t blen = sk_overhead(sk, clen);
	struct wr w;

	wr_init(&w, out, size);
	put_hdr(&w, h, PL_SKF, IKE_HDR_LEN + 8 + blen);
	wr_u8(&w, first);
	wr_u8(&w, 0);
	wr_u16(&w, (uint16_t)(8 + blen));
	wr_u16(&w, num);
	wr_u16(&w, total);
	ck_assert(wr_ok(&w));
	ck_assert_int_eq(sk_encrypt(sk, out, wr_len(&w), content, clen, &w), CR_OK);
	ck_assert(wr_ok(&w));
	return wr_len(&w);
}

int test_gcm_seal(const uint8_t key[32], const uint8_t nonce[12], const uint8_t *aad,
		  size_t aadlen, const uint8_t *plain, size_t plen, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int n, rc = -1;

	if (ctx && EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	    EVP_EncryptInit_ex(ctx, NULL, NULL, key, nonce) == 1 &&
	    EVP_EncryptUpdate(ctx, NULL, &n, aad, (int)aadlen) == 1 &&
	    EVP_EncryptUpdate(ctx, out, &n, plain, (int)plen) == 1 &&
	    EVP_EncryptFinal_ex(ctx, out + n, &n) == 1 &&
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + plen) == 1)
		rc = 0;
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* props as an SA payload body; transforms of type drop (0: none) left out. */
static size_t sa_body(const char *props, uint8_t proto, uint32_t esp_spi, uint8_t drop,
		      uint8_t *out, size_t size)
{
	static struct ike_proposal p[8];
	struct ike_payload pl;
	size_t n;
	char why[256];

	ck_assert_msg(proposal_parse(props, proto, p, 8, &n, why, sizeof(why)) == 0, "%s", why);
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;

		for (size_t j = 0; j < p[i].ntransforms; j++)
			if (p[i].xf[j].type != drop)
				p[i].xf[k++] = p[i].xf[j];
		p[i].ntransforms = (uint8_t)k;
		if (proto != PROTO_ESP)
			continue;
		p[i].spi_size = 4;
		p[i].spi[0] = (uint8_t)(esp_spi >> 24);
		p[i].spi[1] = (uint8_t)(esp_spi >> 16);
		p[i].spi[2] = (uint8_t)(esp_spi >> 8);
		p[i].spi[3] = (uint8_t)esp_spi;
	}
	memset(&pl, 0, sizeof(pl));
	pl.type = PL_SA;
	pl.known = 1;
	pl.u.sa.prop = p;
	pl.u.sa.nprop = n;
	return bi_body(&pl, out, size);
}

size_t bi_sa_body(const char *props, uint8_t proto, uint32_t esp_spi, uint8_t *out,
		  size_t size)
{
	return sa_body(props, proto, esp_spi, 0, out, size);
}

size_t bi_sa_body_without(const char *props, uint8_t drop, uint8_t *out, size_t size)
{
	return sa_body(props, PROTO_IKE, 0, drop, out, size);
}

size_t bi_ke_body(uint16_t group, const uint8_t *data, size_t len, uint8_t *out, size_t size)
{
	struct wr w;

	wr_init(&w, out, size);
	wr_u16(&w, group);
	wr_u16(&w, 0);
	wr_bytes(&w, data, len);
	ck_assert(wr_ok(&w));
	return wr_len(&w);
}

size_t bi_ke_pub(uint16_t group, uint8_t *out, size_t size)
{
	struct ke *k = ke_new(group);
	struct wr w;

	ck_assert_ptr_nonnull(k);
	wr_init(&w, out, size);
	ck_assert_int_eq(ke_public(k, &w), 0);
	ke_free(k);
	return wr_len(&w);
}

size_t bi_notify_body(uint8_t proto, uint16_t type, const uint8_t *spi, size_t spilen,
		      const uint8_t *data, size_t dlen, uint8_t *out, size_t size)
{
	struct wr w;

	wr_init(&w, out, size);
	wr_u8(&w, proto);
	wr_u8(&w, (uint8_t)spilen);
	wr_u16(&w, type);
	wr_bytes(&w, spi, spilen);
	wr_bytes(&w, data, dlen);
	ck_assert(wr_ok(&w));
	return wr_len(&w);
}

size_t bi_id_body(uint8_t type, const void *data, size_t len, uint8_t *out, size_t size)
{
	struct wr w;

	wr_init(&w, out, size);
	wr_u8(&w, type);
	wr_zero(&w, 3);
	wr_bytes(&w, data, len);
	ck_assert(wr_ok(&w));
	return wr_len(&w);
}

size_t bi_delete_body(uint8_t proto, uint8_t spi_size, uint16_t nspi, const uint8_t *spis,
		      size_t len, uint8_t *out, size_t size)
{
	struct wr w;

	wr_init(&w, out, size);
	wr_u8(&w, proto);
	wr_u8(&w, spi_size);
	wr_u16(&w, nspi);
	wr_bytes(&w, spis, len);
	ck_assert(wr_ok(&w));
	return wr_len(&w);
}

size_t bi_ts_body(uint8_t type, uint16_t len_field, const char *start, const char *end,
		  uint8_t *out, size_t size)
{
	uint8_t s[4], e[4];
	struct wr w;

	ck_assert_int_eq(inet_pton(AF_INET, start, s), 1);
	ck_assert_int_eq(inet_pton(AF_INET, end, e), 1);
	wr_init(&w, out, size);
	wr_u8(&w, 1);
	wr_zero(&w, 3);
	wr_u8(&w, type);
	wr_u8(&w, 0);
	wr_u16(&w, len_field);
	wr_u16(&w, 0);
	wr_u16(&w, 65535);
	wr_bytes(&w, s, 4);
	wr_bytes(&w, e, 4);
	ck_assert(wr_ok(&w));
	return wr_len(&w);
}

static uint8_t *arena_take(size_t n)
{
	uint8_t *p;

	ck_assert_uint_le(arena_used + n, sizeof(arena));
	p = arena + arena_used;
	arena_used += n;
	return p;
}

size_t bi_init(uint64_t spi_i, const char *props, uint16_t group, const struct bi_pl *extra,
	       size_t nextra, uint8_t *out, size_t size)
{
	static uint8_t sa[2048], ke[1100], pub[1100], nonce[32], chain[BI_MSG_MAX];
	struct bi_pl v[3 + 80];
	struct ike_hdr h;
	uint8_t first;
	size_t n = 0, clen;

	ck_assert_uint_le(nextra, 80);
	memset(nonce, 0x5a, sizeof(nonce));
	memset(v, 0, sizeof(v));
	v[n].type = PL_SA;
	v[n].body = sa;
	v[n++].len = bi_sa_body(props, PROTO_IKE, 0, sa, sizeof(sa));
	v[n].type = PL_KE;
	v[n].body = ke;
	v[n++].len = bi_ke_body(group, pub, bi_ke_pub(group, pub, sizeof(pub)), ke, sizeof(ke));
	v[n].type = PL_NONCE;
	v[n].body = nonce;
	v[n++].len = sizeof(nonce);
	for (size_t i = 0; i < nextra; i++)
		v[n++] = extra[i];
	clen = bi_chain(v, n, chain, sizeof(chain), &first);
	bi_hdr(&h, spi_i, 0, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	return bi_msg(&h, chain, clen, first, out, size);
}

const struct ike_msg *bi_decode(const struct pair_pkt *q, const struct sk_ctx *sk)
{
	struct codec_err err;
	char why[128];
	const struct ike_pl_sk *s;

	secret_free(&dec_plain);
	ck_assert_msg(ike_msg_decode(q->data, q->len, &dec_msg, &err) == 0, "%s", err.reason);
	if (!sk || dec_msg.sk_index < 0)
		return &dec_msg;
	s = &dec_msg.pl[dec_msg.sk_index].u.sk;
	ck_assert_msg(sk_decrypt(sk, q->data, q->len, (size_t)(s->body.p - q->data), &dec_plain,
				 why, sizeof(why)) == CR_OK, "%s", why);
	ck_assert_msg(ike_msg_decode_sk(&dec_msg, s->first, dec_plain.ptr, dec_plain.len,
					&err) == 0, "%s", err.reason);
	return &dec_msg;
}

/* The fragments v[0..n) (SKF, in order) of one message, reassembled as
 * bi_decode() would decode the whole. */
static const struct ike_msg *decode_frags(struct pair_pkt **v, size_t n, const struct sk_ctx *sk)
{
	static uint8_t all[BI_MSG_MAX];
	struct secret piece = { 0 };
	struct codec_err err;
	size_t len = 0;
	uint8_t first = PL_NONE;
	char why[128];

	for (size_t i = 0; i < n; i++) {
		const struct ike_pl_skf *f;

		ck_assert_msg(ike_msg_decode(v[i]->data, v[i]->len, &dec_msg, &err) == 0, "%s",
			      err.reason);
		ck_assert_int_ge(dec_msg.sk_index, 0);
		ck_assert_uint_eq(dec_msg.pl[dec_msg.sk_index].type, PL_SKF);
		f = &dec_msg.pl[dec_msg.sk_index].u.skf;
		ck_assert_uint_eq(f->num, i + 1);
		ck_assert_uint_eq(f->total, n);
		if (i == 0)
			first = f->first;
		ck_assert_msg(sk_decrypt(sk, v[i]->data, v[i]->len, (size_t)(f->body.p - v[i]->data),
					 &piece, why, sizeof(why)) == CR_OK, "%s", why);
		ck_assert_uint_le(len + piece.len, sizeof(all));
		memcpy(all + len, piece.ptr, piece.len);
		len += piece.len;
		secret_free(&piece);
	}
	secret_free(&dec_plain);
	ck_assert_int_eq(secret_dup(&dec_plain, all, len), 0);
	ck_assert_msg(ike_msg_decode_sk(&dec_msg, first, dec_plain.ptr, dec_plain.len, &err) == 0,
		      "%s", err.reason);
	return &dec_msg;
}

const struct ike_pl_notify *bi_expect_notify(int side, const struct sk_ctx *sk, uint16_t type)
{
	const struct ike_msg *m;

	ck_assert_uint_eq(bi_nfrom(side), 1);
	free(dec_pkt);
	dec_pkt = bi_pop(side);
	m = bi_decode(dec_pkt, sk);
	ck_assert(m->hdr.flags & IKE_FLAG_RESPONSE);
	for (size_t i = 0; i < m->npl; i++)
		if (m->pl[i].type == PL_NOTIFY && m->pl[i].known) {
			ck_assert_msg(m->pl[i].u.notify.type == type, "notify %u, expected %u",
				      m->pl[i].u.notify.type, type);
			return &m->pl[i].u.notify;
		}
	ck_abort_msg("no notify in the answer (expected %u)", type);
	return NULL;
}

void bi_half_open(void)
{
	struct pair_pkt *v[FRAG_MAX_FRAGMENTS];
	struct ike_sa *b;
	const struct ike_msg *m;
	size_t n = 0;

	pair_initiate(&BI);
	ck_assert_uint_eq(pair_pump(&BI, 1), 1);
	ck_assert_uint_eq(pair_pump(&BI, 1), 1);
	b = pair_sa(&BI, PAIR_B);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(b->state, IKE_SA_INIT_RECEIVED);
	ck_assert_int_eq(pair_sa(&BI, PAIR_A)->state, IKE_SA_AUTH_SENT);
	/* a request with certificates may come in fragments (RFC 7383) */
	while (BI.head && n < FRAG_MAX_FRAGMENTS)
		v[n++] = bi_pop(PAIR_A);
	ck_assert_uint_ge(n, 1);
	ck_assert_ptr_null(BI.head);
	m = n == 1 ? bi_decode(v[0], &b->sk_in) : decode_frags(v, n, &b->sk_in);
	ck_assert_int_eq(m->hdr.exchange, IKE_AUTH);
	bi_auth_hdr = m->hdr;
	bi_auth_npl = 0;
	for (size_t i = 0; i < m->npl; i++) {
		struct bi_pl *p = &bi_auth_pl[bi_auth_npl];
		uint8_t *body;

		if (!m->pl[i].in_sk || !m->pl[i].known)
			continue;
		body = arena_take(4096);
		memset(p, 0, sizeof(*p));
		p->type = m->pl[i].type;
		p->body = body;
		p->len = bi_body(&m->pl[i], body, 4096);
		bi_auth_npl++;
	}
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

static void auth_seal_send(struct bi_pl *v, size_t n)
{
	static uint8_t chain[BI_MSG_MAX], msg[BI_MSG_MAX];
	uint8_t first;
	size_t clen = bi_chain(v, n, chain, sizeof(chain), &first);
	size_t len = bi_seal(&bi_auth_hdr, &pair_sa(&BI, PAIR_A)->sk_out, chain, clen, first,
			     msg, sizeof(msg));

	bi_inject(PAIR_B, &bi_a, msg, len);
}

static size_t auth_list(struct bi_pl *v, uint8_t skip, uint8_t swap, const uint8_t *body,
			size_t len, uint8_t flags)
{
	size_t n = 0;

	for (size_t i = 0; i < bi_auth_npl; i++) {
		if (bi_auth_pl[i].type == skip)
			continue;
		v[n] = bi_auth_pl[i];
		if (v[n].type == swap) {
			v[n].body = body;
			v[n].len = len;
			v[n].flags = flags;
		}
		n++;
	}
	return n;
}

size_t bi_auth_chain(uint8_t *out, size_t size, uint8_t *first)
{
	struct bi_pl v[IKE_MAX_PAYLOADS];

	return bi_chain(v, auth_list(v, 0, 0, NULL, 0, 0), out, size, first);
}

void bi_auth_send(uint8_t skip, const struct bi_pl *extra, size_t nextra)
{
	struct bi_pl v[IKE_MAX_PAYLOADS + 80];
	size_t n = auth_list(v, skip, 0, NULL, 0, 0);

	ck_assert_uint_le(nextra, 80);
	for (size_t i = 0; i < nextra; i++)
		v[n++] = extra[i];
	auth_seal_send(v, n);
}

void bi_auth_send_swap(uint8_t swap, const uint8_t *body, size_t len, uint8_t flags)
{
	struct bi_pl v[IKE_MAX_PAYLOADS];

	auth_seal_send(v, auth_list(v, 0, swap, body, len, flags));
}

void bi_establish(void)
{
	pair_initiate(&BI);
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
}

void bi_info_send(const uint8_t *chain, size_t clen, uint8_t first)
{
	static uint8_t msg[BI_MSG_MAX];
	struct ike_sa *a = pair_sa(&BI, PAIR_A);
	struct ike_hdr h;
	size_t len;

	bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, INFORMATIONAL, IKE_FLAG_INITIATOR,
	       ike_window_next_id(&a->win));
	len = bi_seal(&h, &a->sk_out, chain, clen, first, msg, sizeof(msg));
	bi_inject(PAIR_B, &bi_a, msg, len);
}

void bi_a_bump(void)
{
	pair_sa(&BI, PAIR_A)->win.tx_next++;
}

void bi_dpd_ok(void)
{
	struct ike_sa *a = pair_sa(&BI, PAIR_A);
	uint64_t next = a->win.tx_next;

	ck_assert_int_eq(pair_sa(&BI, PAIR_B)->state, IKE_SA_ESTABLISHED);
	ck_assert_int_eq(info_dpd(a), 0);
	pair_pump(&BI, 0);
	ck_assert_uint_eq(a->win.tx_next, next + 1);
	ck_assert_int_eq(a->win.tx_pending, 0);
	ck_assert_int_eq(a->state, IKE_SA_ESTABLISHED);
}

void bi_fresh_exchange_ok(void)
{
	for (int i = 0; i < 2; i++)
		while (bi_e(i)->sas)
			ike_sa_destroy(bi_e(i)->sas);
	while (BI.head)
		free(bi_pop(BI.head->from));
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[i].k), 0);
		ck_assert_uint_eq(kernel_mem_policy_count(BI.peer[i].k), 0);
	}
	bi_establish();
	for (int i = 0; i < 2; i++) {
		struct child_sa *c = pair_sa(&BI, i)->children;

		ck_assert_ptr_nonnull(c);
		ck_assert_int_eq(c->state, CHILD_SA_INSTALLED);
		ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[i].k), 2);
		ck_assert_uint_eq(kernel_mem_policy_count(BI.peer[i].k), 3);
	}
}

void bi_assert_b_empty(void)
{
	ck_assert_uint_eq(pair_nsas(&BI, PAIR_B), 0);
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(BI.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(BI.peer[PAIR_B].k), 0);
}

void bi_assert_logged(size_t mark, const char *reason)
{
	if (!bi_logged(mark, reason)) {
		bi_log_dump(mark);
		ck_abort_msg("no log line with \"%s\"", reason);
	}
}

void bi_assert_dropped(size_t mark, const char *reason)
{
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	bi_assert_b_empty();
	bi_assert_logged(mark, reason);
}

size_t bi_init_from(const struct bi_pl *v, size_t n, uint64_t spi_i, uint64_t spi_r,
		    uint8_t *out, size_t size)
{
	static uint8_t chain[BI_MSG_MAX];
	struct ike_hdr h;
	uint8_t first;
	size_t clen = bi_chain(v, n, chain, sizeof(chain), &first);

	bi_hdr(&h, spi_i, spi_r, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	return bi_msg(&h, chain, clen, first, out, size);
}

uint8_t bi_sa_buf[2048], bi_ke_buf[1100];

size_t bi_init_parts(struct bi_pl *v, const char *props, uint16_t group, const uint8_t *ke,
		     size_t kelen, size_t nlen)
{
	static uint8_t pub[1100], nonce[300];
	size_t n = 0;

	ck_assert_uint_le(nlen, sizeof(nonce));
	memset(v, 0, 3 * sizeof(*v));
	memset(nonce, 0x77, sizeof(nonce));
	if (!ke) {
		kelen = bi_ke_pub(group, pub, sizeof(pub));
		ke = pub;
	}
	v[n].type = PL_SA;
	v[n].body = bi_sa_buf;
	v[n++].len = bi_sa_body(props, PROTO_IKE, 0, bi_sa_buf, sizeof(bi_sa_buf));
	v[n].type = PL_KE;
	v[n].body = bi_ke_buf;
	v[n++].len = bi_ke_body(group, ke, kelen, bi_ke_buf, sizeof(bi_ke_buf));
	v[n].type = PL_NONCE;
	v[n].body = nonce;
	v[n++].len = nlen;
	return n;
}

void bi_assert_init_answered(void)
{
	struct pair_pkt *q = bi_pop(PAIR_B);
	const struct ike_msg *m;

	ck_assert_ptr_nonnull(q);
	m = bi_decode(q, NULL);
	ck_assert(m->hdr.flags & IKE_FLAG_RESPONSE);
	ck_assert_int_ge(ike_msg_find(m, PL_SA, 0), 0);
	ck_assert_int_ge(ike_msg_find(m, PL_KE, 0), 0);
	ck_assert_int_ge(ike_msg_find(m, PL_NONCE, 0), 0);
	free(q);
	ck_assert_uint_eq(pair_nsas(&BI, PAIR_B), 1);
	ck_assert_uint_eq(halfopen_total(&bi_e(PAIR_B)->cookies), 1);
}

void bi_assert_auth_refused(size_t mark, uint16_t type, const char *reason)
{
	bi_expect_notify(PAIR_B, &pair_sa(&BI, PAIR_A)->sk_in, type);
	bi_assert_b_empty();
	bi_assert_logged(mark, reason);
}

void bi_evil_to_b(const uint8_t *p, size_t len)
{
	bi_inject(PAIR_B, &bi_evil, p, len);
}

size_t bi_good_init(const struct bi_pl *extra, size_t n, uint8_t *out, size_t size)
{
	return bi_init(BI_EVIL_SPI, BI_PROP, KE_CURVE25519, extra, n, out, size);
}

/*
 * One initiator handshake (RFC 7296 1.2): IKE_SA_INIT, IKE_AUTH with a
 * pre-shared key and one CHILD SA, the responder's AUTH verified.  Every
 * received byte goes through the codec's bounds-checked decoder and its
 * payload rules; anything unexpected ends the handshake as HR_PROTOCOL.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "common/buf.h"
#include "ike/codec/codec.h"
#include "ike/crypto/ke.h"
#include "ike/crypto/mac.h"
#include "ike/sa/prop_util.h"
#include "tools/ikeload/ikeload.h"

static const char *const result_names[HR_NRESULTS] = {
	[HR_OK] = "ok", [HR_TIMEOUT] = "timeout", [HR_REFUSED] = "refused",
	[HR_BAD_AUTH] = "bad-auth", [HR_PROTOCOL] = "protocol", [HR_LOCAL] = "local",
};

const char *hs_result_name(enum hs_result r)
{
	return r < HR_NRESULTS ? result_names[r] : "?";
}

static void hs_fail(struct hs *h, enum hs_result r)
{
	h->state = HS_FAILED;
	h->result = r;
}

static int hs_send(struct hs *h, double now)
{
	h->t_sent = now;
	h->sent++;
	if (send(h->fd, h->msg, h->msg_len, 0) < 0 && errno != EAGAIN && errno != ENOBUFS) {
		hs_fail(h, HR_LOCAL);
		return -1;
	}
	return 0;
}

static void hdr_init(const struct hs *h, struct ike_hdr *hd, uint8_t exchange, uint32_t msgid)
{
	memset(hd, 0, sizeof(*hd));
	memcpy(hd->spi_i, h->spi_i, 8);
	memcpy(hd->spi_r, h->spi_r, 8);
	hd->major = IKE_VERSION_MAJOR;
	hd->minor = IKE_VERSION_MINOR;
	hd->exchange = exchange;
	hd->flags = IKE_FLAG_INITIATOR;
	hd->msgid = msgid;
}

static struct ike_payload *pl_new(struct ike_payload *pl, size_t *n, uint8_t type)
{
	struct ike_payload *p = &pl[(*n)++];

	memset(p, 0, sizeof(*p));
	p->type = type;
	p->known = 1;
	return p;
}

static uint16_t proposal_group(const struct ike_proposal *p)
{
	for (size_t i = 0; i < p->ntransforms; i++)
		if (p->xf[i].type == TT_KE)
			return p->xf[i].id;
	return 0;
}

static int offered_group(const struct load_opts *o, uint16_t group)
{
	for (size_t i = 0; i < o->nike; i++)
		for (size_t j = 0; j < o->ike[i].ntransforms; j++)
			if (o->ike[i].xf[j].type == TT_KE && o->ike[i].xf[j].id == group)
				return 1;
	return 0;
}

/* IKE_SA_INIT request: [N(COOKIE)], SA, KE, Ni (2.6: the cookie first),
 * [N(CHILDLESS_IKEV2_SUPPORTED)]. */
static int send_init(struct hs *h, const struct load_opts *o, double now)
{
	struct ike_payload pl[5];
	struct ike_msg_builder b;
	struct ike_hdr hd;
	uint8_t pub[1024];
	struct wr w, wp;
	size_t n = 0;
	struct ike_payload *p;

	wr_init(&wp, pub, sizeof(pub));
	kecache_put(h->ke);
	if (!(h->ke = kecache_get(h->group, o->ke_reuse)) || ke_public(h->ke->ke, &wp) < 0) {
		hs_fail(h, HR_LOCAL);
		return -1;
	}
	if (h->cookie_len) {
		p = pl_new(pl, &n, PL_NOTIFY);
		p->u.notify.type = N_COOKIE;
		p->u.notify.data.p = h->cookie;
		p->u.notify.data.len = h->cookie_len;
	}
	p = pl_new(pl, &n, PL_SA);
	p->u.sa.prop = o->ike;
	p->u.sa.nprop = o->nike;
	p = pl_new(pl, &n, PL_KE);
	p->u.ke.group = h->group;
	p->u.ke.data.p = pub;
	p->u.ke.data.len = wr_len(&wp);
	p = pl_new(pl, &n, PL_NONCE);
	p->u.nonce.p = h->ni;
	p->u.nonce.len = sizeof(h->ni);
	if (o->childless) {
		p = pl_new(pl, &n, PL_NOTIFY);
		p->u.notify.type = N_CHILDLESS_IKEV2_SUPPORTED;
	}
	hdr_init(h, &hd, IKE_SA_INIT, 0);
	wr_init(&w, h->msg, sizeof(h->msg));
	ike_build_msg(&b, &w, &hd);
	for (size_t i = 0; i < n; i++)
		ike_build_payload(&b, &pl[i]);
	secret_free(&h->init_req);
	if (ike_build_finish(&b) < 0 || secret_dup(&h->init_req, h->msg, wr_len(&w)) < 0) {
		hs_fail(h, HR_LOCAL);
		return -1;
	}
	h->msg_len = wr_len(&w);
	h->msgid = 0;
	h->sent = 0;
	h->state = HS_INIT;
	return hs_send(h, now);
}

int hs_start(struct hs *h, const struct load_opts *o, const struct sockaddr_in *src,
	     uint32_t seq, double now)
{
	int one = 1;

	memset(h, 0, sizeof(*h));
	h->seq = seq;
	h->src = *src;
	h->t_start = now;
	h->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0 ||
	    setsockopt(h->fd, SOL_IP, IP_FREEBIND, &one, sizeof(one)) < 0 ||
	    bind(h->fd, (const struct sockaddr *)src, sizeof(*src)) < 0 ||
	    connect(h->fd, (const struct sockaddr *)&o->peer, sizeof(o->peer)) < 0 ||
	    RAND_bytes(h->spi_i, sizeof(h->spi_i)) != 1 ||
	    RAND_bytes(h->ni, sizeof(h->ni)) != 1 ||
	    RAND_bytes((uint8_t *)&h->child_spi, sizeof(h->child_spi)) != 1) {
		hs_fail(h, HR_LOCAL);
		return -1;
	}
	h->spi_i[0] |= 0x80;	/* never the all-zero SPI */
	h->child_spi |= 0x100;	/* outside the reserved 1-255 */
	h->group = o->first_group ? o->first_group : proposal_group(&o->ike[0]);
	return send_init(h, o, now);
}

/* 1.2 and 3.3.6: one proposal, numbered as one of ours, every transform
 * one we offered in it, one of each type. */
static int answer_ok(const struct load_opts *o, const struct ike_pl_sa *sa)
{
	const struct ike_proposal *a, *ours = NULL;
	unsigned seen = 0;

	if (sa->nprop != 1 || sa->unacceptable)
		return 0;
	a = &sa->prop[0];
	for (size_t i = 0; i < o->nike; i++)
		if (o->ike[i].num == a->num)
			ours = &o->ike[i];
	if (!ours || a->protocol != PROTO_IKE)
		return 0;
	for (size_t i = 0; i < a->ntransforms; i++) {
		int found = 0;

		if (a->xf[i].type > TT_MAX || (seen & 1u << a->xf[i].type))
			return 0;
		seen |= 1u << a->xf[i].type;
		for (size_t j = 0; j < ours->ntransforms; j++)
			if (ours->xf[j].type == a->xf[i].type && ours->xf[j].id == a->xf[i].id &&
			    ours->xf[j].keylen == a->xf[i].keylen)
				found = 1;
		if (!found)
			return 0;
	}
	return 1;
}

/* The first error notify (type < 16384) of a response, 0 if none. */
static uint16_t error_notify(const struct ike_msg *m)
{
	for (size_t i = 0; i < m->npl; i++)
		if (m->pl[i].type == PL_NOTIFY && m->pl[i].u.notify.type <= N_ERROR_MAX)
			return m->pl[i].u.notify.type;
	return 0;
}

static const struct ike_payload *find(const struct ike_msg *m, uint8_t type)
{
	int i = ike_msg_find(m, type, 0);

	return i < 0 ? NULL : &m->pl[i];
}

/* The inner chain, an SK payload sized for it, the cipher text written
 * into the reserved body with the message so far as AAD (3.14). */
static int build_protected(struct hs *h, uint8_t exchange, uint32_t msgid,
			   const struct ike_payload *pl, size_t n)
{
	uint8_t inner[HS_MSG_MAX];
	struct ike_msg_builder b;
	struct ike_hdr hd;
	struct wr wi, w, wb;
	size_t body, blen;
	uint8_t first;
	int rc = -1;

	wr_init(&wi, inner, sizeof(inner));
	ike_build_chain(&b, &wi);
	for (size_t i = 0; i < n; i++)
		ike_build_payload(&b, &pl[i]);
	if (ike_build_finish(&b) < 0)
		goto out;
	first = n ? b.first : PL_NONE;
	blen = sk_overhead(&h->sk_out, wr_len(&wi));
	hdr_init(h, &hd, exchange, msgid);
	wr_init(&w, h->msg, sizeof(h->msg));
	ike_build_msg(&b, &w, &hd);
	body = ike_build_sk_reserve(&b, first, blen);
	if (body == (size_t)-1 || ike_build_finish(&b) < 0)
		goto out;
	wr_init(&wb, wr_data(&w) + body, blen);
	if (sk_encrypt(&h->sk_out, wr_data(&w), body, inner, wr_len(&wi), &wb) != CR_OK ||
	    wr_len(&wb) != blen)
		goto out;
	h->msg_len = wr_len(&w);
	h->msgid = msgid;
	rc = 0;
out:
	memzero(inner, sizeof(inner));
	return rc;
}

/* 2.15: prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>) with MACedID
 * from the ID payload body (type, 3 reserved bytes, data). */
static int psk_auth(const struct hs *h, const struct load_opts *o, int of_initiator,
		    const uint8_t *id_body, size_t id_len, uint8_t *out)
{
	const struct secret *msg = of_initiator ? &h->init_req : &h->init_resp;
	uint8_t maced[MAC_MAX_OUT];
	int rc;

	if (auth_maced_id(h->algs.prf, of_initiator ? &h->keys.sk_pi : &h->keys.sk_pr,
			  id_body, id_len, maced) != CR_OK)
		return -1;
	rc = auth_psk(h->algs.prf, (const uint8_t *)o->psk, o->psk_len, msg->ptr, msg->len,
		      of_initiator ? h->nr.ptr : h->ni, of_initiator ? h->nr.len : sizeof(h->ni),
		      maced, out) == CR_OK ? 0 : -1;
	memzero(maced, sizeof(maced));
	return rc;
}

/* The IDi text: fmt with each "%u" replaced by the handshake number;
 * the length, or -1 when it does not fit. */
static int fmt_id(char *out, size_t cap, const char *fmt, uint32_t seq)
{
	char num[12];
	size_t n = 0, k;

	snprintf(num, sizeof(num), "%u", seq);
	for (; *fmt; fmt++) {
		const char *add = fmt;

		k = 1;
		if (fmt[0] == '%' && fmt[1] == 'u') {
			add = num;
			k = strlen(num);
			fmt++;
		}
		if (n + k >= cap)
			return -1;
		memcpy(out + n, add, k);
		n += k;
	}
	return (int)n;
}

/* IKE_AUTH request: IDi, AUTH, SA (ESP), TSi (our address), TSr (any);
 * IDi and AUTH only with --childless. */
static int send_auth(struct hs *h, const struct load_opts *o, double now)
{
	uint8_t idb[4 + HS_ID_MAX], auth[MAC_MAX_OUT];
	struct ike_payload pl[5];
	struct ike_proposal esp = o->esp[0];
	struct ike_ts tsi, tsr;
	struct ike_payload *p;
	size_t n = 0;
	int idlen, rc;

	idlen = fmt_id((char *)idb + 4, HS_ID_MAX, o->id_fmt, h->seq);
	if (idlen <= 0)
		return -1;
	idb[0] = ID_FQDN;
	idb[1] = idb[2] = idb[3] = 0;
	if (psk_auth(h, o, 1, idb, 4 + (size_t)idlen, auth) < 0)
		return -1;
	p = pl_new(pl, &n, PL_IDI);
	p->u.id.type = ID_FQDN;
	p->u.id.data.p = idb + 4;
	p->u.id.data.len = (size_t)idlen;
	p = pl_new(pl, &n, PL_AUTH);
	p->u.auth.method = AUTH_METHOD_PSK;
	p->u.auth.data.p = auth;
	p->u.auth.data.len = h->algs.prf->out_len;
	if (o->childless)
		goto build;	/* RFC 6023: no SA, TSi, TSr */
	esp.spi_size = 4;
	memcpy(esp.spi, &h->child_spi, 4);
	p = pl_new(pl, &n, PL_SA);
	p->u.sa.prop = &esp;
	p->u.sa.nprop = 1;
	memset(&tsi, 0, sizeof(tsi));
	tsi.type = TS_IPV4_ADDR_RANGE;
	tsi.end_port = 65535;
	memcpy(tsi.start, &h->src.sin_addr, 4);
	memcpy(tsi.end, &h->src.sin_addr, 4);
	tsr = tsi;
	memset(tsr.start, 0, 4);
	memset(tsr.end, 0xff, 4);
	p = pl_new(pl, &n, PL_TSI);
	p->u.ts.ts = &tsi;
	p->u.ts.nts = 1;
	p = pl_new(pl, &n, PL_TSR);
	p->u.ts.ts = &tsr;
	p->u.ts.nts = 1;
build:
	rc = build_protected(h, IKE_AUTH, 1, pl, n);
	memzero(auth, sizeof(auth));
	if (rc < 0)
		return -1;
	h->sent = 0;
	h->state = HS_AUTH;
	return hs_send(h, now);
}

/* 2.6 and 1.2: start IKE_SA_INIT over with the cookie, or the group the
 * responder asks for (only one we offered). */
static void init_restart(struct hs *h, const struct load_opts *o, const struct ike_pl_notify *c,
			 const struct ike_pl_notify *ike, double now)
{
	if (h->restarts++ >= HS_MAX_RESTARTS) {
		hs_fail(h, HR_PROTOCOL);
		return;
	}
	if (c) {
		if (c->data.len < 1 || c->data.len > HS_COOKIE_MAX) {
			hs_fail(h, HR_PROTOCOL);
			return;
		}
		memcpy(h->cookie, c->data.p, c->data.len);
		h->cookie_len = c->data.len;
		h->cookies++;
	} else {
		uint16_t g = ike->data.len == 2 ? (uint16_t)(ike->data.p[0] << 8 | ike->data.p[1]) : 0;

		if (!g || g == h->group || !offered_group(o, g)) {
			hs_fail(h, HR_REFUSED);
			h->err_notify = N_INVALID_KE_PAYLOAD;
			return;
		}
		h->group = g;
		h->invalid_ke++;
	}
	send_init(h, o, now);
}

static void init_response(struct hs *h, const struct load_opts *o, const struct ike_msg *m,
			  const uint8_t *buf, size_t len, double now)
{
	const struct ike_payload *sa = find(m, PL_SA), *ke = find(m, PL_KE), *nr = find(m, PL_NONCE);
	const struct ike_pl_notify *c = ike_msg_notify(m, N_COOKIE);
	const struct ike_pl_notify *ike = ike_msg_notify(m, N_INVALID_KE_PAYLOAD);
	struct secret gir = { 0 };
	char why[128];

	if (c || ike) {
		init_restart(h, o, c, ike, now);
		return;
	}
	if ((h->err_notify = error_notify(m))) {
		hs_fail(h, HR_REFUSED);
		return;
	}
	if (!sa || !ke || !nr || !answer_ok(o, &sa->u.sa) ||
	    proposal_group(&sa->u.sa.prop[0]) != h->group || ke->u.ke.group != h->group ||
	    prop_algs(&sa->u.sa.prop[0], &h->algs) < 0 ||
	    nr->u.nonce.len < 16 || nr->u.nonce.len > 256) {
		hs_fail(h, HR_PROTOCOL);
		return;
	}
	if (ke_shared(h->ke->ke, ke->u.ke.data.p, ke->u.ke.data.len, &gir, why, sizeof(why)) != CR_OK) {
		hs_fail(h, HR_PROTOCOL);
		return;
	}
	memcpy(h->spi_r, m->hdr.spi_r, 8);
	if (secret_dup(&h->nr, nr->u.nonce.p, nr->u.nonce.len) < 0 ||
	    secret_dup(&h->init_resp, buf, len) < 0 ||
	    ike_keys_derive(&h->algs, &gir, h->ni, sizeof(h->ni), h->nr.ptr, h->nr.len,
			    h->spi_i, h->spi_r, &h->keys) != CR_OK ||
	    sk_init(&h->sk_out, h->algs.encr, h->algs.integ, &h->keys.sk_ei, &h->keys.sk_ai) < 0 ||
	    sk_init(&h->sk_in, h->algs.encr, h->algs.integ, &h->keys.sk_er, &h->keys.sk_ar) < 0) {
		secret_free(&gir);
		hs_fail(h, HR_LOCAL);
		return;
	}
	secret_free(&gir);
	if (o->init_only) {
		h->state = HS_DONE;
		h->result = HR_OK;
		return;
	}
	if (send_auth(h, o, now) < 0 && h->state != HS_FAILED)
		hs_fail(h, HR_LOCAL);
}

/* The responder's IDr and AUTH (2.15), then what became of the CHILD SA. */
static void auth_response(struct hs *h, const struct load_opts *o, const struct ike_msg *m)
{
	const struct ike_payload *id = find(m, PL_IDR), *au = find(m, PL_AUTH);
	uint8_t body[4 + 1024], want[MAC_MAX_OUT];
	int ok;

	if (!id || !au) {
		h->err_notify = error_notify(m);
		hs_fail(h, h->err_notify ? HR_REFUSED : HR_PROTOCOL);
		return;
	}
	if (id->u.id.data.len > sizeof(body) - 4 ||
	    (o->peer_id && (id->u.id.data.len != strlen(o->peer_id) ||
			    memcmp(id->u.id.data.p, o->peer_id, id->u.id.data.len) != 0)) ||
	    au->u.auth.method != AUTH_METHOD_PSK || au->u.auth.data.len != h->algs.prf->out_len) {
		hs_fail(h, HR_BAD_AUTH);
		return;
	}
	/* RestOfIDPayload as received: type, the 3 reserved bytes, data */
	memcpy(body, id->u.id.data.p - 4, id->u.id.data.len + 4);
	if (psk_auth(h, o, 0, body, id->u.id.data.len + 4, want) < 0) {
		hs_fail(h, HR_LOCAL);
		return;
	}
	ok = memeq_ct(want, au->u.auth.data.p, h->algs.prf->out_len);
	memzero(want, sizeof(want));
	if (!ok) {
		hs_fail(h, HR_BAD_AUTH);
		return;
	}
	h->child_ok = find(m, PL_SA) && find(m, PL_TSI) && find(m, PL_TSR);
	h->child_err = error_notify(m);
	h->state = HS_DONE;
	h->result = HR_OK;
}

void hs_input(struct hs *h, const struct load_opts *o, const uint8_t *buf, size_t len,
	      double now)
{
	static struct ike_msg m;
	struct secret plain = { 0 };
	struct codec_err err;
	char why[128];

	if ((h->state != HS_INIT && h->state != HS_AUTH) || ike_msg_decode(buf, len, &m, &err) < 0)
		return;
	/* 2.21: answers that are not to our request in flight are dropped */
	if (memcmp(m.hdr.spi_i, h->spi_i, 8) != 0 || !(m.hdr.flags & IKE_FLAG_RESPONSE) ||
	    (m.hdr.flags & IKE_FLAG_INITIATOR) || m.hdr.msgid != h->msgid ||
	    m.hdr.exchange != (h->state == HS_INIT ? IKE_SA_INIT : IKE_AUTH))
		return;
	if (h->state == HS_INIT) {
		if (ike_msg_check_rules(&m, &err) < 0) {
			hs_fail(h, HR_PROTOCOL);
			return;
		}
		init_response(h, o, &m, buf, len, now);
		return;
	}
	if (memcmp(m.hdr.spi_r, h->spi_r, 8) != 0 || m.sk_index < 0 || m.pl[m.sk_index].type != PL_SK)
		return;
	/* an integrity failure is silence (2.21.2): wait for the real one */
	if (sk_decrypt(&h->sk_in, buf, len,
		       (size_t)(m.pl[m.sk_index].u.sk.body.p - buf), &plain, why, sizeof(why)) != CR_OK)
		return;
	if (ike_msg_decode_sk(&m, m.pl[m.sk_index].u.sk.first, plain.ptr, plain.len, &err) < 0 ||
	    ike_msg_check_rules(&m, &err) < 0)
		hs_fail(h, HR_PROTOCOL);
	else
		auth_response(h, o, &m);
	secret_free(&plain);
}

void hs_timeout(struct hs *h, const struct load_opts *o, double now)
{
	if (h->sent >= o->tries) {
		hs_fail(h, HR_TIMEOUT);
		return;
	}
	hs_send(h, now);
}

void hs_delete(struct hs *h)
{
	struct ike_payload pl[1];
	size_t n = 0;
	struct ike_payload *p = pl_new(pl, &n, PL_DELETE);

	p->u.del.proto = PROTO_IKE;
	if (build_protected(h, INFORMATIONAL, 2, pl, n) == 0)
		(void)send(h->fd, h->msg, h->msg_len, 0);
}

void hs_release(struct hs *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	secret_free(&h->nr);
	secret_free(&h->init_req);
	secret_free(&h->init_resp);
	ike_keys_free(&h->keys);
	sk_clear(&h->sk_out);
	sk_clear(&h->sk_in);
	memzero(h->msg, sizeof(h->msg));
	kecache_put(h->ke);
	h->ke = NULL;
}

/*
 * Send path: header from the IKE SA, payload chain by the codec, SK
 * protection (3.14) for everything after IKE_SA_INIT, then the window
 * (requests: retransmitted until answered; responses: cached for the
 * peer's retransmissions).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/buf.h"
#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/engine/exchange.h"

#define OUT_MSG_MAX	ENGINE_TX_MAX

void out_init(struct out_msg *m, uint8_t exchange, int response, uint32_t msgid)
{
	memset(m, 0, sizeof(*m));
	m->exchange = exchange;
	m->response = response;
	m->msgid = msgid;
}

struct ike_payload *out_add(struct out_msg *m, uint8_t type)
{
	struct ike_payload *p;

	if (m->n >= OUT_MAX_PAYLOADS) {
		m->n = OUT_MAX_PAYLOADS + 1;	/* poisons the message */
		return NULL;
	}
	p = &m->pl[m->n++];
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->known = 1;
	return p;
}

void out_notify(struct out_msg *m, uint8_t proto, uint16_t type, const void *data, size_t len)
{
	struct ike_payload *p = out_add(m, PL_NOTIFY);

	if (!p)
		return;
	p->u.notify.proto = proto;
	p->u.notify.type = type;
	p->u.notify.data.p = data;
	p->u.notify.data.len = len;
}

void out_sa(struct out_msg *m, const struct ike_proposal *p, size_t n)
{
	struct ike_payload *pl = out_add(m, PL_SA);

	if (pl) {
		pl->u.sa.prop = p;
		pl->u.sa.nprop = n;
	}
}

void out_ke(struct out_msg *m, uint16_t group, const uint8_t *pub, size_t len)
{
	struct ike_payload *pl = out_add(m, PL_KE);

	if (pl) {
		pl->u.ke.group = group;
		pl->u.ke.data.p = pub;
		pl->u.ke.data.len = len;
	}
}

void out_nonce(struct out_msg *m, const struct secret *n)
{
	struct ike_payload *pl = out_add(m, PL_NONCE);

	if (pl) {
		pl->u.nonce.p = n->ptr;
		pl->u.nonce.len = n->len;
	}
}

void out_ts(struct out_msg *m, uint8_t type, const struct ts_set *s)
{
	struct ike_payload *pl = out_add(m, type);

	if (pl) {
		pl->u.ts.ts = s->ts;
		pl->u.ts.nts = s->n;
	}
}

static void out_hdr(const struct ike_sa *sa, const struct out_msg *m, struct ike_hdr *h)
{
	memset(h, 0, sizeof(*h));
	spi_put(h->spi_i, sa->entry.spi_i);
	spi_put(h->spi_r, sa->entry.spi_r);
	h->major = IKE_VERSION_MAJOR;
	h->minor = IKE_VERSION_MINOR;
	h->exchange = m->exchange;
	h->flags = (sa->entry.initiator ? IKE_FLAG_INITIATOR : 0) |
		   (m->response ? IKE_FLAG_RESPONSE : 0);
	h->msgid = m->msgid;
}

/* The inner chain of m into wi; its first payload's type. */
static int encode_inner(const struct out_msg *m, struct wr *wi, uint8_t *first)
{
	struct ike_msg_builder b;

	ike_build_chain(&b, wi);
	for (size_t i = 0; i < m->n; i++)
		ike_build_payload(&b, &m->pl[i]);
	if (ike_build_finish(&b) < 0)
		return -1;
	*first = m->n ? b.first : PL_NONE;
	return 0;
}

/* One SK (num 0) or SKF payload over plain, after the header h: the body
 * sized for it, then the cipher text written into it with the datagram
 * so far as AAD (RFC 7296 3.14, RFC 7383 2.5). */
static int encode_sealed(const struct ike_sa *sa, const struct ike_hdr *h, uint8_t first,
			 uint16_t num, uint16_t total, const uint8_t *plain, size_t plen,
			 struct wr *w)
{
	size_t blen = sk_overhead(&sa->sk_out, plen), body;
	struct ike_msg_builder b;
	struct wr wb;

	ike_build_msg(&b, w, h);
	body = num ? ike_build_skf_reserve(&b, first, num, total, blen) :
		     ike_build_sk_reserve(&b, first, blen);
	if (body == (size_t)-1 || ike_build_finish(&b) < 0)
		return -1;
	wr_init(&wb, wr_data(w) + body, blen);
	if (sk_encrypt(&sa->sk_out, wr_data(w), body, plain, plen, &wb) != CR_OK ||
	    wr_len(&wb) != blen)
		return -1;
	return 0;
}

static int encode_protected(const struct ike_sa *sa, const struct out_msg *m,
			    const struct ike_hdr *h, struct wr *w)
{
	uint8_t inner[OUT_MSG_MAX];
	uint8_t first;
	struct wr wi;
	int rc;

	wr_init(&wi, inner, sizeof(inner));
	rc = encode_inner(m, &wi, &first);
	if (rc == 0)
		rc = encode_sealed(sa, h, first, 0, 0, inner, wr_len(&wi), w);
	memzero(inner, sizeof(inner));
	return rc;
}

/* ---- IKE fragmentation (RFC 7383 2.5) ---- */

/* fragment_size: the whole IP datagram, the connection's or the global one. */
static size_t frag_size(const struct ike_sa *sa)
{
	if (sa->conn && sa->conn->fragment_size)
		return (size_t)sa->conn->fragment_size;
	return (size_t)sa->eng->cfg->global.fragment_size;
}

/* What comes before the IKE header in the IP datagram. */
static size_t frag_ip_overhead(const struct ike_sa *sa)
{
	return (addr_family(&sa->remote) == AF_INET6 ? 40 : 20) + 8 +
	       (sa->natt ? IKE_NONESP_MARKER_LEN : 0);
}

int msg_needs_fragments(const struct ike_sa *sa, uint8_t exchange, size_t msg_len)
{
	return exchange != IKE_SA_INIT && sa->frag_ok &&
	       frag_ip_overhead(sa) + msg_len > frag_size(sa);
}

/* Each fragment in its own frag_size bytes of *mem (malloc'd, the caller
 * frees it); *n fragments.  -1 (logged) when they do not fit. */
static int encode_fragments(const struct ike_sa *sa, const struct out_msg *m,
			    uint8_t **mem, struct ike_frag *frags, size_t *n)
{
	size_t fsize = frag_size(sa), hdrs = frag_ip_overhead(sa) + IKE_HDR_LEN + 8;
	size_t chunk = fsize > hdrs ? sk_max_plain(&sa->sk_out, fsize - hdrs) : 0;
	uint8_t inner[OUT_MSG_MAX], first;
	size_t total = 0, ilen;
	struct ike_hdr h;
	struct wr wi;
	int rc = -1;

	*mem = NULL;
	wr_init(&wi, inner, sizeof(inner));
	if (encode_inner(m, &wi, &first) < 0)
		goto out;
	ilen = wr_len(&wi);
	total = chunk ? (ilen + chunk - 1) / chunk : 0;
	if (!total || total > FRAG_MAX_FRAGMENTS) {
		log_err(LS_IKE, "IKE SA %llu: %zu bytes in fragments of %zu (fragment_size %zu): "
			"%zu fragments, 1 to %d possible", (unsigned long long)sa->id, ilen, chunk,
			fsize, total, FRAG_MAX_FRAGMENTS);
		goto out;
	}
	if (!(*mem = malloc(total * fsize)))
		goto out;
	out_hdr(sa, m, &h);
	for (size_t i = 0; i < total; i++) {
		size_t off = i * chunk, plen = ilen - off < chunk ? ilen - off : chunk;
		struct wr w;

		/* 2.5: the first inner payload's type in fragment 1 only */
		wr_init(&w, *mem + i * fsize, fsize - frag_ip_overhead(sa));
		if (encode_sealed(sa, &h, i ? PL_NONE : first, (uint16_t)(i + 1), (uint16_t)total,
				  inner + off, plen, &w) < 0)
			goto out;
		frags[i].p = wr_data(&w);
		frags[i].len = wr_len(&w);
	}
	*n = total;
	rc = 0;
out:
	memzero(inner, sizeof(inner));
	if (rc < 0) {
		free(*mem);
		*mem = NULL;
	}
	return rc;
}

static int encode(const struct ike_sa *sa, const struct out_msg *m, struct wr *w)
{
	struct ike_msg_builder b;
	struct ike_hdr h;

	if (m->n > OUT_MAX_PAYLOADS)
		return -1;
	out_hdr(sa, m, &h);
	if (m->exchange != IKE_SA_INIT)
		return encode_protected(sa, m, &h, w);
	ike_build_msg(&b, w, &h);
	for (size_t i = 0; i < m->n; i++)
		ike_build_payload(&b, &m->pl[i]);
	return ike_build_finish(&b);
}

/* Splits the message encoded in frags[0] when it is too big for a
 * datagram; frags[0] is kept (logged) if it cannot be split. */
static size_t maybe_fragment(struct ike_sa *sa, const struct out_msg *m, uint8_t **mem,
			     struct ike_frag *frags)
{
	size_t n = 1, len = frags[0].len;

	if (!msg_needs_fragments(sa, m->exchange, len) ||
	    encode_fragments(sa, m, mem, frags, &n) < 0)
		return 1;
	sa->eng->stats.frags_out += n;
	sa->eng->stats.frag_msgs_out++;
	log_info(LS_IKE, "IKE SA %llu: %s %s %u (%zu bytes) sent in %zu fragments "
		 "(fragment_size %zu)", (unsigned long long)sa->id, ike_exchange_name(m->exchange),
		 m->response ? "response" : "request", m->msgid, len, n, frag_size(sa));
	return n;
}

static int send_common(struct ike_sa *sa, struct out_msg *m, ike_response_fn on_response,
		       struct secret *keep)
{
	uint8_t *buf = sa->eng->tx_buf;	/* per engine, see struct engine */
	struct ike_frag f[FRAG_MAX_FRAGMENTS];
	uint8_t *mem = NULL;
	struct wr w;
	size_t n;
	int rc;

	wr_init(&w, buf, ENGINE_TX_MAX);
	if (encode(sa, m, &w) < 0) {
		log_err(LS_IKE, "IKE SA %llu: %s %s (%zu payloads) could not be encoded",
			(unsigned long long)sa->id, ike_exchange_name(m->exchange),
			m->response ? "response" : "request", m->n);
		return -1;
	}
	if (keep && (secret_free(keep), secret_dup(keep, buf, wr_len(&w)) < 0))
		return -1;
	f[0].p = buf;
	f[0].len = wr_len(&w);
	log_dbg(LS_IKE, "IKE SA %llu: sending %s %s %u (%zu bytes)", (unsigned long long)sa->id,
		ike_exchange_name(m->exchange), m->response ? "response" : "request",
		m->msgid, f[0].len);
	n = maybe_fragment(sa, m, &mem, f);
	if (m->response) {
		rc = ike_window_send_response(&sa->win, f, n);
	} else {
		sa->on_response = on_response;
		sa->req_exchange = m->exchange;
		rc = ike_window_send_request(&sa->win, f, n);
		if (rc < 0)
			sa->on_response = NULL;
	}
	free(mem);
	return rc;
}

int msg_send_request(struct ike_sa *sa, struct out_msg *m, ike_response_fn on_response,
		     struct secret *keep)
{
	int rc;

	m->response = 0;
	m->msgid = ike_window_next_id(&sa->win);
	rc = send_common(sa, m, on_response, keep);
	if (rc == 0)
		ike_sa_request_sent(sa);	/* dpd_timeout */
	return rc;
}

int msg_send_response(struct ike_sa *sa, struct out_msg *m, struct secret *keep)
{
	m->response = 1;
	m->msgid = (uint32_t)sa->win.rx_next;	/* the request in progress */
	return send_common(sa, m, NULL, keep);
}

/* One unprotected notify in answer to req, header h (flags, SPIs) given. */
static int send_notify_answer(struct engine *e, struct ike_hdr *h, const struct ike_hdr *req,
			      const struct addr *local, const struct addr *remote, uint16_t type,
			      const void *data, size_t len)
{
	uint8_t buf[IKE_HDR_LEN + 8 + 2 * IKE_COOKIE_MAX];
	struct ike_msg_builder b;
	struct ike_payload p;
	struct wr w;

	h->major = IKE_VERSION_MAJOR;
	h->exchange = req->exchange;
	h->msgid = req->msgid;
	memset(&p, 0, sizeof(p));
	p.type = PL_NOTIFY;
	p.known = 1;
	p.u.notify.type = type;
	p.u.notify.data.p = data;
	p.u.notify.data.len = len;
	wr_init(&w, buf, sizeof(buf));
	ike_build_msg(&b, &w, h);
	ike_build_payload(&b, &p);
	if (ike_build_finish(&b) < 0)
		return -1;
	return engine_send(e, local, remote, buf, wr_len(&w));
}

int msg_send_stateless(struct engine *e, const struct ike_hdr *req, const struct addr *local,
		       const struct addr *remote, uint16_t type, const void *data, size_t len)
{
	struct ike_hdr h;

	memset(&h, 0, sizeof(h));
	memcpy(h.spi_i, req->spi_i, 8);
	h.flags = IKE_FLAG_RESPONSE;
	return send_notify_answer(e, &h, req, local, remote, type, data, len);
}

int msg_send_invalid_spi(struct engine *e, const struct ike_hdr *req, const struct addr *local,
			 const struct addr *remote)
{
	struct ike_hdr h;

	memset(&h, 0, sizeof(h));
	memcpy(h.spi_i, req->spi_i, 8);
	memcpy(h.spi_r, req->spi_r, 8);
	/* we answer as the other side of the SA the request names */
	h.flags = IKE_FLAG_RESPONSE | (req->flags & IKE_FLAG_INITIATOR ? 0 : IKE_FLAG_INITIATOR);
	return send_notify_answer(e, &h, req, local, remote, N_INVALID_IKE_SPI, NULL, 0);
}

/* ---- datagrams out: the sockets, or the test hook ---- */

int engine_send(struct engine *e, const struct addr *local, const struct addr *remote,
		const uint8_t *pkt, size_t len)
{
	int rc;

	if (e->test_send)
		rc = e->test_send(e, local, remote, pkt, len);
	else if (e->have_sockets)
		rc = ike_send(&e->sockets, local, remote, pkt, len);
	else
		rc = -1;
	if (rc == 0) {
		e->stats.packets_out++;
		e->stats.bytes_out += len;
	}
	return rc;
}

int engine_send_keepalive(struct engine *e, const struct addr *local, const struct addr *remote)
{
	static const uint8_t ka = 0xff;

	if (e->test_send)
		return e->test_send(e, local, remote, &ka, 1);
	for (size_t i = 0; e->have_sockets && i < e->sockets.n; i++) {
		const struct ike_socket *s = &e->sockets.s[i];

		if (s->natt && addr_family(&s->bound) == addr_family(remote))
			return sendto(s->fd, &ka, 1, MSG_DONTWAIT, &remote->u.sa,
				      addr_socklen(remote)) == 1 ? 0 : -1;
	}
	return -1;
}

/*
 * INFORMATIONAL (RFC 7296 1.4): DELETE of CHILD SAs and of the IKE SA in
 * both directions, liveness checks (2.4), error notifies.
 */
#include <string.h>

#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/engine/create_child.h"
#include "ike/engine/exchange.h"

#define DEL_MAX_SPIS	64

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static struct child_sa *child_by_out_spi(struct ike_sa *sa, uint32_t spi)
{
	for (struct child_sa *c = sa->children; c; c = c->next)
		if (c->spi_out == spi)
			return c;
	return NULL;
}

/* close_action of a CHILD SA the peer deleted (the IKE SA stays). */
static void child_closed(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	const struct conf_child *cfg = c->cfg;
	int replaced = rekey_child_replaced(c);	/* rekeying (rekey.c) */
	uint32_t reqid = c->reqid;

	child_sa_destroy(c);
	if (!sa->conn || replaced)
		return;
	if (cfg->close_action == CONF_CLOSE_TRAP)
		trap_install_child(sa->eng, sa->conn, cfg);
	else if (cfg->close_action == CONF_CLOSE_START)
		rekey_new_child(sa, cfg, reqid);
}

/* 1.4.1: every CHILD SA the peer deletes is answered with our own SPI. */
static size_t delete_children(struct ike_sa *sa, const struct ike_pl_delete *d,
			      uint8_t *ours, size_t n)
{
	for (size_t i = 0; i < d->nspi && d->spi_size == 4; i++) {
		uint32_t spi = get32(d->spis.p + 4 * i);
		struct child_sa *c = child_by_out_spi(sa, spi);

		if (!c) {
			log_info(LS_CHD, "IKE SA %llu: DELETE for unknown ESP SPI %08x ignored",
				 (unsigned long long)sa->id, spi);
			continue;
		}
		log_info(LS_CHD, "IKE SA %llu: peer deletes CHILD SA %s (SPIs %08x/%08x)",
			 (unsigned long long)sa->id, c->cfg->name, c->spi_in, c->spi_out);
		if (n < DEL_MAX_SPIS)
			put32(ours + 4 * n++, c->spi_in);
		child_closed(c);
	}
	return n;
}

void info_rx_request(struct ike_sa *sa, const struct ike_msg *m)
{
	static uint8_t ours[4 * DEL_MAX_SPIS];
	struct ike_payload *p;
	struct out_msg o;
	size_t n = 0;
	int del_ike = 0;

	for (size_t i = 0; i < m->npl; i++) {
		const struct ike_payload *q = &m->pl[i];

		if (!q->in_sk || !q->known)
			continue;
		if (q->type == PL_DELETE && q->u.del.proto == PROTO_IKE)
			del_ike = 1;
		else if (q->type == PL_DELETE && q->u.del.proto == PROTO_ESP)
			n = delete_children(sa, &q->u.del, ours, n);
		else if (q->type == PL_NOTIFY && q->u.notify.type <= N_ERROR_MAX)
			log_info(LS_IKE, "IKE SA %llu: peer reports %s", (unsigned long long)sa->id,
				 ike_notify_str(q->u.notify.type, (char[32]){ 0 }, 32));
	}
	out_init(&o, INFORMATIONAL, 1, m->hdr.msgid);
	if (!del_ike && n && (p = out_add(&o, PL_DELETE))) {
		p->u.del.proto = PROTO_ESP;
		p->u.del.spi_size = 4;
		p->u.del.nspi = (uint16_t)n;
		p->u.del.spis.p = ours;
		p->u.del.spis.len = 4 * n;
	}
	if (del_ike && !ccsa_peer_deletes_ike(sa))
		rekey_ike_handover(sa);	/* reauthentication (rekey.c) */
	msg_send_response(sa, &o, NULL);
	if (!del_ike && redirect_on_info_request(sa, m))
		return;
	if (del_ike) {
		log_info(LS_IKE, "IKE SA %llu (%s): deleted by the peer", (unsigned long long)sa->id,
			 sa->conn ? sa->conn->name : "-");
		ike_sa_closed(sa);
	}
}

static void on_ike_deleted(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			   size_t len)
{
	log_info(LS_IKE, "IKE SA %llu: DELETE acknowledged", (unsigned long long)sa->id);
	ike_sa_destroy(sa);
}

int info_delete_ike(struct ike_sa *sa)
{
	struct ike_payload *p;
	struct out_msg o;

	/* rekeying (rekey.c): a replaced SA is deleted like an established one (2.18) */
	if (!sa->have_keys || sa->state == IKE_SA_DELETING ||
	    (sa->state != IKE_SA_ESTABLISHED && sa->state != IKE_SA_REKEYED)) {
		ike_sa_destroy(sa);
		return 0;
	}
	if (!ike_window_can_send(&sa->win)) {
		/* sent once the outstanding request is answered (info_flush) */
		sa->delete_pending = 1;
		return 0;
	}
	out_init(&o, INFORMATIONAL, 0, 0);
	if ((p = out_add(&o, PL_DELETE)))
		p->u.del.proto = PROTO_IKE;
	if (ike_sa_state(sa, IKE_SA_DELETING) < 0 ||
	    msg_send_request(sa, &o, on_ike_deleted, NULL) < 0) {
		ike_sa_destroy(sa);
		return -1;
	}
	return 0;
}

/* 2.21.2: the initiator could not authenticate the responder, which
 * already considers the IKE SA up: tell it in an INFORMATIONAL request
 * (the exception to answering errors only in responses), then drop. */
int info_auth_failed(struct ike_sa *sa)
{
	struct out_msg o;

	if (!sa->have_keys || sa->state != IKE_SA_AUTH_SENT || !ike_window_can_send(&sa->win)) {
		ike_sa_destroy(sa);
		return 0;
	}
	out_init(&o, INFORMATIONAL, 0, 0);
	out_notify(&o, PROTO_NONE, N_AUTHENTICATION_FAILED, NULL, 0);
	if (ike_sa_state(sa, IKE_SA_DELETING) < 0 ||
	    msg_send_request(sa, &o, on_ike_deleted, NULL) < 0) {
		ike_sa_destroy(sa);
		return -1;
	}
	return 0;
}

static void on_child_deleted(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			     size_t len)
{
	log_dbg(LS_CHD, "IKE SA %llu: CHILD SA DELETE acknowledged", (unsigned long long)sa->id);
}

/* One DELETE payload for n inbound ESP SPIs (4 bytes each). */
static int send_child_deletes(struct ike_sa *sa, const uint8_t *spis, size_t n)
{
	struct ike_payload *p;
	struct out_msg o;

	out_init(&o, INFORMATIONAL, 0, 0);
	if ((p = out_add(&o, PL_DELETE))) {
		p->u.del.proto = PROTO_ESP;
		p->u.del.spi_size = 4;
		p->u.del.nspi = (uint16_t)n;
		p->u.del.spis.p = spis;
		p->u.del.spis.len = 4 * n;
	}
	return msg_send_request(sa, &o, on_child_deleted, NULL);
}

int info_delete_child(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	uint8_t spi[4];

	put32(spi, c->spi_in);
	if (c->state == CHILD_SA_INSTALLED)
		child_sa_state(c, CHILD_SA_DELETING);
	child_sa_destroy(c);
	if (!ike_window_can_send(&sa->win)) {
		if (sa->ndel_spis == sizeof(sa->del_spis) / sizeof(sa->del_spis[0])) {
			log_info(LS_CHD, "IKE SA %llu: CHILD SA %08x removed, DELETE not sent "
				 "(%zu already queued)", (unsigned long long)sa->id,
				 get32(spi), sa->ndel_spis);
			return -1;
		}
		sa->del_spis[sa->ndel_spis++] = get32(spi);
		return 0;
	}
	return send_child_deletes(sa, spi, 1);
}

void info_flush(struct ike_sa *sa)
{
	uint8_t spis[4 * sizeof(sa->del_spis) / sizeof(sa->del_spis[0])];
	size_t n = sa->ndel_spis;

	if (!ike_window_can_send(&sa->win) || sa->state != IKE_SA_ESTABLISHED)
		return;
	if (sa->delete_pending) {
		sa->delete_pending = 0;
		sa->ndel_spis = 0;
		info_delete_ike(sa);	/* may destroy sa */
		return;
	}
	if (!n)
		return;
	for (size_t i = 0; i < n; i++)
		put32(spis + 4 * i, sa->del_spis[i]);
	sa->ndel_spis = 0;
	send_child_deletes(sa, spis, n);
}

static void on_dpd_answer(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			  size_t len)
{
	log_dbg(LS_IKE, "IKE SA %llu: peer alive", (unsigned long long)sa->id);
}

int info_dpd(struct ike_sa *sa)
{
	struct out_msg o;

	log_dbg(LS_IKE, "IKE SA %llu: liveness check", (unsigned long long)sa->id);
	out_init(&o, INFORMATIONAL, 0, 0);
	return msg_send_request(sa, &o, on_dpd_answer, NULL);
}

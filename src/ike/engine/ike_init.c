/*
 * IKE_SA_INIT (RFC 7296 1.2): proposals, key exchange, nonces, NAT
 * detection (2.23) and the stateless refusals (COOKIE 2.6,
 * INVALID_KE_PAYLOAD 1.2, NO_PROPOSAL_CHOSEN).  The initiator's side is
 * init_start() + init_rx_response(); the responder's is init_rx_request().
 */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "ike/codec/names.h"
#include "ike/auth/pubkey.h"
#include "ike/sa/prop_util.h"
#include "ike/engine/crypto_job.h"
#include "ike/engine/exchange.h"
#include "ike/sa/proposal_select.h"

#define KE_PUB_MAX	1024	/* MODP-8192 */

int natd_hash(const uint8_t spi_i[8], const uint8_t spi_r[8], const struct addr *a,
	      uint8_t out[20])
{
	uint8_t buf[8 + 8 + 16 + 2];
	const uint8_t *ip;
	size_t iplen, n;
	unsigned int outlen = 0;
	uint16_t port = addr_port(a);

	ip = addr_bytes(a, &iplen);
	if (!ip || iplen > 16)
		return -1;
	memcpy(buf, spi_i, 8);
	memcpy(buf + 8, spi_r, 8);
	memcpy(buf + 16, ip, iplen);
	n = 16 + iplen;
	buf[n++] = (uint8_t)(port >> 8);
	buf[n++] = (uint8_t)port;
	if (!EVP_Digest(buf, n, out, &outlen, EVP_sha1(), NULL) || outlen != 20)
		return -1;
	return 0;
}

/* Sets nat_local / nat_remote from the peer's NAT_DETECTION_* notifies
 * (2.23); none at all means the peer does not do NAT-T: no NAT assumed. */
static void natd_check(struct ike_sa *sa, const struct ike_msg *m)
{
	uint8_t h_local[20], h_remote[20];
	int have_src = 0, have_dst = 0, src_ok = 0, dst_ok = 0;

	if (natd_hash(m->hdr.spi_i, m->hdr.spi_r, &sa->local, h_local) < 0 ||
	    natd_hash(m->hdr.spi_i, m->hdr.spi_r, &sa->remote, h_remote) < 0)
		return;
	for (size_t i = 0; i < m->npl; i++) {
		const struct ike_payload *p = &m->pl[i];

		if (p->type != PL_NOTIFY || !p->known)
			continue;
		if (p->u.notify.type == N_NAT_DETECTION_SOURCE_IP) {
			have_src = 1;
			src_ok |= p->u.notify.data.len == 20 &&
				  memcmp(p->u.notify.data.p, h_remote, 20) == 0;
		} else if (p->u.notify.type == N_NAT_DETECTION_DESTINATION_IP) {
			have_dst = 1;
			dst_ok |= p->u.notify.data.len == 20 &&
				  memcmp(p->u.notify.data.p, h_local, 20) == 0;
		}
	}
	sa->nat_remote = have_src && !src_ok;
	sa->nat_local = have_dst && !dst_ok;
	/* encap = true: our NAT_DETECTION_SOURCE_IP was made up, the peer
	 * sees a NAT in front of us; we act as if it were there (port 4500,
	 * ESP in UDP, keepalives), but follow the peer as if it were not.
	 * A peer without NAT-T (no notifies) cannot be made to. */
	sa->nat_fake = (have_src || have_dst) && sa->conn && sa->conn->encap;
	if (sa->nat_local || sa->nat_remote || sa->nat_fake)
		log_info(LS_IKE, "IKE SA %llu: NAT detected:%s%s%s", (unsigned long long)sa->id,
			 sa->nat_local ? " in front of us" : "",
			 sa->nat_remote ? " in front of the peer" : "",
			 sa->nat_fake ? " (faked in front of us: encap)" : "");
}

/* encap = true (strongSwan's key): a NAT_DETECTION_SOURCE_IP that
 * matches no address makes the peer see a NAT in front of us, and both
 * sides encapsulate ESP in UDP (RFC 3948). */
static void add_natd(struct out_msg *m, const struct ike_sa *sa, uint8_t src[20],
		     uint8_t dst[20], int zero_spi_r)
{
	uint8_t spi_i[8], spi_r[8];

	spi_put(spi_i, sa->entry.spi_i);
	spi_put(spi_r, zero_spi_r ? 0 : sa->entry.spi_r);
	if (natd_hash(spi_i, spi_r, &sa->local, src) < 0 ||
	    natd_hash(spi_i, spi_r, &sa->remote, dst) < 0)
		return;
	if (sa->conn && sa->conn->encap && RAND_bytes(src, 20) != 1)
		return;
	out_notify(m, PROTO_NONE, N_NAT_DETECTION_SOURCE_IP, src, 20);
	out_notify(m, PROTO_NONE, N_NAT_DETECTION_DESTINATION_IP, dst, 20);
}

#define GROUP_STRLEN	16

/* A group's name for the log; peers send any number (BAD-INPUT 23). */
static const char *group_str(uint16_t group, char *buf)
{
	const char *s = ike_transform_id_name(TT_KE, group);

	if (s)
		return s;
	snprintf(buf, GROUP_STRLEN, "group %u", group);
	return buf;
}

/* RFC 7383 2.3: fragmentation once both sides announced it (the
 * initiator's request carried ours unless the connection says no). */
static void frag_note_peer(struct ike_sa *sa, const struct ike_msg *m)
{
	sa->frag_ok = sa->conn && sa->conn->fragmentation != CONF_FRAG_NO &&
		      ike_msg_notify(m, N_IKEV2_FRAGMENTATION_SUPPORTED) != NULL;
	if (sa->frag_ok)
		log_dbg(LS_IKE, "IKE SA %llu: IKE fragmentation negotiated",
			(unsigned long long)sa->id);
}

static int offered_group(const struct ike_sa *sa, uint16_t group)
{
	return proposal_offers(sa->offered, sa->noffered, TT_KE, group);
}

static void init_rx_response(struct ike_sa *sa, const struct ike_msg *m,
			     const uint8_t *pkt, size_t len);

/* RFC 6023 3: CHILDLESS_IKEV2_SUPPORTED in IKE_SA_INIT, both ways, unless
 * the connection refuses childless IKE SAs. */
static void add_childless(struct out_msg *m, const struct conf_conn *conn)
{
	if (conn && conn->childless != CONF_CHILDLESS_NEVER)
		out_notify(m, PROTO_NONE, N_CHILDLESS_IKEV2_SUPPORTED, NULL, 0);
}

int init_start(struct ike_sa *sa)
{
	uint8_t pub[KE_PUB_MAX], nsrc[20], ndst[20], sha[16];
	struct out_msg m;
	struct wr w;

	if (!sa->ke_group)
		sa->ke_group = prop_xf_id(&sa->offered[0], TT_KE);
	if (!sa->ke && !(sa->ke = ke_new(sa->ke_group))) {
		log_err(LS_IKE, "IKE SA %llu: no key pair for group %s", (unsigned long long)sa->id,
			group_str(sa->ke_group, (char[GROUP_STRLEN]){ 0 }));
		return -1;
	}
	if (!sa->ni.ptr && engine_nonce(sa->eng, &sa->ni) < 0)
		return -1;
	wr_init(&w, pub, sizeof(pub));
	if (ke_public(sa->ke, &w) < 0)
		return -1;
	out_init(&m, IKE_SA_INIT, 0, 0);
	if (sa->cookie_len)
		out_notify(&m, PROTO_NONE, N_COOKIE, sa->cookie, sa->cookie_len);
	out_sa(&m, sa->offered, sa->noffered);
	out_ke(&m, sa->ke_group, pub, wr_len(&w));
	out_nonce(&m, &sa->ni);
	add_natd(&m, sa, nsrc, ndst, 1);
	if (sa->conn->fragmentation != CONF_FRAG_NO)
		out_notify(&m, PROTO_NONE, N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	if (CONF_AUTH_IS_PUBKEY(sa->conn->local.auth) || CONF_AUTH_IS_PUBKEY(sa->conn->remote.auth))
		auth_pk_add_sha_notify(&m, sha, sizeof(sha));
	add_childless(&m, sa->conn);
	redirect_announce(sa, &m);
	if (msg_send_request(sa, &m, init_rx_response, &sa->init_req) < 0)
		return -1;
	if (sa->state == IKE_SA_CREATED)
		ike_sa_state(sa, IKE_SA_INIT_SENT);
	return 0;
}

/* 2.6: start over with the cookie first, everything else unchanged. */
static void init_on_cookie(struct ike_sa *sa, const struct ike_pl_notify *n)
{
	if (!cookie_peer_len_ok(n->data.len) || sa->init_retries >= ENGINE_INIT_RETRIES) {
		log_info(LS_IKE, "IKE SA %llu: COOKIE of %zu bytes ignored (%u restarts so far)",
			 (unsigned long long)sa->id, n->data.len, sa->init_retries);
		return;
	}
	log_info(LS_IKE, "IKE SA %llu: responder asks for a cookie, restarting IKE_SA_INIT",
		 (unsigned long long)sa->id);
	sa->init_retries++;
	memcpy(sa->cookie, n->data.p, n->data.len);
	sa->cookie_len = n->data.len;
	if (ike_sa_window_reset(sa) < 0 || init_start(sa) < 0)
		ike_sa_destroy(sa);
}

/* 1.2: one retry with the group asked for, if we offered it. */
static void init_on_invalid_ke(struct ike_sa *sa, const struct ike_pl_notify *n)
{
	uint16_t group = n->data.len == 2 ? (uint16_t)(n->data.p[0] << 8 | n->data.p[1]) : 0;

	if (!group || group == sa->ke_group || !offered_group(sa, group) ||
	    sa->init_retries >= ENGINE_INIT_RETRIES) {
		log_info(LS_IKE, "IKE SA %llu: INVALID_KE_PAYLOAD asking for %s ignored "
			 "(we sent %s%s)", (unsigned long long)sa->id,
			 group ? group_str(group, (char[GROUP_STRLEN]){ 0 }) : "no group",
			 group_str(sa->ke_group, (char[GROUP_STRLEN]){ 0 }),
			 offered_group(sa, group) ? "" : ", and never offered it");
		return;
	}
	log_info(LS_IKE, "IKE SA %llu: responder wants %s instead of %s, retrying",
		 (unsigned long long)sa->id, group_str(group, (char[GROUP_STRLEN]){ 0 }),
		 group_str(sa->ke_group, (char[GROUP_STRLEN]){ 0 }));
	sa->init_retries++;
	ke_free(sa->ke);
	sa->ke = NULL;
	sa->ke_group = group;
	if (ike_sa_window_reset(sa) < 0 || init_start(sa) < 0)
		ike_sa_destroy(sa);
}

/* The accepted answer: keys, NAT, then IKE_AUTH. */
static int init_complete(struct ike_sa *sa, const struct ike_msg *m, const uint8_t *pkt,
			 size_t len)
{
	const struct ike_pl_sa *psa = &msg_pl(m, PL_SA)->u.sa;
	const struct ike_pl_ke *pke = &msg_pl(m, PL_KE)->u.ke;
	const struct ike_slice *nr = &msg_pl(m, PL_NONCE)->u.nonce;
	struct engine *e = sa->eng;
	struct secret gir = { 0 };
	char why[128];
	int rc = -1;

	if (psa->nprop != 1 || psa->unacceptable ||
	    proposal_check_answer(sa->offered, sa->noffered, &psa->prop[0], 0) < 0) {
		char buf[PROPOSAL_STRLEN];

		log_info(LS_IKE, "IKE SA %llu: responder chose %s, which we did not offer: abandoned",
			 (unsigned long long)sa->id,
			 psa->nprop ? proposal_str(&psa->prop[0], buf, sizeof(buf)) : "nothing");
		return -1;
	}
	sa->prop = psa->prop[0];
	if (pke->group != sa->ke_group || prop_xf_id(&sa->prop, TT_KE) != sa->ke_group ||
	    prop_algs(&sa->prop, &sa->algs) < 0) {
		log_info(LS_IKE, "IKE SA %llu: response KE group %s, chosen %s, ours %s: abandoned",
			 (unsigned long long)sa->id, group_str(pke->group, (char[GROUP_STRLEN]){ 0 }),
			 group_str(prop_xf_id(&sa->prop, TT_KE), (char[GROUP_STRLEN]){ 0 }),
			 group_str(sa->ke_group, (char[GROUP_STRLEN]){ 0 }));
		return -1;
	}
	if (ke_shared(sa->ke, pke->data.p, pke->data.len, &gir, why, sizeof(why)) != CR_OK) {
		log_info(LS_IKE, "IKE SA %llu: responder's KE refused: %s", (unsigned long long)sa->id,
			 why);
		return -1;
	}
	if (sa_table_set_spi_r(&e->table, &sa->entry, spi_get(m->hdr.spi_r)) < 0 ||
	    secret_dup(&sa->nr, nr->p, nr->len) < 0 || secret_dup(&sa->init_resp, pkt, len) < 0 ||
	    ike_sa_derive_keys(sa, &gir) < 0)
		goto out;
	natd_check(sa, m);
	if ((sa->nat_local || sa->nat_remote || sa->nat_fake) && !sa->natt) {
		/* 2.23: the initiator moves to port 4500 once NAT is detected;
		 * a peer on a port other than 500 (remote_port) keeps it, as
		 * strongSwan does */
		sa->natt = 1;
		addr_set_port(&sa->local, e->port_natt);
		if (addr_port(&sa->remote) == IKE_PORT)
			addr_set_port(&sa->remote, IKE_NATT_PORT);
	}
	ke_free(sa->ke);
	sa->ke = NULL;
	rc = 0;
out:
	secret_free(&gir);
	return rc;
}

static void init_rx_response(struct ike_sa *sa, const struct ike_msg *m,
			     const uint8_t *pkt, size_t len)
{
	const struct ike_pl_notify *n;
	uint16_t err;

	if (redirect_on_init_response(sa, m))
		return;
	if ((n = ike_msg_notify(m, N_COOKIE))) {
		init_on_cookie(sa, n);
		return;
	}
	if ((n = ike_msg_notify(m, N_INVALID_KE_PAYLOAD))) {
		init_on_invalid_ke(sa, n);
		return;
	}
	if ((err = msg_error(m))) {
		/* 2.21.1 (BAD-INPUT 22): unauthenticated, perhaps forged: keep
		 * retransmitting until the real answer or the give-up */
		char nbuf[32];

		log_info(LS_IKE, "IKE SA %llu (%s): IKE_SA_INIT refused by the peer: %s "
			 "(unauthenticated: still waiting for an answer)", (unsigned long long)sa->id,
			 sa->conn ? sa->conn->name : "-", ike_notify_str(err, nbuf, sizeof(nbuf)));
		sa->notify_err = err;
		return;
	}
	if (!msg_pl(m, PL_SA) || !msg_pl(m, PL_KE) || !msg_pl(m, PL_NONCE))
		return;
	ike_window_response_done(&sa->win);
	auth_pk_note_peer(sa, m);
	sa->peer_childless = ike_msg_notify(m, N_CHILDLESS_IKEV2_SUPPORTED) != NULL;
	frag_note_peer(sa, m);
	if (init_complete(sa, m, pkt, len) < 0 || auth_start(sa) < 0)
		ike_sa_destroy(sa);
}

/* ---- responder ---- */

/* The stateless checks: 0 to go on with *chosen, or -1 (answered or dropped). */
static int init_admit(struct engine *e, const struct ike_msg *m, const struct conf_conn *conn,
		      const struct addr *local, const struct addr *remote,
		      struct ike_proposal *chosen, const struct conf_conn **used)
{
	const struct conf_conn *c;
	const struct ike_pl_sa *psa = &msg_pl(m, PL_SA)->u.sa;
	const struct ike_slice *ni = &msg_pl(m, PL_NONCE)->u.nonce;
	const struct ike_pl_notify *cn = ike_msg_notify(m, N_COOKIE);
	struct ike_proposal ours[IKE_MAX_PROPOSALS], peer[IKE_MAX_PROPOSALS];
	size_t nours, npeer = 0;
	uint8_t cookie[COOKIE_LEN], grp[2];
	uint16_t group;

	switch (cookie_admit(&e->cookies, loop_now_ms(e->loop), remote,
			     spi_get(m->hdr.spi_i), ni->p, ni->len,
			     cn ? cn->data.p : NULL, cn ? cn->data.len : 0, cookie)) {
	case COOKIE_SEND:
		e->stats.cookies_sent++;
		msg_send_stateless(e, &m->hdr, local, remote, N_COOKIE, cookie, sizeof(cookie));
		return -1;
	case COOKIE_DROP:
		e->stats.init_refused_half_open++;
		return -1;
	case COOKIE_PASS:
		break;
	}
	if (halfopen_total(&e->cookies) >= e->cfg->global.half_open_limit) {
		e->stats.init_refused_half_open++;
		log_info(LS_IKE, "IKE_SA_INIT dropped: %u half-open IKE SAs, half_open_limit %llu",
			 halfopen_total(&e->cookies),
			 (unsigned long long)e->cfg->global.half_open_limit);
		return -1;
	}
	npeer = prop_usable(psa, peer);
	/* the first connection for these addresses whose proposals fit */
	for (c = conn; c; c = conn_by_addrs(e->cfg, local, remote, c))
		if (conf_proposals(&c->proposals, PROTO_IKE, ours, &nours) == 0 &&
		    proposal_select(ours, nours, peer, npeer, 0, chosen) == 0)
			break;
	if (!c) {
		log_info(LS_IKE, "IKE_SA_INIT from %s (connection %s): no proposal chosen",
			 addr_str(remote, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN), conn->name);
		msg_send_stateless(e, &m->hdr, local, remote, N_NO_PROPOSAL_CHOSEN, NULL, 0);
		return -1;
	}
	*used = c;
	group = prop_xf_id(chosen, TT_KE);
	if (msg_pl(m, PL_KE)->u.ke.group != group) {
		log_info(LS_IKE, "IKE_SA_INIT from %s: KE for %s, asking for %s",
			 addr_str(remote, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
			 group_str(msg_pl(m, PL_KE)->u.ke.group, (char[GROUP_STRLEN]){ 0 }),
			 group_str(group, (char[GROUP_STRLEN]){ 0 }));
		grp[0] = (uint8_t)(group >> 8);
		grp[1] = (uint8_t)group;
		msg_send_stateless(e, &m->hdr, local, remote, N_INVALID_KE_PAYLOAD, grp, 2);
		return -1;
	}
	return 0;
}

/* The response once the key exchange is done (here or on a worker);
 * takes ke and gir.  natd: the request carried NAT_DETECTION payloads. */
static int init_respond_send(struct ike_sa *sa, struct ke *ke, int rc, struct secret *gir,
			     const char *why, int natd)
{
	uint8_t pub[KE_PUB_MAX], nsrc[20], ndst[20], sha[16];
	struct out_msg o;
	struct wr w;

	sa->ke = ke;
	if (rc != CR_OK) {
		log_info(LS_IKE, "IKE SA %llu: initiator's KE refused: %s",
			 (unsigned long long)sa->id, why);
		rc = -1;
		goto out;
	}
	rc = -1;
	wr_init(&w, pub, sizeof(pub));
	if (engine_nonce(sa->eng, &sa->nr) < 0 || ke_public(sa->ke, &w) < 0 ||
	    ike_sa_derive_keys(sa, gir) < 0)
		goto out;
	out_init(&o, IKE_SA_INIT, 1, 0);
	out_sa(&o, &sa->prop, 1);
	out_ke(&o, sa->ke_group, pub, wr_len(&w));
	out_nonce(&o, &sa->nr);
	if (natd)
		add_natd(&o, sa, nsrc, ndst, 0);
	if (sa->frag_ok)	/* RFC 7383 2.3: answered when announced */
		out_notify(&o, PROTO_NONE, N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	/* RFC 7427 4: answered when announced; 3.7: CERTREQ for our CAs */
	if (sa->peer_sig_hashes)	/* the request announced them (auth_pk_note_peer) */
		auth_pk_add_sha_notify(&o, sha, sizeof(sha));
	auth_pk_add_certreq(sa, sa->conn, &o);
	add_childless(&o, sa->conn);
	rc = msg_send_response(sa, &o, &sa->init_resp);
out:
	secret_free(gir);
	ke_free(sa->ke);
	sa->ke = NULL;
	return rc;
}

/* A worker's result (crypto_job.c): answer, or give the SA up. */
static void init_dh_done(struct ike_sa *sa, struct ke *ke, int rc, struct secret *gir,
			 const char *why, int natd)
{
	if (init_respond_send(sa, ke, rc, gir, why, natd) < 0)
		ike_sa_destroy(sa);
}

/* Key exchange on a worker when there are workers, else here. */
static int init_respond(struct ike_sa *sa, const struct ike_msg *m)
{
	const struct ike_pl_ke *pke = &msg_pl(m, PL_KE)->u.ke;
	int natd = ike_msg_notify(m, N_NAT_DETECTION_SOURCE_IP) != NULL;
	struct secret gir = { 0 };
	struct ke *ke;
	char why[128] = "";
	int rc;

	if (prop_algs(&sa->prop, &sa->algs) < 0)
		return -1;
	if (crypto_dh_submit(sa, sa->ke_group, pke->data.p, pke->data.len, init_dh_done,
			     natd) == 0)
		return 0;	/* init_dh_done() answers */
	ke = engine_crypto_pair(sa->eng, sa->ke_group);
	if (!ke && !(ke = ke_new(sa->ke_group)))
		return -1;
	rc = ke_shared(ke, pke->data.p, pke->data.len, &gir, why, sizeof(why));
	return init_respond_send(sa, ke, rc, &gir, why, natd);
}

void init_rx_request(struct engine *e, const uint8_t *pkt, size_t len, const struct ike_msg *m,
		     const struct addr *local, const struct addr *remote)
{
	uint64_t spi_i = spi_get(m->hdr.spi_i);
	const struct ike_slice *ni = &msg_pl(m, PL_NONCE)->u.nonce;
	const struct conf_conn *conn;
	struct ike_proposal chosen;
	struct sa_entry *old;
	struct ike_sa *sa;

	old = sa_table_find_half_open(&e->table, spi_i, remote);
	if (old) {
		/* a retransmission: the cached response, or nothing */
		ike_window_rx_request(&((struct ike_sa *)old)->win, 0, pkt, len);
		return;
	}
	conn = conn_by_addrs(e->cfg, local, remote, NULL);
	if (!conn) {
		log_info(LS_IKE, "IKE_SA_INIT from %s to %s: no connection for these addresses",
			 addr_str(remote, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
			 addr_str(local, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		e->stats.packets_dropped++;
		return;
	}
	log_ctx_set(conn->name);	/* engine_packet_in clears it */
	if (redirect_gw_init(e, m, conn, local, remote) ||
	    init_admit(e, m, conn, local, remote, &chosen, &conn) < 0)
		return;
	sa = ike_sa_new(e, 0, local, remote, conn);
	if (!sa)
		return;
	/* an initiator starting on the NAT-T port (its local_port): the
	 * non-ESP marker for the whole SA (2.23) */
	if (addr_port(local) == e->port_natt && e->port_natt != e->port)
		sa->natt = 1;
	sa->entry.spi_i = spi_i;
	sa->prop = chosen;
	sa->ke_group = prop_xf_id(&chosen, TT_KE);
	if (sa_table_insert(&e->table, &sa->entry) < 0 || halfopen_inc(&e->cookies, remote) < 0) {
		ike_sa_destroy(sa);
		return;
	}
	sa->halfopen = 1;
	if (secret_dup(&sa->ni, ni->p, ni->len) < 0 || secret_dup(&sa->init_req, pkt, len) < 0 ||
	    ike_window_rx_request(&sa->win, 0, pkt, len) != IKE_RX_NEW ||
	    ike_window_begin_request(&sa->win, 0, pkt, len) < 0) {
		ike_sa_destroy(sa);
		return;
	}
	natd_check(sa, m);
	auth_pk_note_peer(sa, m);
	sa->peer_childless = ike_msg_notify(m, N_CHILDLESS_IKEV2_SUPPORTED) != NULL;
	sa->redir.peer_announced = ike_msg_notify(m, N_REDIRECT_SUPPORTED) ||
				   ike_msg_notify(m, N_REDIRECTED_FROM);
	frag_note_peer(sa, m);
	if (init_respond(sa, m) < 0) {
		ike_sa_destroy(sa);
		return;
	}
	/* with the key exchange pending on a worker, the response follows */
	ike_sa_state(sa, IKE_SA_INIT_RECEIVED);
	timer_schedule(e->loop, &sa->timeout, ENGINE_HALF_OPEN_MS);
}

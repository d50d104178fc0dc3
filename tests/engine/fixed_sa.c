/*
 * Fixed-keys IKE SAs (fixed_sa.h).  What IKE_SA_INIT would have left in
 * the SA is set here directly: SPIs, the chosen proposal, nonces,
 * RealMessage1/2 (placeholder bytes: AUTH signs them, nothing parses
 * them), message 0 exchanged through the window, SK_* from a constant
 * g^ir; then the real code takes over (auth_start on the initiator).
 */
#include <string.h>

#include "common/buf.h"
#include "common/log.h"
#include "ike/engine/exchange.h"
#include "ike/sa/conf_objects.h"
#include "ike/sa/prop_util.h"
#include "ike/sa/proposal_select.h"

#include "fixed_sa.h"

static const uint8_t fixed_gir[32] = "fixed g^ir for the engine fuzzer";
static const uint8_t fixed_ni[32] = "fixed Ni for the engine fuzzer!";
static const uint8_t fixed_nr[32] = "fixed Nr for the engine fuzzer!";
static const uint8_t fixed_msg1[64] = "RealMessage1: the IKE_SA_INIT request (placeholder)";
static const uint8_t fixed_msg2[64] = "RealMessage2: the IKE_SA_INIT response (placeholder)";

static int send_nothing(struct engine *e, const struct addr *local, const struct addr *remote,
			const uint8_t *pkt, size_t len)
{
	(void)e, (void)local, (void)remote, (void)pkt, (void)len;
	return 0;
}

/* The IKE_SA_INIT exchange, message 0, as the window would have seen it;
 * the placeholders are not sent. */
static int window_init_done(struct ike_sa *sa)
{
	struct engine *e = sa->eng;
	struct ike_frag f = { fixed_msg1, sizeof(fixed_msg1) };
	int (*send)(struct engine *, const struct addr *, const struct addr *, const uint8_t *,
		    size_t) = e->test_send;
	int rc = -1;

	e->test_send = send_nothing;
	if (sa->entry.initiator) {
		if (ike_window_send_request(&sa->win, &f, 1) == 0) {
			ike_window_response_done(&sa->win);
			rc = 0;
		}
	} else if (ike_window_rx_request(&sa->win, 0, f.p, f.len) == IKE_RX_NEW &&
		   ike_window_begin_request(&sa->win, 0, f.p, f.len) == 0) {
		f.p = fixed_msg2;
		f.len = sizeof(fixed_msg2);
		rc = ike_window_send_response(&sa->win, &f, 1);
	}
	e->test_send = send;
	return rc;
}

/*
 * The fuzzer builds thousands of these a second: what does not change
 * from one to the next is computed once, for the last connection and
 * algorithms seen (the proposal parsed from the configuration, SK_*).
 */
static struct {
	char conn_props[256];		/* conn->proposals, the first one */
	int have_prop;
	struct ike_proposal prop;
	struct ike_algs algs;
	struct ike_keys keys;
	int have_keys;
} cache;

/* The chosen IKE proposal (the first of ours), the initiator's offer. */
static int fixed_prop(struct ike_sa *sa, const struct conf_conn *conn)
{
	struct ike_proposal ours[IKE_MAX_PROPOSALS];
	size_t n;

	const char *first = conn->proposals.n ? conn->proposals.v[0] : "";

	if (!cache.have_prop || strcmp(cache.conn_props, first) != 0) {
		cache.have_prop = 0;
		if (strlen(first) >= sizeof(cache.conn_props) ||
		    conf_proposals(&conn->proposals, PROTO_IKE, ours, &n) < 0 ||
		    proposal_select(ours, 1, ours, 1, 0, &cache.prop) < 0)
			return -1;
		strcpy(cache.conn_props, first);
		cache.have_prop = 1;
	}
	sa->prop = cache.prop;
	if (prop_algs(&sa->prop, &sa->algs) < 0)
		return -1;
	sa->ke_group = prop_xf_id(&sa->prop, TT_KE);
	if (!sa->entry.initiator)
		return 0;
	return conf_proposals_dup(&conn->proposals, PROTO_IKE, &sa->offered, &sa->noffered);
}

/* The initiator's side after IKE_SA_INIT: its first child pending. */
static int fixed_initiator(struct ike_sa *sa, const struct conf_conn *conn)
{
	sa->init_child = conn->nchildren ? &conn->children[0] : NULL;
	sa->local_id = conn->local.id;
	if (sa->init_child && !(sa->pending_child = child_sa_new(sa, sa->init_child)))
		return -1;
	return ike_sa_state(sa, IKE_SA_INIT_SENT);
}

/* struct ike_keys is SKEYSEED and the seven SK_*, all struct secret */
_Static_assert(sizeof(struct ike_keys) == 8 * sizeof(struct secret), "struct ike_keys");

/* SK_* as ike_sa_derive_keys() makes them (computed once per algorithms:
 * everything else they depend on is fixed). */
static int fixed_keys(struct ike_sa *sa)
{
	struct secret gir = { (uint8_t *)fixed_gir, sizeof(fixed_gir) };
	struct secret *to = &sa->keys.skeyseed, *from = &cache.keys.skeyseed;
	int init = sa->entry.initiator;

	if (!cache.have_keys || memcmp(&cache.algs, &sa->algs, sizeof(sa->algs)) != 0) {
		if (ike_sa_derive_keys(sa, &gir) < 0)
			return -1;
		ike_keys_free(&cache.keys);
		cache.have_keys = 0;
		for (size_t i = 0; i < sizeof(sa->keys) / sizeof(*to); i++)
			if (secret_dup(&from[i], to[i].ptr, to[i].len) < 0)
				return -1;
		cache.algs = sa->algs;
		cache.have_keys = 1;
		return 0;
	}
	for (size_t i = 0; i < sizeof(sa->keys) / sizeof(*to); i++)
		if (secret_dup(&to[i], from[i].ptr, from[i].len) < 0)
			return -1;
	if (sk_init(&sa->sk_out, sa->algs.encr, sa->algs.integ,
		    init ? &sa->keys.sk_ei : &sa->keys.sk_er,
		    init ? &sa->keys.sk_ai : &sa->keys.sk_ar) != CR_OK ||
	    sk_init(&sa->sk_in, sa->algs.encr, sa->algs.integ,
		    init ? &sa->keys.sk_er : &sa->keys.sk_ei,
		    init ? &sa->keys.sk_ar : &sa->keys.sk_ai) != CR_OK)
		return -1;
	sa->have_keys = 1;
	return 0;
}

struct ike_sa *fixed_sa_new(struct engine *e, const struct conf_conn *conn, int initiator,
			    const struct addr *local, const struct addr *remote)
{
	struct ike_sa *sa = ike_sa_new(e, initiator, local, remote, conn);

	if (!sa)
		return NULL;
	sa->entry.spi_i = FIXED_SPI_I;
	sa->entry.spi_r = FIXED_SPI_R;
	if (sa_table_insert(&e->table, &sa->entry) < 0)
		goto fail;	/* not linked: sa_table_remove() finds nothing */
	if (!initiator) {
		if (halfopen_inc(&e->cookies, remote) < 0)
			goto fail;
		sa->halfopen = 1;
	}
	if (fixed_prop(sa, conn) < 0 || secret_dup(&sa->ni, fixed_ni, sizeof(fixed_ni)) < 0 ||
	    secret_dup(&sa->nr, fixed_nr, sizeof(fixed_nr)) < 0 ||
	    secret_dup(&sa->init_req, fixed_msg1, sizeof(fixed_msg1)) < 0 ||
	    secret_dup(&sa->init_resp, fixed_msg2, sizeof(fixed_msg2)) < 0 ||
	    window_init_done(sa) < 0 || fixed_keys(sa) < 0)
		goto fail;
	if (initiator) {
		if (fixed_initiator(sa, conn) < 0 || auth_start(sa) < 0)
			goto fail;
	} else {
		if (ike_sa_state(sa, IKE_SA_INIT_RECEIVED) < 0)
			goto fail;
		timer_schedule(e->loop, &sa->timeout, ENGINE_HALF_OPEN_MS);
	}
	return sa;
fail:
	log_err(LS_IKE, "fixed_sa_new: IKE SA %llu could not be set up",
		(unsigned long long)sa->id);
	ike_sa_destroy(sa);
	return NULL;
}

size_t fixed_sa_seal(const struct ike_sa *sa, uint8_t exchange, int response, uint32_t msgid,
		     uint8_t first, const uint8_t *chain, size_t clen, uint8_t *out, size_t size)
{
	size_t blen = sk_overhead(&sa->sk_in, clen);
	uint8_t spi[8];
	struct wr w;

	wr_init(&w, out, size);
	spi_put(spi, sa->entry.spi_i);
	wr_bytes(&w, spi, 8);
	spi_put(spi, sa->entry.spi_r);
	wr_bytes(&w, spi, 8);
	wr_u8(&w, PL_SK);
	wr_u8(&w, 0x20);
	wr_u8(&w, exchange);
	wr_u8(&w, (uint8_t)((sa->entry.initiator ? 0 : IKE_FLAG_INITIATOR) |
			    (response ? IKE_FLAG_RESPONSE : 0)));
	wr_u32(&w, msgid);
	wr_u32(&w, (uint32_t)(IKE_HDR_LEN + 4 + blen));
	wr_u8(&w, first);
	wr_u8(&w, 0);
	wr_u16(&w, (uint16_t)(4 + blen));
	if (!wr_ok(&w) || 4 + blen > 0xffff ||
	    sk_encrypt(&sa->sk_in, out, wr_len(&w), chain, clen, &w) != CR_OK || !wr_ok(&w))
		return 0;
	return wr_len(&w);
}

void fixed_sa_clear(struct engine *e)
{
	while (e->sas)
		ike_sa_destroy(e->sas);
}

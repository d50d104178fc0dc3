/*
 * Rekeying between two engines in one process (pair.h), every message
 * scripted: CHILD SA rekey started by either side (with and without a
 * fresh KE), INVALID_KE_PAYLOAD, IKE SA rekey, simultaneous CHILD SA and
 * IKE SA rekeys with each side holding the lowest nonce, a rekey crossing
 * a DELETE, TEMPORARY_FAILURE and its retry, a second CHILD SA, timers,
 * kernel EXPIRE and reauthentication.  The in-memory kernels must show one
 * SA pair per CHILD SA once the dust settles, and the policies must stay
 * in place throughout.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "ike/engine/create_child.h"
#include "ike/engine/exchange.h"
#include "ike/engine/rekey.h"
#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;

/* Both configurations with the same text added to the child's settings. */
static void establish_with(const char *child_extra)
{
	char *a = NULL, *b = NULL, err[256];
	const char *anchor = "remote_ts = [\"10.2.0.0/16\"];";
	const char *anchor_b = "remote_ts = [\"10.1.0.0/16\"];";

	if (child_extra) {
		char ta[512], tb[512];

		snprintf(ta, sizeof(ta), "%s %s", anchor, child_extra);
		snprintf(tb, sizeof(tb), "%s %s", anchor_b, child_extra);
		a = pair_conf_sub(pair_conf_a, anchor, ta);
		b = pair_conf_sub(pair_conf_b, anchor_b, tb);
	}
	pair_setup(&P, a, b);
	free(a);
	free(b);
	ck_assert_msg(engine_initiate(P.peer[PAIR_A].e, "ab", NULL, err, sizeof(err)) == 0, "%s",
		      err);
	pair_pump(&P, 0);
	ck_assert_ptr_nonnull(pair_sa(&P, PAIR_A));
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->state, IKE_SA_ESTABLISHED);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->state, IKE_SA_ESTABLISHED);
	P.delivered = 0;
}

static uint16_t ke_of(const struct ike_proposal *p)
{
	for (size_t i = 0; i < p->ntransforms; i++)
		if (p->xf[i].type == TT_KE)
			return p->xf[i].id;
	return KE_NONE;
}

static void set_nonce(int side, uint8_t v)
{
	memset(P.peer[side].nonce, v, sizeof(P.peer[side].nonce));
}

static struct child_sa *child(int side)
{
	return pair_sa(&P, side)->children;
}

static size_t nchildren(int side)
{
	size_t n = 0;

	for (struct child_sa *c = child(side); c; c = c->next)
		n++;
	return n;
}

static const struct kernel_sa *ksa(int side, const char *dst, uint32_t spi)
{
	return pair_ksa(&P, side, dst, spi);
}

/* The settled state: one IKE SA and one CHILD SA per side, crossing SPIs,
 * equal keys, and in the kernels exactly that SA pair and 3 policies. */
static void assert_settled(void)
{
	struct child_sa *a, *b;

	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->state, IKE_SA_ESTABLISHED);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->state, IKE_SA_ESTABLISHED);
	ck_assert_uint_eq(nchildren(PAIR_A), 1);
	ck_assert_uint_eq(nchildren(PAIR_B), 1);
	a = child(PAIR_A);
	b = child(PAIR_B);
	ck_assert_int_eq(a->state, CHILD_SA_INSTALLED);
	ck_assert_int_eq(b->state, CHILD_SA_INSTALLED);
	ck_assert_uint_eq(a->spi_out, b->spi_in);
	ck_assert_uint_eq(a->spi_in, b->spi_out);
	pair_assert_sa_match(ksa(PAIR_A, "192.0.2.2", a->spi_out), ksa(PAIR_B, "192.0.2.2", b->spi_in));
	pair_assert_sa_match(ksa(PAIR_B, "192.0.2.1", b->spi_out), ksa(PAIR_A, "192.0.2.1", a->spi_in));
	for (int s = 0; s < 2; s++) {
		ck_assert_uint_eq(kernel_mem_sa_count(P.peer[s].k), 2);
		ck_assert_uint_eq(kernel_mem_policy_count(P.peer[s].k), 3);
		ck_assert_ptr_null(pair_sa(&P, s)->rk.req);
	}
	ck_assert_uint_eq(ksa(PAIR_A, "192.0.2.1", a->spi_in)->reqid, a->reqid);
}

/*
 * 2.17, computed here independently: KEYMAT = prf+(SK_d, Ni | Nr) of the
 * CREATE_CHILD_SA exchange, the initiator-to-responder key first, where
 * the initiator is the side that sent the request (here: side ini).
 */
static void assert_keymat(int ini)
{
	struct child_sa *c = child(ini);
	struct ike_sa *sa = pair_sa(&P, ini);
	const struct kernel_sa *out = ksa(ini, ini == PAIR_A ? "192.0.2.2" : "192.0.2.1", c->spi_out);
	const struct encr_alg *encr = NULL;
	struct child_keys k;

	for (size_t i = 0; i < c->prop.ntransforms; i++)
		if (c->prop.xf[i].type == TT_ENCR)
			encr = encr_lookup(c->prop.xf[i].id, c->prop.xf[i].keylen);
	ck_assert_ptr_nonnull(encr);
	ck_assert_int_eq(c->rk.kx_role, 1);
	memset(&k, 0, sizeof(k));
	ck_assert_int_eq(child_keys_derive(sa->algs.prf, &sa->keys.sk_d, encr, NULL, NULL,
					   c->rk.ni.ptr, c->rk.ni.len, c->rk.nr.ptr, c->rk.nr.len,
					   &k), CR_OK);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(out->enc_key_len, k.encr_i.len);
	ck_assert_mem_eq(out->enc_key, k.encr_i.ptr, k.encr_i.len);
	child_keys_free(&k);
}

/* Policies are never missing while SAs come and go (traffic keeps flowing). */
static int policies_kept(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	int *broken = arg;

	(void)pkt;
	for (int s = 0; s < 2; s++)
		if (kernel_mem_policy_count(p->peer[s].k) != 3)
			*broken = 1;
	return 0;
}

static void watch_policies(int *broken)
{
	*broken = 0;
	P.filter = policies_kept;
	P.filter_arg = broken;
}

START_TEST(test_child_rekey_initiator)
{
	uint32_t old_in, old_out;
	int broken;

	establish_with(NULL);
	watch_policies(&broken);
	old_in = child(PAIR_A)->spi_in;
	old_out = child(PAIR_A)->spi_out;
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	ck_assert_int_eq(child(PAIR_A)->state, CHILD_SA_REKEYING);
	/* request: B installs the new inbound SA only and goes on sending on
	 * the old one, which A can still read */
	ck_assert_uint_eq(pair_pump(&P, 1), 1);
	ck_assert_uint_eq(nchildren(PAIR_B), 2);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 3);
	ck_assert_ptr_nonnull(ksa(PAIR_B, "192.0.2.2", child(PAIR_B)->spi_in));
	ck_assert_ptr_null(ksa(PAIR_B, "192.0.2.1", child(PAIR_B)->spi_out));
	ck_assert_ptr_nonnull(ksa(PAIR_B, "192.0.2.1", old_in));
	ck_assert_int_eq(child(PAIR_B)->next->state, CHILD_SA_REKEYED);
	/* response: A installs both and sends on the new SA; it deletes the
	 * old pair: its outbound half at once, the inbound one once B confirms */
	ck_assert_uint_eq(pair_pump(&P, 1), 1);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 3);
	ck_assert_ptr_null(ksa(PAIR_A, "192.0.2.2", old_out));
	ck_assert_ptr_nonnull(ksa(PAIR_A, "192.0.2.1", old_in));
	ck_assert_int_eq(child(PAIR_A)->next->state, CHILD_SA_DELETING);
	/* the DELETE moves B's outbound traffic to the new SA */
	ck_assert_uint_eq(pair_pump(&P, 1), 1);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
	ck_assert_ptr_nonnull(ksa(PAIR_B, "192.0.2.1", child(PAIR_B)->spi_out));
	/* its answer ends the old pair on A */
	ck_assert_uint_eq(pair_pump(&P, 1), 1);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	ck_assert_ptr_null(ksa(PAIR_A, "192.0.2.1", old_in));
	pair_pump(&P, 0);
	ck_assert_uint_eq(P.delivered, 4);
	assert_settled();
	assert_keymat(PAIR_A);
	ck_assert_uint_ne(child(PAIR_A)->spi_in, old_in);
	ck_assert_uint_ne(child(PAIR_A)->spi_out, old_out);
	ck_assert_ptr_null(ksa(PAIR_A, "192.0.2.1", old_in));
	ck_assert_ptr_null(ksa(PAIR_B, "192.0.2.2", old_out));
	ck_assert_int_eq(broken, 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_child_rekey_responder)
{
	uint32_t old;
	int broken;

	establish_with(NULL);
	watch_policies(&broken);
	old = child(PAIR_B)->spi_in;
	/* the original responder rekeys: roles in CREATE_CHILD_SA swap */
	ck_assert_int_eq(rekey_child(child(PAIR_B)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(P.delivered, 4);
	assert_settled();
	/* B sent the request: its outbound key is KEYMAT's first, although
	 * A started the IKE SA */
	assert_keymat(PAIR_B);
	ck_assert_uint_ne(child(PAIR_B)->spi_in, old);
	ck_assert_int_eq(broken, 0);
	/* and again from A over the same IKE SA */
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	pair_pump(&P, 0);
	assert_settled();
	pair_free(&P);
}
END_TEST

static size_t biggest;

static int note_size(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	(void)p;
	(void)arg;
	if (pkt->len > biggest)
		biggest = pkt->len;
	return 0;
}

START_TEST(test_child_rekey_pfs)
{
	establish_with("esp_proposals = [\"aes128gcm16-modp2048\"];");
	biggest = 0;
	P.filter = note_size;
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	pair_pump(&P, 0);
	assert_settled();
	/* KEi and KEr carry 256 bytes of MODP-2048 each */
	ck_assert_uint_gt(biggest, 256 + 100);
	ck_assert_uint_eq(ke_of(&child(PAIR_A)->prop), KE_MODP_2048);
	pair_free(&P);
}
END_TEST

START_TEST(test_invalid_ke)
{
	char *a, *b;

	/* A prefers ECP-256, B accepts only MODP-2048: one INVALID_KE_PAYLOAD */
	a = pair_conf_sub(pair_conf_a, "remote_ts = [\"10.2.0.0/16\"];",
		     "remote_ts = [\"10.2.0.0/16\"]; esp_proposals = [\"aes128gcm16-ecp256\", "
		     "\"aes128gcm16-modp2048\"];");
	b = pair_conf_sub(pair_conf_b, "remote_ts = [\"10.1.0.0/16\"];",
		     "remote_ts = [\"10.1.0.0/16\"]; esp_proposals = [\"aes128gcm16-modp2048\"];");
	pair_setup(&P, a, b);
	free(a);
	free(b);
	ck_assert_int_eq(engine_initiate(P.peer[PAIR_A].e, "ab", NULL, (char[64]){ 0 }, 64), 0);
	pair_pump(&P, 0);
	P.delivered = 0;
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	pair_pump(&P, 0);
	/* request, INVALID_KE_PAYLOAD, request again, answer, DELETE pair */
	ck_assert_uint_eq(P.delivered, 6);
	assert_settled();
	ck_assert_uint_eq(ke_of(&child(PAIR_B)->prop), KE_MODP_2048);
	pair_free(&P);
}
END_TEST

START_TEST(test_ike_rekey)
{
	uint64_t old_spi_i, old_id;
	int broken;

	establish_with(NULL);
	watch_policies(&broken);
	old_spi_i = pair_sa(&P, PAIR_A)->entry.spi_i;
	old_id = pair_sa(&P, PAIR_B)->id;
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_B)), 0);
	pair_pump(&P, 0);
	/* CREATE_CHILD_SA, then DELETE of the old IKE SA */
	ck_assert_uint_eq(P.delivered, 4);
	assert_settled();
	ck_assert_uint_ne(pair_sa(&P, PAIR_A)->entry.spi_i, old_spi_i);
	ck_assert_uint_ne(pair_sa(&P, PAIR_B)->id, old_id);
	/* B started it: B is the initiator of the new IKE SA (2.18) */
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->entry.initiator, 1);
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->entry.initiator, 0);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->entry.spi_i, pair_sa(&P, PAIR_B)->entry.spi_i);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->entry.spi_r, pair_sa(&P, PAIR_B)->entry.spi_r);
	ck_assert_int_eq(broken, 0);
	/* the new keys work both ways: a CHILD rekey over the new IKE SA */
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	pair_pump(&P, 0);
	assert_settled();
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_A)), 0);
	pair_pump(&P, 0);
	assert_settled();
	pair_free(&P);
}
END_TEST

/*
 * 2.8.1: both rekey the CHILD SA at once.  Exchange A carries (a_ni, b_nr),
 * exchange B (b_ni, a_nr); the lowest nonce marks the redundant SA, which
 * its initiator deletes, and the winner deletes the old SA.
 */
static void child_collision(uint8_t a_ni, uint8_t b_ni, uint8_t a_nr, uint8_t b_nr,
			    int a_loses)
{
	uint32_t a_old = 0, b_old = 0;
	uint32_t a_spi_after_req;
	int broken;

	establish_with(NULL);
	watch_policies(&broken);
	a_old = child(PAIR_A)->spi_in;
	b_old = child(PAIR_B)->spi_in;
	set_nonce(PAIR_A, a_ni);
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	set_nonce(PAIR_B, b_ni);
	ck_assert_int_eq(rekey_child(child(PAIR_B)), 0);
	set_nonce(PAIR_A, a_nr);
	set_nonce(PAIR_B, b_nr);
	/* both requests cross; each side answers the other's */
	ck_assert_uint_eq(pair_pump(&P, 2), 2);
	ck_assert_uint_eq(nchildren(PAIR_A), 2);
	ck_assert_uint_eq(nchildren(PAIR_B), 2);
	a_spi_after_req = child(PAIR_A)->spi_in;	/* made by B's exchange */
	pair_pump(&P, 0);
	assert_settled();
	ck_assert_uint_ne(child(PAIR_A)->spi_in, a_old);
	ck_assert_uint_ne(child(PAIR_B)->spi_in, b_old);
	/* the survivor is the SA of the winner's exchange */
	if (a_loses)
		ck_assert_uint_eq(child(PAIR_A)->spi_in, a_spi_after_req);
	else
		ck_assert_uint_ne(child(PAIR_A)->spi_in, a_spi_after_req);
	ck_assert_int_eq(broken, 0);
	/* 2 CREATE_CHILD_SA + 2 DELETE exchanges */
	ck_assert_uint_eq(P.delivered, 8);
	pair_free(&P);
}

START_TEST(test_child_collision_a_loses)
{
	child_collision(0x10, 0x50, 0x60, 0x70, 1);
}
END_TEST

START_TEST(test_child_collision_b_loses)
{
	child_collision(0x50, 0x60, 0x10, 0x70, 0);
}
END_TEST

START_TEST(test_child_collision_b_nr_lowest)
{
	/* B's nonce in A's exchange is the lowest: A's exchange loses */
	child_collision(0x50, 0x60, 0x70, 0x10, 1);
}
END_TEST

static void ike_collision(uint8_t a_ni, uint8_t b_ni, uint8_t a_nr, uint8_t b_nr, int a_loses)
{
	uint64_t a_new_spi;
	int broken;

	establish_with(NULL);
	watch_policies(&broken);
	set_nonce(PAIR_A, a_ni);
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_A)), 0);
	a_new_spi = pair_sa(&P, PAIR_A)->entry.spi_i;	/* A's proposed new SA */
	set_nonce(PAIR_B, b_ni);
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_B)), 0);
	set_nonce(PAIR_A, a_nr);
	set_nonce(PAIR_B, b_nr);
	pair_pump(&P, 0);
	assert_settled();
	/* A's SA is the survivor exactly when A wins; A initiated it */
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->entry.spi_i == a_new_spi, !a_loses);
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->entry.initiator, !a_loses);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->entry.spi_i, pair_sa(&P, PAIR_B)->entry.spi_i);
	ck_assert_int_eq(broken, 0);
	/* the survivor works */
	ck_assert_int_eq(rekey_child(child(PAIR_B)), 0);
	pair_pump(&P, 0);
	assert_settled();
	pair_free(&P);
}

START_TEST(test_ike_collision_a_loses)
{
	ike_collision(0x10, 0x50, 0x60, 0x70, 1);
}
END_TEST

START_TEST(test_ike_collision_b_loses)
{
	ike_collision(0x50, 0x10, 0x60, 0x70, 0);
}
END_TEST

static int no_children(struct pair *p)
{
	return !pair_sa(p, PAIR_A)->children && !pair_sa(p, PAIR_B)->children &&
	       !pair_queued(p);
}

START_TEST(test_rekey_vs_delete)
{
	establish_with(NULL);
	/* A rekeys the CHILD SA while B deletes it */
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	ck_assert_int_eq(info_delete_child(child(PAIR_B)), 0);
	pair_pump(&P, 0);
	ck_assert(no_children(&P));
	for (int s = 0; s < 2; s++) {
		ck_assert_uint_eq(kernel_mem_sa_count(P.peer[s].k), 0);
		ck_assert_uint_eq(kernel_mem_policy_count(P.peer[s].k), 0);
		ck_assert_int_eq(pair_sa(&P, s)->state, IKE_SA_ESTABLISHED);
		ck_assert_ptr_null(pair_sa(&P, s)->rk.req);
	}
	pair_free(&P);
}
END_TEST

static int settled(struct pair *p)
{
	for (int s = 0; s < 2; s++) {
		struct ike_sa *sa = pair_sa(p, s);

		if (pair_nsas(p, s) != 1 || sa->state != IKE_SA_ESTABLISHED || sa->rk.req ||
		    sa->rk.want_ike || sa->rk.nwant || sa->rk.nwant_new || !sa->children ||
		    sa->children->next || sa->children->state != CHILD_SA_INSTALLED)
			return 0;
	}
	return !pair_queued(p);
}

START_TEST(test_temporary_failure)
{
	uint64_t b_ike;
	uint32_t a_child;

	establish_with(NULL);
	b_ike = pair_sa(&P, PAIR_B)->id;
	a_child = child(PAIR_A)->spi_in;
	/* B rekeys the IKE SA while A rekeys the CHILD SA: each refuses the
	 * other's request with TEMPORARY_FAILURE (2.25) and tries again later */
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_B)), 0);
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	pair_pump(&P, 4);
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->rk.tempfail, 1);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->rk.tempfail, 1);
	ck_assert_int_eq(child(PAIR_A)->state, CHILD_SA_INSTALLED);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->state, IKE_SA_ESTABLISHED);
	/* the retries after REKEY_RETRY_MIN_MS .. + SPREAD */
	ck_assert(pair_run(&P, 3 * (REKEY_RETRY_MIN_MS + REKEY_RETRY_SPREAD_MS), settled));
	assert_settled();
	ck_assert_uint_ne(pair_sa(&P, PAIR_B)->id, b_ike);
	ck_assert_uint_ne(child(PAIR_A)->spi_in, a_child);
	pair_free(&P);
}
END_TEST

static int two_children(struct pair *p)
{
	return nchildren(PAIR_A) == 2 && nchildren(PAIR_B) == 2 && !pair_queued(p) &&
	       child(PAIR_A)->state == CHILD_SA_INSTALLED &&
	       child(PAIR_B)->state == CHILD_SA_INSTALLED;
}

static uint32_t spi_before[2];

/* Both CHILD SAs of side A replaced since spi_before was noted. */
static int both_rekeyed(struct pair *p)
{
	struct child_sa *c;

	if (!two_children(p))
		return 0;
	for (c = child(PAIR_A); c; c = c->next)
		if (c->spi_in == spi_before[0] || c->spi_in == spi_before[1])
			return 0;
	return 1;
}

START_TEST(test_second_child)
{
	const char *two_a =
		"children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
		"                 remote_ts = [\"10.2.0.0/16\"]; },\n"
		"             { name = \"web\"; local_ts = [\"10.3.0.0/16\"];\n"
		"                 remote_ts = [\"10.4.0.0/16\"]; } );";
	const char *two_b =
		"children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
		"                 remote_ts = [\"10.1.0.0/16\"]; },\n"
		"             { name = \"web\"; local_ts = [\"10.4.0.0/16\"];\n"
		"                 remote_ts = [\"10.3.0.0/16\"]; } );";
	char *a = pair_conf_sub(pair_conf_a, "children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
				    "                 remote_ts = [\"10.2.0.0/16\"]; } );", two_a);
	char *b = pair_conf_sub(pair_conf_b, "children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
				    "                 remote_ts = [\"10.1.0.0/16\"]; } );", two_b);
	char err[128];
	uint64_t old_ike;

	pair_setup(&P, a, b);
	free(a);
	free(b);
	/* every child: IKE_AUTH carries the first, CREATE_CHILD_SA the second */
	ck_assert_int_eq(engine_initiate(P.peer[PAIR_A].e, "ab", NULL, err, sizeof(err)), 0);
	ck_assert(pair_run(&P, 2000, two_children));
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 4);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 6);
	/* initiating again starts nothing new */
	ck_assert_int_eq(engine_initiate(P.peer[PAIR_A].e, "ab", "web", err, sizeof(err)), 0);
	pair_run(&P, 50, NULL);
	ck_assert_uint_eq(nchildren(PAIR_A), 2);
	/* ikectl rekey: the IKE SA, both children move to the new one */
	old_ike = pair_sa(&P, PAIR_A)->id;
	ck_assert_int_eq(engine_rekey(P.peer[PAIR_B].e, "ba", 0, err, sizeof(err)), 0);
	ck_assert(pair_run(&P, 2000, two_children));
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	ck_assert_uint_ne(pair_sa(&P, PAIR_A)->id, old_ike);
	/* and both children, one after the other */
	spi_before[0] = child(PAIR_A)->spi_in;
	spi_before[1] = child(PAIR_A)->next->spi_in;
	rekey_child(child(PAIR_A));
	rekey_child(child(PAIR_A)->next);
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->rk.nwant, 1);
	ck_assert(pair_run(&P, 2000, both_rekeyed));
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 4);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 4);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 6);
	ck_assert_int_ne(engine_rekey(P.peer[PAIR_B].e, "nothere", 0, err, sizeof(err)), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_kernel_expire)
{
	struct kernel_sa_id id;
	uint32_t old;

	establish_with(NULL);
	old = child(PAIR_B)->spi_in;
	memset(&id, 0, sizeof(id));
	addr_parse(&id.dst, "192.0.2.2", 0);
	id.spi = old;
	id.proto = IPPROTO_ESP;
	/* soft: a rekey; a second soft EXPIRE (the outbound SA's) is absorbed */
	ck_assert_int_eq(kernel_mem_inject_expire(P.peer[PAIR_B].k, &id, 0), 0);
	ck_assert_int_eq(kernel_mem_inject_expire(P.peer[PAIR_B].k, &id, 0), 0);
	pair_run(&P, 100, NULL);
	assert_settled();
	ck_assert_uint_ne(child(PAIR_B)->spi_in, old);
	/* hard: the SA is gone; close_action none removes it on both sides */
	id.spi = child(PAIR_B)->spi_in;
	ck_assert_int_eq(kernel_mem_inject_expire(P.peer[PAIR_B].k, &id, 1), 0);
	ck_assert(pair_run(&P, 1000, no_children));
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

static int child_rekeyed_twice(struct pair *p)
{
	(void)p;
	return settled(p) && P.peer[PAIR_A].e->stats.child_sas_installed_total >= 3;
}

static void note_child(const struct engine_child_sa_info *in, void *arg)
{
	*(struct engine_child_sa_info *)arg = *in;
}

static void note_ike(const struct engine_ike_sa_info *in, void *arg)
{
	*(struct engine_ike_sa_info *)arg = *in;
}

START_TEST(test_timers)
{
	struct engine_child_sa_info info;
	struct child_sa *c;
	uint64_t in, life;

	/* rekey after 1..2 s (rand_time 1 s), whichever side's timer fires first */
	establish_with("rekey_time = \"2s\"; life_time = \"20s\"; rand_time = \"1s\";");
	c = child(PAIR_A);
	in = rekey_child_rekey_in(c);
	life = rekey_child_expire_in(c);
	ck_assert_uint_ge(in, 1);
	ck_assert_uint_le(in, 2);
	ck_assert_uint_ge(life, 19);
	ck_assert_uint_le(life, 20);
	/* what ikectl show prints */
	memset(&info, 0, sizeof(info));
	engine_list_child_sas(P.peer[PAIR_A].e, NULL, note_child, &info);
	ck_assert_uint_eq(info.rekey_in_secs, in);
	ck_assert_uint_eq(info.expire_in_secs, life);
	ck_assert(pair_run(&P, 6000, child_rekeyed_twice));
	assert_settled();
	ck_assert_uint_gt(rekey_child_rekey_in(child(PAIR_B)), 0);
	pair_free(&P);
}
END_TEST

static int reauthenticated(struct pair *p)
{
	return settled(p) && pair_sa(p, PAIR_A)->id > 1;
}

START_TEST(test_reauth)
{
	struct engine_ike_sa_info info;
	char *a;
	uint64_t old_spi;
	int broken;

	a = pair_conf_sub(pair_conf_a, "name = \"ab\";", "name = \"ab\"; reauth_time = \"1s\"; "
		     "rand_time = \"0s\"; over_time = \"10s\";");
	pair_setup(&P, a, NULL);
	free(a);
	ck_assert_int_eq(engine_initiate(P.peer[PAIR_A].e, "ab", NULL, (char[64]){ 0 }, 64), 0);
	pair_pump(&P, 0);
	old_spi = pair_sa(&P, PAIR_A)->entry.spi_i;
	ck_assert_uint_eq(rekey_ike_reauth_in(pair_sa(&P, PAIR_A)), 1);
	memset(&info, 0, sizeof(info));
	engine_list_ike_sas(P.peer[PAIR_A].e, NULL, note_ike, &info);
	ck_assert_uint_eq(info.reauth_in_secs, 1);
	ck_assert_uint_eq(info.rekey_in_secs, 4 * 3600);
	watch_policies(&broken);
	/* make-before-break: a new IKE SA with its CHILD SA, then the old goes */
	ck_assert(pair_run(&P, 3000, reauthenticated));
	assert_settled();
	ck_assert_uint_ne(pair_sa(&P, PAIR_A)->entry.spi_i, old_spi);
	ck_assert_int_eq(broken, 0);
	pair_free(&P);
}
END_TEST

/* Drops the first datagram B sends after being armed. */
static int drop_b_once(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	int *armed = arg;

	(void)p;
	if (*armed && pkt->from == PAIR_B) {
		*armed = 0;
		return 1;
	}
	return 0;
}

START_TEST(test_lost_response)
{
	int armed = 1;

	establish_with(NULL);
	P.filter = drop_b_once;
	P.filter_arg = &armed;
	/* B's answer is lost: A retransmits, B answers from its cache and
	 * installs nothing twice */
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	ck_assert(pair_run(&P, 2000, settled));
	ck_assert_int_eq(armed, 0);
	assert_settled();
	ck_assert_uint_ge(P.peer[PAIR_B].e->stats.child_sas_installed_total, 2);
	ck_assert_uint_eq(P.peer[PAIR_B].e->stats.child_sas_installed_total, 2);
	pair_free(&P);
}
END_TEST

START_TEST(test_close_action_start)
{
	struct kernel_sa_id id;
	uint32_t old;

	/* a hard EXPIRE on B: a late rekey replaces the CHILD SA (a DELETE
	 * would make A's close_action start a second one) */
	establish_with("close_action = \"start\";");
	old = child(PAIR_B)->spi_in;
	memset(&id, 0, sizeof(id));
	addr_parse(&id.dst, "192.0.2.2", 0);
	id.spi = old;
	id.proto = IPPROTO_ESP;
	ck_assert_int_eq(kernel_mem_inject_expire(P.peer[PAIR_B].k, &id, 1), 0);
	pair_run(&P, 20, NULL);
	ck_assert(pair_run(&P, 2000, settled));
	assert_settled();
	ck_assert_uint_ne(child(PAIR_B)->spi_in, old);
	ck_assert_int_eq(child(PAIR_B)->rk.kx_role, 1);
	/* B deletes it: A's close_action brings a new one on the same IKE SA */
	old = child(PAIR_A)->spi_in;
	ck_assert_int_eq(info_delete_child(child(PAIR_B)), 0);
	pair_run(&P, 20, NULL);
	ck_assert(pair_run(&P, 2000, settled));
	assert_settled();
	ck_assert_uint_ne(child(PAIR_A)->spi_in, old);
	ck_assert_int_eq(child(PAIR_A)->rk.kx_role, 1);
	pair_free(&P);
}
END_TEST

START_TEST(test_nonce_order)
{
	static const uint8_t a[] = { 1, 2, 3 }, b[] = { 1, 2, 3, 0 }, c[] = { 1, 3 };

	ck_assert_int_lt(nonce_cmp(a, 3, b, 4), 0);
	ck_assert_int_gt(nonce_cmp(b, 4, a, 3), 0);
	ck_assert_int_eq(nonce_cmp(a, 3, a, 3), 0);
	ck_assert_int_lt(nonce_cmp(b, 4, c, 2), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("rekey");
	TCase *t = tcase_create("rekey");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_nonce_order);
	tcase_add_test(t, test_child_rekey_initiator);
	tcase_add_test(t, test_child_rekey_responder);
	tcase_add_test(t, test_child_rekey_pfs);
	tcase_add_test(t, test_invalid_ke);
	tcase_add_test(t, test_ike_rekey);
	tcase_add_test(t, test_child_collision_a_loses);
	tcase_add_test(t, test_child_collision_b_loses);
	tcase_add_test(t, test_child_collision_b_nr_lowest);
	tcase_add_test(t, test_ike_collision_a_loses);
	tcase_add_test(t, test_ike_collision_b_loses);
	tcase_add_test(t, test_rekey_vs_delete);
	tcase_add_test(t, test_temporary_failure);
	tcase_add_test(t, test_second_child);
	tcase_add_test(t, test_kernel_expire);
	tcase_add_test(t, test_timers);
	tcase_add_test(t, test_reauth);
	tcase_add_test(t, test_lost_response);
	tcase_add_test(t, test_close_action_start);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return pair_main(suite());
}

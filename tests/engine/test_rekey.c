/*
 * Rekeying between two engines in one process (pair.h), every message
 * scripted: CHILD SA rekey started by either side (with and without a
 * fresh KE), INVALID_KE_PAYLOAD, IKE SA rekey, simultaneous CHILD SA and
 * IKE SA rekeys with each side holding the lowest nonce, a rekey crossing
 * a DELETE, TEMPORARY_FAILURE and its retry, a second CHILD SA, timers,
 * kernel EXPIRE and reauthentication; ikectl's CHILD SA rekey, liveness
 * after a refused IKE SA rekey, NO_ADDITIONAL_SAS, INVALID_KE_PAYLOAD in an
 * IKE SA rekey, over_time and life_time ends, packet-count lifetimes (with
 * transcripts of the messages, decrypted).  The in-memory kernels must show one
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
#include "badinput.h"
#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;

#define CONN_A	"name = \"ab\";"
#define CONN_B	"name = \"ba\";"
#define CHILD_A	"remote_ts = [\"10.2.0.0/16\"];"
#define CHILD_B	"remote_ts = [\"10.1.0.0/16\"];"

/* base with text added to its connection's (after conn) and its child's
 * (after child) settings; NULL: nothing.  Free it. */
static char *conf_with(const char *base, const char *conn, const char *conn_extra,
		       const char *child, const char *child_extra)
{
	char buf[512], *t, *r;

	snprintf(buf, sizeof(buf), "%s %s", conn, conn_extra ? conn_extra : "");
	t = pair_conf_sub(base, conn, buf);
	snprintf(buf, sizeof(buf), "%s %s", child, child_extra ? child_extra : "");
	r = pair_conf_sub(t, child, buf);
	free(t);
	return r;
}

/* Both sides established, with settings added to A's and B's connection
 * and child (NULL: none). */
static void establish4(const char *a_conn, const char *b_conn, const char *a_child,
		       const char *b_child)
{
	char *a = conf_with(pair_conf_a, CONN_A, a_conn, CHILD_A, a_child);
	char *b = conf_with(pair_conf_b, CONN_B, b_conn, CHILD_B, b_child);
	char err[256];

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

/* Both configurations with the same text added to the child's settings. */
static void establish_with(const char *child_extra)
{
	establish4(NULL, NULL, child_extra, child_extra);
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

/* A's ESP proposals (first group first), B's: one INVALID_KE_PAYLOAD,
 * then the rekey with the group B asks for. */
static void invalid_ke_case(const char *a_esp, const char *b_esp, uint16_t want)
{
	char ta[256], tb[256], *a, *b;

	snprintf(ta, sizeof(ta), "remote_ts = [\"10.2.0.0/16\"]; esp_proposals = [%s];", a_esp);
	snprintf(tb, sizeof(tb), "remote_ts = [\"10.1.0.0/16\"]; esp_proposals = [%s];", b_esp);
	a = pair_conf_sub(pair_conf_a, "remote_ts = [\"10.2.0.0/16\"];", ta);
	b = pair_conf_sub(pair_conf_b, "remote_ts = [\"10.1.0.0/16\"];", tb);
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
	ck_assert_uint_eq(ke_of(&child(PAIR_B)->prop), want);
	ck_assert_uint_eq(ke_of(&child(PAIR_A)->prop), want);
	/* the next rekey starts with the group agreed on: no second refusal */
	P.delivered = 0;
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(P.delivered, 4);
	assert_settled();
	ck_assert_uint_eq(ke_of(&child(PAIR_A)->prop), want);
	pair_free(&P);
}

START_TEST(test_invalid_ke)
{
	/* A prefers ECP-256, B accepts only MODP-2048 */
	invalid_ke_case("\"aes128gcm16-ecp256\", \"aes128gcm16-modp2048\"",
			"\"aes128gcm16-modp2048\"", KE_MODP_2048);
}
END_TEST

START_TEST(test_invalid_ke_one_proposal)
{
	/* both groups in one proposal (strongSwan's syntax): the second is
	 * offered as much as the first */
	invalid_ke_case("\"aes128gcm16-ecp256-x25519\"", "\"aes128gcm16-x25519\"",
			KE_CURVE25519);
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

struct race {
	int broken;
	unsigned from_b;
};

/* Drops B's second datagram (its answer to A's rekey) and watches policies. */
static int drop_b_answer(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	struct race *r = arg;

	policies_kept(p, pkt, &r->broken);
	return pkt->from == PAIR_B && ++r->from_b == 2;
}

static struct ike_sa *sa_with_children(int side)
{
	for (struct ike_sa *sa = P.peer[side].e->sas; sa; sa = sa->next)
		if (sa->children)
			return sa;
	return NULL;
}

/* A holds one established IKE SA with one installed CHILD SA, nothing pending. */
static int a_settled(struct pair *p)
{
	struct ike_sa *sa = pair_sa(p, PAIR_A);

	return pair_nsas(p, PAIR_A) == 1 && sa->state == IKE_SA_ESTABLISHED && !sa->rk.req &&
	       sa->children && !sa->children->next &&
	       sa->children->state == CHILD_SA_INSTALLED && !pair_queued(p);
}

/* An IKE SA rekey collision that B wins, where B's DELETE of the old IKE SA
 * reaches A before B's answer to A's own rekey request (seen with charon):
 * the children go to B's new IKE SA instead of dying with the old one.
 * B's SA for A's unanswered request stays until its liveness check (A never
 * learnt its keys, so cannot delete it). */
START_TEST(test_ike_collision_delete_first)
{
	struct race r = { 0, 0 };
	struct ike_sa *a, *b;
	uint64_t b_new_spi;

	establish_with(NULL);
	set_nonce(PAIR_A, 0x10);
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_A)), 0);
	set_nonce(PAIR_B, 0x50);
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_B)), 0);
	b_new_spi = pair_sa(&P, PAIR_B)->entry.spi_i;
	set_nonce(PAIR_A, 0x60);
	set_nonce(PAIR_B, 0x70);
	P.filter = drop_b_answer;
	P.filter_arg = &r;
	ck_assert(pair_run(&P, 5000, a_settled));
	ck_assert_uint_ge(r.from_b, 2);
	a = pair_sa(&P, PAIR_A);
	b = sa_with_children(PAIR_B);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(a->entry.spi_i, b_new_spi);
	ck_assert_uint_eq(b->entry.spi_i, b_new_spi);
	ck_assert_uint_eq(a->children->spi_out, b->children->spi_in);
	ck_assert_uint_eq(a->children->spi_in, b->children->spi_out);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	ck_assert_int_eq(r.broken, 0);
	/* the survivor works */
	ck_assert_int_eq(rekey_child(a->children), 0);
	ck_assert(pair_run(&P, 5000, a_settled));
	ck_assert_uint_eq(a->children->spi_out, b->children->spi_in);
	pair_free(&P);
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

/* A kernel EXPIRE (soft or hard) for side's SA to B with spi. */
static void expire_to_b(int side, uint32_t spi, int hard)
{
	struct kernel_sa_id id;

	memset(&id, 0, sizeof(id));
	addr_parse(&id.dst, "192.0.2.2", 0);
	id.spi = spi;
	id.proto = IPPROTO_ESP;
	ck_assert_int_eq(kernel_mem_inject_expire(P.peer[side].k, &id, hard), 0);
}

START_TEST(test_kernel_expire)
{
	uint32_t old;

	establish_with(NULL);
	old = child(PAIR_B)->spi_in;
	/* soft: a rekey; a second soft EXPIRE (the outbound SA's) is absorbed */
	expire_to_b(PAIR_B, old, 0);
	expire_to_b(PAIR_B, old, 0);
	pair_run(&P, 100, NULL);
	assert_settled();
	ck_assert_uint_ne(child(PAIR_B)->spi_in, old);
	/* hard: the SA is gone; close_action none removes it on both sides */
	expire_to_b(PAIR_B, child(PAIR_B)->spi_in, 1);
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

START_TEST(test_tempfail_exhausted)
{
	struct ike_sa *a;
	struct child_sa *c;

	/* the CHILD SA's timer fired and its rekey met TEMPORARY_FAILURE
	 * REKEY_RETRY_MAX times: the queue is dropped, the rekey comes back
	 * by its timer (REKEY_FAILED_RETRY_MS), not never */
	establish_with("rekey_time = \"60s\"; life_time = \"120s\";");
	a = pair_sa(&P, PAIR_A);
	c = child(PAIR_A);
	timer_cancel(P.loop, &c->rk.rekey);
	c->rk.rekey_at_ms = 0;
	rekey_queue_child(a, c->id);
	a->rk.tempfail = REKEY_RETRY_MAX;
	rekey_retry_later(a);
	ck_assert_uint_eq(a->rk.nwant, 0);
	ck_assert_uint_eq(a->rk.tempfail, 0);
	ck_assert_uint_eq(rekey_child_rekey_in(c), REKEY_FAILED_RETRY_MS / 1000);
	pair_free(&P);
}
END_TEST

START_TEST(test_close_action_start)
{
	uint32_t old;

	/* a hard EXPIRE on B: a late rekey replaces the CHILD SA (a DELETE
	 * would make A's close_action start a second one) */
	establish_with("close_action = \"start\";");
	old = child(PAIR_B)->spi_in;
	expire_to_b(PAIR_B, old, 1);
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

/* ---- transcripts: what crossed the wire, read with the receiver's keys ---- */

struct xmsg {
	int from;
	uint8_t exchange;
	int response;
	uint16_t notify[4];	/* notify types, in order */
	size_t nnotify;
	uint16_t notify_data;	/* the first notify's two data octets (a KE group) */
	uint16_t ke;		/* the KE payload's group; 0: none */
	int del;		/* carries a DELETE */
	size_t npl;		/* payloads (inside SK, when protected) */
};

#define XS_MAX	64
static struct xmsg xs[XS_MAX];
static size_t nxs;

static struct ike_sa *sa_by_spis(int side, const struct ike_hdr *h)
{
	for (struct ike_sa *sa = P.peer[side].e->sas; sa; sa = sa->next)
		if (sa->entry.spi_i == spi_get(h->spi_i) && sa->entry.spi_r == spi_get(h->spi_r))
			return sa;
	return NULL;
}

static int record(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	const struct ike_msg *m = bi_decode(pkt, NULL);
	struct ike_sa *rx = sa_by_spis(1 - pkt->from, &m->hdr);
	struct xmsg *x;

	(void)p;
	(void)arg;
	ck_assert_uint_lt(nxs, XS_MAX);
	if (rx && rx->have_keys && m->sk_index >= 0)
		m = bi_decode(pkt, &rx->sk_in);
	x = &xs[nxs++];
	memset(x, 0, sizeof(*x));
	x->from = pkt->from;
	x->exchange = m->hdr.exchange;
	x->response = !!(m->hdr.flags & IKE_FLAG_RESPONSE);
	for (size_t i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];

		if (pl->type == PL_SK)
			continue;
		x->npl++;
		if (pl->type == PL_NOTIFY && x->nnotify < 4) {
			if (!x->nnotify && pl->u.notify.data.len == 2)
				x->notify_data = (uint16_t)(pl->u.notify.data.p[0] << 8 |
							    pl->u.notify.data.p[1]);
			x->notify[x->nnotify++] = pl->u.notify.type;
		}
		if (pl->type == PL_KE)
			x->ke = pl->u.ke.group;
		if (pl->type == PL_DELETE)
			x->del = 1;
	}
	return 0;
}

/* Record from now on, with the log captured. */
static void record_on(void)
{
	nxs = 0;
	P.filter = record;
	P.filter_arg = NULL;
	bi_log_capture();
}

static void assert_x(size_t i, int from, uint8_t exchange, int response)
{
	ck_assert_uint_lt(i, nxs);
	ck_assert_int_eq(xs[i].from, from);
	ck_assert_uint_eq(xs[i].exchange, exchange);
	ck_assert_int_eq(xs[i].response, response);
}

/* xs[i] a CREATE_CHILD_SA request of A's, xs[i + 1] B's answer: notify alone. */
static void assert_refused(size_t i, uint16_t notify)
{
	assert_x(i, PAIR_A, CREATE_CHILD_SA, 0);
	assert_x(i + 1, PAIR_B, CREATE_CHILD_SA, 1);
	ck_assert_uint_eq(xs[i + 1].npl, 1);
	ck_assert_uint_eq(xs[i + 1].notify[0], notify);
}

static void assert_logged(const char *needle)
{
	if (!bi_logged(0, needle)) {
		bi_log_dump(0);
		ck_abort_msg("no log line with \"%s\"", needle);
	}
}

/* Another configuration for B, as a reload would leave an SA it kept: B's
 * IKE SA and its CHILD SAs follow it from now on (freed by finish()). */
static struct config *alt_b;

static void b_switch(const char *conn_extra, const char *child_extra)
{
	char *t = conf_with(pair_conf_b, CONN_B, conn_extra, CHILD_B, child_extra);
	struct ike_sa *sa = pair_sa(&P, PAIR_B);

	ck_assert_ptr_null(alt_b);
	alt_b = pair_load_config(t);
	free(t);
	ck_assert_ptr_nonnull(alt_b);
	sa->conn = &alt_b->conns[0];
	for (struct child_sa *c = sa->children; c; c = c->next)
		c->cfg = &alt_b->conns[0].children[0];
}

/* Back to B's own configuration. */
static void b_restore(void)
{
	const struct conf_conn *own = &P.peer[PAIR_B].cfg->conns[0];

	for (struct ike_sa *sa = P.peer[PAIR_B].e->sas; sa; sa = sa->next) {
		sa->conn = own;
		for (struct child_sa *c = sa->children; c; c = c->next)
			c->cfg = &own->children[0];
	}
}

static void finish(void)
{
	pair_free(&P);
	config_free(alt_b);
	alt_b = NULL;
	log_set_sink(NULL, NULL);
}

/* The loop for ms, datagrams left queued. */
static void run_unpumped(unsigned ms)
{
	uint64_t end = loop_now_ms(P.loop) + ms;

	while (loop_now_ms(P.loop) < end)
		loop_run_once(P.loop, (int)(end - loop_now_ms(P.loop)));
}

static int child_replaced(struct pair *p)
{
	return settled(p) && child(PAIR_A)->spi_in != spi_before[0];
}

/* One rekey of the CHILD SA: CREATE_CHILD_SA with REKEY_SA from side, the
 * answer, and the DELETE of the old pair with its answer. */
static void assert_child_rekey_x(size_t i, int side)
{
	assert_x(i, side, CREATE_CHILD_SA, 0);
	ck_assert_uint_eq(xs[i].nnotify, 1);
	ck_assert_uint_eq(xs[i].notify[0], N_REKEY_SA);
	assert_x(i + 1, !side, CREATE_CHILD_SA, 1);
	ck_assert_uint_eq(xs[i + 1].nnotify, 0);
	assert_x(i + 2, side, INFORMATIONAL, 0);
	ck_assert(xs[i + 2].del);
	assert_x(i + 3, !side, INFORMATIONAL, 1);
}

START_TEST(test_ctl_rekey_child)
{
	struct engine *ea;
	char err[256], want[256];
	uint32_t old_in, old_out;
	uint64_t id, old_ike;

	establish_with(NULL);
	ea = P.peer[PAIR_A].e;
	record_on();
	ck_assert_int_eq(engine_rekey_child(ea, NULL, "nosuch", 0, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "rekey: no installed CHILD SA named 'nosuch'");
	ck_assert_int_eq(engine_rekey_child(ea, "ba", "net", 0, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "rekey: no installed CHILD SA named 'net' in connection ba");
	ck_assert_int_eq(engine_rekey_child(ea, NULL, NULL, 99, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "rekey: no CHILD SA with id 99");
	ck_assert_uint_eq(pair_queued(&P), 0);
	/* by name: exactly one new SA pair, the old one gone from both kernels */
	old_in = child(PAIR_A)->spi_in;
	old_out = child(PAIR_A)->spi_out;
	ck_assert_int_eq(engine_rekey_child(ea, "ab", "net", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(nxs, 4);
	assert_child_rekey_x(0, PAIR_A);
	assert_settled();
	ck_assert_uint_ne(child(PAIR_A)->spi_in, old_in);
	ck_assert_uint_ne(child(PAIR_A)->spi_out, old_out);
	ck_assert_ptr_null(ksa(PAIR_A, "192.0.2.1", old_in));
	ck_assert_ptr_null(ksa(PAIR_A, "192.0.2.2", old_out));
	ck_assert_ptr_null(ksa(PAIR_B, "192.0.2.1", old_in));
	ck_assert_ptr_null(ksa(PAIR_B, "192.0.2.2", old_out));
	assert_logged("rekey asked for");
	/* by id (as "show child" prints it), from B */
	nxs = 0;
	old_in = child(PAIR_B)->spi_in;
	id = child(PAIR_B)->id;
	ck_assert_int_eq(engine_rekey_child(P.peer[PAIR_B].e, NULL, NULL, id, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(nxs, 4);
	assert_child_rekey_x(0, PAIR_B);
	assert_settled();
	ck_assert_uint_ne(child(PAIR_B)->spi_in, old_in);
	/* one being rekeyed: refused by id, not counted by name */
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	id = child(PAIR_A)->id;
	ck_assert_int_eq(engine_rekey_child(ea, NULL, NULL, id, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "rekey: CHILD SA %llu (net) is REKEYING, its IKE SA "
		 "ESTABLISHED; only an INSTALLED one on an ESTABLISHED IKE SA is rekeyed",
		 (unsigned long long)id);
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(engine_rekey_child(ea, NULL, "net", 0, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "rekey: no installed CHILD SA named 'net'");
	pair_pump(&P, 0);
	assert_settled();
	/* while the IKE SA is rekeyed: queued, then done on the new IKE SA */
	spi_before[0] = child(PAIR_A)->spi_in;
	old_ike = pair_sa(&P, PAIR_A)->id;
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_A)), 0);
	ck_assert_int_eq(engine_rekey_child(ea, NULL, "net", 0, err, sizeof(err)), 0);
	ck_assert(pair_run(&P, 2000, child_replaced));
	assert_settled();
	ck_assert_uint_ne(pair_sa(&P, PAIR_A)->id, old_ike);
	finish();
}
END_TEST

#define IKE_PROPS "proposals = [\"aes256gcm16-prfsha256-ecp256\", \"aes256gcm16-prfsha256-x25519\"];"
#define IKE_OTHER "proposals = [\"aes128gcm16-prfsha384-ecp384\"];"

static int dpd_requests(size_t from)
{
	int n = 0;

	for (size_t i = from; i < nxs; i++)
		if (xs[i].from == PAIR_A && xs[i].exchange == INFORMATIONAL && !xs[i].response &&
		    xs[i].npl == 0)
			n++;
	return n;
}

static uint64_t ike_before;

static int ike_replaced(struct pair *p)
{
	return settled(p) && pair_sa(p, PAIR_A)->id != ike_before;
}

START_TEST(test_dpd_after_refused_ike_rekey)
{
	struct ike_sa *a;
	size_t n;

	/* A checks liveness after 1 s of silence and rekeys after 3 s */
	establish4(IKE_PROPS " dpd_delay = \"1s\"; rekey_time = \"3s\"; over_time = \"10s\"; "
		   "rand_time = \"0s\";", IKE_PROPS, NULL, NULL);
	b_switch(IKE_OTHER, NULL);
	record_on();
	a = pair_sa(&P, PAIR_A);
	ike_before = a->id;
	a->win.cfg.timeout_ms = 3000;	/* the request may wait */
	ck_assert_int_eq(rekey_ike(a), 0);
	ck_assert_int_eq(a->state, IKE_SA_REKEYING);
	/* the liveness timer fires while the rekey is out */
	run_unpumped(1200);
	pair_pump(&P, 0);
	ck_assert_uint_eq(nxs, 2);
	assert_refused(0, N_NO_PROPOSAL_CHOSEN);
	ck_assert_uint_eq(xs[0].ke, KE_ECP_256);
	ck_assert_int_eq(a->state, IKE_SA_ESTABLISHED);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	assert_logged("CREATE_CHILD_SA (IKE SA rekey) refused: NO_PROPOSAL_CHOSEN");
	/* the regular rekey timer stays (this one was asked for) */
	ck_assert_uint_eq(rekey_ike_rekey_in(a), 2);
	/* liveness goes on: a check after 1 s of silence, answered */
	n = nxs;
	pair_run(&P, 1500, NULL);
	ck_assert_int_eq(dpd_requests(n), 1);
	ck_assert_ptr_eq(pair_sa(&P, PAIR_A), a);
	/* B takes A's proposals again: the timer's rekey goes through */
	b_restore();
	ck_assert(pair_run(&P, 2000, ike_replaced));
	assert_settled();
	finish();
}
END_TEST

START_TEST(test_new_child_ts_unacceptable)
{
	const char *ta = "remote_ts = [\"10.2.0.0/16\"]; } );";
	char *a;
	const struct conf_child *net2;

	/* A has a second child B does not know: B answers TS_UNACCEPTABLE and
	 * says why, once, with the peer's and every child's selectors */
	a = pair_conf_sub(pair_conf_a, ta, "remote_ts = [\"10.2.0.0/16\"]; }, "
			  "{ name = \"net2\"; local_ts = [\"10.3.0.0/16\"]; "
			  "remote_ts = [\"10.4.0.0/16\"]; start_action = \"none\"; } );");
	pair_setup(&P, a, NULL);
	free(a);
	ck_assert_int_eq(engine_initiate(P.peer[PAIR_A].e, "ab", "net", (char[64]){ 0 }, 64), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(nchildren(PAIR_A), 1);
	net2 = &P.peer[PAIR_A].cfg->conns[0].children[1];
	ck_assert_str_eq(net2->name, "net2");
	record_on();
	ck_assert_int_eq(ccsa_new_child(pair_sa(&P, PAIR_A), net2, 0, NULL), CCSA_SENT);
	pair_pump(&P, 0);
	assert_refused(0, N_TS_UNACCEPTABLE);
	assert_logged("CREATE_CHILD_SA request fits no child: TS_UNACCEPTABLE");
	assert_logged("traffic selectors unacceptable: peer TSi 10.3.0.0/16 TSr 10.4.0.0/16");
	assert_logged("  child net: local 10.2.0.0/16 remote 10.1.0.0/16");
	ck_assert_uint_eq(nchildren(PAIR_B), 1);
	ck_assert_uint_eq(nchildren(PAIR_A), 1);
	assert_settled();
	finish();
}
END_TEST

START_TEST(test_no_additional_sas)
{
	const struct conf_child *net;
	struct ike_sa *a;
	size_t nsa;

	establish_with(NULL);
	a = pair_sa(&P, PAIR_A);
	net = &P.peer[PAIR_A].cfg->conns[0].children[0];
	/* B takes 64 CHILD SAs per IKE SA */
	for (int i = 1; i < 64; i++) {
		ck_assert_int_eq(ccsa_new_child(a, net, 0, NULL), CCSA_SENT);
		ck_assert_uint_eq(pair_pump(&P, 0), 2);
	}
	ck_assert_uint_eq(nchildren(PAIR_B), 64);
	ck_assert_uint_eq(nchildren(PAIR_A), 64);
	nsa = kernel_mem_sa_count(P.peer[PAIR_B].k);
	ck_assert_uint_eq(nsa, 128);
	record_on();
	ck_assert_int_eq(ccsa_new_child(a, net, 0, NULL), CCSA_SENT);
	pair_pump(&P, 0);
	/* the answer: NO_ADDITIONAL_SAS alone; B keeps nothing of it */
	ck_assert_uint_eq(nxs, 2);
	assert_refused(0, N_NO_ADDITIONAL_SAS);
	ck_assert_uint_eq(xs[0].nnotify, 0);
	ck_assert_uint_eq(nchildren(PAIR_B), 64);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), nsa);
	assert_logged("answered with NO_ADDITIONAL_SAS");
	/* A logs why and does not try again */
	ck_assert_uint_eq(nchildren(PAIR_A), 64);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), nsa);
	assert_logged("CREATE_CHILD_SA (new CHILD SA) refused: NO_ADDITIONAL_SAS");
	assert_logged("CHILD SA net not created");
	ck_assert_ptr_null(a->rk.req);
	ck_assert_uint_eq(a->rk.nwant_new, 0);
	ck_assert(!timer_pending(&a->rk.retry));
	pair_run(&P, 300, NULL);
	ck_assert_uint_eq(nxs, 2);
	/* a rekey is no additional SA: still answered */
	ck_assert_int_eq(rekey_child(child(PAIR_A)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(nxs, 6);
	assert_child_rekey_x(2, PAIR_A);
	ck_assert_uint_eq(nchildren(PAIR_B), 64);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), nsa);
	finish();
}
END_TEST

START_TEST(test_ike_rekey_invalid_ke)
{
	uint32_t a_in, b_in;
	uint64_t a_old, b_old;

	establish4(IKE_PROPS, IKE_PROPS, NULL, NULL);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->ke_group, KE_ECP_256);
	a_old = pair_sa(&P, PAIR_A)->id;
	b_old = pair_sa(&P, PAIR_B)->id;
	a_in = child(PAIR_A)->spi_in;
	b_in = child(PAIR_B)->spi_in;
	/* B now wants Curve25519, which A offers second */
	b_switch("proposals = [\"aes256gcm16-prfsha256-x25519\"];", NULL);
	record_on();
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_A)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(nxs, 6);
	assert_refused(0, N_INVALID_KE_PAYLOAD);
	ck_assert_uint_eq(xs[0].ke, KE_ECP_256);
	ck_assert_uint_eq(xs[1].notify_data, KE_CURVE25519);
	assert_x(2, PAIR_A, CREATE_CHILD_SA, 0);
	ck_assert_uint_eq(xs[2].ke, KE_CURVE25519);
	assert_x(3, PAIR_B, CREATE_CHILD_SA, 1);
	ck_assert_uint_eq(xs[3].ke, KE_CURVE25519);
	ck_assert_uint_eq(xs[3].nnotify, 0);
	/* the old IKE SA goes */
	assert_x(4, PAIR_A, INFORMATIONAL, 0);
	ck_assert(xs[4].del);
	assert_x(5, PAIR_B, INFORMATIONAL, 1);
	assert_logged("peer wants CURVE25519 instead of ECP_256 for IKE SA rekey, retrying");
	assert_settled();
	ck_assert_uint_ne(pair_sa(&P, PAIR_A)->id, a_old);
	ck_assert_uint_ne(pair_sa(&P, PAIR_B)->id, b_old);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->ke_group, KE_CURVE25519);
	ck_assert_uint_eq(pair_sa(&P, PAIR_B)->ke_group, KE_CURVE25519);
	/* the CHILD SAs moved as they were */
	ck_assert_uint_eq(child(PAIR_A)->spi_in, a_in);
	ck_assert_uint_eq(child(PAIR_B)->spi_in, b_in);
	ck_assert_ptr_eq(child(PAIR_A)->ike, pair_sa(&P, PAIR_A));
	/* and the new IKE SA's keys work */
	ck_assert_int_eq(rekey_child(child(PAIR_B)), 0);
	pair_pump(&P, 0);
	assert_settled();
	finish();
}
END_TEST

/* The first queued datagram, taken off the queue (free() it). */
static struct pair_pkt *take_first(void)
{
	struct pair_pkt *q = P.head;

	ck_assert_ptr_nonnull(q);
	P.head = q->next;
	if (!P.head)
		P.tail = &P.head;
	return q;
}

START_TEST(test_ike_rekey_ke_not_offered)
{
	static const uint8_t modp2048[2] = { 0, KE_MODP_2048 };
	uint8_t body[64], chain[128], pkt[512], first;
	struct bi_pl pl = { PL_NOTIFY, 0, body, 0, 0, 0 };
	struct pair_pkt *req;
	struct addr la, lb;
	struct ike_sa *a;
	struct ike_hdr h;
	uint32_t msgid;
	size_t len;

	establish4(IKE_PROPS, IKE_PROPS, NULL, NULL);
	a = pair_sa(&P, PAIR_A);
	bi_log_capture();
	ck_assert_int_eq(rekey_ike(a), 0);
	req = take_first();
	msgid = bi_decode(req, NULL)->hdr.msgid;
	free(req);
	/* instead of B's answer, one sealed with B's keys that asks for
	 * MODP-2048, which A did not offer */
	pl.len = bi_notify_body(PROTO_NONE, N_INVALID_KE_PAYLOAD, NULL, 0, modp2048, 2, body,
				sizeof(body));
	len = bi_chain(&pl, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, a->entry.spi_i, a->entry.spi_r, CREATE_CHILD_SA, IKE_FLAG_RESPONSE, msgid);
	len = bi_seal(&h, &pair_sa(&P, PAIR_B)->sk_out, chain, len, first, pkt, sizeof(pkt));
	ck_assert_int_eq(addr_parse(&la, "192.0.2.1", 500), 0);
	ck_assert_int_eq(addr_parse(&lb, "192.0.2.2", 500), 0);
	engine_packet_in(P.peer[PAIR_A].e, pkt, len, &la, &lb, 0);
	/* not followed: no second request, the half-made IKE SA is gone */
	assert_logged("INVALID_KE_PAYLOAD asking for MODP_2048 not followed");
	assert_logged("CREATE_CHILD_SA (IKE SA rekey) refused: INVALID_KE_PAYLOAD");
	ck_assert_uint_eq(pair_queued(&P), 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	ck_assert_ptr_eq(pair_sa(&P, PAIR_A), a);
	ck_assert_int_eq(a->state, IKE_SA_ESTABLISHED);
	ck_assert_ptr_null(a->rk.req);
	ck_assert_uint_eq(nchildren(PAIR_A), 1);
	finish();
}
END_TEST

static int no_a_sa(struct pair *p)
{
	return !ike_sa_by_id(p->peer[PAIR_A].e, ike_before);
}

/* Drops what A sends while *arg is set. */
static int drop_from_a(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	(void)p;
	return *(int *)arg && pkt->from == PAIR_A;
}

static int a_restarted(struct pair *p)
{
	return pair_nsas(p, PAIR_A) == 1 && pair_sa(p, PAIR_A)->id != ike_before &&
	       pair_sa(p, PAIR_A)->state == IKE_SA_ESTABLISHED && pair_sa(p, PAIR_A)->children &&
	       !pair_queued(p);
}

START_TEST(test_ike_rekey_timeout)
{
	int dropping = 1;

	/* the rekey request is never answered: the peer is dead (2.4) and
	 * dpd_action applies, as for a liveness check */
	establish4("dpd_action = \"restart\";", NULL, NULL, NULL);
	bi_log_capture();
	ike_before = pair_sa(&P, PAIR_A)->id;
	P.filter = drop_from_a;
	P.filter_arg = &dropping;
	ck_assert_int_eq(rekey_ike(pair_sa(&P, PAIR_A)), 0);
	ck_assert(pair_run(&P, 1000, no_a_sa));
	assert_logged("peer lost: no response to request 2; dpd_action restart");
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	/* the new IKE SA, once A is heard again */
	dropping = 0;
	ck_assert(pair_run(&P, 2000, a_restarted));
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	finish();
}
END_TEST

static int a_gone(struct pair *p)
{
	return pair_nsas(p, PAIR_A) == 0 && pair_nsas(p, PAIR_B) == 0 && !pair_queued(p);
}

START_TEST(test_ike_over_time)
{
	uint64_t t0, took;
	size_t reqs = 0;

	/* rekey after 1 s, hard end 1 s later; B refuses every rekey */
	establish4(IKE_PROPS " rekey_time = \"1s\"; over_time = \"1s\"; rand_time = \"0s\";",
		   IKE_PROPS, NULL, NULL);
	t0 = loop_now_ms(P.loop);
	b_switch(IKE_OTHER, NULL);
	record_on();
	ck_assert(pair_run(&P, 4000, a_gone));
	took = loop_now_ms(P.loop) - t0;
	ck_assert_uint_eq(took, 2000);
	/* tries at 1 s, 1.5 s and 1.75 s, each refused (a next one would
	 * come less than 2 * REKEY_FAILED_MIN_MS before the end); then the
	 * DELETE */
	for (size_t i = 0; i + 1 < nxs && xs[i].exchange == CREATE_CHILD_SA; i += 2) {
		assert_refused(i, N_NO_PROPOSAL_CHOSEN);
		reqs++;
	}
	ck_assert_uint_eq(reqs, 3);
	ck_assert_uint_eq(nxs, 2 * reqs + 2);
	assert_x(2 * reqs, PAIR_A, INFORMATIONAL, 0);
	ck_assert(xs[2 * reqs].del);
	assert_x(2 * reqs + 1, PAIR_B, INFORMATIONAL, 1);
	assert_logged("rekey failed, retrying in ");
	assert_logged("rekey failed, no retry before over_time ends");
	assert_logged("(ab): not rekeyed within over_time");
	for (int s = 0; s < 2; s++) {
		ck_assert_uint_eq(kernel_mem_sa_count(P.peer[s].k), 0);
		ck_assert_uint_eq(kernel_mem_policy_count(P.peer[s].k), 0);
	}
	finish();
}
END_TEST

static int no_children_left(struct pair *p)
{
	return pair_nsas(p, PAIR_A) == 1 && pair_nsas(p, PAIR_B) == 1 && no_children(p);
}

START_TEST(test_child_life_time)
{
	uint64_t t0, took;

	/* A rekeys after 1 s, the CHILD SA ends after 2 s; B refuses rekeys
	 * (pfs = no: one request per attempt, no second one with a KE) */
	establish4(NULL, NULL, "esp_proposals = [\"aes256gcm16\"]; rekey_time = \"1s\"; "
		   "life_time = \"2s\"; rand_time = \"0s\"; pfs = \"no\";",
		   "esp_proposals = [\"aes256gcm16\"];");
	t0 = loop_now_ms(P.loop);
	ck_assert_uint_eq(ksa(PAIR_A, "192.0.2.1", child(PAIR_A)->spi_in)->life.hard_secs, 2);
	b_switch(NULL, "esp_proposals = [\"aes128gcm16-modp3072\"];");
	record_on();
	ck_assert(pair_run(&P, 4000, no_children_left));
	took = loop_now_ms(P.loop) - t0;
	ck_assert_uint_eq(took, 2000);
	ck_assert_uint_eq(nxs, 8);
	for (size_t i = 0; i < 6; i += 2) {
		assert_refused(i, N_NO_PROPOSAL_CHOSEN);
		ck_assert_uint_eq(xs[i].notify[0], N_REKEY_SA);
	}
	assert_x(6, PAIR_A, INFORMATIONAL, 0);
	ck_assert(xs[6].del);
	assert_x(7, PAIR_B, INFORMATIONAL, 1);
	assert_logged("rekey failed, retrying in ");
	assert_logged("rekey failed, no retry before life_time");
	assert_logged(": life_time reached");
	/* close_action none: the IKE SA stays, the kernels hold nothing */
	for (int s = 0; s < 2; s++) {
		ck_assert_int_eq(pair_sa(&P, s)->state, IKE_SA_ESTABLISHED);
		ck_assert_uint_eq(kernel_mem_sa_count(P.peer[s].k), 0);
		ck_assert_uint_eq(kernel_mem_policy_count(P.peer[s].k), 0);
	}
	finish();
}
END_TEST

static void count_trap(const struct engine_kernel_policy *pol, void *arg)
{
	if (strcmp(pol->action, "trap") == 0)
		(*(size_t *)arg)++;
}

static void assert_packet_limits(int side)
{
	struct child_sa *c = child(side);
	const char *self = side == PAIR_A ? "192.0.2.1" : "192.0.2.2";
	const char *peer = side == PAIR_A ? "192.0.2.2" : "192.0.2.1";
	const struct kernel_sa *in = ksa(side, self, c->spi_in), *out = ksa(side, peer, c->spi_out);

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	ck_assert_uint_eq(in->life.soft_packets, 1000);
	ck_assert_uint_eq(in->life.hard_packets, 1200);
	ck_assert_uint_eq(out->life.soft_packets, 1000);
	ck_assert_uint_eq(out->life.hard_packets, 1200);
}

START_TEST(test_packet_lifetimes)
{
	uint32_t old;
	size_t traps = 0;
	char err[128];

	establish_with("rekey_packets = \"1000\"; life_packets = \"1200\"; close_action = \"trap\";");
	assert_packet_limits(PAIR_A);
	assert_packet_limits(PAIR_B);
	record_on();
	/* soft EXPIRE (the packet count) of B's inbound SA: B rekeys */
	old = child(PAIR_B)->spi_in;
	expire_to_b(PAIR_B, old, 0);
	spi_before[0] = child(PAIR_A)->spi_in;
	ck_assert(pair_run(&P, 1000, child_replaced));
	ck_assert_uint_eq(nxs, 4);
	assert_child_rekey_x(0, PAIR_B);
	assert_settled();
	ck_assert_uint_ne(child(PAIR_B)->spi_in, old);
	assert_packet_limits(PAIR_A);
	assert_packet_limits(PAIR_B);
	assert_logged("kernel soft EXPIRE");
	/* hard EXPIRE of A's outbound SA: the CHILD SA ends, B hears of it,
	 * and close_action trap puts A's trap policies back */
	nxs = 0;
	expire_to_b(PAIR_A, child(PAIR_A)->spi_out, 1);
	ck_assert(pair_run(&P, 1000, no_children_left));
	ck_assert_uint_eq(nxs, 2);
	assert_x(0, PAIR_A, INFORMATIONAL, 0);
	ck_assert(xs[0].del);
	assert_x(1, PAIR_B, INFORMATIONAL, 1);
	assert_logged("kernel hard EXPIRE");
	assert_logged("hard lifetime reached in the kernel");
	for (int s = 0; s < 2; s++) {
		ck_assert_int_eq(pair_sa(&P, s)->state, IKE_SA_ESTABLISHED);
		ck_assert_uint_eq(kernel_mem_sa_count(P.peer[s].k), 0);
	}
	ck_assert_int_eq(engine_list_kernel(P.peer[PAIR_A].e, NULL, count_trap, &traps, err,
					    sizeof(err)), 0);
	ck_assert_uint_gt(traps, 0);
	ck_assert_uint_eq(traps, kernel_mem_policy_count(P.peer[PAIR_A].k));
	finish();
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
	tcase_add_test(t, test_invalid_ke_one_proposal);
	tcase_add_test(t, test_ike_rekey);
	tcase_add_test(t, test_child_collision_a_loses);
	tcase_add_test(t, test_child_collision_b_loses);
	tcase_add_test(t, test_child_collision_b_nr_lowest);
	tcase_add_test(t, test_ike_collision_a_loses);
	tcase_add_test(t, test_ike_collision_b_loses);
	tcase_add_test(t, test_ike_collision_delete_first);
	tcase_add_test(t, test_rekey_vs_delete);
	tcase_add_test(t, test_temporary_failure);
	tcase_add_test(t, test_second_child);
	tcase_add_test(t, test_kernel_expire);
	tcase_add_test(t, test_timers);
	tcase_add_test(t, test_reauth);
	tcase_add_test(t, test_lost_response);
	tcase_add_test(t, test_close_action_start);
	tcase_add_test(t, test_tempfail_exhausted);
	tcase_add_test(t, test_ctl_rekey_child);
	tcase_add_test(t, test_dpd_after_refused_ike_rekey);
	tcase_add_test(t, test_no_additional_sas);
	tcase_add_test(t, test_new_child_ts_unacceptable);
	tcase_add_test(t, test_ike_rekey_invalid_ke);
	tcase_add_test(t, test_ike_rekey_ke_not_offered);
	tcase_add_test(t, test_ike_rekey_timeout);
	tcase_add_test(t, test_ike_over_time);
	tcase_add_test(t, test_child_life_time);
	tcase_add_test(t, test_packet_lifetimes);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return pair_main(suite());
}

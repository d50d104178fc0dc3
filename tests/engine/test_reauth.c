/*
 * Reauthentication without a gap in traffic (make-before-break), between
 * two engines in one process (pair.h), watched message by message:
 *
 * - the reauthenticating side (A) has the new inbound SA in its kernel
 *   before its IKE_AUTH request leaves: the peer sends on its new outbound
 *   SA as soon as it has answered;
 * - the answering side (B) holds its new outbound SA back while the old
 *   IKE SA lives, and sends on it from the moment the old IKE SA's DELETE
 *   arrives, before answering it (A reads the old SA until that answer);
 * - the old IKE SA's end applies no close_action to CHILD SAs the new one
 *   carries;
 * - an early inbound SA that the answer contradicts is installed again;
 * - two CHILD SAs (one by IKE_AUTH, one by CREATE_CHILD_SA) both move.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ike/engine/exchange.h"
#include "ike/engine/rekey.h"
#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;

#define EXCH_OFF	18	/* IKE header: exchange type */
#define FLAGS_OFF	19
#define FLAG_RESPONSE	0x20

/* What the watcher saw when it mattered. */
struct seen {
	int auth_requests;	/* A's IKE_AUTH requests of the new IKE SA */
	int early_in_ok;	/* ... each with its inbound SA already keyed */
	int b_held_back;	/* B answered IKE_AUTH with its outbound held back */
	int b_delete_answers;	/* B's answers to the old IKE SA's DELETE ... */
	int b_out_before_answer;	/* ... each sent after the new outbound SA */
	int b_ike_max;		/* most IKE SAs B ever had */
};

static struct ike_sa *successor_of_first(struct engine *e)
{
	for (struct ike_sa *sa = e->sas; sa; sa = sa->next)
		if (sa->rk.predecessor)
			return sa;
	return NULL;
}

static const struct kernel_sa *find_sa(int side, const struct addr *dst, uint32_t spi)
{
	struct kernel_sa_id id;

	memset(&id, 0, sizeof(id));
	id.dst = *dst;
	id.spi = spi;
	id.proto = IPPROTO_ESP;
	return kernel_mem_find_sa(P.peer[side].k, &id);
}

/* B's CHILD SA of the newest IKE SA (the reauthentication's). */
static struct child_sa *b_new_child(void)
{
	struct ike_sa *newest = NULL;

	for (struct ike_sa *sa = P.peer[PAIR_B].e->sas; sa; sa = sa->next)
		if (!newest || sa->id > newest->id)
			newest = sa;
	return newest && newest->id > 1 ? newest->children : NULL;
}

static int watch(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	struct seen *w = arg;
	uint8_t exch, flags;
	size_t n = pair_nsas(p, PAIR_B);

	if ((int)n > w->b_ike_max)
		w->b_ike_max = (int)n;
	if (pkt->len < 28)
		return 0;
	exch = pkt->data[EXCH_OFF];
	flags = pkt->data[FLAGS_OFF];
	if (pkt->from == PAIR_A && exch == IKE_AUTH && !(flags & FLAG_RESPONSE)) {
		struct ike_sa *n_sa = successor_of_first(p->peer[PAIR_A].e);
		struct child_sa *c = n_sa ? n_sa->pending_child : NULL;
		const struct kernel_sa *in = c ? find_sa(PAIR_A, &c->sa_local, c->spi_in) : NULL;

		if (n_sa) {
			w->auth_requests++;
			if (in && in->encr && in->enc_key_len)
				w->early_in_ok++;
		}
	}
	if (pkt->from == PAIR_B && exch == IKE_AUTH && (flags & FLAG_RESPONSE)) {
		struct child_sa *c = b_new_child();

		if (c && c->rk.out_sa && !find_sa(PAIR_B, &c->sa_remote, c->spi_out))
			w->b_held_back = 1;
	}
	if (pkt->from == PAIR_B && exch == INFORMATIONAL && (flags & FLAG_RESPONSE) &&
	    pair_nsas(p, PAIR_B) == 2) {
		struct child_sa *c = b_new_child();

		/* (seen as it is sent) the old IKE SA's DELETE: B's only
		 * INFORMATIONAL answer while it has two IKE SAs */
		w->b_delete_answers++;
		if (c && !c->rk.out_sa && find_sa(PAIR_B, &c->sa_remote, c->spi_out))
			w->b_out_before_answer++;
	}
	return 0;
}

static int settled_new(struct pair *p)
{
	for (int s = 0; s < 2; s++) {
		struct ike_sa *sa = pair_sa(p, s);

		if (pair_nsas(p, s) != 1 || sa->id < 2 || sa->state != IKE_SA_ESTABLISHED ||
		    !sa->children || sa->children->next ||
		    sa->children->state != CHILD_SA_INSTALLED || sa->children->rk.out_sa)
			return 0;
	}
	return !pair_queued(p);
}

/* One SA pair per side, each side's outbound SA the other's inbound one. */
static void assert_one_pair(void)
{
	struct child_sa *a = pair_sa(&P, PAIR_A)->children, *b = pair_sa(&P, PAIR_B)->children;

	ck_assert_uint_eq(a->spi_out, b->spi_in);
	ck_assert_uint_eq(a->spi_in, b->spi_out);
	pair_assert_sa_match(pair_ksa(&P, PAIR_A, "192.0.2.2", a->spi_out),
			     pair_ksa(&P, PAIR_B, "192.0.2.2", b->spi_in));
	pair_assert_sa_match(pair_ksa(&P, PAIR_B, "192.0.2.1", b->spi_out),
			     pair_ksa(&P, PAIR_A, "192.0.2.1", a->spi_in));
	for (int s = 0; s < 2; s++) {
		ck_assert_uint_eq(kernel_mem_sa_count(P.peer[s].k), 2);
		ck_assert_uint_eq(kernel_mem_policy_count(P.peer[s].k), 3);
	}
}

/* A reauthenticates every second; B's child has child_extra. */
static void setup(const char *b_child_extra)
{
	char *a, *b = NULL;

	a = pair_conf_sub(pair_conf_a, "name = \"ab\";", "name = \"ab\"; reauth_time = \"1s\"; "
			  "rand_time = \"0s\"; over_time = \"10s\";");
	if (b_child_extra) {
		const char *anchor = "remote_ts = [\"10.1.0.0/16\"];";
		char tb[256];

		snprintf(tb, sizeof(tb), "%s %s", anchor, b_child_extra);
		b = pair_conf_sub(pair_conf_b, anchor, tb);
	}
	pair_setup(&P, a, b);
	free(a);
	free(b);
	ck_assert_int_eq(engine_initiate(P.peer[PAIR_A].e, "ab", NULL, (char[64]){ 0 }, 64), 0);
	pair_pump(&P, 0);
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->state, IKE_SA_ESTABLISHED);
}

START_TEST(test_reauth_no_gap)
{
	struct seen w;

	/* close_action start on B: the old IKE SA's DELETE must not start a
	 * third IKE SA for a CHILD SA the new one carries */
	setup("close_action = \"start\";");
	memset(&w, 0, sizeof(w));
	P.on_send = watch;
	P.on_send_arg = &w;
	ck_assert(pair_run(&P, 3000, settled_new));
	P.on_send = NULL;
	ck_assert_int_eq(w.auth_requests, 1);
	ck_assert_int_eq(w.early_in_ok, 1);
	ck_assert_int_eq(w.b_held_back, 1);
	ck_assert_int_eq(w.b_delete_answers, 1);
	ck_assert_int_eq(w.b_out_before_answer, 1);
	ck_assert_int_eq(w.b_ike_max, 2);
	assert_one_pair();
	/* nothing else starts afterwards */
	pair_run(&P, 500, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	pair_free(&P);
}
END_TEST

START_TEST(test_reauth_early_in_contradicted)
{
	struct child_sa *old;
	int changed = 0;

	setup(NULL);
	/* the SA being replaced claims another key length than B will pick:
	 * A's early inbound SA is wrong and must be installed again */
	old = pair_sa(&P, PAIR_A)->children;
	for (size_t i = 0; i < old->prop.ntransforms; i++)
		if (old->prop.xf[i].type == TT_ENCR) {
			old->prop.xf[i].keylen = old->prop.xf[i].keylen == 256 ? 128 : 256;
			changed = 1;
		}
	ck_assert(changed);
	ck_assert(pair_run(&P, 3000, settled_new));
	assert_one_pair();
	pair_free(&P);
}
END_TEST

/* Drops every INFORMATIONAL request of A's: the old IKE SA's DELETE
 * never reaches B. */
static int drop_a_informational(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	(void)p;
	(void)arg;
	return pkt->from == PAIR_A && pkt->len >= 28 && pkt->data[EXCH_OFF] == INFORMATIONAL &&
	       !(pkt->data[FLAGS_OFF] & FLAG_RESPONSE);
}

static int b_holds_back(struct pair *p)
{
	struct child_sa *c = b_new_child();

	return pair_nsas(p, PAIR_B) >= 2 && c && c->state == CHILD_SA_INSTALLED && c->rk.out_sa;
}

static uint32_t watched_spi;	/* B's inbound SPI of the CHILD SA watched */

static int b_sends_anyway(struct pair *p)
{
	struct ike_sa *owner;
	struct child_sa *c = child_sa_by_spi(p->peer[PAIR_B].e, watched_spi, &owner);

	ck_assert_ptr_nonnull(c);
	return !c->rk.out_sa && find_sa(PAIR_B, &c->sa_remote, c->spi_out);
}

START_TEST(test_reauth_responder_fallback)
{
	uint64_t t0, waited;

	/* the old IKE SA's DELETE is lost: after REKEY_REAUTH_OUT_MS B sends
	 * on the new CHILD SA anyway */
	setup(NULL);
	P.filter = drop_a_informational;
	ck_assert(pair_run(&P, 3000, b_holds_back));
	watched_spi = b_new_child()->spi_in;
	t0 = loop_now_ms(P.loop);
	ck_assert(pair_run(&P, REKEY_REAUTH_OUT_MS + 1000, b_sends_anyway));
	waited = loop_now_ms(P.loop) - t0;
	/* the timer, to the millisecond (virtual time) */
	ck_assert_uint_eq(waited, REKEY_REAUTH_OUT_MS);
	pair_free(&P);
}
END_TEST

/* Every IKE SA on both sides carries two CHILD SAs, in the kernels 4 SAs
 * and 6 policies per side; policies never missing on the way. */
static int two_children_settled(struct pair *p)
{
	for (int s = 0; s < 2; s++) {
		struct ike_sa *sa = pair_sa(p, s);
		size_t n = 0;

		if (pair_nsas(p, s) != 1 || sa->id < 2 || sa->state != IKE_SA_ESTABLISHED)
			return 0;
		for (struct child_sa *c = sa->children; c; c = c->next)
			if (c->state == CHILD_SA_INSTALLED && !c->rk.out_sa)
				n++;
		if (n != 2 || kernel_mem_sa_count(p->peer[s].k) != 4)
			return 0;
	}
	return !pair_queued(p);
}

static int six_policies(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	int *broken = arg;

	(void)pkt;
	for (int s = 0; s < 2; s++)
		if (kernel_mem_policy_count(p->peer[s].k) != 6)
			*broken = 1;
	return 0;
}

static int a_has_two(struct pair *p)
{
	return kernel_mem_sa_count(p->peer[PAIR_A].k) == 4 &&
	       kernel_mem_policy_count(p->peer[PAIR_A].k) == 6 && pair_sa(p, PAIR_A)->id == 1;
}

START_TEST(test_reauth_two_children)
{
	const char *ta = "remote_ts = [\"10.2.0.0/16\"]; } );";
	const char *tb = "remote_ts = [\"10.1.0.0/16\"]; } );";
	char *a0, *a, *b;
	int broken = 0;

	/* the first CHILD SA comes with IKE_AUTH, the second by CREATE_CHILD_SA
	 * on the new IKE SA; the old IKE SA goes once both are there */
	a0 = pair_conf_sub(pair_conf_a, ta, "remote_ts = [\"10.2.0.0/16\"]; }, "
			   "{ name = \"net2\"; local_ts = [\"10.3.0.0/16\"]; "
			   "remote_ts = [\"10.4.0.0/16\"]; } );");
	a = pair_conf_sub(a0, "name = \"ab\";", "name = \"ab\"; reauth_time = \"1s\"; "
			  "rand_time = \"0s\"; over_time = \"10s\";");
	b = pair_conf_sub(pair_conf_b, tb, "remote_ts = [\"10.1.0.0/16\"]; }, "
			  "{ name = \"net2\"; local_ts = [\"10.4.0.0/16\"]; "
			  "remote_ts = [\"10.3.0.0/16\"]; } );");
	pair_setup(&P, a, b);
	free(a0);
	free(a);
	free(b);
	ck_assert_int_eq(engine_initiate(P.peer[PAIR_A].e, "ab", NULL, (char[64]){ 0 }, 64), 0);
	ck_assert(pair_run(&P, 900, a_has_two));
	P.filter = six_policies;
	P.filter_arg = &broken;
	ck_assert(pair_run(&P, 3000, two_children_settled));
	ck_assert_int_eq(broken, 0);
	for (struct child_sa *c = pair_sa(&P, PAIR_A)->children; c; c = c->next) {
		struct ike_sa *owner;
		struct child_sa *peer = child_sa_by_spi(P.peer[PAIR_B].e, c->spi_out, &owner);

		ck_assert_ptr_nonnull(peer);
		ck_assert_str_eq(peer->cfg->name, c->cfg->name);
		ck_assert_uint_eq(peer->spi_out, c->spi_in);
		pair_assert_sa_match(pair_ksa(&P, PAIR_A, "192.0.2.2", c->spi_out),
				     pair_ksa(&P, PAIR_B, "192.0.2.2", peer->spi_in));
		pair_assert_sa_match(pair_ksa(&P, PAIR_B, "192.0.2.1", peer->spi_out),
				     pair_ksa(&P, PAIR_A, "192.0.2.1", c->spi_in));
	}
	pair_free(&P);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("reauth");
	TCase *t = tcase_create("make-before-break");

	tcase_set_timeout(t, 30);
	tcase_add_test(t, test_reauth_no_gap);
	tcase_add_test(t, test_reauth_early_in_contradicted);
	tcase_add_test(t, test_reauth_responder_fallback);
	tcase_add_test(t, test_reauth_two_children);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return pair_main(suite());
}

/*
 * The kernel state ikedaemon owns across restarts (kstate.c, trap.c), on
 * the in-memory kernel: fail_closed block policies installed at start,
 * replaced by the CHILD SA's and given back; kept at shutdown and adopted
 * by the next start; after a crash (kill -9) the next start keeps the
 * trap policies, removes the stale SAs and policies and negotiates again
 * on ACQUIRE without duplicates; a netlink overrun (resync) puts missing
 * standing policies back and ends CHILD SAs whose kernel SA is gone.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "lib/kernel_mem.h"
#include "ike/engine/exchange.h"
#include "pair.h"

static struct pair P;

static struct engine *A(void) { return P.peer[PAIR_A].e; }

static const char trap_ts[] = "remote_ts = [\"10.2.0.0/16\"]; start_action = \"trap\";";
static const char start_ts[] = "remote_ts = [\"10.2.0.0/16\"]; start_action = \"start\";";

/* pair.c's sender, for the engines restart_a() makes. */
static int (*pair_send)(struct engine *e, const struct addr *local, const struct addr *remote,
			const uint8_t *pkt, size_t len);

static void setup_a(const char *to)
{
	char *a = pair_conf_sub(pair_conf_a, "remote_ts = [\"10.2.0.0/16\"];", to);

	pair_setup(&P, a, NULL);
	free(a);
	pair_send = A()->test_send;
}

/* A's policy for 10.1/16 <-> 10.2/16 in direction dir (NULL if none). */
static const struct kernel_policy *a_policy(enum kernel_dir dir)
{
	struct kernel_policy key;

	memset(&key, 0, sizeof(key));
	addr_parse(&key.sel.src, dir == KERNEL_DIR_OUT ? "10.1.0.0" : "10.2.0.0", 0);
	addr_parse(&key.sel.dst, dir == KERNEL_DIR_OUT ? "10.2.0.0" : "10.1.0.0", 0);
	key.sel.src_plen = key.sel.dst_plen = 16;
	key.dir = dir;
	return kernel_mem_find_policy(P.peer[PAIR_A].k, &key);
}

/* Exactly out, in and fwd for the child's selectors, all of this kind. */
static void assert_a_policies(enum kernel_action action, enum kernel_prio_class cls)
{
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN, KERNEL_DIR_FWD };

	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	for (size_t i = 0; i < 3; i++) {
		const struct kernel_policy *p = a_policy(dirs[i]);

		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(p->action, action);
		ck_assert_int_eq(p->prio_class, cls);
		ck_assert_int_eq(p->has_tmpl, action == KERNEL_ALLOW);
	}
}

static int a_has_child(struct pair *p)
{
	struct ike_sa *a = pair_sa(p, PAIR_A), *b = pair_sa(p, PAIR_B);

	return a && b && a->state == IKE_SA_ESTABLISHED && a->children &&
	       a->children->state == CHILD_SA_INSTALLED && b->children;
}

/* A new engine for side A on the same kernel: a restart of ikedaemon. */
static void restart_a(void)
{
	static const struct ike_retx_cfg retx = { 20, 1.5, 2, 0 };
	struct engine_test_hooks hooks;
	char err[256];

	memset(&hooks, 0, sizeof(hooks));
	hooks.send = pair_send;
	hooks.arg = &P.peer[PAIR_A];
	hooks.nonce = P.peer[PAIR_A].nonce;
	hooks.nonce_len = 32;
	hooks.retx = &retx;
	P.peer[PAIR_A].e = engine_new_test(P.loop, P.peer[PAIR_A].cfg, P.peer[PAIR_A].k, &hooks,
					   err, sizeof(err));
	ck_assert_msg(P.peer[PAIR_A].e != NULL, "engine: %s", err);
}

/* kill -9: the engine goes, the kernel keeps everything it had. */
static void crash_a(void)
{
	struct kernel_events ev;
	struct kernel *scratch;

	memset(&ev, 0, sizeof(ev));
	scratch = kernel_mem_new(&ev);
	ck_assert_ptr_nonnull(scratch);
	A()->kernel = scratch;	/* whatever shutdown removes, it removes there */
	engine_shutdown(A());
	kernel_free(scratch);
	P.peer[PAIR_A].e = NULL;
}

static void acquire_a(void)
{
	struct kernel_acquire acq;

	memset(&acq, 0, sizeof(acq));
	addr_parse(&acq.sel.src, "10.1.2.3", 0);
	addr_parse(&acq.sel.dst, "10.2.3.4", 0);
	acq.sel.src_plen = acq.sel.dst_plen = 32;
	addr_parse(&acq.src, "192.0.2.1", 0);
	addr_parse(&acq.dst, "192.0.2.2", 0);
	acq.proto = IPPROTO_ESP;
	acq.reqid = trap_reqid(A(), &P.peer[PAIR_A].cfg->conns[0],
			       &P.peer[PAIR_A].cfg->conns[0].children[0], NULL);
	ck_assert_uint_ne(acq.reqid, 0);
	acq.dir = KERNEL_DIR_OUT;
	ck_assert_int_eq(kernel_mem_inject_acquire(P.peer[PAIR_A].k, &acq), 0);
}

START_TEST(test_fail_closed_start_child)
{
	const struct conf_child *ch;

	setup_a(start_ts);
	ch = &P.peer[PAIR_A].cfg->conns[0].children[0];
	ck_assert_uint_eq(ch->fail_closed, 1);	/* the default for start_action = start */
	/* before any SA: block policies, out, in and fwd */
	assert_a_policies(KERNEL_BLOCK, KERNEL_PRIO_FALLBACK);
	ck_assert(pair_run(&P, 1000, a_has_child));
	/* the CHILD SA's policies took their places */
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_IPSEC);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	/* a clean stop: the SAs go, the block policies stay */
	engine_shutdown(A());
	P.peer[PAIR_A].e = NULL;
	assert_a_policies(KERNEL_BLOCK, KERNEL_PRIO_FALLBACK);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	/* the next start adopts them and negotiates again */
	restart_a();
	assert_a_policies(KERNEL_BLOCK, KERNEL_PRIO_FALLBACK);
	ck_assert(pair_run(&P, 2000, a_has_child));
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_IPSEC);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	pair_free(&P);
}
END_TEST

/* fail_closed = no: nothing stays behind a clean stop. */
START_TEST(test_fail_closed_no)
{
	char to[256];

	snprintf(to, sizeof(to), "%s fail_closed = \"no\";", trap_ts);
	setup_a(to);
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_TRAP);
	engine_shutdown(A());
	P.peer[PAIR_A].e = NULL;
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_trap_child_clean_stop_blocks)
{
	setup_a(trap_ts);
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_TRAP);
	engine_shutdown(A());
	P.peer[PAIR_A].e = NULL;
	assert_a_policies(KERNEL_BLOCK, KERNEL_PRIO_FALLBACK);
	restart_a();
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_TRAP);
	pair_free(&P);
}
END_TEST

START_TEST(test_restart_after_crash)
{
	struct kernel_policy stale;

	setup_a(trap_ts);
	acquire_a();
	ck_assert(pair_run(&P, 1000, a_has_child));
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_IPSEC);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	/* and a policy of ours that no configuration wants */
	memset(&stale, 0, sizeof(stale));
	addr_parse(&stale.sel.src, "10.9.0.0", 0);
	addr_parse(&stale.sel.dst, "10.8.0.0", 0);
	stale.sel.src_plen = stale.sel.dst_plen = 16;
	stale.dir = KERNEL_DIR_OUT;
	stale.action = KERNEL_BLOCK;
	stale.prio_class = KERNEL_PRIO_FALLBACK;
	ck_assert_int_eq(kernel_add_policy(P.peer[PAIR_A].k, &stale), 0);
	crash_a();
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 4);
	restart_a();
	/* the trap policies are back in place over the old CHILD SA's; the
	 * stale policy and the old SAs are gone */
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_TRAP);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	/* traffic negotiates again; no duplicate policies */
	acquire_a();
	ck_assert(pair_run(&P, 2000, a_has_child));
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_IPSEC);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	pair_free(&P);
}
END_TEST

static int a_child_gone(struct pair *p)
{
	struct ike_sa *a = pair_sa(p, PAIR_A);

	return !a || !a->children;
}

START_TEST(test_resync)
{
	struct kernel_sa_id id;

	setup_a(trap_ts);
	/* a trap policy lost behind our back comes back on resync */
	ck_assert_int_eq(kernel_del_policy(P.peer[PAIR_A].k, a_policy(KERNEL_DIR_IN)), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 2);
	ck_assert_int_eq(kernel_mem_inject_resync(P.peer[PAIR_A].k), 0);
	pair_run(&P, 20, NULL);
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_TRAP);
	/* a CHILD SA whose kernel SA went (its EXPIRE lost) ends */
	acquire_a();
	ck_assert(pair_run(&P, 1000, a_has_child));
	memset(&id, 0, sizeof(id));
	id.proto = IPPROTO_ESP;
	id.dst = pair_sa(&P, PAIR_A)->children->sa_local;
	id.spi = pair_sa(&P, PAIR_A)->children->spi_in;
	ck_assert_int_eq(kernel_del_sa(P.peer[PAIR_A].k, &id), 0);
	ck_assert_int_eq(kernel_mem_inject_resync(P.peer[PAIR_A].k), 0);
	ck_assert(pair_run(&P, 1000, a_child_gone));
	assert_a_policies(KERNEL_ALLOW, KERNEL_PRIO_TRAP);
	pair_free(&P);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kernel state");
	TCase *tc = tcase_create("kstate");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fail_closed_start_child);
	tcase_add_test(tc, test_fail_closed_no);
	tcase_add_test(tc, test_trap_child_clean_stop_blocks);
	tcase_add_test(tc, test_restart_after_crash);
	tcase_add_test(tc, test_resync);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}

/*
 * Whole exchanges between two engines in one process (pair.h): IKE_SA_INIT
 * and IKE_AUTH with the first CHILD SA into in-memory kernels, the
 * refusals (COOKIE, INVALID_KE, AUTHENTICATION_FAILED, NO_PROPOSAL_CHOSEN,
 * TS_UNACCEPTABLE), lost and repeated messages, DELETE from either side,
 * liveness give-up, trap/ACQUIRE and EXPIRE.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ike/core/plan.h"
#include "lib/kernel_mem.h"
#include "ike/engine/exchange.h"
#include "pair.h"

static struct pair P;

static struct engine *A(void) { return P.peer[PAIR_A].e; }
static struct engine *B(void) { return P.peer[PAIR_B].e; }



static int a_empty_sas(struct pair *p)
{
	return pair_nsas(p, PAIR_A) == 0;
}

static void assert_children_match(void)
{
	struct child_sa *ca = pair_sa(&P, PAIR_A)->children, *cb = pair_sa(&P, PAIR_B)->children;

	ck_assert_ptr_nonnull(ca);
	ck_assert_ptr_nonnull(cb);
	ck_assert_int_eq(ca->state, CHILD_SA_INSTALLED);
	ck_assert_int_eq(cb->state, CHILD_SA_INSTALLED);
	ck_assert_uint_eq(ca->spi_out, cb->spi_in);
	ck_assert_uint_eq(ca->spi_in, cb->spi_out);
	pair_assert_sa_match(pair_ksa(&P, PAIR_A, "192.0.2.2", ca->spi_out), pair_ksa(&P, PAIR_B, "192.0.2.2", cb->spi_in));
	pair_assert_sa_match(pair_ksa(&P, PAIR_B, "192.0.2.1", cb->spi_out), pair_ksa(&P, PAIR_A, "192.0.2.1", ca->spi_in));
	/* two SAs and in/out/fwd for one selector pair on each side */
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 2);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 3);
}

static void assert_nothing_left(int side)
{
	ck_assert_uint_eq(pair_nsas(&P, side), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[side].k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[side].k), 0);
	ck_assert_uint_eq(halfopen_total(&P.peer[side].e->cookies), 0);
}

static void hex(FILE *f, const struct secret *s)
{
	for (size_t i = 0; i < s->len; i++)
		fprintf(f, "%02x", s->ptr[i]);
}

/* Wireshark's IKEv2 decryption table line for A's SA (AES-GCM-256). */
static void write_keys(const char *path)
{
	struct ike_sa *a = pair_sa(&P, PAIR_A);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "\"%016llx\",\"%016llx\",\"", (unsigned long long)a->entry.spi_i,
		(unsigned long long)a->entry.spi_r);
	hex(f, &a->keys.sk_ei);
	fprintf(f, "\",\"");
	hex(f, &a->keys.sk_er);
	fprintf(f, "\",\"AES-GCM-256 with 16 octet ICV [RFC5282]\",\"\",\"\",\"NONE [RFC4306]\"\n");
	fclose(f);
}

START_TEST(test_establish)
{
	const char *pcap = getenv("ENGINE_PCAP"), *keys = getenv("ENGINE_PCAP_KEYS");

	pair_setup(&P, NULL, NULL);
	if (pcap)
		pair_pcap(&P, pcap);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	assert_children_match();
	/* 4 messages, nothing more */
	ck_assert_uint_eq(P.delivered, 4);
	ck_assert_uint_eq(P.peer[PAIR_A].sent, 2);
	ck_assert_uint_eq(P.peer[PAIR_B].sent, 2);
	ck_assert(ident_eq(&pair_sa(&P, PAIR_B)->remote_id, &P.peer[PAIR_A].cfg->conns[0].local.id));
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->children->local_ts.n, 1);
	if (keys)
		write_keys(keys);
	pair_free(&P);
}
END_TEST


static void setup_sub(const char *fa, const char *ta, const char *fb, const char *tb)
{
	pair_setup_sub(&P, fa, ta, fb, tb);
}

static int all_established(struct pair *p)
{
	for (int i = 0; i < 2; i++)
		for (struct ike_sa *sa = p->peer[i].e->sas; sa; sa = sa->next)
			if (sa->state != IKE_SA_ESTABLISHED)
				return 0;
	return 1;
}

START_TEST(test_cookie)
{
	struct ike_sa *second;

	/* cookies once one IKE SA is half open */
	setup_sub(NULL, NULL, "secrets:", "global: { cookie_threshold = 1; };\nsecrets:");
	pair_initiate(&P);
	pair_pump(&P, 1);
	ck_assert_uint_eq(halfopen_total(&B()->cookies), 1);
	pair_initiate(&P);
	second = pair_sa(&P, PAIR_A);
	pair_pump(&P, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 2);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 2);
	ck_assert(all_established(&P));
	ck_assert_uint_eq(B()->stats.cookies_sent, 1);
	ck_assert_uint_eq(second->init_retries, 1);
	ck_assert_uint_eq(second->cookie_len, COOKIE_LEN);
	/* the first IKE SA holds the CHILD SA: the second one's identical
	 * policies are refused by the kernel (no duplicate CHILD SAs) */
	ck_assert_ptr_nonnull(second->next->children);
	ck_assert_uint_eq(halfopen_total(&B()->cookies), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_invalid_ke)
{
	/* A's first proposal sends ecp256; B accepts only x25519, also offered by A */
	setup_sub("children", "proposals = [\"aes256gcm16-prfsha256-ecp256-x25519\"];\n  children",
		  "children", "proposals = [\"aes256gcm16-prfsha256-x25519\"];\n  children");
	pair_initiate(&P);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->ke_group, KE_ECP_256);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	assert_children_match();
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->ke_group, KE_CURVE25519);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->init_retries, 1);
	ck_assert_uint_eq(P.delivered, 6);
	pair_free(&P);
}
END_TEST

/* A forged INVALID_KE_PAYLOAD naming MODP-2048 instead of every request. */
static int forge_invalid_ke(struct pair *p, struct pair_pkt *q, void *arg)
{
	static const uint8_t modp2048[2] = { 0, KE_MODP_2048 };
	struct codec_err err;
	struct ike_hdr h;

	if (q->from != PAIR_A)
		return 0;
	ck_assert_int_eq(ike_hdr_decode(q->data, q->len, &h, &err), 0);
	msg_send_stateless(p->peer[PAIR_B].e, &h, &q->dst, &q->src, N_INVALID_KE_PAYLOAD,
			   modp2048, sizeof(modp2048));
	return 1;
}

START_TEST(test_invalid_ke_not_offered)
{
	/* BAD-INPUT 22: a group we never offered: keep waiting, then give up */
	pair_setup(&P, NULL, NULL);
	P.filter = forge_invalid_ke;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->init_retries, 0);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->ke_group, KE_CURVE25519);
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->state, IKE_SA_INIT_SENT);
	ck_assert(pair_run(&P, 3000, a_empty_sas));
	assert_nothing_left(PAIR_A);
	assert_nothing_left(PAIR_B);
	pair_free(&P);
}
END_TEST


START_TEST(test_wrong_psk)
{
	setup_sub("id = \"b.example\"; psk = \"pair-test-psk-0123456789\"",
		  "id = \"b.example\"; psk = \"a-different-psk-0123456789\"", NULL, NULL);
	pair_initiate(&P);
	pair_pump(&P, 0);
	/* B answered AUTHENTICATION_FAILED and kept nothing; A gave up the SA */
	assert_nothing_left(PAIR_B);
	assert_nothing_left(PAIR_A);
	ck_assert_uint_eq(P.delivered, 4);
	ck_assert_uint_eq(B()->stats.ike_sas_established_total, 0);
	ck_assert_uint_eq(A()->stats.ike_sas_established_total, 0);
	pair_free(&P);
}
END_TEST

static uint16_t a_error;

static void ev_cb(const struct engine_event *ev, void *arg)
{
	(void)ev;
	(void)arg;
}

START_TEST(test_ike_no_proposal)
{
	setup_sub("children", "proposals = [\"aes128-sha256-modp2048\"];\n  children",
		  "children", "proposals = [\"aes256gcm16-prfsha256-x25519\"];\n  children");
	engine_set_event_cb(A(), ev_cb, NULL);
	pair_initiate(&P);
	/* the refusal is unauthenticated (2.21.1): A retransmits until it
	 * gives up, each time refused again, B never keeping state */
	ck_assert(pair_run(&P, 2000, a_empty_sas));
	assert_nothing_left(PAIR_A);
	assert_nothing_left(PAIR_B);
	ck_assert_uint_ge(P.delivered, 4);
	ck_assert_uint_eq(P.delivered % 2, 0);
	(void)a_error;
	pair_free(&P);
}
END_TEST

START_TEST(test_esp_no_proposal)
{
	setup_sub("remote_ts = [\"10.2.0.0/16\"];", "remote_ts = [\"10.2.0.0/16\"]; "
		  "esp_proposals = [\"aes128-sha256\"];", "remote_ts = [\"10.1.0.0/16\"];",
		  "remote_ts = [\"10.1.0.0/16\"]; esp_proposals = [\"aes256gcm16\"];");
	pair_initiate(&P);
	pair_pump(&P, 0);
	/* 2.21.3: the IKE SA stays, no CHILD SA anywhere */
	ck_assert(pair_established(&P));
	ck_assert_ptr_null(pair_sa(&P, PAIR_A)->children);
	ck_assert_ptr_null(pair_sa(&P, PAIR_B)->children);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->notify_err, N_NO_PROPOSAL_CHOSEN);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_esp_pfs_group)
{
	/* a PFS group in esp_proposals plays no part in IKE_AUTH (1.2) */
	setup_sub("remote_ts = [\"10.2.0.0/16\"];", "remote_ts = [\"10.2.0.0/16\"]; "
		  "esp_proposals = [\"aes256gcm16-x25519\"];", "remote_ts = [\"10.1.0.0/16\"];",
		  "remote_ts = [\"10.1.0.0/16\"]; esp_proposals = [\"aes256gcm16-ecp384\"];");
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	assert_children_match();
	for (size_t i = 0; i < pair_sa(&P, PAIR_A)->children->prop.ntransforms; i++)
		ck_assert_uint_ne(pair_sa(&P, PAIR_A)->children->prop.xf[i].type, TT_KE);
	pair_free(&P);
}
END_TEST

/* sha256_96: HMAC-SHA-256 in the kernel SAs with 96-bit ICVs, both ways;
 * without it the 128 bits of RFC 4868 */
static void esp_sha256(const char *extra, enum kernel_integ want)
{
	char a[160], b[160];
	struct child_sa *ca;

	snprintf(a, sizeof(a), "remote_ts = [\"10.2.0.0/16\"]; esp_proposals = [\"aes128-sha256\"]; %s",
		 extra);
	snprintf(b, sizeof(b), "remote_ts = [\"10.1.0.0/16\"]; esp_proposals = [\"aes128-sha256\"]; %s",
		 extra);
	setup_sub("remote_ts = [\"10.2.0.0/16\"];", a, "remote_ts = [\"10.1.0.0/16\"];", b);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	assert_children_match();
	ca = pair_sa(&P, PAIR_A)->children;
	ck_assert_int_eq(pair_ksa(&P, PAIR_A, "192.0.2.2", ca->spi_out)->integ, want);
	ck_assert_int_eq(pair_ksa(&P, PAIR_A, "192.0.2.1", ca->spi_in)->integ, want);
	pair_free(&P);
}

START_TEST(test_sha256_96)
{
	esp_sha256("", KERNEL_INTEG_HMAC_SHA2_256_128);
	esp_sha256("sha256_96 = \"yes\";", KERNEL_INTEG_HMAC_SHA2_256_96);
}
END_TEST

/* if_id_in/if_id_out: the inbound SA and the in/fwd policies carry
 * if_id_in, the outbound SA and the out policy if_id_out (XFRM interfaces) */
START_TEST(test_if_id)
{
	struct child_sa *ca;
	size_t n[3] = { 0, 0, 0 };

	setup_sub("remote_ts = [\"10.2.0.0/16\"];",
		  "remote_ts = [\"10.2.0.0/16\"]; if_id_in = 42; if_id_out = 4294967295L;", NULL,
		  NULL);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	assert_children_match();
	ca = pair_sa(&P, PAIR_A)->children;
	ck_assert_uint_eq(pair_ksa(&P, PAIR_A, "192.0.2.1", ca->spi_in)->if_id, 42);
	ck_assert_uint_eq(pair_ksa(&P, PAIR_A, "192.0.2.2", ca->spi_out)->if_id, 4294967295u);
	ck_assert_uint_eq(ca->npols, 3);
	for (size_t i = 0; i < ca->npols; i++) {
		const struct kernel_policy *kp = kernel_mem_find_policy(P.peer[PAIR_A].k, &ca->pols[i]);

		ck_assert_ptr_nonnull(kp);
		ck_assert_uint_eq(kp->if_id, kp->dir == KERNEL_DIR_OUT ? 4294967295u : 42);
		n[kp->dir == KERNEL_DIR_OUT ? 0 : kp->dir == KERNEL_DIR_IN ? 1 : 2]++;
	}
	ck_assert(n[0] == 1 && n[1] == 1 && n[2] == 1);
	/* the peer without if_id: none on its side */
	ck_assert_uint_eq(pair_ksa(&P, PAIR_B, "192.0.2.2", pair_sa(&P, PAIR_B)->children->spi_in)->if_id, 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_ts_unacceptable)
{
	setup_sub(NULL, NULL, "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.9.0.0/16\"];");
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_ptr_null(pair_sa(&P, PAIR_A)->children);
	ck_assert_ptr_null(pair_sa(&P, PAIR_B)->children);
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->notify_err, N_TS_UNACCEPTABLE);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_ts_narrowed)
{
	/* A asks for 10.1/16 <-> 10.0/8, B allows 10.2/16 only: narrowed */
	setup_sub("remote_ts = [\"10.2.0.0/16\"];", "remote_ts = [\"10.0.0.0/8\"];", NULL, NULL);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	assert_children_match();
	{
		char buf[TS_STRLEN];

		ck_assert_uint_eq(pair_sa(&P, PAIR_A)->children->remote_ts.n, 1);
		ck_assert_str_eq(ts_str(&pair_sa(&P, PAIR_A)->children->remote_ts.ts[0], buf,
					sizeof(buf)), "10.2.0.0/16");
	}
	pair_free(&P);
}
END_TEST

/* Drop the n-th datagram from side 'from' (1-based), once. */
struct dropper {
	int from;
	int nth;
	int seen;
};

static int drop_nth(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct dropper *d = arg;

	return q->from == d->from && ++d->seen == d->nth;
}

START_TEST(test_lost_auth_response)
{
	struct dropper d = { PAIR_B, 2, 0 };

	pair_setup(&P, NULL, NULL);
	P.filter = drop_nth;
	P.filter_arg = &d;
	pair_initiate(&P);
	pair_pump(&P, 0);
	/* B is up, A still waits for the IKE_AUTH response */
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->state, IKE_SA_AUTH_SENT);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->state, IKE_SA_ESTABLISHED);
	ck_assert(pair_run(&P, 2000, pair_established));
	/* A retransmitted, B replayed its cached response: one SA, one child */
	ck_assert_uint_eq(pair_sa(&P, PAIR_A)->win.retransmits, 1);
	ck_assert_uint_eq(pair_sa(&P, PAIR_B)->win.resent, 1);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	assert_children_match();
	pair_free(&P);
}
END_TEST

/* Deliver every datagram twice. */
static int dup_all(struct pair *p, struct pair_pkt *q, void *arg)
{
	engine_packet_in(p->peer[!q->from].e, q->data, q->len, &q->dst, &q->src, 0);
	return 0;
}

START_TEST(test_duplicates)
{
	pair_setup(&P, NULL, NULL);
	P.filter = dup_all;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	assert_children_match();
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	/* B resent IKE_SA_INIT and IKE_AUTH responses; A ignored the copies */
	ck_assert_uint_eq(pair_sa(&P, PAIR_B)->win.resent, 2);
	ck_assert_uint_eq(B()->stats.ike_sas_established_total, 1);
	pair_free(&P);
}
END_TEST

static void establish_sub(const char *fa, const char *ta, const char *fb, const char *tb)
{
	setup_sub(fa, ta, fb, tb);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
}

static void establish(const char *a, const char *b)
{
	pair_setup(&P, a, b);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
}

START_TEST(test_delete_child_from_a)
{
	establish(NULL, NULL);
	assert_children_match();
	ck_assert_int_eq(info_delete_child(pair_sa(&P, PAIR_A)->children), 0);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_ptr_null(pair_sa(&P, PAIR_A)->children);
	ck_assert_ptr_null(pair_sa(&P, PAIR_B)->children);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 0);
	ck_assert(ike_window_can_send(&pair_sa(&P, PAIR_A)->win));
	pair_free(&P);
}
END_TEST

START_TEST(test_delete_child_from_b)
{
	establish(NULL, NULL);
	ck_assert_int_eq(info_delete_child(pair_sa(&P, PAIR_B)->children), 0);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_ptr_null(pair_sa(&P, PAIR_A)->children);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_delete_ike_from_a)
{
	char err[128];

	establish(NULL, NULL);
	ck_assert_int_eq(engine_terminate(A(), "ab", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->state, IKE_SA_DELETING);
	pair_pump(&P, 0);
	assert_nothing_left(PAIR_A);
	assert_nothing_left(PAIR_B);
	ck_assert_int_eq(engine_terminate(A(), "ab", 0, err, sizeof(err)), -1);
	pair_free(&P);
}
END_TEST

START_TEST(test_delete_ike_from_b)
{
	char err[128];

	establish(NULL, NULL);
	ck_assert_int_eq(engine_terminate(B(), NULL, pair_sa(&P, PAIR_B)->id, err,
					  sizeof(err)), 0);
	pair_pump(&P, 0);
	assert_nothing_left(PAIR_A);
	assert_nothing_left(PAIR_B);
	pair_free(&P);
}
END_TEST

static int drop_from_b(struct pair *p, struct pair_pkt *q, void *arg)
{
	return q->from == PAIR_B;
}


START_TEST(test_dpd_giveup)
{
	establish_sub("children", "dpd_delay = \"1s\";\n  children", NULL, NULL);
	P.filter = drop_from_b;
	/* B went silent: A checks after 1 s, retransmits twice, gives up */
	ck_assert(pair_run(&P, 4000, a_empty_sas));
	assert_nothing_left(PAIR_A);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	pair_free(&P);
}
END_TEST

START_TEST(test_dpd_alive)
{
	establish_sub("children", "dpd_delay = \"1s\";\n  children", NULL, NULL);
	pair_run(&P, 1500, NULL);
	/* one liveness check went out and was answered */
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(P.delivered, 6);
	assert_children_match();
	pair_free(&P);
}
END_TEST

/*
 * A's 10.1.0.0/16 <-> 10.2.0.0/16 (A at 192.0.2.1, B at 192.0.2.2): out (local -> remote), in and fwd
 * (remote -> local), all with an ESP template of the given class: a
 * clear-text packet from the remote subnet matches in/fwd and is dropped.
 */
static void assert_trap_policies(int side, enum kernel_prio_class cls)
{
	static const enum kernel_dir dirs[] = { KERNEL_DIR_OUT, KERNEL_DIR_IN, KERNEL_DIR_FWD };
	const struct kernel_policy *p;
	struct kernel_policy key;
	char a[ADDR_STRLEN];

	for (size_t i = 0; i < 3; i++) {
		memset(&key, 0, sizeof(key));
		addr_parse(&key.sel.src, dirs[i] == KERNEL_DIR_OUT ? "10.1.0.0" : "10.2.0.0", 0);
		addr_parse(&key.sel.dst, dirs[i] == KERNEL_DIR_OUT ? "10.2.0.0" : "10.1.0.0", 0);
		key.sel.src_plen = key.sel.dst_plen = 16;
		key.dir = dirs[i];
		p = kernel_mem_find_policy(P.peer[side].k, &key);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(p->action, KERNEL_ALLOW);
		ck_assert(p->has_tmpl);
		ck_assert_int_eq(p->prio_class, cls);
		ck_assert_int_eq(p->tmpl.mode, KERNEL_MODE_TUNNEL);
		ck_assert_uint_eq(p->tmpl.reqid, KERNEL_REQID_MIN);
		ck_assert_str_eq(addr_host_str(&p->tmpl.src, a, sizeof(a)),
				 dirs[i] == KERNEL_DIR_OUT ? "192.0.2.1" : "192.0.2.2");
	}
}

static int a_has_child(struct pair *p)
{
	struct ike_sa *a = pair_sa(p, PAIR_A), *b = pair_sa(p, PAIR_B);

	return a && b && a->children && b->children;
}

START_TEST(test_trap_acquire)
{
	struct kernel_acquire acq;
	struct ike_sa *a;
	char buf[TS_STRLEN];

	setup_sub("remote_ts = [\"10.2.0.0/16\"];",
		  "remote_ts = [\"10.2.0.0/16\"]; start_action = \"trap\";", NULL, NULL);
	/* out, in and fwd trap policies (tunnel mode), nothing negotiated */
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	assert_trap_policies(PAIR_A, KERNEL_PRIO_TRAP);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	memset(&acq, 0, sizeof(acq));
	addr_parse(&acq.sel.src, "10.1.2.3", 0);
	addr_parse(&acq.sel.dst, "10.2.3.4", 0);
	acq.sel.src_plen = acq.sel.dst_plen = 32;
	acq.sel.proto = IPPROTO_TCP;
	acq.sel.dport = 443;
	addr_parse(&acq.src, "192.0.2.1", 0);
	addr_parse(&acq.dst, "192.0.2.2", 0);
	acq.proto = IPPROTO_ESP;
	acq.reqid = KERNEL_REQID_MIN;
	acq.dir = KERNEL_DIR_OUT;
	ck_assert_int_eq(kernel_mem_inject_acquire(P.peer[PAIR_A].k, &acq), 0);
	ck_assert(pair_run(&P, 1000, a_has_child));
	a = pair_sa(&P, PAIR_A);
	/* the packet's flow went first (2.9), B narrowed to its wider
	 * selector; the trap's reqid carries the SA */
	ck_assert(a->children->have_acquire_ts);
	ck_assert_str_eq(ts_str(&a->children->acquire_src, buf, sizeof(buf)), "10.1.2.3/32[tcp]");
	ck_assert_str_eq(ts_str(&a->children->acquire_dst, buf, sizeof(buf)),
			 "10.2.3.4/32[tcp/443]");
	ck_assert_str_eq(ts_str(&a->children->local_ts.ts[0], buf, sizeof(buf)), "10.1.0.0/16");
	ck_assert_uint_eq(a->children->reqid, KERNEL_REQID_MIN);
	/* a second ACQUIRE while up starts nothing */
	ck_assert_int_eq(kernel_mem_inject_acquire(P.peer[PAIR_A].k, &acq), 0);
	pair_run(&P, 50, NULL);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	/* while the CHILD SA is up its policies took the traps' places */
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	assert_trap_policies(PAIR_A, KERNEL_PRIO_IPSEC);
	/* deleting the child puts the trap policies back in place */
	info_delete_child(a->children);
	pair_pump(&P, 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	assert_trap_policies(PAIR_A, KERNEL_PRIO_TRAP);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	pair_free(&P);
}
END_TEST

static int no_children(struct pair *p)
{
	return !pair_sa(p, PAIR_A)->children && !pair_sa(p, PAIR_B)->children;
}

START_TEST(test_expire_hard)
{
	struct kernel_sa_id id;

	establish(NULL, NULL);
	memset(&id, 0, sizeof(id));
	addr_parse(&id.dst, "192.0.2.2", 0);
	id.spi = pair_sa(&P, PAIR_B)->children->spi_in;
	id.proto = IPPROTO_ESP;
	ck_assert_int_eq(kernel_mem_inject_expire(P.peer[PAIR_B].k, &id, 0), 0);
	pair_run(&P, 50, NULL);
	ck_assert_ptr_nonnull(pair_sa(&P, PAIR_B)->children);
	id.spi = pair_sa(&P, PAIR_B)->children->spi_in;	/* soft EXPIRE rekeyed it */
	ck_assert_int_eq(kernel_mem_inject_expire(P.peer[PAIR_B].k, &id, 1), 0);
	ck_assert(pair_run(&P, 1000, no_children));
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	ck_assert(pair_established(&P));
	pair_free(&P);
}
END_TEST

struct counts {
	size_t ike, child, ksa, kpol, protect, trap;
	uint64_t bytes_in;
	char proposal[128], child_proposal[128];
};

static void count_ike(const struct engine_ike_sa_info *in, void *arg)
{
	struct counts *c = arg;

	c->ike++;
	ck_assert_str_eq(in->state, "ESTABLISHED");
	ck_assert_uint_eq(in->nchildren, 1);
	snprintf(c->proposal, sizeof(c->proposal), "%s", in->proposal);
}

static void count_child(const struct engine_child_sa_info *in, void *arg)
{
	struct counts *c = arg;

	c->child++;
	c->bytes_in = in->bytes_in;
	ck_assert_str_eq(in->state, "INSTALLED");
	ck_assert_uint_eq(in->nlocal_ts, 1);
	snprintf(c->child_proposal, sizeof(c->child_proposal), "%s", in->proposal);
}

static void count_ksa(const struct engine_kernel_sa *sa, void *arg)
{
	struct counts *c = arg;

	c->ksa++;
	ck_assert_str_eq(sa->enc_alg, "rfc4106(gcm(aes))");
}

static void count_kpol(const struct engine_kernel_policy *p, void *arg)
{
	struct counts *c = arg;

	c->kpol++;
	c->protect += strcmp(p->action, "protect") == 0;
	c->trap += strcmp(p->action, "trap") == 0;
}

START_TEST(test_listing)
{
	struct engine_stats st;
	struct counts c;
	struct kernel_sa_stats ks = { 1234, 5, 0, 0 };
	struct kernel_sa_id id;
	char err[128];

	establish(NULL, NULL);
	memset(&c, 0, sizeof(c));
	memset(&id, 0, sizeof(id));
	addr_parse(&id.dst, "192.0.2.1", 0);
	id.spi = pair_sa(&P, PAIR_A)->children->spi_in;
	id.proto = IPPROTO_ESP;
	ck_assert_int_eq(kernel_mem_set_stats(P.peer[PAIR_A].k, &id, &ks), 0);
	engine_list_ike_sas(A(), NULL, count_ike, &c);
	engine_list_ike_sas(A(), "nosuch", count_ike, &c);
	engine_list_child_sas(A(), "ab", count_child, &c);
	ck_assert_int_eq(engine_list_kernel(A(), count_ksa, count_kpol, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.ike, 1);
	ck_assert_uint_eq(c.child, 1);
	ck_assert_uint_eq(c.bytes_in, 1234);
	ck_assert_str_eq(c.proposal, "AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519");
	ck_assert_uint_eq(c.ksa, 2);
	ck_assert_uint_eq(c.kpol, 3);
	ck_assert_uint_eq(c.protect, 3);
	engine_get_stats(A(), &st);
	ck_assert_uint_eq(st.ike_sas, 1);
	ck_assert_uint_eq(st.child_sas, 1);
	ck_assert_uint_eq(st.ike_sas_established_total, 1);
	ck_assert_uint_eq(st.packets_out, 2);
	engine_get_stats(B(), &st);
	ck_assert_uint_eq(st.ike_sas_half_open, 0);
	ck_assert_uint_eq(st.packets_in, 2);
	pair_free(&P);
}
END_TEST

START_TEST(test_transport_mode)
{
	establish_sub("local_ts = [\"10.1.0.0/16\"];\n"
		      "                 remote_ts = [\"10.2.0.0/16\"];", "mode = \"transport\";",
		      "local_ts = [\"10.2.0.0/16\"];\n"
		      "                 remote_ts = [\"10.1.0.0/16\"];", "mode = \"transport\";");
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->children->mode, CONF_MODE_TRANSPORT);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->children->mode, CONF_MODE_TRANSPORT);
	/* dynamic selectors: the IKE addresses; no fwd policy in transport mode */
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 2);
	ck_assert_int_eq(pair_ksa(&P, PAIR_A, "192.0.2.2", pair_sa(&P, PAIR_A)->children->spi_out)->mode,
			 KERNEL_MODE_TRANSPORT);
	pair_free(&P);
}
END_TEST

/* A NAT in front of A: 192.0.2.1:P appears as 198.51.100.9:(P + 40000). */
static int nat_a(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct addr pub;

	addr_parse(&pub, "198.51.100.9", 0);
	if (q->from == PAIR_A) {
		addr_set_port(&pub, (uint16_t)(addr_port(&q->src) + 40000));
		q->src = pub;
	} else {
		ck_assert(addr_eq_host(&q->dst, &pub));
		addr_parse(&q->dst, "192.0.2.1", (uint16_t)(addr_port(&q->dst) - 40000));
	}
	return 0;
}

START_TEST(test_nat)
{
	struct ike_sa *a, *b;
	const struct kernel_sa *ks;

	pair_setup(&P, NULL, NULL);
	P.filter = nat_a;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	a = pair_sa(&P, PAIR_A);
	b = pair_sa(&P, PAIR_B);
	/* each side saw the NAT where it is, both moved to 4500 (2.23) */
	ck_assert(a->nat_local && !a->nat_remote);
	ck_assert(b->nat_remote && !b->nat_local);
	ck_assert(a->natt && b->natt);
	ck_assert_uint_eq(addr_port(&a->local), 4500);
	ck_assert_uint_eq(addr_port(&a->remote), 4500);
	ck_assert_uint_eq(addr_port(&b->remote), 44500);
	/* the side behind the NAT keeps its mapping alive */
	ck_assert(timer_pending(&a->keepalive));
	ck_assert(!timer_pending(&b->keepalive));
	/* ESP in UDP with the ports the IKE SA uses */
	ks = pair_ksa(&P, PAIR_B, "198.51.100.9", b->children->spi_out);
	ck_assert_ptr_nonnull(ks);
	ck_assert_uint_eq(ks->encap_sport, 4500);
	ck_assert_uint_eq(ks->encap_dport, 44500);
	ks = pair_ksa(&P, PAIR_A, "192.0.2.2", a->children->spi_out);
	ck_assert_ptr_nonnull(ks);
	ck_assert_uint_eq(ks->encap_sport, 4500);
	ck_assert_uint_eq(ks->encap_dport, 4500);
	pair_free(&P);
}
END_TEST

static int silence_b;

static int drop_from_b_while(struct pair *p, struct pair_pkt *q, void *arg)
{
	return silence_b && q->from == PAIR_B;
}

static int a_restarted(struct pair *p)
{
	struct ike_sa *a = pair_sa(p, PAIR_A);

	silence_b = a && a->id == 1;	/* B answers the new IKE SA only */
	return a && a->id == 2 && a->children && pair_nsas(p, PAIR_B) == 1 &&
	       pair_sa(p, PAIR_B)->state == IKE_SA_ESTABLISHED;
}

START_TEST(test_dpd_restart)
{
	/* B silent: A gives up after dpd_delay + retransmits and starts over;
	 * B drops the old IKE SA on the new one's INITIAL_CONTACT */
	establish_sub("children", "dpd_delay = \"1s\"; dpd_action = \"restart\";\n  children",
		      NULL, NULL);
	silence_b = 1;
	P.filter = drop_from_b_while;
	ck_assert(pair_run(&P, 4000, a_restarted));
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	assert_children_match();
	pair_free(&P);
}
END_TEST

START_TEST(test_dpd_trap)
{
	establish_sub("children", "dpd_delay = \"1s\"; dpd_action = \"trap\";\n  children",
		      NULL, NULL);
	P.filter = drop_from_b;
	ck_assert(pair_run(&P, 4000, a_empty_sas));
	/* the SAs are gone, trap policies (out, in, fwd) wait for traffic */
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	ck_assert_uint_ne(trap_reqid(A(), &P.peer[PAIR_A].cfg->conns[0],
				     &P.peer[PAIR_A].cfg->conns[0].children[0], NULL), 0);
	pair_free(&P);
}
END_TEST

static int a_second_sa(struct pair *p)
{
	struct ike_sa *a = pair_sa(p, PAIR_A);

	return a && a->id == 2 && a->children;
}

START_TEST(test_close_action_start)
{
	char err[128];

	establish_sub("remote_ts = [\"10.2.0.0/16\"];",
		      "remote_ts = [\"10.2.0.0/16\"]; close_action = \"start\";", NULL, NULL);
	/* B deletes the IKE SA: A starts a new one */
	ck_assert_int_eq(engine_terminate(B(), "ba", 0, err, sizeof(err)), 0);
	ck_assert(pair_run(&P, 1000, a_second_sa));
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 1);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	assert_children_match();
	pair_free(&P);
}
END_TEST

START_TEST(test_initial_contact)
{
	struct ike_sa *old_b;

	establish(NULL, NULL);
	old_b = pair_sa(&P, PAIR_B);
	/* A forgets everything (a restart), its kernel state included */
	ike_sa_destroy(pair_sa(&P, PAIR_A));
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	pair_initiate(&P);
	pair_pump(&P, 0);
	/* B deleted the stale IKE SA and its CHILD SA, then installed the new one */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	ck_assert_ptr_ne(pair_sa(&P, PAIR_B), old_b);
	ck_assert(pair_established(&P));
	assert_children_match();
	pair_free(&P);
}
END_TEST

START_TEST(test_start_action_start)
{
	setup_sub("remote_ts = [\"10.2.0.0/16\"];",
		  "remote_ts = [\"10.2.0.0/16\"]; start_action = \"start\";", NULL, NULL);
	/* engine creation sent the IKE_SA_INIT already */
	ck_assert_uint_eq(pair_queued(&P), 1);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	assert_children_match();
	pair_free(&P);
}
END_TEST

static const char conf_a6[] =
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ab\";\n"
	"  local_addrs = [\"2001:db8::1\"]; remote_addrs = [\"2001:db8::2\"];\n"
	"  local = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"2001:db8:1::/48\", \"10.1.0.0/16\"];\n"
	"                 remote_ts = [\"2001:db8:2::/48\", \"10.2.0.0/16\"]; } );\n"
	"} );\n";

static const char conf_b6[] =
	"secrets: ( { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ba\";\n"
	"  local_addrs = [\"2001:db8::2\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"2001:db8:2::/48\", \"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"2001:db8:1::/48\", \"10.1.0.0/16\"]; } );\n"
	"} );\n";

START_TEST(test_ipv6)
{
	struct child_sa *ca, *cb;

	establish(conf_a6, conf_b6);
	ca = pair_sa(&P, PAIR_A)->children;
	cb = pair_sa(&P, PAIR_B)->children;
	ck_assert_ptr_nonnull(ca);
	ck_assert_ptr_nonnull(cb);
	/* IPv6 outer addresses, IPv6 and IPv4 inner selectors */
	pair_assert_sa_match(pair_ksa(&P, PAIR_A, "2001:db8::2", ca->spi_out), pair_ksa(&P, PAIR_B, "2001:db8::2", cb->spi_in));
	pair_assert_sa_match(pair_ksa(&P, PAIR_B, "2001:db8::1", cb->spi_out), pair_ksa(&P, PAIR_A, "2001:db8::1", ca->spi_in));
	ck_assert_uint_eq(ca->local_ts.n, 2);
	ck_assert_uint_eq(cb->remote_ts.n, 2);
	/* in/out/fwd for each same-family pair: 2 pairs */
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 6);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_B].k), 6);
	pair_free(&P);
}
END_TEST

static void reload_b(const char *text)
{
	pair_reload(&P, PAIR_B, text);
}

/*
 * The reload table (plan.h keep_sas): B's connection changed in one
 * setting each.  Settings the next rekey or DPD check reads keep the
 * running SAs (same IKE SA, same CHILD SA SPIs, kernel untouched, pointing
 * at the new configuration); addresses, identities and selectors replace
 * them.
 */
static const struct {
	const char *from, *to;
	int keep;
} reload_table[] = {
	{ "children", "dpd_delay = \"30s\";\n  children", 1 },
	{ "children", "rekey_time = \"2h\"; over_time = \"5m\";\n  children", 1 },
	{ "children", "proposals = [\"aes256gcm16-prfsha256-x25519\", \"aes128-sha256-modp2048\"];\n"
		      "  children", 1 },
	{ "remote_ts = [\"10.1.0.0/16\"];",
	  "remote_ts = [\"10.1.0.0/16\"]; rekey_time = \"20m\"; life_bytes = \"1G\";", 1 },
	{ "remote_ts = [\"10.1.0.0/16\"];",
	  "remote_ts = [\"10.1.0.0/16\"]; esp_proposals = [\"aes128gcm16\", \"aes256gcm16\"];", 1 },
	{ "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/16\"]; close_action = \"trap\";", 1 },
	{ "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/17\"];", 0 },
	{ "local_ts = [\"10.2.0.0/16\"];", "local_ts = [\"10.2.0.0/24\"];", 0 },
	{ "id = \"b.example\"; auth", "id = \"b2.example\"; auth", 0 },
	{ "remote_addrs = [\"%any\"];", "remote_addrs = [\"192.0.2.1\"];", 0 },
	{ "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/16\"]; mode = \"transport\";", 0 },
	/* hostaccess only reaches the updown script; the XFRM keys are kernel state */
	{ "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/16\"]; hostaccess = \"yes\";", 1 },
	{ "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/16\"]; mark_out = 7;", 0 },
	{ "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/16\"]; set_mark_in = 7;", 0 },
	{ "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/16\"]; priority = 10;", 0 },
	{ "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/16\"]; copy_ecn = \"no\";", 0 },
	{ "children", "if_id_in = 3;\n  children", 0 },
};

START_TEST(test_reload)
{
	char *changed = pair_conf_sub(pair_conf_b, reload_table[_i].from, reload_table[_i].to);
	uint64_t id;
	uint32_t spi_in;

	establish(NULL, NULL);
	/* unchanged connection: the SA survives, pointing at the new config */
	reload_b(pair_conf_b);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_ptr_eq(pair_sa(&P, PAIR_B)->conn, &P.peer[PAIR_B].cfg->conns[0]);
	ck_assert_ptr_eq(pair_sa(&P, PAIR_B)->children->cfg,
			 &P.peer[PAIR_B].cfg->conns[0].children[0]);
	id = pair_sa(&P, PAIR_B)->id;
	spi_in = pair_sa(&P, PAIR_B)->children->spi_in;
	reload_b(changed);
	free(changed);
	pair_pump(&P, 0);
	if (reload_table[_i].keep) {
		ck_assert(pair_established(&P));
		ck_assert_uint_eq(pair_sa(&P, PAIR_B)->id, id);
		ck_assert_uint_eq(pair_sa(&P, PAIR_B)->children->spi_in, spi_in);
		ck_assert_ptr_eq(pair_sa(&P, PAIR_B)->conn, &P.peer[PAIR_B].cfg->conns[0]);
		ck_assert_ptr_eq(pair_sa(&P, PAIR_B)->children->cfg,
				 &P.peer[PAIR_B].cfg->conns[0].children[0]);
		assert_children_match();
		pair_free(&P);
		return;
	}
	/* replaced: deleted (DELETE sent to A); the new configuration negotiates */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_shutdown_deletes)
{
	establish(NULL, NULL);
	engine_shutdown(P.peer[PAIR_A].e);
	P.peer[PAIR_A].e = NULL;
	/* one DELETE went out; B removes everything when it arrives */
	ck_assert_uint_eq(pair_queued(&P), 1);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_initiate_errors)
{
	char err[256];

	pair_setup(&P, NULL, NULL);
	ck_assert_int_eq(engine_initiate(A(), "nosuch", NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "initiate: no connection named \"nosuch\"");
	ck_assert_int_eq(engine_initiate(A(), "ab", "nochild", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "initiate: connection ab has no child \"nochild\"");
	/* B's connection accepts any peer: nothing to initiate to */
	ck_assert_int_eq(engine_initiate(B(), "ba", NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "connection ba: no remote address to initiate to");
	ck_assert_int_eq(engine_rekey(A(), "ab", 0, err, sizeof(err)), -1);
	ck_assert_int_eq(engine_terminate(A(), NULL, 99, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "terminate: no IKE SA with id 99");
	ck_assert_str_eq(engine_kind(), "ikev2");
	pair_free(&P);
}
END_TEST

/* A moves to port 4500 for IKE_AUTH without any NAT (as strongSwan does
 * when it supports MOBIKE). */
static int float_a(struct pair *p, struct pair_pkt *q, void *arg)
{
	if (q->data[18] == IKE_SA_INIT)
		return 0;
	if (q->from == PAIR_A) {
		addr_set_port(&q->src, 4500);
		addr_set_port(&q->dst, 4500);
	}
	return 0;
}

START_TEST(test_float_without_nat)
{
	const struct kernel_sa *ks;
	struct ike_sa *b;

	pair_setup(&P, NULL, NULL);
	P.filter = float_a;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	b = pair_sa(&P, PAIR_B);
	/* B follows A to 4500, but without a NAT ESP stays plain ESP */
	ck_assert(b->natt);
	ck_assert(!b->nat_local && !b->nat_remote);
	ck_assert_uint_eq(addr_port(&b->remote), 4500);
	ks = pair_ksa(&P, PAIR_B, "192.0.2.1", b->children->spi_out);
	ck_assert_ptr_nonnull(ks);
	ck_assert_uint_eq(ks->encap_sport, 0);
	ck_assert_uint_eq(ks->encap_dport, 0);
	ck_assert(!timer_pending(&b->keepalive));
	pair_free(&P);
}
END_TEST

START_TEST(test_deletes_queued)
{
	char err[128];
	struct ike_sa *a;

	establish(NULL, NULL);
	a = pair_sa(&P, PAIR_A);
	/* a liveness check is outstanding: the DELETEs wait for its answer */
	ck_assert_int_eq(info_dpd(a), 0);
	ck_assert_int_eq(info_delete_child(a->children), 0);
	ck_assert_uint_eq(a->ndel_spis, 1);
	ck_assert_int_eq(engine_terminate(A(), "ab", 0, err, sizeof(err)), 0);
	ck_assert(a->delete_pending);
	ck_assert_uint_eq(pair_queued(&P), 1);
	pair_pump(&P, 0);
	/* the IKE SA DELETE went after the answer (it covers the child too) */
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	pair_free(&P);
}
END_TEST

START_TEST(test_child_delete_queued)
{
	struct ike_sa *a;

	establish(NULL, NULL);
	a = pair_sa(&P, PAIR_A);
	ck_assert_int_eq(info_dpd(a), 0);
	ck_assert_int_eq(info_delete_child(a->children), 0);
	pair_pump(&P, 0);
	/* B removed its half of the CHILD SA when the queued DELETE came */
	ck_assert(pair_established(&P));
	ck_assert_ptr_null(pair_sa(&P, PAIR_B)->children);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_B].k), 0);
	ck_assert_uint_eq(a->ndel_spis, 0);
	pair_free(&P);
}
END_TEST

static const char conf_b_two[] =
	"secrets: ( { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; },\n"
	"           { id = \"c.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"bc\";\n"
	"  local_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"c.example\"; auth = \"psk\"; };\n"
	"  proposals = [\"aes256gcm16-prfsha256-x25519\"];\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; } );\n"
	"}, {\n"
	"  name = \"ba\";\n"
	"  local_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  proposals = [PROPOSAL];\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; } );\n"
	"} );\n";

START_TEST(test_conn_switch)
{
	char *b = pair_conf_sub(conf_b_two, "PROPOSAL", "\"aes256gcm16-prfsha256-x25519\"");

	/* IKE_SA_INIT lands on "bc" (first for the address), IDi moves it to "ba" */
	establish(NULL, b);
	free(b);
	ck_assert_str_eq(pair_sa(&P, PAIR_B)->conn->name, "ba");
	assert_children_match();
	pair_free(&P);
}
END_TEST

START_TEST(test_conn_switch_refused)
{
	char *b = pair_conf_sub(conf_b_two, "PROPOSAL", "\"aes128-sha256-ecp256\"");

	/* "ba" does not allow what IKE_SA_INIT chose for "bc": no switch */
	pair_setup(&P, NULL, b);
	free(b);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_A), 0);
	ck_assert_uint_eq(B()->stats.ike_sas_established_total, 0);
	pair_free(&P);
}
END_TEST

/* Virtual time: when each of A's datagrams left, relative to PAIR_T0_MS. */
struct send_times {
	uint64_t at[8];
	size_t n;
};

static int note_send(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct send_times *st = arg;

	if (q->from == PAIR_A && st->n < 8)
		st->at[st->n++] = loop_now_ms(p->loop) - PAIR_T0_MS;
	return 0;
}

static int drop_all(struct pair *p, struct pair_pkt *q, void *arg)
{
	(void)p;
	(void)q;
	(void)arg;
	return 1;
}

static int a_gave_up(struct pair *p)
{
	return pair_nsas(p, PAIR_A) == 0;
}

/* Retransmission back-off to the millisecond (pair retx: 20 ms, then 1.5
 * times the previous wait, 2 retransmissions, then one more wait). */
START_TEST(test_retransmit_backoff)
{
	struct send_times st = { { 0 }, 0 };

	pair_setup(&P, NULL, NULL);
	P.on_send = note_send;
	P.on_send_arg = &st;
	P.filter = drop_all;
	pair_initiate(&P);
	ck_assert(pair_run(&P, 10000, a_gave_up));
	ck_assert_uint_eq(st.n, 3);
	ck_assert_uint_eq(st.at[0], 0);
	ck_assert_uint_eq(st.at[1], 20);
	ck_assert_uint_eq(st.at[2], 50);
	/* given up after the last wait (45 ms) */
	ck_assert_uint_eq(loop_now_ms(P.loop) - PAIR_T0_MS, 95);
	pair_free(&P);
}
END_TEST

static int b_has_none(struct pair *p)
{
	return pair_nsas(p, PAIR_B) == 0;
}

/* A responder's half-open IKE SA goes after exactly ENGINE_HALF_OPEN_MS. */
START_TEST(test_half_open_timeout)
{
	struct dropper d = { PAIR_A, 2, 0 };	/* A's IKE_AUTH request is lost... */

	pair_setup(&P, NULL, NULL);
	P.filter = drop_nth;
	P.filter_arg = &d;
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert_uint_eq(pair_nsas(&P, PAIR_B), 1);
	engine_shutdown(P.peer[PAIR_A].e);	/* ...and A goes away */
	P.peer[PAIR_A].e = NULL;
	ck_assert(pair_run(&P, ENGINE_HALF_OPEN_MS + 1000, b_has_none));
	ck_assert_uint_eq(loop_now_ms(P.loop) - PAIR_T0_MS, ENGINE_HALF_OPEN_MS);
	pair_free(&P);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("engine exchanges");
	TCase *tc = tcase_create("exchange");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_establish);
	tcase_add_test(tc, test_cookie);
	tcase_add_test(tc, test_invalid_ke);
	tcase_add_test(tc, test_invalid_ke_not_offered);
	tcase_add_test(tc, test_wrong_psk);
	tcase_add_test(tc, test_ike_no_proposal);
	tcase_add_test(tc, test_esp_no_proposal);
	tcase_add_test(tc, test_ts_unacceptable);
	tcase_add_test(tc, test_esp_pfs_group);
	tcase_add_test(tc, test_sha256_96);
	tcase_add_test(tc, test_if_id);
	tcase_add_test(tc, test_ts_narrowed);
	tcase_add_test(tc, test_lost_auth_response);
	tcase_add_test(tc, test_retransmit_backoff);
	tcase_add_test(tc, test_half_open_timeout);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_delete_child_from_a);
	tcase_add_test(tc, test_delete_child_from_b);
	tcase_add_test(tc, test_delete_ike_from_a);
	tcase_add_test(tc, test_delete_ike_from_b);
	tcase_add_test(tc, test_dpd_giveup);
	tcase_add_test(tc, test_dpd_alive);
	tcase_add_test(tc, test_trap_acquire);
	tcase_add_test(tc, test_expire_hard);
	tcase_add_test(tc, test_listing);
	tcase_add_test(tc, test_transport_mode);
	tcase_add_test(tc, test_nat);
	tcase_add_test(tc, test_float_without_nat);
	tcase_add_test(tc, test_dpd_restart);
	tcase_add_test(tc, test_dpd_trap);
	tcase_add_test(tc, test_close_action_start);
	tcase_add_test(tc, test_initial_contact);
	tcase_add_test(tc, test_start_action_start);
	tcase_add_test(tc, test_ipv6);
	tcase_add_loop_test(tc, test_reload, 0, sizeof(reload_table) / sizeof(reload_table[0]));
	tcase_add_test(tc, test_shutdown_deletes);
	tcase_add_test(tc, test_initiate_errors);
	tcase_add_test(tc, test_deletes_queued);
	tcase_add_test(tc, test_child_delete_queued);
	tcase_add_test(tc, test_conn_switch);
	tcase_add_test(tc, test_conn_switch_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}

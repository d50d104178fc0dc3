/*
 * The swanctl keys that end in the kernel's XFRM state, through two
 * engines in one process (pair.h) and the in-memory kernel: marks
 * (mark_in/mark_out, %unique, %unique-dir, mark_in_sa), set_mark_in/out
 * (%same), a fixed policy priority, copy_df/copy_ecn/copy_dscp, the
 * connection's if_id_in/out as the children's default, and ports in the
 * traffic selectors.  A rekey keeps the marks; deleting the CHILD SA
 * removes the marked SAs (their kernel name includes the mark).  Also the
 * connection's IKE ports (local_port, remote_port).
 */
#include <check.h>
#include <string.h>

#include "ike/engine/exchange.h"
#include "ike/engine/rekey.h"
#include "lib/kernel_mem.h"
#include "pair.h"

static struct pair P;

static void setup_sub(const char *fa, const char *ta, const char *fb, const char *tb)
{
	pair_setup_sub(&P, fa, ta, fb, tb);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
}

static struct child_sa *child(int side)
{
	return pair_sa(&P, side)->children;
}

/* An SA by its kernel name, mark included. */
static const struct kernel_sa *ksa(int side, const char *dst, uint32_t spi, uint32_t mv,
				   uint32_t mm)
{
	struct kernel_sa_id id;

	memset(&id, 0, sizeof(id));
	ck_assert_int_eq(addr_parse(&id.dst, dst, 0), 0);
	id.spi = spi;
	id.proto = IPPROTO_ESP;
	id.mark.value = mv;
	id.mark.mask = mm;
	return kernel_mem_find_sa(P.peer[side].k, &id);
}

static const struct kernel_policy *kpol(int side, size_t i)
{
	const struct kernel_policy *kp = kernel_mem_find_policy(P.peer[side].k, &child(side)->pols[i]);

	ck_assert_ptr_nonnull(kp);
	return kp;
}

START_TEST(test_marks_priority_copy)
{
	const struct kernel_sa *in, *out;
	struct child_sa *ca;

	setup_sub("remote_ts = [\"10.2.0.0/16\"];",
		  "remote_ts = [\"10.2.0.0/16\"]; mark_in = \"0x2a\"; mark_out = \"0x10/0xff\";"
		  " set_mark_in = \"%same\"; set_mark_out = \"7/0xf\"; priority = 1000;"
		  " copy_df = \"no\"; copy_ecn = \"no\"; copy_dscp = \"in\";", NULL, NULL);
	ca = child(PAIR_A);
	/* the inbound SA carries no mark (mark_in_sa = no), the outbound one mark_out */
	in = ksa(PAIR_A, "192.0.2.1", ca->spi_in, 0, 0);
	out = ksa(PAIR_A, "192.0.2.2", ca->spi_out, 0x10, 0xff);
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_null(ksa(PAIR_A, "192.0.2.2", ca->spi_out, 0, 0));
	ck_assert_uint_eq(in->set_mark.value, 0x2a);
	ck_assert_uint_eq(in->set_mark.mask, 0xffffffff);
	ck_assert_uint_eq(out->set_mark.value, 7);
	ck_assert_uint_eq(out->set_mark.mask, 0xf);
	for (int i = 0; i < 2; i++) {
		const struct kernel_sa *s = i ? out : in;

		ck_assert(s->no_copy_df && s->no_copy_ecn && s->dscp_decap && s->dscp_no_encap);
	}
	ck_assert_uint_eq(ca->npols, 3);
	for (size_t i = 0; i < ca->npols; i++) {
		const struct kernel_policy *kp = kpol(PAIR_A, i);
		int o = kp->dir == KERNEL_DIR_OUT;

		ck_assert_uint_eq(kp->mark.value, o ? 0x10 : 0x2a);
		ck_assert_uint_eq(kp->mark.mask, o ? 0xff : 0xffffffff);
		ck_assert_uint_eq(kernel_policy_priority(kp), 1000);
	}
	/* B has none of it: no marks, computed priorities, default copying */
	in = ksa(PAIR_B, "192.0.2.2", child(PAIR_B)->spi_in, 0, 0);
	ck_assert_ptr_nonnull(in);
	ck_assert(!in->no_copy_df && !in->no_copy_ecn && !in->dscp_decap && !in->dscp_no_encap);
	ck_assert_uint_eq(in->set_mark.mask, 0);
	ck_assert(kernel_prio_is_own(kernel_policy_priority(kpol(PAIR_B, 0))));
	/* deleting finds the marked SAs by their full name */
	ck_assert_int_eq(info_delete_child(ca), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 0);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 0);
	pair_free(&P);
}
END_TEST

/* copy_dscp = yes: decapsulation copies, encapsulation too (no extra flag);
 * no: neither (only the encapsulation side needs a flag) */
START_TEST(test_copy_dscp_values)
{
	const struct kernel_sa *s;

	setup_sub("remote_ts = [\"10.2.0.0/16\"];",
		  "remote_ts = [\"10.2.0.0/16\"]; copy_dscp = \"yes\";",
		  "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/16\"]; copy_dscp = \"no\";");
	s = ksa(PAIR_A, "192.0.2.1", child(PAIR_A)->spi_in, 0, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert(s->dscp_decap && !s->dscp_no_encap && !s->no_copy_df && !s->no_copy_ecn);
	s = ksa(PAIR_B, "192.0.2.2", child(PAIR_B)->spi_in, 0, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert(!s->dscp_decap && s->dscp_no_encap);
	pair_free(&P);
}
END_TEST

static struct engine_child_sa_info listed;

static void on_child(const struct engine_child_sa_info *ci, void *arg)
{
	listed = *ci;
}

/* %unique: one fresh value for both directions; %unique-dir: one each;
 * mark_in_sa puts mark_in on the inbound SA; a rekey keeps them all. */
START_TEST(test_unique_and_rekey)
{
	struct child_sa *ca;
	uint32_t m, ii, io, old_in;

	setup_sub("remote_ts = [\"10.2.0.0/16\"];",
		  "remote_ts = [\"10.2.0.0/16\"]; mark_in = \"%unique\"; mark_out = \"%unique/0xffff\";"
		  " mark_in_sa = \"yes\"; if_id_in = \"%unique-dir\"; if_id_out = \"%unique-dir\";",
		  NULL, NULL);
	ca = child(PAIR_A);
	m = ca->xfrm.mark_in.value;
	ii = ca->xfrm.if_id_in;
	io = ca->xfrm.if_id_out;
	ck_assert_uint_ne(m, 0);
	ck_assert_uint_eq(ca->xfrm.mark_out.value, m);
	ck_assert_uint_eq(ca->xfrm.mark_out.mask, 0xffff);
	ck_assert(ii && io && ii != io && ii != m && io != m);
	ck_assert_ptr_nonnull(ksa(PAIR_A, "192.0.2.1", ca->spi_in, m, 0xffffffff));
	ck_assert_uint_eq(ksa(PAIR_A, "192.0.2.1", ca->spi_in, m, 0xffffffff)->if_id, ii);
	ck_assert_uint_eq(ksa(PAIR_A, "192.0.2.2", ca->spi_out, m, 0xffff)->if_id, io);
	/* what "ikectl show child" lists: the values drawn */
	engine_list_child_sas(P.peer[PAIR_A].e, NULL, on_child, NULL);
	ck_assert(listed.mark_in == m && listed.mark_in_mask == 0xffffffff);
	ck_assert(listed.mark_out == m && listed.mark_out_mask == 0xffff);
	ck_assert(listed.if_id_in == ii && listed.if_id_out == io);
	old_in = ca->spi_in;
	ck_assert_int_eq(rekey_child(ca), 0);
	pair_pump(&P, 0);
	ca = child(PAIR_A);
	ck_assert_ptr_null(ca->next);
	ck_assert_uint_ne(ca->spi_in, old_in);
	ck_assert_uint_eq(ca->xfrm.mark_in.value, m);
	ck_assert_uint_eq(ca->xfrm.if_id_in, ii);
	ck_assert_uint_eq(ca->xfrm.if_id_out, io);
	ck_assert_ptr_nonnull(ksa(PAIR_A, "192.0.2.1", ca->spi_in, m, 0xffffffff));
	ck_assert_ptr_null(ksa(PAIR_A, "192.0.2.1", old_in, m, 0xffffffff));
	ck_assert_uint_eq(kernel_mem_sa_count(P.peer[PAIR_A].k), 2);
	ck_assert_uint_eq(kernel_mem_policy_count(P.peer[PAIR_A].k), 3);
	pair_free(&P);
}
END_TEST

/* The connection's if_id_in/out: the default of a child that sets none. */
START_TEST(test_conn_if_id)
{
	struct child_sa *ca;

	setup_sub("children", "if_id_in = 5; if_id_out = \"0x6\";\n  children", NULL, NULL);
	ca = child(PAIR_A);
	ck_assert_uint_eq(ca->xfrm.if_id_in, 5);
	ck_assert_uint_eq(ca->xfrm.if_id_out, 6);
	ck_assert_uint_eq(ksa(PAIR_A, "192.0.2.1", ca->spi_in, 0, 0)->if_id, 5);
	ck_assert_uint_eq(ksa(PAIR_A, "192.0.2.2", ca->spi_out, 0, 0)->if_id, 6);
	pair_free(&P);
}
END_TEST

/* Ports and protocols of local_ts/remote_ts ("10.1.0.0/16[tcp/80]") are
 * negotiated and end in the policies' selectors. */
START_TEST(test_ports)
{
	struct child_sa *ca;
	size_t seen = 0;

	setup_sub("local_ts = [\"10.1.0.0/16\"];", "local_ts = [\"10.1.0.0/16[tcp/80]\"];",
		  "remote_ts = [\"10.1.0.0/16\"];", "remote_ts = [\"10.1.0.0/16[tcp]\"];");
	ca = child(PAIR_A);
	ck_assert_uint_eq(ca->local_ts.ts[0].ip_proto, 6);
	ck_assert_uint_eq(ca->local_ts.ts[0].start_port, 80);
	for (size_t i = 0; i < ca->npols; i++) {
		const struct kernel_policy *kp = kpol(PAIR_A, i);

		ck_assert_uint_eq(kp->sel.proto, 6);
		if (kp->dir == KERNEL_DIR_OUT) {
			ck_assert_uint_eq(kp->sel.sport, 80);
			ck_assert_uint_eq(kp->sel.dport, 0);
		} else {
			ck_assert_uint_eq(kp->sel.sport, 0);
			ck_assert_uint_eq(kp->sel.dport, 80);
		}
		seen++;
	}
	ck_assert_uint_eq(seen, 3);
	/* B narrowed its 10.1.0.0/16[tcp] to A's port */
	ck_assert_uint_eq(child(PAIR_B)->remote_ts.ts[0].start_port, 80);
	ck_assert_uint_eq(child(PAIR_B)->remote_ts.ts[0].end_port, 80);
	pair_free(&P);
}
END_TEST

/* A port range goes into the kernel as the smallest masked block holding
 * it (XFRM selects ports by value and mask), both in the CHILD SA's
 * policies and in trap policies. */
START_TEST(test_port_ranges)
{
	struct child_sa *ca;

	setup_sub("remote_ts = [\"10.2.0.0/16\"];", "remote_ts = [\"10.2.0.0/16[udp/8000-8099]\"];",
		  "local_ts = [\"10.2.0.0/16\"];", "local_ts = [\"10.2.0.0/16[udp/8064-8127]\"];");
	ca = child(PAIR_A);
	/* narrowed to the intersection 8064-8099 */
	ck_assert_uint_eq(ca->remote_ts.ts[0].start_port, 8064);
	ck_assert_uint_eq(ca->remote_ts.ts[0].end_port, 8099);
	for (size_t i = 0; i < ca->npols; i++) {
		const struct kernel_policy *kp = kpol(PAIR_A, i);
		uint16_t port = kp->dir == KERNEL_DIR_OUT ? kp->sel.dport : kp->sel.sport;
		uint16_t mask = kp->dir == KERNEL_DIR_OUT ? kp->sel.dport_mask : kp->sel.sport_mask;

		ck_assert_uint_eq(kp->sel.proto, 17);
		ck_assert_uint_eq(port, 8064);		/* 8064-8127 holds 8064-8099 */
		ck_assert_uint_eq(mask, 0xffc0);
	}
	/* B's own range is an aligned block: exact */
	ck_assert_uint_eq(kpol(PAIR_B, 0)->sel.sport_mask | kpol(PAIR_B, 0)->sel.dport_mask, 0xffc0);
	pair_free(&P);
}
END_TEST

/* local_port/remote_port: the first message leaves from and goes to them;
 * starting on the NAT-T port means the non-ESP marker from the start. */
static void ports_case(const char *ports, uint16_t lport, uint16_t rport, int natt)
{
	pair_setup_sub(&P, "children", ports, NULL, NULL);
	pair_initiate(&P);
	ck_assert_ptr_nonnull(P.head);
	ck_assert_uint_eq(addr_port(&P.head->src), lport);
	ck_assert_uint_eq(addr_port(&P.head->dst), rport);
	ck_assert_int_eq(pair_sa(&P, PAIR_A)->natt, natt);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(addr_port(&pair_sa(&P, PAIR_A)->remote), rport);
	ck_assert_uint_eq(addr_port(&pair_sa(&P, PAIR_B)->remote), lport);
	ck_assert_int_eq(pair_sa(&P, PAIR_B)->natt, natt);
	/* no NAT between them: no ESP in UDP */
	ck_assert_int_eq(child(PAIR_A)->natt, 0);
	pair_free(&P);
}

START_TEST(test_ike_ports)
{
	ports_case("local_port = 4500; remote_port = 4500;\n  children", 4500, 4500, 1);
	ports_case("remote_port = 1500;\n  children", 500, 1500, 0);
	ports_case("local_port = 500;\n  children", 500, 500, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("xfrm_keys");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_marks_priority_copy);
	tcase_add_test(tc, test_copy_dscp_values);
	tcase_add_test(tc, test_unique_and_rekey);
	tcase_add_test(tc, test_conn_if_id);
	tcase_add_test(tc, test_ports);
	tcase_add_test(tc, test_ike_ports);
	tcase_add_test(tc, test_port_ranges);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/sa/sa_state.h"
#include "runner.h"

struct edge {
	int from, to;
};

/* The life cycles as the design states them, written out edge by edge. */
static const struct edge ike_edges[] = {
	{ IKE_SA_CREATED, IKE_SA_INIT_SENT },
	{ IKE_SA_CREATED, IKE_SA_INIT_RECEIVED },
	{ IKE_SA_CREATED, IKE_SA_ESTABLISHED },	/* born from an IKE SA rekey (2.18) */
	{ IKE_SA_CREATED, IKE_SA_DEAD },
	{ IKE_SA_INIT_SENT, IKE_SA_AUTH_SENT },
	{ IKE_SA_INIT_SENT, IKE_SA_DEAD },
	{ IKE_SA_INIT_RECEIVED, IKE_SA_ESTABLISHED },
	{ IKE_SA_INIT_RECEIVED, IKE_SA_DEAD },
	{ IKE_SA_AUTH_SENT, IKE_SA_ESTABLISHED },
	{ IKE_SA_AUTH_SENT, IKE_SA_DELETING },
	{ IKE_SA_AUTH_SENT, IKE_SA_DEAD },
	{ IKE_SA_ESTABLISHED, IKE_SA_REKEYING },
	{ IKE_SA_ESTABLISHED, IKE_SA_REKEYED },
	{ IKE_SA_ESTABLISHED, IKE_SA_DELETING },
	{ IKE_SA_ESTABLISHED, IKE_SA_DEAD },
	{ IKE_SA_REKEYING, IKE_SA_ESTABLISHED },
	{ IKE_SA_REKEYING, IKE_SA_REKEYED },
	{ IKE_SA_REKEYING, IKE_SA_DELETING },
	{ IKE_SA_REKEYING, IKE_SA_DEAD },
	{ IKE_SA_REKEYED, IKE_SA_DELETING },
	{ IKE_SA_REKEYED, IKE_SA_DEAD },
	{ IKE_SA_DELETING, IKE_SA_DEAD },
};

static const struct edge child_edges[] = {
	{ CHILD_SA_CREATED, CHILD_SA_INSTALLING },
	{ CHILD_SA_CREATED, CHILD_SA_DEAD },
	{ CHILD_SA_INSTALLING, CHILD_SA_INSTALLED },
	{ CHILD_SA_INSTALLING, CHILD_SA_DEAD },
	{ CHILD_SA_INSTALLED, CHILD_SA_REKEYING },
	{ CHILD_SA_INSTALLED, CHILD_SA_REKEYED },
	{ CHILD_SA_INSTALLED, CHILD_SA_DELETING },
	{ CHILD_SA_INSTALLED, CHILD_SA_DEAD },
	{ CHILD_SA_REKEYING, CHILD_SA_INSTALLED },
	{ CHILD_SA_REKEYING, CHILD_SA_REKEYED },
	{ CHILD_SA_REKEYING, CHILD_SA_DELETING },
	{ CHILD_SA_REKEYING, CHILD_SA_DEAD },
	{ CHILD_SA_REKEYED, CHILD_SA_DELETING },
	{ CHILD_SA_REKEYED, CHILD_SA_DEAD },
	{ CHILD_SA_DELETING, CHILD_SA_DEAD },
};

static char last_line[512];
static int nlines;

static void sink(enum log_subsys sub, enum log_level lvl, const char *line, void *arg)
{
	snprintf(last_line, sizeof(last_line), "%s", line);
	nlines++;
}

static int in_edges(const struct edge *e, size_t n, int from, int to)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].from == from && e[i].to == to)
			return 1;
	return 0;
}

START_TEST(test_ike_all_pairs)
{
	size_t ne = sizeof(ike_edges) / sizeof(ike_edges[0]);
	int accepted = 0;

	log_set_sink(sink, NULL);
	for (int from = 0; from < IKE_SA_NSTATES; from++) {
		for (int to = 0; to < IKE_SA_NSTATES; to++) {
			enum ike_sa_state s = from;
			int want = in_edges(ike_edges, ne, from, to);
			int rc = ike_sa_set_state(&s, to, 0x1122334455667788ULL, 0x99aabbccddeeff00ULL);

			ck_assert_int_eq(ike_sa_state_legal(from, to), want);
			if (want) {
				ck_assert_int_eq(rc, 0);
				ck_assert_int_eq(s, to);
				accepted++;
			} else {
				ck_assert_int_eq(rc, -1);
				ck_assert_int_eq(s, from);
				ck_assert_ptr_nonnull(strstr(last_line, "illegal"));
			}
		}
	}
	ck_assert_int_eq(accepted, (int)ne);
	log_set_sink(NULL, NULL);
}
END_TEST

START_TEST(test_child_all_pairs)
{
	size_t ne = sizeof(child_edges) / sizeof(child_edges[0]);
	int accepted = 0;

	log_set_sink(sink, NULL);
	for (int from = 0; from < CHILD_SA_NSTATES; from++) {
		for (int to = 0; to < CHILD_SA_NSTATES; to++) {
			enum child_sa_state s = from;
			int want = in_edges(child_edges, ne, from, to);
			int rc = child_sa_set_state(&s, to, 0xc1c2c3c4, 0xd1d2d3d4);

			ck_assert_int_eq(child_sa_state_legal(from, to), want);
			ck_assert_int_eq(rc, want ? 0 : -1);
			ck_assert_int_eq(s, want ? to : from);
			accepted += want;
		}
	}
	ck_assert_int_eq(accepted, (int)ne);
	log_set_sink(NULL, NULL);
}
END_TEST

START_TEST(test_log_line_names_spis_and_states)
{
	enum ike_sa_state s = IKE_SA_INIT_SENT;
	enum child_sa_state c = CHILD_SA_INSTALLING;

	log_set_sink(sink, NULL);
	nlines = 0;
	ck_assert_int_eq(ike_sa_set_state(&s, IKE_SA_AUTH_SENT, 0x1122334455667788ULL,
					  0x99aabbccddeeff00ULL), 0);
	ck_assert_int_eq(nlines, 1);
	ck_assert_ptr_nonnull(strstr(last_line, "1122334455667788_i"));
	ck_assert_ptr_nonnull(strstr(last_line, "99aabbccddeeff00_r"));
	ck_assert_ptr_nonnull(strstr(last_line, "INIT_SENT -> AUTH_SENT"));
	ck_assert_int_eq(child_sa_set_state(&c, CHILD_SA_INSTALLED, 0xc1c2c3c4, 0xd1d2d3d4), 0);
	ck_assert_ptr_nonnull(strstr(last_line, "c1c2c3c4_i d1d2d3d4_o: INSTALLING -> INSTALLED"));
	/* out-of-range values never pass */
	ck_assert_int_eq(ike_sa_state_legal(IKE_SA_NSTATES, IKE_SA_DEAD), 0);
	ck_assert_int_eq(child_sa_state_legal(CHILD_SA_CREATED, CHILD_SA_NSTATES), 0);
	ck_assert_str_eq(ike_sa_state_name(IKE_SA_NSTATES), "INVALID");
	ck_assert_str_eq(child_sa_state_name(CHILD_SA_REKEYED), "REKEYED");
	log_set_sink(NULL, NULL);
}
END_TEST

/* A full initiator and responder life, walked through the one function. */
START_TEST(test_paths)
{
	static const enum ike_sa_state init_path[] = {
		IKE_SA_INIT_SENT, IKE_SA_AUTH_SENT, IKE_SA_ESTABLISHED,
		IKE_SA_REKEYING, IKE_SA_REKEYED, IKE_SA_DELETING, IKE_SA_DEAD,
	};
	static const enum ike_sa_state resp_path[] = {
		IKE_SA_INIT_RECEIVED, IKE_SA_ESTABLISHED, IKE_SA_DELETING, IKE_SA_DEAD,
	};
	enum ike_sa_state s = IKE_SA_CREATED;

	for (size_t i = 0; i < sizeof(init_path) / sizeof(init_path[0]); i++)
		ck_assert_int_eq(ike_sa_set_state(&s, init_path[i], 1, 2), 0);
	ck_assert_int_eq(s, IKE_SA_DEAD);
	s = IKE_SA_CREATED;
	for (size_t i = 0; i < sizeof(resp_path) / sizeof(resp_path[0]); i++)
		ck_assert_int_eq(ike_sa_set_state(&s, resp_path[i], 1, 2), 0);
	/* the responder never takes initiator-only states */
	s = IKE_SA_INIT_RECEIVED;
	ck_assert_int_eq(ike_sa_set_state(&s, IKE_SA_AUTH_SENT, 1, 2), -1);
}
END_TEST

int main(void)
{
	const TTest *tests[] = {
		test_ike_all_pairs,
		test_child_all_pairs,
		test_log_line_names_spis_and_states,
		test_paths,
		NULL,
	};

	log_set_all(LL_INFO);
	return run_tests("sa_state", tests, 0);
}

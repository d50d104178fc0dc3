/*
 * The engine's events behind updown scripts and "ikectl initiate": two
 * engines in one process (pair.h).  A CHILD SA coming up or going down
 * carries engine_updown (strongSwan's rule: a rekey, an IKE SA rekey or a
 * reauthentication runs nothing); a failed handshake or CHILD SA carries
 * its reason.  The PLUTO_* environment is built from the real event.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "ike/core/daemon.h"
#include "ike/core/updown.h"
#include "ike/engine/exchange.h"
#include "pair.h"

static struct pair P;

#define MAX_SEEN 32

struct seen {
	int side;
	int up;			/* 1 up, 0 down */
	char env[1024];		/* the PLUTO_* environment of the first pair, ';'-joined */
};

static struct seen updowns[MAX_SEEN];
static size_t nupdowns;
static char reasons[MAX_SEEN][160];	/* "ike: AUTHENTICATION_FAILED", "child net: ..." */
static size_t nreasons;

static void on_event(const struct engine_event *ev, void *arg)
{
	int side = (int)(long)arg;

	if (ev->reason && nreasons < MAX_SEEN)
		snprintf(reasons[nreasons++], sizeof(reasons[0]), "%c %s: %s", side ? 'B' : 'A',
			 ev->kind == ENGINE_EV_IKE_STATE ? "ike" : ev->child, ev->reason);
	if (ev->updown && nupdowns < MAX_SEEN) {
		struct seen *s = &updowns[nupdowns++];
		struct updown_call call = { ev->conn, ev->child, ev->ike_sa_id, ev->updown, "eth7",
					     ev->updown->if_id_in, ev->updown->if_id_out, 0 };
		struct updown_env env;

		ck_assert_int_eq(ev->kind, ENGINE_EV_CHILD_STATE);
		s->side = side;
		s->up = ev->updown->up;
		ck_assert_int_eq(updown_env_build(&env, &call, 0, 0), 0);
		for (size_t i = 0; i < env.n; i++) {
			strncat(s->env, env.v[i], sizeof(s->env) - strlen(s->env) - 2);
			strcat(s->env, ";");
		}
	}
}

static void setup(const char *a, const char *b)
{
	nupdowns = nreasons = 0;
	memset(updowns, 0, sizeof(updowns));
	pair_setup(&P, a, b);
	engine_set_event_cb(P.peer[PAIR_A].e, on_event, (void *)0L);
	engine_set_event_cb(P.peer[PAIR_B].e, on_event, (void *)1L);
}

static void assert_env(size_t i, const char *var)
{
	if (!strstr(updowns[i].env, var))
		ck_abort_msg("updown %zu: no %s in %s", i, var, updowns[i].env);
}

START_TEST(test_up_rekeys_down)
{
	char err[256];

	setup(NULL, NULL);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	/* one "up" on each side, with what strongSwan's scripts read */
	ck_assert_uint_eq(nupdowns, 2);
	for (size_t i = 0; i < 2; i++)
		ck_assert_int_eq(updowns[i].up, 1);
	{
		size_t a = updowns[0].side == PAIR_A ? 0 : 1, b = 1 - a;

		assert_env(a, ";PLUTO_VERB=up-client;");
		assert_env(a, ";PLUTO_VERSION=1.1;");
		assert_env(a, ";PLUTO_CONNECTION=net;");
		assert_env(a, ";IKEDAEMON_CONN=ab;");
		assert_env(a, ";PLUTO_ME=192.0.2.1;");
		assert_env(a, ";PLUTO_PEER=192.0.2.2;");
		assert_env(a, ";PLUTO_MY_CLIENT=10.1.0.0/16;");
		assert_env(a, ";PLUTO_MY_CLIENT_NET=10.1.0.0;");
		assert_env(a, ";PLUTO_MY_CLIENT_MASK=255.255.0.0;");
		assert_env(a, ";PLUTO_PEER_CLIENT=10.2.0.0/16;");
		assert_env(a, ";PLUTO_MY_ID=a.example;");
		assert_env(a, ";PLUTO_PEER_ID=b.example;");
		assert_env(a, ";PLUTO_MY_PORT=0;");
		assert_env(a, ";PLUTO_PEER_PROTOCOL=0;");
		assert_env(a, ";PLUTO_PROTO=esp;");
		assert_env(a, ";PLUTO_INTERFACE=eth7;");
		assert_env(a, ";PLUTO_UNIQUEID=");
		assert_env(a, ";PLUTO_REQID=");
		assert_env(b, ";PLUTO_CONNECTION=net;");
		assert_env(b, ";IKEDAEMON_CONN=ba;");
		assert_env(b, ";PLUTO_MY_CLIENT=10.2.0.0/16;");
		assert_env(b, ";PLUTO_PEER_ID=a.example;");
	}
	/* CHILD SA rekey, IKE SA rekey, reauthentication: no script */
	ck_assert_int_eq(engine_rekey_child(P.peer[PAIR_A].e, "ab", "net", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_int_eq(engine_rekey_child(P.peer[PAIR_B].e, "ba", "net", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_int_eq(engine_rekey(P.peer[PAIR_A].e, "ab", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_int_eq(engine_reauth(P.peer[PAIR_A].e, "ab", 0, err, sizeof(err)), 1);
	pair_run(&P, 3000, NULL);
	ck_assert(pair_established(&P));
	ck_assert_ptr_nonnull(pair_sa(&P, PAIR_A)->children);
	ck_assert_uint_eq(nupdowns, 2);
	ck_assert_uint_eq(nreasons, 0);
	/* terminate: one "down" on each side */
	ck_assert_int_eq(engine_terminate(P.peer[PAIR_A].e, "ab", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_uint_eq(nupdowns, 4);
	ck_assert_int_eq(updowns[2].up, 0);
	ck_assert_int_eq(updowns[3].up, 0);
	assert_env(2, ";PLUTO_VERB=down-client;");
	pair_free(&P);
}
END_TEST

static int has_reason(const char *r)
{
	for (size_t i = 0; i < nreasons; i++)
		if (strcmp(reasons[i], r) == 0)
			return 1;
	return 0;
}

static int drop_all(struct pair *p, struct pair_pkt *pkt, void *arg)
{
	return 1;
}

START_TEST(test_reasons)
{
	char *a;

	/* a wrong key: the initiator's IKE SA and its CHILD SA say why */
	a = pair_conf_sub(pair_conf_a, "id = \"b.example\"; psk = \"pair-test-psk-0123456789\"",
			  "id = \"b.example\"; psk = \"a-different-psk-0123456789\"");
	setup(a, NULL);
	free(a);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert_msg(has_reason("A ike: AUTHENTICATION_FAILED"), "%s", reasons[0]);
	ck_assert_uint_eq(nreasons, 2);	/* the IKE SA's reason, not its CHILD SA's too */
	ck_assert(has_reason("B ike: AUTHENTICATION_FAILED"));
	ck_assert_uint_eq(nupdowns, 0);
	pair_free(&P);

	/* the IKE SA comes up, the CHILD SA's selectors fit nothing at B */
	a = pair_conf_sub(pair_conf_a, "remote_ts = [\"10.2.0.0/16\"]", "remote_ts = [\"10.9.0.0/16\"]");
	setup(a, NULL);
	free(a);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_msg(has_reason("A net: TS_UNACCEPTABLE"), "%zu: %s", nreasons, reasons[0]);
	ck_assert(!has_reason("A ike: TS_UNACCEPTABLE"));
	ck_assert_uint_eq(nupdowns, 0);
	pair_free(&P);

	/* no answer at all: "timeout" once the retransmissions are spent */
	setup(NULL, NULL);
	P.filter = drop_all;
	pair_initiate(&P);
	pair_run(&P, 600000, NULL);
	ck_assert_msg(has_reason("A ike: timeout"), "%zu: %s", nreasons, reasons[0]);
	ck_assert_uint_eq(nreasons, 1);
	pair_free(&P);
}
END_TEST

/* The daemon's side: daemon_engine_event runs the child's script (daemon.c,
 * updown.c) with the environment of the real event. */
START_TEST(test_daemon_runs_script)
{
	char dir[] = "/tmp/ike-updown-e.XXXXXX", path[96], rec[96], line[256], cmd[64];
	char *a, *conf_child;
	struct daemon d;
	char err[256];
	FILE *f;
	int ups = 0, downs = 0, peer_id = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/updown", dir);
	snprintf(rec, sizeof(rec), "%s/rec", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\necho \"$PLUTO_VERB $PLUTO_PEER_ID $PLUTO_MY_CLIENT\" >> %s\n"
		   "echo ran\n", rec);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0700), 0);
	conf_child = malloc(strlen(path) + 128);
	snprintf(conf_child, strlen(path) + 128, "remote_ts = [\"10.2.0.0/16\"]; updown = \"%s\"; } );",
		 path);
	a = pair_conf_sub(pair_conf_a, "remote_ts = [\"10.2.0.0/16\"]; } );", conf_child);
	free(conf_child);
	setup(a, NULL);
	free(a);
	memset(&d, 0, sizeof(d));
	d.loop = P.loop;
	d.cfg = P.peer[PAIR_A].cfg;
	d.engine = P.peer[PAIR_A].e;
	d.updown = updown_new(P.loop);
	ck_assert_ptr_nonnull(d.updown);
	engine_set_event_cb(d.engine, daemon_engine_event, &d);
	pair_initiate(&P);
	pair_pump(&P, 0);
	ck_assert(pair_established(&P));
	ck_assert_uint_eq(updown_busy(d.updown), 1);	/* queued or running, not waited for */
	ck_assert_int_eq(engine_rekey_child(d.engine, "ab", "net", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	ck_assert_int_eq(engine_terminate(d.engine, "ab", 0, err, sizeof(err)), 0);
	pair_pump(&P, 0);
	updown_drain(d.updown, 10000);
	ck_assert_uint_eq(updown_busy(d.updown), 0);
	f = fopen(rec, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		ups += strcmp(line, "up-client b.example 10.1.0.0/16\n") == 0;
		downs += strcmp(line, "down-client b.example 10.1.0.0/16\n") == 0;
		peer_id++;
	}
	fclose(f);
	/* one up, one down, in that order; nothing for the rekey */
	ck_assert_int_eq(ups, 1);
	ck_assert_int_eq(downs, 1);
	ck_assert_int_eq(peer_id, 2);
	updown_free(d.updown);
	pair_free(&P);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("updown");
	TCase *tc = tcase_create("events");

	tcase_add_test(tc, test_up_rekeys_down);
	tcase_add_test(tc, test_reasons);
	tcase_add_test(tc, test_daemon_runs_script);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}

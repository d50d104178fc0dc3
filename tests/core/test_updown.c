/*
 * The updown script runner (updown.h) with real processes on a real loop:
 * a script records its environment (identities from the network arrive
 * sanitised), one that hangs is killed at the time limit, one that fails
 * is logged with its status and output, the runs of one flow keep their
 * order, and ike.conf refuses a script that is missing or writable by
 * everyone, naming file:line.  Time limits here are short wall-clock
 * bounds (processes do not run on virtual time).
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "ike/core/conf.h"
#include "ike/core/updown.h"

static char dir[64];
static struct loop *L;
static struct updown_runner *R;
static char logged[8192];

static void sink(enum log_subsys sub, enum log_level lvl, const char *line, void *arg)
{
	strncat(logged, line, sizeof(logged) - strlen(logged) - 2);
	strcat(logged, "\n");
}

static void setup(void)
{
	strcpy(dir, "/tmp/ike-updown.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	L = loop_new();
	ck_assert_ptr_nonnull(L);
	R = updown_new(L);
	ck_assert_ptr_nonnull(R);
	logged[0] = '\0';
	log_set_all(LL_INFO);
	log_set_sink(sink, NULL);
}

static void teardown(void)
{
	char cmd[128];

	log_set_sink(NULL, NULL);
	updown_free(R);
	loop_free(L);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* dir/name with body, mode 0700; the path in out. */
static void script(const char *name, const char *body, char *out, size_t size)
{
	FILE *f;

	snprintf(out, size, "%s/%s", dir, name);
	f = fopen(out, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	ck_assert_int_eq(chmod(out, 0700), 0);
}

static char *slurp(const char *name)
{
	static char buf[8192];
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return buf;
}

/* A CHILD SA as the engine reports it; the peer's identity is hostile. */
static struct ident my_id, peer_id;
static struct ike_ts lts, rts;
static struct engine_updown U;

static void event(int up, const char *peer)
{
	char err[128];

	ck_assert_int_eq(ident_parse(&my_id, "gw.example", err, sizeof(err)), 0);
	/* an FQDN ID is raw bytes on the wire: anything may be in it */
	peer_id.type = 2;	/* ID_FQDN */
	peer_id.len = (uint16_t)strlen(peer);
	memcpy(peer_id.data, peer, peer_id.len);
	memset(&U, 0, sizeof(U));
	U.up = up;
	addr_parse(&U.local, "192.0.2.1", 500);
	addr_parse(&U.remote, "198.51.100.7", 4500);
	U.local_id = &my_id;
	U.remote_id = &peer_id;
	memset(&lts, 0, sizeof(lts));
	lts.type = 7;	/* TS_IPV4_ADDR_RANGE */
	memcpy(lts.start, (uint8_t[]){ 10, 1, 0, 0 }, 4);
	memcpy(lts.end, (uint8_t[]){ 10, 1, 255, 255 }, 4);
	lts.end_port = 65535;
	rts = lts;
	memcpy(rts.start, (uint8_t[]){ 10, 2, 0, 0 }, 4);
	memcpy(rts.end, (uint8_t[]){ 10, 2, 0, 255 }, 4);
	rts.ip_proto = 6;
	rts.start_port = rts.end_port = 443;
	U.local_ts = &lts;
	U.remote_ts = &rts;
	U.nlocal_ts = U.nremote_ts = 1;
	U.reqid = 7;
	U.natt = 1;
	U.mark_in = 16;
	U.mark_in_mask = 0xffffffff;
}

static void run(const char *path, uint64_t key)
{
	struct updown_call call = { "site", "net", 42, &U, "eth0", 0, 42, 1 };
	struct updown_env env;

	ck_assert_int_eq(updown_env_build(&env, &call, 0, 0), 0);
	ck_assert_int_eq(updown_run(R, path, env.v, "site/net", key), 0);
}

static void drain(void)
{
	updown_drain(R, 10000);
	ck_assert_uint_eq(updown_busy(R), 0);
}

START_TEST(test_env)
{
	char path[128], want[256];
	const char *out;

	script("rec", "env | grep -E '^(PLUTO_|IKEDAEMON_)' | sort > \"$(dirname \"$0\")/env\"\n",
		 path, sizeof(path));
	event(1, "evil$(reboot)`id`\"'\\\n\x01\xff.example");
	run(path, 1);
	drain();
	out = slurp("env");
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_PEER_ID=evil?(reboot)?id???????.example\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_VERB=up-client\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_CONNECTION=net\n"));
	ck_assert_ptr_nonnull(strstr(out, "IKEDAEMON_CONN=site\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_UNIQUEID=42\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_REQID=7\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_ME=192.0.2.1\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_PEER=198.51.100.7\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_MY_ID=gw.example\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_MY_CLIENT=10.1.0.0/16\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_PEER_CLIENT=10.2.0.0/24\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_PEER_CLIENT_MASK=255.255.255.0\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_PEER_PORT=443\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_PEER_PROTOCOL=6\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_MY_PORT=0\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_INTERFACE=eth0\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_UDP_ENC=4500\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_PROTO=esp\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_VERSION=1.1\n"));
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_IF_ID_OUT=42\n"));
	ck_assert_ptr_null(strstr(out, "PLUTO_IF_ID_IN"));	/* 0: not set */
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_MARK_IN=16/0xffffffff\n"));
	ck_assert_ptr_null(strstr(out, "PLUTO_MARK_OUT"));	/* no mark_out */
	ck_assert_ptr_nonnull(strstr(out, "PLUTO_HOST_ACCESS=1\n"));
	snprintf(want, sizeof(want), "updown site/net: %s done", path);
	ck_assert_msg(strstr(logged, want), "%s", logged);
	/* down, IPv6 and transport ("host": our selector is our address) */
	event(0, "peer");
	addr_parse(&U.local, "2001:db8::1", 500);
	memset(&lts, 0, sizeof(lts));
	lts.type = 8;	/* TS_IPV6_ADDR_RANGE */
	lts.start[0] = lts.end[0] = 0x20;
	lts.start[1] = lts.end[1] = 0x01;
	lts.start[2] = lts.end[2] = 0x0d;
	lts.start[3] = lts.end[3] = 0xb8;
	lts.start[15] = lts.end[15] = 1;
	{
		struct updown_call call = { "site", "net", 42, &U, NULL, 0, 0, 0 };
		char verb[32];

		ck_assert_str_eq(updown_verb(&call, 0, verb, sizeof(verb)), "down-host-v6");
	}
}
END_TEST

START_TEST(test_hang_killed)
{
	char path[128];
	uint64_t t0;
	struct updown_stats st;

	script("hang", "echo starting\nsleep 60\n", path, sizeof(path));
	event(1, "peer");
	updown_set_limits(R, 4, 300);
	t0 = loop_now_ms(L);
	run(path, 1);
	drain();
	/* killed at the limit, not after the script's 60 s */
	ck_assert_uint_lt(loop_now_ms(L) - t0, 5000);
	updown_get_stats(R, &st);
	ck_assert_uint_eq(st.killed, 1);
	ck_assert_msg(strstr(logged, "still running after 300 ms, killed"), "%s", logged);
	ck_assert_msg(strstr(logged, "updown site/net: starting"), "%s", logged);
}
END_TEST

START_TEST(test_fails_logged)
{
	char path[128];
	struct updown_stats st;

	script("fail", "echo 'iptables: \033[2J no such chain' >&2\nexit 3\n", path, sizeof(path));
	event(1, "peer");
	run(path, 1);
	drain();
	updown_get_stats(R, &st);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.ok, 0);
	ck_assert_msg(strstr(logged, "exited with status 3"), "%s", logged);
	/* its output in the log, escape sequences defused */
	ck_assert_msg(strstr(logged, "updown site/net: iptables: \\x1b[2J no such chain"), "%s",
		      logged);
	/* a script that cannot start */
	run("/nonexistent/updown", 2);
	drain();
	ck_assert_msg(strstr(logged, "/nonexistent/updown could not be started"), "%s", logged);
}
END_TEST

START_TEST(test_order_and_concurrency)
{
	char slow[128], fast[128], out[160];
	const char *s;

	snprintf(out, sizeof(out), "%s/order", dir);
	script("slow", "sleep 0.3; echo \"$PLUTO_VERB\" >> \"$(dirname \"$0\")/order\"\n", slow,
	       sizeof(slow));
	script("fast", "echo \"other-$PLUTO_VERB\" >> \"$(dirname \"$0\")/order\"\n", fast,
	       sizeof(fast));
	/* one flow: its down waits for its slow up; another flow runs meanwhile */
	event(1, "peer");
	run(slow, 7);
	event(0, "peer");
	run(fast, 7);
	event(1, "peer");
	run(fast, 8);
	ck_assert_uint_eq(updown_busy(R), 3);
	drain();
	s = slurp("order");
	ck_assert_str_eq(s, "other-up-client\nup-client\nother-down-client\n");
}
END_TEST

/* ---- ike.conf ---- */

static struct config *load(const char *updown, struct conf_diag *diag, char *path, size_t size)
{
	FILE *f;

	snprintf(path, size, "%s/ike.conf", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "connections: ( { name = \"c\"; remote_addrs = [\"192.0.2.2\"];\n"
		   "  local = { id = \"a\"; auth = \"psk\"; }; remote = { id = \"b\"; auth = \"psk\"; };\n"
		   "  children = ( { name = \"net\";\n"
		   "    updown = \"%s\"; } ); } );\n"
		   "secrets: ( { id = \"b\"; psk = \"0123456789abcdef0123\"; } );\n", updown);
	fclose(f);
	chmod(path, 0600);
	memset(diag, 0, sizeof(*diag));
	return config_load(path, diag);
}

START_TEST(test_config)
{
	char path[128], conf[128], want[512];
	struct conf_diag diag;
	struct config *cfg;

	script("ok", "exit 0\n", path, sizeof(path));
	cfg = load(path, &diag, conf, sizeof(conf));
	ck_assert_ptr_nonnull(cfg);
	ck_assert_str_eq(cfg->conns[0].children[0].updown, path);
	config_free(cfg);
	conf_diag_free(&diag);
	/* writable by everyone: refused, file:line */
	chmod(path, 0777);
	ck_assert_ptr_null(load(path, &diag, conf, sizeof(conf)));
	ck_assert_uint_eq(diag.nerrors, 1);
	snprintf(want, sizeof(want), "%s:4: child 'net': updown script %s is writable by everyone "
		 "(mode 0777)", conf, path);
	ck_assert_str_eq(diag.errors[0], want);
	conf_diag_free(&diag);
	/* missing, a directory, relative */
	ck_assert_ptr_null(load("/nonexistent/up", &diag, conf, sizeof(conf)));
	ck_assert_ptr_nonnull(strstr(diag.errors[0], ":4: child 'net': updown script "
				     "/nonexistent/up: No such file or directory"));
	conf_diag_free(&diag);
	ck_assert_ptr_null(load(dir, &diag, conf, sizeof(conf)));
	ck_assert_ptr_nonnull(strstr(diag.errors[0], "is not a regular file"));
	conf_diag_free(&diag);
	ck_assert_ptr_null(load("up.sh", &diag, conf, sizeof(conf)));
	ck_assert_ptr_nonnull(strstr(diag.errors[0], "'updown' = \"up.sh\" must be an absolute path"));
	conf_diag_free(&diag);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("updown");
	TCase *tc = tcase_create("runner");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_env);
	tcase_add_test(tc, test_hang_killed);
	tcase_add_test(tc, test_fails_logged);
	tcase_add_test(tc, test_order_and_concurrency);
	tcase_add_test(tc, test_config);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? 1 : 0;
}

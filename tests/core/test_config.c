/*
 * ike.conf loader: every example loads, and each class of error is
 * reported with the exact file:line and the offending value.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ike/core/conf.h"
#include "ike/ikev2.h"
#include "unit/unit.h"

static struct config *load(const char *name, struct conf_diag *d)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", CORE_TEST_DATA, name);
	return config_load(path, d);
}

static void dump(const struct conf_diag *d)
{
	size_t i;

	for (i = 0; i < d->nerrors; i++)
		fprintf(stderr, "  error: %s\n", d->errors[i]);
	for (i = 0; i < d->nwarnings; i++)
		fprintf(stderr, "  warning: %s\n", d->warnings[i]);
}

/* The errors must be exactly these, in order ("FILE" stands for the data dir). */
static void expect_errors(const char *name, const char *const *want, size_t n)
{
	struct conf_diag d;
	struct config *cfg = load(name, &d);
	char exp[1024];
	size_t i;

	if (d.nerrors != n)
		dump(&d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.nerrors, n);
	for (i = 0; i < n; i++) {
		snprintf(exp, sizeof(exp), "%s/%s", CORE_TEST_DATA, want[i]);
		ck_assert_str_eq(d.errors[i], exp);
	}
	conf_diag_free(&d);
}

#define EXPECT(file, ...) do { \
		static const char *const w_[] = { __VA_ARGS__ }; \
		expect_errors(file, w_, sizeof(w_) / sizeof(w_[0])); \
	} while (0)

static const char *const good_files[] = {
	"good-minimal.conf", "good-full.conf", "good-secrets-file.conf", "good-include.conf",
};

START_TEST(test_good_fixtures_load)
{
	struct conf_diag d;
	struct config *cfg = load(good_files[_i], &d);

	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_ge(cfg->nconns, 1);
	config_free(cfg);
	conf_diag_free(&d);
}
END_TEST

START_TEST(test_example_etc_loads)
{
	struct conf_diag d;
	struct config *cfg = config_load(CORE_TEST_ETC "/ike.conf", &d);
	const struct conf_conn *c;

	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->nconns, 4);
	c = config_find_conn(cfg, "site");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->children[0].mode, CONF_MODE_TUNNEL);
	c = config_find_conn(cfg, "host");
	ck_assert_uint_eq(c->children[0].mode, CONF_MODE_TRANSPORT);
	c = config_find_conn(cfg, "ondemand");
	ck_assert_uint_eq(c->children[0].start_action, CONF_START_TRAP);
	c = config_find_conn(cfg, "rw");
	ck_assert_uint_eq(c->pools.n, 2);
	ck_assert_uint_eq(cfg->npools, 2);
	ck_assert_uint_eq(config_find_pool(cfg, "rw")->size, 254);
	ck_assert_uint_eq(config_find_pool(cfg, "rw")->first[3], 1);
	config_free(cfg);
	conf_diag_free(&d);
}
END_TEST

START_TEST(test_full_values)
{
	struct conf_diag d;
	struct config *cfg = load("good-full.conf", &d);
	const struct conf_conn *c;
	const struct conf_child *ch;
	char buf[IDENT_STRLEN];

	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(cfg->global.port, 1500);
	ck_assert_uint_eq(cfg->global.port_nat_t, 14500);
	ck_assert_int_eq(cfg->global.log[LS_IKE], LL_DEBUG);
	ck_assert_int_eq(cfg->global.log[LS_CFG], LL_TRACE);
	ck_assert_int_eq(cfg->global.log[LS_NET], LL_WARN);
	ck_assert(cfg->global.retransmit_timeout == 2.5);
	ck_assert_uint_eq(cfg->global.retransmit_tries, 3);
	ck_assert_str_eq(cfg->global.control_socket, "/tmp/ike-test.ctl");
	ck_assert_uint_eq(cfg->global.cookie_threshold_ip, 8);
	ck_assert_uint_eq(cfg->global.block_threshold, 16);

	c = config_find_conn(cfg, "full");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->local.id.type, ID_RFC822_ADDR);
	ck_assert_uint_eq(c->remote.id.type, ID_DER_ASN1_DN);
	ck_assert_str_eq(ident_str(&c->remote.id, buf, sizeof(buf)), "C=CH, O=Example, CN=gw2");
	ck_assert_uint_eq(c->nlocal_addrs, 2);
	ck_assert_uint_ge(c->remote_addrs[0].naddrs, 1);
	ck_assert_uint_eq(c->rekey_time, 7200);
	ck_assert_uint_eq(c->over_time, 600);
	ck_assert_uint_eq(c->reauth_time, 86400);
	ck_assert_uint_eq(c->dpd_delay, 30);
	ck_assert_uint_eq(c->dpd_action, CONF_DPD_TRAP);
	ck_assert_uint_eq(c->dpd_timeout, 90);
	ck_assert_uint_eq(c->keyingtries, 0);
	ck_assert_int_eq(c->encap, 1);
	ck_assert_uint_eq(cfg->global.keep_alive, 30);
	ck_assert_uint_eq(c->proposals.n, 1);

	ch = config_find_child(c, "a");
	ck_assert_ptr_nonnull(ch);
	ck_assert_uint_eq(ch->local_ts.n, 2);
	ck_assert_uint_eq(ch->remote_ts.n, 3);
	ck_assert_uint_eq(ch->remote_ts.v[1].ts.ip_proto, 6);
	ck_assert_uint_eq(ch->remote_ts.v[1].ts.start_port, 443);
	ck_assert_uint_eq(ch->remote_ts.v[2].ts.start_port, 1024);
	ck_assert_uint_eq(ch->remote_ts.v[2].ts.end_port, 65535);
	ck_assert_uint_eq(ch->rekey_bytes, 500ULL << 20);
	ck_assert_uint_eq(ch->life_bytes, 1ULL << 30);
	ck_assert_uint_eq(ch->life_packets, 2ULL << 20);
	ck_assert_uint_eq(ch->life_time, 3600);
	ck_assert_uint_eq(ch->replay_window, 128);
	ck_assert_uint_eq(ch->close_action, CONF_CLOSE_START);
	ck_assert_uint_eq(ch->pfs, CONF_PFS_REQUIRE);

	/* Defaults: tunnel, dynamic selectors, life_time 10% over rekey_time. */
	ch = config_find_child(c, "b");
	ck_assert_uint_eq(ch->mode, CONF_MODE_TUNNEL);
	ck_assert_uint_eq(ch->rekey_time, 3600);
	ck_assert_uint_eq(ch->life_time, 3960);
	ck_assert_uint_eq(ch->replay_window, 32);
	ck_assert_uint_eq(ch->pfs, CONF_PFS_ACCEPT);
	c = config_find_conn(cfg, "v6");
	ck_assert(c->children[0].local_ts.v[0].dynamic);
	/* strongSwan's defaults: one attempt, no forced encapsulation */
	ck_assert_uint_eq(c->keyingtries, 1);
	ck_assert_int_eq(c->encap, 0);
	ck_assert_uint_eq(c->dpd_timeout, 0);
	ck_assert_uint_eq(c->over_time, 1440);

	c = config_find_conn(cfg, "keyid");
	ck_assert_uint_eq(c->local.id.type, ID_KEY_ID);
	ck_assert_uint_eq(c->local.id.len, 4);
	ck_assert_uint_eq(c->remote.id.type, 0);
	ck_assert_ptr_nonnull(config_find_psk(cfg, &c->local.id, &c->remote.id));
	config_free(cfg);
	conf_diag_free(&d);
}
END_TEST

START_TEST(test_unknown_keys)
{
	EXPECT("err-unknown-key.conf",
	       "err-unknown-key.conf:3: unknown key 'prot_nat_t' in 'global'",
	       "err-unknown-key.conf:8: unknown key 'idd' in 'local'",
	       "err-unknown-key.conf:10: unknown key 'rekey' in a connection");
}
END_TEST

START_TEST(test_wrong_types)
{
	EXPECT("err-type.conf",
	       "err-type.conf:2: 'port' must be an integer, not a string",
	       "err-type.conf:3: 'listen' must be a list of strings [\"a\", \"b\"], not an integer",
	       "err-type.conf:4: 'cookie_threshold' must be an integer, not a boolean",
	       "err-type.conf:6: 'psk' must be a string, not an integer",
	       "err-type.conf:12: 'encap' must be true or false",
	       "err-type.conf:13: 'children' must be a list ( { name = ...; }, ... )");
}
END_TEST

START_TEST(test_selectors)
{
	EXPECT("err-selectors.conf",
	       "err-selectors.conf:8: child 'same': local_ts and remote_ts both hold 10.0.0.0/8",
	       "err-selectors.conf:9: 'local_ts': \"10.0.0.0/33\": prefix length '33' out of range 0..32",
	       "err-selectors.conf:10: 'remote_ts': \"10.0.0.0/8[tcp/90-80]\": port range 90-80 is reversed",
	       "err-selectors.conf:12: 'local_ts': 10.1.0.0/16 overlaps 10.0.0.0/8 in the same list",
	       "err-selectors.conf:13: child 'family': local_ts and remote_ts share no address family",
	       "err-selectors.conf:14: 'local_ts': \"10.0.0.9-10.0.0.1\": address range 10.0.0.9-10.0.0.1 is reversed",
	       "err-selectors.conf:15: 'local_ts': \"10.0.0.0/8[foo]\": unknown protocol 'foo'");
}
END_TEST

START_TEST(test_pool_errors)
{
	EXPECT("err-pools.conf",
	       "err-pools.conf:2: 'addrs' = \"10.3.0.5/24\": host bits set after the prefix "
	       "(want \"10.3.0.0/24\", \"10.3.0.10-10.3.0.200\" or \"2001:db8::/64\")",
	       "err-pools.conf:3: 'addrs' = \"10.3.0.9-10.3.0.1\": first address after the last "
	       "(want \"10.3.0.0/24\", \"10.3.0.10-10.3.0.200\" or \"2001:db8::/64\")",
	       "err-pools.conf:4: 'addrs' = \"10.3.0.1-2001:db8::1\": not a range of two addresses "
	       "of one family (want \"10.3.0.0/24\", \"10.3.0.10-10.3.0.200\" or \"2001:db8::/64\")",
	       "err-pools.conf:5: 'dns' entry \"10.3.0.0/24\": an address, not a prefix",
	       "err-pools.conf:6: pool 'd' defined twice",
	       "err-pools.conf:7: a pool needs 'name' and 'addrs'",
	       "err-pools.conf:14: 'vips': 3 addresses, at most 2 (one per family)",
	       "err-pools.conf:17: connection 'y': no pool named \"nope\"");
}
END_TEST

/* RFC 5685 keys: gateways are addresses or host names */
START_TEST(test_redirect_errors)
{
	EXPECT("err-redirect.conf",
	       "err-redirect.conf:2: 'redirect': 'to' = \"gw two!\" is not an IP address or a host name",
	       "err-redirect.conf:3: 'follow_redirects' must be true or false",
	       "err-redirect.conf:10: 'redirect_to' = \"gw..example\" is not an IP address or a host name");
}
END_TEST

START_TEST(test_secrets_errors)
{
	EXPECT("err-secrets.conf",
	       "err-secrets.conf:3: second secret for id \"b.example\" (first at " CORE_TEST_DATA "/err-secrets.conf:2)",
	       "err-secrets.conf:4: 'psk' starts with 0x but is not an even number of hex digits",
	       "err-secrets.conf:13: connection 'pk': local auth = pubkey needs 'certs'",
	       "err-secrets.conf:8: connection 'nokey': auth = psk but no secret for id \"z.example\" or \"a.example\"");
}
END_TEST

START_TEST(test_names)
{
	EXPECT("err-names.conf",
	       "err-names.conf:7: connection 'dup': second child named 'x' (first at line 7)",
	       "err-names.conf:10: second connection named 'dup' (first at " CORE_TEST_DATA "/err-names.conf:4)",
	       "err-names.conf:15: connection name \"bad name\" must be 1..63 characters of A-Z a-z 0-9 . _ -",
	       "err-names.conf:19: connection needs a 'name'");
}
END_TEST

START_TEST(test_values)
{
	EXPECT("err-values.conf",
	       "err-values.conf:2: 'port' = 70000 out of range 1..65535",
	       "err-values.conf:3: unknown log level \"loud\" (error, warn, info, debug, trace)",
	       "err-values.conf:3: unknown log subsystem 'foo' (default, dmn, cfg, net, enc, cry, ike, chd, knl, ctl)",
	       "err-values.conf:4: 'timeout' = 0.01 out of range 1..3600",
	       "err-values.conf:11: 'id': identity '#abc': key id must be '#' and an even number of hex digits (at most 255 bytes)",
	       "err-values.conf:13: 'rekey_time': invalid time '4x' (expected e.g. 30s, 10m, 4h, 1d)",
	       "err-values.conf:14: 'dpd_action' = \"hold\" is not one of: clear, trap, restart",
	       "err-values.conf:16: 'mode' = \"beet\" is not one of: tunnel, transport",
	       "err-values.conf:17: 'replay_window' = -1 out of range 0..4096",
	       "err-values.conf:18: child 's': start_action = start needs a specific address in remote_addrs of connection 'c'");
}
END_TEST

/* marks, if_ids, priority, copy_* (config_xfrm.c): strongSwan's syntax */
START_TEST(test_xfrm_keys)
{
	struct conf_diag d;
	struct config *cfg;
	const struct conf_conn *c;
	const struct conf_child *a, *b;

	EXPECT("err-xfrm.conf",
	       "err-xfrm.conf:8: 'if_id_in' = \"%same\": expected a number up to 0xffffffff, %unique or %unique-dir",
	       "err-xfrm.conf:10: 'mark_in' = \"0x1/0x2/0x3\": expected value[/mask] (numbers up to 0xffffffff), %unique or %unique-dir",
	       "err-xfrm.conf:10: 'mark_out' = \"%uniq\": expected value[/mask] (numbers up to 0xffffffff), %unique or %unique-dir",
	       "err-xfrm.conf:11: child 'b': set_mark_in = %same without a mark_in",
	       "err-xfrm.conf:12: 'priority' = 4294967296 out of range 0..4294967295",
	       "err-xfrm.conf:12: 'copy_dscp' = \"both\" is not one of: out, in, yes, no",
	       "err-xfrm.conf:12: 'copy_df' = \"maybe\" is not one of: no, yes",
	       "err-xfrm.conf:13: 'mark_in' must be within 0..4294967295",
	       "err-xfrm.conf:13: 'if_id_out' = \"0x100000000\": expected a number up to 0xffffffff, %unique or %unique-dir",
	       "err-xfrm.conf:13: 'set_mark_out' = \"5/x\": expected value[/mask] (numbers up to 0xffffffff), %unique or %unique-dir, or %same[/mask]");
	EXPECT("err-ports.conf",
	       "err-ports.conf:10: 'remote_port' = 70000 out of range 1..65535",
	       "err-ports.conf:13: connection 'd': local_port = 4500 is neither the global port (500) nor port_nat_t (4501), the ports ikedaemon listens on");
	cfg = load("good-xfrm.conf", &d);
	if (!cfg)
		dump(&d);
	ck_assert_ptr_nonnull(cfg);
	c = &cfg->conns[0];
	a = &c->children[0];
	b = &c->children[1];
	ck_assert_uint_eq(a->mark_in.value, 0x2a);
	ck_assert_uint_eq(a->mark_in.mask, 0xffffffff);
	ck_assert(a->mark_out.value == CONF_ID_UNIQUE_DIR && a->mark_out.mask == 0xff00);
	ck_assert(a->set_mark_in.value == CONF_ID_SAME && a->set_mark_in.mask == 0xff);
	ck_assert(a->set_mark_out.value == 7 && a->set_mark_out.mask == 0xffffffff);
	ck_assert(a->mark_in_sa && a->hostaccess && !a->copy_df && !a->copy_ecn);
	ck_assert_uint_eq(a->copy_dscp, CONF_DSCP_IN);
	ck_assert_uint_eq(a->priority, 1000);
	/* the child's own if_id_out wins, its if_id_in is the connection's */
	ck_assert_uint_eq(a->if_id_in, 9);
	ck_assert_uint_eq(a->if_id_out, 0xffffffff);
	ck_assert_uint_eq(b->if_id_in, 9);
	ck_assert_uint_eq(b->if_id_out, CONF_ID_UNIQUE);
	/* strongSwan's defaults */
	ck_assert(b->copy_df && b->copy_ecn && b->copy_dscp == CONF_DSCP_OUT && !b->hostaccess);
	ck_assert(!b->mark_in.mask && !b->mark_out.mask && !b->priority && !b->mark_in_sa);
	ck_assert_uint_eq(a->local_ts.v[0].ts.ip_proto, 6);
	ck_assert_uint_eq(a->local_ts.v[0].ts.start_port, 443);
	ck_assert_uint_eq(a->remote_ts.v[0].ts.start_port, 1024);
	ck_assert_uint_eq(a->remote_ts.v[0].ts.end_port, 65535);
	ck_assert_uint_eq(c->local_port, 4500);
	ck_assert_uint_eq(c->remote_port, 4500);
	config_free(cfg);
	conf_diag_free(&d);
}
END_TEST

START_TEST(test_proposals)
{
	EXPECT("err-proposals.conf",
	       "err-proposals.conf:7: 'proposals': unknown algorithm 'aes257' in proposal 'aes257-sha256-modp2048'",
	       "err-proposals.conf:9: 'esp_proposals': unknown algorithm 'prfsha256' in proposal 'aes128-prfsha256-sha256'");
}
END_TEST

START_TEST(test_syntax_error)
{
	EXPECT("err-syntax.conf", "err-syntax.conf:2: syntax error: syntax error");
}
END_TEST

START_TEST(test_error_in_include_names_that_file)
{
	EXPECT("err-include.conf",
	       "err-include.inc:3: unknown key 'pks' in a secret");
}
END_TEST

START_TEST(test_missing_file)
{
	EXPECT("does-not-exist.conf", "does-not-exist.conf:0: cannot open: No such file or directory");
}
END_TEST

/* A secrets file readable by others loads, with a warning naming it. */
START_TEST(test_world_readable_secrets_warn)
{
	char dir[] = "/tmp/ike-test-XXXXXX", conf[600], sec[600], want[700];
	struct conf_diag d;
	struct config *cfg;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/ike.conf", dir);
	snprintf(sec, sizeof(sec), "%s/ike.secrets", dir);
	f = fopen(conf, "w");
	fprintf(f, "global: { secrets_file = \"ike.secrets\"; };\n");
	fclose(f);
	f = fopen(sec, "w");
	fprintf(f, "\nsecrets: ( { id = \"x.example\"; psk = \"k\"; } );\n");
	fclose(f);
	chmod(sec, 0644);
	cfg = config_load(conf, &d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_uint_eq(d.nwarnings, 1);
	snprintf(want, sizeof(want),
		 "%s:2: warning: file holds secrets but is readable by group or others (mode 0644): chmod 600 it", sec);
	ck_assert_str_eq(d.warnings[0], want);
	config_free(cfg);
	conf_diag_free(&d);
	chmod(sec, 0600);
	cfg = config_load(conf, &d);
	ck_assert_uint_eq(d.nwarnings, 0);
	config_free(cfg);
	conf_diag_free(&d);
	unlink(sec);
	unlink(conf);
	rmdir(dir);
}
END_TEST

/* A secret of a pair of identities wins over each identity's own; the
 * other ids still find theirs; a pair named twice is refused. */
START_TEST(test_pair_secrets)
{
	static const char text[] =
		"secrets: ( { id = \"b.example\"; psk = \"key-of-b\"; },\n"
		"           { id = [\"a.example\", \"b.example\"]; psk = \"key-of-a-and-b\"; },\n"
		"           { id = [\"c.example\", \"d.example\"]; psk = \"key-of-c-and-d\"; } );\n";
	char dir[] = "/tmp/ike-test-XXXXXX", path[600];
	struct ident a, b, c, x;
	struct conf_diag d;
	struct config *cfg;
	const struct conf_psk *p;
	char err[128];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ike.conf", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
	cfg = config_load(path, &d);
	dump(&d);
	ck_assert_ptr_nonnull(cfg);
	ck_assert_int_eq(ident_parse(&a, "a.example", err, sizeof(err)), 0);
	ck_assert_int_eq(ident_parse(&b, "b.example", err, sizeof(err)), 0);
	ck_assert_int_eq(ident_parse(&c, "c.example", err, sizeof(err)), 0);
	ck_assert_int_eq(ident_parse(&x, "x.example", err, sizeof(err)), 0);
	p = config_find_psk(cfg, &a, &b);	/* both of the pair, either way round */
	ck_assert_mem_eq(p->key.ptr, "key-of-a-and-b", 14);
	p = config_find_psk(cfg, &b, &a);
	ck_assert_mem_eq(p->key.ptr, "key-of-a-and-b", 14);
	p = config_find_psk(cfg, &x, &b);	/* b's own key before a pair naming b */
	ck_assert_mem_eq(p->key.ptr, "key-of-b", 8);
	p = config_find_psk(cfg, &x, &c);	/* only a pair names c */
	ck_assert_mem_eq(p->key.ptr, "key-of-c-and-d", 14);
	ck_assert_ptr_null(config_find_psk(cfg, &x, &x));
	config_free(cfg);
	conf_diag_free(&d);

	f = fopen(path, "w");
	fputs("secrets: ( { id = [\"a.example\", \"b.example\"]; psk = \"k1\"; },\n"
	      "  { id = [\"b.example\", \"a.example\"]; psk = \"k2\"; },\n"
	      "  { id = [\"a.example\", \"a.example\"]; psk = \"k3\"; },\n"
	      "  { id = [\"a.example\"]; psk = \"k4\"; } );\n", f);
	fclose(f);
	ck_assert_ptr_null(config_load(path, &d));
	ck_assert_uint_eq(d.nerrors, 3);
	ck_assert_ptr_nonnull(strstr(d.errors[0], ":2: second secret for id \"b.example\" and "
					       "\"a.example\" (first at "));
	ck_assert_ptr_nonnull(strstr(d.errors[1], ":3: 'id': the pair names \"a.example\" twice"));
	ck_assert_ptr_nonnull(strstr(d.errors[2], ":4: 'id': one identity, or a list of two"));
	conf_diag_free(&d);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* EAP passwords (eap = ...) are found by EAP identity only, never as an
 * IKE PSK; the EAP settings a connection cannot use are errors. */
START_TEST(test_eap_secrets)
{
	static const char text[] =
		"secrets: ( { id = \"alice\"; eap = \"alice-pw\"; },\n"
		"           { id = \"alice\"; psk = \"alice-psk\"; },\n"
		"           { id = \"b.example\"; psk = \"key-of-b\"; } );\n"
		"connections: ( { name = \"gw\"; local_addrs = [\"192.0.2.1\"];\n"
		"  remote_addrs = [\"%any\"];\n"
		"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
		"  remote = { auth = \"eap-mschapv2\"; eap_id = \"%any\"; };\n"
		"  children = ( { name = \"c\"; local_ts = [\"10.0.0.0/8\"]; } ); } );\n";
	static const char bad[] =
		"secrets: ( { id = \"alice\"; eap = \"pw\"; psk = \"k\"; },\n"
		"           { id = \"bob\"; eap = \"\"; } );\n"
		"connections: ( { name = \"both\"; local_addrs = [\"192.0.2.1\"];\n"
		"  remote_addrs = [\"192.0.2.2\"];\n"
		"  local = { id = \"carol\"; auth = \"eap-md5\"; };\n"
		"  remote = { auth = \"eap-md5\"; };\n"
		"  children = ( { name = \"c\"; local_ts = [\"10.0.0.0/8\"]; } ); } );\n";
	char dir[] = "/tmp/ike-test-XXXXXX", path[600];
	struct ident alice;
	struct conf_diag d;
	struct config *cfg;
	const struct conf_psk *p;
	char err[128];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ike.conf", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	cfg = config_load(path, &d);
	ck_assert_msg(cfg != NULL, "%s", d.nerrors ? d.errors[0] : "?");
	ck_assert_uint_eq(cfg->conns[0].remote.auth, CONF_AUTH_EAP_MSCHAPV2);
	ck_assert_str_eq(cfg->conns[0].remote.eap_id, "%any");
	p = config_find_eap(cfg, "alice", 5);
	ck_assert_ptr_nonnull(p);
	ck_assert_mem_eq(p->key.ptr, "alice-pw", 8);
	ck_assert_ptr_null(config_find_eap(cfg, "b.example", 9));
	ck_assert_ptr_null(config_find_eap(cfg, "alic", 4));
	ck_assert_int_eq(ident_parse(&alice, "alice", err, sizeof(err)), 0);
	p = config_find_psk(cfg, &alice, &alice);
	ck_assert_mem_eq(p->key.ptr, "alice-psk", 9);
	config_free(cfg);
	conf_diag_free(&d);

	f = fopen(path, "w");
	fputs(bad, f);
	fclose(f);
	ck_assert_ptr_null(config_load(path, &d));
	ck_assert_uint_eq(d.nerrors, 4);
	ck_assert_ptr_nonnull(strstr(d.errors[0], ":1: a secret has either 'psk' or 'eap'"));
	ck_assert_ptr_nonnull(strstr(d.errors[1], ":2: 'eap' must be 1 to 256 bytes"));
	ck_assert_ptr_nonnull(strstr(d.errors[2], "EAP on both sides"));
	ck_assert_ptr_nonnull(strstr(d.errors[3], "no secret { id = \"carol\"; eap = ...; }"));
	conf_diag_free(&d);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* radius = { ... } and remote.auth = "eap-radius" (config_radius.c). */
static struct config *load_text(const char *text, struct conf_diag *d)
{
	char dir[] = "/tmp/ike-test-XXXXXX", path[600];
	struct config *cfg;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ike.conf", dir);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	cfg = config_load(path, d);
	unlink(path);
	rmdir(dir);
	return cfg;
}

START_TEST(test_radius)
{
	static const char conn[] =
		"secrets: ( { id = \"b.example\"; psk = \"key-of-b\"; } );\n"
		"connections: ( { name = \"gw\"; local_addrs = [\"192.0.2.1\"];\n"
		"  remote_addrs = [\"%any\"];\n"
		"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
		"  remote = { auth = \"eap-radius\"; eap_id = \"%any\"; };\n"
		"  children = ( { name = \"c\"; local_ts = [\"10.0.0.0/8\"]; } ); } );\n";
	char text[2048];
	struct conf_diag d;
	struct config *cfg;

	snprintf(text, sizeof(text), "radius: { servers = ( { address = \"127.0.0.1\"; "
		 "secret = \"s3cret\"; }, { address = \"::1\"; auth_port = 11812; "
		 "secret = \"other\"; } ); retransmit_timeout = 3.0; retransmit_tries = 2; "
		 "nas_identifier = \"gw-1\"; };\n%s", conn);
	cfg = load_text(text, &d);
	ck_assert_msg(cfg != NULL, "%s", d.nerrors ? d.errors[0] : "?");
	ck_assert_uint_eq(cfg->conns[0].remote.auth, CONF_AUTH_EAP_RADIUS);
	ck_assert_uint_eq(cfg->radius.nservers, 2);
	ck_assert_uint_eq(addr_port(&cfg->radius.servers[0].addr), 1812);
	ck_assert_uint_eq(addr_port(&cfg->radius.servers[1].addr), 11812);
	ck_assert_mem_eq(cfg->radius.servers[0].secret.ptr, "s3cret", 6);
	ck_assert(cfg->radius.retransmit_timeout == 3.0);
	ck_assert_uint_eq(cfg->radius.retransmit_tries, 2);
	ck_assert_str_eq(cfg->radius.nas_identifier, "gw-1");
	config_free(cfg);
	conf_diag_free(&d);
	/* the secret from a file: its first line */
	{
		char sdir[] = "/tmp/ike-test-XXXXXX", spath[600];
		FILE *f;

		ck_assert_ptr_nonnull(mkdtemp(sdir));
		snprintf(spath, sizeof(spath), "%s/radius.secret", sdir);
		f = fopen(spath, "w");
		fputs("from-a-file\nsecond line\n", f);
		fclose(f);
		chmod(spath, 0600);
		snprintf(text, sizeof(text), "radius: { servers = ( { address = \"127.0.0.1\"; "
			 "secret_file = \"%s\"; } ); };\n%s", spath, conn);
		cfg = load_text(text, &d);
		ck_assert_msg(cfg != NULL, "%s", d.nerrors ? d.errors[0] : "?");
		ck_assert_uint_eq(cfg->radius.servers[0].secret.len, 11);
		ck_assert_mem_eq(cfg->radius.servers[0].secret.ptr, "from-a-file", 11);
		for (size_t i = 0; i < d.nwarnings; i++)	/* mode 0600: no warning of it */
			ck_assert_ptr_null(strstr(d.warnings[i], "secret_file"));
		config_free(cfg);
		conf_diag_free(&d);
		chmod(spath, 0644);
		cfg = load_text(text, &d);
		ck_assert_ptr_nonnull(cfg);
		ck_assert_uint_ge(d.nwarnings, 1);
		ck_assert_ptr_nonnull(strstr(d.warnings[0], "secret_file"));
		config_free(cfg);
		conf_diag_free(&d);
		unlink(spath);
		rmdir(sdir);
	}
	/* no servers for an eap-radius connection */
	ck_assert_ptr_null(load_text(conn, &d));
	ck_assert_ptr_nonnull(strstr(d.errors[0], "remote auth = eap-radius but no radius"));
	conf_diag_free(&d);
	/* a host name, and a server without a secret */
	snprintf(text, sizeof(text), "radius: { servers = ( { address = \"radius.example\"; "
		 "secret = \"x\"; } ); };\n%s", conn);
	ck_assert_ptr_null(load_text(text, &d));
	ck_assert_ptr_nonnull(strstr(d.errors[0], "IPv4 or IPv6 literal"));
	conf_diag_free(&d);
	snprintf(text, sizeof(text), "radius: { servers = ( { address = \"127.0.0.1\"; } ); };"
		 "\n%s", conn);
	ck_assert_ptr_null(load_text(text, &d));
	ck_assert_ptr_nonnull(strstr(d.errors[0], "needs 'secret' or 'secret_file'"));
	conf_diag_free(&d);
}
END_TEST

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

/* Loads DIR/ike.conf; expects exactly the one error want. */
static void expect_one_error_in(const char *dir, const char *want)
{
	char conf[600];
	struct conf_diag d;
	struct config *cfg;

	snprintf(conf, sizeof(conf), "%s/ike.conf", dir);
	cfg = config_load(conf, &d);
	if (d.nerrors != 1)
		dump(&d);
	ck_assert_ptr_null(cfg);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert_str_eq(d.errors[0], want);
	conf_diag_free(&d);
}

/*
 * libconfig's scanner exit()s on an @include of a directory and fopen()
 * blocks on a FIFO: both are refused before libconfig reads anything,
 * naming the @include's file:line.  (A FIFO that blocked would time the
 * test out.)
 */
START_TEST(test_include_targets_must_be_regular_files)
{
	char dir[] = "/tmp/ike-test-XXXXXX", path[600], want[1400];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sub", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);

	write_file(dir, "ike.conf", "global: { };\n  @include \"sub\"\n");
	snprintf(want, sizeof(want), "%s/ike.conf:2: @include %s/sub is a directory, not a regular file",
		 dir, dir);
	expect_one_error_in(dir, want);

	/* Nested: the inner file's line is named; a commented-out include is not read. */
	write_file(dir, "inner.inc", "/* @include \"sub\"\n*/\n\n@include \"fifo\"\n");
	write_file(dir, "ike.conf", "@include \"inner.inc\"\n");
	snprintf(want, sizeof(want), "%s/inner.inc:4: @include %s/fifo is a FIFO, not a regular file",
		 dir, dir);
	expect_one_error_in(dir, want);

	/* The secrets file, and the configuration file itself. */
	write_file(dir, "ike.conf", "global: { secrets_file = \"fifo\"; };\n");
	snprintf(want, sizeof(want), "%s/fifo:0: a FIFO, not a regular file", dir);
	expect_one_error_in(dir, want);
	snprintf(path, sizeof(path), "%s/ike.conf", dir);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	snprintf(want, sizeof(want), "%s/ike.conf:0: a FIFO, not a regular file", dir);
	expect_one_error_in(dir, want);

	unlink(path);
	snprintf(path, sizeof(path), "%s/inner.inc", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

/* Control bytes quoted from the file are escaped in the message. */
START_TEST(test_errors_escape_control_bytes)
{
	char dir[] = "/tmp/ike-test-XXXXXX", path[600];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "ike.conf", "connections: ( { name = \"a\\nb\\x1b\"; } );\n");
	snprintf(path, sizeof(path), "%s/ike.conf", dir);
	{
		struct conf_diag d;
		struct config *cfg = config_load(path, &d);
		size_t i;

		ck_assert_ptr_null(cfg);
		ck_assert_uint_ge(d.nerrors, 1);
		for (i = 0; i < d.nerrors; i++) {
			ck_assert_ptr_null(strchr(d.errors[i], '\n'));
			ck_assert_ptr_null(strchr(d.errors[i], '\033'));
		}
		ck_assert_ptr_nonnull(strstr(d.errors[0], "a\\x0ab\\x1b"));
		conf_diag_free(&d);
	}
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");

	tcase_add_loop_test(tc, test_good_fixtures_load, 0, sizeof(good_files) / sizeof(good_files[0]));
	tcase_add_test(tc, test_example_etc_loads);
	tcase_add_test(tc, test_full_values);
	tcase_add_test(tc, test_unknown_keys);
	tcase_add_test(tc, test_wrong_types);
	tcase_add_test(tc, test_selectors);
	tcase_add_test(tc, test_secrets_errors);
	tcase_add_test(tc, test_redirect_errors);
	tcase_add_test(tc, test_pool_errors);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_xfrm_keys);
	tcase_add_test(tc, test_proposals);
	tcase_add_test(tc, test_syntax_error);
	tcase_add_test(tc, test_error_in_include_names_that_file);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_world_readable_secrets_warn);
	tcase_add_test(tc, test_pair_secrets);
	tcase_add_test(tc, test_eap_secrets);
	tcase_add_test(tc, test_radius);
	tcase_add_test(tc, test_include_targets_must_be_regular_files);
	tcase_add_test(tc, test_errors_escape_control_bytes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(config_suite());
}

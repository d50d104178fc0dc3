/*
 * IKEv2 redirect (RFC 5685) between three engines on the virtual clock:
 * a client (192.0.2.1), gateway A (192.0.2.2, the one the client is
 * configured for) and gateway B (192.0.2.3).  Redirects in IKE_SA_INIT,
 * in IKE_AUTH (the response re-sealed with A's keys and a REDIRECT added),
 * of an established SA (engine_redirect, what ikectl redirect calls), loop
 * protection, and the bad input of issue 16: a malformed or looping
 * gateway, a wrong nonce, a REDIRECT the client never announced support
 * for, an unauthenticated REDIRECT.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/codec/redirect.h"
#include "engine/badinput.h"
#include "engine/pair.h"

#define CL	PAIR_A
#define GA	PAIR_B
#define GB	PAIR_C

#define SECRETS \
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; },\n" \
	"           { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"

#define CLIENT(global) global SECRETS \
	"connections: ( { name = \"ab\";\n" \
	"  local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n" \
	"  local = { id = \"a.example\"; auth = \"psk\"; };\n" \
	"  remote = { id = \"b.example\"; auth = \"psk\"; };\n" \
	"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n" \
	"                 remote_ts = [\"10.2.0.0/16\"]; } ); } );\n"

#define GATEWAY(addr, extra) SECRETS \
	"connections: ( { name = \"ba\";\n" \
	"  local_addrs = [\"" addr "\"]; remote_addrs = [\"%any\"];\n" extra \
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n" \
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n" \
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n" \
	"                 remote_ts = [\"10.1.0.0/16\"]; } ); } );\n"

static const char conf_client[] = CLIENT("");
static const char conf_client_nofollow[] = CLIENT("global: { follow_redirects = false; };\n");
static const char conf_ga_plain[] = GATEWAY("192.0.2.2", "");
static const char conf_ga_redirect[] = GATEWAY("192.0.2.2", "  redirect_to = \"192.0.2.3\";\n");
static const char conf_gb_plain[] = GATEWAY("192.0.2.3", "");
static const char conf_gb_back[] = GATEWAY("192.0.2.3", "  redirect_to = \"192.0.2.2\";\n");

static struct pair P;

static const struct engine_stats *st(int side)
{
	return &P.peer[side].e->stats;
}

static int host_is(const struct addr *a, const char *s)
{
	struct addr b;

	ck_assert_int_eq(addr_parse(&b, s, 0), 0);
	return addr_eq_host(a, &b);
}

/* The client's one IKE SA is established with the gateway at side gw. */
static int client_up_with(int gw)
{
	struct ike_sa *c = pair_sa(&P, CL), *g = pair_sa(&P, gw);
	static const char *const addrs[] = { "192.0.2.1", "192.0.2.2", "192.0.2.3" };

	return c && g && !c->next && c->state == IKE_SA_ESTABLISHED &&
	       g->state == IKE_SA_ESTABLISHED && host_is(&c->remote, addrs[gw]) &&
	       c->children && c->children->state == CHILD_SA_INSTALLED;
}

static int up_with_b(struct pair *p) { (void)p; return client_up_with(GB); }
static int up_with_a(struct pair *p) { (void)p; return client_up_with(GA); }

/* What the client's IKE_SA_INIT requests carried, as they were sent. */
struct seen {
	unsigned init_to_a, init_to_b, supported, from_a;
	unsigned redirects_from_a;	/* IKE_SA_INIT responses with REDIRECT */
	int nonce_echoed;
};
static struct seen S;

static int on_send(struct pair *p, struct pair_pkt *q, void *arg)
{
	const struct ike_msg *m;
	const struct ike_pl_notify *n;
	struct redirect_gw gw;
	struct ike_slice nonce;
	char why[128];
	uint8_t ours[32];

	(void)p;
	(void)arg;
	m = bi_decode(q, NULL);
	if (m->hdr.exchange != IKE_SA_INIT)
		return 0;
	if (q->from == CL) {
		if (host_is(&q->dst, "192.0.2.2"))
			S.init_to_a++;
		else
			S.init_to_b++;
		S.supported += ike_msg_notify(m, N_REDIRECT_SUPPORTED) != NULL;
		if ((n = ike_msg_notify(m, N_REDIRECTED_FROM))) {
			ck_assert_int_eq(redirect_decode(REDIRECT_FORM_FROM, &n->data, &gw, &nonce,
							 why, sizeof(why)), 0);
			ck_assert_uint_eq(gw.type, REDIRECT_GW_IPV4);
			ck_assert_uint_eq(gw.len, 4);
			/* the gateway that redirected us, never the one we go to */
			ck_assert_int_ne(gw.id[3], host_is(&q->dst, "192.0.2.2") ? 2 : 3);
			/* REDIRECTED_FROM replaces REDIRECT_SUPPORTED */
			ck_assert_ptr_null(ike_msg_notify(m, N_REDIRECT_SUPPORTED));
			S.from_a += gw.id[3] == 2;
		}
	} else if (q->from == GA && (n = ike_msg_notify(m, N_REDIRECT))) {
		ck_assert_int_eq(redirect_decode(REDIRECT_FORM_NONCE, &n->data, &gw, &nonce, why,
						 sizeof(why)), 0);
		memset(ours, 0xa0 + CL, sizeof(ours));	/* the pair's fixed nonce */
		S.nonce_echoed = nonce.len == sizeof(ours) && !memcmp(nonce.p, ours, nonce.len);
		S.redirects_from_a++;
	}
	return 0;
}

/* The client's events that report a failure (ikectl initiate would fail). */
static unsigned failures;

static void on_event(const struct engine_event *ev, void *arg)
{
	(void)arg;
	if (ev->reason)
		failures++;
}

static void setup(const char *client, const char *ga, const char *gb)
{
	memset(&S, 0, sizeof(S));
	failures = 0;
	pair_setup3(&P, client, ga, gb);
	engine_set_event_cb(P.peer[CL].e, on_event, NULL);
	P.on_send = on_send;
	bi_log_capture();
	if (getenv("REDIRECT_LOG"))	/* debugging: the log on stderr instead */
		log_set_sink(NULL, NULL);
}

static void teardown(void)
{
	log_set_sink(NULL, NULL);
	pair_free(&P);
}

START_TEST(test_init_redirect)
{
	setup(conf_client, conf_ga_redirect, conf_gb_plain);
	pair_initiate(&P);
	ck_assert(pair_run(&P, 2000, up_with_b));
	ck_assert_uint_eq(pair_nsas(&P, GA), 0);	/* A kept no state (RFC 5685 4) */
	ck_assert_uint_eq(S.init_to_a, 1);
	ck_assert_uint_eq(S.redirects_from_a, 1);
	ck_assert(S.nonce_echoed);
	ck_assert_uint_eq(S.init_to_b, 1);
	ck_assert_uint_eq(S.from_a, 1);
	ck_assert_uint_eq(S.supported, 1);
	ck_assert_uint_eq(failures, 0);		/* a redirect is no failure */
	ck_assert_uint_eq(st(GA)->redirects_sent, 1);
	ck_assert_uint_eq(st(CL)->redirects_followed, 1);
	ck_assert_uint_eq(st(CL)->redirects_refused, 0);
	teardown();
}
END_TEST

/* A client without follow_redirects announces nothing and is served. */
START_TEST(test_init_not_announced)
{
	size_t mark;

	setup(conf_client_nofollow, conf_ga_redirect, conf_gb_plain);
	mark = bi_log_mark();
	pair_initiate(&P);
	ck_assert(pair_run(&P, 2000, up_with_a));
	ck_assert_uint_eq(S.supported, 0);
	ck_assert_uint_eq(S.redirects_from_a, 0);
	ck_assert_uint_eq(pair_nsas(&P, GB), 0);
	ck_assert_uint_ge(bi_logged(mark, "sent no REDIRECT_SUPPORTED"), 1);
	teardown();
}
END_TEST

/* A -> B -> A -> ...: five redirects are followed, the sixth ends it. */
START_TEST(test_loop_protection)
{
	size_t mark;

	setup(conf_client, conf_ga_redirect, conf_gb_back);
	mark = bi_log_mark();
	pair_initiate(&P);
	pair_run(&P, 5000, NULL);
	ck_assert_uint_eq(pair_nsas(&P, CL), 0);
	ck_assert_uint_eq(pair_nsas(&P, GA), 0);
	ck_assert_uint_eq(pair_nsas(&P, GB), 0);
	/* the first request plus one per redirect followed */
	ck_assert_uint_eq(S.init_to_a + S.init_to_b, 1 + REDIRECT_MAX);
	ck_assert_uint_eq(bi_logged(mark, "redirects in 300 s already"), 1);
	ck_assert_uint_ge(failures, 1);		/* the loop is one: REDIRECT */
	/* after the window the connection may be redirected again */
	loop_advance_ms(P.loop, REDIRECT_WINDOW_MS);
	pair_reload(&P, GB, conf_gb_plain);
	pair_initiate(&P);
	ck_assert(pair_run(&P, 2000, up_with_b));
	teardown();
}
END_TEST

/* ---- forged IKE_SA_INIT responses (unauthenticated) ---- */

/* An IKE_SA_INIT response to the client's request carrying one REDIRECT. */
static void inject_init_redirect(const uint8_t *data, size_t dlen)
{
	struct ike_sa *sa = pair_sa(&P, CL);
	uint8_t body[600], chain[700], pkt[800];
	struct bi_pl pl = { PL_NOTIFY, 0, body, 0, 0, 0 };
	struct ike_hdr h;
	struct addr from, to;
	uint8_t first;
	size_t clen, len;

	ck_assert_ptr_nonnull(sa);
	pl.len = bi_notify_body(PROTO_NONE, N_REDIRECT, NULL, 0, data, dlen, body, sizeof(body));
	clen = bi_chain(&pl, 1, chain, sizeof(chain), &first);
	bi_hdr(&h, sa->entry.spi_i, 0, IKE_SA_INIT, IKE_FLAG_RESPONSE, 0);
	len = bi_msg(&h, chain, clen, first, pkt, sizeof(pkt));
	ck_assert_int_eq(addr_parse(&from, "192.0.2.2", 500), 0);
	ck_assert_int_eq(addr_parse(&to, "192.0.2.1", 500), 0);
	engine_packet_in(P.peer[CL].e, pkt, len, &to, &from, 0);
}

static size_t redirect_data(const char *gw, const uint8_t *nonce, size_t nlen, uint8_t *out,
			    size_t size)
{
	struct redirect_gw g;
	struct wr w;

	ck_assert_int_eq(redirect_gw_parse(gw, &g), 0);
	wr_init(&w, out, size);
	redirect_encode(&w, &g, nonce, nlen);
	ck_assert(wr_ok(&w));
	return wr_len(&w);
}

struct forged {
	const char *what;
	uint8_t data[300];
	size_t len;		/* 0: redirect_data(gw, nonce) */
	const char *gw;
	uint8_t nonce_byte;
	const char *log;
};

static const struct forged forged[] = {
	{ "wrong nonce", { 0 }, 0, "192.0.2.3", 0x55, "a nonce that is not ours" },
	{ "to A itself", { 0 }, 0, "192.0.2.2", 0xa0, "a loop (the redirecting gateway" },
	{ "to our own address", { 0 }, 0, "192.0.2.1", 0xa0, "a loop (our own address" },
	{ "to 0.0.0.0", { 0 }, 0, "0.0.0.0", 0xa0, "not a usable address" },
	{ "to an FQDN", { 0 }, 0, "gw2.example.net", 0xa0, "FQDN gateways are not resolved" },
	{ "IPv4 of 5 bytes", { 1, 5, 192, 0, 2, 3, 9 }, 7, NULL, 0, "GW Ident Len 5" },
	{ "unknown type", { 9, 4, 192, 0, 2, 3 }, 6, NULL, 0, "unknown GW Ident Type 9" },
	{ "length past the end", { 3, 200, 'g', 'w' }, 4, NULL, 0, "but 2 bytes follow" },
	{ "FQDN with a NUL", { 3, 3, 'g', 0, 'w' }, 5, NULL, 0, "not a host name" },
	{ "no nonce", { 1, 4, 192, 0, 2, 3 }, 6, NULL, 0, "Nonce Data of 0 bytes" },
	{ "one byte", { 1 }, 1, NULL, 0, "fewer than the 2-byte header" },
};

START_TEST(test_init_forged)
{
	const struct forged *f = &forged[_i];
	uint8_t data[400], nonce[32];
	size_t len = f->len, mark;

	setup(conf_client, conf_ga_plain, conf_gb_plain);
	mark = bi_log_mark();
	pair_initiate(&P);
	if (len) {
		memcpy(data, f->data, len);
	} else {
		memset(nonce, f->nonce_byte, sizeof(nonce));
		len = redirect_data(f->gw, nonce, sizeof(nonce), data, sizeof(data));
	}
	/* before A's real answer: refused, nothing changes, A's answer wins */
	inject_init_redirect(data, len);
	ck_assert_msg(bi_logged(mark, f->log) >= 1, "%s: no log line with \"%s\"", f->what,
		      f->log);
	ck_assert_uint_eq(pair_nsas(&P, CL), 1);
	ck_assert_int_eq(pair_sa(&P, CL)->state, IKE_SA_INIT_SENT);
	ck_assert_uint_eq(st(CL)->redirects_refused, 1);
	ck_assert_uint_eq(st(CL)->redirects_followed, 0);
	ck_assert(pair_run(&P, 2000, up_with_a));
	ck_assert_uint_eq(S.init_to_b, 0);
	teardown();
}
END_TEST

/* ---- IKE_AUTH: A's response re-sealed with a REDIRECT added ---- */

static const char *auth_gw;
static int auth_keep_child;
static int auth_done;

static int add_redirect_to_auth(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct ike_sa *ga = pair_sa(p, GA), *cl = pair_sa(p, CL);
	struct bi_pl v[IKE_MAX_PAYLOADS + 1];
	uint8_t bodies[IKE_MAX_PAYLOADS + 1][1024], chain[8192], pkt[BI_MSG_MAX], data[300];
	const struct ike_msg *m;
	struct ike_hdr h;
	size_t n = 0, clen, len;
	uint8_t first;

	(void)arg;
	if (auth_done || q->from != GA || !ga || !cl)
		return 0;
	m = bi_decode(q, &cl->sk_in);
	if (m->hdr.exchange != IKE_AUTH || !(m->hdr.flags & IKE_FLAG_RESPONSE))
		return 0;
	auth_done = 1;
	h = m->hdr;
	for (size_t i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];

		if (!pl->in_sk)
			continue;
		if (!auth_keep_child &&
		    (pl->type == PL_SA || pl->type == PL_TSI || pl->type == PL_TSR))
			continue;	/* RFC 5685 6: no CHILD SA with a REDIRECT */
		memset(&v[n], 0, sizeof(v[n]));
		v[n].type = pl->type;
		v[n].body = bodies[n];
		v[n].len = bi_body(pl, bodies[n], sizeof(bodies[n]));
		n++;
	}
	memset(&v[n], 0, sizeof(v[n]));
	v[n].type = PL_NOTIFY;
	v[n].body = bodies[n];
	v[n].len = bi_notify_body(PROTO_NONE, N_REDIRECT, NULL, 0, data,
				  redirect_data(auth_gw, NULL, 0, data, sizeof(data)),
				  bodies[n], sizeof(bodies[n]));
	n++;
	clen = bi_chain(v, n, chain, sizeof(chain), &first);
	len = bi_seal(&h, &ga->sk_out, chain, clen, first, pkt, sizeof(pkt));
	engine_packet_in(p->peer[CL].e, pkt, len, &q->dst, &q->src, 0);
	return 1;	/* the original is dropped */
}

static void auth_setup(const char *client, const char *gw, int keep_child)
{
	setup(client, conf_ga_plain, conf_gb_plain);
	auth_gw = gw;
	auth_keep_child = keep_child;
	auth_done = 0;
	P.filter = add_redirect_to_auth;
}

START_TEST(test_auth_redirect)
{
	size_t mark;

	auth_setup(conf_client, "192.0.2.3", 0);
	mark = bi_log_mark();
	pair_initiate(&P);
	ck_assert(pair_run(&P, 2000, up_with_b));
	ck_assert(auth_done);
	/* the old IKE SA was deleted at A (a DELETE, answered) */
	ck_assert_uint_eq(pair_nsas(&P, GA), 0);
	ck_assert_uint_eq(S.from_a, 1);
	ck_assert_uint_ge(bi_logged(mark, "redirected from 192.0.2.2, initiating to 192.0.2.3"), 1);
	ck_assert_uint_eq(failures, 0);
	teardown();
}
END_TEST

/* RFC 5685 6 as gateway: IKE_SA_INIT selects "other" by address (no
 * redirect), the client's identity then selects "ba", whose redirect_to
 * answers IKE_AUTH with a REDIRECT and no CHILD SA. */
START_TEST(test_auth_gateway)
{
	static const char ga[] = SECRETS
		"connections: ( { name = \"other\";\n"
		"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
		"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
		"  remote = { id = \"c.example\"; auth = \"psk\"; };\n"
		"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
		"                 remote_ts = [\"10.1.0.0/16\"]; } ); },\n"
		"  { name = \"ba\"; redirect_to = \"192.0.2.3\";\n"
		"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
		"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
		"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
		"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
		"                 remote_ts = [\"10.1.0.0/16\"]; } ); } );\n";
	size_t mark;

	setup(conf_client, ga, conf_gb_plain);
	mark = bi_log_mark();
	pair_initiate(&P);
	ck_assert(pair_run(&P, 2000, up_with_b));
	ck_assert_uint_eq(S.redirects_from_a, 0);	/* not in IKE_SA_INIT */
	ck_assert_uint_ge(bi_logged(mark, "client authenticated, redirected to 192.0.2.3 in "
				    "IKE_AUTH"), 1);
	ck_assert_uint_eq(pair_nsas(&P, GA), 0);	/* the client deleted it */
	ck_assert_uint_eq(st(GA)->redirects_sent, 1);
	ck_assert_uint_eq(st(CL)->redirects_followed, 1);
	ck_assert_uint_eq(S.from_a, 1);
	ck_assert_uint_eq(failures, 0);
	teardown();
}
END_TEST

/* Bad input in an authenticated IKE_AUTH response: a REDIRECT we never
 * announced support for, one to a looping or unresolvable gateway.  The
 * IKE SA and its CHILD SA come up with A as if it were not there. */
static const struct {
	const char *client, *gw, *log;
} auth_bad[] = {
	{ conf_client_nofollow, "192.0.2.3",
	  "REDIRECT in IKE_AUTH ignored: we sent no REDIRECT_SUPPORTED" },
	{ conf_client, "192.0.2.2", "a loop (the redirecting gateway" },
	{ conf_client, "gw2.example.net", "FQDN gateways are not resolved" },
};

START_TEST(test_auth_bad)
{
	size_t mark;

	auth_setup(auth_bad[_i].client, auth_bad[_i].gw, 1);
	mark = bi_log_mark();
	pair_initiate(&P);
	ck_assert(pair_run(&P, 2000, up_with_a));
	ck_assert(auth_done);
	ck_assert_uint_eq(pair_nsas(&P, GB), 0);
	ck_assert_uint_ge(bi_logged(mark, auth_bad[_i].log), 1);
	ck_assert_uint_eq(st(CL)->redirects_refused, 1);
	teardown();
}
END_TEST

/* ---- an established IKE SA (RFC 5685 5), the ikectl redirect path ---- */

START_TEST(test_established_redirect)
{
	char err[256];
	size_t mark;

	setup(conf_client, conf_ga_plain, conf_gb_plain);
	pair_initiate(&P);
	ck_assert(pair_run(&P, 2000, up_with_a));
	mark = bi_log_mark();
	/* errors first: unknown SA, bad gateway; nothing is sent */
	ck_assert_int_eq(engine_redirect(P.peer[GA].e, NULL, 999, "192.0.2.3", err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "no IKE SA with id 999"));
	ck_assert_int_eq(engine_redirect(P.peer[GA].e, "ba", 0, "bad host!", err, sizeof(err)),
			 -1);
	ck_assert_uint_eq(pair_queued(&P), 0);
	ck_assert_int_eq(engine_redirect(P.peer[GA].e, "ba", 0, "192.0.2.3", err, sizeof(err)),
			 1);
	ck_assert(pair_run(&P, 2000, up_with_b));
	ck_assert_uint_eq(pair_nsas(&P, GA), 0);
	ck_assert_uint_eq(S.from_a, 1);
	ck_assert_uint_ge(bi_logged(mark, "the client acknowledged the REDIRECT"), 1);
	ck_assert_uint_eq(st(GA)->redirects_sent, 1);
	ck_assert_uint_eq(st(CL)->redirects_followed, 1);
	teardown();
}
END_TEST

/* Bad input: the gateway's REDIRECT to an FQDN is refused (no resolver on
 * the loop), the SA stays; an initiator-sent REDIRECT is ignored. */
START_TEST(test_established_refused)
{
	char err[256];
	size_t mark;
	struct ike_sa *c;

	setup(conf_client, conf_ga_plain, conf_gb_plain);
	pair_initiate(&P);
	ck_assert(pair_run(&P, 2000, up_with_a));
	c = pair_sa(&P, CL);
	mark = bi_log_mark();
	ck_assert_int_eq(engine_redirect(P.peer[GA].e, "ba", 0, "gw2.example.net", err,
					 sizeof(err)), 1);
	pair_run(&P, 1000, NULL);
	ck_assert(client_up_with(GA));
	ck_assert_ptr_eq(pair_sa(&P, CL), c);
	ck_assert_uint_ge(bi_logged(mark, "FQDN gateways are not resolved"), 1);
	/* the client's SA as "gateway": the client never announced support */
	ck_assert_int_eq(engine_redirect(P.peer[CL].e, "ab", 0, "192.0.2.3", err, sizeof(err)),
			 -1);
	ck_assert_int_eq(engine_redirect(P.peer[CL].e, NULL, c->id, "192.0.2.3", err,
					 sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "sent no REDIRECT_SUPPORTED"));
	teardown();
}
END_TEST

/* The global rule: above N IKE SAs, new IKE_SA_INITs are redirected. */
START_TEST(test_global_above)
{
	static const char ga[] = "global: { redirect = { above = 1; to = \"192.0.2.3\"; }; };\n"
		GATEWAY("192.0.2.2", "");
	char err[256];

	setup(conf_client, ga, conf_gb_plain);
	pair_initiate(&P);	/* A holds no IKE SA yet: served */
	ck_assert(pair_run(&P, 2000, up_with_a));
	ck_assert_uint_eq(S.redirects_from_a, 0);
	/* a second IKE SA of the client: A holds one, so it goes to B */
	ck_assert_int_eq(engine_initiate_ike(P.peer[CL].e, "ab", err, sizeof(err)), 0);
	pair_run(&P, 2000, NULL);
	ck_assert_uint_eq(S.redirects_from_a, 1);
	ck_assert_uint_eq(pair_nsas(&P, GA), 1);
	ck_assert_uint_eq(pair_nsas(&P, GB), 1);
	ck_assert_int_eq(pair_sa(&P, GB)->state, IKE_SA_ESTABLISHED);
	teardown();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("redirect");
	TCase *tc = tcase_create("rfc5685");

	tcase_add_test(tc, test_init_redirect);
	tcase_add_test(tc, test_init_not_announced);
	tcase_add_test(tc, test_loop_protection);
	tcase_add_loop_test(tc, test_init_forged, 0, (int)(sizeof(forged) / sizeof(forged[0])));
	tcase_add_test(tc, test_auth_redirect);
	tcase_add_test(tc, test_auth_gateway);
	tcase_add_loop_test(tc, test_auth_bad, 0, (int)(sizeof(auth_bad) / sizeof(auth_bad[0])));
	tcase_add_test(tc, test_established_redirect);
	tcase_add_test(tc, test_established_refused);
	tcase_add_test(tc, test_global_above);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return pair_main(suite());
}

/*
 * IKE fragmentation (RFC 7383) between two engines (pair.h, badinput.h):
 * negotiation, fragment_size at every size around the boundary, reordered,
 * duplicated and lost fragments, a certificate IKE_AUTH in 400-byte
 * datagrams, and BAD-INPUT 31: fragment number 0 or above the total, a
 * changed total, too many fragments or bytes, a bad ICV, fragments before
 * negotiation and in IKE_SA_INIT.  Each bad case ends with the legitimate
 * exchange completing.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"
#include "badinput.h"
#include "pkifiles.h"

#define IP_UDP	28	/* IPv4 + UDP in front of every IKE message here */

static struct engine_stats *st(int side)
{
	return &bi_e(side)->stats;
}

/* "global = { fragment_size = fs; }" (0: none) and extra connection keys. */
static char *conf_with(const char *base, unsigned fs, const char *conn_keys)
{
	const char *name = base == pair_conf_a ? "  name = \"ab\";\n" : "  name = \"ba\";\n";
	char *keys = NULL, *sub, *out = NULL;

	ck_assert_int_ge(asprintf(&keys, "%s  %s\n", name, conn_keys ? conn_keys : ""), 0);
	sub = pair_conf_sub(base, name, keys);
	if (fs)
		ck_assert_int_ge(asprintf(&out, "global = { fragment_size = %u; };\n%s", fs, sub), 0);
	else
		out = strdup(sub);
	free(keys);
	free(sub);
	return out;
}

static void begin(unsigned fs_a, const char *keys_a, unsigned fs_b, const char *keys_b)
{
	char *a = conf_with(pair_conf_a, fs_a, keys_a), *b = conf_with(pair_conf_b, fs_b, keys_b);

	bi_begin(a, b);
	free(a);
	free(b);
}

START_TEST(negotiation)
{
	static const struct {
		const char *a, *b;
		int ok;
	} rows[] = {
		{ NULL, NULL, 1 },
		{ "fragmentation = \"force\";", "fragmentation = \"yes\";", 1 },
		{ "fragmentation = \"no\";", NULL, 0 },
		{ NULL, "fragmentation = \"no\";", 0 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		begin(0, rows[i].a, 0, rows[i].b);
		bi_establish();
		ck_assert_int_eq(pair_sa(&BI, PAIR_A)->frag_ok, rows[i].ok);
		ck_assert_int_eq(pair_sa(&BI, PAIR_B)->frag_ok, rows[i].ok);
		bi_end();
	}
}
END_TEST

/* The largest datagram A sent after IKE_SA_INIT, and whether any was a
 * fragment. */
struct sizes {
	size_t max_len;
	unsigned skf;
	int both;		/* B's datagrams too */
};

static int on_send(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct sizes *s = arg;

	(void)p;
	if (q->len < IKE_HDR_LEN || q->data[18] == IKE_SA_INIT || (q->from != PAIR_A && !s->both))
		return 0;
	if (q->len > s->max_len)
		s->max_len = q->len;
	s->skf += q->data[16] == PL_SKF;
	return 0;
}

/* The unfragmented IKE_AUTH request and response of the default pair. */
static void auth_sizes(size_t *req, size_t *resp)
{
	struct sizes sa = { 0, 0, 1 };

	begin(0, NULL, 0, NULL);
	BI.on_send = on_send;
	BI.on_send_arg = &sa;
	pair_initiate(&BI);
	ck_assert_uint_eq(pair_pump(&BI, 2), 2);
	*req = sa.max_len;
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	*resp = sa.max_len;
	bi_end();
}

/* Every fragment_size from well below the message to just above it: split
 * exactly when the datagram would be bigger, no datagram above it. */
START_TEST(boundary)
{
	size_t req, resp, lo;

	auth_sizes(&req, &resp);
	ck_assert_uint_gt(req + IP_UDP, 256);	/* fragments possible at the low end */
	lo = req + IP_UDP > 256 + 80 ? req + IP_UDP - 80 : 256;
	for (size_t fs = lo; fs <= req + IP_UDP + 2; fs++) {
		struct sizes s = { 0, 0, 0 };

		begin((unsigned)fs, NULL, 0, NULL);
		BI.on_send = on_send;
		BI.on_send_arg = &s;
		pair_initiate(&BI);
		ck_assert_uint_eq(pair_pump(&BI, 2), 2);	/* IKE_SA_INIT */
		pair_pump(&BI, 0);
		ck_assert_msg(pair_established(&BI), "fragment_size %zu: not established", fs);
		ck_assert_uint_eq(st(PAIR_A)->frag_msgs_out, req + IP_UDP > fs);
		ck_assert_uint_eq(st(PAIR_B)->frag_msgs_in, req + IP_UDP > fs);
		ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 0);
		ck_assert_msg(s.max_len + IP_UDP <= fs || !s.skf,
			      "fragment_size %zu: a datagram of %zu", fs, s.max_len + IP_UDP);
		ck_assert_uint_eq(st(PAIR_A)->frags_out, s.skf);
		bi_end();
	}
}
END_TEST

/* What comes before the IKE header: IPv4 20 or IPv6 40, UDP 8, the
 * non-ESP marker 4 on port 4500; never in IKE_SA_INIT, never before
 * negotiation. */
START_TEST(overhead)
{
	static const struct {
		const char *remote;
		int natt;
		size_t hdrs;
	} rows[] = {
		{ "192.0.2.2", 0, 28 }, { "192.0.2.2", 1, 32 },
		{ "2001:db8::2", 0, 48 }, { "2001:db8::2", 1, 52 },
	};
	struct ike_sa *sa;

	begin(0, NULL, 0, NULL);
	bi_establish();
	sa = pair_sa(&BI, PAIR_A);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t fit = CONF_FRAGMENT_SIZE_DEFAULT - rows[i].hdrs;

		ck_assert_int_eq(addr_parse(&sa->remote, rows[i].remote, 500), 0);
		sa->natt = rows[i].natt;
		ck_assert_int_eq(msg_needs_fragments(sa, IKE_AUTH, fit), 0);
		ck_assert_int_eq(msg_needs_fragments(sa, INFORMATIONAL, fit + 1), 1);
		ck_assert_int_eq(msg_needs_fragments(sa, IKE_SA_INIT, fit + 1), 0);
		sa->frag_ok = 0;
		ck_assert_int_eq(msg_needs_fragments(sa, IKE_AUTH, fit + 1), 0);
		sa->frag_ok = 1;
	}
	bi_end();
}
END_TEST

/* The queued datagrams, unlinked into v (at most max); how many. */
static size_t take_queue(struct pair_pkt **v, size_t max)
{
	size_t n = 0;

	while (BI.head && n < max) {
		v[n] = BI.head;
		BI.head = v[n]->next;
		v[n++]->next = NULL;
	}
	BI.tail = &BI.head;
	ck_assert_ptr_null(BI.head);
	return n;
}

static void deliver(struct pair_pkt *q)
{
	bi_inject(q->from == PAIR_A ? PAIR_B : PAIR_A, &q->src, q->data, q->len);
}

/* A's IKE_AUTH request in fragments of 300 bytes, taken off the queue. */
static size_t auth_fragments(struct pair_pkt **v, size_t max, unsigned fs_b)
{
	size_t n;

	begin(300, NULL, fs_b, NULL);
	pair_initiate(&BI);
	ck_assert_uint_eq(pair_pump(&BI, 2), 2);
	n = take_queue(v, max);
	ck_assert_uint_ge(n, 2);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(v[i]->data[16], PL_SKF);
	return n;
}

START_TEST(reordered)
{
	struct pair_pkt *v[16];
	size_t n = auth_fragments(v, 16, 0);

	for (size_t i = n; i-- > 0;) {
		deliver(v[i]);
		free(v[i]);
	}
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	ck_assert_uint_eq(st(PAIR_B)->frag_msgs_in, 1);
	ck_assert_uint_eq(st(PAIR_B)->frags_in, n);
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 0);
	bi_end();
}
END_TEST

START_TEST(duplicated)
{
	struct pair_pkt *v[16];
	size_t n = auth_fragments(v, 16, 0), mark = bi_log_mark();

	for (size_t i = 0; i < n; i++) {
		deliver(v[i]);
		deliver(v[i]);
		free(v[i]);
	}
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	ck_assert_uint_eq(st(PAIR_B)->frag_msgs_in, 1);
	/* the last one's twin comes after the request was answered: the
	 * window drops it (not fragment 1 of a retransmission) */
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, n - 1);
	ck_assert_uint_ge(bi_logged(mark, "received already"), 1);
	bi_end();
}
END_TEST

/* Drops the first datagram from side 'from' that is SKF fragment 'num'. */
struct lose {
	int from;
	uint16_t num;
	int done;
};

static int lose_one(struct pair *p, struct pair_pkt *q, void *arg)
{
	struct lose *l = arg;

	(void)p;
	if (l->done || q->from != l->from || q->len < IKE_HDR_LEN + 8 ||
	    q->data[16] != PL_SKF || (q->data[32] << 8 | q->data[33]) != l->num)
		return 0;
	l->done = 1;
	return 1;
}

static int both_up(struct pair *p)
{
	return pair_established(p);
}

/* A initiates with l's fragment lost once; both come up by retransmission. */
static void up_despite(struct lose *l)
{
	BI.filter = lose_one;
	BI.filter_arg = l;
	pair_initiate(&BI);
	ck_assert(pair_run(&BI, 60000, both_up));
	ck_assert(l->done);
}

START_TEST(lost_request_fragment)
{
	struct lose l = { PAIR_A, 2, 0 };

	begin(300, NULL, 0, NULL);
	up_despite(&l);
	ck_assert_uint_ge(pair_sa(&BI, PAIR_A)->win.retransmits, 1);
	ck_assert_uint_eq(st(PAIR_B)->frag_msgs_in, 1);
	bi_end();
}
END_TEST

/* ---- certificates through 400-byte datagrams ---- */

static char *cert_conf(int side)
{
	char *out = NULL, *exp;

	ck_assert_int_ge(asprintf(&out,
		"global = { cacerts = [\"%s\"]; fragment_size = 400; };\n"
		"secrets: ( { private_key = \"@%s\"; } );\n"
		"connections: ( {\n"
		"  name = \"%s\"; fragmentation = \"force\"; send_cert = \"always\";\n"
		"  local_addrs = [\"%s\"]; remote_addrs = [\"%s\"];\n"
		"  local = { auth = \"pubkey\"; id = \"%s\"; certs = [\"@%s\", \"@int.pem\"]; };\n"
		"  remote = { auth = \"pubkey\"; id = \"%s\"; };\n"
		"  children = ( { name = \"net\"; local_ts = [\"%s\"]; remote_ts = [\"%s\"]; } );\n"
		"} );\n",
		pkif_path("root.pem"), side ? "b-rsa.key" : "a-ec.key", side ? "ba" : "ab",
		side ? "192.0.2.2" : "192.0.2.1", side ? "%any" : "192.0.2.2",
		side ? "b.example" : "a.example", side ? "b-rsa.pem" : "a-ec.pem",
		side ? "a.example" : "b.example", side ? "10.2.0.0/16" : "10.1.0.0/16",
		side ? "10.1.0.0/16" : "10.2.0.0/16"), 0);
	exp = pkif_expand(out);
	free(out);
	return exp;
}

/* B's fragmented response (certificates, 400 bytes) loses fragment 1: A
 * sends its request again, B knows it by fragment 1 (RFC 7383 2.6.1) and
 * resends every fragment. */
START_TEST(lost_response_fragment)
{
	struct lose l = { PAIR_B, 1, 0 };
	char *a = cert_conf(0), *b = cert_conf(1);

	bi_begin(a, b);
	free(a);
	free(b);
	up_despite(&l);
	ck_assert_uint_ge(pair_sa(&BI, PAIR_B)->win.resent, 1);
	ck_assert_uint_eq(st(PAIR_B)->frag_msgs_out, 1);
	ck_assert_uint_eq(st(PAIR_A)->frag_msgs_in, 1);
	ck_assert_uint_eq(st(PAIR_B)->frag_msgs_in, 1);
	bi_end();
}
END_TEST

/* ---- BAD-INPUT 31: crafted fragments of A's real IKE_AUTH request ---- */

static uint8_t chain[BI_MSG_MAX];
static size_t chain_len;
static uint8_t chain_first;

/* B half-open, A's request decrypted (badinput.h); the chain kept. */
static void bad_begin(const char *keys_b)
{
	begin(0, NULL, 0, keys_b);
	bi_half_open();
	chain_len = bi_auth_chain(chain, sizeof(chain), &chain_first);
}

/* Fragment num of total of the real chain, sent to B. */
static void send_piece(uint16_t num, uint16_t total)
{
	static uint8_t msg[BI_MSG_MAX];
	size_t per = (chain_len + total - 1) / total, off = (num - 1u) * per;
	size_t len = off >= chain_len ? 0 : chain_len - off < per ? chain_len - off : per;

	len = bi_seal_frag(&bi_auth_hdr, &pair_sa(&BI, PAIR_A)->sk_out,
			   num == 1 ? chain_first : PL_NONE, num, total, chain + off, len, msg,
			   sizeof(msg));
	bi_inject(PAIR_B, &bi_a, msg, len);
}

/* The legitimate request completed: B answered and A is up, nothing
 * held for fragments any more. */
static void assert_completes(void)
{
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	ck_assert_uint_eq(bi_e(PAIR_B)->frag_held, 0);
}

START_TEST(bad_number)
{
	static uint8_t msg[BI_MSG_MAX];
	size_t mark, len;

	bad_begin(NULL);
	mark = bi_log_mark();
	/* number 0 and number above the total: the codec drops them */
	for (int i = 0; i < 2; i++) {
		len = bi_seal_frag(&bi_auth_hdr, &pair_sa(&BI, PAIR_A)->sk_out, chain_first,
				   i ? 4 : 0, 3, chain, 16, msg, sizeof(msg));
		bi_inject(PAIR_B, &bi_a, msg, len);
	}
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 2);
	bi_assert_logged(mark, "fragment number 0 outside [1, total 3]");
	bi_assert_logged(mark, "fragment number 4 outside [1, total 3]");
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	for (uint16_t i = 1; i <= 3; i++)
		send_piece(i, 3);
	assert_completes();
}
END_TEST

/* 2.6: a lower total than the collected set's is dropped. */
START_TEST(lower_total)
{
	size_t mark;

	bad_begin(NULL);
	mark = bi_log_mark();
	send_piece(1, 3);
	send_piece(2, 2);
	bi_assert_logged(mark, "total 2 below the 3 of the fragments collected");
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 1);
	send_piece(2, 3);
	send_piece(3, 3);
	assert_completes();
}
END_TEST

/* 2.6: a higher total (the peer split again, smaller) starts over; the old
 * set's late fragments are then below it and dropped. */
START_TEST(higher_total)
{
	bad_begin(NULL);
	send_piece(1, 3);
	send_piece(2, 4);
	ck_assert_uint_eq(pair_sa(&BI, PAIR_B)->frag_req.total, 4);
	ck_assert_uint_eq(pair_sa(&BI, PAIR_B)->frag_req.count, 1);
	send_piece(3, 3);
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 1);
	send_piece(4, 4);
	send_piece(1, 4);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	send_piece(3, 4);
	assert_completes();
	ck_assert_uint_eq(st(PAIR_B)->frag_msgs_in, 1);
}
END_TEST

START_TEST(too_many)
{
	size_t mark;

	bad_begin(NULL);
	mark = bi_log_mark();
	send_piece(1, FRAG_MAX_FRAGMENTS + 1);
	bi_assert_logged(mark, "65 fragments, at most 64 accepted");
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 1);
	ck_assert_int_eq(pair_sa(&BI, PAIR_B)->frag_req.active, 0);
	/* 64 is allowed: every one kept, the message complete */
	for (uint16_t i = 1; i <= FRAG_MAX_FRAGMENTS; i++)
		send_piece(i, FRAG_MAX_FRAGMENTS);
	ck_assert_uint_eq(st(PAIR_B)->frag_msgs_in, 1);
	assert_completes();
}
END_TEST

/* More than FRAG_MAX_BYTES of plaintext in one message: dropped. */
START_TEST(too_big)
{
	static uint8_t big[20000], msg[21000];
	size_t mark, len;

	bad_begin(NULL);
	mark = bi_log_mark();
	memset(big, 0, sizeof(big));
	for (uint16_t i = 1; i <= 2; i++) {
		len = bi_seal_frag(&bi_auth_hdr, &pair_sa(&BI, PAIR_A)->sk_out, chain_first, i, 3,
				   big, sizeof(big), msg, sizeof(msg));
		bi_inject(PAIR_B, &bi_a, msg, len);
	}
	bi_assert_logged(mark, "above 32768: the message is dropped");
	ck_assert_int_eq(pair_sa(&BI, PAIR_B)->frag_req.active, 0);
	for (uint16_t i = 1; i <= 3; i++)
		send_piece(i, 3);
	assert_completes();
}
END_TEST

/* Every IKE SA's fragments together stay under ENGINE_FRAG_BUDGET. */
START_TEST(budget)
{
	size_t mark;

	bad_begin(NULL);
	mark = bi_log_mark();
	bi_e(PAIR_B)->frag_held = ENGINE_FRAG_BUDGET - 10;
	send_piece(1, 2);
	bi_assert_logged(mark, "bytes of fragments, at most 16777216");
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 1);
	bi_e(PAIR_B)->frag_held = 0;
	send_piece(1, 2);
	ck_assert_uint_gt(bi_e(PAIR_B)->frag_held, 0);
	send_piece(2, 2);
	assert_completes();
}
END_TEST

START_TEST(bad_icv)
{
	static uint8_t msg[BI_MSG_MAX];
	size_t mark, per, len;

	bad_begin(NULL);
	mark = bi_log_mark();
	send_piece(1, 2);
	per = (chain_len + 1) / 2;
	len = bi_seal_frag(&bi_auth_hdr, &pair_sa(&BI, PAIR_A)->sk_out, PL_NONE, 2, 2,
			   chain + per, chain_len - per, msg, sizeof(msg));
	msg[len - 1] ^= 1;
	bi_inject(PAIR_B, &bi_a, msg, len);
	bi_assert_logged(mark, "ICV mismatch");
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 1);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	send_piece(2, 2);
	assert_completes();
}
END_TEST

/* B said fragmentation = no: A's fragments are dropped, its SK message is
 * answered. */
START_TEST(not_negotiated)
{
	size_t mark;

	bad_begin("fragmentation = \"no\";");
	ck_assert_int_eq(pair_sa(&BI, PAIR_B)->frag_ok, 0);
	mark = bi_log_mark();
	send_piece(1, 2);
	send_piece(2, 2);
	bi_assert_logged(mark, "IKE fragmentation was not negotiated");
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 2);
	ck_assert_uint_eq(bi_nfrom(PAIR_B), 0);
	bi_auth_send(0, NULL, 0);
	assert_completes();
}
END_TEST

/* An SKF payload in IKE_SA_INIT is dropped by the codec, no state kept. */
START_TEST(in_sa_init)
{
	static const uint8_t skf_body[12] = { 0, 1, 0, 1 };
	static uint8_t msg[256];
	struct bi_pl pl = { PL_SKF, 0, skf_body, sizeof(skf_body), 0, 0 };
	uint8_t c[64], first;
	struct ike_hdr h;
	size_t mark, clen;

	begin(0, NULL, 0, NULL);
	mark = bi_log_mark();
	bi_hdr(&h, BI_EVIL_SPI, 0, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0);
	clen = bi_chain(&pl, 1, c, sizeof(c), &first);
	bi_evil_to_b(msg, bi_msg(&h, c, clen, first, msg, sizeof(msg)));
	bi_assert_dropped(mark, "SKF payload at offset 28: not allowed in IKE_SA_INIT");
	ck_assert_uint_eq(st(PAIR_B)->frags_dropped, 1);
	bi_fresh_exchange_ok();
}
END_TEST

START_TEST(certificates_400)
{
	char *a = cert_conf(0), *b = cert_conf(1);
	struct sizes s = { 0, 0, 1 };

	bi_begin(a, b);
	BI.on_send = on_send;
	BI.on_send_arg = &s;
	pair_initiate(&BI);
	pair_pump(&BI, 0);
	ck_assert(pair_established(&BI));
	ck_assert_uint_eq(st(PAIR_A)->frag_msgs_out, 1);
	ck_assert_uint_eq(st(PAIR_B)->frag_msgs_out, 1);
	ck_assert_uint_eq(st(PAIR_A)->frag_msgs_in, 1);
	ck_assert_uint_eq(st(PAIR_B)->frag_msgs_in, 1);
	ck_assert_uint_ge(st(PAIR_A)->frags_out, 4);
	ck_assert_uint_le(s.max_len + IP_UDP, 400);
	ck_assert_msg(strstr(pair_sa(&BI, PAIR_A)->peer_cert, "CN=b-rsa"), "%s",
		      pair_sa(&BI, PAIR_A)->peer_cert);
	bi_end();
	free(a);
	free(b);
}
END_TEST

static void end_bad(void)
{
	bi_end();
}

int main(void)
{
	Suite *s = suite_create("frag");
	TCase *t = tcase_create("frag");
	TCase *bad = tcase_create("bad_input");
	int rc;

	pkif_make();
	tcase_set_timeout(t, 300);
	tcase_add_test(t, negotiation);
	tcase_add_test(t, boundary);
	tcase_add_test(t, overhead);
	tcase_add_test(t, reordered);
	tcase_add_test(t, duplicated);
	tcase_add_test(t, lost_request_fragment);
	tcase_add_test(t, lost_response_fragment);
	tcase_add_test(t, certificates_400);
	suite_add_tcase(s, t);
	tcase_set_timeout(bad, 60);
	tcase_add_checked_fixture(bad, NULL, end_bad);
	tcase_add_test(bad, bad_number);
	tcase_add_test(bad, lower_total);
	tcase_add_test(bad, higher_total);
	tcase_add_test(bad, too_many);
	tcase_add_test(bad, too_big);
	tcase_add_test(bad, budget);
	tcase_add_test(bad, bad_icv);
	tcase_add_test(bad, not_negotiated);
	tcase_add_test(bad, in_sa_init);
	suite_add_tcase(s, bad);
	rc = pair_main(s);
	pkif_remove();
	return rc;
}

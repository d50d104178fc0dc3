/*
 * libFuzzer target: the IKE engine after decryption.  Two engines (A the
 * initiator of connection "ab", B the responder of "ba") with in-memory
 * kernels live for the whole run; for every input one of them gets a
 * fixed-keys IKE SA (tests/engine/fixed_sa.h: known SPIs and SK_*, no key
 * exchange) in one of these states:
 *   0  B half-open, waiting for the IKE_AUTH request
 *   1  A waiting for the IKE_AUTH response
 *   2  B established, CHILD SA installed (A's real IKE_AUTH request)
 *   3  A established, CHILD SA installed (B's real IKE_AUTH response)
 *   4  A established, waiting for the answer to its DELETE of the child
 *   5  A established, waiting for its CHILD SA rekey's answer
 *   6  A established, waiting for its IKE SA rekey's answer
 *   7  B established, waiting for its CHILD SA rekey's answer
 * The fuzzer plays the peer: each record of the input is a plaintext inner
 * payload chain, sealed with the SA's keys so it passes the integrity
 * check and reaches the exchange handlers.  Input:
 *   byte 0          the state (mod 8)
 *   then up to 4 records: ctl, first payload type, length (2 bytes, big
 *   endian), inner payload chain.  ctl bits 0-1: exchange (IKE_AUTH,
 *   CREATE_CHILD_SA, INFORMATIONAL, IKE_SA_INIT); bit 2: response; bits
 *   3-4: message ID (the expected one, +1, -1, 0); bit 5: the oldest
 *   IKE SA with keys instead of the newest; bits 6-7 afterwards: nothing,
 *   timers of the next 30 s, of the next hour (retransmits, liveness,
 *   rekeys, expiry), an operator's CHILD SA rekey.
 * What the engine answers is dropped.  Between inputs every IKE SA goes,
 * and the engines must be back where they started (no kernel state, SA
 * table entry, half-open count, flow or timer left, no illegal state
 * change asked for): anything else aborts.
 *
 * FUZZ_ENGINE_DEBUG=1 logs at debug level; FUZZ_ENGINE_SEEDS=dir writes
 * the seed corpus (messages the engines send each other in these states)
 * to dir at start-up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/loop.h"
#include "engine/fixed_sa.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/*
 * Every input builds and destroys IKE SAs: with ASan's default 256 MB
 * quarantine each allocation lands on memory not touched for a long time
 * (page faults dominated the profile; twice the executions with 16 MB,
 * which still holds the frees of hundreds of inputs).  ASAN_OPTIONS in
 * the environment overrides it.
 */
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16";
}

#define MSG_MAX		8192
#define NSTATES		8
#define MAX_RECORDS	4

static const char conf_a[] =
	"global: { log = { default = \"error\"; }; };\n"
	"secrets: ( { id = \"b.example\"; psk = \"fuzz-engine-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ab\";\n"
	"  local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  proposals = [\"aes256gcm16-prfsha256-x25519\"];\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
	"                 remote_ts = [\"10.2.0.0/16\"]; esp_proposals = [\"aes256gcm16\"]; } );\n"
	"} );\n";

static const char conf_b[] =
	"global: { log = { default = \"error\"; }; };\n"
	"secrets: ( { id = \"a.example\"; psk = \"fuzz-engine-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ba\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  proposals = [\"aes256gcm16-prfsha256-x25519\"];\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; esp_proposals = [\"aes256gcm16\"]; },\n"
	"               { name = \"wide\"; local_ts = [\"10.0.0.0/8\"];\n"
	"                 remote_ts = [\"0.0.0.0/0\"]; mode = \"transport\"; } );\n"
	"} );\n";

static const char *const conn_name[2] = { "ab", "ba" };

/* The first datagram each engine sent since cap_clear(). */
struct capture {
	size_t len;
	uint8_t data[MSG_MAX];
};

static struct loop *loop;
static struct config *cfg[2];
static struct engine *eng[2];
static struct kernel *kern[2];
static struct addr addr[2];
static uint8_t nonce[2][32];
static struct capture cap[2];
static size_t base_timers;
/* A's IKE_AUTH request (from the fixed SA) and B's response to it */
static struct capture auth_req, auth_resp;

static int capture(struct engine *e, const struct addr *local, const struct addr *remote,
		   const uint8_t *p, size_t len)
{
	struct capture *c = &cap[e == eng[1]];

	(void)local;
	(void)remote;
	if (!c->len && len <= sizeof(c->data)) {
		memcpy(c->data, p, len);
		c->len = len;
	}
	return 0;
}

static void cap_clear(void)
{
	cap[0].len = cap[1].len = 0;
}

static void die(const char *what)
{
	fprintf(stderr, "fuzz_engine: %s\n", what);
	abort();
}

static struct config *load(const char *text)
{
	char path[] = "/tmp/fuzz_engine-XXXXXX";
	struct conf_diag diag;
	struct config *c;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("config file");
	close(fd);
	c = config_load(path, &diag);
	unlink(path);
	if (!c)
		die(diag.nerrors ? diag.errors[0] : "config");
	conf_diag_free(&diag);
	return c;
}

/* A datagram to side, from the other side. */
static void deliver(int side, const struct capture *c)
{
	engine_packet_in(eng[side], c->data, c->len, &addr[side], &addr[!side], 0);
}

static struct ike_sa *fixed(int side)
{
	return fixed_sa_new(eng[side], &cfg[side]->conns[0], side == 0, &addr[side],
			    &addr[!side]);
}

/* Every IKE SA gone; the engines and kernels as they were at start-up. */
static void reset(void)
{
	for (int i = 0; i < 2; i++) {
		struct engine *e = eng[i];

		fixed_sa_clear(e);
		if (kernel_mem_restart(kern[i]) < 0)
			die("kernel state left behind by a destroyed IKE SA");
		if (sa_table_count(&e->table) || halfopen_total(&e->cookies) ||
		    e->flows.count || e->spis_in.count || e->spis_out.count)
			die("SA table, half-open count or flow index not empty");
		if (e->state_refused)
			die("an illegal state change was asked for (see the log)");
	}
	if (loop_timer_count(loop) != base_timers)
		die("a timer outlived its IKE SA");
	cap_clear();
}

static struct ike_sa *established(int side)
{
	struct ike_sa *sa = fixed(side);

	if (sa)
		deliver(side, side ? &auth_req : &auth_resp);
	sa = eng[side]->sas;
	return sa && sa->state == IKE_SA_ESTABLISHED && sa->children ? sa : NULL;
}

/* State s for the side it names; -1 if not reached (a harness bug). */
static int reach(unsigned s, int *side)
{
	static const int sides[NSTATES] = { 1, 0, 1, 0, 0, 0, 0, 1 };
	char err[256];
	struct ike_sa *sa;

	*side = sides[s];
	if (s <= 1)
		return fixed(*side) ? 0 : -1;
	sa = established(*side);
	if (!sa)
		return -1;
	switch (s) {
	case 4:
		return info_delete_child(sa->children);
	case 5:
	case 7:
		return engine_rekey_child(eng[*side], conn_name[*side], "net", 0, err, sizeof(err));
	case 6:
		return engine_rekey(eng[*side], conn_name[*side], 0, err, sizeof(err));
	}
	return 0;
}

/* The records' target: the newest IKE SA with keys, or the oldest. */
static struct ike_sa *target(int side, int oldest)
{
	struct ike_sa *pick = NULL;

	for (struct ike_sa *sa = eng[side]->sas; sa; sa = sa->next)
		if (sa->have_keys) {
			pick = sa;
			if (!oldest)
				break;
		}
	return pick;
}

/* Timers due within ms (a few rounds). */
static void run_timers(uint64_t ms)
{
	uint64_t end = loop_now_ms(loop) + ms;

	for (int i = 0; i < 6 && loop_now_ms(loop) < end; i++)
		loop_run_once(loop, (int)(end - loop_now_ms(loop)));
}

static void record(int side, uint8_t ctl, uint8_t first, const uint8_t *body, size_t len)
{
	static const uint8_t exchanges[4] = { IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL,
					      IKE_SA_INIT };
	static uint8_t out[MSG_MAX + 256];
	struct ike_sa *sa = target(side, ctl & 0x20);
	int response = (ctl >> 2) & 1;
	uint32_t msgid;
	size_t n;
	char err[256];

	if (!sa)
		return;
	/* a response answers our outstanding request, or the last one */
	msgid = response ? (uint32_t)(sa->win.tx_next - !sa->win.tx_pending) :
			   (uint32_t)sa->win.rx_next;
	switch ((ctl >> 3) & 3) {
	case 1:
		msgid++;
		break;
	case 2:
		msgid--;
		break;
	case 3:
		msgid = 0;
		break;
	}
	n = fixed_sa_seal(sa, exchanges[ctl & 3], response, msgid, first, body, len, out,
			  sizeof(out));
	if (n)
		engine_packet_in(eng[side], out, n, &sa->local, &sa->remote, sa->natt);
	switch (ctl >> 6) {
	case 1:
		run_timers(30000);
		break;
	case 2:
		run_timers(3600000);
		break;
	case 3:
		engine_rekey_child(eng[side], conn_name[side], "net", 0, err, sizeof(err));
		break;
	}
}

/* The inner chain of a protected message sent by sa: its first payload
 * type in *first, the chain in out (MSG_MAX), its length in *n; -1 if it
 * does not open. */
static int open_sent(const struct ike_sa *sa, const struct capture *c, uint8_t *first,
		     uint8_t *out, size_t *n)
{
	struct secret plain = { 0 };
	char why[128];
	int rc = -1;

	if (c->len > IKE_HDR_LEN + 4 && c->data[16] == PL_SK &&
	    sk_decrypt(&sa->sk_out, c->data, c->len, IKE_HDR_LEN + 4, &plain, why,
		       sizeof(why)) == CR_OK && plain.len <= MSG_MAX) {
		*first = c->data[IKE_HDR_LEN];
		memcpy(out, plain.ptr, plain.len);
		*n = plain.len;
		rc = 0;
	}
	secret_free(&plain);
	return rc;
}

static void init_engines(void)
{
	static const struct ike_retx_cfg retx = { 4000, 1.8, 3, 0 };
	struct kernel_events ev;
	char err[256];

	memset(&ev, 0, sizeof(ev));
	for (int i = 0; i < 2; i++) {
		struct engine_test_hooks hooks = { capture, NULL, nonce[i], 32, &retx };

		memset(nonce[i], 0xa0 + i, 32);
		cfg[i] = load(i ? conf_b : conf_a);
		kern[i] = kernel_mem_new(&ev);
		eng[i] = kern[i] ? engine_new_test(loop, cfg[i], kern[i], &hooks, err, sizeof(err)) :
				   NULL;
		if (!eng[i])
			die(err);
		if (addr_parse(&addr[i], i ? "192.0.2.2" : "192.0.2.1", IKE_PORT) < 0)
			die("address");
	}
}

/* A's IKE_AUTH request and B's answer, once: the established states
 * replay them. */
static void record_auth(void)
{
	base_timers = loop_timer_count(loop);
	if (!fixed(0) || !cap[0].len)
		die("fixed initiator");
	auth_req = cap[0];
	if (!fixed(1))
		die("fixed responder");
	deliver(1, &auth_req);
	if (!cap[1].len || !eng[1]->sas || eng[1]->sas->state != IKE_SA_ESTABLISHED)
		die("fixed responder: IKE_AUTH failed");
	auth_resp = cap[1];
	reset();
}

/* ---- seeds (FUZZ_ENGINE_SEEDS=dir) ---- */

static void put_seed(const char *dir, const char *name, unsigned state, const struct ike_sa *from,
		     const struct capture *c, uint8_t extra_ctl)
{
	static uint8_t chain[MSG_MAX], seed[MSG_MAX + 8];
	char path[512];
	uint8_t first = 0, ctl;
	size_t n = 0;
	FILE *f;

	if (c->len && open_sent(from, c, &first, chain, &n) < 0)
		die("seed: message does not open");
	ctl = (uint8_t)((c->data[18] - IKE_AUTH) & 3) | ((c->data[19] & IKE_FLAG_RESPONSE) ? 4 : 0);
	if (c->data[18] == IKE_SA_INIT)
		ctl = 3;
	seed[0] = (uint8_t)state;
	seed[1] = ctl | extra_ctl;
	seed[2] = first;
	seed[3] = (uint8_t)(n >> 8);
	seed[4] = (uint8_t)n;
	memcpy(seed + 5, chain, n);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(seed, 1, n + 5, f) != n + 5 || fclose(f) != 0)
		die(path);
}

static struct ike_sa *fixed_of(int side)
{
	for (struct ike_sa *sa = eng[side]->sas; sa; sa = sa->next)
		if (sa->entry.spi_i == FIXED_SPI_I)
			return sa;
	die("seed: no fixed SA");
	return NULL;
}

/* Both sides established with the fixed keys: a consistent pair. */
static void pair_up(void)
{
	reset();
	if (!established(0) || !established(1))
		die("seed: pair");
	cap_clear();
}

/* side's request after act, seed for the peer's established state; the
 * peer's answer, seed for the state where side waits for it (wait_state,
 * -1: none). */
static void seed_pair(const char *dir, const char *name, int side, int wait_state,
		      int (*act)(int side))
{
	char n2[128];

	pair_up();
	if (act(side) < 0 || !cap[side].len)
		die(name);
	snprintf(n2, sizeof(n2), "req-%s", name);
	put_seed(dir, n2, side ? 3 : 2, fixed_of(side), &cap[side], 0);
	deliver(!side, &cap[side]);
	if (wait_state < 0)
		return;
	if (!cap[!side].len)
		die(name);
	snprintf(n2, sizeof(n2), "resp-%s", name);
	put_seed(dir, n2, (unsigned)wait_state, fixed_of(!side), &cap[!side], 0);
}

static int act_rekey_child(int side)
{
	char err[256];

	return engine_rekey_child(eng[side], conn_name[side], "net", 0, err, sizeof(err));
}

static int act_rekey_ike(int side)
{
	char err[256];

	return engine_rekey(eng[side], conn_name[side], 0, err, sizeof(err));
}

static int act_delete_child(int side)
{
	return info_delete_child(fixed_of(side)->children);
}

static int act_dpd(int side)
{
	return info_dpd(fixed_of(side));
}

static int act_delete_ike(int side)
{
	return info_delete_ike(fixed_of(side));
}

static void write_seeds(const char *dir)
{
	struct capture empty = { 0 };

	reset();
	if (!fixed(0))
		die("seed: fixed initiator");
	put_seed(dir, "req-ike-auth", 0, fixed_of(0), &auth_req, 0);
	reset();
	if (!fixed(1))
		die("seed: fixed responder");
	deliver(1, &auth_req);
	put_seed(dir, "resp-ike-auth", 1, fixed_of(1), &auth_resp, 0);
	seed_pair(dir, "ccsa-rekey-child", 0, 5, act_rekey_child);
	seed_pair(dir, "ccsa-rekey-ike", 0, 6, act_rekey_ike);
	seed_pair(dir, "info-delete-child", 0, 4, act_delete_child);
	seed_pair(dir, "ccsa-rekey-child-b", 1, 7, act_rekey_child);
	seed_pair(dir, "info-dpd", 0, 3, act_dpd);
	seed_pair(dir, "info-delete-ike", 1, -1, act_delete_ike);
	/* timers: the half-open timeout, retransmissions until the give-up */
	empty.data[18] = INFORMATIONAL;
	put_seed(dir, "timer-half-open", 0, NULL, &empty, 0x80);
	put_seed(dir, "timer-rekey-retransmit", 5, NULL, &empty, 0x80);
	reset();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 1;
	unsigned state;
	int side;

	if (!loop) {
		const char *seeds = getenv("FUZZ_ENGINE_SEEDS");

		log_set_all(getenv("FUZZ_ENGINE_DEBUG") ? LL_DEBUG : LL_ERROR);
		loop = loop_new();
		if (!loop)
			die("loop");
		loop_clock_virtual(loop, 1000000);
		init_engines();
		record_auth();
		if (seeds)
			write_seeds(seeds);
	}
	if (size < 1 || size > MSG_MAX)
		return 0;
	state = data[0] % NSTATES;
	if (reach(state, &side) < 0) {
		fprintf(stderr, "fuzz_engine: state %u not reached\n", state);
		abort();
	}
	for (int r = 0; r < MAX_RECORDS && size - pos >= 4; r++) {
		size_t len = (size_t)data[pos + 2] << 8 | data[pos + 3];
		const uint8_t *body = data + pos + 4;

		pos += 4;
		if (len > size - pos)
			len = size - pos;
		pos += len;
		record(side, data[pos - len - 4], data[pos - len - 3], body, len);
	}
	reset();
	return 0;
}

/*
 * libFuzzer target: the IKE engine after decryption.  Two engines (A the
 * initiator, B the responder) with the in-memory kernel are brought, for
 * every input, into one of these states; the input's payload chain is
 * then sealed with the keys of the SA under attack (SK_e/SK_a of that
 * direction, its SPIs, the message ID it expects), so it passes the
 * integrity check and reaches the exchange handlers as plaintext:
 *   0  B after IKE_SA_INIT, a request (IKE_AUTH is the expected one)
 *   1  A waiting for the IKE_AUTH response, a response
 *   2  both established, a request to B
 *   3  both established, a request to A
 *   4  A waiting for a CREATE_CHILD_SA response (CHILD SA rekey)
 *   5  A waiting for a CREATE_CHILD_SA response (IKE SA rekey)
 *   6  A waiting for an INFORMATIONAL response (DELETE of the CHILD SA)
 * Input: byte 0 picks the state, byte 1 the exchange type (IKE_AUTH,
 * CREATE_CHILD_SA, INFORMATIONAL, or the state's own), byte 2 the first
 * payload type, the rest is the inner payload chain.  What the engines
 * answer is delivered to the other side (a few rounds), so answers are
 * processed too; then both engines shut down (kernel state removed).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/log.h"
#include "common/loop.h"
#include "ike/engine/exchange.h"
#include "lib/kernel_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MSG_MAX	8192

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

struct pkt {
	struct pkt *next;
	int from;
	struct addr src, dst;
	size_t len;
	uint8_t data[];
};

static struct loop *loop;
static struct config *cfg[2];
static struct engine *eng[2];
static struct kernel *kern[2];
static uint8_t nonce[2][32];
static struct pkt *head, **tail = &head;

static int capture(struct engine *e, const struct addr *local, const struct addr *remote,
		   const uint8_t *p, size_t len)
{
	struct pkt *q = malloc(sizeof(*q) + len);

	if (!q)
		abort();
	q->next = NULL;
	q->from = e == eng[1];
	q->src = *local;
	q->dst = *remote;
	q->len = len;
	memcpy(q->data, p, len);
	*tail = q;
	tail = &q->next;
	return 0;
}

static void drop_queue(void)
{
	while (head) {
		struct pkt *q = head;

		head = q->next;
		free(q);
	}
	tail = &head;
}

/* Delivers up to max queued datagrams (and what they cause). */
static void pump(size_t max)
{
	for (size_t n = 0; head && n < max; n++) {
		struct pkt *q = head;
		int to = !q->from;

		head = q->next;
		if (!head)
			tail = &head;
		if (eng[to])
			engine_packet_in(eng[to], q->data, q->len, &q->dst, &q->src,
					 addr_port(&q->dst) == IKE_NATT_PORT);
		free(q);
	}
}

static struct config *load(const char *text)
{
	char path[] = "/tmp/fuzz_engine-XXXXXX";
	struct conf_diag diag;
	struct config *c;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
	c = config_load(path, &diag);
	unlink(path);
	if (!c) {
		fprintf(stderr, "fuzz_engine: %s\n", diag.nerrors ? diag.errors[0] : "config");
		abort();
	}
	conf_diag_free(&diag);
	return c;
}

static void engines_new(void)
{
	static const struct ike_retx_cfg retx = { 20, 1.5, 2, 0 };
	struct kernel_events ev;
	char err[256];

	memset(&ev, 0, sizeof(ev));
	for (int i = 0; i < 2; i++) {
		struct engine_test_hooks hooks = { capture, NULL, nonce[i], 32, &retx };

		kern[i] = kernel_mem_new(&ev);
		eng[i] = kern[i] ? engine_new_test(loop, cfg[i], kern[i], &hooks, err, sizeof(err)) :
				   NULL;
		if (!eng[i]) {
			fprintf(stderr, "fuzz_engine: engine: %s\n", err);
			abort();
		}
	}
}

static void engines_free(void)
{
	for (int i = 0; i < 2; i++) {
		engine_shutdown(eng[i]);
		eng[i] = NULL;
		kernel_free(kern[i]);
		kern[i] = NULL;
	}
	drop_queue();
}

/* The side's IKE SA with keys (an IKE SA rekey adds one without). */
static struct ike_sa *first_sa(int side)
{
	for (struct ike_sa *sa = eng[side] ? eng[side]->sas : NULL; sa; sa = sa->next)
		if (sa->have_keys)
			return sa;
	return NULL;
}

/* The state for input state s; the SA to attack in *side; 0 or -1. */
static int reach(unsigned s, int *side)
{
	char err[256];
	struct ike_sa *a;

	if (engine_initiate(eng[0], "ab", NULL, err, sizeof(err)) < 0)
		return -1;
	pump(2);		/* IKE_SA_INIT both ways; A queues its IKE_AUTH request */
	if (s <= 1) {
		drop_queue();	/* the real IKE_AUTH request never arrives */
		*side = s == 0 ? 1 : 0;
		return first_sa(*side) && first_sa(*side)->have_keys ? 0 : -1;
	}
	pump(16);
	a = first_sa(0);
	if (!a || a->state != IKE_SA_ESTABLISHED || !a->children || !first_sa(1) ||
	    first_sa(1)->state != IKE_SA_ESTABLISHED)
		return -1;
	*side = s == 2 ? 1 : 0;
	switch (s) {
	case 4:
		if (engine_rekey_child(eng[0], "ab", "net", 0, err, sizeof(err)) < 0)
			return -1;
		break;
	case 5:
		if (engine_rekey(eng[0], "ab", 0, err, sizeof(err)) < 0)
			return -1;
		break;
	case 6:
		info_delete_child(a->children);
		break;
	}
	if (s >= 4)
		drop_queue();	/* A's request is lost: the fuzzer answers it */
	return 0;
}

static void put64(struct wr *w, uint64_t v)
{
	for (int i = 7; i >= 0; i--)
		wr_u8(w, (uint8_t)(v >> (i * 8)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t exchanges[] = { IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL };
	static const uint8_t own[] = { IKE_AUTH, IKE_AUTH, CREATE_CHILD_SA, INFORMATIONAL,
				       CREATE_CHILD_SA, CREATE_CHILD_SA, INFORMATIONAL };
	static uint8_t out[MSG_MAX];
	struct ike_sa *sa;
	unsigned state;
	uint8_t exchange, flags;
	uint32_t msgid;
	size_t clen, blen;
	struct wr w;
	int side;

	if (!loop) {
		log_set_all(LL_ERROR);
		loop = loop_new();
		memset(nonce[0], 0xa0, 32);
		memset(nonce[1], 0xa1, 32);
		cfg[0] = load(conf_a);
		cfg[1] = load(conf_b);
		if (!loop)
			abort();
	}
	if (size < 3 || size > MSG_MAX - 256)
		return 0;
	state = data[0] % 7;
	exchange = data[1] % 4 == 3 ? own[state] : exchanges[data[1] % 4];
	engines_new();
	if (reach(state, &side) < 0) {
		fprintf(stderr, "fuzz_engine: state %u not reached\n", state);
		abort();
	}
	sa = first_sa(side);
	/* B's requests/responses carry the initiator flag only from A (2.2). */
	flags = side == 1 ? IKE_FLAG_INITIATOR : 0;
	if (state == 1 || state >= 4) {
		flags |= IKE_FLAG_RESPONSE;
		msgid = (uint32_t)(sa->win.tx_next - 1);
	} else {
		msgid = (uint32_t)sa->win.rx_next;
	}
	clen = size - 3;
	blen = sk_overhead(&sa->sk_in, clen);
	wr_init(&w, out, sizeof(out));
	put64(&w, sa->entry.spi_i);
	put64(&w, sa->entry.spi_r);
	wr_u8(&w, PL_SK);
	wr_u8(&w, 0x20);
	wr_u8(&w, exchange);
	wr_u8(&w, flags);
	wr_u32(&w, msgid);
	wr_u32(&w, (uint32_t)(IKE_HDR_LEN + 4 + blen));
	wr_u8(&w, data[2]);
	wr_u8(&w, 0);
	wr_u16(&w, (uint16_t)(4 + blen));
	if (wr_ok(&w) && sk_encrypt(&sa->sk_in, out, wr_len(&w), data + 3, clen, &w) == CR_OK &&
	    wr_ok(&w)) {
		engine_packet_in(eng[side], out, wr_len(&w), &sa->local, &sa->remote, sa->natt);
		pump(8);
	}
	engines_free();
	return 0;
}

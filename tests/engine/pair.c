/* Two engines wired through a captured sender: see pair.h. */
#include "pair.h"

#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "ike/core/plan.h"
#include "lib/kernel_mem.h"

const struct ike_retx_cfg *pair_retx;

const char pair_conf_a[] =
	"secrets: ( { id = \"b.example\"; psk = \"pair-test-psk-0123456789\"; },\n"
	"           { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ab\";\n"
	"  local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n"
	"  local = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"];\n"
	"                 remote_ts = [\"10.2.0.0/16\"]; } );\n"
	"} );\n";

const char pair_conf_b[] =
	"secrets: ( { id = \"a.example\"; psk = \"pair-test-psk-0123456789\"; } );\n"
	"connections: ( {\n"
	"  name = \"ba\";\n"
	"  local_addrs = [\"192.0.2.2\"]; remote_addrs = [\"%any\"];\n"
	"  local = { id = \"b.example\"; auth = \"psk\"; };\n"
	"  remote = { id = \"a.example\"; auth = \"psk\"; };\n"
	"  children = ( { name = \"net\"; local_ts = [\"10.2.0.0/16\"];\n"
	"                 remote_ts = [\"10.1.0.0/16\"]; } );\n"
	"} );\n";

static int capture(struct engine *e, const struct addr *local, const struct addr *remote,
		   const uint8_t *pkt, size_t len)
{
	struct pair_peer *s = e->test_arg;
	struct pair *p = s->pair;
	struct pair_pkt *q = malloc(sizeof(*q) + len);

	ck_assert_ptr_nonnull(q);
	q->next = NULL;
	q->from = s->idx;
	q->src = *local;
	q->dst = *remote;
	q->len = len;
	memcpy(q->data, pkt, len);
	*p->tail = q;
	p->tail = &q->next;
	p->peer[q->from].sent++;
	if (p->on_send)
		p->on_send(p, q, p->on_send_arg);
	return 0;
}

struct config *pair_load_config(const char *text)
{
	char path[] = "/tmp/engine-test-XXXXXX";
	int fd = mkstemp(path);
	struct conf_diag diag = { 0 };
	struct config *cfg;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cfg = config_load(path, &diag);
	unlink(path);
	ck_assert_msg(cfg != NULL, "config: %s", diag.nerrors ? diag.errors[0] : "?");
	conf_diag_free(&diag);
	return cfg;
}

static void setup_n(struct pair *p, const char *const *texts, int n);

void pair_setup(struct pair *p, const char *conf_a, const char *conf_b)
{
	const char *texts[2] = { conf_a ? conf_a : pair_conf_a, conf_b ? conf_b : pair_conf_b };

	setup_n(p, texts, 2);
}

void pair_setup3(struct pair *p, const char *conf_a, const char *conf_b, const char *conf_c)
{
	const char *texts[3] = { conf_a, conf_b, conf_c };

	setup_n(p, texts, 3);
}

static void setup_n(struct pair *p, const char *const *texts, int n)
{
	/* fast retransmissions: 20 ms, 30 ms, then give up after 45 ms more */
	static const struct ike_retx_cfg retx = { 20, 1.5, 2, 0 };
	struct engine_test_hooks hooks = { capture, NULL, NULL, 32,
					   pair_retx ? pair_retx : &retx };
	struct kernel_events ev;
	char err[256];

	memset(p, 0, sizeof(*p));
	p->npeers = n;
	p->tail = &p->head;
	p->loop = loop_new();
	ck_assert_ptr_nonnull(p->loop);
	/* virtual time: every timer exact, no test waits on the wall clock */
	loop_clock_virtual(p->loop, PAIR_T0_MS);
	memset(&ev, 0, sizeof(ev));
	for (int i = 0; i < n; i++) {
		struct pair_peer *s = &p->peer[i];

		s->cfg = pair_load_config(texts[i]);
		s->k = kernel_mem_new(&ev);
		ck_assert_ptr_nonnull(s->k);
		memset(s->nonce, 0xa0 + i, sizeof(s->nonce));
		s->pair = p;
		s->idx = i;
		hooks.arg = s;
		hooks.nonce = s->nonce;
		s->e = engine_new_test(p->loop, s->cfg, s->k, &hooks, err, sizeof(err));
		ck_assert_msg(s->e != NULL, "engine: %s", err);
	}
}

void pair_free(struct pair *p)
{
	while (p->head) {
		struct pair_pkt *q = p->head;

		p->head = q->next;
		free(q);
	}
	p->tail = &p->head;	/* the shutdown below still sends (DELETEs) */
	for (int i = 0; i < p->npeers; i++) {
		/* a refused state change is a bug (logged at error level) */
		if (p->peer[i].e)
			ck_assert_msg(p->peer[i].e->state_refused == 0,
				      "side %d asked for %u illegal state changes", i,
				      p->peer[i].e->state_refused);
		engine_shutdown(p->peer[i].e);	/* NULL: shut down by the test */
		kernel_free(p->peer[i].k);
		config_free(p->peer[i].cfg);
	}
	while (p->head) {
		struct pair_pkt *q = p->head;

		p->head = q->next;
		free(q);
	}
	if (p->pcap)
		fclose(p->pcap);
	loop_free(p->loop);
}

size_t pair_queued(const struct pair *p)
{
	size_t n = 0;

	for (const struct pair_pkt *q = p->head; q; q = q->next)
		n++;
	return n;
}

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void pcap_write(struct pair *p, const struct pair_pkt *q)
{
	uint8_t hdr[16] = { 0 }, ip[20 + 8 + 4] = { 0 };
	int natt = addr_port(&q->dst) == IKE_NATT_PORT;
	size_t mlen = natt ? 4 : 0, total = 28 + mlen + q->len;
	const uint8_t *s, *d;
	size_t l;
	uint32_t sum = 0;

	hdr[8] = hdr[12] = (uint8_t)total;
	hdr[9] = hdr[13] = (uint8_t)(total >> 8);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)total);
	ip[8] = 64;
	ip[9] = 17;
	s = addr_bytes(&q->src, &l);
	memcpy(ip + 12, s, 4);
	d = addr_bytes(&q->dst, &l);
	memcpy(ip + 16, d, 4);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, (uint16_t)~sum);
	put16(ip + 20, addr_port(&q->src));
	put16(ip + 22, addr_port(&q->dst));
	put16(ip + 24, (uint16_t)(8 + mlen + q->len));
	fwrite(hdr, 1, sizeof(hdr), p->pcap);
	fwrite(ip, 1, 28 + mlen, p->pcap);
	fwrite(q->data, 1, q->len, p->pcap);
}

void pair_pcap(struct pair *p, const char *path)
{
	/* magic, v2.4, tz 0, sigfigs 0, snaplen 65535, LINKTYPE_RAW (101) */
	static const uint8_t gh[24] = { 0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0xff, 0xff, 0, 0, 101, 0, 0, 0 };

	p->pcap = fopen(path, "wb");
	ck_assert_ptr_nonnull(p->pcap);
	fwrite(gh, 1, sizeof(gh), p->pcap);
}

/* Two engines: the other one; three: by destination 192.0.2.(i + 1). */
static int pair_route(const struct pair *p, const struct pair_pkt *q)
{
	size_t len;
	const uint8_t *b;

	if (p->npeers == 2)
		return !q->from;
	b = addr_bytes(&q->dst, &len);
	if (len == 4 && b[0] == 192 && b[1] == 0 && b[2] == 2 && b[3] >= 1 &&
	    b[3] <= (unsigned)p->npeers)
		return b[3] - 1;
	return PAIR_MAX;	/* nobody */
}

size_t pair_pump(struct pair *p, size_t max)
{
	size_t n = 0;

	while (p->head && (!max || n < max)) {
		struct pair_pkt *q = p->head;
		int to = pair_route(p, q);

		p->head = q->next;
		if (!p->head)
			p->tail = &p->head;
		n++;
		if (to >= p->npeers || !p->peer[to].e || (p->filter && p->filter(p, q, p->filter_arg))) {
			p->dropped++;
			free(q);
			continue;
		}
		p->delivered++;
		if (p->pcap)
			pcap_write(p, q);
		engine_packet_in(p->peer[to].e, q->data, q->len, &q->dst, &q->src,
				 addr_port(&q->dst) == IKE_NATT_PORT);
		free(q);
	}
	return n;
}

int pair_run(struct pair *p, unsigned ms, int (*cond)(struct pair *p))
{
	uint64_t end = loop_now_ms(p->loop) + ms;

	for (;;) {
		pair_pump(p, 0);
		if (cond && cond(p))
			return 1;
		if (loop_now_ms(p->loop) >= end)
			return 0;
		/* to the next timer (virtual time), not past the end */
		loop_run_once(p->loop, (int)(end - loop_now_ms(p->loop)));
	}
}

struct ike_sa *pair_sa(struct pair *p, int i)
{
	return p->peer[i].e->sas;
}

size_t pair_nsas(struct pair *p, int i)
{
	size_t n = 0;

	for (struct ike_sa *sa = p->peer[i].e->sas; sa; sa = sa->next)
		n++;
	return n;
}

void pair_reload(struct pair *p, int side, const char *text)
{
	struct config *nc = pair_load_config(text);
	struct reload_plan plan;
	char err[256];

	ck_assert_int_eq(plan_compute(p->peer[side].cfg, nc, &plan), 0);
	ck_assert_msg(engine_reload(p->peer[side].e, nc, &plan, err, sizeof(err)) == 0, "%s", err);
	plan_free(&plan);
	config_free(p->peer[side].cfg);
	p->peer[side].cfg = nc;
}

void pair_initiate(struct pair *p)
{
	char err[256];

	ck_assert_msg(engine_initiate(p->peer[PAIR_A].e, "ab", NULL, err, sizeof(err)) == 0,
		      "%s", err);
}

int pair_established(struct pair *p)
{
	struct ike_sa *a = pair_sa(p, PAIR_A), *b = pair_sa(p, PAIR_B);

	return a && b && a->state == IKE_SA_ESTABLISHED && b->state == IKE_SA_ESTABLISHED;
}

int pair_main(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	if (getenv("ENGINE_DEBUG"))
		log_set_all(LL_DEBUG);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

char *pair_conf_sub(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	char *out;

	ck_assert_msg(at != NULL, "\"%s\" not in the configuration", from);
	out = malloc(strlen(base) + strlen(to) + 1);
	ck_assert_ptr_nonnull(out);
	memcpy(out, base, (size_t)(at - base));
	strcpy(out + (at - base), to);
	strcat(out, at + strlen(from));
	return out;
}

const struct kernel_sa *pair_ksa(struct pair *p, int side, const char *dst, uint32_t spi)
{
	struct kernel_sa_id id;

	memset(&id, 0, sizeof(id));
	ck_assert_int_eq(addr_parse(&id.dst, dst, 0), 0);
	id.spi = spi;
	id.proto = IPPROTO_ESP;
	return kernel_mem_find_sa(p->peer[side].k, &id);
}

void pair_assert_sa_match(const struct kernel_sa *out, const struct kernel_sa *in)
{
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(in);
	ck_assert_uint_eq(out->id.spi, in->id.spi);
	ck_assert_uint_eq(out->encr, in->encr);
	ck_assert_uint_eq(out->integ, in->integ);
	ck_assert_uint_eq(out->enc_key_len, in->enc_key_len);
	ck_assert_uint_gt(out->enc_key_len, 0);
	ck_assert_mem_eq(out->enc_key, in->enc_key, out->enc_key_len);
	ck_assert_uint_eq(out->int_key_len, in->int_key_len);
	ck_assert_mem_eq(out->int_key, in->int_key, out->int_key_len);
	ck_assert_int_eq(out->mode, in->mode);
}

static char *cap_buf;
static size_t cap_size;

static void cap_sink(enum log_subsys sub, enum log_level lvl, const char *line, void *arg)
{
	size_t have = strlen(cap_buf), n = strlen(line);

	(void)sub;
	(void)lvl;
	(void)arg;
	if (have + n + 2 <= cap_size) {
		memcpy(cap_buf + have, line, n);
		cap_buf[have + n] = '\n';
		cap_buf[have + n + 1] = 0;
	}
}

void pair_log_capture(char *buf, size_t size)
{
	cap_buf = buf;
	cap_size = size;
	if (buf && size)
		buf[0] = 0;
	log_set_sink(buf && size ? cap_sink : NULL, NULL);
}

void pair_assert_eap(struct pair *p, const char *name, const char *why, const char *eap_id,
		     const char *log)
{
	struct ike_sa *a = pair_sa(p, PAIR_A), *b = pair_sa(p, PAIR_B);

	if (why) {
		ck_assert_msg(!pair_established(p), "%s: established", name);
		ck_assert_uint_eq(pair_nsas(p, PAIR_A), 0);
		ck_assert_uint_eq(pair_nsas(p, PAIR_B), 0);
		ck_assert_uint_eq(kernel_mem_sa_count(p->peer[PAIR_B].k), 0);
		ck_assert_msg(strstr(log, why), "%s: \"%s\" not logged:\n%s", name, why, log);
		return;
	}
	ck_assert_msg(pair_established(p), "%s: not established:\n%s", name, log);
	ck_assert_uint_eq(a->auth_local_method, AUTH_METHOD_PSK);	/* 2.16: from the MSK */
	ck_assert_uint_eq(b->auth_remote_method, AUTH_METHOD_PSK);
	ck_assert_str_eq(b->eap_identity, eap_id);
	ck_assert_str_eq(a->eap_identity, eap_id);
	ck_assert_ptr_null(b->eap);
	ck_assert_ptr_null(b->auth_st[0].m);
	ck_assert_ptr_null(a->auth_st[0].m);
	ck_assert_ptr_nonnull(a->children);
	ck_assert_int_eq(a->children->state, CHILD_SA_INSTALLED);
	ck_assert_uint_eq(kernel_mem_sa_count(p->peer[PAIR_B].k), 2);
	ck_assert_uint_eq(kernel_mem_sa_count(p->peer[PAIR_A].k), 2);
}

void pair_setup_sub(struct pair *p, const char *fa, const char *ta, const char *fb,
		    const char *tb)
{
	char *a = fa ? pair_conf_sub(pair_conf_a, fa, ta) : NULL;
	char *b = fb ? pair_conf_sub(pair_conf_b, fb, tb) : NULL;

	pair_setup(p, a, b);
	free(a);
	free(b);
}

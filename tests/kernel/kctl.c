/*
 * kctl: drives the XFRM backend from shell scripts (host stage, VM
 * scenarios).  One subcommand per run, arguments as key=value:
 *
 *   kctl spi src=A dst=B reqid=R [proto=esp|ah] [min=N] [max=N]
 *   kctl sa-add|sa-upd src=A dst=B spi=S reqid=R encr=NAME key=HEX
 *        [integ=NAME ikey=HEX] [mode=tunnel|transport] [proto=esp|ah]
 *        [sel=NET/LEN,NET/LEN] [soft=SECS] [hard=SECS] [soft-bytes=N]
 *        [hard-bytes=N] [soft-packets=N] [hard-packets=N] [replay=N] [esn]
 *        [encap=SPORT:DPORT] [mark=V/M] [if_id=N] [set_mark=V/M]
 *        [no-copy-df] [no-copy-ecn] [dscp-decap] [dscp-no-encap]
 *   kctl sa-del|sa-query dst=B spi=S [proto=esp|ah] [mark=V/M]
 *   kctl pol-add|pol-upd|pol-del src=NET/LEN dst=NET/LEN dir=in|out|fwd
 *        [ipproto=N] [sport=N] [dport=N] [action=allow|block]
 *        [class=pass|ipsec|trap|fallback] [tmpl=tunnel:SRC:DST|transport]
 *        [reqid=R] [tproto=esp|ah] [mark=V/M] [if_id=N] [priority=N]
 *   kctl flush
 *   kctl listen [count=N] [timeout=SECS] [delay=SECS] [rcvbuf=BYTES]
 *        prints one line per event: ACQUIRE/EXPIRE/POLEXPIRE/MAPPING/RESYNC
 *   kctl bypass-test: opens UDP sockets and applies kernel_bypass_socket
 *   kctl udp dst=A [count=N] [port=P]: one datagram to each of N IPv4
 *        addresses from A up (traffic that hits trap policies)
 *
 * Exit status: 0 success, 1 the backend refused (its log line on stderr),
 * 2 usage error.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "common/log.h"
#include "kernel/kernel.h"

#define MAX_ARGS 32

struct args {
	int n;
	char *key[MAX_ARGS];
	char *val[MAX_ARGS];
};

static const char *arg(const struct args *a, const char *key)
{
	for (int i = 0; i < a->n; i++)
		if (strcmp(a->key[i], key) == 0)
			return a->val[i] ? a->val[i] : "";
	return NULL;
}

static void usage_fail(const char *what, const char *val)
{
	fprintf(stderr, "kctl: bad or missing %s%s%s\n", what, val ? ": " : "", val ? val : "");
	exit(2);
}

static const char *need(const struct args *a, const char *key)
{
	const char *v = arg(a, key);

	if (!v)
		usage_fail(key, NULL);
	return v;
}

static uint64_t num(const struct args *a, const char *key, uint64_t def)
{
	const char *v = arg(a, key);
	char *end;
	unsigned long long n;

	if (!v)
		return def;
	errno = 0;
	n = strtoull(v, &end, 0);
	if (errno || *end || end == v)
		usage_fail(key, v);
	return n;
}

static void host(struct addr *ad, const char *s, const char *what)
{
	if (addr_parse(ad, s, 0) < 0)
		usage_fail(what, s);
}

/* "NET/LEN" */
static void prefix(struct addr *ad, uint8_t *plen, const char *s, const char *what)
{
	char buf[128];
	char *slash;
	long len;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	host(ad, buf, what);
	len = slash ? strtol(slash, NULL, 10) : (addr_family(ad) == AF_INET ? 32 : 128);
	if (len < 0 || len > (addr_family(ad) == AF_INET ? 32 : 128))
		usage_fail(what, s);
	*plen = (uint8_t)len;
}

static size_t hex(uint8_t *out, size_t max, const char *s, const char *what)
{
	size_t n = strlen(s) / 2;

	if (strlen(s) % 2 || n > max)
		usage_fail(what, s);
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			usage_fail(what, s);
		out[i] = (uint8_t)v;
	}
	return n;
}

struct name_id {
	const char *name;
	unsigned id;
};

static const struct name_id encr_names[] = {
	{ "aes-cbc", KERNEL_ENCR_AES_CBC }, { "aes-ctr", KERNEL_ENCR_AES_CTR }, { "3des", KERNEL_ENCR_3DES_CBC },
	{ "null", KERNEL_ENCR_NULL }, { "aes-gcm-8", KERNEL_ENCR_AES_GCM_8 }, { "aes-gcm-12", KERNEL_ENCR_AES_GCM_12 },
	{ "aes-gcm-16", KERNEL_ENCR_AES_GCM_16 }, { "aes-ccm-16", KERNEL_ENCR_AES_CCM_16 },
	{ "aes-gmac", KERNEL_ENCR_AES_GMAC }, { "chacha20-poly1305", KERNEL_ENCR_CHACHA20_POLY1305 },
	{ NULL, 0 }
};

static const struct name_id integ_names[] = {
	{ "md5", KERNEL_INTEG_HMAC_MD5_96 }, { "sha1", KERNEL_INTEG_HMAC_SHA1_96 }, { "xcbc", KERNEL_INTEG_AES_XCBC_96 },
	{ "cmac", KERNEL_INTEG_AES_CMAC_96 }, { "sha256", KERNEL_INTEG_HMAC_SHA2_256_128 },
	{ "sha384", KERNEL_INTEG_HMAC_SHA2_384_192 }, { "sha512", KERNEL_INTEG_HMAC_SHA2_512_256 },
	{ NULL, 0 }
};

/* A name from the table, or a number (to exercise unknown transform IDs). */
static unsigned lookup(const struct name_id *t, const char *s, const char *what)
{
	char *end;
	unsigned long n;

	for (; t->name; t++)
		if (strcmp(t->name, s) == 0)
			return t->id;
	n = strtoul(s, &end, 0);
	if (*end || end == s || n > 0xffff)
		usage_fail(what, s);
	return (unsigned)n;
}

static uint8_t proto_arg(const struct args *a, const char *key)
{
	const char *v = arg(a, key);

	if (!v || strcmp(v, "esp") == 0)
		return IPPROTO_ESP;
	if (strcmp(v, "ah") == 0)
		return IPPROTO_AH;
	usage_fail(key, v);
	return 0;
}

static void mark_arg_named(const struct args *a, const char *key, struct kernel_mark *m)
{
	const char *v = arg(a, key);

	if (v && sscanf(v, "%i/%i", (int *)&m->value, (int *)&m->mask) != 2)
		usage_fail(key, v);
}

static void mark_arg(const struct args *a, struct kernel_mark *m)
{
	const char *v = arg(a, "mark");

	if (v && sscanf(v, "%i/%i", (int *)&m->value, (int *)&m->mask) != 2)
		usage_fail("mark", v);
}

static void sa_id_args(const struct args *a, struct kernel_sa_id *id)
{
	host(&id->dst, need(a, "dst"), "dst");
	id->spi = (uint32_t)num(a, "spi", 0);
	id->proto = proto_arg(a, "proto");
	mark_arg(a, &id->mark);
}

static void sa_args(const struct args *a, struct kernel_sa *sa)
{
	const char *v;

	sa_id_args(a, &sa->id);
	host(&sa->src, need(a, "src"), "src");
	sa->reqid = (uint32_t)num(a, "reqid", KERNEL_REQID_MIN);
	v = arg(a, "mode");
	sa->mode = v && strcmp(v, "transport") == 0 ? KERNEL_MODE_TRANSPORT : KERNEL_MODE_TUNNEL;
	if (sa->id.proto == IPPROTO_ESP) {
		sa->encr = (enum kernel_encr)lookup(encr_names, need(a, "encr"), "encr");
		sa->enc_key_len = hex(sa->enc_key, sizeof(sa->enc_key), need(a, "key"), "key");
	}
	if ((v = arg(a, "integ"))) {
		sa->integ = (enum kernel_integ)lookup(integ_names, v, "integ");
		sa->int_key_len = hex(sa->int_key, sizeof(sa->int_key), need(a, "ikey"), "ikey");
	}
	if ((v = arg(a, "sel"))) {
		char buf[256], *comma;

		snprintf(buf, sizeof(buf), "%s", v);
		comma = strchr(buf, ',');
		if (!comma)
			usage_fail("sel", v);
		*comma++ = '\0';
		prefix(&sa->sel.src, &sa->sel.src_plen, buf, "sel");
		prefix(&sa->sel.dst, &sa->sel.dst_plen, comma, "sel");
	}
	sa->life.soft_secs = num(a, "soft", 0);
	sa->life.hard_secs = num(a, "hard", 0);
	sa->life.soft_bytes = num(a, "soft-bytes", 0);
	sa->life.hard_bytes = num(a, "hard-bytes", 0);
	sa->life.soft_packets = num(a, "soft-packets", 0);
	sa->life.hard_packets = num(a, "hard-packets", 0);
	sa->replay_window = (uint32_t)num(a, "replay", 32);
	sa->esn = arg(a, "esn") != NULL;
	sa->if_id = (uint32_t)num(a, "if_id", 0);
	mark_arg_named(a, "set_mark", &sa->set_mark);
	sa->no_copy_df = arg(a, "no-copy-df") != NULL;
	sa->no_copy_ecn = arg(a, "no-copy-ecn") != NULL;
	sa->dscp_decap = arg(a, "dscp-decap") != NULL;
	sa->dscp_no_encap = arg(a, "dscp-no-encap") != NULL;
	if ((v = arg(a, "encap"))) {
		unsigned sp, dp;

		if (sscanf(v, "%u:%u", &sp, &dp) != 2 || sp > 0xffff || dp > 0xffff)
			usage_fail("encap", v);
		sa->encap_sport = (uint16_t)sp;
		sa->encap_dport = (uint16_t)dp;
	}
}

static void policy_args(const struct args *a, struct kernel_policy *p)
{
	static const char *const dirs[] = { "in", "out", "fwd" };
	static const char *const classes[] = { "pass", "ipsec", "trap", "fallback" };
	const char *v;

	prefix(&p->sel.src, &p->sel.src_plen, need(a, "src"), "src");
	prefix(&p->sel.dst, &p->sel.dst_plen, need(a, "dst"), "dst");
	p->sel.proto = (uint8_t)num(a, "ipproto", 0);
	p->sel.sport = (uint16_t)num(a, "sport", 0);
	p->sel.dport = (uint16_t)num(a, "dport", 0);
	v = need(a, "dir");
	p->dir = (enum kernel_dir)3;
	for (int i = 0; i < 3; i++)
		if (strcmp(v, dirs[i]) == 0)
			p->dir = (enum kernel_dir)i;
	if (p->dir > KERNEL_DIR_FWD)
		usage_fail("dir", v);
	v = arg(a, "action");
	p->action = v && strcmp(v, "block") == 0 ? KERNEL_BLOCK : KERNEL_ALLOW;
	p->prio_class = KERNEL_PRIO_IPSEC;
	if ((v = arg(a, "class")))
		for (int i = 0; i < 4; i++)
			if (strcmp(v, classes[i]) == 0)
				p->prio_class = (enum kernel_prio_class)i;
	mark_arg(a, &p->mark);
	p->if_id = (uint32_t)num(a, "if_id", 0);
	p->priority = (uint32_t)num(a, "priority", 0);
	if ((v = arg(a, "tmpl"))) {
		char buf[256], *s, *d;

		p->has_tmpl = 1;
		p->tmpl.reqid = (uint32_t)num(a, "reqid", KERNEL_REQID_MIN);
		p->tmpl.proto = proto_arg(a, "tproto");
		snprintf(buf, sizeof(buf), "%s", v);
		if (strcmp(buf, "transport") == 0) {
			p->tmpl.mode = KERNEL_MODE_TRANSPORT;
			return;
		}
		/* tunnel:SRC:DST; IPv6 endpoints are separated by '|' instead */
		s = strchr(buf, strchr(buf, '|') ? '|' : ':');
		d = s ? strchr(s + 1, strchr(buf, '|') ? '|' : ':') : NULL;
		if (strncmp(buf, "tunnel", 6) != 0 || !s || !d)
			usage_fail("tmpl", v);
		*d++ = '\0';
		p->tmpl.mode = KERNEL_MODE_TUNNEL;
		host(&p->tmpl.src, s + 1, "tmpl");
		host(&p->tmpl.dst, d, "tmpl");
	}
}

static void print_sel(const struct kernel_selector *s)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	printf(" sel=%s/%u,%s/%u proto=%u sport=%u dport=%u",
	       addr_host_str(&s->src, a, sizeof(a)), s->src_plen,
	       addr_host_str(&s->dst, b, sizeof(b)), s->dst_plen, s->proto, s->sport, s->dport);
}

static int events_seen;

static void on_acquire(void *arg, const struct kernel_acquire *acq)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	printf("ACQUIRE reqid=%#x proto=%u src=%s dst=%s dir=%d index=%u", acq->reqid, acq->proto,
	       addr_host_str(&acq->src, a, sizeof(a)), addr_host_str(&acq->dst, b, sizeof(b)),
	       (int)acq->dir, acq->policy_index);
	print_sel(&acq->sel);
	printf("\n");
	events_seen++;
}

static void on_expire(void *arg, const struct kernel_sa_id *id, uint32_t reqid, int hard)
{
	char a[ADDR_STRLEN];

	printf("EXPIRE %s spi=%#x proto=%u dst=%s reqid=%#x\n", hard ? "hard" : "soft", id->spi,
	       id->proto, addr_host_str(&id->dst, a, sizeof(a)), reqid);
	events_seen++;
}

static void on_policy_expire(void *arg, const struct kernel_selector *sel, enum kernel_dir dir,
			     uint32_t index, int hard)
{
	printf("POLEXPIRE %s dir=%d index=%u", hard ? "hard" : "soft", (int)dir, index);
	print_sel(sel);
	printf("\n");
	events_seen++;
}

static void on_mapping(void *arg, const struct kernel_sa_id *id, const struct addr *old_peer,
		       const struct addr *new_peer)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	printf("MAPPING spi=%#x old=%s new=%s\n", id->spi, addr_str(old_peer, a, sizeof(a)),
	       addr_str(new_peer, b, sizeof(b)));
	events_seen++;
}

static void on_resync(void *arg)
{
	printf("RESYNC\n");
	events_seen++;
}

static int listen_events(struct kernel *k, const struct args *a)
{
	uint64_t count = num(a, "count", 1), timeout = num(a, "timeout", 10);
	uint64_t delay = num(a, "delay", 0), rcvbuf = num(a, "rcvbuf", 0);
	struct timespec now;
	time_t end;
	int fd = kernel_event_fd(k);

	if (rcvbuf) {
		int v = (int)rcvbuf;

		/* Test hook: a tiny buffer provokes ENOBUFS on purpose. */
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v));
	}
	printf("LISTENING\n");
	fflush(stdout);
	if (delay)
		sleep((unsigned)delay);
	clock_gettime(CLOCK_MONOTONIC, &now);
	end = now.tv_sec + (time_t)timeout;
	while ((uint64_t)events_seen < count && now.tv_sec < end) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (poll(&pfd, 1, 200) > 0 && kernel_dispatch(k) < 0)
			return 1;
		fflush(stdout);
		clock_gettime(CLOCK_MONOTONIC, &now);
	}
	return (uint64_t)events_seen >= count ? 0 : 1;
}

static int bypass_test(void)
{
	int fd4 = socket(AF_INET, SOCK_DGRAM, 0), fd6 = socket(AF_INET6, SOCK_DGRAM, 0);
	int rc = fd4 < 0 || fd6 < 0 || kernel_bypass_socket(fd4, AF_INET) < 0 ||
		 kernel_bypass_socket(fd6, AF_INET6) < 0;

	if (fd4 >= 0)
		close(fd4);
	if (fd6 >= 0)
		close(fd6);
	printf("bypass %s\n", rc ? "failed" : "ok");
	return rc;
}

static int udp_send(const struct args *a)
{
	struct addr dst;
	uint64_t count = num(a, "count", 1);
	int fd = socket(AF_INET, SOCK_DGRAM, 0), sent = 0;

	host(&dst, need(a, "dst"), "dst");
	if (fd < 0 || addr_family(&dst) != AF_INET)
		usage_fail("dst (IPv4)", arg(a, "dst"));
	addr_set_port(&dst, (uint16_t)num(a, "port", 9));
	for (uint64_t i = 0; i < count; i++) {
		/* EAGAIN/EPERM are expected while the kernel holds the flow for an SA */
		if (sendto(fd, "x", 1, MSG_DONTWAIT, &dst.u.sa, addr_socklen(&dst)) == 1)
			sent++;
		dst.u.sin.sin_addr.s_addr = htonl(ntohl(dst.u.sin.sin_addr.s_addr) + 1);
	}
	close(fd);
	printf("sent %d of %llu\n", sent, (unsigned long long)count);
	return 0;
}

static int run(struct kernel *k, const char *cmd, const struct args *a)
{
	struct kernel_sa sa = { 0 };
	struct kernel_policy p = { 0 };
	struct kernel_sa_stats st;
	struct addr src, dst;
	uint32_t spi;

	if (strcmp(cmd, "spi") == 0) {
		host(&src, need(a, "src"), "src");
		host(&dst, need(a, "dst"), "dst");
		if (kernel_alloc_spi(k, &src, &dst, proto_arg(a, "proto"),
				     (uint32_t)num(a, "reqid", KERNEL_REQID_MIN),
				     (uint32_t)num(a, "min", 0xc0000000u),
				     (uint32_t)num(a, "max", 0xcfffffffu), &spi) < 0)
			return 1;
		printf("spi=%#x\n", spi);
		return 0;
	}
	if (strcmp(cmd, "sa-add") == 0 || strcmp(cmd, "sa-upd") == 0) {
		sa_args(a, &sa);
		return (cmd[3] == 'a' ? kernel_add_sa(k, &sa) : kernel_update_sa(k, &sa)) < 0;
	}
	if (strcmp(cmd, "sa-del") == 0) {
		sa_id_args(a, &sa.id);
		return kernel_del_sa(k, &sa.id) < 0;
	}
	if (strcmp(cmd, "sa-query") == 0) {
		sa_id_args(a, &sa.id);
		if (kernel_query_sa(k, &sa.id, &st) < 0)
			return 1;
		printf("bytes=%llu packets=%llu add_time=%llu use_time=%llu\n",
		       (unsigned long long)st.bytes, (unsigned long long)st.packets,
		       (unsigned long long)st.add_time, (unsigned long long)st.use_time);
		return 0;
	}
	if (strncmp(cmd, "pol-", 4) == 0) {
		policy_args(a, &p);
		if (strcmp(cmd, "pol-add") == 0)
			return kernel_add_policy(k, &p) < 0;
		if (strcmp(cmd, "pol-upd") == 0)
			return kernel_update_policy(k, &p) < 0;
		if (strcmp(cmd, "pol-del") == 0)
			return kernel_del_policy(k, &p) < 0;
	}
	if (strcmp(cmd, "flush") == 0)
		return kernel_flush_own(k) < 0;
	if (strcmp(cmd, "listen") == 0)
		return listen_events(k, a);
	if (strcmp(cmd, "bypass-test") == 0)
		return bypass_test();
	if (strcmp(cmd, "udp") == 0)
		return udp_send(a);
	usage_fail("command", cmd);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct kernel_events ev = {
		.on_acquire = on_acquire,
		.on_expire = on_expire,
		.on_policy_expire = on_policy_expire,
		.on_mapping = on_mapping,
		.on_resync = on_resync,
	};
	struct args a = { 0 };
	struct kernel *k;
	int rc;

	if (argc < 2)
		usage_fail("command", NULL);
	log_init("kctl", 0);
	for (int i = 2; i < argc && a.n < MAX_ARGS; i++, a.n++) {
		char *eq = strchr(argv[i], '=');

		a.key[a.n] = argv[i];
		a.val[a.n] = eq ? eq + 1 : NULL;
		if (eq)
			*eq = '\0';
	}
	if (getenv("KCTL_DEBUG"))
		log_set_all(LL_DEBUG);
	k = kernel_xfrm_new(&ev);
	if (!k)
		return 1;
	rc = run(k, argv[1], &a);
	kernel_free(k);
	return rc;
}

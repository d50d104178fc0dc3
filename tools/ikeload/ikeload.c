/*
 * ikeload: IKEv2 load generator.  Runs many initiator handshakes (hs.c)
 * at once against one responder, each from its own source address, and
 * prints rate, latency percentiles and why handshakes failed.
 *
 *   ikeload -p 192.0.2.2 -k PSK [-c in-flight] [-n count | -t seconds]
 *           [--hold N] [--init-only | --childless] [--flood PPS] [--rate R] ...
 *
 * Phases: with --hold N, N IKE SAs are first established and kept (never
 * deleted); then the measured phase runs, deleting each IKE SA once its
 * IKE_AUTH is verified unless --keep.  --flood adds spoofed IKE_SA_INIT
 * requests at PPS during the measured phase.  The source addresses come
 * from --src (default 10.16.0.0/12), which must be routed to the local
 * host in the generator's namespace:  ip route add local 10.16.0.0/12 dev lo
 * The last line, "RESULT k=v ...", is for scripts.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <arpa/inet.h>

#include "ike/codec/names.h"
#include "ike/crypto/proposal.h"
#include "ike/crypto/xform.h"
#include "tools/ikeload/flood.h"
#include "tools/ikeload/ikeload.h"

#define MAX_INFLIGHT	4096
#define TICK_MS		5

struct phase {
	const char *name;
	unsigned long target;		/* handshakes to finish; 0: until deadline */
	double duration;		/* seconds; 0: until target */
	double rate;			/* starts per second; 0: saturation */
	int keep;
	double flood_pps;
};

struct stats {
	unsigned long started, finished, res[HR_NRESULTS];
	unsigned long cookies, invalid_ke, child_ok, child_err;
	uint16_t last_err;
	double *lat;
	size_t nlat, caplat;
	double t0, t1, cpu0, cpu1;
};

static struct load_opts opt;
static struct hs slots[MAX_INFLIGHT];
static unsigned inflight = 64;
static uint32_t src_net, src_mask;	/* host order; mask = host bits */
static uint32_t next_seq;
static int epfd = -1;

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ikeload -p RESPONDER -k PSK [options]\n"
		"  -p, --peer ADDR        responder (IPv4, port 500)\n"
		"  -k, --psk KEY          pre-shared key\n"
		"  -c, --inflight N       handshakes in flight (default 64, max %d)\n"
		"  -n, --count N          handshakes to finish (default 1000)\n"
		"  -t, --duration S       or run for S seconds\n"
		"  -r, --rate R           start at most R handshakes/s (default: saturation)\n"
		"      --hold N           first establish N IKE SAs and keep them\n"
		"      --keep             do not delete the measured IKE SAs either\n"
		"      --init-only        IKE_SA_INIT only (no IKE_AUTH)\n"
		"      --childless        IKE_AUTH without a CHILD SA (RFC 6023; the responder\n"
		"                         needs childless = allow)\n"
		"      --flood PPS        spoofed IKE_SA_INIT requests per second meanwhile\n"
		"      --proposal P       IKE proposal(s), comma separated\n"
		"                         (default aes256gcm16-prfsha256-x25519)\n"
		"      --esp P            CHILD SA proposal (default aes256gcm16)\n"
		"      --ke GROUP         send this group's KE first (e.g. ecp256)\n"
		"      --id FMT           IDi (FQDN), %%u = handshake number (default load-%%u.example)\n"
		"      --peer-id ID       expected IDr\n"
		"      --src NET/LEN      source addresses (default 10.16.0.0/12)\n"
		"      --ke-reuse N       handshakes per initiator key pair (default 1000)\n"
		"      --rto S            first retransmission timeout, doubled each time (default 2)\n"
		"      --tries N          transmissions per request (default 3)\n",
		MAX_INFLIGHT);
}

static int parse_src(const char *s)
{
	char buf[64], *slash;
	struct in_addr a;
	long len;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	len = strtol(slash + 1, NULL, 10);
	if (inet_pton(AF_INET, buf, &a) != 1 || len < 8 || len > 24)
		return -1;
	src_mask = (1u << (32 - len)) - 1;
	src_net = ntohl(a.s_addr) & ~src_mask;
	return 0;
}

/* Legitimate sources: the lower half of the block, skipping .0. */
static void next_src(struct sockaddr_in *sa)
{
	uint32_t span = (src_mask + 1) / 2 - 1;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(500);
	sa->sin_addr.s_addr = htonl(src_net | (1 + next_seq % span));
}

static void record(struct stats *st, struct hs *h, double now)
{
	st->finished++;
	st->res[h->result]++;
	st->cookies += h->cookies;
	st->invalid_ke += h->invalid_ke;
	if (h->result == HR_REFUSED)
		st->last_err = h->err_notify;
	if (h->result != HR_OK)
		return;
	if (h->child_ok)
		st->child_ok++;
	else if (h->child_err) {
		st->child_err++;
		st->last_err = h->child_err;
	}
	if (st->nlat == st->caplat) {
		size_t cap = st->caplat ? st->caplat * 2 : 4096;
		double *n = realloc(st->lat, cap * sizeof(*n));

		if (!n)
			return;
		st->lat = n;
		st->caplat = cap;
	}
	st->lat[st->nlat++] = now - h->t_start;
}

static void slot_end(struct stats *st, struct hs *h, const struct phase *ph, double now)
{
	record(st, h, now);
	if (h->state == HS_DONE && !ph->keep && !opt.init_only)
		hs_delete(h);
	epoll_ctl(epfd, EPOLL_CTL_DEL, h->fd, NULL);
	hs_release(h);
	h->state = HS_IDLE;
}

static int slot_start(struct stats *st, struct hs *h, double now)
{
	struct sockaddr_in src;
	struct epoll_event ev;

	next_src(&src);
	st->started++;
	if (hs_start(h, &opt, &src, next_seq++, now) < 0)
		return -1;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u32 = (uint32_t)(h - slots);
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, h->fd, &ev) < 0) {
		h->state = HS_FAILED;
		h->result = HR_LOCAL;
		return -1;
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const struct stats *st, double p)
{
	size_t i;

	if (!st->nlat)
		return 0;
	i = (size_t)ceil(p / 100.0 * (double)st->nlat);
	return st->lat[i ? i - 1 : 0] * 1000.0;
}

static void report(const struct phase *ph, struct stats *st, const struct flood *fl)
{
	double el = st->t1 - st->t0, cpu = st->cpu1 - st->cpu0;
	unsigned long ok = st->res[HR_OK];
	char nb[48];

	qsort(st->lat, st->nlat, sizeof(double), cmp_double);
	printf("ikeload %s: %lu finished in %.2f s: %lu ok (%.1f/s)", ph->name, st->finished, el, ok,
	       el > 0 ? (double)ok / el : 0.0);
	for (int r = HR_OK + 1; r < HR_NRESULTS; r++)
		if (st->res[r])
			printf(", %lu %s", st->res[r], hs_result_name((enum hs_result)r));
	printf("\n");
	printf("ikeload %s: latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f\n", ph->name,
	       pct(st, 50), pct(st, 90), pct(st, 99), pct(st, 100));
	if (!opt.init_only)
		printf("ikeload %s: CHILD SA: %lu created, %lu refused%s%s\n", ph->name,
		       st->child_ok, st->child_err, st->last_err ? ", last notify " : "",
		       st->last_err ? ike_notify_str(st->last_err, nb, sizeof(nb)) : "");
	printf("ikeload %s: %lu COOKIE and %lu INVALID_KE_PAYLOAD restarts; generator CPU %.1f us "
	       "per handshake\n", ph->name, st->cookies, st->invalid_ke,
	       st->finished ? cpu / (double)st->finished * 1e6 : 0.0);
	if (fl)
		printf("ikeload %s: flood sent %lu spoofed IKE_SA_INIT (%.0f/s), %lu answers\n",
		       ph->name, fl->sent, el > 0 ? (double)fl->sent / el : 0.0, fl->answers);
	printf("RESULT phase=%s ok=%lu failed=%lu seconds=%.3f rate=%.1f p50_ms=%.2f p90_ms=%.2f "
	       "p99_ms=%.2f max_ms=%.2f child_ok=%lu child_err=%lu cookies=%lu invalid_ke=%lu "
	       "gen_cpu_us=%.1f flood_sent=%lu\n", ph->name, ok, st->finished - ok, el,
	       el > 0 ? (double)ok / el : 0.0, pct(st, 50), pct(st, 90), pct(st, 99), pct(st, 100),
	       st->child_ok, st->child_err, st->cookies, st->invalid_ke,
	       st->finished ? cpu / (double)st->finished * 1e6 : 0.0, fl ? fl->sent : 0);
	fflush(stdout);
}

static void input(struct stats *st, struct hs *h, const struct phase *ph, double now)
{
	uint8_t buf[HS_MSG_MAX];
	ssize_t n;

	while (h->state != HS_IDLE && (n = recv(h->fd, buf, sizeof(buf), 0)) >= 0) {
		hs_input(h, &opt, buf, (size_t)n, now);
		if (h->state == HS_DONE || h->state == HS_FAILED)
			slot_end(st, h, ph, now);
	}
}

/* Timeouts and, when the phase still wants some, new handshakes. */
static void tick(struct stats *st, const struct phase *ph, double now, int starting,
		 double *credit)
{
	for (unsigned i = 0; i < inflight; i++) {
		struct hs *h = &slots[i];

		if (h->state == HS_INIT || h->state == HS_AUTH) {
			/* RFC 7296 2.4: the interval grows with each retransmission */
			if (now - h->t_sent >= opt.rto * (double)(1u << (h->sent - 1)))
				hs_timeout(h, &opt, now);
			if (h->state == HS_FAILED)
				slot_end(st, h, ph, now);
		}
		if (h->state != HS_IDLE || !starting || (ph->target && st->started >= ph->target))
			continue;
		if (ph->rate > 0) {
			if (*credit < 1)
				continue;
			*credit -= 1;
		}
		if (slot_start(st, h, now) < 0)
			slot_end(st, h, ph, now);
	}
}

static int run_phase(const struct phase *ph)
{
	struct epoll_event ev[256];
	struct flood fl, *flp = NULL;
	struct stats st;
	double now, last, credit = 0, fcredit = 0, deadline;
	int starting = 1;

	memset(&st, 0, sizeof(st));
	if (ph->flood_pps > 0) {
		uint16_t g = opt.first_group;

		for (size_t i = 0; !g && i < opt.ike[0].ntransforms; i++)
			if (opt.ike[0].xf[i].type == TT_KE)
				g = opt.ike[0].xf[i].id;
		if (flood_init(&fl, &opt, g) < 0) {
			fprintf(stderr, "ikeload: flood socket or template: %s\n", strerror(errno));
			return -1;
		}
		flp = &fl;
		memset(&ev[0], 0, sizeof(ev[0]));
		ev[0].events = EPOLLIN;
		ev[0].data.u32 = MAX_INFLIGHT;
		epoll_ctl(epfd, EPOLL_CTL_ADD, fl.fd, &ev[0]);
	}
	st.t0 = last = now = now_mono();
	st.cpu0 = now_cpu();
	deadline = ph->duration > 0 ? st.t0 + ph->duration : 0;
	for (;;) {
		int n;

		if (deadline && now >= deadline)
			starting = 0;
		if (ph->target && st.started >= ph->target)
			starting = 0;
		credit = fmin(credit + (now - last) * ph->rate, (double)inflight);
		if (flp) {
			fcredit = fmin(fcredit + (now - last) * ph->flood_pps, ph->flood_pps / 10 + 1);
			while (starting && fcredit >= 1) {
				fcredit -= 1;
				if (flood_send(flp, src_net, src_mask) < 0)
					break;
			}
		}
		last = now;
		tick(&st, ph, now, starting, &credit);
		if (!starting && st.finished >= st.started)
			break;
		n = epoll_wait(epfd, ev, 256, TICK_MS);
		now = now_mono();
		for (int i = 0; i < n; i++) {
			if (ev[i].data.u32 == MAX_INFLIGHT)
				flood_drain(flp);
			else if (ev[i].data.u32 < inflight)
				input(&st, &slots[ev[i].data.u32], ph, now);
		}
	}
	st.t1 = now_mono();
	st.cpu1 = now_cpu();
	report(ph, &st, flp);
	if (flp) {
		epoll_ctl(epfd, EPOLL_CTL_DEL, fl.fd, NULL);
		flood_close(flp);
	}
	free(st.lat);
	return st.res[HR_OK] ? 0 : 1;
}

static int parse_proposals(const char *s, uint8_t proto, struct ike_proposal *out, size_t max,
			   size_t *n)
{
	char why[256];

	if (proposal_parse(s, proto, out, max, n, why, sizeof(why)) < 0) {
		fprintf(stderr, "ikeload: proposal \"%s\": %s\n", s, why);
		return -1;
	}
	return 0;
}

enum { O_HOLD = 256, O_KEEP, O_INIT_ONLY, O_CHILDLESS, O_FLOOD, O_PROPOSAL, O_ESP, O_KE, O_ID, O_PEER_ID,
       O_SRC, O_KE_REUSE, O_RTO, O_TRIES };

static const struct option longopts[] = {
	{ "peer", required_argument, NULL, 'p' }, { "psk", required_argument, NULL, 'k' },
	{ "inflight", required_argument, NULL, 'c' }, { "count", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 't' }, { "rate", required_argument, NULL, 'r' },
	{ "hold", required_argument, NULL, O_HOLD }, { "keep", no_argument, NULL, O_KEEP },
	{ "init-only", no_argument, NULL, O_INIT_ONLY },
	{ "childless", no_argument, NULL, O_CHILDLESS },
	{ "flood", required_argument, NULL, O_FLOOD },
	{ "proposal", required_argument, NULL, O_PROPOSAL },
	{ "esp", required_argument, NULL, O_ESP }, { "ke", required_argument, NULL, O_KE },
	{ "id", required_argument, NULL, O_ID }, { "peer-id", required_argument, NULL, O_PEER_ID },
	{ "src", required_argument, NULL, O_SRC },
	{ "ke-reuse", required_argument, NULL, O_KE_REUSE },
	{ "rto", required_argument, NULL, O_RTO }, { "tries", required_argument, NULL, O_TRIES },
	{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	struct phase hold = { "hold", 0, 0, 0, 1, 0 }, run = { "run", 1000, 0, 0, 0, 0 };
	const char *prop = "aes256gcm16-prfsha256-x25519", *esp = "aes256gcm16", *peer = NULL;
	const struct ke_alg *ka;
	struct rlimit rl;
	size_t nesp;
	int c, rc = 0;

	opt.id_fmt = "load-%u.example";
	opt.ke_reuse = 1000;
	opt.rto = 2;
	opt.tries = 3;
	parse_src("10.16.0.0/12");
	while ((c = getopt_long(argc, argv, "p:k:c:n:t:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': peer = optarg; break;
		case 'k': opt.psk = optarg; opt.psk_len = strlen(optarg); break;
		case 'c': inflight = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'n': run.target = strtoul(optarg, NULL, 10); break;
		case 't': run.duration = atof(optarg); run.target = 0; break;
		case 'r': run.rate = hold.rate = atof(optarg); break;
		case O_HOLD: hold.target = strtoul(optarg, NULL, 10); break;
		case O_KEEP: run.keep = 1; break;
		case O_INIT_ONLY: opt.init_only = 1; break;
		case O_CHILDLESS: opt.childless = 1; break;
		case O_FLOOD: run.flood_pps = atof(optarg); break;
		case O_PROPOSAL: prop = optarg; break;
		case O_ESP: esp = optarg; break;
		case O_KE:
			if (!(ka = ke_by_keyword(optarg))) {
				fprintf(stderr, "ikeload: unknown KE group \"%s\"\n", optarg);
				return 2;
			}
			opt.first_group = ka->id;
			break;
		case O_ID: opt.id_fmt = optarg; break;
		case O_PEER_ID: opt.peer_id = optarg; break;
		case O_SRC:
			if (parse_src(optarg) < 0) {
				fprintf(stderr, "ikeload: --src wants an IPv4 NET/LEN, LEN 8..24\n");
				return 2;
			}
			break;
		case O_KE_REUSE: opt.ke_reuse = (unsigned)strtoul(optarg, NULL, 10); break;
		case O_RTO: opt.rto = atof(optarg); break;
		case O_TRIES: opt.tries = atoi(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	memset(&opt.peer, 0, sizeof(opt.peer));
	opt.peer.sin_family = AF_INET;
	opt.peer.sin_port = htons(500);
	if (!peer || inet_pton(AF_INET, peer, &opt.peer.sin_addr) != 1 || !opt.psk ||
	    inflight < 1 || inflight > MAX_INFLIGHT || opt.rto <= 0 || opt.tries < 1 ||
	    (!run.target && run.duration <= 0)) {
		usage(stderr);
		return 2;
	}
	if (parse_proposals(prop, PROTO_IKE, opt.ike, 4, &opt.nike) < 0 ||
	    parse_proposals(esp, PROTO_ESP, opt.esp, 1, &nesp) < 0)
		return 2;
	if (opt.first_group && !ke_lookup(opt.first_group))
		return 2;
	/* one socket per handshake in flight */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (unsigned i = 0; i < MAX_INFLIGHT; i++)
		slots[i].fd = -1;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return 1;
	if (hold.target)
		rc = run_phase(&hold);
	if (!rc)
		rc = run_phase(&run);
	kecache_free();
	return rc;
}

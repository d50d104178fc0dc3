/*
 * Install rate of the XFRM backend: N "CHILD_SA equivalents" (an SA pair
 * and an out/in policy pair, AES-GCM-16, tunnel mode) installed and then
 * removed, timed.  With gen=PREFIX it also writes PREFIX.add and PREFIX.del,
 * iproute2 batch files doing exactly the same, so a script can time
 * `ip -batch` on the same kernel (tests/vm/bench-kernel.sh).
 *
 *   bench_kernel [n=N] [gen=PREFIX]
 *
 * Needs root and an ESP-capable kernel.  Not a test: prints figures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>

#include "common/log.h"
#include "kernel/kernel.h"

#define SPI_BASE 0xc1000000u
#define KEY_LEN 20	/* AES-128 + 4-byte salt */

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Inner host addresses 10.100.x.y / 10.200.x.y for pair i. */
static void inner(char *buf, size_t len, int net, unsigned i)
{
	snprintf(buf, len, "10.%d.%u.%u", net, (i >> 8) & 0xff, i & 0xff);
}

static void make_sa(struct kernel_sa *sa, unsigned i, int inbound)
{
	memset(sa, 0, sizeof(*sa));
	addr_parse(&sa->src, inbound ? "192.168.100.2" : "192.168.100.1", 0);
	addr_parse(&sa->id.dst, inbound ? "192.168.100.1" : "192.168.100.2", 0);
	sa->id.spi = SPI_BASE + 2 * i + (unsigned)inbound;
	sa->id.proto = IPPROTO_ESP;
	sa->mode = KERNEL_MODE_TUNNEL;
	sa->reqid = KERNEL_REQID_MIN + i;
	sa->encr = KERNEL_ENCR_AES_GCM_16;
	sa->enc_key_len = KEY_LEN;
	for (size_t b = 0; b < KEY_LEN; b++)
		sa->enc_key[b] = (uint8_t)(i + b);
	sa->replay_window = 32;
}

static void make_policy(struct kernel_policy *p, unsigned i, int inbound)
{
	char a[32], b[32];

	memset(p, 0, sizeof(*p));
	inner(a, sizeof(a), 100, i);
	inner(b, sizeof(b), 200, i);
	addr_parse(&p->sel.src, inbound ? b : a, 0);
	addr_parse(&p->sel.dst, inbound ? a : b, 0);
	p->sel.src_plen = p->sel.dst_plen = 32;
	p->dir = inbound ? KERNEL_DIR_IN : KERNEL_DIR_OUT;
	p->prio_class = KERNEL_PRIO_IPSEC;
	p->has_tmpl = 1;
	p->tmpl.mode = KERNEL_MODE_TUNNEL;
	p->tmpl.proto = IPPROTO_ESP;
	p->tmpl.reqid = KERNEL_REQID_MIN + i;
	addr_parse(&p->tmpl.src, inbound ? "192.168.100.2" : "192.168.100.1", 0);
	addr_parse(&p->tmpl.dst, inbound ? "192.168.100.1" : "192.168.100.2", 0);
}

/* The same objects as iproute2 batch commands. */
static void batch_pair(FILE *add, FILE *del, unsigned i)
{
	for (int in = 0; in < 2; in++) {
		struct kernel_sa sa;
		struct kernel_policy p;
		char s[64], d[64], ts[64], td[64];

		make_sa(&sa, i, in);
		make_policy(&p, i, in);
		addr_host_str(&sa.src, s, sizeof(s));
		addr_host_str(&sa.id.dst, d, sizeof(d));
		fprintf(add, "xfrm state add src %s dst %s proto esp spi %#x reqid %u mode tunnel"
			" flag af-unspec replay-window 32 aead rfc4106(gcm(aes)) 0x", s, d,
			sa.id.spi, sa.reqid);
		for (size_t b = 0; b < sa.enc_key_len; b++)
			fprintf(add, "%02x", sa.enc_key[b]);
		fprintf(add, " 128\n");
		fprintf(del, "xfrm state delete src %s dst %s proto esp spi %#x\n", s, d, sa.id.spi);
		addr_host_str(&p.sel.src, ts, sizeof(ts));
		addr_host_str(&p.sel.dst, td, sizeof(td));
		fprintf(add, "xfrm policy add src %s/32 dst %s/32 dir %s priority %u"
			" tmpl src %s dst %s proto esp reqid %u mode tunnel\n", ts, td,
			in ? "in" : "out", kernel_policy_priority(&p), s, d, p.tmpl.reqid);
		fprintf(del, "xfrm policy delete src %s/32 dst %s/32 dir %s\n", ts, td,
			in ? "in" : "out");
	}
}

static int write_batches(const char *prefix, unsigned n)
{
	char an[512], dn[512];
	FILE *add, *del;

	snprintf(an, sizeof(an), "%s.add", prefix);
	snprintf(dn, sizeof(dn), "%s.del", prefix);
	add = fopen(an, "w");
	del = fopen(dn, "w");
	if (!add || !del) {
		fprintf(stderr, "bench_kernel: cannot write %s / %s: %s\n", an, dn, strerror(errno));
		if (add)
			fclose(add);
		if (del)
			fclose(del);
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		batch_pair(add, del, i);
	fclose(add);
	fclose(del);
	return 0;
}

static int install(struct kernel *k, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		for (int in = 0; in < 2; in++) {
			struct kernel_sa sa;
			struct kernel_policy p;

			make_sa(&sa, i, in);
			make_policy(&p, i, in);
			if (kernel_add_sa(k, &sa) < 0 || kernel_add_policy(k, &p) < 0)
				return -1;
		}
	}
	return 0;
}

static int uninstall(struct kernel *k, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		for (int in = 0; in < 2; in++) {
			struct kernel_sa sa;
			struct kernel_policy p;

			make_sa(&sa, i, in);
			make_policy(&p, i, in);
			if (kernel_del_policy(k, &p) < 0 || kernel_del_sa(k, &sa.id) < 0)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n = 1000;
	const char *gen = NULL;
	struct kernel *k;
	double t0, t1, t2;
	int rc = 1;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "n=", 2) == 0)
			n = (unsigned)strtoul(argv[i] + 2, NULL, 0);
		else if (strncmp(argv[i], "gen=", 4) == 0)
			gen = argv[i] + 4;
		else {
			fprintf(stderr, "usage: bench_kernel [n=N] [gen=PREFIX]\n");
			return 2;
		}
	}
	if (n == 0 || n > 65536) {
		fprintf(stderr, "bench_kernel: n=%u, want 1..65536\n", n);
		return 2;
	}
	log_init("bench_kernel", 0);
	if (gen)
		return write_batches(gen, n) < 0;
	k = kernel_xfrm_new(NULL);
	if (!k)
		return 1;
	t0 = now_s();
	if (install(k, n) < 0)
		goto out;
	t1 = now_s();
	if (uninstall(k, n) < 0)
		goto out;
	t2 = now_s();
	printf("backend: %u SA pairs + %u policies installed in %.3f s (%.0f pairs/s, %.0f objects/s),"
	       " removed in %.3f s\n", n, 2 * n, t1 - t0, n / (t1 - t0), 4 * n / (t1 - t0), t2 - t1);
	printf("backend_install_s=%.6f backend_remove_s=%.6f\n", t1 - t0, t2 - t1);
	rc = 0;
out:
	kernel_free(k);
	return rc;
}

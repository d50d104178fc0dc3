/*
 * Two engines in one process: each with its own configuration (written to
 * a temporary file and loaded by the real loader), an in-memory kernel,
 * fixed nonces and a captured sender.  Datagrams wait in one queue until
 * the test delivers them (pair_pump), so a test can drop, duplicate or
 * inspect any message.  Optionally every delivered datagram is written to
 * a pcap file (raw IPv4/UDP) for tshark.
 */
#ifndef TESTS_ENGINE_PAIR_H
#define TESTS_ENGINE_PAIR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <check.h>

#include "common/loop.h"
#include "ike/core/conf.h"
#include "ike/engine/ike_sa.h"

#define PAIR_A	0
#define PAIR_B	1
#define PAIR_C	2	/* pair_setup3() only */
#define PAIR_MAX	3

struct pair_pkt {
	struct pair_pkt *next;
	int from;
	struct addr src, dst;
	size_t len;
	uint8_t data[];
};

struct pair;
/* Return 1 to drop this datagram instead of delivering it. */
typedef int (*pair_filter_fn)(struct pair *p, struct pair_pkt *pkt, void *arg);

struct pair_peer {
	struct pair *pair;
	int idx;
	struct engine *e;
	struct kernel *k;
	struct config *cfg;
	uint8_t nonce[32];
	size_t sent;
};

struct pair {
	struct loop *loop;
	struct pair_peer peer[PAIR_MAX];
	int npeers;		/* 2, or 3 after pair_setup3() */
	struct pair_pkt *head, **tail;
	pair_filter_fn filter;
	void *filter_arg;
	/* Called as each datagram is sent (the sender's state as it was then);
	 * the return value is ignored. */
	pair_filter_fn on_send;
	void *on_send_arg;
	size_t delivered, dropped;
	FILE *pcap;
};

/* Addresses: A is 192.0.2.1, B is 192.0.2.2. */
extern const char pair_conf_a[], pair_conf_b[];

/* Retransmissions of the engines pair_setup makes next; NULL (the
 * default): 20 ms, 30 ms, then giving up 45 ms later. */
extern const struct ike_retx_cfg *pair_retx;

/* Config texts (libconfig) for A and B; NULL: the defaults above. */
void pair_setup(struct pair *p, const char *conf_a, const char *conf_b);
/* Three engines: A 192.0.2.1, B 192.0.2.2, C 192.0.2.3; datagrams go to
 * the engine whose address is the destination (others are dropped). */
void pair_setup3(struct pair *p, const char *conf_a, const char *conf_b, const char *conf_c);
void pair_free(struct pair *p);
/* Deliver queued datagrams (and what they cause) until the queue is empty
 * or max were handled; returns how many were handled. */
size_t pair_pump(struct pair *p, size_t max);
/* The pair's loop runs on virtual time (loop_clock_virtual), from here. */
#define PAIR_T0_MS	1000000u

/* Run the loop (timers) for up to ms, pumping datagrams, until cond(p)
 * holds (cond NULL: the whole time).  1 if cond held. */
int pair_run(struct pair *p, unsigned ms, int (*cond)(struct pair *p));
/* Number of queued datagrams. */
size_t pair_queued(const struct pair *p);
/* Write every delivered datagram to path (pcap, LINKTYPE_RAW). */
void pair_pcap(struct pair *p, const char *path);

/* A configuration from libconfig text, through the real loader. */
struct config *pair_load_config(const char *text);
/* Reload side with text; the plan comes from the real comparison. */
void pair_reload(struct pair *p, int side, const char *text);
/* engine_initiate(A, "ab") that must succeed. */
void pair_initiate(struct pair *p);
/* Both first IKE SAs exist and are ESTABLISHED. */
int pair_established(struct pair *p);
/* Runs one suite (ENGINE_DEBUG=1 in the environment: debug log); exit status. */
int pair_main(Suite *s);

/* The SA of side's kernel that carries traffic to dst with spi, or NULL. */
const struct kernel_sa *pair_ksa(struct pair *p, int side, const char *dst, uint32_t spi);
/* One side's outbound SA is the other's inbound one: SPI, algorithms, keys. */
void pair_assert_sa_match(const struct kernel_sa *out, const struct kernel_sa *in);
/* A configuration text with from replaced by to (from must occur); free it. */
char *pair_conf_sub(const char *base, const char *from, const char *to);
/* pair_setup with pair_conf_a/b, from -> to substituted in each (NULL: as is). */
void pair_setup_sub(struct pair *p, const char *fa, const char *ta, const char *fb,
		    const char *tb);

/* Log lines from now on appended to buf (cleared first, NUL-terminated,
 * what does not fit is dropped); buf NULL: back to the normal log. */
void pair_log_capture(char *buf, size_t size);

/* After an EAP run (A the client, B the gateway): why NULL: both IKE SAs
 * up with AUTH from the EAP key, EAP identity eap_id on both, no EAP
 * state left, the CHILD SA installed; else nothing on either side and
 * why in log. */
void pair_assert_eap(struct pair *p, const char *name, const char *why, const char *eap_id,
		     const char *log);

/* The first IKE SA of side i, or NULL. */
struct ike_sa *pair_sa(struct pair *p, int i);
size_t pair_nsas(struct pair *p, int i);

#endif

/*
 * The daemon's metrics record (metrics_fmt.h): IKE and CHILD SAs by state,
 * per-connection up, per-child traffic from the kernel's SA counters,
 * handshake outcomes, rekeys, retransmissions, cookies, half-open SAs,
 * peers lost and reload results.  Built afresh for every scrape and every
 * "ikectl metrics": nothing is kept between them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "common/loop.h"
#include "ike/core/daemon.h"
#include "ike/core/metrics_fmt.h"

static const char *const ike_states[] = { "CREATED", "INIT_SENT", "INIT_RECEIVED", "AUTH_SENT",
					  "ESTABLISHED", "REKEYING", "REKEYED", "DELETING" };
static const char *const child_states[] = { "CREATED", "INSTALLING", "INSTALLED", "REKEYING",
					    "REKEYED", "DELETING" };
#define NSTATES 8

struct sa_tally {
	const char *conn, *child;	/* the filter: connection / child configuration */
	uint64_t by_state[NSTATES];
	uint64_t up;			/* IKE SAs ESTABLISHED or REKEYING */
	uint64_t bytes[2], packets[2];	/* in, out */
};

static void count_state(uint64_t *by_state, const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			by_state[i]++;
}

static void tally_ike(const struct engine_ike_sa_info *sa, void *arg)
{
	struct sa_tally *t = arg;

	count_state(t->by_state, ike_states, NSTATES, sa->state);
	if (!strcmp(sa->state, "ESTABLISHED") || !strcmp(sa->state, "REKEYING"))
		t->up++;
}

static void tally_child(const struct engine_child_sa_info *c, void *arg)
{
	struct sa_tally *t = arg;

	if (t->child && strcmp(t->child, c->child) != 0)
		return;
	count_state(t->by_state, child_states, sizeof(child_states) / sizeof(child_states[0]),
		    c->state);
	t->bytes[0] += c->bytes_in;
	t->bytes[1] += c->bytes_out;
	t->packets[0] += c->packets_in;
	t->packets[1] += c->packets_out;
}

/* A family with one unlabelled sample. */
static void single(struct ctl_enc *e, const char *name, const char *type, const char *help,
		   uint64_t v)
{
	metrics_family(e, name, type, help);
	metrics_sample(e, v, NULL);
	metrics_end(e);
}

static void by_state(struct ctl_enc *e, const char *name, const char *help,
		     const char *const *names, size_t n, const uint64_t *v)
{
	char lower[32];

	metrics_family(e, name, "gauge", help);
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; names[i][k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)tolower((unsigned char)names[i][k]);
		lower[k] = '\0';
		metrics_sample(e, v[i], (const char *const[]){ "state", lower, NULL });
	}
	metrics_end(e);
}

static void sas(struct daemon *d, struct ctl_enc *e)
{
	struct sa_tally all;
	size_t nchild = sizeof(child_states) / sizeof(child_states[0]);

	memset(&all, 0, sizeof(all));
	engine_list_ike_sas(d->engine, NULL, tally_ike, &all);
	by_state(e, "ikedaemon_ike_sas", "IKE SAs by state.", ike_states, NSTATES, all.by_state);
	memset(&all, 0, sizeof(all));
	engine_list_child_sas(d->engine, NULL, tally_child, &all);
	by_state(e, "ikedaemon_child_sas", "CHILD SAs by state.", child_states, nchild,
		 all.by_state);

	metrics_family(e, "ikedaemon_connection_up", "gauge",
		       "1 while the connection has an established IKE SA.");
	for (size_t i = 0; i < d->cfg->nconns; i++) {
		struct sa_tally t;

		memset(&t, 0, sizeof(t));
		engine_list_ike_sas(d->engine, d->cfg->conns[i].name, tally_ike, &t);
		metrics_sample(e, t.up ? 1 : 0,
			       (const char *const[]){ "conn", d->cfg->conns[i].name, NULL });
	}
	metrics_end(e);
}

/* Traffic of each configured child: the sum over its current CHILD SAs. */
static void traffic(struct daemon *d, struct ctl_enc *e, int packets)
{
	static const char *const dirs[2] = { "in", "out" };

	if (packets)
		metrics_family(e, "ikedaemon_child_sa_packets", "counter",
			       "ESP packets of the child's current CHILD SAs (kernel SA counters; "
			       "starts again when the SAs are replaced).");
	else
		metrics_family(e, "ikedaemon_child_sa_bytes", "counter",
			       "ESP payload bytes of the child's current CHILD SAs (kernel SA "
			       "counters; starts again when the SAs are replaced).");
	for (size_t i = 0; i < d->cfg->nconns; i++) {
		const struct conf_conn *c = &d->cfg->conns[i];

		for (size_t k = 0; k < c->nchildren; k++) {
			struct sa_tally t;

			memset(&t, 0, sizeof(t));
			t.child = c->children[k].name;
			engine_list_child_sas(d->engine, c->name, tally_child, &t);
			for (int dir = 0; dir < 2; dir++)
				metrics_sample(e, packets ? t.packets[dir] : t.bytes[dir],
					       (const char *const[]){ "conn", c->name, "child",
								      t.child, "direction",
								      dirs[dir], NULL });
		}
	}
	metrics_end(e);
}

static void engine_counters(struct daemon *d, struct ctl_enc *e)
{
	struct engine_stats st;

	engine_get_stats(d->engine, &st);
	single(e, "ikedaemon_ike_sas_half_open", "gauge",
	       "IKE SAs we answered IKE_SA_INIT for and that are not authenticated yet.",
	       st.ike_sas_half_open);
	single(e, "ikedaemon_handshakes_completed", "counter",
	       "IKE SAs established by IKE_SA_INIT and IKE_AUTH (not by a rekey).",
	       st.handshakes_completed);
	metrics_family(e, "ikedaemon_handshakes_failed", "counter",
		       "IKE SAs that ended before they were established, by cause.");
	for (unsigned i = 0; i < ENGINE_FAIL_MAX; i++)
		metrics_sample(e, st.handshakes_failed[i],
			       (const char *const[]){ "cause", engine_fail_name(i), NULL });
	metrics_end(e);
	single(e, "ikedaemon_ike_rekeys", "counter", "IKE SAs replaced by a rekey.", st.ike_rekeys);
	single(e, "ikedaemon_child_rekeys", "counter", "CHILD SAs replaced by a rekey.",
	       st.child_rekeys);
	single(e, "ikedaemon_retransmissions", "counter", "IKE requests sent again.",
	       st.retransmits);
	single(e, "ikedaemon_cookies_sent", "counter",
	       "COOKIE notifies sent in answer to IKE_SA_INIT (RFC 7296 2.6).", st.cookies_sent);
	single(e, "ikedaemon_dpd_failures", "counter",
	       "Established IKE SAs deleted because the peer stopped answering (DPD or any request).",
	       st.peers_lost);
	single(e, "ikedaemon_invalid_ike_spi_sent", "counter",
	       "INVALID_IKE_SPI sent for requests to unknown IKE SAs (RFC 7296 2.21.4).",
	       st.invalid_spi_sent);
	single(e, "ikedaemon_invalid_ike_spi_limited", "counter",
	       "Requests to unknown IKE SAs left unanswered by the rate limits.",
	       st.invalid_spi_limited);
	single(e, "ikedaemon_invalid_ike_spi_received", "counter",
	       "Unprotected INVALID_IKE_SPI received for an IKE SA we hold (liveness checked).",
	       st.invalid_spi_received);
	single(e, "ikedaemon_unique_refused", "counter",
	       "New IKE SAs refused because the peer has one already (unique = keep).",
	       st.unique_refused);
	single(e, "ikedaemon_unique_replaced", "counter",
	       "IKE SAs deleted for a newer one of the same peer (unique, INITIAL_CONTACT).",
	       st.unique_replaced);
	metrics_family(e, "ikedaemon_nat_peer_moves", "counter",
		       "A peer's NAT mapping changed (RFC 7296 2.23): IKE SAs moved, authenticated "
		       "messages from a new address not followed, kernel MAPPING events ignored.");
	metrics_sample(e, st.nat_peer_moves, (const char *const[]){ "result", "moved", NULL });
	metrics_sample(e, st.nat_moves_refused, (const char *const[]){ "result", "refused", NULL });
	metrics_sample(e, st.nat_mappings_ignored,
		       (const char *const[]){ "result", "mapping_ignored", NULL });
	metrics_end(e);
	single(e, "ikedaemon_ike_packets_dropped", "counter",
	       "IKE datagrams dropped: malformed, bad ICV, unknown SPI, replayed.",
	       st.packets_dropped);
	metrics_family(e, "ikedaemon_ike_fragments", "counter",
		       "IKE fragments (RFC 7383): sent, received and kept, dropped.");
	metrics_sample(e, st.frags_out, (const char *const[]){ "direction", "out", NULL });
	metrics_sample(e, st.frags_in, (const char *const[]){ "direction", "in", NULL });
	metrics_sample(e, st.frags_dropped, (const char *const[]){ "direction", "dropped", NULL });
	metrics_end(e);
	metrics_family(e, "ikedaemon_redirects", "counter",
		       "IKE redirects (RFC 5685): sent as gateway, followed and refused as client.");
	metrics_sample(e, st.redirects_sent, (const char *const[]){ "event", "sent", NULL });
	metrics_sample(e, st.redirects_followed, (const char *const[]){ "event", "followed", NULL });
	metrics_sample(e, st.redirects_refused, (const char *const[]){ "event", "refused", NULL });
	metrics_end(e);
	single(e, "ikedaemon_kernel_errors", "counter", "Kernel (XFRM) requests refused.",
	       st.kernel_errors);
	metrics_family(e, "ikedaemon_ike_bytes", "counter", "IKE datagram bytes (UDP payload).");
	metrics_sample(e, st.bytes_in, (const char *const[]){ "direction", "in", NULL });
	metrics_sample(e, st.bytes_out, (const char *const[]){ "direction", "out", NULL });
	metrics_end(e);
}

void metrics_collect(struct daemon *d, struct ctl_enc *e)
{
	ctl_begin_list(e, "families");
	metrics_family(e, "ikedaemon_info", "gauge", "Version and engine of this ikedaemon.");
	metrics_sample(e, 1, (const char *const[]){ "version", PACKAGE_VERSION, "engine",
						   engine_kind(), NULL });
	metrics_end(e);
	single(e, "ikedaemon_uptime_seconds", "gauge", "Seconds since ikedaemon started.",
	       (loop_now_ms(d->loop) - d->start_ms) / 1000);
	single(e, "ikedaemon_connections", "gauge", "Configured connections.", d->cfg->nconns);
	sas(d, e);
	traffic(d, e, 0);
	traffic(d, e, 1);
	engine_counters(d, e);
	metrics_family(e, "ikedaemon_reloads", "counter",
		       "Configuration reloads (SIGHUP, ikectl reload), by result.");
	metrics_sample(e, d->reloads, (const char *const[]){ "result", "applied", NULL });
	metrics_sample(e, d->reload_failures, (const char *const[]){ "result", "refused", NULL });
	metrics_end(e);
	ctl_end(e);
}

int metrics_text(struct daemon *d, enum metrics_format f, char **out, size_t *len)
{
	struct ctl_enc e;
	struct ctl_val root;
	const uint8_t *frame;
	size_t flen;
	uint8_t kind;
	char err[64];
	FILE *m;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (ctl_enc_init(&e, CTL_MSG_RESPONSE) < 0)
		return -1;
	metrics_collect(d, &e);
	if (ctl_enc_finish(&e, &frame, &flen) == 0 &&
	    ctl_decode(frame + 4, flen - 4, &kind, &root, err, sizeof(err)) == 0) {
		m = open_memstream(out, len);
		if (m) {
			metrics_render(&root, f, m);
			rc = fclose(m) == 0 ? 0 : -1;
		}
		ctl_val_free(&root);
	}
	ctl_enc_free(&e);
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

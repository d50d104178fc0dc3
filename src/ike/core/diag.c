/*
 * Per-connection memory of recent log lines and failures (diag.h).  Runs
 * on the loop thread only: the tap ignores lines logged without a context,
 * and only the engine, on the loop thread, sets one.
 */
#include "ike/core/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/strmap.h"
#include "ike/core/ctlproto.h"

#define DIAG_LINES	16
#define DIAG_LINE_MAX	400
#define DIAG_FAILS	4
#define DIAG_CONNS	1024
#define DIAG_NAME_MAX	128

struct diag_line {
	time_t when;
	char text[DIAG_LINE_MAX];
};

struct diag_fail {
	time_t when;
	uint64_t ike_sa_id;
	char cause[48];
};

struct diag_conn {
	char name[DIAG_NAME_MAX];	/* the map's key */
	struct diag_line lines[DIAG_LINES];
	unsigned nlines, line_next;
	struct diag_fail fails[DIAG_FAILS];
	unsigned nfails, fail_next;
	uint64_t failures;		/* handshakes failed since start */
};

struct diag {
	struct strmap by_name;
	struct diag_conn *conns[DIAG_CONNS];
	size_t nconns, reuse;		/* reuse: the next slot taken when full */
};

#define ADVICE_PROPOSALS \
	"No common proposal: compare the peer's \"received proposals\" with the " \
	"\"configured proposals\" in the lines above and add one the peer offers to this " \
	"connection's proposals (IKE) or the child's esp_proposals (CHILD SA)."
#define ADVICE_TS \
	"The traffic selectors do not fit: the peer's local_ts/remote_ts must lie within " \
	"this child's remote_ts/local_ts (the lines above show both)."

/*
 * Advice, first match wins: a failure cause or a word of the kept lines,
 * and what an operator should check.  Each is one short paragraph.
 */
static const struct {
	const char *seen;
	const char *advice;
} advice_table[] = {
	{ "NO_PROPOSAL_CHOSEN", ADVICE_PROPOSALS },
	{ "no proposal chosen", ADVICE_PROPOSALS },
	{ "AUTHENTICATION_FAILED",
	  "Authentication failed: both sides need the same pre-shared key for each other's "
	  "IDs (secrets), or the peer's certificate must chain to remote.cacerts and carry "
	  "the ID in remote.id; the lines above name the ID the peer sent and the check "
	  "that failed." },
	{ "TS_UNACCEPTABLE", ADVICE_TS },
	{ "fits no child", ADVICE_TS },
	{ "INVALID_KE_PAYLOAD",
	  "The peer guessed another key exchange group: one more round trip, harmless; "
	  "when it keeps failing, the groups of the two proposal lists do not meet." },
	{ "INTERNAL_ADDRESS_FAILURE",
	  "The client asked for a virtual address and the pool had none: see ikectl show "
	  "pools, make the pool larger or let offline leases go." },
	{ "timeout",
	  "The peer never answered: check that it runs, that UDP ports 500 and 4500 reach "
	  "it (firewall, NAT), and remote_addrs." },
	{ "no response",
	  "The peer stopped answering: check that it runs, that UDP ports 500 and 4500 "
	  "reach it (firewall, NAT), and remote_addrs." },
	{ "no connection for these addresses",
	  "A peer reached us from an address no connection accepts: check local_addrs and "
	  "remote_addrs." },
};

static void tap(const char *ctx, enum log_subsys sub, enum log_level lvl, const char *line,
		void *arg);

struct diag *diag_new(void)
{
	struct diag *g = calloc(1, sizeof(*g));

	if (g)
		log_set_tap(tap, g);
	return g;
}

void diag_free(struct diag *g)
{
	if (!g)
		return;
	log_set_tap(NULL, NULL);
	for (size_t i = 0; i < g->nconns; i++)
		free(g->conns[i]);
	strmap_free(&g->by_name);
	free(g);
}

/* The record of conn, made (or an old one reused) when missing. */
static struct diag_conn *conn_of(struct diag *g, const char *conn)
{
	struct diag_conn *c = strmap_get(&g->by_name, conn);
	size_t i;

	if (c || strlen(conn) >= DIAG_NAME_MAX)
		return c;
	if (g->nconns < DIAG_CONNS) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		i = g->nconns++;
	} else {
		/* full: forget the oldest; the map is rebuilt without it */
		i = g->reuse;
		g->reuse = (g->reuse + 1) % DIAG_CONNS;
		c = g->conns[i];
		memset(c, 0, sizeof(*c));
		strmap_free(&g->by_name);
		memset(&g->by_name, 0, sizeof(g->by_name));
		for (size_t k = 0; k < g->nconns; k++)
			if (k != i && strmap_put(&g->by_name, g->conns[k]->name, g->conns[k]) < 0)
				return NULL;
	}
	g->conns[i] = c;
	strcpy(c->name, conn);
	if (strmap_put(&g->by_name, c->name, c) < 0)
		return NULL;
	return c;
}

static void tap(const char *ctx, enum log_subsys sub, enum log_level lvl, const char *line,
		void *arg)
{
	struct diag_conn *c = conn_of(arg, ctx);
	struct diag_line *l;

	(void)sub;
	(void)lvl;
	if (!c)
		return;
	l = &c->lines[c->line_next];
	c->line_next = (c->line_next + 1) % DIAG_LINES;
	if (c->nlines < DIAG_LINES)
		c->nlines++;
	l->when = time(NULL);
	snprintf(l->text, sizeof(l->text), "%s", line);
}

void diag_event(struct diag *g, const struct engine_event *ev)
{
	struct diag_conn *c;
	struct diag_fail *f;

	if (!g || ev->kind != ENGINE_EV_IKE_STATE || !ev->reason || !ev->conn)
		return;
	c = conn_of(g, ev->conn);
	if (!c)
		return;
	f = &c->fails[c->fail_next];
	c->fail_next = (c->fail_next + 1) % DIAG_FAILS;
	if (c->nfails < DIAG_FAILS)
		c->nfails++;
	c->failures++;
	f->when = time(NULL);
	f->ike_sa_id = ev->ike_sa_id;
	snprintf(f->cause, sizeof(f->cause), "%s", ev->reason);
}

static const char *advice_for(const struct diag_conn *c)
{
	for (size_t a = 0; a < sizeof(advice_table) / sizeof(advice_table[0]); a++) {
		for (unsigned k = 0; k < c->nfails; k++)
			if (strstr(c->fails[k].cause, advice_table[a].seen))
				return advice_table[a].advice;
		for (unsigned k = 0; k < c->nlines; k++)
			if (strstr(c->lines[k].text, advice_table[a].seen))
				return advice_table[a].advice;
	}
	return NULL;
}

void diag_put(const struct diag *g, const char *conn, struct ctl_enc *resp)
{
	const struct diag_conn *c = g ? strmap_get(&g->by_name, conn) : NULL;
	time_t now = time(NULL);
	const char *advice;
	unsigned k, i;

	ctl_put_u64(resp, "failures_total", c ? c->failures : 0);
	ctl_begin_list(resp, "failures");
	for (k = 0; c && k < c->nfails; k++) {
		/* oldest first */
		i = (c->fail_next + DIAG_FAILS - c->nfails + k) % DIAG_FAILS;
		ctl_begin_rec(resp, NULL);
		ctl_put_u64(resp, "ago_s", now > c->fails[i].when ? (uint64_t)(now - c->fails[i].when) : 0);
		ctl_put_u64(resp, "ike_sa_id", c->fails[i].ike_sa_id);
		ctl_put_str(resp, "cause", c->fails[i].cause);
		ctl_end(resp);
	}
	ctl_end(resp);
	ctl_begin_list(resp, "lines");
	for (k = 0; c && k < c->nlines; k++) {
		i = (c->line_next + DIAG_LINES - c->nlines + k) % DIAG_LINES;
		ctl_begin_rec(resp, NULL);
		ctl_put_u64(resp, "ago_s", now > c->lines[i].when ? (uint64_t)(now - c->lines[i].when) : 0);
		ctl_put_str(resp, "text", c->lines[i].text);
		ctl_end(resp);
	}
	ctl_end(resp);
	advice = c ? advice_for(c) : NULL;
	if (advice)
		ctl_put_str(resp, "advice", advice);
}

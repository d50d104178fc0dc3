#include "ike/ctl/output.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ike/core/units.h"

#define KEY_WIDTH 14
#define STATS_KEY_WIDTH 27

static void kvw(int indent, int width, const char *key, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static void kvw(int indent, int width, const char *key, const char *fmt, va_list ap)
{
	char k[64];

	snprintf(k, sizeof(k), "%s:", key);
	printf("%*s%-*s ", indent, "", width, k);
	vprintf(fmt, ap);
	putchar('\n');
}

static void kv(int indent, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void kv(int indent, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvw(indent, KEY_WIDTH, key, fmt, ap);
	va_end(ap);
}

static void stat_kv(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stat_kv(const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvw(0, STATS_KEY_WIDTH, key, fmt, ap);
	va_end(ap);
}

static const char *str(const struct ctl_val *r, const char *name)
{
	const char *s = ctl_get_str(r, name);

	return s ? s : "?";
}

static uint64_t u64(const struct ctl_val *r, const char *name)
{
	uint64_t v = 0;

	ctl_get_u64(r, name, &v);
	return v;
}

/* "a, b, c" from a list of strings; "-" when empty. */
static const char *joined(const struct ctl_val *r, const char *name, char *buf, size_t size)
{
	const struct ctl_val *l = ctl_get(r, name);
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; l && l->type == CTL_T_LIST && i < l->nkids && off < size; i++)
		if (l->kids[i].type == CTL_T_STR)
			off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "",
						l->kids[i].str);
	return buf[0] ? buf : "-";
}

/* A configured time: "off" (0) or "3h 53m"; the same style as the SAs' timers. */
static const char *dur(uint64_t secs, char *buf, size_t size)
{
	if (!secs)
		return "off";
	return units_human_str(secs, buf, size);
}

/* How long ago something happened: "just now", "3h 53m ago"; "not yet" if !happened. */
static const char *ago(int happened, uint64_t secs, char *buf, size_t size)
{
	char h[32];

	if (!happened)
		return "not yet";
	if (!secs)
		return "just now";
	snprintf(buf, size, "%s ago", units_human_str(secs, h, sizeof(h)));
	return buf;
}

/* When a timer fires: "in 12m", or "never" (0: not scheduled). */
static const char *due(uint64_t secs, char *buf, size_t size)
{
	char h[32];

	if (!secs)
		return "never";
	snprintf(buf, size, "in %s", units_human_str(secs, h, sizeof(h)));
	return buf;
}

/* 1073741824 -> "1G" (binary units, as ike.conf writes them). */
static const char *count(uint64_t v, char *buf, size_t size)
{
	static const char suffix[] = "kMG";
	int i;

	if (!v)
		return "off";
	for (i = 2; i >= 0; i--) {
		uint64_t m = 1ULL << (10 * (i + 1));

		if (v % m == 0) {
			snprintf(buf, size, "%" PRIu64 "%c", v / m, suffix[i]);
			return buf;
		}
	}
	snprintf(buf, size, "%" PRIu64, v);
	return buf;
}

static const struct ctl_val *list(const struct ctl_val *r, const char *name)
{
	const struct ctl_val *l = ctl_get(r, name);

	return l && l->type == CTL_T_LIST ? l : NULL;
}

static void print_side(const char *key, const struct ctl_val *s)
{
	kv(2, key, "%s [%s], auth %s", str(s, "id"), str(s, "id_type"), str(s, "auth"));
}

static int set(const struct ctl_val *r, const char *key)
{
	const char *v = ctl_get_str(r, key);

	return v && *v;
}

/* "in X, out Y" of a pair of keys, or NULL when neither is set. */
static const char *pair_str(const struct ctl_val *r, const char *in, const char *out, char *buf,
			    size_t size)
{
	if (!set(r, in) && !set(r, out))
		return NULL;
	snprintf(buf, size, "in %s, out %s", set(r, in) ? str(r, in) : "-",
		 set(r, out) ? str(r, out) : "-");
	return buf;
}

/* The XFRM keys, only where a child sets them. */
static void print_child_xfrm(const struct ctl_val *ch)
{
	char a[128];

	if (pair_str(ch, "mark_in", "mark_out", a, sizeof(a)))
		kv(4, "marks", "%s%s", a, ctl_get_bool(ch, "mark_in_sa") ? " (in on the SA too)" : "");
	if (pair_str(ch, "set_mark_in", "set_mark_out", a, sizeof(a)))
		kv(4, "set marks", "%s", a);
	if (pair_str(ch, "if_id_in", "if_id_out", a, sizeof(a)))
		kv(4, "if_id", "%s", a);
	if (u64(ch, "priority"))
		kv(4, "priority", "%" PRIu64 " (fixed)", u64(ch, "priority"));
	if (!ctl_get_bool(ch, "copy_df") || !ctl_get_bool(ch, "copy_ecn") ||
	    strcmp(str(ch, "copy_dscp"), "out"))
		kv(4, "copy", "df %s, ecn %s, dscp %s", ctl_get_bool(ch, "copy_df") ? "yes" : "no",
		   ctl_get_bool(ch, "copy_ecn") ? "yes" : "no", str(ch, "copy_dscp"));
}

static void print_conn_child(const struct ctl_val *ch)
{
	char a[1024], b[32], c[32], d[32];

	printf("\n  child: %s\n", str(ch, "name"));
	kv(4, "mode", "%s", str(ch, "mode"));
	kv(4, "local ts", "%s", joined(ch, "local_ts", a, sizeof(a)));
	kv(4, "remote ts", "%s", joined(ch, "remote_ts", a, sizeof(a)));
	kv(4, "esp", "%s", strcmp(joined(ch, "esp_proposals", a, sizeof(a)), "-") ? a : "default");
	kv(4, "rekey", "%s, life %s, rand %s", dur(u64(ch, "rekey_time"), b, sizeof(b)),
	   dur(u64(ch, "life_time"), c, sizeof(c)), dur(u64(ch, "rand_time"), d, sizeof(d)));
	kv(4, "bytes", "rekey %s, life %s", count(u64(ch, "rekey_bytes"), b, sizeof(b)),
	   count(u64(ch, "life_bytes"), c, sizeof(c)));
	kv(4, "packets", "rekey %s, life %s", count(u64(ch, "rekey_packets"), b, sizeof(b)),
	   count(u64(ch, "life_packets"), c, sizeof(c)));
	kv(4, "start/close", "%s / %s", str(ch, "start_action"), str(ch, "close_action"));
	kv(4, "replay window", "%" PRIu64, u64(ch, "replay_window"));
	print_child_xfrm(ch);
	if (ctl_get_str(ch, "updown") && *ctl_get_str(ch, "updown"))
		kv(4, "updown", "%s%s", str(ch, "updown"),
		   ctl_get_bool(ch, "hostaccess") ? " (hostaccess)" : "");
}

void print_conns(const struct ctl_val *resp)
{
	const struct ctl_val *conns = list(resp, "conns"), *ch;
	char a[1024], b[32], c[32], d[32];
	size_t i, k;

	for (i = 0; conns && i < conns->nkids; i++) {
		const struct ctl_val *r = &conns->kids[i];

		printf("%sconnection: %s  (%s)\n", i ? "\n" : "", str(r, "name"), str(r, "source"));
		kv(2, "local addrs", "%s", joined(r, "local_addrs", a, sizeof(a)));
		kv(2, "remote addrs", "%s", joined(r, "remote_addrs", a, sizeof(a)));
		print_side("local", ctl_get(r, "local"));
		print_side("remote", ctl_get(r, "remote"));
		kv(2, "proposals", "%s", strcmp(joined(r, "proposals", a, sizeof(a)), "-") ? a : "default");
		kv(2, "rekey", "%s (over %s, rand %s), reauth %s",
		   dur(u64(r, "rekey_time"), b, sizeof(b)), dur(u64(r, "over_time"), c, sizeof(c)),
		   dur(u64(r, "rand_time"), d, sizeof(d)), dur(u64(r, "reauth_time"), a, sizeof(a)));
		kv(2, "dpd", "%s, action %s", dur(u64(r, "dpd_delay"), b, sizeof(b)), str(r, "dpd_action"));
		if (u64(r, "fragment_size"))
			kv(2, "fragmentation", "%s, fragment_size %" PRIu64, str(r, "fragmentation"),
			   u64(r, "fragment_size"));
		else
			kv(2, "fragmentation", "%s", str(r, "fragmentation"));
		ch = list(r, "children");
		for (k = 0; ch && k < ch->nkids; k++)
			print_conn_child(&ch->kids[k]);
	}
	if (!conns || !conns->nkids)
		printf("no connections configured\n");
}

void print_certs(const struct ctl_val *resp)
{
	const struct ctl_val *certs = list(resp, "certs");
	char a[1024];
	size_t i;

	for (i = 0; certs && i < certs->nkids; i++) {
		const struct ctl_val *r = &certs->kids[i];

		printf("%scertificate \"%s\"  (%s)\n", i ? "\n" : "", str(r, "subject"), str(r, "role"));
		kv(2, "issuer", "\"%s\"", str(r, "issuer"));
		kv(2, "serial", "0x%s", str(r, "serial"));
		kv(2, "altNames", "%s", joined(r, "sans", a, sizeof(a)));
		kv(2, "validity", "%s .. %s", str(r, "not_before"), str(r, "not_after"));
		kv(2, "key", "%s%s", str(r, "key"), ctl_get_bool(r, "private_key") ? ", private key loaded" : "");
		kv(2, "connections", "%s", joined(r, "conns", a, sizeof(a)));
	}
	if (!certs || !certs->nkids)
		printf("no certificates loaded\n");
}

static void no_engine_note(const struct ctl_val *resp, const char *what)
{
	if (strcmp(str(resp, "engine"), "none") == 0)
		printf("no %s (this ikedaemon has no IKE engine: it negotiates nothing)\n", what);
	else
		printf("no %s\n", what);
}

void print_sas(const struct ctl_val *resp)
{
	const struct ctl_val *sas = list(resp, "sas");
	char a[32], b[32], c[32], vip[256];
	size_t i;

	for (i = 0; sas && i < sas->nkids; i++) {
		const struct ctl_val *r = &sas->kids[i];

		printf("%sike sa %" PRIu64 ": %s, %s (%s)\n", i ? "\n" : "", u64(r, "id"),
		       str(r, "conn"), str(r, "state"),
		       ctl_get_bool(r, "initiator") ? "initiator" : "responder");
		kv(2, "local", "%s %s%s", str(r, "local"), str(r, "local_id"),
		   ctl_get_bool(r, "nat_local") ? " (behind NAT)" : "");
		kv(2, "remote", "%s %s%s", str(r, "remote"), str(r, "remote_id"),
		   ctl_get_bool(r, "nat_remote") ? " (behind NAT)" : "");
		kv(2, "spis", "%s_i %s_r", str(r, "spi_i"), str(r, "spi_r"));
		kv(2, "proposal", "%s", *str(r, "proposal") ? str(r, "proposal") : "(not negotiated yet)");
		kv(2, "established", "%s, rekey %s, reauth %s",
		   ago(ctl_get_bool(r, "established"), u64(r, "established_secs"), a, sizeof(a)),
		   due(u64(r, "rekey_in_secs"), b, sizeof(b)), due(u64(r, "reauth_in_secs"), c, sizeof(c)));
		kv(2, "children", "%" PRIu64, u64(r, "children"));
		if (ctl_get_bool(r, "fragmentation"))
			kv(2, "fragmentation", "negotiated (RFC 7383)");
		if (*str(r, "local_auth") || *str(r, "remote_auth"))
			kv(2, "auth", "local %s, remote %s", str(r, "local_auth"),
			   str(r, "remote_auth"));
		if (*str(r, "peer_cert"))
			kv(2, "peer cert", "\"%s\"", str(r, "peer_cert"));
		if (strcmp(joined(r, "vips", vip, sizeof(vip)), "-"))
			kv(2, "virtual ip", "%s", vip);
		if (strcmp(joined(r, "dns", vip, sizeof(vip)), "-"))
			kv(2, "dns", "%s", vip);
		if (*str(r, "eap_id"))
			kv(2, "eap identity", "\"%s\"", str(r, "eap_id"));
	}
	if (!sas || !sas->nkids)
		no_engine_note(resp, "IKE SAs");
}

void print_pools(const struct ctl_val *resp)
{
	const struct ctl_val *pools = list(resp, "pools");

	for (size_t i = 0; pools && i < pools->nkids; i++) {
		const struct ctl_val *p = &pools->kids[i], *ls = list(p, "leases");

		printf("%spool %s: %s, %" PRIu64 " addresses, %" PRIu64 " online, %" PRIu64
		       " offline\n", i ? "\n" : "", str(p, "name"), str(p, "addrs"), u64(p, "size"),
		       u64(p, "online"), u64(p, "offline"));
		for (size_t k = 0; ls && k < ls->nkids; k++)
			kv(2, str(&ls->kids[k], "addr"), "%s %s", str(&ls->kids[k], "id"),
			   ctl_get_bool(&ls->kids[k], "online") ? "online" : "offline");
	}
	if (!pools || !pools->nkids)
		no_engine_note(resp, "address pools");
}

void print_diagnose(const struct ctl_val *resp)
{
	const struct ctl_val *fails = list(resp, "failures"), *lines = list(resp, "lines");
	const char *advice = ctl_get_str(resp, "advice");
	char a[32];

	printf("%s: %" PRIu64 " IKE SA%s established, %" PRIu64 " in other states, %" PRIu64
	       " failed handshake%s since start\n", str(resp, "conn"),
	       u64(resp, "ike_sas_established"), u64(resp, "ike_sas_established") == 1 ? "" : "s",
	       u64(resp, "ike_sas_other"), u64(resp, "failures_total"),
	       u64(resp, "failures_total") == 1 ? "" : "s");
	if (fails && fails->nkids) {
		printf("\nlast failures:\n");
		for (size_t i = 0; i < fails->nkids; i++)
			printf("  %-12s IKE SA %" PRIu64 ": %s\n",
			       ago(1, u64(&fails->kids[i], "ago_s"), a, sizeof(a)),
			       u64(&fails->kids[i], "ike_sa_id"), str(&fails->kids[i], "cause"));
	}
	if (lines && lines->nkids) {
		printf("\nwhat the daemon logged about it:\n");
		for (size_t i = 0; i < lines->nkids; i++)
			printf("  %-12s %s\n", ago(1, u64(&lines->kids[i], "ago_s"), a, sizeof(a)),
			       str(&lines->kids[i], "text"));
	}
	if (!(fails && fails->nkids) && !(lines && lines->nkids))
		printf("\nnothing went wrong lately (no failure and no message logged for it)\n");
	if (advice && *advice)
		printf("\nadvice: %s\n", advice);
}

void print_children(const struct ctl_val *resp)
{
	const struct ctl_val *chs = list(resp, "children");
	char a[1024], b[32], c[32], d[32];
	size_t i;

	for (i = 0; chs && i < chs->nkids; i++) {
		const struct ctl_val *r = &chs->kids[i];

		printf("%schild sa %" PRIu64 ": %s/%s, %s, %s %s (ike sa %" PRIu64 ")\n", i ? "\n" : "",
		       u64(r, "id"), str(r, "conn"), str(r, "child"), str(r, "state"),
		       str(r, "mode"), str(r, "protocol"), u64(r, "ike_sa_id"));
		kv(2, "spis", "in %s, out %s, reqid %" PRIu64, str(r, "spi_in"), str(r, "spi_out"),
		   u64(r, "reqid"));
		kv(2, "proposal", "%s", str(r, "proposal"));
		kv(2, "local ts", "%s", joined(r, "local_ts", a, sizeof(a)));
		kv(2, "remote ts", "%s", joined(r, "remote_ts", a, sizeof(a)));
		kv(2, "traffic", "in %" PRIu64 " bytes / %" PRIu64 " packets, out %" PRIu64
		   " bytes / %" PRIu64 " packets", u64(r, "bytes_in"), u64(r, "packets_in"),
		   u64(r, "bytes_out"), u64(r, "packets_out"));
		kv(2, "installed", "%s, rekey %s, expires %s",
		   ago(strcmp(str(r, "state"), "CREATED") && strcmp(str(r, "state"), "INSTALLING"),
		       u64(r, "installed_secs"), b, sizeof(b)), due(u64(r, "rekey_in_secs"), c, sizeof(c)),
		   due(u64(r, "expire_in_secs"), d, sizeof(d)));
		if (u64(r, "mark_in_mask") || u64(r, "mark_out_mask"))
			kv(2, "marks", "in %#" PRIx64 "/%#" PRIx64 ", out %#" PRIx64 "/%#" PRIx64,
			   u64(r, "mark_in"), u64(r, "mark_in_mask"), u64(r, "mark_out"),
			   u64(r, "mark_out_mask"));
		if (u64(r, "if_id_in") || u64(r, "if_id_out"))
			kv(2, "if_id", "in %" PRIu64 ", out %" PRIu64, u64(r, "if_id_in"),
			   u64(r, "if_id_out"));
	}
	if (!chs || !chs->nkids)
		no_engine_note(resp, "CHILD SAs");
}

void print_kernel(const struct ctl_val *resp)
{
	const struct ctl_val *sas = list(resp, "sas"), *pols = list(resp, "policies");
	char a[256], b[256];
	size_t i;

	for (i = 0; sas && i < sas->nkids; i++) {
		const struct ctl_val *r = &sas->kids[i];

		printf("sa %s %s -> %s spi %s reqid %" PRIu64 " %s\n", str(r, "protocol"), str(r, "src"),
		       str(r, "dst"), str(r, "spi"), u64(r, "reqid"), str(r, "mode"));
		kv(2, "algorithms", "%s %s", str(r, "enc_alg"), str(r, "integ_alg"));
		kv(2, "traffic", "%" PRIu64 " bytes, %" PRIu64 " packets", u64(r, "bytes"), u64(r, "packets"));
	}
	for (i = 0; pols && i < pols->nkids; i++) {
		const struct ctl_val *r = &pols->kids[i];

		printf("policy %s %s -> %s %s reqid %" PRIu64 " priority %" PRIu64, str(r, "dir"),
		       joined(r, "src", a, sizeof(a)), joined(r, "dst", b, sizeof(b)),
		       str(r, "action"), u64(r, "reqid"), u64(r, "priority"));
		if (u64(r, "mark_mask"))
			printf(" mark %#" PRIx64 "/%#" PRIx64, u64(r, "mark"), u64(r, "mark_mask"));
		if (u64(r, "if_id"))
			printf(" if_id %" PRIu64, u64(r, "if_id"));
		printf("\n");
	}
	if ((!sas || !sas->nkids) && (!pols || !pols->nkids))
		printf("no kernel SAs or policies installed by ikedaemon\n");
}

void print_stats(const struct ctl_val *resp)
{
	char b[32];
	size_t i;

	stat_kv("engine", "%s", str(resp, "engine"));
	stat_kv("version", "%s", str(resp, "version"));
	stat_kv("uptime", "%s", units_human_str(u64(resp, "uptime_secs"), b, sizeof(b)));
	for (i = 0; i < resp->nkids; i++) {
		const struct ctl_val *v = &resp->kids[i];

		if (v->type == CTL_T_U64 && strcmp(v->name, "uptime_secs") != 0)
			stat_kv(v->name, "%" PRIu64, v->u64);
	}
}

static size_t nkids(const struct ctl_val *r, const char *name)
{
	const struct ctl_val *l = list(r, name);

	return l ? l->nkids : 0;
}

static void print_plan_list(const struct ctl_val *resp, const char *name, const char *verb)
{
	const struct ctl_val *l = list(resp, name);
	size_t i;

	for (i = 0; l && i < l->nkids; i++)
		printf("  %s connection %s\n", verb, l->kids[i].str);
}

/* "change connection site (rekey_time): keeps IKE SA 3" */
static void print_change(const struct ctl_val *c, int applied)
{
	const struct ctl_val *ids = list(c, "ike_sas");
	char a[512], b[512] = "";
	size_t off = 0, n = ids ? ids->nkids : 0;

	for (size_t k = 0; k < n && off < sizeof(b); k++)
		off += (size_t)snprintf(b + off, sizeof(b) - off, "%s%" PRIu64, k ? ", " : ": IKE SA ",
					ids->kids[k].u64);
	printf("  %s connection %s (%s)\n", applied ? "changed" : "change", str(c, "conn"),
	       joined(c, "fields", a, sizeof(a)));
	if (ctl_get_bool(c, "keeps_sas"))
		printf("    %s its SAs%s: the new settings apply from the next rekey or DPD check\n",
		       applied ? "kept" : "keeps", b);
	else
		printf("    %s its SAs%s (because of %s)\n", applied ? "replaced" : "replaces", b,
		       joined(c, "replaced_by", a, sizeof(a)));
}

void print_reload(const struct ctl_val *resp)
{
	int applied = ctl_get_bool(resp, "applied");
	const struct ctl_val *ch = list(resp, "change"), *w = list(resp, "warnings");
	char a[512];
	size_t i;

	for (i = 0; w && i < w->nkids; i++)
		fprintf(stderr, "%s\n", w->kids[i].str);
	printf(applied ? "reloaded:\n" : "a reload would:\n");
	print_plan_list(resp, "add", applied ? "added" : "add");
	print_plan_list(resp, "remove", applied ? "removed" : "remove");

	for (i = 0; ch && i < ch->nkids; i++)
		print_change(&ch->kids[i], applied);
	if (strcmp(joined(resp, "global_changed", a, sizeof(a)), "-"))
		printf("  %s global settings: %s\n", applied ? "changed" : "change", a);
	if (strcmp(joined(resp, "restart_needed", a, sizeof(a)), "-"))
		printf("  (a restart is needed for: %s)\n", a);
	if (ctl_get_bool(resp, "secrets_changed"))
		printf("  %s secrets\n", applied ? "changed" : "change");
	if (!nkids(resp, "add") && !nkids(resp, "remove") && !nkids(resp, "change") &&
	    !nkids(resp, "global_changed") && !ctl_get_bool(resp, "secrets_changed"))
		printf("  nothing changed\n");
}

void print_levels(const struct ctl_val *resp)
{
	const struct ctl_val *l = ctl_get(resp, "levels");
	size_t i;

	for (i = 0; l && l->type == CTL_T_REC && i < l->nkids; i++)
		kv(0, l->kids[i].name, "%s", l->kids[i].str ? l->kids[i].str : "?");
}

/* ": AUTHENTICATION_FAILED" when the event carries why; "" otherwise. */
static const char *reason_of(const struct ctl_val *ev)
{
	static char buf[200];

	if (!ctl_get_str(ev, "reason"))
		return "";
	snprintf(buf, sizeof(buf), ": %s", ctl_get_str(ev, "reason"));
	return buf;
}

void print_event(const struct ctl_val *ev)
{
	char t[16];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(t, sizeof(t), "%H:%M:%S", &tm);
	if (strcmp(str(ev, "event"), "log") == 0)
		printf("%s [%s] %s: %s\n", t, str(ev, "subsys"), str(ev, "level"), str(ev, "message"));
	else if (ctl_get(ev, "child"))
		printf("%s child %s/%s #%" PRIu64 ": %s -> %s%s%s%s%s\n", t, str(ev, "conn"),
		       str(ev, "child"), u64(ev, "child_sa_id"), str(ev, "old"), str(ev, "new"),
		       ctl_get(ev, "updown") ? " (" : "", ctl_get(ev, "updown") ? str(ev, "updown") : "",
		       ctl_get(ev, "updown") ? ")" : "", reason_of(ev));
	else
		printf("%s ike %s #%" PRIu64 ": %s -> %s%s\n", t, str(ev, "conn"), u64(ev, "ike_sa_id"),
		       str(ev, "old"), str(ev, "new"), reason_of(ev));
}

void print_done(const struct ctl_val *resp)
{
	printf("ok\n");
}

/* "2 CHILD SAs: DELETE sent"; "ok" when the daemon gave no count. */
static void counted(const struct ctl_val *resp, const char *field, const char *one,
		    const char *many, const char *what)
{
	uint64_t n;

	if (ctl_get_u64(resp, field, &n) < 0)
		printf("ok\n");
	else
		printf("%" PRIu64 " %s: %s\n", n, n == 1 ? one : many, what);
}

void print_terminated(const struct ctl_val *resp)
{
	if (ctl_get(resp, "child_sas"))
		counted(resp, "child_sas", "CHILD SA", "CHILD SAs", "DELETE sent");
	else
		counted(resp, "ike_sas", "IKE SA", "IKE SAs", "DELETE sent");
}

void print_installed(const struct ctl_val *resp)
{
	if (u64(resp, "children") == 0)
		printf("trap policies were installed already\n");
	else
		counted(resp, "children", "child", "children", "trap policies installed");
}

void print_uninstalled(const struct ctl_val *resp)
{
	counted(resp, "children", "child", "children", "trap policies removed");
}

void print_reauth(const struct ctl_val *resp)
{
	counted(resp, "ike_sas", "IKE SA", "IKE SAs",
		"reauthenticating (a new IKE SA first, then the old one is deleted)");
}

void print_redirected(const struct ctl_val *resp)
{
	counted(resp, "ike_sas", "IKE SA", "IKE SAs",
		"redirected (the client deletes it and connects to the new gateway)");
}

void print_errors(const struct ctl_val *resp)
{
	const struct ctl_val *l = list(resp, "errors");
	size_t i;

	for (i = 0; l && i < l->nkids; i++)
		fprintf(stderr, "%s\n", l->kids[i].str);
}

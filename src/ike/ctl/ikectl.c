/*
 * ikectl: talks to ikedaemon over its control socket (ikectl(8)).  Each
 * subcommand builds a request record, and prints the response for people
 * or, with --json, as JSON with the protocol's field names.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "common/log.h"
#include "ike/core/metrics_fmt.h"
#include "ike/core/units.h"
#include "ike/ctl/ctlclient.h"
#include "ike/ctl/output.h"
#include "ike/ctl/swanctl.h"

#define SWANCTL_FILE_MAX	(4u << 20)

#define DEFAULT_SOCKET IKE_RUNSTATEDIR "/ikedaemon.ctl"

struct invocation {
	const char *socket;
	int json;
	int argc;
	char **argv;		/* arguments after the subcommand, options removed */
	uint64_t wait_ms;	/* initiate/terminate: wait that long for the outcome, 0: not */
};

/* Exit statuses (ikectl(8)): scripts tell a refusal from a missing daemon. */
enum {
	EXIT_OK = 0,
	EXIT_REFUSED = 1,	/* the daemon answered no (unknown connection, no such SA) */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_UNREACHABLE = 3,	/* no daemon on the socket, permission denied, broken answer */
	EXIT_FAILED = 4,	/* initiate: the negotiation failed (the reason is printed) */
	EXIT_TIMEOUT = 5,	/* initiate, terminate: no outcome within --timeout */
};

#define WAIT_TIMEOUT_S	30	/* initiate and terminate, without --timeout */

typedef int (*subcmd_fn)(struct invocation *inv);

struct subcmd {
	const char *name;
	subcmd_fn fn;
	const char *args;
	const char *help;
};

static int cmd_help(struct invocation *inv);

/* Sends req, reads the response; 0 ok (resp filled), 1 daemon said no (printed), -1 broken. */
static int transact(struct invocation *inv, struct ctl_enc *req, struct ctl_val *resp)
{
	struct ctl_conn c;
	uint8_t kind;
	const char *err;
	char esc[2048];
	int ret = -1;

	if (ctl_connect(&c, inv->socket) < 0) {
		ctl_enc_free(req);
		return -1;
	}
	if (ctl_send(&c, req) == 0 && ctl_recv(&c, &kind, resp) == 0) {
		ret = 0;
		if (!inv->json)	/* JSON escapes by itself */
			ctl_val_escape(resp);
		if (kind != CTL_MSG_RESPONSE) {
			fprintf(stderr, "ikectl: expected a response from the daemon\n");
			ctl_val_free(resp);
			ret = -1;
		} else if (!ctl_get_bool(resp, "ok")) {
			err = ctl_get_str(resp, "error");
			print_errors(resp);
			fprintf(stderr, "ikectl: %s\n",
				err ? log_escape(esc, sizeof(esc), err) : "request failed");
			ret = 1;
		}
	} else if (c.eof) {
		fprintf(stderr, "ikectl: %s: the daemon closed the connection without a response "
			"(see its log)\n", inv->socket);
	}
	ctl_enc_free(req);
	ctl_disconnect(&c);
	return ret;
}

static int request(struct invocation *inv, const char *command, struct ctl_enc *req)
{
	if (ctl_enc_init(req, CTL_MSG_REQUEST) < 0)
		return -1;
	ctl_put_str(req, "command", command);
	return 0;
}

/* Runs a request that needs no more arguments than those already put. */
static int run(struct invocation *inv, struct ctl_enc *req, void (*human)(const struct ctl_val *))
{
	struct ctl_val resp;
	int ret = transact(inv, req, &resp);

	if (ret < 0)
		return EXIT_UNREACHABLE;
	if (ret == 0) {
		if (inv->json)
			json_print(stdout, &resp, 0);
		else if (human)
			human(&resp);
	} else if (inv->json) {
		json_print(stdout, &resp, 0);
	}
	ctl_val_free(&resp);
	return ret ? EXIT_REFUSED : EXIT_OK;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ikectl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'ikectl help')\n");
	return EXIT_USAGE;
}

/* show sa|child|conns|kernel|stats [CONN] */
static const struct {
	const char *what, *command;
	int takes_conn;
	void (*human)(const struct ctl_val *);
} shows[] = {
	{ "sa", "show-sa", 1, print_sas },
	{ "child", "show-child", 1, print_children },
	{ "conns", "show-conns", 1, print_conns },
	{ "kernel", "show-kernel", 0, print_kernel },
	{ "stats", "show-stats", 0, print_stats },
	{ "certs", "show-certs", 0, print_certs },
	{ "pools", "show-pools", 0, print_pools },
};

static int cmd_show(struct invocation *inv)
{
	struct ctl_enc req;
	size_t i;

	if (inv->argc < 1)
		return usage_error("show what? (sa, child, conns, kernel, stats, certs, pools)");
	for (i = 0; i < sizeof(shows) / sizeof(shows[0]); i++)
		if (strcmp(shows[i].what, inv->argv[0]) == 0)
			break;
	if (i == sizeof(shows) / sizeof(shows[0]))
		return usage_error("unknown 'show %s'", inv->argv[0]);
	if (inv->argc > 1 + shows[i].takes_conn)
		return usage_error("too many arguments for 'show %s'", inv->argv[0]);
	if (request(inv, shows[i].command, &req) < 0)
		return EXIT_UNREACHABLE;
	if (inv->argc == 2)
		ctl_put_str(&req, "conn", inv->argv[1]);
	return run(inv, &req, shows[i].human);
}

static int all_digits(const char *s);

/* --async, --timeout SECONDS into inv->wait_ms; the rest stays in inv->argv. */
static int wait_options(struct invocation *inv)
{
	uint64_t timeout_s = WAIT_TIMEOUT_S;
	int i, n = 0, async = 0;
	char *end;

	for (i = 0; i < inv->argc; i++) {
		if (strcmp(inv->argv[i], "--async") == 0) {
			async = 1;
		} else if (strcmp(inv->argv[i], "--timeout") == 0) {
			if (++i == inv->argc)
				return usage_error("--timeout needs SECONDS");
			errno = 0;
			timeout_s = strtoull(inv->argv[i], &end, 10);
			if (!all_digits(inv->argv[i]) || *end || errno || timeout_s == 0 ||
			    timeout_s > 3600)
				return usage_error("--timeout '%s': seconds, 1..3600", inv->argv[i]);
		} else {
			inv->argv[n++] = inv->argv[i];
		}
	}
	inv->argc = n;
	inv->wait_ms = async ? 0 : timeout_s * 1000;
	return 0;
}

static void print_outcome(const struct ctl_val *resp)
{
	const char *m = ctl_get_str(resp, "message");

	printf("%s\n", m ? m : "ok");
}

/* A request whose answer waits for the outcome (inv->wait_ms): exit 4 when
 * it failed, 5 when it did not come in time. */
static int run_waiting(struct invocation *inv, struct ctl_enc *req)
{
	struct ctl_val resp;
	const char *outcome;
	int ret;

	ctl_put_u64(req, "wait_ms", inv->wait_ms);
	ret = transact(inv, req, &resp);
	if (ret < 0)
		return EXIT_UNREACHABLE;
	if (inv->json)
		json_print(stdout, &resp, 0);
	else if (ret == 0)
		print_outcome(&resp);
	outcome = ctl_get_str(&resp, "outcome");
	if (ret && outcome)
		ret = strcmp(outcome, "timeout") == 0 ? EXIT_TIMEOUT : EXIT_FAILED;
	else
		ret = ret ? EXIT_REFUSED : EXIT_OK;
	ctl_val_free(&resp);
	return ret;
}

/* initiate CONN[/CHILD] [--timeout S] [--async]: by default waits for the outcome. */
static int cmd_initiate(struct invocation *inv)
{
	struct ctl_enc req;
	char *slash;
	int ike_only;

	if (wait_options(inv))
		return EXIT_USAGE;
	ike_only = inv->argc && strcmp(inv->argv[0], "--ike-only") == 0;
	if (inv->argc != 1 + ike_only)
		return usage_error("initiate needs CONN or CONN/CHILD (or --ike-only CONN)");
	if (ike_only)
		inv->wait_ms = 0;	/* no CHILD SA to wait for: returns at once */
	if (request(inv, "initiate", &req) < 0)
		return EXIT_UNREACHABLE;
	if (ike_only) {
		ctl_put_bool(&req, "ike_only", 1);
		inv->argv++;
		inv->argc--;
	}
	slash = strchr(inv->argv[0], '/');
	if (slash) {
		*slash = '\0';
		ctl_put_str(&req, "child", slash + 1);
	}
	ctl_put_str(&req, "conn", inv->argv[0]);
	return inv->wait_ms ? run_waiting(inv, &req) : run(inv, &req, print_done);
}

static int all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

/* An SA id as "show" prints it: 1..2^64-1, never clamped. */
static int parse_id(const char *s, const char *what, uint64_t *id)
{
	char *end;

	errno = 0;
	*id = strtoull(s, &end, 10);
	if (!all_digits(s) || *end || errno == ERANGE || *id == 0) {
		usage_error("'%s' is not %s (1..%" PRIu64 ")", s, what, UINT64_MAX);
		return -1;
	}
	return 0;
}

/* CONN, or an IKE SA id as "show sa" prints it (after an option, if any). */
static int sa_action(struct invocation *inv, const char *command, const char *opt,
		     void (*human)(const struct ctl_val *))
{
	struct ctl_enc req;
	int skip = opt != NULL;
	const char *a;
	uint64_t id;

	if (inv->argc != 1 + skip)
		return usage_error("%s%s%s needs CONN or an IKE SA id", command, opt ? " " : "",
				   opt ? opt : "");
	a = inv->argv[skip];
	if (all_digits(a) && parse_id(a, "an IKE SA id", &id) < 0)
		return EXIT_USAGE;
	if (request(inv, command, &req) < 0)
		return EXIT_UNREACHABLE;
	if (opt)
		ctl_put_bool(&req, opt + 2, 1);	/* "--reauth" -> "reauth" */
	if (all_digits(a))
		ctl_put_u64(&req, "sa", id);
	else
		ctl_put_str(&req, "conn", a);
	return inv->wait_ms ? run_waiting(inv, &req) : run(inv, &req, human);
}

/* --child [CONN/]CHILD or --child-id ID: which CHILD SAs a command acts on. */
static int child_action(struct invocation *inv, const char *command,
			void (*human)(const struct ctl_val *))
{
	const char *opt = inv->argv[0];
	struct ctl_enc req;
	char *a, *slash;
	uint64_t id = 0;

	if (inv->argc != 2)
		return usage_error("%s %s needs one argument", command, opt);
	a = inv->argv[1];
	if (strcmp(opt, "--child-id") == 0 && parse_id(a, "a CHILD SA id", &id) < 0)
		return EXIT_USAGE;
	if (request(inv, command, &req) < 0)
		return EXIT_UNREACHABLE;
	if (strcmp(opt, "--child-id") == 0) {
		ctl_put_u64(&req, "child_sa", id);
	} else {
		slash = strchr(a, '/');
		if (slash) {
			*slash = '\0';
			ctl_put_str(&req, "conn", a);
			a = slash + 1;
		}
		ctl_put_str(&req, "child", a);
	}
	return run(inv, &req, human);
}

static int is_child_opt(const struct invocation *inv)
{
	return inv->argc && (strcmp(inv->argv[0], "--child") == 0 ||
			     strcmp(inv->argv[0], "--child-id") == 0);
}

/* terminate CONN|SA, terminate --child [CONN/]CHILD, terminate --child-id ID */
static int cmd_terminate(struct invocation *inv)
{
	if (is_child_opt(inv))
		return child_action(inv, "terminate", print_terminated);
	if (wait_options(inv))
		return EXIT_USAGE;
	return sa_action(inv, "terminate", NULL, print_terminated);
}

/* redirect CONN|SA --gateway ADDR|FQDN (RFC 5685 5) */
static int cmd_redirect(struct invocation *inv)
{
	struct ctl_enc req;
	const char *a = NULL, *gw = NULL;
	uint64_t id;

	for (int i = 0; i < inv->argc; i++) {
		if (strcmp(inv->argv[i], "--gateway") == 0 && i + 1 < inv->argc && !gw)
			gw = inv->argv[++i];
		else if (inv->argv[i][0] != '-' && !a)
			a = inv->argv[i];
		else
			return usage_error("redirect: unexpected '%s'", inv->argv[i]);
	}
	if (!a || !gw)
		return usage_error("redirect needs CONN or an IKE SA id, and --gateway ADDR|FQDN");
	if (all_digits(a) && parse_id(a, "an IKE SA id", &id) < 0)
		return EXIT_USAGE;
	if (request(inv, "redirect", &req) < 0)
		return EXIT_UNREACHABLE;
	if (all_digits(a))
		ctl_put_u64(&req, "sa", id);
	else
		ctl_put_str(&req, "conn", a);
	ctl_put_str(&req, "gateway", gw);
	return run(inv, &req, print_redirected);
}

/* rekey CONN|SA, rekey --reauth CONN|SA, rekey --child [CONN/]CHILD, rekey --child-id ID */
static int cmd_rekey(struct invocation *inv)
{
	if (is_child_opt(inv))
		return child_action(inv, "rekey", print_done);
	if (inv->argc && strcmp(inv->argv[0], "--reauth") == 0)
		return sa_action(inv, "rekey", "--reauth", print_reauth);
	if (inv->argc && inv->argv[0][0] == '-')
		return usage_error("rekey: unknown option '%s'", inv->argv[0]);
	return sa_action(inv, "rekey", NULL, print_done);
}

/* install|uninstall CONN[/CHILD] */
static int trap_action(struct invocation *inv, const char *command,
		       void (*human)(const struct ctl_val *))
{
	struct ctl_enc req;
	char *slash;

	if (inv->argc != 1)
		return usage_error("%s needs CONN or CONN/CHILD", command);
	if (request(inv, command, &req) < 0)
		return EXIT_UNREACHABLE;
	slash = strchr(inv->argv[0], '/');
	if (slash) {
		*slash = '\0';
		ctl_put_str(&req, "child", slash + 1);
	}
	ctl_put_str(&req, "conn", inv->argv[0]);
	return run(inv, &req, human);
}

static int cmd_install(struct invocation *inv)
{
	return trap_action(inv, "install", print_installed);
}

static int cmd_uninstall(struct invocation *inv)
{
	return trap_action(inv, "uninstall", print_uninstalled);
}

static int cmd_reload(struct invocation *inv)
{
	struct ctl_enc req;
	int dry = inv->argc == 1 && strcmp(inv->argv[0], "--dry-run") == 0;

	if (inv->argc > 1 || (inv->argc == 1 && !dry))
		return usage_error("reload takes only --dry-run");
	if (request(inv, "reload", &req) < 0)
		return EXIT_UNREACHABLE;
	ctl_put_bool(&req, "dry_run", dry);
	return run(inv, &req, print_reload);
}

static int cmd_log(struct invocation *inv)
{
	struct ctl_enc req;

	if (inv->argc > 2)
		return usage_error("log takes [SUBSYS] LEVEL");
	if (request(inv, "log", &req) < 0)
		return EXIT_UNREACHABLE;
	if (inv->argc == 2)
		ctl_put_str(&req, "subsys", inv->argv[0]);
	if (inv->argc >= 1)
		ctl_put_str(&req, "level", inv->argv[inv->argc - 1]);
	return run(inv, &req, print_levels);
}

static void print_metrics_text(const struct ctl_val *resp)
{
	if (metrics_render(resp, METRICS_TEXT, stdout) < 0)
		fprintf(stderr, "ikectl: some metrics were malformed and left out\n");
}

static void print_metrics_om(const struct ctl_val *resp)
{
	if (metrics_render(resp, METRICS_OPENMETRICS, stdout) < 0)
		fprintf(stderr, "ikectl: some metrics were malformed and left out\n");
}

/* metrics [--openmetrics]: what GET /metrics serves, from the control socket */
static int cmd_metrics(struct invocation *inv)
{
	struct ctl_enc req;
	int om = inv->argc == 1 && strcmp(inv->argv[0], "--openmetrics") == 0;

	if (inv->argc > 1 || (inv->argc == 1 && !om))
		return usage_error("metrics takes only --openmetrics");
	if (request(inv, "metrics", &req) < 0)
		return EXIT_UNREACHABLE;
	return run(inv, &req, om ? print_metrics_om : print_metrics_text);
}

/* import-swanctl FILE: ike.conf on stdout, what was left behind on stderr (no daemon needed) */
/* diagnose CONN: recent failures, log lines and advice. */
static int cmd_diagnose(struct invocation *inv)
{
	struct ctl_enc req;

	if (inv->argc != 1)
		return usage_error("diagnose needs one connection name");
	if (request(inv, "diagnose", &req) < 0)
		return EXIT_UNREACHABLE;
	ctl_put_str(&req, "conn", inv->argv[0]);
	return run(inv, &req, print_diagnose);
}

static int cmd_import_swanctl(struct invocation *inv)
{
	struct snode root;
	char err[256], *text = NULL;
	size_t len = 0, left;
	FILE *f;

	if (inv->argc != 1)
		return usage_error("import-swanctl needs a swanctl.conf FILE");
	f = fopen(inv->argv[0], "r");
	if (!f) {
		fprintf(stderr, "ikectl: %s: %s\n", inv->argv[0], strerror(errno));
		return EXIT_REFUSED;
	}
	text = malloc(SWANCTL_FILE_MAX + 1);
	if (text)
		len = fread(text, 1, SWANCTL_FILE_MAX + 1, f);
	fclose(f);
	if (!text || len > SWANCTL_FILE_MAX) {
		fprintf(stderr, "ikectl: %s: larger than %u bytes\n", inv->argv[0], SWANCTL_FILE_MAX);
		free(text);
		return EXIT_REFUSED;
	}
	if (swanctl_parse(text, len, &root, err, sizeof(err)) < 0) {
		fprintf(stderr, "ikectl: %s: %s\n", inv->argv[0], err);
		free(text);
		return EXIT_REFUSED;
	}
	free(text);
	left = swanctl_convert(&root, inv->argv[0], stdout, stderr);
	swanctl_free(&root);
	if (left)
		fprintf(stderr, "ikectl: %zu key%s of %s not carried over (listed above)\n", left,
			left == 1 ? "" : "s", inv->argv[0]);
	return EXIT_OK;
}

/* Prints events until the daemon goes away or ikectl is interrupted. */
static int cmd_monitor(struct invocation *inv)
{
	struct ctl_enc req;
	struct ctl_conn c;
	struct ctl_val msg;
	uint8_t kind;
	int rc = EXIT_OK;

	if (inv->argc)
		return usage_error("monitor takes no arguments");
	if (request(inv, "monitor", &req) < 0 || ctl_connect(&c, inv->socket) < 0)
		return EXIT_UNREACHABLE;
	if (ctl_send(&c, &req) < 0) {
		ctl_enc_free(&req);
		return EXIT_UNREACHABLE;
	}
	ctl_enc_free(&req);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (ctl_recv(&c, &kind, &msg) == 0) {
		if (kind == CTL_MSG_EVENT) {
			if (inv->json) {
				json_print(stdout, &msg, 1);
			} else {
				ctl_val_escape(&msg);
				print_event(&msg);
			}
		} else if (!ctl_get_bool(&msg, "ok")) {
			fprintf(stderr, "ikectl: %s\n", ctl_get_str(&msg, "error"));
			ctl_val_free(&msg);
			rc = EXIT_REFUSED;
			break;
		}
		ctl_val_free(&msg);
	}
	ctl_disconnect(&c);
	return rc;	/* the daemon stopping ends a monitor normally */
}

static const struct subcmd subcmds[] = {
	{ "show", cmd_show, "sa|child|conns [CONN] | kernel | stats | certs | pools",
	  "IKE SAs, CHILD SAs, configured connections, kernel state, counters, address pools" },
	{ "initiate", cmd_initiate, "CONN[/CHILD] [--timeout SECONDS] [--async] | --ike-only CONN",
	  "start a connection (or one child of it) and wait until it is up or failed\n"
	  "      (default 30 s; --async: return at once; --ike-only: a childless IKE SA)" },
	{ "terminate", cmd_terminate,
	  "CONN|SA [--timeout SECONDS] [--async] | --child [CONN/]CHILD | --child-id ID",
	  "delete the IKE SAs of CONN or IKE SA id SA and wait until they are gone;\n"
	  "      the CHILD SAs of CHILD, or CHILD SA id ID" },
	{ "rekey", cmd_rekey, "CONN|SA | --reauth CONN|SA | --child [CONN/]CHILD | --child-id ID",
	  "rekey the IKE SAs of CONN or IKE SA id SA (--reauth: reauthenticate them);\n"
	  "      the CHILD SAs of CHILD, or CHILD SA id ID" },
	{ "redirect", cmd_redirect, "CONN|SA --gateway ADDR|FQDN",
	  "send the clients of CONN or IKE SA id SA to another gateway (RFC 5685);\n"
	  "      they delete the IKE SA and connect there" },
	{ "install", cmd_install, "CONN[/CHILD]",
	  "install trap policies (as start_action = trap): the first packet starts the SA" },
	{ "uninstall", cmd_uninstall, "CONN[/CHILD]", "remove those trap policies" },
	{ "reload", cmd_reload, "[--dry-run]", "reload ike.conf (--dry-run: only show the changes)" },
	{ "log", cmd_log, "[SUBSYS] LEVEL", "set log levels (no argument: show them)" },
	{ "metrics", cmd_metrics, "[--openmetrics]",
	  "the metrics /metrics serves (Prometheus text format, or OpenMetrics)" },
	{ "monitor", cmd_monitor, "", "follow log lines and SA state changes" },
	{ "diagnose", cmd_diagnose, "CONN",
	  "why CONN failed lately: the causes, the log lines that explain them, advice" },
	{ "import-swanctl", cmd_import_swanctl, "FILE",
	  "print FILE (strongSwan's swanctl.conf) as ike.conf; what is left out goes to stderr" },
	{ "help", cmd_help, "", "this list" },
};

static int cmd_help(struct invocation *inv)
{
	size_t i;

	printf("usage: ikectl [-s SOCKET] COMMAND [ARGS] [--json]\n"
	       "  -s SOCKET  control socket (default " DEFAULT_SOCKET ")\n"
	       "  --json     JSON output (every command); field names in ikectl(8)\n"
	       "exit status: 0 done, 1 refused by the daemon, 2 usage error, 3 no daemon,\n"
	       "  4 initiate failed (reason printed), 5 initiate/terminate timed out\n\n"
	       "commands:\n");
	for (i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		printf("  %s%s%s\n      %s\n", subcmds[i].name, *subcmds[i].args ? " " : "",
		       subcmds[i].args, subcmds[i].help);
	return 0;
}

/* Splits --json out of the subcommand's arguments (it may come anywhere). */
static void take_json(struct invocation *inv)
{
	int i, n = 0;

	for (i = 0; i < inv->argc; i++) {
		if (strcmp(inv->argv[i], "--json") == 0)
			inv->json = 1;
		else
			inv->argv[n++] = inv->argv[i];
	}
	inv->argc = n;
}

int main(int argc, char **argv)
{
	struct invocation inv = { DEFAULT_SOCKET, 0, 0, NULL, 0 };
	size_t i;
	int ch;

	while ((ch = getopt(argc, argv, "+s:hV")) != -1) {
		switch (ch) {
		case 's': inv.socket = optarg; break;
		case 'h': return cmd_help(&inv);
		case 'V': printf("ikectl %s\n", PACKAGE_VERSION); return 0;
		default: return usage_error("unknown option");
		}
	}
	if (optind >= argc) {
		cmd_help(&inv);
		return EXIT_USAGE;
	}
	inv.argc = argc - optind - 1;
	inv.argv = argv + optind + 1;
	take_json(&inv);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(subcmds) / sizeof(subcmds[0]); i++)
		if (strcmp(subcmds[i].name, argv[optind]) == 0)
			return subcmds[i].fn(&inv);
	return usage_error("unknown command '%s'", argv[optind]);
}

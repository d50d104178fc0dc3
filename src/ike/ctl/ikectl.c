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
#include "ike/core/units.h"
#include "ike/ctl/ctlclient.h"
#include "ike/ctl/output.h"

#define DEFAULT_SOCKET IKE_RUNSTATEDIR "/ikedaemon.ctl"

struct invocation {
	const char *socket;
	int json;
	int argc;
	char **argv;		/* arguments after the subcommand, options removed */
};

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
		return 1;
	if (ret == 0) {
		if (inv->json)
			json_print(stdout, &resp, 0);
		else if (human)
			human(&resp);
	} else if (inv->json) {
		json_print(stdout, &resp, 0);
	}
	ctl_val_free(&resp);
	return ret ? 1 : 0;
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
	return 2;
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
};

static int cmd_show(struct invocation *inv)
{
	struct ctl_enc req;
	size_t i;

	if (inv->argc < 1)
		return usage_error("show what? (sa, child, conns, kernel, stats, certs)");
	for (i = 0; i < sizeof(shows) / sizeof(shows[0]); i++)
		if (strcmp(shows[i].what, inv->argv[0]) == 0)
			break;
	if (i == sizeof(shows) / sizeof(shows[0]))
		return usage_error("unknown 'show %s'", inv->argv[0]);
	if (inv->argc > 1 + shows[i].takes_conn)
		return usage_error("too many arguments for 'show %s'", inv->argv[0]);
	if (request(inv, shows[i].command, &req) < 0)
		return 1;
	if (inv->argc == 2)
		ctl_put_str(&req, "conn", inv->argv[1]);
	return run(inv, &req, shows[i].human);
}

static int cmd_initiate(struct invocation *inv)
{
	struct ctl_enc req;
	char *slash;

	if (inv->argc != 1)
		return usage_error("initiate needs CONN or CONN/CHILD");
	if (request(inv, "initiate", &req) < 0)
		return 1;
	slash = strchr(inv->argv[0], '/');
	if (slash) {
		*slash = '\0';
		ctl_put_str(&req, "child", slash + 1);
	}
	ctl_put_str(&req, "conn", inv->argv[0]);
	return run(inv, &req, print_done);
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

/* CONN, or an IKE SA id as "show sa" prints it. */
static int sa_action(struct invocation *inv, const char *command)
{
	struct ctl_enc req;
	const char *a;
	uint64_t id;

	if (inv->argc != 1)
		return usage_error("%s needs CONN or an IKE SA id", command);
	a = inv->argv[0];
	if (all_digits(a) && parse_id(a, "an IKE SA id", &id) < 0)
		return 2;
	if (request(inv, command, &req) < 0)
		return 1;
	if (all_digits(a))
		ctl_put_u64(&req, "sa", id);
	else
		ctl_put_str(&req, "conn", a);
	return run(inv, &req, print_done);
}

static int cmd_terminate(struct invocation *inv)
{
	return sa_action(inv, "terminate");
}

/* rekey CONN|SA, rekey --child [CONN/]CHILD, rekey --child-id ID */
static int cmd_rekey(struct invocation *inv)
{
	struct ctl_enc req;
	const char *opt = inv->argc ? inv->argv[0] : "";
	char *a, *slash;
	uint64_t id = 0;

	if (strcmp(opt, "--child") != 0 && strcmp(opt, "--child-id") != 0)
		return sa_action(inv, "rekey");
	if (inv->argc != 2)
		return usage_error("rekey %s needs one argument", opt);
	a = inv->argv[1];
	if (strcmp(opt, "--child-id") == 0 && parse_id(a, "a CHILD SA id", &id) < 0)
		return 2;
	if (request(inv, "rekey", &req) < 0)
		return 1;
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
	return run(inv, &req, print_done);
}

static int cmd_reload(struct invocation *inv)
{
	struct ctl_enc req;
	int dry = inv->argc == 1 && strcmp(inv->argv[0], "--dry-run") == 0;

	if (inv->argc > 1 || (inv->argc == 1 && !dry))
		return usage_error("reload takes only --dry-run");
	if (request(inv, "reload", &req) < 0)
		return 1;
	ctl_put_bool(&req, "dry_run", dry);
	return run(inv, &req, print_reload);
}

static int cmd_log(struct invocation *inv)
{
	struct ctl_enc req;

	if (inv->argc > 2)
		return usage_error("log takes [SUBSYS] LEVEL");
	if (request(inv, "log", &req) < 0)
		return 1;
	if (inv->argc == 2)
		ctl_put_str(&req, "subsys", inv->argv[0]);
	if (inv->argc >= 1)
		ctl_put_str(&req, "level", inv->argv[inv->argc - 1]);
	return run(inv, &req, print_levels);
}

/* Prints events until the daemon goes away or ikectl is interrupted. */
static int cmd_monitor(struct invocation *inv)
{
	struct ctl_enc req;
	struct ctl_conn c;
	struct ctl_val msg;
	uint8_t kind;

	if (inv->argc)
		return usage_error("monitor takes no arguments");
	if (request(inv, "monitor", &req) < 0 || ctl_connect(&c, inv->socket) < 0)
		return 1;
	if (ctl_send(&c, &req) < 0) {
		ctl_enc_free(&req);
		return 1;
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
			break;
		}
		ctl_val_free(&msg);
	}
	ctl_disconnect(&c);
	return 0;
}

static const struct subcmd subcmds[] = {
	{ "show", cmd_show, "sa|child|conns [CONN] | kernel | stats | certs",
	  "IKE SAs, CHILD SAs, configured connections, kernel state, counters" },
	{ "initiate", cmd_initiate, "CONN[/CHILD]", "start a connection (or one child of it)" },
	{ "terminate", cmd_terminate, "CONN|SA", "delete the IKE SAs of CONN, or IKE SA id SA" },
	{ "rekey", cmd_rekey, "CONN|SA | --child [CONN/]CHILD | --child-id ID",
	  "rekey the IKE SAs of CONN or IKE SA id SA; the CHILD SAs of CHILD, or CHILD SA id ID" },
	{ "reload", cmd_reload, "[--dry-run]", "reload ike.conf (--dry-run: only show the changes)" },
	{ "log", cmd_log, "[SUBSYS] LEVEL", "set log levels (no argument: show them)" },
	{ "monitor", cmd_monitor, "", "follow log lines and SA state changes" },
	{ "help", cmd_help, "", "this list" },
};

static int cmd_help(struct invocation *inv)
{
	size_t i;

	printf("usage: ikectl [-s SOCKET] COMMAND [ARGS] [--json]\n"
	       "  -s SOCKET  control socket (default " DEFAULT_SOCKET ")\n"
	       "  --json     JSON output (show, reload, log, monitor); field names in ikectl(8)\n\n"
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
	struct invocation inv = { DEFAULT_SOCKET, 0, 0, NULL };
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
		return 2;
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

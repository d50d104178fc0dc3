/*
 * ikedaemon: start-up, daemonizing, signals and shut-down (ikedaemon(8)).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "common/log.h"
#include "common/loop.h"
#include "ike/core/caps.h"
#include "ike/core/daemon.h"
#include "ike/core/diag.h"
#include "ike/core/radius_client.h"
#include "ike/core/sdnotify.h"
#include "kernel/kernel.h"

#define DEFAULT_CONF IKE_SYSCONFDIR "/ike.conf"

struct options {
	const char *conf;
	int foreground, check_only, verbose, allow_core, flush;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ikedaemon [-CdnvV] [-f file]\n"
		"       ikedaemon --flush [-f file]\n"
		"  -f file  configuration (default " DEFAULT_CONF ")\n"
		"  -d       stay in the foreground and log to stderr\n"
		"  -C       allow core dumps (debugging: a core holds key material)\n"
		"  -n       check the configuration and exit (0 valid, 1 not)\n"
		"  -v       more verbose (debug; twice: trace)\n"
		"  -V       print the version and exit\n"
		"  --flush  remove every SA and policy ikedaemon installed, the block\n"
		"           policies fail_closed leaves while it is stopped included\n");
}

/* 0 go on, 1 exit 0 (-V), -1 exit 1 (usage). */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "flush", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->conf = DEFAULT_CONF;
	while ((ch = getopt_long(argc, argv, "Cdf:nvVh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'F': o->flush = 1; break;
		case 'C': o->allow_core = 1; break;
		case 'd': o->foreground = 1; break;
		case 'f': o->conf = optarg; break;
		case 'n': o->check_only = 1; break;
		case 'v': o->verbose++; break;
		case 'V': printf("ikedaemon %s\n", PACKAGE_VERSION); return 1;
		case 'h': usage(stdout); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ikedaemon: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
}

/* Errors and warnings as plain "file:line: message" lines, for operators and -n. */
static struct config *load_initial(const char *path)
{
	struct conf_diag diag;
	struct config *cfg = config_load(path, &diag);
	size_t i;

	for (i = 0; i < diag.nerrors; i++)
		fprintf(stderr, "%s\n", diag.errors[i]);
	for (i = 0; i < diag.nwarnings; i++)
		fprintf(stderr, "%s\n", diag.warnings[i]);
	if (!cfg)
		fprintf(stderr, "ikedaemon: %s: %zu error%s\n", path, diag.nerrors,
			diag.nerrors == 1 ? "" : "s");
	conf_diag_free(&diag);
	return cfg;
}

/*
 * --flush: what an operator runs to remove, on purpose, the block
 * policies fail_closed children leave while the daemon is stopped (and
 * anything else of ours).  Refused while an ikedaemon holds the pid file.
 */
static int flush_kernel(const struct config *cfg)
{
	struct kernel_events ev;
	struct pidfile pf = { -1, NULL };
	struct kernel *k;
	char err[256];
	int rc;

	if (pidfile_acquire(&pf, cfg->global.pidfile, err, sizeof(err)) < 0) {
		fprintf(stderr, "ikedaemon: --flush: %s; stop it first\n", err);
		return 1;
	}
	memset(&ev, 0, sizeof(ev));
	k = kernel_xfrm_new(&ev);
	rc = k ? kernel_flush_own(k) : -1;
	kernel_free(k);
	pidfile_release(&pf);
	if (rc < 0) {
		fprintf(stderr, "ikedaemon: --flush: the kernel refused (see the messages above)\n");
		return 1;
	}
	printf("ikedaemon: removed every SA and policy of ikedaemon (reqids %08x..%08x, "
	       "priorities %u..%u)\n", KERNEL_REQID_MIN, KERNEL_REQID_MAX, KERNEL_PRIO_MIN,
	       KERNEL_PRIO_MAX);
	return 0;
}

/*
 * Classic double fork; the original process waits on a pipe until the
 * daemon says it is ready (one 0 byte) or dies, so the exit status of
 * "ikedaemon" tells whether start-up worked.  Returns the pipe's write end.
 */
static int daemonize(void)
{
	int p[2], fd;
	char b;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		fprintf(stderr, "ikedaemon: cannot daemonize: %s\n", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &b, 1) == 1 && b == 0)
			exit(0);
		fprintf(stderr, "ikedaemon: start-up failed (details in syslog)\n");
		exit(1);
	}
	close(p[0]);
	setsid();
	pid = fork();
	if (pid < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		_exit(1);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return p[1];
}

static void on_stop(int signo, void *arg)
{
	struct daemon *d = arg;

	log_info(LS_DMN, "signal %d (%s): shutting down", signo, strsignal(signo));
	loop_stop(d->loop);
}

/* SIGHUP: a broken file leaves the running configuration and SAs untouched. */
static void on_hup(int signo, void *arg)
{
	struct reload_result r;

	if (!((struct daemon *)arg)->engine)
		return;		/* stopping: the down scripts are running */
	log_info(LS_DMN, "SIGHUP: reloading %s", ((struct daemon *)arg)->cfg_path);
	daemon_reload(arg, 0, &r);
	reload_result_free(&r);
}

static int metrics_body(void *arg, enum metrics_format f, char **body, size_t *len)
{
	return metrics_text(arg, f, body, len);
}

/* The RADIUS client's answer goes to the IKE SA waiting for it. */
static void radius_answer(void *arg, const struct engine_eap_answer *a)
{
	struct daemon *d = arg;

	if (d->engine)
		engine_eap_answer(d->engine, a);
}

static int start(struct daemon *d)
{
	char err[256];

	if (pidfile_acquire(&d->pid, d->cfg->global.pidfile, err, sizeof(err)) < 0) {
		log_err(LS_DMN, "%s", err);
		return -1;
	}
	d->loop = loop_new();
	if (!d->loop || loop_add_signal(d->loop, SIGTERM, on_stop, d) < 0 ||
	    loop_add_signal(d->loop, SIGINT, on_stop, d) < 0 ||
	    loop_add_signal(d->loop, SIGHUP, on_hup, d) < 0) {
		log_err(LS_DMN, "cannot set up the event loop");
		return -1;
	}
	d->start_ms = loop_now_ms(d->loop);
	d->updown = updown_new(d->loop);
	d->diag = diag_new();	/* without it, diagnose reports nothing */
	if (!d->updown) {
		log_err(LS_DMN, "out of memory");
		return -1;
	}
	d->ctl = ctl_server_new(d->loop, d->cfg->global.control_socket, daemon_ctl_request, d,
				err, sizeof(err));
	if (!d->ctl) {
		log_err(LS_DMN, "%s", err);
		return -1;
	}
	d->engine = engine_new(d->loop, d->cfg, err, sizeof(err));
	if (!d->engine) {
		log_err(LS_DMN, "IKE engine: %s", err);
		return -1;
	}
	engine_set_event_cb(d->engine, daemon_engine_event, d);
	d->radius = radius_client_new(d->loop, &d->cfg->radius, radius_answer, d);
	if (!d->radius) {
		log_err(LS_DMN, "out of memory");
		return -1;
	}
	engine_set_eap_backend(d->engine, &(struct engine_eap_backend){
		radius_client_submit, radius_client_cancel, d->radius });
	if (d->cfg->global.metrics_listen) {
		d->metrics = metrics_http_new(d->loop, d->cfg->global.metrics_listen, metrics_body,
					      d, err, sizeof(err));
		if (!d->metrics) {
			log_err(LS_DMN, "%s", err);
			return -1;
		}
		log_info(LS_DMN, "metrics: serving /metrics on %s", d->cfg->global.metrics_listen);
	}
	/* Sockets are bound: from here on only the network capabilities remain. */
	if (caps_drop_to_needed() < 0)
		return -1;
	return 0;
}

static void stop(struct daemon *d)
{
	sd_notify_stopping();
	metrics_http_free(d->metrics);
	d->metrics = NULL;
	if (d->engine)
		engine_shutdown(d->engine);
	d->engine = NULL;
	radius_client_free(d->radius);	/* after the engine: its SAs cancel sessions */
	d->radius = NULL;
	ctl_wait_abort(d, "the daemon is stopping");
	log_set_sink(NULL, NULL);	/* monitors go away with the socket */
	ctl_server_free(d->ctl);
	d->ctl = NULL;
	if (d->updown) {
		/* the down scripts of the SAs just deleted (bounded); nothing
		 * else is served meanwhile: the engine and the socket are gone */
		updown_drain(d->updown, UPDOWN_DRAIN_MS);
		updown_free(d->updown);
		d->updown = NULL;
	}
	diag_free(d->diag);
	d->diag = NULL;
	pidfile_release(&d->pid);
	if (d->loop)
		loop_free(d->loop);
	config_free(d->cfg);
}

int main(int argc, char **argv)
{
	struct options o;
	struct daemon d;
	int rc, ready_fd = -1, status = 1;

	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc > 0 ? 0 : 1;
	memset(&d, 0, sizeof(d));
	d.pid.fd = -1;
	d.cfg_path = o.conf;
	d.verbose = o.verbose;
	log_init("ikedaemon", 0);
	/* Before the first secret is read (also for -n). */
	if (proc_protect_keys(o.allow_core) < 0)
		return 1;
	d.cfg = load_initial(o.conf);
	if (d.cfg && o.flush) {
		status = flush_kernel(d.cfg);
		config_free(d.cfg);
		return status;
	}
	if (!d.cfg || o.check_only) {
		if (d.cfg)
			printf("%s: configuration OK (%zu connection%s)\n", o.conf, d.cfg->nconns,
			       d.cfg->nconns == 1 ? "" : "s");
		config_free(d.cfg);
		return d.cfg ? 0 : 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (!o.foreground) {
		ready_fd = daemonize();
		log_init("ikedaemon", 1);
	}
	daemon_apply_log_levels(&d);
	if (start(&d) == 0) {
		log_info(LS_DMN, "ikedaemon %s started: %s, %zu connection%s, engine %s", PACKAGE_VERSION,
			 o.conf, d.cfg->nconns, d.cfg->nconns == 1 ? "" : "s", engine_kind());
		sd_notify_ready();
		if (ready_fd >= 0 && write(ready_fd, "", 1) == 1)
			close(ready_fd);
		status = loop_run(d.loop) == 0 ? 0 : 1;
		log_info(LS_DMN, "ikedaemon stopped");
	}
	stop(&d);
	return status;
}

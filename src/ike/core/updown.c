/*
 * The updown script runner (updown.h): a queue of runs, at most
 * max_running processes, each watched on the loop through its output pipe
 * and its pidfd, and killed at the time limit.  A running script holds a
 * loop on virtual time (loop_hold), as work on another thread does: the
 * time limit is not reached "before" the script had a chance to run.
 */
#include "ike/core/updown.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"

#define POLL_MS		100	/* waitpid poll without pidfd */
#define LINE_MAX_LOG	512	/* longer output lines are cut */
#define OUTPUT_MAX	65536	/* output logged per run; the rest is read and dropped */

struct job {
	struct updown_runner *r;
	struct job *next;
	char *path, *label;
	char **env;
	uint64_t key;
	pid_t pid;
	int out_fd, pid_fd;
	int killed;
	struct timer limit, poll;
	char line[LINE_MAX_LOG + 1];
	size_t linelen, logged;
};

struct updown_runner {
	struct loop *loop;
	unsigned max_running;
	uint64_t timeout_ms;
	struct job *queue, *running;	/* singly linked; queue in arrival order */
	size_t nqueued, nrunning;
	struct updown_stats st;
};

struct updown_runner *updown_new(struct loop *l)
{
	struct updown_runner *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->loop = l;
	r->max_running = UPDOWN_MAX_RUNNING;
	r->timeout_ms = UPDOWN_TIMEOUT_MS;
	return r;
}

void updown_set_limits(struct updown_runner *r, unsigned max_running, uint64_t timeout_ms)
{
	r->max_running = max_running ? max_running : 1;
	r->timeout_ms = timeout_ms;
}

static void job_free(struct job *j)
{
	for (size_t i = 0; j->env && j->env[i]; i++)
		free(j->env[i]);
	free(j->env);
	free(j->path);
	free(j->label);
	free(j);
}

static void flush_line(struct job *j)
{
	char esc[4 * LINE_MAX_LOG + 1];

	if (!j->linelen)
		return;
	j->line[j->linelen] = '\0';
	log_info(LS_DMN, "updown %s: %s", j->label, log_escape(esc, sizeof(esc), j->line));
	j->linelen = 0;
}

/* Reads what the pipe holds; 1 at end of file or error. */
static int read_output(struct job *j)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = read(j->out_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0)
			return 1;
		for (ssize_t i = 0; i < n; i++) {
			if (j->logged >= OUTPUT_MAX)
				break;
			j->logged++;
			if (buf[i] == '\n' || j->linelen == LINE_MAX_LOG) {
				flush_line(j);
				if (buf[i] == '\n')
					continue;
			}
			j->line[j->linelen++] = buf[i];
		}
	}
}

static void close_output(struct job *j)
{
	if (j->out_fd < 0)
		return;
	read_output(j);
	flush_line(j);
	loop_del_fd(j->r->loop, j->out_fd);
	close(j->out_fd);
	j->out_fd = -1;
}

static void start_next(struct updown_runner *r);

static void finish(struct job *j, int status)
{
	struct updown_runner *r = j->r;

	close_output(j);
	timer_cancel(r->loop, &j->limit);
	timer_cancel(r->loop, &j->poll);
	if (j->pid_fd >= 0) {
		loop_del_fd(r->loop, j->pid_fd);
		close(j->pid_fd);
	}
	if (j->killed) {
		r->st.killed++;
		log_err(LS_DMN, "updown %s: %s still running after %llu ms, killed", j->label,
			j->path, (unsigned long long)r->timeout_ms);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		r->st.ok++;
		log_info(LS_DMN, "updown %s: %s done", j->label, j->path);
	} else {
		r->st.failed++;
		if (WIFEXITED(status))
			log_err(LS_DMN, "updown %s: %s exited with status %d", j->label, j->path,
				WEXITSTATUS(status));
		else
			log_err(LS_DMN, "updown %s: %s ended by signal %d", j->label, j->path,
				WTERMSIG(status));
	}
	for (struct job **pp = &r->running; *pp; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	r->nrunning--;
	loop_release(r->loop);
	job_free(j);
	start_next(r);
}

/* 1 and finished if the process has ended. */
static int try_reap(struct job *j)
{
	int status;
	pid_t p = waitpid(j->pid, &status, WNOHANG);

	if (p == 0)
		return 0;
	if (p < 0)
		status = 0x7f00;	/* lost (ECHILD): counted as a failure */
	finish(j, status);
	return 1;
}

static void on_output(int fd, uint32_t events, void *arg)
{
	struct job *j = arg;

	if (read_output(j))
		close_output(j);
}

static void on_pidfd(int fd, uint32_t events, void *arg)
{
	try_reap(arg);
}

static void on_poll(void *arg)
{
	struct job *j = arg;

	if (!try_reap(j))
		timer_schedule(j->r->loop, &j->poll, POLL_MS);
}

static void on_limit(void *arg)
{
	struct job *j = arg;

	j->killed = 1;
	kill(-j->pid, SIGKILL);	/* its own process group: what it started goes too */
	kill(j->pid, SIGKILL);
}

static int spawn(struct job *j)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	char *argv[] = { j->path, NULL };
	int p[2], devnull, rc;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&all);
	/* the loop blocks the signals it takes through signalfd: not the script */
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	if (devnull >= 0)
		posix_spawn_file_actions_adddup2(&fa, devnull, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	rc = posix_spawn(&j->pid, j->path, &fa, &at, argv, j->env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (devnull >= 0)
		close(devnull);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return -rc;
	}
	j->out_fd = p[0];
	fcntl(j->out_fd, F_SETFL, fcntl(j->out_fd, F_GETFL) | O_NONBLOCK);
	return 0;
}

static void start(struct updown_runner *r, struct job *j)
{
	int rc = spawn(j);

	r->st.started++;
	if (rc < 0) {
		r->st.failed++;
		log_err(LS_DMN, "updown %s: %s could not be started: %s", j->label, j->path,
			strerror(-rc));
		job_free(j);
		return;
	}
	j->next = r->running;
	r->running = j;
	r->nrunning++;
	loop_hold(r->loop);
	timer_init(&j->limit, on_limit, j);
	timer_init(&j->poll, on_poll, j);
	if (r->timeout_ms)
		timer_schedule(r->loop, &j->limit, r->timeout_ms);
	loop_add_fd(r->loop, j->out_fd, LOOP_IN, on_output, j);
#ifdef SYS_pidfd_open
	j->pid_fd = (int)syscall(SYS_pidfd_open, j->pid, 0);
#endif
	if (j->pid_fd >= 0 && loop_add_fd(r->loop, j->pid_fd, LOOP_IN, on_pidfd, j) < 0) {
		close(j->pid_fd);
		j->pid_fd = -1;
	}
	if (j->pid_fd < 0)
		timer_schedule(r->loop, &j->poll, POLL_MS);
}

static int key_running(const struct updown_runner *r, uint64_t key)
{
	for (const struct job *j = r->running; j; j = j->next)
		if (j->key == key)
			return 1;
	return 0;
}

static void start_next(struct updown_runner *r)
{
	struct job **pp = &r->queue;

	while (*pp && r->nrunning < r->max_running) {
		struct job *j = *pp;

		if (key_running(r, j->key)) {
			pp = &j->next;	/* waits for the run of its flow before it */
			continue;
		}
		*pp = j->next;
		r->nqueued--;
		start(r, j);
	}
}

static char **env_dup(char *const *env)
{
	size_t n = 0;
	char **v;

	while (env[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	for (size_t i = 0; v && i < n; i++)
		if (!(v[i] = strdup(env[i]))) {
			while (i--)
				free(v[i]);
			free(v);
			return NULL;
		}
	return v;
}

int updown_run(struct updown_runner *r, const char *path, char *const *env, const char *label,
	       uint64_t key)
{
	struct job *j, **pp;

	if (r->nqueued >= UPDOWN_MAX_QUEUED) {
		r->st.dropped++;
		log_err(LS_DMN, "updown %s: %zu scripts waiting already, %s not run", label,
			r->nqueued, path);
		return -1;
	}
	j = calloc(1, sizeof(*j));
	if (!j || !(j->path = strdup(path)) || !(j->label = strdup(label)) ||
	    !(j->env = env_dup(env))) {
		if (j)
			job_free(j);
		r->st.dropped++;
		log_err(LS_DMN, "updown %s: out of memory, %s not run", label, path);
		return -1;
	}
	j->r = r;
	j->key = key;
	j->out_fd = j->pid_fd = -1;
	for (pp = &r->queue; *pp; pp = &(*pp)->next)
		;
	*pp = j;
	r->nqueued++;
	start_next(r);
	return 0;
}

size_t updown_busy(const struct updown_runner *r)
{
	return r->nqueued + r->nrunning;
}

void updown_get_stats(const struct updown_runner *r, struct updown_stats *out)
{
	*out = r->st;
}

void updown_drain(struct updown_runner *r, uint64_t max_ms)
{
	uint64_t end = loop_now_ms(r->loop) + max_ms;

	while (updown_busy(r) && loop_now_ms(r->loop) < end)
		loop_run_once(r->loop, (int)(end - loop_now_ms(r->loop)));
}

void updown_free(struct updown_runner *r)
{
	if (!r)
		return;
	while (r->queue) {
		struct job *j = r->queue;

		r->queue = j->next;
		log_err(LS_DMN, "updown %s: %s not run (shutting down)", j->label, j->path);
		job_free(j);
	}
	r->nqueued = 0;
	while (r->running) {
		struct job *j = r->running;

		on_limit(j);
		waitpid(j->pid, NULL, 0);
		finish(j, 0);
	}
	free(r);
}

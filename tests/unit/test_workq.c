/*
 * Work queue: work runs on a worker and done on the loop thread; every job
 * completes exactly once; cancel before start skips the work, cancel after
 * start still delivers (cancelled) and the owner may free itself in done;
 * a full queue refuses; background jobs wait for ordinary ones; shutdown
 * cancels what never started.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "common/loop.h"
#include "common/workq.h"

struct tjob {
	struct workq_job job;
	pthread_t work_thread, done_thread;
	int work_runs, done_runs, cancelled;
	int order;		/* value of *seq when work ran */
	int *seq;		/* worker-side counter; one worker only */
	int *done_count;	/* loop side */
	sem_t *started, *release;	/* gate: work blocks until release */
	struct workq *resubmit;	/* done submits the job again here */
	int resubmit_rc, resubmit_errno;
};

static struct tjob *tjob_of(struct workq_job *job)
{
	return (struct tjob *)((char *)job - offsetof(struct tjob, job));
}

static void t_work(struct workq_job *job)
{
	struct tjob *t = tjob_of(job);

	t->work_thread = pthread_self();
	t->work_runs++;
	if (t->seq)
		t->order = (*t->seq)++;
	if (t->started)
		sem_post(t->started);
	if (t->release)
		while (sem_wait(t->release) < 0 && errno == EINTR)
			;
}

static void t_done(struct workq_job *job, int cancelled)
{
	struct tjob *t = tjob_of(job);

	t->done_thread = pthread_self();
	t->done_runs++;
	t->cancelled = cancelled;
	if (t->done_count)
		(*t->done_count)++;
	if (t->resubmit) {
		t->resubmit_rc = workq_submit(t->resubmit, job, t_work, t_done);
		t->resubmit_errno = errno;
	}
}

/* The owner frees itself in done: ASan reports any later touch. */
static void t_done_free(struct workq_job *job, int cancelled)
{
	struct tjob *t = tjob_of(job);

	ck_assert_int_eq(cancelled, 1);
	(*t->done_count)++;
	free(t);
}

static void run_until(struct loop *l, const int *count, int want)
{
	int spins = 0;

	while (*count < want && spins++ < 2000)
		ck_assert_int_ge(loop_run_once(l, 50), 0);
	ck_assert_int_eq(*count, want);
}

static void wait_started(sem_t *s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 10;
	ck_assert_int_eq(sem_timedwait(s, &ts), 0);
}

/*
 * A loop, a queue of one worker and a gate job occupying that worker, so
 * the jobs submitted next are known to wait.
 */
struct gated {
	struct loop *l;
	struct workq *wq;
	struct tjob gate;
	sem_t started, release;
	int n;			/* done calls, gate included */
};

static void gated_start(struct gated *g, size_t max_queued)
{
	memset(g, 0, sizeof(*g));
	g->l = loop_new();
	g->wq = workq_new(g->l, 1, max_queued);
	ck_assert_ptr_nonnull(g->wq);
	sem_init(&g->started, 0, 0);
	sem_init(&g->release, 0, 0);
	g->gate.started = &g->started;
	g->gate.release = &g->release;
	g->gate.done_count = &g->n;
	ck_assert_int_eq(workq_submit(g->wq, &g->gate.job, t_work, t_done), 0);
	wait_started(&g->started);
}

/* wq may be NULL already: the shutdown test frees it itself. */
static void gated_end(struct gated *g)
{
	workq_free(g->wq);
	loop_free(g->l);
	sem_destroy(&g->started);
	sem_destroy(&g->release);
}

START_TEST(test_threads)
{
	struct loop *l = loop_new();
	struct workq *wq = workq_new(l, 2, 0);
	struct tjob t = { 0 };
	int n = 0;

	ck_assert_ptr_nonnull(wq);
	ck_assert_int_eq(workq_threads(wq), 2);
	t.done_count = &n;
	ck_assert_int_eq(workq_submit(wq, &t.job, t_work, t_done), 0);
	ck_assert_int_eq(workq_job_inflight(&t.job), 1);
	ck_assert_uint_eq(workq_pending(wq), 1);
	run_until(l, &n, 1);
	ck_assert(!pthread_equal(t.work_thread, pthread_self()));
	ck_assert(pthread_equal(t.done_thread, pthread_self()));
	ck_assert_int_eq(t.cancelled, 0);
	ck_assert_int_eq(workq_job_inflight(&t.job), 0);
	ck_assert_uint_eq(workq_pending(wq), 0);
	workq_free(wq);
	loop_free(l);
}
END_TEST

START_TEST(test_default_threads)
{
	struct loop *l = loop_new();
	struct workq *wq = workq_new(l, 0, 0);

	ck_assert_ptr_nonnull(wq);
	ck_assert_int_eq(workq_threads(wq), (int)sysconf(_SC_NPROCESSORS_ONLN));
	workq_free(wq);
	ck_assert_ptr_null(workq_new(l, 100000, 0));
	loop_free(l);
}
END_TEST

START_TEST(test_many_jobs)
{
	enum { N = 10000 };
	struct loop *l = loop_new();
	struct workq *wq = workq_new(l, 0, 256);
	struct tjob *t = calloc(N, sizeof(*t));
	int i = 0, n = 0, spins = 0;

	ck_assert_ptr_nonnull(wq);
	while (i < N && spins++ < 100000) {
		t[i].done_count = &n;
		if (workq_submit(wq, &t[i].job, t_work, t_done) == 0) {
			i++;
			continue;
		}
		ck_assert_int_eq(errno, EAGAIN);
		ck_assert_int_ge(loop_run_once(l, 50), 0);
	}
	ck_assert_int_eq(i, N);
	run_until(l, &n, N);
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(t[i].work_runs, 1);
		ck_assert_int_eq(t[i].done_runs, 1);
		ck_assert_int_eq(t[i].cancelled, 0);
	}
	ck_assert_uint_eq(workq_pending(wq), 0);
	workq_free(wq);
	loop_free(l);
	free(t);
}
END_TEST

START_TEST(test_cancel_before_start)
{
	struct gated g;
	struct tjob victim = { 0 };

	gated_start(&g, 0);
	victim.done_count = &g.n;
	ck_assert_int_eq(workq_submit(g.wq, &victim.job, t_work, t_done), 0);
	ck_assert_uint_eq(workq_waiting(g.wq), 1);
	workq_cancel(g.wq, &victim.job);
	ck_assert_uint_eq(workq_waiting(g.wq), 0);
	ck_assert_int_eq(victim.done_runs, 0);	/* never from inside cancel */
	run_until(g.l, &g.n, 1);
	ck_assert_int_eq(victim.done_runs, 1);
	ck_assert_int_eq(victim.cancelled, 1);
	sem_post(&g.release);
	run_until(g.l, &g.n, 2);
	ck_assert_int_eq(victim.work_runs, 0);
	ck_assert_int_eq(g.gate.cancelled, 0);
	/* Cancelling a job whose done already ran changes nothing. */
	workq_cancel(g.wq, &victim.job);
	ck_assert_uint_eq(workq_pending(g.wq), 0);
	gated_end(&g);
	ck_assert_int_eq(victim.done_runs, 1);
}
END_TEST

START_TEST(test_cancel_running)
{
	struct loop *l = loop_new();
	struct workq *wq = workq_new(l, 1, 0);
	struct tjob *t = calloc(1, sizeof(*t));
	sem_t started, release;
	int n = 0;

	sem_init(&started, 0, 0);
	sem_init(&release, 0, 0);
	t->started = &started;
	t->release = &release;
	t->done_count = &n;
	ck_assert_int_eq(workq_submit(wq, &t->job, t_work, t_done_free), 0);
	wait_started(&started);
	workq_cancel(wq, &t->job);
	workq_cancel(wq, &t->job);	/* twice: still one done */
	ck_assert_int_eq(n, 0);
	sem_post(&release);
	run_until(l, &n, 1);
	/* t is freed; a stray second delivery would be caught by ASan. */
	ck_assert_int_eq(loop_run_once(l, 100), 0);
	ck_assert_int_eq(n, 1);
	workq_free(wq);
	loop_free(l);
	sem_destroy(&started);
	sem_destroy(&release);
}
END_TEST

/*
 * Most likely finished on the worker but not yet delivered when cancelled
 * (else still running): either way done sees the cancel, and the work ran.
 */
START_TEST(test_cancel_finished)
{
	struct loop *l = loop_new();
	struct workq *wq = workq_new(l, 1, 0);
	struct tjob t = { 0 };
	int n = 0, spins = 0;

	t.done_count = &n;
	ck_assert_int_eq(workq_submit(wq, &t.job, t_work, t_done), 0);
	while (workq_waiting(wq) > 0 && spins++ < 1000)
		usleep(1000);
	usleep(20000);
	workq_cancel(wq, &t.job);
	run_until(l, &n, 1);
	ck_assert_int_eq(t.work_runs, 1);
	ck_assert_int_eq(t.cancelled, 1);
	workq_free(wq);
	loop_free(l);
}
END_TEST

START_TEST(test_full)
{
	enum { MAX = 4 };
	struct gated g;
	struct tjob t[MAX + 1];
	int i;

	memset(t, 0, sizeof(t));
	gated_start(&g, MAX);
	for (i = 0; i <= MAX; i++)
		t[i].done_count = &g.n;
	for (i = 0; i < MAX; i++)
		ck_assert_int_eq(workq_submit(g.wq, &t[i].job, t_work, t_done), 0);
	ck_assert_int_eq(workq_submit(g.wq, &t[MAX].job, t_work, t_done), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(workq_submit_background(g.wq, &t[MAX].job, t_work, t_done), -1);
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(workq_job_inflight(&t[MAX].job), 0);
	/* A job in flight cannot be queued a second time. */
	ck_assert_int_eq(workq_submit(g.wq, &t[0].job, t_work, t_done), -1);
	ck_assert_int_eq(errno, EBUSY);
	ck_assert_uint_eq(workq_waiting(g.wq), MAX);
	ck_assert_uint_eq(workq_pending(g.wq), MAX + 1);

	sem_post(&g.release);
	run_until(g.l, &g.n, MAX + 1);
	ck_assert_int_eq(workq_submit(g.wq, &t[MAX].job, t_work, t_done), 0);
	run_until(g.l, &g.n, MAX + 2);
	for (i = 0; i <= MAX; i++)
		ck_assert_int_eq(t[i].done_runs, 1);
	gated_end(&g);
}
END_TEST

START_TEST(test_background_waits)
{
	struct gated g;
	struct tjob bg = { 0 }, fg = { 0 };
	int seq = 0;

	gated_start(&g, 0);
	bg.done_count = fg.done_count = &g.n;
	bg.seq = fg.seq = &seq;
	ck_assert_int_eq(workq_submit_background(g.wq, &bg.job, t_work, t_done), 0);
	ck_assert_int_eq(workq_submit(g.wq, &fg.job, t_work, t_done), 0);
	sem_post(&g.release);
	run_until(g.l, &g.n, 3);
	ck_assert_int_eq(fg.order, 0);
	ck_assert_int_eq(bg.order, 1);
	gated_end(&g);
}
END_TEST

static void *release_later(void *arg)
{
	usleep(200000);
	sem_post(arg);
	return NULL;
}

/*
 * The gate is released 200 ms after workq_free() started (which set the
 * stop flag first), so the waiting jobs are never run: done(1) from inside
 * workq_free(), while the gate job that did run gets done(0).  A done
 * callback that submits again is refused instead of looping.
 */
START_TEST(test_shutdown_pending)
{
	enum { W = 3 };
	struct gated g;
	struct tjob t[W], bgj = { 0 };
	pthread_t helper;
	int i;

	memset(t, 0, sizeof(t));
	gated_start(&g, 0);
	bgj.done_count = &g.n;
	for (i = 0; i < W; i++) {
		t[i].done_count = &g.n;
		ck_assert_int_eq(workq_submit(g.wq, &t[i].job, t_work, t_done), 0);
	}
	ck_assert_int_eq(workq_submit_background(g.wq, &bgj.job, t_work, t_done), 0);
	/* Done callbacks run by workq_free() cannot queue more work. */
	g.gate.resubmit = t[0].resubmit = g.wq;
	ck_assert_int_eq(pthread_create(&helper, NULL, release_later, &g.release), 0);
	workq_free(g.wq);
	g.wq = NULL;
	ck_assert_int_eq(pthread_join(helper, NULL), 0);

	ck_assert_int_eq(g.n, W + 2);
	ck_assert_int_eq(g.gate.work_runs, 1);
	ck_assert_int_eq(g.gate.cancelled, 0);
	ck_assert(pthread_equal(g.gate.done_thread, pthread_self()));
	for (i = 0; i < W; i++) {
		ck_assert_int_eq(t[i].work_runs, 0);
		ck_assert_int_eq(t[i].done_runs, 1);
		ck_assert_int_eq(t[i].cancelled, 1);
	}
	ck_assert_int_eq(bgj.work_runs, 0);
	ck_assert_int_eq(bgj.cancelled, 1);
	ck_assert_int_eq(g.gate.resubmit_rc, -1);
	ck_assert_int_eq(g.gate.resubmit_errno, ESHUTDOWN);
	ck_assert_int_eq(t[0].resubmit_rc, -1);
	ck_assert_int_eq(t[0].resubmit_errno, ESHUTDOWN);
	gated_end(&g);
}
END_TEST

static Suite *workq_suite(void)
{
	Suite *s = suite_create("workq");
	TCase *tc = tcase_create("workq");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_threads);
	tcase_add_test(tc, test_default_threads);
	tcase_add_test(tc, test_many_jobs);
	tcase_add_test(tc, test_cancel_before_start);
	tcase_add_test(tc, test_cancel_running);
	tcase_add_test(tc, test_cancel_finished);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_background_waits);
	tcase_add_test(tc, test_shutdown_pending);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(workq_suite());
}

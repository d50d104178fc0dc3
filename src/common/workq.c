/*
 * Work queue: three intrusive FIFO lists under one mutex (ordinary jobs,
 * background jobs, finished jobs) and an eventfd that wakes the loop when
 * the finished list goes from empty to non-empty.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "common/workq.h"

#define WORKQ_DEFAULT_MAX_QUEUED 1024
#define WORKQ_MAX_THREADS 256
#define WORKQ_FULL_LOG_MS 10000

/* struct workq_job.state, changed under wq->lock only. */
enum job_state {
	JOB_IDLE = 0,
	JOB_WAITING,	/* on fg */
	JOB_WAITING_BG,	/* on bg */
	JOB_RUNNING,	/* owned by a worker */
	JOB_FINISHED,	/* on finished, or being delivered by the loop */
};

struct job_list {
	struct workq_job *head, *tail;
	size_t len;
};

struct workq {
	struct loop *loop;
	int efd;
	int nthreads;
	pthread_t *threads;
	size_t max_queued;
	size_t pending;		/* loop thread only */
	uint64_t full_logged_ms;	/* loop thread only: rate limit of the warning */
	size_t refused;		/* loop thread only: since that warning */

	pthread_mutex_t lock;
	pthread_cond_t wake;	/* a job was queued, or stop was set */
	struct job_list fg, bg, finished;
	int stop;
};

static void list_push(struct job_list *q, struct workq_job *job)
{
	job->next = NULL;
	job->prev = q->tail;
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	q->len++;
}

static void list_unlink(struct job_list *q, struct workq_job *job)
{
	if (job->prev)
		job->prev->next = job->next;
	else
		q->head = job->next;
	if (job->next)
		job->next->prev = job->prev;
	else
		q->tail = job->prev;
	job->next = job->prev = NULL;
	q->len--;
}

static struct workq_job *list_pop(struct job_list *q)
{
	struct workq_job *job = q->head;

	if (job)
		list_unlink(q, job);
	return job;
}

/* Under the lock.  Returns 1 when the loop must be woken. */
static int finish_locked(struct workq *wq, struct workq_job *job)
{
	int was_empty = wq->finished.head == NULL;

	job->state = JOB_FINISHED;
	list_push(&wq->finished, job);
	return was_empty;
}

/*
 * Runs on workers, which never log (the log settings belong to the loop
 * thread).  The write can only fail with EAGAIN when the counter would
 * overflow, and then the loop has a wake-up pending anyway.
 */
static void wake_loop(struct workq *wq)
{
	uint64_t one = 1;
	ssize_t n = write(wq->efd, &one, sizeof(one));

	(void)n;
}

static void *worker_main(void *arg)
{
	struct workq *wq = arg;
	struct workq_job *job;
	int wake;

	pthread_mutex_lock(&wq->lock);
	for (;;) {
		while (!wq->stop && !wq->fg.head && !wq->bg.head)
			pthread_cond_wait(&wq->wake, &wq->lock);
		if (wq->stop)
			break;
		job = list_pop(wq->fg.head ? &wq->fg : &wq->bg);
		job->state = JOB_RUNNING;
		pthread_mutex_unlock(&wq->lock);

		job->work(job);

		pthread_mutex_lock(&wq->lock);
		wake = finish_locked(wq, job);
		if (wake) {
			pthread_mutex_unlock(&wq->lock);
			wake_loop(wq);
			pthread_mutex_lock(&wq->lock);
		}
	}
	pthread_mutex_unlock(&wq->lock);
	return NULL;
}

static void deliver(struct workq *wq, struct workq_job *job)
{
	job->inflight = 0;
	wq->pending--;
	loop_release(wq->loop);
	job->done(job, job->cancelled);
}

/*
 * Takes the whole finished list in one lock, then runs the done callbacks
 * unlocked: they may submit or cancel.  A job cancelled by an earlier
 * callback of the same batch is still on the local list and sees its flag.
 */
static void on_eventfd(int fd, uint32_t events, void *arg)
{
	struct workq *wq = arg;
	struct job_list batch;
	struct workq_job *job, *next;
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		log_err(LS_DMN, "workq: eventfd read: %s", strerror(errno));

	pthread_mutex_lock(&wq->lock);
	batch = wq->finished;
	memset(&wq->finished, 0, sizeof(wq->finished));
	for (job = batch.head; job; job = job->next)
		job->state = JOB_IDLE;
	pthread_mutex_unlock(&wq->lock);

	for (job = batch.head; job; job = next) {
		next = job->next;
		job->next = job->prev = NULL;
		deliver(wq, job);
	}
}

static int start_threads(struct workq *wq)
{
	sigset_t all, old;
	int i, rc = 0;

	/* Workers inherit this mask: no signal is ever delivered to them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (i = 0; i < wq->nthreads; i++) {
		rc = pthread_create(&wq->threads[i], NULL, worker_main, wq);
		if (rc != 0) {
			log_err(LS_DMN, "workq: starting worker %d of %d: %s", i + 1,
				wq->nthreads, strerror(rc));
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return 0;

	pthread_mutex_lock(&wq->lock);
	wq->stop = 1;
	pthread_cond_broadcast(&wq->wake);
	pthread_mutex_unlock(&wq->lock);
	while (i-- > 0)
		pthread_join(wq->threads[i], NULL);
	return -1;
}

static int default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > WORKQ_MAX_THREADS ? WORKQ_MAX_THREADS : (int)n;
}

struct workq *workq_new(struct loop *l, int nthreads, size_t max_queued)
{
	struct workq *wq;
	int watched = 0;

	if (nthreads > WORKQ_MAX_THREADS) {
		log_err(LS_DMN, "workq: %d worker threads, at most %d", nthreads,
			WORKQ_MAX_THREADS);
		return NULL;
	}
	wq = calloc(1, sizeof(*wq));
	if (!wq)
		return NULL;
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->wake, NULL);
	wq->loop = l;
	wq->nthreads = nthreads > 0 ? nthreads : default_threads();
	wq->max_queued = max_queued ? max_queued : WORKQ_DEFAULT_MAX_QUEUED;
	wq->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (wq->efd < 0) {
		log_err(LS_DMN, "workq: eventfd: %s", strerror(errno));
		goto fail;
	}
	wq->threads = calloc(wq->nthreads, sizeof(*wq->threads));
	if (!wq->threads)
		goto fail;
	if (loop_add_fd(l, wq->efd, LOOP_IN, on_eventfd, wq) < 0) {
		log_err(LS_DMN, "workq: cannot watch eventfd %d", wq->efd);
		goto fail;
	}
	watched = 1;
	if (start_threads(wq) < 0)
		goto fail;
	log_dbg(LS_DMN, "workq: %d workers, at most %zu jobs waiting", wq->nthreads,
		wq->max_queued);
	return wq;

fail:
	if (watched)
		loop_del_fd(l, wq->efd);
	if (wq->efd >= 0)
		close(wq->efd);
	pthread_cond_destroy(&wq->wake);
	pthread_mutex_destroy(&wq->lock);
	free(wq->threads);
	free(wq);
	return NULL;
}

static void cancel_list(struct workq *wq, struct job_list *q)
{
	struct workq_job *job;

	while ((job = list_pop(q)) != NULL) {
		job->state = JOB_IDLE;
		job->cancelled = 1;
		deliver(wq, job);
	}
}

void workq_free(struct workq *wq)
{
	struct workq_job *job;
	int i;

	if (!wq)
		return;
	pthread_mutex_lock(&wq->lock);
	wq->stop = 1;
	pthread_cond_broadcast(&wq->wake);
	pthread_mutex_unlock(&wq->lock);
	for (i = 0; i < wq->nthreads; i++)
		pthread_join(wq->threads[i], NULL);

	/* No worker left: the lists are ours alone. */
	while ((job = list_pop(&wq->finished)) != NULL) {
		job->state = JOB_IDLE;
		deliver(wq, job);
	}
	cancel_list(wq, &wq->fg);
	cancel_list(wq, &wq->bg);

	loop_del_fd(wq->loop, wq->efd);
	close(wq->efd);
	pthread_cond_destroy(&wq->wake);
	pthread_mutex_destroy(&wq->lock);
	free(wq->threads);
	free(wq);
}

/* A flood refuses thousands of jobs a second: one line per period. */
static void refused(struct workq *wq, size_t waiting)
{
	uint64_t now = loop_now_ms(wq->loop);

	wq->refused++;
	if (wq->full_logged_ms && now - wq->full_logged_ms < WORKQ_FULL_LOG_MS)
		return;
	log_warn(LS_DMN, "workq: %zu jobs waiting (max %zu): %zu submits refused since the last report", waiting,
		 wq->max_queued, wq->refused);
	wq->full_logged_ms = now ? now : 1;
	wq->refused = 0;
}

static int submit(struct workq *wq, int background, struct workq_job *job,
		  workq_work_fn work, workq_done_fn done)
{
	size_t waiting;

	if (job->inflight) {
		errno = EBUSY;
		return -1;
	}
	pthread_mutex_lock(&wq->lock);
	if (wq->stop) {
		/* A done callback run by workq_free() resubmitting. */
		pthread_mutex_unlock(&wq->lock);
		errno = ESHUTDOWN;
		return -1;
	}
	waiting = wq->fg.len + wq->bg.len;
	if (waiting >= wq->max_queued) {
		pthread_mutex_unlock(&wq->lock);
		refused(wq, waiting);
		errno = EAGAIN;
		return -1;
	}
	job->work = work;
	job->done = done;
	job->inflight = 1;
	job->cancelled = 0;
	job->state = background ? JOB_WAITING_BG : JOB_WAITING;
	list_push(background ? &wq->bg : &wq->fg, job);
	pthread_cond_signal(&wq->wake);
	pthread_mutex_unlock(&wq->lock);
	wq->pending++;
	/* under virtual time (tests) the clock waits for the result */
	loop_hold(wq->loop);
	return 0;
}

int workq_submit(struct workq *wq, struct workq_job *job, workq_work_fn work,
		 workq_done_fn done)
{
	return submit(wq, 0, job, work, done);
}

int workq_submit_background(struct workq *wq, struct workq_job *job, workq_work_fn work,
			    workq_done_fn done)
{
	return submit(wq, 1, job, work, done);
}

void workq_cancel(struct workq *wq, struct workq_job *job)
{
	int wake = 0;

	if (!job->inflight)
		return;
	job->cancelled = 1;
	pthread_mutex_lock(&wq->lock);
	/* Not started: never run it, deliver it through the finished list so
	 * done still comes from the loop and not from inside this call. */
	if (job->state == JOB_WAITING || job->state == JOB_WAITING_BG) {
		list_unlink(job->state == JOB_WAITING ? &wq->fg : &wq->bg, job);
		wake = finish_locked(wq, job);
	}
	pthread_mutex_unlock(&wq->lock);
	if (wake)
		wake_loop(wq);
}

int workq_job_inflight(const struct workq_job *job)
{
	return job->inflight;
}

size_t workq_pending(const struct workq *wq)
{
	return wq->pending;
}

size_t workq_waiting(struct workq *wq)
{
	size_t n;

	pthread_mutex_lock(&wq->lock);
	n = wq->fg.len + wq->bg.len;
	pthread_mutex_unlock(&wq->lock);
	return n;
}

int workq_threads(const struct workq *wq)
{
	return wq->nthreads;
}

/*
 * Work queue: a pool of worker threads for the expensive operations (DH,
 * signatures) so the loop thread never stalls on them.
 *
 * The loop thread submits a job; a worker runs work(job); the loop thread
 * then runs done(job, cancelled) from an eventfd callback.  Only the queues
 * are locked: a job's work function must touch nothing but the job's own
 * data (inputs copied in at submit, outputs read back in done).
 *
 * All calls except work() happen on the loop thread.
 *
 * Contract: after a successful workq_submit(), done(job, cancelled) is
 * called exactly once, on the loop thread, never from inside workq_submit()
 * or workq_cancel().  Until then the job's memory must stay valid, so an
 * owner that goes away (an IKE SA deleted while its DH runs) cancels the
 * job and lets done(job, 1) free it.
 */
#ifndef IKE_COMMON_WORKQ_H
#define IKE_COMMON_WORKQ_H

#include <stddef.h>

struct loop;
struct workq;
struct workq_job;

typedef void (*workq_work_fn)(struct workq_job *job);
typedef void (*workq_done_fn)(struct workq_job *job, int cancelled);

/*
 * Embedded in the caller's object (recover it with offsetof).  Zero it
 * before the first submit; the fields belong to the work queue.
 */
struct workq_job {
	struct workq_job *next, *prev;
	workq_work_fn work;
	workq_done_fn done;
	unsigned char state;	/* guarded by the queue lock */
	unsigned char inflight;	/* loop thread only: submitted, done not yet run */
	unsigned char cancelled;	/* loop thread only */
};

/*
 * nthreads <= 0: one worker per online CPU.  max_queued: how many jobs may
 * wait for a worker at once (0: 1024); submits beyond that are refused.
 * Blocks every signal in the workers, so signals keep going to the loop's
 * signalfd.  NULL on failure (logged).
 */
struct workq *workq_new(struct loop *l, int nthreads, size_t max_queued);

/*
 * Joins the workers after they finish the job they are running; jobs never
 * started get done(job, 1), jobs finished but not yet delivered get
 * done(job, cancelled) as usual, all from inside workq_free().  Call it
 * before loop_free(), and not from a done callback.
 */
void workq_free(struct workq *wq);

/*
 * Queues job behind the jobs already waiting.  Returns 0, or -1 with errno
 * EAGAIN when max_queued jobs are already waiting (back-pressure: the caller
 * drops the request), EBUSY when this job is already in flight, ESHUTDOWN
 * from a done callback run by workq_free().
 */
int workq_submit(struct workq *wq, struct workq_job *job, workq_work_fn work,
		 workq_done_fn done);

/*
 * Like workq_submit(), for work that may wait: a worker takes a background
 * job only when no ordinary job is waiting.  Counts against max_queued too.
 */
int workq_submit_background(struct workq *wq, struct workq_job *job, workq_work_fn work,
			    workq_done_fn done);

/*
 * done(job, 1) will be called instead of done(job, 0).  A job still waiting
 * is taken off the queue and its work never runs; a job running or finished
 * keeps its results, which done should simply discard.  No effect on a job
 * not in flight (never submitted, or its done already ran).
 */
void workq_cancel(struct workq *wq, struct workq_job *job);

/* 1 from a successful submit until its done callback starts. */
int workq_job_inflight(const struct workq_job *job);

/* Jobs submitted whose done has not run yet (waiting, running, finished). */
size_t workq_pending(const struct workq *wq);
/* Jobs waiting for a worker (ordinary and background). */
size_t workq_waiting(struct workq *wq);
int workq_threads(const struct workq *wq);

#endif

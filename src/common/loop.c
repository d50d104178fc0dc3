#include "common/loop.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

/* epoll_wait batch: events beyond it are simply returned by the next call. */
#define LOOP_BATCH 64

/*
 * The epoll cookie carries the fd and a generation number, so an event
 * still queued for an fd that a callback removed (or removed and re-added)
 * earlier in the same batch is recognised as stale and dropped.
 */
#define COOKIE(fd, gen) ((uint64_t)(uint32_t)(gen) << 32 | (uint32_t)(fd))
#define COOKIE_FD(c)    ((int)(uint32_t)(c))
#define COOKIE_GEN(c)   ((uint32_t)((c) >> 32))
/* The signalfd has no slot in the fd table: a reserved cookie. */
#define SIGFD_COOKIE    UINT64_MAX

struct fd_slot {
	loop_fd_cb cb;
	void *arg;
	uint32_t gen;
	int used;
};

struct sig_slot {
	loop_sig_cb cb;
	void *arg;
};

struct loop {
	int epfd;
	int sigfd;
	int stop;
	struct fd_slot *fds;	/* indexed by fd */
	size_t nfds;
	struct sig_slot sigs[_NSIG];
	sigset_t sigmask;	/* signals delivered through sigfd */
	sigset_t oldmask;	/* the thread's mask before the first signal */
	int have_oldmask;
	struct timer **heap;
	size_t nheap;
	size_t capheap;
	uint64_t next_seq;
	int virt;		/* virtual clock (tests): now_ms moves only in the loop */
	uint64_t now_ms;
	unsigned held;		/* jobs on other threads that hold the virtual clock */
};

uint64_t loop_now_ms(struct loop *l)
{
	struct timespec ts;

	if (l && l->virt)
		return l->now_ms;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void loop_clock_virtual(struct loop *l, uint64_t start_ms)
{
	l->virt = 1;
	l->now_ms = start_ms;
}

int loop_clock_is_virtual(const struct loop *l)
{
	return l->virt;
}

void loop_advance_ms(struct loop *l, uint64_t ms)
{
	if (l->virt)
		l->now_ms = ms > UINT64_MAX - l->now_ms ? UINT64_MAX : l->now_ms + ms;
}

void loop_hold(struct loop *l)
{
	l->held++;
}

void loop_release(struct loop *l)
{
	if (l->held > 0)
		l->held--;
}

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l) {
		log_err(LS_DMN, "loop: out of memory");
		return NULL;
	}
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		log_err(LS_DMN, "loop: epoll_create1: %s", strerror(errno));
		free(l);
		return NULL;
	}
	return l;
}

void loop_free(struct loop *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->nheap; i++)
		l->heap[i]->idx = SIZE_MAX;
	free(l->heap);
	free(l->fds);
	if (l->sigfd >= 0)
		close(l->sigfd);
	if (l->have_oldmask)
		sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
	close(l->epfd);
	free(l);
}

/* ---- file descriptors ---- */

static uint32_t to_epoll(uint32_t ev)
{
	uint32_t e = 0;

	if (ev & LOOP_IN)
		e |= EPOLLIN;
	if (ev & LOOP_OUT)
		e |= EPOLLOUT;
	return e;
}

static uint32_t from_epoll(uint32_t e)
{
	uint32_t ev = 0;

	if (e & (EPOLLIN | EPOLLPRI))
		ev |= LOOP_IN;
	if (e & EPOLLOUT)
		ev |= LOOP_OUT;
	if (e & (EPOLLERR | EPOLLHUP))
		ev |= LOOP_ERR;
	return ev;
}

static struct fd_slot *fd_slot(struct loop *l, int fd)
{
	if (fd < 0 || (size_t)fd >= l->nfds || !l->fds[fd].used)
		return NULL;
	return &l->fds[fd];
}

static int fd_table_grow(struct loop *l, int fd)
{
	size_t n = l->nfds ? l->nfds : 16;
	struct fd_slot *t;

	while (n <= (size_t)fd)
		n *= 2;
	t = realloc(l->fds, n * sizeof(*t));
	if (!t) {
		log_err(LS_DMN, "loop: out of memory for fd %d", fd);
		return -1;
	}
	memset(t + l->nfds, 0, (n - l->nfds) * sizeof(*t));
	l->fds = t;
	l->nfds = n;
	return 0;
}

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	struct epoll_event ee;
	struct fd_slot *s;

	if (fd < 0 || !cb) {
		log_err(LS_DMN, "loop_add_fd: invalid fd %d or no callback", fd);
		return -1;
	}
	if (fd_slot(l, fd)) {
		log_err(LS_DMN, "loop_add_fd: fd %d already registered", fd);
		return -1;
	}
	if ((size_t)fd >= l->nfds && fd_table_grow(l, fd) < 0)
		return -1;
	s = &l->fds[fd];
	memset(&ee, 0, sizeof(ee));
	ee.events = to_epoll(events);
	ee.data.u64 = COOKIE(fd, s->gen + 1);
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
		log_err(LS_DMN, "loop_add_fd: fd %d: %s", fd, strerror(errno));
		return -1;
	}
	s->gen++;
	s->cb = cb;
	s->arg = arg;
	s->used = 1;
	return 0;
}

int loop_mod_fd(struct loop *l, int fd, uint32_t events)
{
	struct fd_slot *s = fd_slot(l, fd);
	struct epoll_event ee;

	if (!s) {
		log_err(LS_DMN, "loop_mod_fd: fd %d not registered", fd);
		return -1;
	}
	memset(&ee, 0, sizeof(ee));
	ee.events = to_epoll(events);
	ee.data.u64 = COOKIE(fd, s->gen);
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ee) < 0) {
		log_err(LS_DMN, "loop_mod_fd: fd %d: %s", fd, strerror(errno));
		return -1;
	}
	return 0;
}

int loop_del_fd(struct loop *l, int fd)
{
	struct fd_slot *s = fd_slot(l, fd);
	int ret = 0;

	if (!s) {
		log_err(LS_DMN, "loop_del_fd: fd %d not registered", fd);
		return -1;
	}
	/* The slot goes even if the fd was already closed (EBADF). */
	if (epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL) < 0 && errno != EBADF) {
		log_err(LS_DMN, "loop_del_fd: fd %d: %s", fd, strerror(errno));
		ret = -1;
	}
	s->used = 0;
	s->cb = NULL;
	s->arg = NULL;
	return ret;
}

/* ---- signals ---- */

int loop_add_signal(struct loop *l, int signo, loop_sig_cb cb, void *arg)
{
	struct epoll_event ee;
	sigset_t one, next;
	int fd;

	if (signo <= 0 || signo >= _NSIG || !cb) {
		log_err(LS_DMN, "loop_add_signal: invalid signal %d (1..%d) or no callback",
			signo, _NSIG - 1);
		return -1;
	}
	next = l->sigmask;
	sigaddset(&next, signo);
	sigemptyset(&one);
	sigaddset(&one, signo);
	if (sigprocmask(SIG_BLOCK, &one, l->have_oldmask ? NULL : &l->oldmask) < 0) {
		log_err(LS_DMN, "loop_add_signal: block %d: %s", signo, strerror(errno));
		return -1;
	}
	l->have_oldmask = 1;
	fd = signalfd(l->sigfd, &next, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0) {
		log_err(LS_DMN, "loop_add_signal: signalfd for %d: %s", signo, strerror(errno));
		return -1;
	}
	if (l->sigfd < 0) {
		memset(&ee, 0, sizeof(ee));
		ee.events = EPOLLIN;
		ee.data.u64 = SIGFD_COOKIE;
		if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ee) < 0) {
			log_err(LS_DMN, "loop_add_signal: epoll add signalfd: %s", strerror(errno));
			close(fd);
			return -1;
		}
		l->sigfd = fd;
	}
	l->sigmask = next;
	l->sigs[signo].cb = cb;
	l->sigs[signo].arg = arg;
	return 0;
}

static int dispatch_signals(struct loop *l)
{
	struct signalfd_siginfo si[8];
	ssize_t n;
	size_t i;
	int count = 0;

	for (;;) {
		n = read(l->sigfd, si, sizeof(si));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n / sizeof(si[0]); i++) {
			unsigned signo = si[i].ssi_signo;

			if (signo < _NSIG && l->sigs[signo].cb) {
				l->sigs[signo].cb((int)signo, l->sigs[signo].arg);
				count++;
			}
		}
	}
	return count;
}

/* ---- timers: binary min-heap on (when_ms, seq) ---- */

static int timer_before(const struct timer *a, const struct timer *b)
{
	if (a->when_ms != b->when_ms)
		return a->when_ms < b->when_ms;
	return a->seq < b->seq;
}

static void heap_set(struct loop *l, size_t i, struct timer *t)
{
	l->heap[i] = t;
	t->idx = i;
}

static void sift_up(struct loop *l, size_t i)
{
	struct timer *t = l->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!timer_before(t, l->heap[parent]))
			break;
		heap_set(l, i, l->heap[parent]);
		i = parent;
	}
	heap_set(l, i, t);
}

static void sift_down(struct loop *l, size_t i)
{
	struct timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->nheap)
			break;
		if (c + 1 < l->nheap && timer_before(l->heap[c + 1], l->heap[c]))
			c++;
		if (!timer_before(l->heap[c], t))
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

static void heap_remove(struct loop *l, size_t i)
{
	struct timer *last = l->heap[--l->nheap];

	l->heap[i]->idx = SIZE_MAX;
	if (i == l->nheap)
		return;
	heap_set(l, i, last);
	sift_up(l, i);
	sift_down(l, last->idx);
}

void timer_init(struct timer *t, timer_cb cb, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->idx = SIZE_MAX;
	t->cb = cb;
	t->arg = arg;
}

int timer_pending(const struct timer *t)
{
	return t->idx != SIZE_MAX;
}

size_t loop_timer_count(const struct loop *l)
{
	return l->nheap;
}

int timer_schedule(struct loop *l, struct timer *t, uint64_t delay_ms)
{
	uint64_t now = loop_now_ms(l);

	if (!timer_pending(t) && l->nheap == l->capheap) {
		size_t ncap = l->capheap ? l->capheap * 2 : 64;
		struct timer **h = realloc(l->heap, ncap * sizeof(*h));

		if (!h) {
			log_err(LS_DMN, "timer_schedule: out of memory for %zu timers", ncap);
			return -1;
		}
		l->heap = h;
		l->capheap = ncap;
	}
	t->when_ms = delay_ms > UINT64_MAX - now ? UINT64_MAX : now + delay_ms;
	t->seq = l->next_seq++;
	if (timer_pending(t)) {
		sift_up(l, t->idx);
		sift_down(l, t->idx);
	} else {
		l->heap[l->nheap] = t;
		t->idx = l->nheap++;
		sift_up(l, t->idx);
	}
	return 0;
}

void timer_cancel(struct loop *l, struct timer *t)
{
	if (timer_pending(t) && t->idx < l->nheap && l->heap[t->idx] == t)
		heap_remove(l, t->idx);
}

/*
 * Fire what is due now.  Only timers armed before this pass began run, so a
 * callback that re-arms itself with delay 0 waits for the next iteration
 * instead of spinning here.
 */
static int run_timers(struct loop *l)
{
	uint64_t now = loop_now_ms(l);
	uint64_t seq_limit = l->next_seq;
	int count = 0;

	while (l->nheap > 0) {
		struct timer *t = l->heap[0];

		if (t->when_ms > now || t->seq >= seq_limit)
			break;
		heap_remove(l, 0);
		count++;
		t->cb(t->arg);
	}
	return count;
}

/* epoll timeout honouring both the caller's bound and the next deadline. */
static int wait_timeout(struct loop *l, int timeout_ms)
{
	uint64_t now, left;

	if (l->nheap == 0)
		return timeout_ms;
	now = loop_now_ms(l);
	left = l->heap[0]->when_ms > now ? l->heap[0]->when_ms - now : 0;
	if (left > INT_MAX)
		left = INT_MAX;
	if (timeout_ms >= 0 && (uint64_t)timeout_ms < left)
		return timeout_ms;
	return (int)left;
}

/* ---- the loop ---- */

static int dispatch_fd(struct loop *l, const struct epoll_event *ee)
{
	int fd = COOKIE_FD(ee->data.u64);
	struct fd_slot *s = fd_slot(l, fd);

	if (!s || s->gen != COOKIE_GEN(ee->data.u64))
		return 0;
	s->cb(fd, from_epoll(ee->events), s->arg);
	return 1;
}

/*
 * Virtual time: how long epoll may wait on the wall clock.  Never while
 * the clock can jump to a deadline instead; held (work on other threads):
 * up to the caller's bound; no timer and no bound: until an fd is ready.
 */
static int virtual_wait(const struct loop *l, int timeout_ms)
{
	if (l->held > 0)
		return timeout_ms;
	return l->nheap == 0 && timeout_ms < 0 ? -1 : 0;
}

/* Virtual time, nothing ready: the clock to the next deadline, at most
 * timeout_ms ahead. */
static void virtual_jump(struct loop *l, int timeout_ms)
{
	uint64_t to = UINT64_MAX;

	if (l->held > 0)
		return;
	if (l->nheap > 0)
		to = l->heap[0]->when_ms;
	if (timeout_ms >= 0 && l->now_ms + (uint64_t)timeout_ms < to)
		to = l->now_ms + (uint64_t)timeout_ms;
	if (to != UINT64_MAX && to > l->now_ms)
		l->now_ms = to;
}

int loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event ev[LOOP_BATCH];
	int n, i, count = 0;

	n = epoll_wait(l->epfd, ev, LOOP_BATCH,
		       l->virt ? virtual_wait(l, timeout_ms) : wait_timeout(l, timeout_ms));
	if (n < 0) {
		if (errno != EINTR) {
			log_err(LS_DMN, "loop: epoll_wait: %s", strerror(errno));
			return -1;
		}
		n = 0;
	}
	for (i = 0; i < n; i++) {
		if (ev[i].data.u64 == SIGFD_COOKIE)
			count += dispatch_signals(l);
		else
			count += dispatch_fd(l, &ev[i]);
	}
	if (l->virt && n == 0)
		virtual_jump(l, timeout_ms);
	return count + run_timers(l);
}

int loop_run(struct loop *l)
{
	int ret = 0;

	while (!l->stop) {
		if (loop_run_once(l, -1) < 0) {
			ret = -1;
			break;
		}
	}
	l->stop = 0;
	return ret;
}

void loop_stop(struct loop *l)
{
	l->stop = 1;
}

/*
 * Event loop: epoll for file descriptors, a binary heap of timers
 * (O(log n) schedule/cancel, O(1) next deadline), signals via signalfd.
 * Single-threaded: everything registered here runs on the loop's thread.
 * Other threads wake the loop through an eventfd registered as an fd.
 * Callbacks may add, change or remove any fd or timer, their own included:
 * an event still queued for an fd removed meanwhile is dropped.
 */
#ifndef IKE_COMMON_LOOP_H
#define IKE_COMMON_LOOP_H

#include <stddef.h>
#include <stdint.h>

struct loop;

#define LOOP_IN  0x1u
#define LOOP_OUT 0x4u
#define LOOP_ERR 0x8u	/* error or hang-up; reported even if not asked for */

typedef void (*loop_fd_cb)(int fd, uint32_t events, void *arg);
typedef void (*loop_sig_cb)(int signo, void *arg);
typedef void (*timer_cb)(void *arg);

/* Embedded in its owner; no allocation per timer. */
struct timer {
	uint64_t when_ms;	/* absolute, loop clock */
	uint64_t seq;		/* FIFO order among equal deadlines */
	size_t idx;		/* position in the heap; SIZE_MAX when idle */
	timer_cb cb;
	void *arg;
};

struct loop *loop_new(void);
/* Closes the epoll and signal fds (not the registered fds); timers still
 * armed become idle. */
void loop_free(struct loop *l);

int loop_add_fd(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg);
int loop_mod_fd(struct loop *l, int fd, uint32_t events);
int loop_del_fd(struct loop *l, int fd);

/*
 * Blocks the signal (in the calling thread: call before starting other
 * threads so they inherit the mask) and delivers it through a signalfd.
 * loop_free() restores the mask the thread had before.
 */
int loop_add_signal(struct loop *l, int signo, loop_sig_cb cb, void *arg);

void timer_init(struct timer *t, timer_cb cb, void *arg);
/*
 * (Re)arm t to fire delay_ms from now; re-arming a pending timer moves it.
 * Timers with the same deadline fire in the order they were armed.
 */
int timer_schedule(struct loop *l, struct timer *t, uint64_t delay_ms);
void timer_cancel(struct loop *l, struct timer *t);
int timer_pending(const struct timer *t);
size_t loop_timer_count(const struct loop *l);

/* Monotonic milliseconds (the loop's clock; virtual time, see below). */
uint64_t loop_now_ms(struct loop *l);

/*
 * Virtual time, for tests: from loop_clock_virtual() on, the loop's clock
 * reads start_ms and moves only inside the loop, never with the wall
 * clock, so every timer fires at its exact deadline however loaded the
 * machine is, and a test that waits an hour takes no time.
 *
 * loop_run_once(l, timeout_ms) then never sleeps: it polls the fds; when
 * none is ready it moves the clock to the earliest timer deadline (but
 * not beyond now + timeout_ms; with timeout -1 and no timer it waits in
 * epoll for an fd, on the wall clock), then fires the due timers.
 * loop_advance_ms() moves the clock by hand (due timers fire on the next
 * loop_run_once()).
 *
 * Work in flight on another thread (workq jobs) holds the clock: while
 * more loop_hold() than loop_release() calls were made, loop_run_once()
 * waits in epoll on the wall clock (at most timeout_ms, -1: until an fd
 * is ready) for the result instead of jumping ahead, so a retransmission
 * timer cannot fire "before" a DH computation finishes.  Without virtual
 * time hold/release do nothing.
 */
void loop_clock_virtual(struct loop *l, uint64_t start_ms);
int loop_clock_is_virtual(const struct loop *l);
void loop_advance_ms(struct loop *l, uint64_t ms);
void loop_hold(struct loop *l);
void loop_release(struct loop *l);

/*
 * One iteration: wait at most timeout_ms (-1: until an event or timer),
 * dispatch fd and signal events, then fire the due timers.  Returns the
 * number of callbacks run, or -1 on an epoll failure.
 */
int loop_run_once(struct loop *l, int timeout_ms);
/* Run until loop_stop(); returns 0, or -1 on an epoll failure. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif

/*
 * In-memory kernel: a test double implementing kernel.h, for tests of the
 * IKE core that need SAs and policies "installed" without root or netlink.
 * It enforces what the XFRM backend enforces (reqid range, known
 * algorithms and key sizes, duplicate/missing SA and policy errors), keeps
 * everything for inspection, and delivers injected events through an
 * eventfd, so an event loop drives it like the real one.
 */
#ifndef IKE_TESTS_KERNEL_MEM_H
#define IKE_TESTS_KERNEL_MEM_H

#include "kernel/kernel.h"

struct kernel *kernel_mem_new(const struct kernel_events *ev);

size_t kernel_mem_sa_count(struct kernel *k);
size_t kernel_mem_policy_count(struct kernel *k);
/* Empty again: the SPIs allocated next are those of a new one (the engine
 * fuzzer reuses its kernel); -1 if anything is installed or queued. */
int kernel_mem_restart(struct kernel *k);
/* NULL if absent. */
const struct kernel_sa *kernel_mem_find_sa(struct kernel *k, const struct kernel_sa_id *id);
const struct kernel_policy *kernel_mem_find_policy(struct kernel *k,
						   const struct kernel_policy *key);
/* Counters query_sa reports for an installed SA; -1 if absent. */
int kernel_mem_set_stats(struct kernel *k, const struct kernel_sa_id *id,
			 const struct kernel_sa_stats *st);
/* SAs moved (kernel_move_sa) so far. */
size_t kernel_mem_moves(struct kernel *k);
/* The next operation (any) fails with -err without changing state. */
void kernel_mem_fail_next(struct kernel *k, int err);

/* Interface addresses added (virtual IPs) and not removed. */
size_t kernel_mem_addr_count(struct kernel *k);
int kernel_mem_has_addr(struct kernel *k, const struct addr *a);

/* Queue an event; kernel_dispatch() delivers it. */
int kernel_mem_inject_acquire(struct kernel *k, const struct kernel_acquire *acq);
int kernel_mem_inject_expire(struct kernel *k, const struct kernel_sa_id *id, int hard);
int kernel_mem_inject_mapping(struct kernel *k, const struct kernel_sa_id *id,
			      const struct addr *old_peer, const struct addr *new_peer);
int kernel_mem_inject_resync(struct kernel *k);

#endif

/*
 * A per-thread object made on first use and freed when its thread exits
 * (caches of OpenSSL contexts: crypto/ke.c, crypto/mac.c).  Declare one
 * per kind of object, statically:
 *   static struct tcache cache = TCACHE_INIT(sizeof(struct x), x_free);
 */
#ifndef COMMON_TCACHE_H
#define COMMON_TCACHE_H

#include <pthread.h>
#include <stddef.h>

struct tcache {
	size_t size;			/* of the zero-filled object */
	void (*free_fn)(void *);	/* frees it at thread exit */
	pthread_key_t key;
	int state;			/* 0 unset, 1 ready, -1 no key */
};

#define TCACHE_INIT(size, free_fn) { (size), (free_fn), 0, 0 }

/* This thread's object, zero-filled when new; NULL when none can be made
 * (callers then work without the cache). */
void *tcache_get(struct tcache *c);

#endif

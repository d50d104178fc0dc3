#include "common/tcache.h"

#include <stdlib.h>

static pthread_mutex_t tcache_lock = PTHREAD_MUTEX_INITIALIZER;

void *tcache_get(struct tcache *c)
{
	void *p;
	int state = __atomic_load_n(&c->state, __ATOMIC_ACQUIRE);

	if (!state) {
		pthread_mutex_lock(&tcache_lock);
		if (!c->state)
			__atomic_store_n(&c->state,
					 pthread_key_create(&c->key, c->free_fn) == 0 ? 1 : -1,
					 __ATOMIC_RELEASE);
		state = c->state;
		pthread_mutex_unlock(&tcache_lock);
	}
	if (state < 0)
		return NULL;
	p = pthread_getspecific(c->key);
	if (p)
		return p;
	p = calloc(1, c->size);
	if (p && pthread_setspecific(c->key, p) != 0) {
		free(p);
		p = NULL;
	}
	return p;
}

/*
 * A map from NUL-terminated strings to pointers (open addressing, FNV-1a).
 * Keys are not copied: each must outlive its entry.  Used where a lookup
 * by name ran through every entry (ike.conf connections: load, reload and
 * every control request by connection name).
 */
#ifndef IKE_COMMON_STRMAP_H
#define IKE_COMMON_STRMAP_H

#include <stddef.h>

struct strmap_slot {
	const char *key;
	void *val;
};

struct strmap {
	struct strmap_slot *v;
	size_t cap, n;		/* cap: 0 or a power of two */
};

/* 0 added, 1 key already there (its value kept), -1 out of memory. */
int strmap_put(struct strmap *m, const char *key, void *val);
/* The value, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);
void strmap_free(struct strmap *m);

#endif

#include "common/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 32));
}

static struct strmap_slot *find(const struct strmap *m, const char *key)
{
	size_t i = hash(key) & (m->cap - 1);

	while (m->v[i].key && strcmp(m->v[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

static int grow(struct strmap *m)
{
	struct strmap old = *m;
	size_t cap = old.cap ? old.cap * 2 : 16;

	m->v = calloc(cap, sizeof(*m->v));
	if (!m->v) {
		*m = old;
		return -1;
	}
	m->cap = cap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.v[i].key)
			*find(m, old.v[i].key) = old.v[i];
	free(old.v);
	return 0;
}

int strmap_put(struct strmap *m, const char *key, void *val)
{
	struct strmap_slot *s;

	/* at most half full: probes stay short */
	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return -1;
	s = find(m, key);
	if (s->key)
		return 1;
	s->key = key;
	s->val = val;
	m->n++;
	return 0;
}

void *strmap_get(const struct strmap *m, const char *key)
{
	return m->cap ? find(m, key)->val : NULL;
}

void strmap_free(struct strmap *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

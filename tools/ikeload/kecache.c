/*
 * Initiator key pairs for the load generator.  RFC 7296 2.12 lets an
 * initiator reuse its Diffie-Hellman value for several IKE_SA_INIT
 * exchanges; doing so keeps the generator's own cost per handshake at one
 * shared-secret computation, so that it is not what limits a benchmark.
 * A pair is handed out for `reuse` handshakes (1: a fresh pair every time)
 * and freed when the last handshake holding it lets go.
 */
#include <stdlib.h>

#include "ike/crypto/ke.h"
#include "tools/ikeload/ikeload.h"

#define KECACHE_GROUPS 8

static struct kref *current[KECACHE_GROUPS];

static void kref_free(struct kref *k)
{
	ke_free(k->ke);
	free(k);
}

struct kref *kecache_get(uint16_t group, unsigned reuse)
{
	struct kref **slot = NULL, *k;
	size_t i;

	for (i = 0; i < KECACHE_GROUPS && !slot; i++)
		if (!current[i] || current[i]->group == group)
			slot = &current[i];
	if (!slot)
		return NULL;
	k = *slot;
	if (k && k->uses >= (reuse ? reuse : 1)) {
		k->retired = 1;
		if (!k->refs)
			kref_free(k);
		k = *slot = NULL;
	}
	if (!k) {
		k = calloc(1, sizeof(*k));
		if (!k || !(k->ke = ke_new(group))) {
			free(k);
			return NULL;
		}
		k->group = group;
		*slot = k;
	}
	k->uses++;
	k->refs++;
	return k;
}

void kecache_put(struct kref *k)
{
	if (!k)
		return;
	if (--k->refs == 0 && k->retired)
		kref_free(k);
}

void kecache_free(void)
{
	for (size_t i = 0; i < KECACHE_GROUPS; i++) {
		if (!current[i])
			continue;
		current[i]->retired = 1;
		if (!current[i]->refs)
			kref_free(current[i]);
		current[i] = NULL;
	}
}

/*
 * The fetch cache: a few dozen names at most (the transform tables), so a
 * linear scan under one mutex.  A name that does not fit (table full, name
 * too long) is fetched as before, uncached.  The kept objects live until
 * the process exits.
 */
#include "ike/crypto/ossl_fetch.h"

#include <pthread.h>
#include <string.h>

#define FETCH_SLOTS	48
#define FETCH_NAME	40

enum fetch_kind { FK_MAC, FK_CIPHER };

struct fetched {
	enum fetch_kind kind;
	char name[FETCH_NAME];
	void *obj;
};

static struct fetched cache[FETCH_SLOTS];
static size_t ncache;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static void *do_fetch(enum fetch_kind kind, const char *name)
{
	return kind == FK_MAC ? (void *)EVP_MAC_fetch(NULL, name, NULL) :
				(void *)EVP_CIPHER_fetch(NULL, name, NULL);
}

static int up_ref(enum fetch_kind kind, void *obj)
{
	return kind == FK_MAC ? EVP_MAC_up_ref(obj) : EVP_CIPHER_up_ref(obj);
}

static void *fetch(enum fetch_kind kind, const char *name)
{
	void *obj = NULL;
	size_t i;

	if (strlen(name) >= FETCH_NAME)
		return do_fetch(kind, name);
	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < ncache; i++)
		if (cache[i].kind == kind && !strcmp(cache[i].name, name))
			break;
	if (i == ncache && ncache < FETCH_SLOTS) {
		obj = do_fetch(kind, name);
		if (obj) {
			cache[i].kind = kind;
			strcpy(cache[i].name, name);
			cache[i].obj = obj;
			ncache++;
		}
	}
	if (i < ncache && !up_ref(kind, cache[i].obj))
		i = ncache;	/* not expected; fetch a fresh one below */
	obj = i < ncache ? cache[i].obj : NULL;
	pthread_mutex_unlock(&cache_lock);
	return obj ? obj : do_fetch(kind, name);
}

EVP_MAC *ossl_mac_fetch(const char *name)
{
	return fetch(FK_MAC, name);
}

EVP_CIPHER *ossl_cipher_fetch(const char *name)
{
	return fetch(FK_CIPHER, name);
}

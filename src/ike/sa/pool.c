/* Virtual address pools and their leases: see pool.h. */
#include "ike/sa/pool.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ike/sa/hidx.h"

struct lease {
	struct hnode by_id, by_off;
	struct lease *prev, *next;	/* p->online or p->offline (LRU: head oldest) */
	uint32_t off;
	unsigned refs;
	uint16_t idlen;
	uint8_t id[];
};

struct lease_list {
	struct lease *head, *tail;
	size_t n;
};

struct pool {
	char *name;
	int family;
	size_t alen;
	uint8_t first[16];
	uint32_t size;
	uint32_t cursor;		/* below it every address was handed out once */
	uint64_t *used;			/* bit set: leased (online or offline) */
	struct hidx ids, offs;
	struct hkey key;
	struct lease_list online, offline;
	uint64_t probes;		/* bitmap bits and hash nodes looked at */
};

static void list_add(struct lease_list *l, struct lease *x)
{
	x->next = NULL;
	x->prev = l->tail;
	if (l->tail)
		l->tail->next = x;
	else
		l->head = x;
	l->tail = x;
	l->n++;
}

static void list_del(struct lease_list *l, struct lease *x)
{
	if (x->prev)
		x->prev->next = x->next;
	else
		l->head = x->next;
	if (x->next)
		x->next->prev = x->prev;
	else
		l->tail = x->prev;
	x->prev = x->next = NULL;
	l->n--;
}

void pool_addr_add(const uint8_t *a, size_t alen, uint64_t off, uint8_t *out)
{
	unsigned carry = 0;

	for (size_t i = alen; i-- > 0;) {
		unsigned v = a[i] + (unsigned)(off & 0xff) + carry;

		out[i] = (uint8_t)v;
		carry = v >> 8;
		off >>= 8;
	}
}

/* addr - p->first when it lies in the pool: 0 and *off, else -1. */
static int offset_of(const struct pool *p, const uint8_t *addr, uint32_t *off)
{
	uint8_t d[16];
	int borrow = 0;
	uint64_t v = 0;

	for (size_t i = p->alen; i-- > 0;) {
		int x = addr[i] - p->first[i] - borrow;

		borrow = x < 0;
		d[i] = (uint8_t)(x + (borrow ? 256 : 0));
	}
	if (borrow)
		return -1;
	for (size_t i = 0; i < p->alen; i++) {
		if (i + 4 < p->alen && d[i])
			return -1;
		v = v << 8 | d[i];
	}
	if (v >= p->size)
		return -1;
	*off = (uint32_t)v;
	return 0;
}

struct pool *pool_new(const char *name, int family, const uint8_t *first, uint64_t size)
{
	struct pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->family = family;
	p->alen = family == AF_INET6 ? 16 : 4;
	memcpy(p->first, first, p->alen);
	p->size = (uint32_t)(size > POOL_MAX_SIZE ? POOL_MAX_SIZE : size);
	if (!(p->name = strdup(name)) || hkey_random(&p->key) < 0 ||
	    !(p->used = calloc((p->size + 63) / 64 + 1, sizeof(uint64_t))) ||
	    hidx_init(&p->ids, 16) < 0 || hidx_init(&p->offs, 16) < 0) {
		pool_free(p);
		return NULL;
	}
	return p;
}

static void free_list(struct lease_list *l)
{
	struct lease *x, *next;

	for (x = l->head; x; x = next) {
		next = x->next;
		free(x);
	}
}

void pool_free(struct pool *p)
{
	if (!p)
		return;
	free_list(&p->online);
	free_list(&p->offline);
	hidx_free(&p->ids);
	hidx_free(&p->offs);
	free(p->used);
	free(p->name);
	free(p);
}

const char *pool_name(const struct pool *p) { return p->name; }
int pool_family(const struct pool *p) { return p->family; }
uint32_t pool_size(const struct pool *p) { return p->size; }
size_t pool_online(const struct pool *p) { return p->online.n; }
size_t pool_offline(const struct pool *p) { return p->offline.n; }
uint64_t pool_probes(const struct pool *p) { return p->probes; }

int pool_contains(const struct pool *p, const uint8_t *addr)
{
	uint32_t off;

	return offset_of(p, addr, &off) == 0;
}

static int bit(const struct pool *p, uint32_t off)
{
	return (int)((p->used[off / 64] >> (off % 64)) & 1);
}

static void set_bit(struct pool *p, uint32_t off, int on)
{
	if (on)
		p->used[off / 64] |= 1ull << (off % 64);
	else
		p->used[off / 64] &= ~(1ull << (off % 64));
}

static uint64_t id_hash(const struct pool *p, const uint8_t *id, size_t idlen)
{
	return hidx_hash(&p->key, id, idlen);
}

static uint64_t off_hash(const struct pool *p, uint32_t off)
{
	return hidx_hash(&p->key, &off, sizeof(off));
}

static struct lease *by_id(const struct pool *p, const uint8_t *id, size_t idlen)
{
	uint64_t h = id_hash(p, id, idlen);

	for (struct hnode *n = hidx_first(&p->ids, h); n; n = hidx_next(n, h)) {
		struct lease *x = hidx_entry(n, struct lease, by_id);

		((struct pool *)p)->probes++;
		if (x->idlen == idlen && memcmp(x->id, id, idlen) == 0)
			return x;
	}
	return NULL;
}

static struct lease *by_off(const struct pool *p, uint32_t off)
{
	uint64_t h = off_hash(p, off);

	for (struct hnode *n = hidx_first(&p->offs, h); n; n = hidx_next(n, h)) {
		struct lease *x = hidx_entry(n, struct lease, by_off);

		((struct pool *)p)->probes++;
		if (x->off == off)
			return x;
	}
	return NULL;
}

/* A free offset: want's, a never-used one, or -1 (the caller then takes
 * the oldest offline lease). */
static int64_t free_offset(struct pool *p, const uint8_t *want)
{
	uint32_t off;

	if (want && offset_of(p, want, &off) == 0 && !bit(p, off))
		return off;
	while (p->cursor < p->size && bit(p, p->cursor)) {
		p->cursor++;
		p->probes++;
	}
	if (p->cursor < p->size)
		return p->cursor++;
	return -1;
}

enum pool_result pool_acquire(struct pool *p, const uint8_t *id, size_t idlen,
			      const uint8_t *want, uint8_t *out)
{
	struct lease *x = by_id(p, id, idlen);
	int64_t off;

	if (idlen > POOL_ID_MAX)
		return POOL_NOMEM;
	if (x) {
		if (!x->refs++) {
			list_del(&p->offline, x);
			list_add(&p->online, x);
		}
		pool_addr_add(p->first, p->alen, x->off, out);
		return POOL_OK;
	}
	off = free_offset(p, want);
	if (off < 0) {
		struct lease *old = p->offline.head;

		if (!old)
			return POOL_EXHAUSTED;
		off = old->off;
		list_del(&p->offline, old);
		hidx_remove(&p->ids, &old->by_id);
		hidx_remove(&p->offs, &old->by_off);
		free(old);
		set_bit(p, (uint32_t)off, 0);
	}
	x = calloc(1, sizeof(*x) + idlen);
	if (!x)
		return POOL_NOMEM;
	x->off = (uint32_t)off;
	x->refs = 1;
	x->idlen = (uint16_t)idlen;
	memcpy(x->id, id, idlen);
	set_bit(p, x->off, 1);
	hidx_insert(&p->ids, &x->by_id, id_hash(p, id, idlen));
	hidx_insert(&p->offs, &x->by_off, off_hash(p, x->off));
	list_add(&p->online, x);
	pool_addr_add(p->first, p->alen, x->off, out);
	return POOL_OK;
}

int pool_release(struct pool *p, const uint8_t *id, size_t idlen, const uint8_t *addr)
{
	struct lease *x;
	uint32_t off;

	if (offset_of(p, addr, &off) < 0 || !(x = by_off(p, off)) || x->idlen != idlen ||
	    memcmp(x->id, id, idlen) != 0 || !x->refs)
		return -1;
	if (!--x->refs) {
		list_del(&p->online, x);
		list_add(&p->offline, x);
	}
	return 0;
}

static int walk(const struct pool *p, const struct lease_list *l,
		int (*fn)(void *arg, const struct pool_lease_info *l), void *arg)
{
	struct pool_lease_info li;
	int rc;

	for (const struct lease *x = l->head; x; x = x->next) {
		memset(&li, 0, sizeof(li));
		pool_addr_add(p->first, p->alen, x->off, li.addr);
		li.id = x->id;
		li.idlen = x->idlen;
		li.online = x->refs;
		if ((rc = fn(arg, &li)))
			return rc;
	}
	return 0;
}

int pool_foreach(const struct pool *p, int (*fn)(void *arg, const struct pool_lease_info *l),
		 void *arg)
{
	int rc = walk(p, &p->online, fn, arg);

	return rc ? rc : walk(p, &p->offline, fn, arg);
}

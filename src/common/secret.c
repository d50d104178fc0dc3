#include "common/secret.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void memzero(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

int secret_alloc(struct secret *s, size_t len)
{
	s->len = 0;
	s->ptr = calloc(1, len ? len : 1);
	if (!s->ptr)
		return -1;
	s->len = len;
	return 0;
}

int secret_dup(struct secret *s, const void *p, size_t len)
{
	if (secret_alloc(s, len) < 0)
		return -1;
	if (len)
		memcpy(s->ptr, p, len);
	return 0;
}

int secret_concat(struct secret *s, const struct secret *a, const struct secret *b)
{
	if (a->len > SIZE_MAX - b->len) {
		s->ptr = NULL;
		s->len = 0;
		return -1;
	}
	if (secret_alloc(s, a->len + b->len) < 0)
		return -1;
	if (a->len)
		memcpy(s->ptr, a->ptr, a->len);
	if (b->len)
		memcpy(s->ptr + a->len, b->ptr, b->len);
	return 0;
}

void secret_free(struct secret *s)
{
	if (s->ptr) {
		memzero(s->ptr, s->len);
		free(s->ptr);
	}
	s->ptr = NULL;
	s->len = 0;
}

int memeq_ct(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

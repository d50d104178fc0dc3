/*
 * Key material: buffers that are zeroized when freed, and constant-time
 * comparison.  Nothing here is ever logged.
 */
#ifndef IKE_COMMON_SECRET_H
#define IKE_COMMON_SECRET_H

#include <stddef.h>
#include <stdint.h>

struct secret {
	uint8_t *ptr;
	size_t len;
};

void memzero(void *p, size_t n);
int secret_alloc(struct secret *s, size_t len);	/* zero-filled */
int secret_dup(struct secret *s, const void *p, size_t len);
int secret_concat(struct secret *s, const struct secret *a, const struct secret *b);
void secret_free(struct secret *s);
/* 1 if equal, 0 if not; time depends only on n. */
int memeq_ct(const void *a, const void *b, size_t n);

#endif

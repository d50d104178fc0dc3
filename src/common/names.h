/* Value-to-name tables: protocol facts stay in tables, not in branches. */
#ifndef IKE_COMMON_NAMES_H
#define IKE_COMMON_NAMES_H

#include <stddef.h>

struct name_entry {
	unsigned value;
	const char *name;
};

#define NAMES_LEN(tab) (sizeof(tab) / sizeof((tab)[0]))

/* The name for v, or NULL if the table has none. */
const char *names_lookup(const struct name_entry *tab, size_t n, unsigned v);
/* The name for v, or "UNKNOWN(v)" written into buf. */
const char *names_str(const struct name_entry *tab, size_t n, unsigned v,
		      char *buf, size_t size);
/* Case-insensitive reverse lookup: 0 and *v set if found, -1 if not. */
int names_find(const struct name_entry *tab, size_t n, const char *name, unsigned *v);

#endif

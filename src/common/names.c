#include "common/names.h"

#include <stdio.h>
#include <strings.h>

const char *names_lookup(const struct name_entry *tab, size_t n, unsigned v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].value == v)
			return tab[i].name;
	return NULL;
}

const char *names_str(const struct name_entry *tab, size_t n, unsigned v,
		      char *buf, size_t size)
{
	const char *s = names_lookup(tab, n, v);

	if (s)
		return s;
	snprintf(buf, size, "UNKNOWN(%u)", v);
	return buf;
}

int names_find(const struct name_entry *tab, size_t n, const char *name, unsigned *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(tab[i].name, name) == 0) {
			*v = tab[i].value;
			return 0;
		}
	return -1;
}

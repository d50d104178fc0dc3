/*
 * "ikectl import-swanctl": strongSwan's swanctl.conf (connections,
 * children, secrets) converted into ike.conf, so that strongSwan users can
 * try ikedaemon with their own configuration.  Each key that cannot be
 * carried over is reported with its line; nothing is dropped silently.
 */
#ifndef IKE_CTL_SWANCTL_H
#define IKE_CTL_SWANCTL_H

#include <stddef.h>
#include <stdio.h>

/* A node of strongSwan's settings syntax: a section or a key = value. */
struct snode {
	char *name;
	char *value;		/* a key's value; a section's template ("name : tpl") */
	int section;
	int line;
	struct snode *kids;
	size_t nkids;
};

/*
 * Parses text (the file's bytes, len of them) into root; -1 with err
 * ("line N: ...") on a syntax error.  At most SWANCTL_MAX_DEPTH levels.
 */
#define SWANCTL_MAX_DEPTH	16
int swanctl_parse(const char *text, size_t len, struct snode *root, char *err, size_t errlen);
void swanctl_free(struct snode *root);

/*
 * Writes ike.conf for root to out; each key left behind goes to notes as
 * "FILE:LINE: key: why".  Returns the number of keys left behind.
 */
size_t swanctl_convert(const struct snode *root, const char *file, FILE *out, FILE *notes);

#endif

/*
 * strongSwan's settings syntax as swanctl.conf uses it:
 *   name { ... }            a section (the brace may follow on a later line)
 *   key = value             to the end of the line; "quoted" with \" \\ \n \t
 *   # comment               to the end of the line
 *   include PATTERN         other files (not followed: reported by the converter)
 * A section "name : template" (inheritance) is kept as its name with the
 * template as its value, for the converter to report.
 */
#include "ike/ctl/swanctl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct lexer {
	const char *p, *end;
	int line;
	char *err;
	size_t errlen;
};

static int fail(struct lexer *lx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct lexer *lx, const char *fmt, ...)
{
	int n = snprintf(lx->err, lx->errlen, "line %d: ", lx->line);
	va_list ap;

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < lx->errlen)
		vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Blanks, newlines and comments. */
static void skip(struct lexer *lx, int newlines)
{
	while (lx->p < lx->end) {
		char c = *lx->p;

		if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (c == '\n' && newlines) {
			lx->line++;
			lx->p++;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			lx->p++;
		} else {
			break;
		}
	}
}

static int name_char(char c)
{
	return c > ' ' && c != '{' && c != '}' && c != '=' && c != '#' && c != ':' && c != '"';
}

static char *take_name(struct lexer *lx)
{
	const char *s = lx->p;

	while (lx->p < lx->end && name_char(*lx->p))
		lx->p++;
	return s == lx->p ? NULL : strndup(s, (size_t)(lx->p - s));
}

static char *quoted(struct lexer *lx)
{
	char *out = malloc((size_t)(lx->end - lx->p) + 1);
	int start = lx->line;
	size_t n = 0;

	if (!out)
		return NULL;
	for (lx->p++; lx->p < lx->end && *lx->p != '"'; lx->p++) {
		char c = *lx->p;

		if (c == '\n')
			lx->line++;
		if (c == '\\' && lx->p + 1 < lx->end) {
			c = *++lx->p;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		}
		out[n++] = c;
	}
	if (lx->p == lx->end) {
		free(out);
		lx->line = start;
		fail(lx, "a quoted value is not closed");
		return NULL;
	}
	lx->p++;
	out[n] = '\0';
	return out;
}

/* After "=": a quoted string, or the rest of the line without trailing blanks. */
static char *value(struct lexer *lx)
{
	const char *s, *e;

	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t'))
		lx->p++;
	if (lx->p < lx->end && *lx->p == '"')
		return quoted(lx);
	s = lx->p;
	while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '#')
		lx->p++;
	for (e = lx->p; e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'); e--)
		;
	return strndup(s, (size_t)(e - s));
}

static struct snode *add(struct snode *parent, char *name, int line)
{
	struct snode *k = realloc(parent->kids, (parent->nkids + 1) * sizeof(*k));

	if (!k) {
		free(name);
		return NULL;
	}
	parent->kids = k;
	k = &k[parent->nkids++];
	memset(k, 0, sizeof(*k));
	k->name = name;
	k->line = line;
	return k;
}

static int body(struct lexer *lx, struct snode *sec, int depth, int top);

/* One statement starting with a name. */
static int statement(struct lexer *lx, struct snode *sec, int depth)
{
	int line = lx->line;
	char *name = take_name(lx);
	struct snode *n;

	if (!name)
		return fail(lx, "expected a name, found '%c'", *lx->p);
	n = add(sec, name, line);
	if (!n)
		return fail(lx, "out of memory");
	if (strcmp(n->name, "include") == 0 && lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t')) {
		n->value = value(lx);	/* kept as a key; the converter reports it */
		return n->value ? 0 : fail(lx, "out of memory");
	}
	skip(lx, 1);
	if (lx->p < lx->end && *lx->p == '=') {
		lx->p++;
		n->value = value(lx);
		return n->value || *lx->err ? (n->value ? 0 : -1) : fail(lx, "out of memory");
	}
	if (lx->p < lx->end && *lx->p == ':') {	/* "name : template {" */
		lx->p++;
		skip(lx, 1);
		n->value = take_name(lx);
		if (!n->value)
			return fail(lx, "section '%s': expected a template name after ':'", n->name);
		skip(lx, 1);
	}
	if (lx->p >= lx->end || *lx->p != '{')
		return fail(lx, "'%s': expected '=' or '{'", n->name);
	if (depth >= SWANCTL_MAX_DEPTH)
		return fail(lx, "sections nested deeper than %d", SWANCTL_MAX_DEPTH);
	lx->p++;
	n->section = 1;
	return body(lx, n, depth + 1, 0);
}

static int body(struct lexer *lx, struct snode *sec, int depth, int top)
{
	for (;;) {
		skip(lx, 1);
		if (lx->p >= lx->end)
			return top ? 0 : fail(lx, "section '%s' is not closed", sec->name);
		if (*lx->p == '}') {
			if (top)
				return fail(lx, "'}' without a section");
			lx->p++;
			return 0;
		}
		if (statement(lx, sec, depth) < 0)
			return -1;
	}
}

int swanctl_parse(const char *text, size_t len, struct snode *root, char *err, size_t errlen)
{
	struct lexer lx = { text, text + len, 1, err, errlen };

	memset(root, 0, sizeof(*root));
	if (errlen)
		err[0] = '\0';
	if (memchr(text, '\0', len))
		return fail(&lx, "the file holds a NUL byte");
	if (body(&lx, root, 0, 1) < 0) {
		swanctl_free(root);
		return -1;
	}
	return 0;
}

void swanctl_free(struct snode *root)
{
	for (size_t i = 0; i < root->nkids; i++)
		swanctl_free(&root->kids[i]);
	free(root->kids);
	free(root->name);
	free(root->value);
	memset(root, 0, sizeof(*root));
}

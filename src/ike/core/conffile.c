/*
 * Before libconfig reads a file: it and everything it @includes must be a
 * regular file.  libconfig 1.5's scanner calls exit() when a read fails
 * (an @include of a directory: "input in flex scanner failed"), and
 * fopen() of a FIFO blocks until a writer comes, so either would kill or
 * freeze the daemon on reload.  The @include lines are found as
 * libconfig's scanner finds them (a line starting with optional blanks,
 * "@include" and a quoted name; not inside a block comment) and resolved
 * the same way (relative names against the include directory).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ike/core/confload.h"

#define INCLUDE_DEPTH_MAX	10	/* libconfig's own limit */
#define CONF_FILE_MAX		(64u << 20)

static const char *kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "a special file";
}

/*
 * 1 and the file's bytes in *out; 0 for a missing or unreadable file (left
 * to libconfig's own message); -1 (reported at loc) for anything but a
 * regular file.
 */
static int read_regular(struct conf_ctx *ctx, const char *path, struct conf_loc loc,
			const char *what, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t off = 0;
	int fd;

	if (stat(path, &st) < 0)
		return 0;
	if (!S_ISREG(st.st_mode))
		goto not_regular;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	/* Swapped since the stat(): check what was opened. */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		goto not_regular;
	}
	if ((size_t)st.st_size > CONF_FILE_MAX) {
		conf_error_at(ctx, loc, "%s%s: %lld bytes, more than the %u allowed", what, path,
			      (long long)st.st_size, CONF_FILE_MAX);
		close(fd);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	if (!buf)
		return 0;
	buf[off] = '\0';
	*out = buf;
	*len = off;
	return 1;
not_regular:
	if (loc.file == path)	/* the file itself: its name leads the message */
		conf_error_at(ctx, loc, "%s, not a regular file", kind_of(st.st_mode));
	else
		conf_error_at(ctx, loc, "%s%s is %s, not a regular file", what, path,
			      kind_of(st.st_mode));
	return -1;
}

/* The quoted name after "@include" at p (libconfig keeps backslashes as they are). */
static int include_name(const char *p, const char *end, char *out, size_t size)
{
	size_t n = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '"')
		return -1;
	for (p++; p < end && *p != '"' && *p != '\n'; p++) {
		if (n + 1 >= size)
			return -1;
		out[n++] = *p;
	}
	if (p >= end || *p != '"')
		return -1;
	out[n] = '\0';
	return 0;
}

static int check_file(struct conf_ctx *ctx, const char *path, const char *incdir,
		      struct conf_loc loc, const char *what, int depth);

/* Checks every @include line of buf (the text of file). */
static int check_includes(struct conf_ctx *ctx, const char *file, const char *buf, size_t len,
			  const char *incdir, int depth)
{
	const char *p = buf, *end = buf + len, *eol, *q;
	char name[4096], full[8192];
	int line = 0, in_comment = 0, rc = 0;

	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		line++;
		q = p;
		if (in_comment) {
			const char *close = memmem(p, (size_t)(eol - p), "*/", 2);

			if (!close)
				continue;
			in_comment = 0;
			q = close + 2;
		}
		if (q == p) {
			while (q < eol && (*q == ' ' || *q == '\t'))
				q++;
			if ((size_t)(eol - q) > 8 && memcmp(q, "@include", 8) == 0 &&
			    include_name(q + 8, eol, name, sizeof(name)) == 0) {
				if (name[0] == '/' || !incdir)
					snprintf(full, sizeof(full), "%s", name);
				else
					snprintf(full, sizeof(full), "%s/%s", incdir, name);
				if (check_file(ctx, full, incdir, (struct conf_loc){ file, line },
					       "@include ", depth + 1) < 0)
					rc = -1;
				continue;
			}
		}
		/* A block comment opened (and not closed) on this line. */
		for (; q + 1 < eol; q++)
			if (q[0] == '/' && q[1] == '*') {
				const char *close = memmem(q + 2, (size_t)(eol - q - 2), "*/", 2);

				if (!close) {
					in_comment = 1;
					break;
				}
				q = close + 1;
			}
	}
	return rc;
}

static int check_file(struct conf_ctx *ctx, const char *path, const char *incdir,
		      struct conf_loc loc, const char *what, int depth)
{
	size_t len = 0;
	char *buf = NULL;
	int rc;

	if (depth > INCLUDE_DEPTH_MAX)
		return 0;	/* libconfig reports the depth itself */
	rc = read_regular(ctx, path, loc, what, &buf, &len);
	if (rc <= 0)
		return rc;
	rc = check_includes(ctx, path, buf, len, incdir, depth);
	free(buf);
	return rc;
}

int conf_files_check(struct conf_ctx *ctx, const char *path, const char *incdir)
{
	return check_file(ctx, path, incdir, (struct conf_loc){ path, 0 }, "", 0);
}

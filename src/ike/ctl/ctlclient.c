#include "ike/ctl/ctlclient.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"

int ctl_connect(struct ctl_conn *c, const char *path)
{
	struct sockaddr_un sun;
	const char *why;

	c->path = path;
	c->eof = 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "ikectl: socket path %s longer than %zu bytes\n", path,
			sizeof(sun.sun_path) - 1);
		return -1;
	}
	strcpy(sun.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd >= 0 && connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return 0;
	switch (errno) {
	case ENOENT:
	case ECONNREFUSED:
		why = "daemon not running?";
		break;
	case EACCES:
	case EPERM:
		why = "permission denied (the control socket is for root only)";
		break;
	default:
		why = strerror(errno);
	}
	fprintf(stderr, "ikectl: cannot connect to %s: %s\n", path, why);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	return -1;
}

void ctl_disconnect(struct ctl_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int ctl_send(struct ctl_conn *c, struct ctl_enc *req)
{
	const uint8_t *frame;
	size_t len, off = 0;
	ssize_t n;

	if (ctl_enc_finish(req, &frame, &len) < 0) {
		fprintf(stderr, "ikectl: request could not be encoded\n");
		return -1;
	}
	while (off < len) {
		n = send(c->fd, frame + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "ikectl: %s: send: %s\n", c->path, strerror(errno));
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

/* Reads exactly n bytes; 1 done, 0 clean EOF before any byte, -1 error. */
static int read_full(struct ctl_conn *c, uint8_t *p, size_t n)
{
	size_t off = 0;
	ssize_t r;

	while (off < n) {
		r = recv(c->fd, p + off, n - off, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 && off == 0)
			return 0;
		if (r <= 0) {
			fprintf(stderr, "ikectl: %s: connection lost: %s\n", c->path,
				r ? strerror(errno) : "truncated message");
			return -1;
		}
		off += (size_t)r;
	}
	return 1;
}

static int recv_frame(struct ctl_conn *c, uint8_t *kind, struct ctl_val *msg)
{
	uint8_t head[4], *body;
	char err[160];
	long size;
	int ret;

	ret = read_full(c, head, 4);
	c->eof = ret == 0;
	if (ret <= 0)
		return -1;
	size = ctl_frame_size(head, 4);
	if (size < 0) {
		fprintf(stderr, "ikectl: %s: frame length out of bounds\n", c->path);
		return -1;
	}
	body = malloc((size_t)size - 4);
	if (!body)
		return -1;
	ret = read_full(c, body, (size_t)size - 4) == 1 ? 0 : -1;
	if (ret == 0 && ctl_decode(body, (size_t)size - 4, kind, msg, err, sizeof(err)) < 0) {
		fprintf(stderr, "ikectl: %s: bad message from the daemon: %s\n", c->path, err);
		ret = -1;
	}
	free(body);
	return ret;
}

/* A response sent as several frames (ctlstream.c) comes back as one. */
int ctl_recv(struct ctl_conn *c, uint8_t *kind, struct ctl_val *msg)
{
	struct ctl_val next;
	uint8_t k;
	int more;

	if (recv_frame(c, kind, msg) < 0)
		return -1;
	if (*kind != CTL_MSG_RESPONSE)
		return 0;
	more = ctl_get_bool(msg, "more");
	ctl_drop_more(msg);
	while (more) {
		if (recv_frame(c, &k, &next) < 0)
			goto fail;
		more = ctl_get_bool(&next, "more");
		if (k != CTL_MSG_RESPONSE || ctl_merge_response(msg, &next) < 0) {
			fprintf(stderr, "ikectl: %s: a continued response did not continue\n",
				c->path);
			ctl_val_free(&next);
			goto fail;
		}
		ctl_val_free(&next);
	}
	return 0;
fail:
	ctl_val_free(msg);
	return -1;
}

void ctl_val_escape(struct ctl_val *v)
{
	size_t i, n;
	char *e;

	for (i = 0; i < v->nkids; i++)
		ctl_val_escape(&v->kids[i]);
	if (!v->str || !v->str[strcspn(v->str, "\001\002\003\004\005\006\007\010\011\012"
					  "\013\014\015\016\017\020\021\022\023\024"
					  "\025\026\027\030\031\032\033\034\035\036"
					  "\037\177")])
		return;
	n = strlen(v->str) * 4 + 1;
	e = malloc(n);
	if (!e)
		return;
	log_escape(e, n, v->str);
	free(v->str);
	v->str = e;
}

/* ---- JSON ---- */

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	n = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0 || (n == 2 && s[0] < 0xc2))
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	fputc('"', f);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s < 0x20) {
			fprintf(f, "\\u%04x", *s++);
		} else if ((n = utf8_len(s)) == 0) {
			fputs("\\ufffd", f);	/* not UTF-8: JSON must stay valid */
			s++;
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
	fputc('"', f);
}

static void json_value(FILE *f, const struct ctl_val *v, int indent, int compact);

static void json_newline(FILE *f, int indent, int compact)
{
	if (!compact)
		fprintf(f, "\n%*s", indent * 2, "");
}

static void json_container(FILE *f, const struct ctl_val *v, int indent, int compact, int skip_ok)
{
	int rec = v->type == CTL_T_REC, first = 1;
	size_t i;

	fputc(rec ? '{' : '[', f);
	for (i = 0; i < v->nkids; i++) {
		if (skip_ok && strcmp(v->kids[i].name, "ok") == 0)
			continue;
		fputs(first ? "" : ",", f);
		first = 0;
		json_newline(f, indent + 1, compact);
		if (rec) {
			json_string(f, v->kids[i].name);
			fputs(compact ? ":" : ": ", f);
		}
		json_value(f, &v->kids[i], indent + 1, compact);
	}
	if (!first)
		json_newline(f, indent, compact);
	fputc(rec ? '}' : ']', f);
}

static void json_value(FILE *f, const struct ctl_val *v, int indent, int compact)
{
	switch (v->type) {
	case CTL_T_STR:
		json_string(f, v->str);
		break;
	case CTL_T_U64:
		fprintf(f, "%" PRIu64, v->u64);
		break;
	case CTL_T_BOOL:
		fputs(v->u64 ? "true" : "false", f);
		break;
	default:
		json_container(f, v, indent, compact, 0);
	}
}

void json_print(FILE *f, const struct ctl_val *rec, int compact)
{
	json_container(f, rec, 0, compact, 1);
	fputc('\n', f);
}

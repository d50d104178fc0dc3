#include "ike/core/metrics_http.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/loop.h"
#include "ike/core/conf.h"

struct client {
	struct metrics_http *h;
	int fd;			/* -1: slot free */
	char head[METRICS_HTTP_HEAD_MAX];
	size_t hlen;
	char *out;		/* status line, headers and body */
	size_t olen, ooff;
	struct timer timeout;
};

struct metrics_http {
	struct loop *loop;
	int fd;
	metrics_body_fn fn;
	void *arg;
	int paused;		/* every slot busy: accept waits */
	struct client c[METRICS_HTTP_CLIENTS];
};

static void drop(struct client *c)
{
	struct metrics_http *h = c->h;

	timer_cancel(h->loop, &c->timeout);
	loop_del_fd(h->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	free(c->out);
	c->out = NULL;
	if (h->paused && loop_mod_fd(h->loop, h->fd, LOOP_IN) == 0)
		h->paused = 0;
}

static void on_timeout(void *arg)
{
	struct client *c = arg;

	log_dbg(LS_CTL, "metrics: client took longer than %u ms, dropped", METRICS_HTTP_TIMEOUT_MS);
	drop(c);
}

static const char *head_end(const char *head, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (head[i] == '\n' && head[i + 1] == '\n')
			return head + i + 2;
		if (i + 3 < len && !memcmp(head + i, "\r\n\r\n", 4))
			return head + i + 4;
	}
	return NULL;
}

/* 1 if the header block (after the request line) asks for OpenMetrics. */
static int wants_openmetrics(const char *head, size_t len)
{
	static const char accept[] = "\naccept:", om[] = "application/openmetrics-text";
	char buf[METRICS_HTTP_HEAD_MAX + 1];

	if (len > METRICS_HTTP_HEAD_MAX)
		len = METRICS_HTTP_HEAD_MAX;
	for (size_t i = 0; i < len; i++)
		buf[i] = (char)(head[i] >= 'A' && head[i] <= 'Z' ? head[i] + 32 : head[i]);
	buf[len] = '\0';
	for (const char *p = strstr(buf, accept); p; p = strstr(p + 1, accept)) {
		const char *q = strstr(p, om);

		if (q && q < p + 1 + strcspn(p + 1, "\r\n"))
			return 1;
	}
	return 0;
}

int metrics_http_route(const char *head, size_t len, enum metrics_format *f)
{
	size_t line = 0;
	const char *sp, *path;

	while (line < len && head[line] != '\r' && head[line] != '\n')
		line++;
	sp = memchr(head, ' ', line);
	if (!sp || line < 14)
		return 400;
	path = sp + 1;
	if ((size_t)(sp - head) != 3 || memcmp(head, "GET", 3) != 0)
		return memchr(path, ' ', line - (size_t)(path - head)) ? 405 : 400;
	if (!memchr(path, ' ', line - (size_t)(path - head)) ||
	    memcmp(head + line - 8, "HTTP/1.", 7) != 0)
		return 400;
	if (strncmp(path, "/metrics ", 9) != 0 && strncmp(path, "/metrics?", 9) != 0 &&
	    strncmp(path, "/ ", 2) != 0)
		return 404;
	*f = wants_openmetrics(head + line, len - line) ? METRICS_OPENMETRICS : METRICS_TEXT;
	return 200;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	default: return "Internal Server Error";
	}
}

static void respond(struct client *c, int status, enum metrics_format f)
{
	char *body = NULL;
	size_t blen = 0;
	FILE *m;

	if (status == 200 && c->h->fn(c->h->arg, f, &body, &blen) < 0)
		status = 500;
	if (status != 200) {
		free(body);
		body = NULL;
		blen = 0;
	}
	m = open_memstream(&c->out, &c->olen);
	if (!m) {
		free(body);
		drop(c);
		return;
	}
	fprintf(m, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
		"Connection: close\r\n\r\n", status, reason(status),
		status != 200 ? "text/plain; charset=utf-8" :
		f == METRICS_OPENMETRICS ? METRICS_CT_OPENMETRICS : METRICS_CT_TEXT,
		status == 200 ? blen : strlen(reason(status)) + 1);
	if (status == 200)
		fwrite(body, 1, blen, m);
	else
		fprintf(m, "%s\n", reason(status));
	free(body);
	if (fclose(m) != 0 || loop_mod_fd(c->h->loop, c->fd, LOOP_OUT) < 0) {
		drop(c);
		return;
	}
	c->ooff = 0;
	shutdown(c->fd, SHUT_RD);
}

static void on_client(int fd, uint32_t events, void *arg)
{
	struct client *c = arg;
	enum metrics_format f = METRICS_TEXT;
	ssize_t n;

	if (c->out) {
		n = send(fd, c->out + c->ooff, c->olen - c->ooff, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n > 0)
			c->ooff += (size_t)n;
		if (n <= 0 || c->ooff == c->olen)
			drop(c);
		return;
	}
	n = recv(fd, c->head + c->hlen, sizeof(c->head) - c->hlen, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		drop(c);
		return;
	}
	c->hlen += (size_t)n;
	if (head_end(c->head, c->hlen)) {
		int status = metrics_http_route(c->head, c->hlen, &f);

		respond(c, status, f);
	} else if (c->hlen == sizeof(c->head)) {
		respond(c, 431, f);
	}
}

static void on_accept(int fd, uint32_t events, void *arg)
{
	struct metrics_http *h = arg;
	struct client *c = NULL;
	int cfd;

	for (size_t i = 0; i < METRICS_HTTP_CLIENTS && !c; i++)
		if (h->c[i].fd < 0)
			c = &h->c[i];
	if (!c) {
		/* every slot busy: leave the rest in the backlog until one frees */
		if (loop_mod_fd(h->loop, h->fd, 0) == 0)
			h->paused = 1;
		return;
	}
	cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cfd < 0)
		return;
	if (loop_add_fd(h->loop, cfd, LOOP_IN, on_client, c) < 0) {
		close(cfd);
		return;
	}
	c->fd = cfd;
	c->hlen = 0;
	timer_init(&c->timeout, on_timeout, c);
	timer_schedule(h->loop, &c->timeout, METRICS_HTTP_TIMEOUT_MS);
}

struct metrics_http *metrics_http_new(struct loop *loop, const char *where, metrics_body_fn fn,
				      void *arg, char *err, size_t errlen)
{
	struct metrics_http *h = calloc(1, sizeof(*h));
	struct addr a;
	int one = 1;

	if (!h) {
		snprintf(err, errlen, "metrics: out of memory");
		return NULL;
	}
	h->loop = loop;
	h->fn = fn;
	h->arg = arg;
	for (size_t i = 0; i < METRICS_HTTP_CLIENTS; i++) {
		h->c[i].h = h;
		h->c[i].fd = -1;
	}
	if (conf_parse_hostport(where, &a, err, errlen) < 0)
		goto fail_free;
	h->fd = socket(addr_family(&a), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0 || setsockopt(h->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(h->fd, &a.u.sa, addr_socklen(&a)) < 0 || listen(h->fd, 16) < 0 ||
	    loop_add_fd(loop, h->fd, LOOP_IN, on_accept, h) < 0) {
		snprintf(err, errlen, "metrics: cannot listen on %s: %s", where, strerror(errno));
		if (h->fd >= 0)
			close(h->fd);
		goto fail_free;
	}
	return h;
fail_free:
	free(h);
	return NULL;
}

void metrics_http_free(struct metrics_http *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < METRICS_HTTP_CLIENTS; i++)
		if (h->c[i].fd >= 0)
			drop(&h->c[i]);
	loop_del_fd(h->loop, h->fd);
	close(h->fd);
	free(h);
}

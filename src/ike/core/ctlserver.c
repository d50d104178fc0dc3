#include "ike/core/ctlserver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"

#define CTL_MAX_CLIENTS	32
#define CTL_OUT_MAX	(8u << 20)	/* queued bytes before a monitor is dropped */
#define CTL_RESP_MAX	(256u << 20)	/* queued response bytes (show of 10^5 SAs) */
/*
 * A client that is not a monitor and sends no complete request for this
 * long is closed: forgotten or stuck clients must not take all
 * CTL_MAX_CLIENTS slots and lock ikectl out.
 */
#define CTL_IDLE_MS	10000

struct ctl_client {
	struct ctl_server *srv;
	int fd;
	int monitor;
	int dead;		/* fell behind as a monitor: closed at its next event */
	int deferred;		/* its response comes later (ctl_client_defer) */
	void (*gone)(void *arg);
	void *gone_arg;
	struct timer idle;
	uint8_t *in;
	size_t inlen, incap;
	uint8_t *out;
	size_t outlen, outoff;
};

struct ctl_server {
	struct loop *loop;
	int fd;
	char *path;
	ctl_request_fn fn;
	void *arg;
	struct ctl_client *clients[CTL_MAX_CLIENTS];
	uint64_t requests;
};

static void client_close(struct ctl_client *c)
{
	struct ctl_server *s = c->srv;
	size_t i;

	if (c->deferred && c->gone)
		c->gone(c->gone_arg);
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->clients[i] == c)
			s->clients[i] = NULL;
	timer_cancel(s->loop, &c->idle);
	loop_del_fd(s->loop, c->fd);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

static int queue(struct ctl_client *c, const uint8_t *p, size_t n)
{
	uint8_t *nb;

	if (c->outoff) {
		memmove(c->out, c->out + c->outoff, c->outlen - c->outoff);
		c->outlen -= c->outoff;
		c->outoff = 0;
	}
	if (c->outlen + n > (c->monitor ? CTL_OUT_MAX : CTL_RESP_MAX))
		return -1;
	nb = realloc(c->out, c->outlen + n);
	if (!nb)
		return -1;
	memcpy(nb + c->outlen, p, n);
	c->out = nb;
	c->outlen += n;
	return 0;
}

/* Writes what the socket takes; 0 ok, -1 if the client is gone. */
static int flush(struct ctl_client *c)
{
	ssize_t n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0)
			return -1;
		c->outoff += (size_t)n;
		if (!c->monitor)	/* reading a long response is not idling */
			timer_schedule(c->srv->loop, &c->idle, CTL_IDLE_MS);
	}
	if (c->outoff == c->outlen)
		c->outoff = c->outlen = 0;
	return loop_mod_fd(c->srv->loop, c->fd, LOOP_IN | (c->outlen ? LOOP_OUT : 0));
}

static void respond_error(struct ctl_enc *resp, const char *msg)
{
	ctl_put_bool(resp, "ok", 0);
	ctl_put_str(resp, "error", msg);
}

static int queue_frame(void *arg, const uint8_t *frame, size_t len)
{
	return queue(arg, frame, len);
}

/* One complete frame: decode, hand to the callback, queue the response. */
static int handle_frame(struct ctl_client *c, const uint8_t *msg, size_t len)
{
	struct ctl_server *s = c->srv;
	struct ctl_val req;
	struct ctl_enc resp;
	const uint8_t *frame;
	size_t flen;
	uint8_t kind;
	char err[160];
	int ret = -1, was_deferred = c->deferred;

	if (ctl_enc_init(&resp, CTL_MSG_RESPONSE) < 0)
		return -1;
	s->requests++;
	if (ctl_decode(msg, len, &kind, &req, err, sizeof(err)) < 0) {
		log_warn(LS_CTL, "control client: bad request: %s", err);
		respond_error(&resp, err);
	} else {
		if (kind != CTL_MSG_REQUEST)
			respond_error(&resp, "expected a request message");
		else if (c->deferred)	/* one answer outstanding per client */
			respond_error(&resp, "a request of this client is still waiting");
		else
			s->fn(s->arg, c, &req, &resp);
		ctl_val_free(&req);
	}
	if (c->deferred && !was_deferred) {
		ctl_enc_free(&resp);	/* its answer comes later (ctl_client_respond) */
		return 0;
	}
	if (ctl_enc_finish(&resp, &frame, &flen) == 0)
		ret = queue(c, frame, flen);
	else if (!resp.err && wr_ok(&resp.w) && resp.depth == 0)	/* only too large */
		ret = ctl_split_response(wr_data(&resp.w) + 4, wr_len(&resp.w) - 4, CTL_CHUNK,
					 queue_frame, c);
	if (ret < 0)
		log_err(LS_CTL, "control client: response of %zu bytes could not be sent",
			wr_len(&resp.w));
	ctl_enc_free(&resp);
	return ret;
}

static int read_frames(struct ctl_client *c)
{
	long need;
	ssize_t n;
	uint8_t *nb;

	if (c->incap - c->inlen < 4096) {
		nb = realloc(c->in, c->incap + 65536);
		if (!nb)
			return -1;
		c->in = nb;
		c->incap += 65536;
	}
	n = recv(c->fd, c->in + c->inlen, c->incap - c->inlen, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	c->inlen += (size_t)n;
	if (!c->monitor)
		timer_schedule(c->srv->loop, &c->idle, CTL_IDLE_MS);
	while ((need = ctl_frame_size(c->in, c->inlen)) != 0) {
		if (need < 0) {
			log_warn(LS_CTL, "control client: frame length out of bounds (max %u)",
				 CTL_FRAME_MAX);
			return -1;
		}
		if ((size_t)need > c->inlen) {
			/* Room for the whole frame, so the next reads complete it. */
			if ((size_t)need > c->incap) {
				nb = realloc(c->in, (size_t)need);
				if (!nb)
					return -1;
				c->in = nb;
				c->incap = (size_t)need;
			}
			break;
		}
		if (handle_frame(c, c->in + 4, (size_t)need - 4) < 0)
			return -1;
		memmove(c->in, c->in + need, c->inlen - (size_t)need);
		c->inlen -= (size_t)need;
	}
	return 0;
}

static void client_cb(int fd, uint32_t events, void *arg)
{
	struct ctl_client *c = arg;

	if (c->dead) {
		log_warn(LS_CTL, "control client: monitor fell %u bytes behind, dropped", CTL_OUT_MAX);
		client_close(c);
		return;
	}
	if (((events & LOOP_IN) && read_frames(c) < 0) || flush(c) < 0 ||
	    ((events & LOOP_ERR) && !(events & LOOP_IN)))
		client_close(c);
}

static void idle_cb(void *arg)
{
	struct ctl_client *c = arg;

	if (c->monitor)
		return;
	log_info(LS_CTL, "control client: idle for %u ms, closed", CTL_IDLE_MS);
	client_close(c);
}

/* Only root (or the daemon's own uid, for tests as a user) may talk to it. */
static int peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 0;
	if (cred.uid == 0 || cred.uid == geteuid())
		return 1;
	log_warn(LS_CTL, "control socket: refused uid %u (pid %d)", (unsigned)cred.uid, (int)cred.pid);
	return 0;
}

static void accept_cb(int fd, uint32_t events, void *arg)
{
	struct ctl_server *s = arg;
	struct ctl_client *c;
	int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	size_t i;

	if (cfd < 0)
		return;
	for (i = 0; i < CTL_MAX_CLIENTS && s->clients[i]; i++)
		;
	if (i == CTL_MAX_CLIENTS || !peer_allowed(cfd) || !(c = calloc(1, sizeof(*c)))) {
		if (i == CTL_MAX_CLIENTS)
			log_warn(LS_CTL, "control socket: %d clients already, refusing one more",
				 CTL_MAX_CLIENTS);
		close(cfd);
		return;
	}
	c->srv = s;
	c->fd = cfd;
	timer_init(&c->idle, idle_cb, c);
	if (loop_add_fd(s->loop, cfd, LOOP_IN, client_cb, c) < 0 ||
	    timer_schedule(s->loop, &c->idle, CTL_IDLE_MS) < 0) {
		loop_del_fd(s->loop, cfd);
		close(cfd);
		free(c);
		return;
	}
	s->clients[i] = c;
}

static int bind_socket(struct ctl_server *s, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket path %s longer than %zu bytes", path,
			 sizeof(sun.sun_path) - 1);
		return -1;
	}
	strcpy(sun.sun_path, path);
	/* A socket left by a crash; the pid file lock says no daemon owns it. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	old = umask(077);
	rc = bind(s->fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0 || chmod(path, 0600) < 0 || listen(s->fd, 16) < 0) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

struct ctl_server *ctl_server_new(struct loop *l, const char *path, ctl_request_fn fn, void *arg,
				  char *err, size_t errlen)
{
	struct ctl_server *s = calloc(1, sizeof(*s));

	if (!s || !(s->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		free(s);
		return NULL;
	}
	s->loop = l;
	s->fn = fn;
	s->arg = arg;
	s->fd = -1;
	if (bind_socket(s, path, err, errlen) < 0 ||
	    loop_add_fd(l, s->fd, LOOP_IN, accept_cb, s) < 0) {
		if (s->fd >= 0) {
			close(s->fd);
			unlink(path);
		}
		free(s->path);
		free(s);
		return NULL;
	}
	log_info(LS_CTL, "control socket %s", path);
	return s;
}

void ctl_server_free(struct ctl_server *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		if (s->clients[i])
			client_close(s->clients[i]);
	loop_del_fd(s->loop, s->fd);
	close(s->fd);
	unlink(s->path);
	free(s->path);
	free(s);
}

void ctl_client_defer(struct ctl_client *c, void (*gone)(void *arg), void *arg)
{
	c->deferred = 1;
	c->gone = gone;
	c->gone_arg = arg;
	timer_cancel(c->srv->loop, &c->idle);	/* the waiter has its own limit */
}

int ctl_client_respond(struct ctl_client *c, struct ctl_enc *resp)
{
	const uint8_t *frame;
	size_t flen;
	int rc = -1;

	c->deferred = 0;
	c->gone = NULL;
	if (ctl_enc_finish(resp, &frame, &flen) == 0 && queue(c, frame, flen) == 0)
		rc = loop_mod_fd(c->srv->loop, c->fd, LOOP_IN | LOOP_OUT);
	ctl_enc_free(resp);
	if (!c->monitor)
		timer_schedule(c->srv->loop, &c->idle, CTL_IDLE_MS);
	return rc;
}

void ctl_client_set_monitor(struct ctl_client *c)
{
	c->monitor = 1;
	timer_cancel(c->srv->loop, &c->idle);
}

size_t ctl_server_monitors(const struct ctl_server *s)
{
	size_t i, n = 0;

	for (i = 0; i < CTL_MAX_CLIENTS; i++)
		n += s->clients[i] && s->clients[i]->monitor;
	return n;
}

void ctl_server_broadcast(struct ctl_server *s, const uint8_t *frame, size_t len)
{
	size_t i;

	/*
	 * Only queue: this runs from the log sink, possibly inside a client's
	 * own request, so closing here could free the caller's client.
	 */
	for (i = 0; i < CTL_MAX_CLIENTS; i++) {
		struct ctl_client *c = s->clients[i];

		if (!c || !c->monitor || c->dead)
			continue;
		if (queue(c, frame, len) < 0)
			c->dead = 1;
		loop_mod_fd(s->loop, c->fd, LOOP_IN | LOOP_OUT);
	}
}

uint64_t ctl_server_requests(const struct ctl_server *s)
{
	return s->requests;
}

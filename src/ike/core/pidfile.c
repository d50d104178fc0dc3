#include "ike/core/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int pidfile_acquire(struct pidfile *pf, const char *path, char *err, size_t errlen)
{
	char buf[32];
	ssize_t n;
	int len;

	pf->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	pf->path = NULL;
	if (pf->fd < 0) {
		snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(pf->fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK) {
			snprintf(err, errlen, "pid file %s: lock: %s", path, strerror(errno));
			goto fail;
		}
		n = read(pf->fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(err, errlen, "another ikedaemon is running (pid %s holds the lock on %s)",
			 buf[0] ? buf : "?", path);
		goto fail;
	}
	len = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pf->fd, 0) < 0 || pwrite(pf->fd, buf, (size_t)len, 0) != len) {
		snprintf(err, errlen, "pid file %s: write: %s", path, strerror(errno));
		goto fail;
	}
	pf->path = strdup(path);
	if (!pf->path) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	return 0;
fail:
	close(pf->fd);
	pf->fd = -1;
	return -1;
}

void pidfile_release(struct pidfile *pf)
{
	if (pf->fd < 0)
		return;
	if (pf->path)
		unlink(pf->path);
	close(pf->fd);
	free(pf->path);
	pf->fd = -1;
	pf->path = NULL;
}

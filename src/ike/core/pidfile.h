/*
 * The pid file doubles as the single-instance lock: it is opened, locked
 * with flock(LOCK_EX|LOCK_NB) and kept open while the daemon runs.  A
 * second daemon fails to take the lock and refuses to start, naming the
 * pid that holds it.  A stale file left by a crash is not locked, so it is
 * simply taken over.
 */
#ifndef IKE_CORE_PIDFILE_H
#define IKE_CORE_PIDFILE_H

#include <stddef.h>

struct pidfile {
	int fd;
	char *path;
};

/* 0 locked and written; -1 with err (another instance, or an I/O error). */
int pidfile_acquire(struct pidfile *pf, const char *path, char *err, size_t errlen);
/* Unlinks and closes (the lock goes with the descriptor). */
void pidfile_release(struct pidfile *pf);

#endif

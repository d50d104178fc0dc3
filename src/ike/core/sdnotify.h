/*
 * systemd readiness notification (Type=notify) without libsystemd: one
 * datagram with "KEY=VALUE" lines to the AF_UNIX socket named by
 * $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace), as
 * sd_notify(3) documents.  Without $NOTIFY_SOCKET this does nothing.
 */
#ifndef IKE_CORE_SDNOTIFY_H
#define IKE_CORE_SDNOTIFY_H

/* 0 sent or nothing to do; -1 if the socket refused it. */
int sd_notify_send(const char *state);
int sd_notify_ready(void);
/* RELOADING=1 with MONOTONIC_USEC, as Type=notify-reload wants. */
int sd_notify_reloading(void);
int sd_notify_stopping(void);

#endif

/*
 * Capabilities: after start-up ikedaemon keeps only what it uses
 * (CAP_NET_ADMIN for XFRM/netlink, CAP_NET_BIND_SERVICE to bind ports 500
 * and 4500 again after a reload) and drops everything else from its
 * effective, permitted, inheritable and ambient sets and from the bounding
 * set, so neither it nor anything it could exec regains them.  It keeps
 * uid 0 (the configuration and /run stay root-owned); no libcap, only the
 * capset/prctl system calls.
 */
#ifndef IKE_CORE_CAPS_H
#define IKE_CORE_CAPS_H

/* 0 when only the kept capabilities remain; -1 with a log line otherwise. */
int caps_drop_to_needed(void);
/* 1 if cap (CAP_*) is in the effective set. */
int caps_have(int cap);

#endif

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
/*
 * Key material must not leave the process through a core dump or ptrace
 * by another process of the same uid: PR_SET_DUMPABLE 0 and RLIMIT_CORE 0,
 * unless allow_core (ikedaemon -C, for debugging).  0, or -1 logged.
 */
int proc_protect_keys(int allow_core);
/* 1 if cap (CAP_*) is in the effective set. */
int caps_have(int cap);

#endif

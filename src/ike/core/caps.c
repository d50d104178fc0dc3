#include "ike/core/caps.h"

#include <errno.h>
#include <stdint.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/log.h"

static const int kept_caps[] = { CAP_NET_ADMIN, CAP_NET_BIND_SERVICE };

static int cap_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &h, d);
}

static int cap_set(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capset, &h, d);
}

static int is_kept(int cap)
{
	size_t i;

	for (i = 0; i < sizeof(kept_caps) / sizeof(kept_caps[0]); i++)
		if (kept_caps[i] == cap)
			return 1;
	return 0;
}

int caps_have(int cap)
{
	struct __user_cap_data_struct d[2];

	if (cap < 0 || cap > 63 || cap_get(d) < 0)
		return 0;
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

/* The bounding set needs CAP_SETPCAP, so it goes first, while we hold it. */
static void drop_bounding(void)
{
	int cap;

	if (!caps_have(CAP_SETPCAP)) {
		log_dbg(LS_DMN, "capabilities: no CAP_SETPCAP, bounding set left as it is");
		return;
	}
	for (cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
		if (!is_kept(cap) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			log_warn(LS_DMN, "capabilities: cannot drop %d from the bounding set: %s",
				 cap, strerror(errno));
}

int caps_drop_to_needed(void)
{
	struct __user_cap_data_struct d[2];
	uint32_t keep[2] = { 0, 0 };
	size_t i;

	drop_bounding();
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (cap_get(d) < 0) {
		log_err(LS_DMN, "capabilities: capget: %s", strerror(errno));
		return -1;
	}
	for (i = 0; i < sizeof(kept_caps) / sizeof(kept_caps[0]); i++)
		keep[kept_caps[i] / 32] |= 1u << (kept_caps[i] % 32);
	for (i = 0; i < 2; i++) {
		/* Only ever narrow: keep what we have of the wanted set. */
		d[i].permitted &= keep[i];
		d[i].effective &= d[i].permitted;
		d[i].inheritable = 0;
	}
	if (cap_set(d) < 0) {
		log_err(LS_DMN, "capabilities: capset: %s", strerror(errno));
		return -1;
	}
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	log_dbg(LS_DMN, "capabilities: kept cap_net_admin=%d cap_net_bind_service=%d",
		caps_have(CAP_NET_ADMIN), caps_have(CAP_NET_BIND_SERVICE));
	return 0;
}

int proc_protect_keys(int allow_core)
{
	struct rlimit rl = { 0, 0 };

	if (allow_core) {
		log_warn(LS_DMN, "-C: core dumps allowed; a core file holds IKE and ESP keys");
		return 0;
	}
	if (setrlimit(RLIMIT_CORE, &rl) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		log_err(LS_DMN, "core dump protection: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Kernel IPsec interface: the only way the IKE core touches SAs and
 * policies.  Plain parameter structs in, 0 or -errno out; every failure is
 * also logged (LS_KNL) with what was asked and why the kernel refused.
 *
 * Two implementations: the XFRM backend (kernel_xfrm_new(), libnl-xfrm,
 * what the daemon always runs) and an in-memory double for tests
 * (tests/lib/kernel_mem.h).
 *
 * Ownership: "flush_own" removes exactly what an ikedaemon installed.
 *  - SAs: every SA carries a reqid in [KERNEL_REQID_MIN, KERNEL_REQID_MAX];
 *    add_sa/alloc_spi refuse other reqids.  flush_own deletes SAs whose
 *    reqid is in that range.
 *  - Policies: priorities are computed here (callers choose a class, not a
 *    number) and fall in [KERNEL_PRIO_MIN, KERNEL_PRIO_MAX], unless the
 *    caller fixes one (kernel_policy.priority, policies with a template
 *    only); templates carry our reqids.  flush_own deletes policies whose
 *    templates (if any) all carry our reqids and that have a template or
 *    a priority in that band.  Socket policies (kernel_bypass_socket) die with their socket.
 *  - Placeholder SAs of pending ACQUIREs (SPI 0) cannot be deleted by id;
 *    once the trap policies are gone they expire on their own
 *    (net.core.xfrm_acq_expires, 30 s by default).
 * Nothing else in the SAD/SPD is touched.
 */
#ifndef IKE_KERNEL_KERNEL_H
#define IKE_KERNEL_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

/* 'I' (0x49) in the top byte: 16M reqids reserved for ikedaemon. */
#define KERNEL_REQID_MIN	0x49000001u
#define KERNEL_REQID_MAX	0x49ffffffu

/* XFRM priority band: lower value wins; see kernel_policy_priority(). */
#define KERNEL_PRIO_MIN		0x00494000u
#define KERNEL_PRIO_MAX		(KERNEL_PRIO_MIN + 0x3fffu)

#define KERNEL_KEY_MAX		64	/* bytes, incl. AEAD salt */

enum kernel_mode {
	KERNEL_MODE_TRANSPORT = 0,
	KERNEL_MODE_TUNNEL = 1,
};

enum kernel_dir {
	KERNEL_DIR_IN = 0,
	KERNEL_DIR_OUT = 1,
	KERNEL_DIR_FWD = 2,
};

enum kernel_action {
	KERNEL_ALLOW = 0,	/* with a template: protect (or trap, no SA yet) */
	KERNEL_BLOCK = 1,
};

/*
 * Policy classes, most preferred first.  Within a class a more specific
 * selector (longer prefixes, a protocol, ports) wins.
 */
enum kernel_prio_class {
	KERNEL_PRIO_PASS = 0,	/* bypass/pass-through exceptions */
	KERNEL_PRIO_IPSEC = 1,	/* installed CHILD_SAs */
	KERNEL_PRIO_TRAP = 2,	/* on-demand (ACQUIRE) policies */
	KERNEL_PRIO_FALLBACK = 3,	/* drop-what-is-left policies */
};

struct kernel_mark {
	uint32_t value;
	uint32_t mask;		/* 0: no mark */
};

/* An SA as the kernel names it.  proto is IPPROTO_ESP or IPPROTO_AH. */
struct kernel_sa_id {
	struct addr dst;	/* port ignored */
	uint32_t spi;		/* host order */
	uint8_t proto;
	struct kernel_mark mark;
};

/* Traffic selector: prefixes plus optional protocol and ports. */
struct kernel_selector {
	struct addr src, dst;	/* ports ignored; same family for both */
	uint8_t src_plen, dst_plen;
	uint8_t proto;		/* 0: any */
	uint16_t sport, dport;	/* 0: any (host order) */
	/* port masks (kernel_port_range); 0: the port alone, or any port
	 * when the port is 0 */
	uint16_t sport_mask, dport_mask;
};

/* Zero means "no limit" for every field. */
struct kernel_lifetime {
	uint64_t soft_bytes, hard_bytes;
	uint64_t soft_packets, hard_packets;
	uint64_t soft_secs, hard_secs;	/* since the SA was added */
};

/*
 * ESP/AH algorithms, named by the kernel interface itself: the backend maps
 * them to its own names (xfrm_alg.c); the IKE engine translates its
 * negotiated transform IDs into these (src/ike/engine/kernel_alg.c).  Key
 * lengths travel with the key (enc_key_len, int_key_len).
 */
enum kernel_encr {
	KERNEL_ENCR_NONE = 0,	/* AH, or not set */
	KERNEL_ENCR_AES_CBC,
	KERNEL_ENCR_AES_CTR,	/* RFC 3686: 4-byte nonce after the key */
	KERNEL_ENCR_3DES_CBC,
	KERNEL_ENCR_NULL,
	KERNEL_ENCR_AES_GCM_8,	/* RFC 4106: 4-byte salt after the key; ICV bits */
	KERNEL_ENCR_AES_GCM_12,
	KERNEL_ENCR_AES_GCM_16,
	KERNEL_ENCR_AES_CCM_8,	/* RFC 4309: 3-byte salt */
	KERNEL_ENCR_AES_CCM_12,
	KERNEL_ENCR_AES_CCM_16,
	KERNEL_ENCR_AES_GMAC,	/* RFC 4543: integrity only, 4-byte salt */
	KERNEL_ENCR_CHACHA20_POLY1305,	/* RFC 7634: 4-byte salt */
};

enum kernel_integ {
	KERNEL_INTEG_NONE = 0,	/* with a combined-mode (AEAD) cipher */
	KERNEL_INTEG_HMAC_MD5_96,
	KERNEL_INTEG_HMAC_SHA1_96,
	KERNEL_INTEG_AES_XCBC_96,
	KERNEL_INTEG_AES_CMAC_96,
	KERNEL_INTEG_HMAC_SHA2_256_128,
	KERNEL_INTEG_HMAC_SHA2_384_192,
	KERNEL_INTEG_HMAC_SHA2_512_256,
	KERNEL_INTEG_HMAC_SHA2_256_96,	/* pre-RFC 4868 Linux peers (sha256_96) */
};

struct kernel_sa {
	struct kernel_sa_id id;	/* id.dst is the outer destination */
	struct addr src;	/* outer source; port ignored */
	enum kernel_mode mode;
	uint32_t reqid;		/* in [KERNEL_REQID_MIN, KERNEL_REQID_MAX] */
	enum kernel_encr encr;
	enum kernel_integ integ;	/* KERNEL_INTEG_NONE with AEAD */
	uint8_t enc_key[KERNEL_KEY_MAX];	/* AEAD: key then salt */
	size_t enc_key_len;
	uint8_t int_key[KERNEL_KEY_MAX];
	size_t int_key_len;
	uint32_t replay_window;	/* packets; 0 disables replay checks */
	int esn;		/* extended sequence numbers */
	struct kernel_lifetime life;
	uint16_t encap_sport, encap_dport;	/* UDP encapsulation if nonzero */
	uint32_t if_id;		/* XFRM interface ID; 0: none */
	/* the mark the SA sets on packets it processed (mask 0: none;
	 * Linux >= 4.19 for a mask or an inbound SA) */
	struct kernel_mark set_mark;
	/* Tunnel mode headers.  Defaults (all 0): the outer IPv4 DF bit
	 * copied from the inner header, ECN propagated both ways, DSCP copied
	 * inner -> outer only. */
	int no_copy_df;		/* outer DF never set (no PMTU discovery) */
	int no_copy_ecn;	/* ECN bits neither copied nor propagated */
	int dscp_decap;		/* DSCP copied outer -> inner when decapsulating */
	int dscp_no_encap;	/* outer DSCP 0 instead of the inner one */
	/* Transport mode: the traffic the SA carries; tunnel mode: optional
	 * (family AF_UNSPEC/0 leaves the inner family open). */
	struct kernel_selector sel;
};

struct kernel_tmpl {
	enum kernel_mode mode;
	struct addr src, dst;	/* tunnel endpoints; unused in transport */
	uint8_t proto;		/* IPPROTO_ESP or IPPROTO_AH */
	uint32_t reqid;
};

/* A policy is identified by (sel, dir, mark, if_id). */
struct kernel_policy {
	struct kernel_selector sel;
	enum kernel_dir dir;
	enum kernel_action action;
	enum kernel_prio_class prio_class;
	int has_tmpl;
	struct kernel_tmpl tmpl;
	struct kernel_mark mark;
	uint32_t if_id;
	/* a fixed XFRM priority for a policy with a template; 0 (and for
	 * block policies always): computed from prio_class and selector */
	uint32_t priority;
};

/*
 * Where an installed SA moves when the peer's NAT mapping changed (RFC
 * 7296 2.23, RFC 3948): new outer addresses and UDP encapsulation ports
 * (both 0: plain ESP).  The keys stay what they are.
 */
struct kernel_sa_move {
	struct addr src, dst;	/* ports ignored */
	uint16_t encap_sport, encap_dport;
};

struct kernel_sa_stats {
	uint64_t bytes, packets;
	uint64_t add_time, use_time;	/* seconds since the epoch; 0: unused */
};

struct kernel_acquire {
	struct kernel_selector sel;	/* the packet's flow */
	struct addr src, dst;		/* template endpoints (outer) */
	uint8_t proto;
	uint32_t reqid;
	uint32_t policy_index;
	enum kernel_dir dir;
};

/*
 * Callbacks registered by the IKE core, called from kernel_dispatch().
 * on_resync: events were lost (socket overrun); the core must re-query
 * what it depends on (e.g. query_sa on its SAs, reinstall trap policies).
 */
struct kernel_events {
	void (*on_acquire)(void *arg, const struct kernel_acquire *acq);
	void (*on_expire)(void *arg, const struct kernel_sa_id *id, uint32_t reqid, int hard);
	void (*on_policy_expire)(void *arg, const struct kernel_selector *sel,
				 enum kernel_dir dir, uint32_t index, int hard);
	/* NAT mapping change: the peer now sends from new_peer (addr+port). */
	void (*on_mapping)(void *arg, const struct kernel_sa_id *id,
			   const struct addr *old_peer, const struct addr *new_peer);
	void (*on_resync)(void *arg);
	void *arg;
};

/* An SA or a policy of ours as the kernel lists it (kernel_list_own). */
struct kernel_sa_info {
	struct kernel_sa_id id;
	struct addr src;
	uint32_t reqid;
	enum kernel_mode mode;
	char enc_alg[64], integ_alg[64];	/* kernel names; "" if none */
	uint64_t bytes, packets;
};

struct kernel_policy_info {
	struct kernel_selector sel;
	enum kernel_dir dir;
	uint32_t priority;
	uint32_t reqid;		/* of the first template; 0 without one */
	int has_tmpl;
	enum kernel_action action;
	struct kernel_mark mark;
	uint32_t if_id;
};

typedef void (*kernel_sa_info_fn)(const struct kernel_sa_info *sa, void *arg);
typedef void (*kernel_policy_info_fn)(const struct kernel_policy_info *p, void *arg);

struct kernel;

struct kernel_ops {
	const char *name;
	void (*free)(struct kernel *k);
	int (*alloc_spi)(struct kernel *k, const struct addr *src, const struct addr *dst,
			 uint8_t proto, uint32_t reqid, uint32_t min, uint32_t max,
			 uint32_t *spi);
	int (*add_sa)(struct kernel *k, const struct kernel_sa *sa);
	int (*update_sa)(struct kernel *k, const struct kernel_sa *sa);
	int (*del_sa)(struct kernel *k, const struct kernel_sa_id *id);
	int (*move_sa)(struct kernel *k, const struct kernel_sa_id *id,
		       const struct kernel_sa_move *to);
	int (*query_sa)(struct kernel *k, const struct kernel_sa_id *id,
			struct kernel_sa_stats *st);
	int (*add_policy)(struct kernel *k, const struct kernel_policy *p);
	int (*update_policy)(struct kernel *k, const struct kernel_policy *p);
	int (*del_policy)(struct kernel *k, const struct kernel_policy *p);
	int (*flush_own)(struct kernel *k);
	int (*list_own)(struct kernel *k, kernel_sa_info_fn sa_fn, kernel_policy_info_fn pol_fn,
			void *arg);
	int (*event_fd)(struct kernel *k);
	int (*dispatch)(struct kernel *k);
	/* virtual IPs (RFC 7296 3.15): NULL when the backend has none */
	int (*add_addr)(struct kernel *k, const struct addr *a, unsigned prefix, const char *ifname);
	int (*del_addr)(struct kernel *k, const struct addr *a, unsigned prefix, const char *ifname);
};

/* Every backend embeds this first. */
struct kernel {
	const struct kernel_ops *ops;
	struct kernel_events ev;
};

/* The XFRM backend; NULL (logged) if netlink sockets cannot be opened. */
struct kernel *kernel_xfrm_new(const struct kernel_events *ev);

void kernel_free(struct kernel *k);
/*
 * A fresh SPI in [min, max]: the kernel holds it as a larval SA that
 * update_sa must complete within net.core.xfrm_acq_expires (30 s by
 * default), or it expires (hard EXPIRE event) and the SPI is free again.
 */
int kernel_alloc_spi(struct kernel *k, const struct addr *src, const struct addr *dst,
		     uint8_t proto, uint32_t reqid, uint32_t min, uint32_t max, uint32_t *spi);
int kernel_add_sa(struct kernel *k, const struct kernel_sa *sa);
/* Completes a larval SA from alloc_spi, or changes an installed one. */
int kernel_update_sa(struct kernel *k, const struct kernel_sa *sa);
/* -ESRCH (logged at debug level only) when the SA is already gone. */
int kernel_del_sa(struct kernel *k, const struct kernel_sa_id *id);
int kernel_query_sa(struct kernel *k, const struct kernel_sa_id *id, struct kernel_sa_stats *st);
/*
 * Moves the installed SA id to to's addresses and encapsulation ports
 * (XFRM: the SA as the kernel holds it, updated in place with UPDSA when
 * its destination stays, else added under the new destination and the
 * old one deleted).  -ESRCH if id is not installed.
 */
int kernel_move_sa(struct kernel *k, const struct kernel_sa_id *id,
		   const struct kernel_sa_move *to);
int kernel_add_policy(struct kernel *k, const struct kernel_policy *p);
int kernel_update_policy(struct kernel *k, const struct kernel_policy *p);
int kernel_del_policy(struct kernel *k, const struct kernel_policy *p);
/* Removes every SA and policy an ikedaemon installed (see top of file). */
int kernel_flush_own(struct kernel *k);
/*
 * Lists what flush_own would remove: SAs with our reqids, policies in our
 * priority band (callbacks must not call the backend).  -EOPNOTSUPP when
 * the backend cannot list.
 */
int kernel_list_own(struct kernel *k, kernel_sa_info_fn sa_fn, kernel_policy_info_fn pol_fn,
		    void *arg);
/* Register this fd for reading in the event loop; call dispatch when readable. */
int kernel_event_fd(struct kernel *k);
/* Reads all pending events without blocking and calls the callbacks. */
int kernel_dispatch(struct kernel *k);

/*
 * An address (a virtual IP a gateway assigned us) on interface ifname, and
 * its removal: 0, -EEXIST when it is there already, -ENODEV, -EOPNOTSUPP
 * for a backend without addresses, or the kernel's -errno.
 */
int kernel_add_addr(struct kernel *k, const struct addr *a, unsigned prefix, const char *ifname);
int kernel_del_addr(struct kernel *k, const struct addr *a, unsigned prefix, const char *ifname);

/* The XFRM priority for a policy (class band, then selector specificity). */
uint32_t kernel_policy_priority(const struct kernel_policy *p);
/*
 * A port range as XFRM selects ports (port and mask): the smallest masked
 * block holding [lo, hi], which is the range itself for one port, 0-65535
 * and aligned power-of-two blocks, and wider otherwise (strongSwan does
 * the same); *mask 0 and *port 0: any port.
 */
void kernel_port_range(uint16_t lo, uint16_t hi, uint16_t *port, uint16_t *mask);
/* The effective mask of a selector port (see kernel_selector). */
uint16_t kernel_port_mask(uint16_t port, uint16_t mask);
/* 1 if a and b select the same packets (addresses, prefixes, protocol, ports). */
int kernel_selector_eq(const struct kernel_selector *a, const struct kernel_selector *b);
int kernel_reqid_is_own(uint32_t reqid);
int kernel_prio_is_own(uint32_t prio);
/* A policy flush_own removes: templates all ours, and one of them or a
 * priority in our band. */
int kernel_policy_is_own(uint32_t prio, int has_tmpl, int tmpl_foreign);

/* Lets IKE traffic on fd bypass IPsec policies in both directions. */
int kernel_bypass_socket(int fd, int family);

#endif

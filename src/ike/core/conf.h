/*
 * ike.conf: the parsed, validated configuration.  config_load() reads a
 * libconfig file, checks every key against the schema (config.c,
 * config_conn.c) and reports every error as "file:line: message".  A
 * struct config is immutable once loaded; a reload builds a new one and
 * compares it with the running one (plan.h).
 */
#ifndef IKE_CORE_CONF_H
#define IKE_CORE_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/secret.h"
#include "common/strmap.h"
#include "ike/core/ident.h"
#include "ike/core/tsspec.h"

#define CONF_NAME_MAX	64	/* connection and child names */
#define CONF_MAX_RESOLVED 8	/* addresses kept per hostname */

/* Where a value was written: file (interned in struct config) and line. */
struct conf_loc {
	const char *file;
	int line;
};

struct conf_strlist {
	char **v;
	size_t n;
};

/* One entry of local_addrs/remote_addrs: literal, %any, or a hostname. */
struct conf_host {
	char *text;
	int any;			/* %any, 0.0.0.0 or :: */
	int family;			/* AF_UNSPEC for %any */
	size_t naddrs;			/* resolved at load (1 for a literal); port 0 */
	struct addr addrs[CONF_MAX_RESOLVED];
};

/* pubkey: any key type; rsa/ecdsa/ed25519/ed448: the peer must use it */
enum conf_auth {
	CONF_AUTH_PSK = 1,
	CONF_AUTH_PUBKEY,
	CONF_AUTH_RSA,
	CONF_AUTH_ECDSA,
	CONF_AUTH_ED25519,
	CONF_AUTH_ED448,
	CONF_AUTH_EAP_MD5,		/* EAP (RFC 7296 2.16), src/ike/auth/auth_eap.c */
	CONF_AUTH_EAP_MSCHAPV2,
	CONF_AUTH_EAP_RADIUS,		/* EAP relayed to RADIUS (config_radius.c) */
	CONF_AUTH_EAP_TLS,		/* certificates: config_pki.c loads them as for pubkey */
};
#define CONF_AUTH_IS_PUBKEY(a) ((a) >= CONF_AUTH_PUBKEY && (a) <= CONF_AUTH_ED448)
#define CONF_AUTH_IS_EAP(a) ((a) >= CONF_AUTH_EAP_MD5 && (a) <= CONF_AUTH_EAP_TLS)
/* local certs / remote cacerts: the public-key rows and EAP-TLS */
#define CONF_AUTH_USES_CERTS(a) (CONF_AUTH_IS_PUBKEY(a) || (a) == CONF_AUTH_EAP_TLS)

enum conf_send_cert { CONF_SEND_CERT_IFASKED = 0, CONF_SEND_CERT_ALWAYS, CONF_SEND_CERT_NEVER };
enum conf_revocation { CONF_REV_RELAXED = 0, CONF_REV_IFURI, CONF_REV_STRICT };
/* IKE fragmentation (RFC 7383), strongSwan's values: yes announces it and
 * fragments when the peer announced it too; force is yes for IKEv2
 * (strongSwan's force only changes IKEv1); no neither announces nor
 * accepts fragments. */
enum conf_frag { CONF_FRAG_YES = 0, CONF_FRAG_NO, CONF_FRAG_FORCE };
/* fragment_size: the whole IP datagram of a sent fragment, in bytes. */
#define CONF_FRAGMENT_SIZE_DEFAULT	1280
#define CONF_FRAGMENT_SIZE_MIN		256
#define CONF_FRAGMENT_SIZE_MAX		65535

struct conf_side {
	struct ident id;
	char *id_text;
	unsigned auth;			/* enum conf_auth */
	/* public-key authentication (config_pki.c) */
	struct conf_strlist certs;	/* local: our certificate, then intermediates */
	struct conf_strlist cacerts;	/* remote: this connection's trust anchors */
	unsigned revocation;		/* remote: enum conf_revocation */
	STACK_OF(X509) *chain;		/* local: certs loaded, in order */
	STACK_OF(X509) *anchors;	/* remote: cacerts loaded, then the global ones */
	EVP_PKEY *key;			/* local: the private key of chain[0] (not owned) */
	int id_from_cert;		/* local: id defaulted to the certificate subject */
	/* EAP: remote: the identity the client must give ("%any": any, asked
	 * with EAP-Identity; unset: its IKE identity, not asked); local: the
	 * identity we give (unset: our IKE identity) */
	char *eap_id;
};

enum conf_mode { CONF_MODE_TUNNEL = 1, CONF_MODE_TRANSPORT };
enum conf_start_action { CONF_START_NONE = 0, CONF_START_TRAP, CONF_START_START };
enum conf_close_action { CONF_CLOSE_NONE = 0, CONF_CLOSE_TRAP, CONF_CLOSE_START };
enum conf_dpd_action { CONF_DPD_CLEAR = 0, CONF_DPD_TRAP, CONF_DPD_RESTART };
/* A KE in CREATE_CHILD_SA when esp_proposals name no group (ike.conf.5). */
enum conf_pfs { CONF_PFS_ACCEPT = 0, CONF_PFS_REQUIRE, CONF_PFS_NO };
/* Childless IKE SAs (RFC 6023), strongSwan's values: allow (IKE_AUTH
 * without a CHILD SA accepted; initiated only without a child to start),
 * force (our IKE_AUTH never carries one), never (neither). */
enum conf_childless { CONF_CHILDLESS_ALLOW = 0, CONF_CHILDLESS_FORCE, CONF_CHILDLESS_NEVER };
/* A second IKE SA with the same identities on one connection (strongSwan's
 * uniqueids): no (replaces the first on INITIAL_CONTACT only), never
 * (both stay), replace (the first goes), keep (the second is refused). */
enum conf_unique { CONF_UNIQUE_NO = 0, CONF_UNIQUE_NEVER, CONF_UNIQUE_REPLACE, CONF_UNIQUE_KEEP };

struct conf_ts_list {
	struct tsspec *v;
	size_t n;
};

/*
 * XFRM marks and interface IDs as strongSwan writes them.  A value above
 * UINT32_MAX is one of the specials: %unique (one fresh value per CHILD SA
 * instance, both directions), %unique-dir (one per direction), %same
 * (set_mark_*: the value of mark_in/mark_out).
 */
#define CONF_ID_UNIQUE		0x100000000ULL
#define CONF_ID_UNIQUE_DIR	0x100000001ULL
#define CONF_ID_SAME		0x100000002ULL

/* "value[/mask]": mask 0xffffffff when omitted; mask 0: no mark. */
struct conf_mark {
	uint64_t value;			/* or CONF_ID_* */
	uint32_t mask;
};

/* copy_dscp: strongSwan's names; out is the default (and the kernel's). */
enum conf_copy_dscp { CONF_DSCP_OUT = 0, CONF_DSCP_IN, CONF_DSCP_YES, CONF_DSCP_NO };

struct conf_child {
	char *name;
	struct conf_loc loc;
	struct conf_ts_list local_ts, remote_ts;
	unsigned mode;			/* enum conf_mode */
	struct conf_strlist esp_proposals;	/* empty: the engine's default */
	uint64_t rekey_time, life_time, rand_time;	/* seconds */
	uint64_t rekey_bytes, life_bytes, rekey_packets, life_packets;	/* 0: off */
	unsigned start_action, close_action;
	uint64_t replay_window;
	unsigned pfs;			/* enum conf_pfs */
	/*
	 * Block policies for the child's selectors stay in the kernel while
	 * no CHILD SA (or trap) protects them, also while ikedaemon is
	 * stopped or restarting.  Default: yes for start_action trap/start.
	 */
	unsigned fail_closed;
	/* HMAC-SHA-256 in ESP truncated to 96 bits, not RFC 4868's 128
	 * (strongSwan's sha256_96, for old Linux peers); default no */
	unsigned sha256_96;
	/* XFRM interface IDs of the inbound and outbound SAs and policies
	 * (route-based tunnels, ip link ... type xfrm if_id N); 0: none,
	 * CONF_ID_UNIQUE(_DIR); unset: the connection's */
	uint64_t if_id_in, if_id_out;
	/* marks: mark_in on the in/fwd policies (and the inbound SA with
	 * mark_in_sa), mark_out on the out policy and the outbound SA;
	 * set_mark_*: XFRMA_SET_MARK, the mark the SA puts on packets it
	 * processed (value CONF_ID_SAME: mark_in/out's value) */
	struct conf_mark mark_in, mark_out, set_mark_in, set_mark_out;
	unsigned mark_in_sa;
	uint64_t priority;		/* fixed XFRM policy priority, 0: computed */
	/* tunnel mode header fields copied between inner and outer headers:
	 * DF, ECN (yes/no, default yes), DSCP (enum conf_copy_dscp) */
	unsigned copy_df, copy_ecn, copy_dscp;
	unsigned hostaccess;		/* PLUTO_HOST_ACCESS for the updown script */
	char *updown;			/* script run on up/down (updown.h), NULL: none */
};

/* An address with a prefix length (a pool's DNS server: 32/128). */
struct conf_net {
	int family;			/* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint8_t prefix;
};

#define CONF_POOL_MAX_NETS	8	/* dns, subnets of one pool */
#define CONF_MAX_VIPS		2

/* pools: ( { name = "rw"; addrs = "10.3.0.0/24"; dns = [..]; subnets = [..]; } ) */
struct conf_pool {
	char *name;
	struct conf_loc loc;
	char *addrs;			/* as written: "10.3.0.0/24", "a-b" */
	int family;
	uint8_t first[16];		/* the first address handed out */
	uint64_t size;			/* addresses from first (cut by the pool) */
	uint8_t prefix;			/* the CIDR's, 32/128 for a range */
	struct conf_net dns[CONF_POOL_MAX_NETS], subnets[CONF_POOL_MAX_NETS];
	size_t ndns, nsubnets;
};

/* radius = { servers = ( { address; auth_port; secret | secret_file; } ); ... }
 * (strongSwan's eap-radius plugin settings of the same names) */
#define CONF_RADIUS_MAX_SERVERS	8
struct conf_radius_server {
	char *address, *secret_text, *secret_file;
	uint64_t auth_port;
	struct addr addr;		/* address, auth_port */
	struct secret secret;		/* from secret or secret_file */
	struct conf_loc loc;
};

struct conf_radius {
	struct conf_radius_server servers[CONF_RADIUS_MAX_SERVERS];
	size_t nservers;
	double retransmit_timeout;	/* seconds per try */
	uint64_t retransmit_tries;	/* sends per server */
	char *nas_identifier;
};

struct conf_conn {
	char *name;
	struct conf_loc loc;
	struct conf_host *local_addrs, *remote_addrs;
	size_t nlocal_addrs, nremote_addrs;
	struct conf_side local, remote;
	struct conf_strlist proposals;	/* empty: the engine's default */
	uint64_t rekey_time, over_time, rand_time, reauth_time;	/* seconds */
	uint64_t dpd_delay;		/* seconds, 0: off */
	unsigned dpd_action;		/* enum conf_dpd_action */
	unsigned childless;		/* enum conf_childless */
	unsigned unique;		/* enum conf_unique */
	struct conf_child *children;
	size_t nchildren;
	unsigned send_cert;		/* enum conf_send_cert */
	int send_certreq;
	/* configuration payload (config_pool.c): the gateway's pools, the
	 * client's vips (0.0.0.0 / :: ask for any address) */
	struct conf_strlist pools;
	struct addr vips[CONF_MAX_VIPS];
	size_t nvips;
	/* defaults for the children's if_id_in/if_id_out */
	uint64_t if_id_in, if_id_out;
	/* IKE ports when initiating: ours (0: the global port; it must be
	 * the global port or port_nat_t, the ports ikedaemon listens on) and
	 * the peer's (0: 500) */
	uint64_t local_port, remote_port;
	unsigned fragmentation;		/* enum conf_frag */
	uint64_t fragment_size;		/* bytes; 0: the global one */
	int encap;			/* force UDP encapsulation (fake NAT-D) */
	uint64_t dpd_timeout;		/* seconds an unanswered request may wait; 0: retransmit's */
	uint64_t keyingtries;		/* initiation attempts, 0: forever */
	/* RFC 5685: redirect every IKE_SA_INIT of this connection to this
	 * gateway ("ADDR" or "FQDN"), NULL: no redirect */
	char *redirect_to;
};

/* secrets { private_key = "gw.key"; } */
struct conf_privkey {
	char *path;			/* as resolved */
	EVP_PKEY *key;
	struct conf_loc loc;
};

struct conf_psk {
	struct ident id;
	char *id_text;
	/* id = ["a", "b"]: the key of that pair of identities (either side) */
	struct ident id2;		/* type 0: a key of one identity */
	char *id2_text;
	struct secret key;
	int eap;			/* an EAP password (eap = ...), not an IKE PSK */
	struct conf_loc loc;
};

struct conf_global {
	struct conf_strlist listen;
	uint64_t port, port_nat_t;
	char *pidfile, *control_socket, *secrets_file;
	enum log_level log[LS_MAX];
	double retransmit_timeout, retransmit_base;
	uint64_t retransmit_tries;
	uint64_t cookie_threshold, half_open_limit;
	char *metrics_listen;		/* metrics = { listen = "ADDR:PORT" }; NULL: off */
	uint64_t cookie_threshold_ip, block_threshold;	/* per peer IP; 0: off */
	struct conf_strlist cacerts, crls;	/* paths as written */
	int rsa_pss;			/* sign with RSA-PSS (RFC 7427), not PKCS#1 v1.5 */
	uint64_t fragment_size;		/* bytes (CONF_FRAGMENT_SIZE_DEFAULT) */
	uint64_t keep_alive;		/* NAT-T keepalive interval, seconds; 0: none */
	/* redirect = { above = N; to = "gw2"; }: with N IKE SAs or more, new
	 * IKE_SA_INITs are redirected to (RFC 5685); redirect_to NULL: off */
	uint64_t redirect_above;
	char *redirect_to;
	int follow_redirects;		/* client: announce and follow (default true) */
};

/* strongSwan's charon.keep_alive: RFC 3948 4 keepalives every 20 s. */
#define CONF_KEEP_ALIVE_DEFAULT	20

struct config {
	char *path;
	struct conf_global global;
	struct conf_psk *secrets;
	size_t nsecrets;
	struct conf_privkey *privkeys;
	size_t nprivkeys;
	STACK_OF(X509) *cacerts;	/* global trust anchors, loaded */
	STACK_OF(X509_CRL) *crls;	/* loaded */
	struct conf_conn *conns;
	size_t nconns;
	struct conf_pool *pools;
	size_t npools;
	struct conf_radius radius;
	char **files;			/* interned file names for conf_loc */
	size_t nfiles;
	struct strmap conn_index;	/* name -> &conns[i], once loaded */
};

/* Errors and warnings collected while loading, each "file:line: text". */
struct conf_diag {
	char **errors, **warnings;
	size_t nerrors, nwarnings;
};

/*
 * Loads and validates path.  Returns NULL when anything is wrong; diag then
 * holds every error found (the loader goes on after the first one).
 * Warnings (e.g. a secrets file readable by others) never fail the load.
 */
struct config *config_load(const char *path, struct conf_diag *diag);
/* For fuzzing: no DNS lookups, no second file (secrets_file is an error). */
#define CONF_LOAD_NO_RESOLVE	0x1u
#define CONF_LOAD_ONE_FILE	0x2u
struct config *config_load_flags(const char *path, unsigned flags, struct conf_diag *diag);
void config_free(struct config *cfg);
void conf_diag_free(struct conf_diag *diag);

const struct conf_conn *config_find_conn(const struct config *cfg, const char *name);
const struct conf_pool *config_find_pool(const struct config *cfg, const char *name);
/* 1 if both pools hand out the same addresses (a reload keeps the leases). */
int conf_pool_same(const struct conf_pool *a, const struct conf_pool *b);
const struct conf_child *config_find_child(const struct conf_conn *c, const char *name);
/* The PSK for a pair of identities, best match first: a pair secret naming
 * both, then the remote id's own, the local id's own, a pair secret naming
 * the remote id, one naming the local id; NULL if none. */
const struct conf_psk *config_find_psk(const struct config *cfg, const struct ident *local,
				       const struct ident *remote);

/* The EAP password of an EAP identity (bytes as the peer gives them);
 * NULL if none. */
const struct conf_psk *config_find_eap(const struct config *cfg, const void *id, size_t len);

/* "192.0.2.1:9273" or "[2001:db8::1]:9273" -> out; -1 with err naming the problem. */
int conf_parse_hostport(const char *s, struct addr *out, char *err, size_t errlen);
/* 1 if v names a gateway for redirect_to: an IPv4/IPv6 address or a host name. */
int conf_gateway_ok(const char *v);

const char *conf_mode_name(unsigned v);
const char *conf_start_action_name(unsigned v);
const char *conf_close_action_name(unsigned v);
const char *conf_dpd_action_name(unsigned v);
const char *conf_pfs_name(unsigned v);
const char *conf_copy_dscp_name(unsigned v);
const char *conf_childless_name(unsigned v);
const char *conf_unique_name(unsigned v);
const char *conf_auth_name(unsigned v);
const char *conf_send_cert_name(unsigned v);
const char *conf_revocation_name(unsigned v);
const char *conf_frag_name(unsigned v);

#endif

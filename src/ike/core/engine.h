/*
 * The boundary between the daemon (life cycle, configuration, control
 * socket: src/ike/core) and the IKE engine (SA table, sockets, exchanges,
 * kernel backend: src/ike/sa, src/kernel).  The daemon calls only these
 * functions; the engine never touches the control protocol or the config
 * files.  Everything runs on the loop's thread.
 *
 * Information for "ikectl show" comes back as plain structs through
 * callbacks, valid only during the call; the daemon turns them into
 * control records (see ikectl(8) for the field names).
 *
 * Actions return 0, or -1 with a message in err naming the thing and the
 * reason ("no IKE SA with id 7").
 */
#ifndef IKE_CORE_ENGINE_H
#define IKE_CORE_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "ike/core/ident.h"
#include "ike/core/tsspec.h"
#include "ike/ikev2.h"

struct loop;
struct config;
struct reload_plan;
struct engine;

/*
 * Creates the engine for cfg (which stays valid until the next successful
 * engine_reload): opens the IKE sockets, installs trap policies, starts
 * start_action=start children.  NULL with err filled on failure.
 */
struct engine *engine_new(struct loop *loop, const struct config *cfg, char *err, size_t errlen);
/*
 * Switches to newcfg following plan (plan.h): removed connections' SAs are
 * deleted, changed ones are re-established or updated as the change
 * requires, added ones started per start_action.  On -1 the engine still
 * runs on the old configuration.  newcfg stays valid until the next reload.
 */
int engine_reload(struct engine *e, const struct config *newcfg, const struct reload_plan *plan,
		  char *err, size_t errlen);
/* Deletes every SA (DELETE to peers, kernel state removed) and frees e. */
void engine_shutdown(struct engine *e);
/* "none" when this build has no IKE engine linked in. */
const char *engine_kind(void);

/* ---- information ---- */

struct engine_ike_sa_info {
	uint64_t id;			/* unique while the daemon runs; "terminate SA" */
	const char *conn;
	const char *state;		/* e.g. "CONNECTING", "ESTABLISHED", "REKEYING" */
	int initiator;
	uint64_t spi_i, spi_r;
	struct addr local, remote;	/* with ports */
	struct ident local_id, remote_id;
	const char *proposal;		/* "AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519" */
	int nat_local, nat_remote;	/* behind a NAT (RFC 7296 2.23) */
	int fragmentation;		/* IKE fragmentation negotiated (RFC 7383) */
	int established;		/* has been ESTABLISHED */
	uint64_t established_secs;	/* age; 0 while not established */
	uint64_t rekey_in_secs, reauth_in_secs;	/* 0: not scheduled */
	size_t nchildren;
	uint8_t local_auth, remote_auth;	/* AUTH methods (RFC 7296 3.8), 0: none yet */
	const char *peer_cert;		/* the peer's certificate subject, "" if none */
	/* virtual addresses (RFC 7296 3.15): the peer's (gateway) or ours
	 * (client), and the DNS servers the gateway gave us */
	struct addr vips[2], dns[4];
	size_t nvips, ndns;
	const char *eap_id;		/* EAP identity (the peer's, or ours as client), "" if none */
};

struct engine_child_sa_info {
	uint64_t ike_sa_id;
	uint64_t id;			/* unique while the daemon runs */
	const char *conn, *child;
	const char *state;		/* "INSTALLED", "REKEYING", ... */
	unsigned mode;			/* enum conf_mode */
	uint8_t protocol;		/* PROTO_ESP */
	uint32_t spi_in, spi_out;
	uint32_t reqid;
	const char *proposal;
	const struct ike_ts *local_ts, *remote_ts;	/* negotiated */
	size_t nlocal_ts, nremote_ts;
	uint64_t bytes_in, bytes_out, packets_in, packets_out;
	uint64_t installed_secs, rekey_in_secs, expire_in_secs;
	/* marks (mask 0: none) and XFRM interface IDs, %unique drawn */
	uint32_t mark_in, mark_in_mask, mark_out, mark_out_mask, if_id_in, if_id_out;
};

/* An SA or a policy as the kernel reports it (XFRM), for "show kernel". */
struct engine_kernel_sa {
	struct addr src, dst;
	uint32_t spi;
	uint8_t protocol;
	uint32_t reqid;
	unsigned mode;
	const char *enc_alg, *integ_alg;	/* kernel names, e.g. "rfc4106(gcm(aes))" */
	uint64_t bytes, packets;
};

struct engine_kernel_policy {
	const char *dir;		/* "in", "out", "fwd" */
	struct ike_ts src, dst;
	uint32_t reqid;
	uint32_t priority;
	const char *action;		/* "protect", "trap", "block", "bypass" */
	uint32_t mark, mark_mask, if_id;	/* mark_mask 0: no mark; if_id 0: none */
};

/*
 * Why an IKE SA never got established (IKE_SA_INIT/IKE_AUTH failed), for
 * "show stats" and the metrics: the error notify sent or received, no
 * answer (retransmissions exhausted, half-open timeout), or ended locally
 * (ikectl terminate, reload, shutdown).
 */
enum engine_fail {
	ENGINE_FAIL_NO_PROPOSAL = 0,	/* NO_PROPOSAL_CHOSEN */
	ENGINE_FAIL_AUTH,		/* AUTHENTICATION_FAILED */
	ENGINE_FAIL_TS,			/* TS_UNACCEPTABLE */
	ENGINE_FAIL_KE,			/* INVALID_KE_PAYLOAD */
	ENGINE_FAIL_SYNTAX,		/* INVALID_SYNTAX */
	ENGINE_FAIL_OTHER_NOTIFY,	/* another error notify */
	ENGINE_FAIL_TIMEOUT,
	ENGINE_FAIL_ABORTED,
	ENGINE_FAIL_MAX
};
/* "no_proposal_chosen", "authentication_failed", ... "timeout", "aborted". */
const char *engine_fail_name(unsigned cause);

/* Counters since start; the daemon adds its own (reloads, control requests). */
struct engine_stats {
	uint64_t handshakes_completed;	/* IKE SAs established by IKE_AUTH */
	uint64_t handshakes_failed[ENGINE_FAIL_MAX];
	uint64_t ike_rekeys, child_rekeys;	/* SAs replaced by a rekey */
	uint64_t peers_lost;		/* established IKE SAs whose peer stopped answering */
	uint64_t ike_sas, ike_sas_half_open, child_sas;
	uint64_t ike_sas_established_total, child_sas_installed_total;
	uint64_t packets_in, packets_out, bytes_in, bytes_out;
	uint64_t packets_dropped;	/* malformed, bad ICV, unknown SPI ... */
	uint64_t retransmits, cookies_sent, init_refused_half_open;
	uint64_t kernel_errors;
	/* requests for unknown IKE SAs (RFC 7296 2.21.4): INVALID_IKE_SPI
	 * sent, left unanswered by the rate limits; unprotected INVALID_IKE_SPI
	 * received for an SA we hold (a liveness check, not a deletion) */
	uint64_t invalid_spi_sent, invalid_spi_limited, invalid_spi_received;
	/* unique (ike.conf.5): new IKE SAs refused (keep), old ones deleted */
	uint64_t unique_refused, unique_replaced;
	/* IKE fragmentation (RFC 7383) */
	uint64_t frags_out, frags_in;	/* SKF datagrams sent / kept */
	uint64_t frags_dropped;		/* refused: BAD-INPUT 31, bad ICV, duplicates */
	uint64_t frag_msgs_out, frag_msgs_in;	/* messages sent / reassembled in fragments */
	/* NAT traversal (RFC 7296 2.23): IKE SAs moved to the peer's new
	 * address, authenticated messages from a new address not followed,
	 * kernel MAPPING events ignored (not our SA, or nothing to follow) */
	uint64_t nat_peer_moves, nat_moves_refused, nat_mappings_ignored;
	/* redirect (RFC 5685): REDIRECTs we sent (gateway), followed and
	 * refused (client: malformed, wrong nonce, unannounced, loop, FQDN) */
	uint64_t redirects_sent, redirects_followed, redirects_refused;
};

typedef void (*engine_ike_sa_fn)(const struct engine_ike_sa_info *sa, void *arg);
typedef void (*engine_child_sa_fn)(const struct engine_child_sa_info *child, void *arg);
typedef void (*engine_kernel_sa_fn)(const struct engine_kernel_sa *sa, void *arg);
typedef void (*engine_kernel_policy_fn)(const struct engine_kernel_policy *pol, void *arg);

/* conn NULL: every connection.  Calls fn once per SA. */
void engine_list_ike_sas(struct engine *e, const char *conn, engine_ike_sa_fn fn, void *arg);
void engine_list_child_sas(struct engine *e, const char *conn, engine_child_sa_fn fn, void *arg);
/* The kernel's view of what this daemon installed; -1 with err if unavailable. */
int engine_list_kernel(struct engine *e, engine_kernel_sa_fn sa_fn,
		       engine_kernel_policy_fn pol_fn, void *arg, char *err, size_t errlen);
void engine_get_stats(struct engine *e, struct engine_stats *out);

/* Address pools (ikectl show pools): each pool, then each of its leases. */
struct engine_pool_info {
	const char *name;
	const char *addrs;		/* as configured */
	uint32_t size;
	size_t online, offline;
};
struct engine_pool_lease {
	const char *pool;
	struct addr addr;
	struct ident id;		/* the identity holding it */
	int online;
};
typedef void (*engine_pool_fn)(const struct engine_pool_info *p, void *arg);
typedef void (*engine_lease_fn)(const struct engine_pool_lease *l, void *arg);
void engine_list_pools(struct engine *e, engine_pool_fn pool_fn, engine_lease_fn lease_fn,
		       void *arg);

/* ---- actions (ikectl initiate / terminate / rekey) ---- */

/* child NULL: every child of conn. */
int engine_initiate(struct engine *e, const char *conn, const char *child, char *err, size_t errlen);
/* A new IKE SA of conn without any CHILD SA (RFC 6023: the responder must
 * announce CHILDLESS_IKEV2_SUPPORTED); children come with engine_initiate. */
int engine_initiate_ike(struct engine *e, const char *conn, char *err, size_t errlen);
/* Every IKE SA of conn (ike_sa_id 0), or one IKE SA by id (conn NULL). */
int engine_terminate(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err, size_t errlen);
int engine_rekey(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err, size_t errlen);
/*
 * CHILD SAs: every installed CHILD SA of child configuration child (of
 * connection conn, or of any connection if conn is NULL), or the one with
 * child_sa_id (child NULL), the id "show child" prints.  Each is replaced
 * by CREATE_CHILD_SA (queued while its IKE SA is busy).
 */
int engine_rekey_child(struct engine *e, const char *conn, const char *child,
		       uint64_t child_sa_id, char *err, size_t errlen);

/*
 * For ikectl; each returns how many things it acted on (at least 1), or -1
 * with err naming what was not found.
 *
 * engine_terminate_child: the installed CHILD SAs of child configuration
 * child (of conn, or of any connection if conn is NULL), or the one with
 * child_sa_id (child NULL): DELETE sent, kernel state removed.
 * engine_install / engine_uninstall: trap policies of conn's child (child
 * NULL: every child), as start_action = trap would install them; a child
 * trapped already is not counted by install.
 * engine_reauth: every established IKE SA of conn (ike_sa_id 0), or one by
 * id, is reauthenticated make-before-break (a new IKE SA, then the old one
 * deleted).
 */
int engine_terminate_child(struct engine *e, const char *conn, const char *child,
			   uint64_t child_sa_id, char *err, size_t errlen);
int engine_install(struct engine *e, const char *conn, const char *child, char *err,
		   size_t errlen);
int engine_uninstall(struct engine *e, const char *conn, const char *child, char *err,
		     size_t errlen);
int engine_reauth(struct engine *e, const char *conn, uint64_t ike_sa_id, char *err,
		  size_t errlen);
/*
 * engine_redirect: every established IKE SA of conn (ike_sa_id 0), or one
 * by id, gets an INFORMATIONAL with REDIRECT to gateway ("ADDR" or "FQDN",
 * RFC 5685 5); the client deletes it and connects there.  A client that
 * did not announce REDIRECT_SUPPORTED is an error for one SA by id and
 * skipped otherwise.
 */
int engine_redirect(struct engine *e, const char *conn, uint64_t ike_sa_id, const char *gateway,
		    char *err, size_t errlen);

/* ---- events, streamed by "ikectl monitor" ---- */

enum engine_event_kind {
	ENGINE_EV_IKE_STATE = 1,
	ENGINE_EV_CHILD_STATE,
};

/*
 * A CHILD SA that came up or went down in the sense of strongSwan's updown
 * scripts: up when the first CHILD SA of a child configuration's flows is
 * installed, down when the last one goes.  A rekey or a reauthentication
 * hands the flows from one CHILD SA to the next (same reqid) and is
 * neither; moving CHILD SAs to a rekeyed IKE SA is neither.
 */
struct engine_updown {
	int up;				/* 1 up, 0 down */
	unsigned mode;			/* enum conf_mode */
	struct addr local, remote;	/* outer addresses of the SAs, with ports */
	const struct ident *local_id, *remote_id;	/* remote_id: the peer's, authenticated */
	const struct ike_ts *local_ts, *remote_ts;	/* negotiated */
	size_t nlocal_ts, nremote_ts;
	uint32_t reqid, spi_in, spi_out;	/* SPIs in host order */
	int natt;			/* ESP in UDP */
	/* the CHILD SA's XFRM interface IDs and marks (%unique drawn), 0: none */
	uint32_t if_id_in, if_id_out;
	uint32_t mark_in, mark_in_mask, mark_out, mark_out_mask;
};

struct engine_event {
	enum engine_event_kind kind;
	uint64_t ike_sa_id, child_sa_id;
	const char *conn, *child;	/* child NULL for IKE SA events */
	const char *old_state, *new_state;
	/*
	 * Why it failed, or NULL: an IKE SA that dies in IKE_SA_INIT or
	 * IKE_AUTH ("AUTHENTICATION_FAILED", "NO_PROPOSAL_CHOSEN", "timeout",
	 * "aborted"...), a CHILD SA that goes without ever being installed
	 * (the peer's error notify, "our kernel refused the SA: ...").
	 */
	const char *reason;
	const struct engine_updown *updown;	/* CHILD SA up/down, else NULL */
};

/* ---- EAP relayed to a backend (remote.auth = "eap-radius") ---- */

/*
 * The engine hands each EAP message of a client to the backend the daemon
 * registered and answers the client only when engine_eap_answer() comes
 * back (the loop keeps serving everyone else meanwhile).  One message per
 * IKE SA is outstanding at a time; cancel is called when the IKE SA goes
 * first, and no answer may follow it.
 */
struct engine_eap_request {
	uint64_t ike_sa_id;
	const char *identity;		/* the client's EAP identity */
	const struct addr *local, *remote;	/* the IKE SA's addresses */
	const uint8_t *eap;
	size_t eap_len;
};

enum engine_eap_result { ENGINE_EAP_FAIL = -1, ENGINE_EAP_MORE = 0, ENGINE_EAP_ACCEPT = 1 };

struct engine_eap_answer {
	uint64_t ike_sa_id;
	enum engine_eap_result result;
	const uint8_t *eap;		/* the EAP message for the client; may be absent */
	size_t eap_len;
	const uint8_t *msk;		/* ACCEPT: the MSK (RFC 5247), or none */
	size_t msk_len;
	const char *why;		/* FAIL: the reason, for the log */
};

struct engine_eap_backend {
	int (*submit)(void *arg, const struct engine_eap_request *r);	/* 0 or -1 */
	void (*cancel)(void *arg, uint64_t ike_sa_id);
	void *arg;
};

void engine_set_eap_backend(struct engine *e, const struct engine_eap_backend *b);
void engine_eap_answer(struct engine *e, const struct engine_eap_answer *a);

typedef void (*engine_event_fn)(const struct engine_event *ev, void *arg);
/* The engine calls fn at every state change (from its one state function). */
void engine_set_event_cb(struct engine *e, engine_event_fn fn, void *arg);

#endif

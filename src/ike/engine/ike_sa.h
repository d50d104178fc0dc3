/*
 * The IKE engine's own objects: the engine (implements src/ike/core/engine.h),
 * IKE SAs and CHILD SAs.  Everything here runs on the loop thread.
 * doc/ARCHITECTURE.md has the layers (a file calls only its own layer or
 * lower ones; tools/layers.txt, checked by tools/check-layers.sh) and the
 * path of a datagram and of a kernel event.
 *
 * Files of the engine (one per concern, STYLE.md 6), by layer:
 *  1 objects     ike_sa.c       IKE SA: create, find, delete, timers, state
 *                child_sa.c     CHILD SA -> kernel (SPIs, SAs, policies)
 *                kernel_alg.c   IKE transform IDs -> kernel algorithm IDs
 *                counters.c     handshake outcomes and rekeys, from states
 *                flows.c        CHILD SAs by selectors and by SPI (hash indexes)
 *                natt.c         following a peer whose NAT mapping changed
 *                crypto_job.c   an IKE SA's key exchange on crypto workers
 *                cp.c           address pools, an IKE SA's virtual addresses
 *                ../auth/       authentication methods (auth.h: one row each)
 *  2 transport   msg_in.c       receive path: header, SA lookup, window, SK,
 *                               rules, dispatch (engine.rx handlers)
 *                msg_out.c      send path: payload builders, SK, window, send
 *  3 exchanges   ike_init.c     IKE_SA_INIT
 *                ike_auth.c     IKE_AUTH and the first CHILD SA
 *                create_child.c CREATE_CHILD_SA (new, rekey CHILD / IKE SA)
 *                informational.c INFORMATIONAL: DELETE, liveness, notifies
 *                child_nego.c   CHILD SA negotiation (IKE_AUTH, CREATE_CHILD_SA)
 *                unique.c       older IKE SAs of a peer (unique, INITIAL_CONTACT)
 *                redirect.c     RFC 5685 redirects, gateway and client
 *  4 scheduling  rekey.c        rekey/reauth/expiry timers, collisions
 *                trap.c         trap and fail_closed policies
 *                kevents.c      kernel events: ACQUIRE, EXPIRE, MAPPING
 *                retry.c        keyingtries: initiating again after no answer
 *                kstate.c       our kernel state at start-up, resync, shutdown
 *  5 facade      engine.c       engine.h: life cycle, reload, show, initiate
 *                engine_ctl.c   engine.h actions for ikectl
 * exchange.h holds what the exchange files share; tests/engine/pair.h wires
 * two engines for whole-exchange tests (on virtual time).
 *
 * Not done yet: MOBIKE; kernel requests, the initiator's and CREATE_CHILD_SA's key
 * exchanges still run on the loop thread (issue 17).
 */
#ifndef IKE_ENGINE_IKE_SA_H
#define IKE_ENGINE_IKE_SA_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "common/loop.h"
#include "common/secret.h"
#include "ike/core/conf.h"
#include "ike/core/engine.h"
#include "ike/core/ident.h"
#include "ike/crypto/ke.h"
#include "ike/crypto/keymat.h"
#include "ike/crypto/sk.h"
#include "ike/engine/redirect.h"
#include "ike/engine/rekey.h"
#include "ike/ikev2.h"
#include "ike/sa/cookie.h"
#include "ike/sa/frag.h"
#include "ike/sa/hidx.h"
#include "ike/sa/sa_state.h"
#include "ike/sa/sa_table.h"
#include "ike/sa/socket.h"
#include "ike/sa/tbucket.h"
#include "ike/sa/ts.h"
#include "ike/sa/window.h"
#include "kernel/kernel.h"

struct ike_sa;
struct child_sa;
struct ike_msg;
struct trap;
struct workq;
struct ke_pool;
struct dh_job;
struct vpool;
struct init_retry;

/* Nonce length we send (2.10: at least half the PRF key size; 32 covers all). */
#define ENGINE_NONCE_LEN	32
/* Half-open IKE SAs die after this long (strongSwan's default). */
#define ENGINE_HALF_OPEN_MS	30000
/* COOKIE and INVALID_KE restarts of one IKE_SA_INIT (2.6, 1.2). */
#define ENGINE_INIT_RETRIES	3
/* Bytes of IKE fragments (RFC 7383) all IKE SAs together may hold while
 * collecting: a peer that completed IKE_SA_INIT has keys, so half-open SAs
 * could otherwise hold FRAG_MAX_BYTES each. */
#define ENGINE_FRAG_BUDGET	(16u << 20)
/* Unauthenticated answers that create no state (INVALID_MAJOR_VERSION,
 * UNSUPPORTED_CRITICAL_PAYLOAD to IKE_SA_INIT) per second (2.5, 2.21.4). */
#define ENGINE_UNAUTH_NOTIFY_PER_S	10
/* INVALID_IKE_SPI for requests to unknown IKE SAs (2.21.4): a second in
 * all, and per source (with a burst of a few: a peer that restarted sends
 * a request per SA it held). */
#define ENGINE_INVALID_SPI_PER_S	20
#define ENGINE_INVALID_SPI_PEER_PER_S	1
#define ENGINE_INVALID_SPI_PEER_BURST	5

/* Called with a response to the request an exchange sent (pkt: the whole
 * datagram).  Protected responses are verified and the window has moved
 * on; an IKE_SA_INIT response is unauthenticated and the handler calls
 * ike_window_response_done() only once it accepts it (2.21.1: a forged
 * error must not end the exchange). */
typedef void (*ike_response_fn)(struct ike_sa *sa, const struct ike_msg *m,
				const uint8_t *pkt, size_t len);

/*
 * The request handlers of the exchanges layer, registered by the facade
 * (engine.c) so the receive path (msg_in.c) calls up through them and
 * not by name.
 */
struct engine_rx {
	void (*init_request)(struct engine *e, const uint8_t *pkt, size_t len,
			     const struct ike_msg *m, const struct addr *local,
			     const struct addr *remote);
	void (*auth_request)(struct ike_sa *sa, const struct ike_msg *m);
	void (*info_request)(struct ike_sa *sa, const struct ike_msg *m);
	void (*create_child_request)(struct ike_sa *sa, const struct ike_msg *m);
	/* an IKE SA we initiated lost for want of an answer before it was
	 * established (retry.c: keyingtries) */
	void (*init_lost)(struct ike_sa *sa);
	/* the facade's engine_start, for retry.c's next attempt */
	struct ike_sa *(*start)(struct engine *e, const struct conf_conn *conn,
				const struct conf_child *child, const struct kernel_acquire *acq,
				uint32_t reqid, char *err, size_t errlen);
};

struct engine {
	struct loop *loop;
	const struct config *cfg;
	struct kernel *kernel;
	struct ike_socket_set sockets;
	struct sa_table table;
	struct cookie_ctx cookies;
	struct ike_retx_cfg retx;
	struct engine_rx rx;
	/*
	 * Buffers of this engine, not function statics: two engines in one
	 * process (the tests' pairs) must not share them.  One datagram at a
	 * time: nothing called from engine_packet_in hands the same engine
	 * another datagram, and nothing sends while a message is encoded.
	 */
	struct ike_msg *rx_msg;		/* msg_in.c: the decoded datagram */
	uint8_t *tx_buf;		/* msg_out.c: ENGINE_TX_MAX bytes being encoded */
	unsigned state_refused;		/* illegal state changes asked for (bugs) */
	struct ike_sa *sas;		/* every IKE SA, for listing and reload */
	struct hidx sa_by_id;		/* every IKE SA by its id (ike_sa_by_id) */
	struct hidx sa_by_conn;		/* IKE SAs by connection name (ike_sa_conn_first) */
	struct hidx flows;		/* flows.c: CHILD SAs by selectors, */
	struct hidx spis_in, spis_out;	/* ... and by SPI */
	struct hkey flow_key;
	uint64_t next_ike_id, next_child_id;
	uint32_t next_reqid;		/* in [KERNEL_REQID_MIN, KERNEL_REQID_MAX] */
	uint32_t next_unique;		/* child_xfrm.c: the last %unique value */
	struct engine_stats stats;
	engine_event_fn ev_fn;
	void *ev_arg;
	struct engine_eap_backend eap_backend;	/* eap-radius: set by the daemon */
	uint16_t port, port_natt;	/* our IKE ports (cfg->global) */
	struct trap *traps;		/* trap.c: installed trap policies */
	struct init_retry *retries;	/* retry.c: initiations to try again */
	struct workq *wq;		/* crypto_job.c: workers, NULL: none */
	int crypto_workers_wanted;	/* start them on first use (engine_new) */
	struct ke_pool *ke_pool;	/* pre-generated responder key pairs */
	struct vpool *pools;		/* cp.c: address pools, by config order */
	size_t npools;
	int kernel_fd;			/* registered on the loop; -1: none */
	int own_kernel;			/* engine_new: free it at shutdown */
	int have_sockets;
	size_t frag_held;		/* bytes in the IKE SAs' frag_rx sets */
	uint64_t unauth_sec;		/* rate limit of stateless notifies: */
	unsigned unauth_n;		/* second and count so far */
	struct tbucket_set invalid_spi;	/* INVALID_IKE_SPI rate limits (msg_in.c) */
	struct redirect_conn *redirects;	/* redirect.c: per-connection history */
	/* registered by engine.c: a new IKE SA for conn to `to' after a
	 * redirect from `from' (RFC 5685); NULL on failure with err */
	struct ike_sa *(*redirect_start)(struct engine *e, const struct conf_conn *conn,
					 const struct conf_child *child, const struct addr *to,
					 const struct addr *from, char *err, size_t errlen);
	/* Tests only: fixed nonces and a captured sender instead of sockets. */
	int (*test_send)(struct engine *e, const struct addr *local,
			 const struct addr *remote, const uint8_t *pkt, size_t len);
	void *test_arg;
	const uint8_t *test_nonce;	/* IKE_NONCE_MIN.. bytes, used for every nonce */
	size_t test_nonce_len;
};

/* What engine_new_test() installs before anything is sent. */
struct engine_test_hooks {
	int (*send)(struct engine *e, const struct addr *local, const struct addr *remote,
		    const uint8_t *pkt, size_t len);
	void *arg;
	const uint8_t *nonce;
	size_t nonce_len;
	const struct ike_retx_cfg *retx;	/* NULL: from the configuration */
};

/* A virtual address (RFC 7296 3.15) of an IKE SA. */
struct ike_vip {
	struct addr addr;
	uint8_t prefix;
	char pool[CONF_NAME_MAX];	/* gateway: the pool leasing it */
	int installed;			/* client: added on the interface by us */
};
#define IKE_VIP_DNS_MAX	4

struct auth_method;
#define AUTH_SLOTS	2
/* Our messages carry no certificates yet: this bounds every one of them. */
#define ENGINE_TX_MAX	8192

/* One IKE SA.  The table entry comes first so a found entry is the SA. */
struct ike_sa {
	struct sa_entry entry;		/* spi_i, spi_r, initiator, peer */
	struct engine *eng;
	struct ike_sa *next, *prev;	/* engine->sas, doubly linked */
	struct hnode by_id;		/* engine->sa_by_id */
	struct hnode by_conn;		/* engine->sa_by_conn, while conn is set */
	int in_conn;
	uint64_t id;
	const struct conf_conn *conn;	/* NULL until known (responder: IKE_AUTH) */
	enum ike_sa_state state;
	struct addr local, remote;	/* with ports; remote floats to 4500 */
	int natt;			/* using port 4500 (non-ESP marker) */
	int nat_local, nat_remote;	/* NAT detected in front of us / the peer */
	int nat_fake;			/* encap = true: we made the peer see a NAT */
	/* natt.c: a MAPPING event's address being checked (requests go there
	 * until an authenticated answer arrives) */
	int probing;
	struct addr probe;
	struct ike_window win;
	ike_response_fn on_response;	/* the exchange waiting for a response */
	uint8_t req_exchange;		/* ... and its exchange type */
	int have_keys;			/* SK_* derived: SK payloads possible */
	int halfopen;			/* counted in e->cookies (responder) */
	const struct conf_child *init_child;	/* initiator: child for IKE_AUTH */
	uint16_t notify_err;		/* why it failed (log/tests), 0: none */
	int timed_out;			/* ended for want of an answer (counters.c) */
	/* DELETEs waiting for the window (one request at a time, 2.3) */
	int delete_pending;
	uint32_t del_spis[8];
	size_t ndel_spis;

	/* IKE_SA_INIT */
	struct ike_proposal prop;	/* the chosen IKE proposal */
	struct ike_proposal *offered;	/* initiator: what we sent (malloc) */
	size_t noffered;
	struct ike_algs algs;
	struct ke *ke;			/* our key pair; freed once keys exist */
	struct dh_job *dh_job;		/* crypto pending on a worker (crypto_job.c) */
	uint16_t ke_group;		/* group of our KE payload */
	struct secret ni, nr;
	uint8_t cookie[IKE_COOKIE_MAX];	/* initiator: the cookie to echo */
	size_t cookie_len;
	unsigned init_retries;		/* INVALID_KE / COOKIE restarts */
	int peer_childless;		/* its IKE_SA_INIT: CHILDLESS_IKEV2_SUPPORTED */
	struct secret init_req, init_resp;	/* RealMessage1/2 for AUTH (2.15) */
	/* IKE fragmentation (RFC 7383): both sides sent
	 * IKEV2_FRAGMENTATION_SUPPORTED; the peer's fragmented message being
	 * collected (frag.c; one exchange at a time each way) */
	int frag_ok;
	struct frag_rx frag_req, frag_resp;
	struct ike_redirect redir;	/* RFC 5685 (redirect.c) */

	/* keys (2.14) */
	struct ike_keys keys;
	struct sk_ctx sk_in, sk_out;	/* decrypt what the peer sends / encrypt ours */

	/* IKE_AUTH */
	struct ident local_id, remote_id;
	/* Per-SA state of the authentication methods (src/ike/auth/auth.h):
	 * one slot each for the local and the remote side's method. */
	struct {
		const struct auth_method *m;
		void *p;
	} auth_st[AUTH_SLOTS];
	/* public-key authentication (src/ike/auth/auth_pubkey.c) */
	uint32_t peer_sig_hashes;	/* the peer's SIGNATURE_HASH_ALGORITHMS */
	int certreq_seen;		/* the peer sent an X.509 CERTREQ */
	uint8_t certreq[16 * 20];	/* its CA hashes (first 16) */
	size_t certreq_len;
	uint8_t certreq_out[16 * 20];	/* our CERTREQ body, until sent */
	uint8_t auth_local_method, auth_remote_method;	/* AUTH methods used */
	char peer_cert[256];		/* subject of the peer's certificate */
	char eap_identity[129];		/* EAP identity (auth_eap.c), "" without EAP */
	struct auth_eap *eap;		/* responder: EAP rounds under way (ike_auth_eap.c) */

	struct child_sa *children;
	struct child_sa *pending_child;	/* the child negotiated in IKE_AUTH */

	/* configuration payload (cp.c): the peer's virtual addresses
	 * (gateway: leased from pool) or ours (client: installed) */
	struct ike_vip vips[CONF_MAX_VIPS];
	size_t nvips;
	struct addr vip_dns[IKE_VIP_DNS_MAX];	/* client: DNS servers received */
	size_t nvip_dns;

	struct timer timeout;		/* half-open timeout, then unused */
	struct timer dpd;		/* liveness after dpd_delay of silence */
	struct timer keepalive;		/* NAT-T keepalives while behind a NAT */
	struct timer dead;		/* dpd_timeout: an unanswered request's limit */
	unsigned keyingtry;		/* initiator: attempt number (retry.c), 0: the first */
	struct ike_rekey rk;		/* rekeying (rekey.c) */
	uint64_t created_ms, established_ms, last_rx_ms;
};

/* A child's marks and XFRM interface IDs for one instance (child_xfrm.c). */
struct child_xfrm {
	struct kernel_mark mark_in, mark_out, set_mark_in, set_mark_out;
	uint32_t if_id_in, if_id_out;
};

struct child_sa {
	struct ike_sa *ike;
	struct child_sa *next;		/* ike->children */
	uint64_t id;
	const struct conf_child *cfg;
	enum child_sa_state state;
	uint32_t reqid;
	struct child_xfrm xfrm;		/* kept across rekeys, like reqid */
	uint32_t spi_in, spi_out;	/* host order */
	unsigned mode;			/* enum conf_mode */
	struct ike_proposal prop;	/* the chosen ESP proposal */
	struct ike_proposal *offered;	/* initiator: what we sent (malloc) */
	size_t noffered;
	struct kernel_policy *pols;	/* installed policies */
	size_t npols, cappols;		/* ... and room for (grows by doubling) */
	uint8_t *pol_was_trap;		/* 1: restore the trap policy on removal */
	int spi_allocated, sa_in, sa_out;	/* kernel state to remove */
	int kernel_err;			/* -errno of the kernel's refusal, 0: none */
	uint16_t notify_err;		/* the peer's error notify refusing it, 0: none */
	int updown_up;			/* announced up, or took over from one that was */
	struct addr sa_local, sa_remote;	/* outer addresses of the SAs */
	int natt;
	struct ts_set local_ts, remote_ts;	/* negotiated (narrowed) */
	/* The packet's flow when an ACQUIRE started the negotiation (2.9). */
	int have_acquire_ts;
	struct ike_ts acquire_src, acquire_dst;
	uint64_t installed_ms;
	/* Reauthentication: the inbound SA installed before our IKE_AUTH
	 * request went out (child_sa_install_in_early), keys included. */
	struct kernel_sa *early_in;
	struct child_rekey rk;		/* rekeying (rekey.c) */
	struct hnode flow_node;		/* engine->flows (flows.c) */
	struct hnode spi_in_node, spi_out_node;
	int in_flows;
};

/* ---- engine.c ---- */
/* Tests: an engine without sockets or XFRM; packets go to e->test_send. */
struct engine *engine_new_test(struct loop *loop, const struct config *cfg, struct kernel *k,
			       const struct engine_test_hooks *hooks, char *err, size_t errlen);
/* One received IKE datagram (marker already stripped on port 4500). */
void engine_packet_in(struct engine *e, const uint8_t *pkt, size_t len,
		      const struct addr *local, const struct addr *remote, int natt);
/* Sends one datagram through the sockets (or test_send). */
int engine_send(struct engine *e, const struct addr *local, const struct addr *remote,
		const uint8_t *pkt, size_t len);
/* A NAT-T keepalive (RFC 3948 2.3: one 0xff byte, no marker) on the
 * NAT-T socket towards remote. */
int engine_send_keepalive(struct engine *e, const struct addr *local, const struct addr *remote);
/* A fresh nonce (or the test nonce). */
int engine_nonce(struct engine *e, struct secret *out);
/* Starts an IKE SA for conn, negotiating child (NULL: the first) in IKE_AUTH;
 * acq: the packet that hit a trap policy (2.9), or NULL.  NULL on failure. */
struct ike_sa *engine_start(struct engine *e, const struct conf_conn *conn,
			    const struct conf_child *child, const struct kernel_acquire *acq,
			    uint32_t reqid, char *err, size_t errlen);
uint32_t engine_new_reqid(struct engine *e);

/* ---- child_xfrm.c ---- */
/* %unique and %unique-dir drawn, %same copied. */
void child_xfrm_resolve(struct engine *e, const struct conf_child *cfg, struct child_xfrm *x);
/* Mark, if_id and fixed priority of a policy (p->dir set). */
void child_xfrm_policy(const struct conf_child *cfg, const struct child_xfrm *x,
		       struct kernel_policy *p);
/* Mark, if_id, set_mark and header-copy flags of an SA. */
void child_xfrm_sa(const struct conf_child *cfg, const struct child_xfrm *x, int inbound,
		   struct kernel_sa *ks);

/* The kernel's name of c's inbound or outbound SA (mark included). */
void child_xfrm_sa_id(const struct child_sa *c, int inbound, struct kernel_sa_id *id);

/* ---- ike_sa.c ---- */
struct ike_sa *ike_sa_new(struct engine *e, int initiator, const struct addr *local,
			  const struct addr *remote, const struct conf_conn *conn);
/* Removes its CHILD SAs from the kernel, the SA from the table, and frees it. */
void ike_sa_destroy(struct ike_sa *sa);
/* The one place an IKE SA changes state: refuses illegal moves, logs, emits events. */
int ike_sa_state(struct ike_sa *sa, enum ike_sa_state next);
/* Same for CHILD SAs. */
int child_sa_state(struct child_sa *c, enum child_sa_state next);
struct ike_sa *ike_sa_by_id(struct engine *e, uint64_t id);
/* Sets sa->conn and lists sa under the connection's name. */
void ike_sa_set_conn(struct ike_sa *sa, const struct conf_conn *conn);
/* IKE SAs that may belong to conn (compare sa->conn == conn): no walk
 * over every IKE SA. */
struct ike_sa *ike_sa_conn_first(struct engine *e, const struct conf_conn *conn);
struct ike_sa *ike_sa_conn_next(const struct ike_sa *prev);
/* 1 if sa belongs to connection conn (any connection for NULL). */
int ike_sa_of_conn(const struct ike_sa *sa, const char *conn);
/* counters.c: engine_stats from one IKE SA state change (ike_sa_state). */
void counters_ike_state(struct ike_sa *sa, enum ike_sa_state old, enum ike_sa_state next);
/* Why a handshake failed when old -> next ends it (engine_event.reason), else NULL. */
const char *counters_ike_fail_reason(const struct ike_sa *sa, enum ike_sa_state old,
				     enum ike_sa_state next);
/*
 * child_updown.c, for child_sa_state's event: u filled and returned if
 * c's move old -> next makes its flows come up or go down
 * (engine_updown), else NULL; the reason a CHILD SA that was never
 * installed goes (into buf), else NULL (also when its IKE SA's handshake
 * failed: the IKE SA's event carries that reason).
 */
const struct engine_updown *child_updown(struct child_sa *c, enum child_sa_state old,
					 enum child_sa_state next, struct engine_updown *u);
const char *child_fail_reason(const struct child_sa *c, enum child_sa_state next, char *buf,
			      size_t len);
/* A valid message from the peer arrived: liveness restarts. */
void ike_sa_alive(struct ike_sa *sa);
/* A request went out (msg_out.c): dpd_timeout's limit starts unless it runs. */
void ike_sa_request_sent(struct ike_sa *sa);
/* Something unauthenticated says the peer lost sa (INVALID_IKE_SPI,
 * 2.21.4): an empty INFORMATIONAL now, unless a request is outstanding
 * (that is the check already); an unanswered check ends sa. */
void ike_sa_check_alive(struct ike_sa *sa);
/* Established: half-open accounting, DPD timer, identity index. */
void ike_sa_established(struct ike_sa *sa);
/* Deletes the IKE SA after the peer stopped answering and applies the
 * connection's dpd_action (established SAs, rekeying ones too). */
void ike_sa_lost(struct ike_sa *sa, const char *why);
/* Deletes the IKE SA the peer deleted and applies its children's
 * close_action. */
void ike_sa_closed(struct ike_sa *sa);
/* Message IDs start again at 0 (IKE_SA_INIT restarted after COOKIE or
 * INVALID_KE_PAYLOAD). */
int ike_sa_window_reset(struct ike_sa *sa);
/* Drops a set of fragments being collected (engine budget updated). */
void ike_sa_frag_clear(struct ike_sa *sa, struct frag_rx *r);
/* Derives SK_* from g^ir and the nonces, sets up both SK contexts. */
int ike_sa_derive_keys(struct ike_sa *sa, const struct secret *gir);
/* The ID payload body (type, 3 reserved bytes, data) of id into out. */
size_t ike_id_body(const struct ident *id, uint8_t *out, size_t size);

/* ---- child_sa.c: kernel side of a negotiated CHILD SA ---- */
struct child_sa *child_sa_new(struct ike_sa *ike, const struct conf_child *cfg);
/* Our inbound SPI, allocated in the kernel (larval SA). */
int child_sa_alloc_spi(struct child_sa *c);
/*
 * Installs inbound and outbound SAs and in/out/fwd policies from the
 * negotiated proposal, selectors and KEYMAT (2.17: derived here from the IKE
 * SA's SK_d and nonces; gir NULL without a fresh KE).  0, or -1 logged.
 */
int child_sa_install(struct child_sa *c, const struct secret *gir);
/*
 * Reauthentication (make-before-break): the peer answering our IKE_AUTH
 * sends on its new outbound SA at once, so our inbound SA must be in the
 * kernel before the request leaves.  Installs it from the proposal and mode
 * of model (the CHILD SA being replaced) with the new IKE SA's KEYMAT;
 * child_sa_install() keeps it if the answer agrees, replaces it if not.
 */
int child_sa_install_in_early(struct child_sa *c, const struct child_sa *model);
/* Removes the kernel state (SAs and policies) and frees c. */
void child_sa_destroy(struct child_sa *c);
/* Policies c took over from a CHILD SA it replaced: their tunnel
 * templates follow c's outer addresses (the peer came back from another
 * address); how many changed. */
int child_sa_policies_follow(struct child_sa *c);
struct child_sa *child_sa_by_spi(struct engine *e, uint32_t spi, struct ike_sa **ike);
/* Why no child of sa's connection takes the peer's selectors: theirs and
 * every child's, one info line each. */
void child_log_ts_unacceptable(const struct ike_sa *sa, const struct ts_set *tsi,
			       const struct ts_set *tsr);
/* Inbound/outbound counters from the kernel. */
int child_sa_query(struct child_sa *c, uint64_t *bytes_in, uint64_t *packets_in,
		   uint64_t *bytes_out, uint64_t *packets_out);

/* ---- trap.c ---- */
/*
 * Installs the standing policies of every child of cfg: trap policies for
 * start_action=trap, block policies for other fail_closed children.
 * adopt (at start-up): a policy of ours already there is updated.
 */
int trap_install_all(struct engine *e, int adopt);
/* The standing policy with this selector and direction, or NULL. */
const struct kernel_policy *trap_standing_policy(struct engine *e,
						 const struct kernel_selector *sel,
						 enum kernel_dir dir);
/* A CHILD SA's policy goes: 1 if the standing one took its place again. */
int trap_restore_policy(struct engine *e, const struct kernel_policy *p);
/*
 * Shutdown: fail_closed children's standing policies become block
 * policies and stay listed (and in the kernel); with remove_others every
 * other is removed (first call: before the CHILD SAs go, without).
 * Returns how many stay.  trap_forget_all() then drops the list only.
 */
size_t trap_shutdown(struct engine *e, int remove_others);
void trap_forget_all(struct engine *e);
/* Resync: standing policies absent from listed are put back; how many. */
size_t trap_reinstall_missing(struct engine *e, const struct kernel_policy_info *listed,
			      size_t n);

/* ---- kstate.c: our kernel state at start-up, on resync, at shutdown ---- */
void kernel_reconcile(struct engine *e);
void kernel_resync(void *arg);		/* struct kernel_events.on_resync */
void kernel_state_shutdown(struct engine *e);
void trap_remove_all(struct engine *e);
/* The trap policy of reqid: its connection and child; -1 if none. */
int trap_lookup(struct engine *e, uint32_t reqid, const struct conf_conn **conn,
		const struct conf_child **child);
/* ---- kevents.c: kernel events (registered on the backend by engine.c) ---- */
void kevent_acquire(void *arg, const struct kernel_acquire *acq);
void kevent_expire(void *arg, const struct kernel_sa_id *id, uint32_t reqid, int hard);
void kevent_mapping(void *arg, const struct kernel_sa_id *id, const struct addr *old_peer,
		    const struct addr *new_peer);
/* The ACQUIRE's packet flow as the first TSi/TSr (2.9). */
void kevent_acquire_ts(const struct kernel_acquire *acq, struct ike_ts *src, struct ike_ts *dst);
/* The trap policy this child replaced (same reqid), or 0. */
/* xfrm (may be NULL): the marks and if_ids of ch's trap policies, which
 * its CHILD SAs take over, or NULL without trap policies. */
uint32_t trap_reqid(struct engine *e, const struct conf_conn *conn, const struct conf_child *ch,
		    const struct child_xfrm **xfrm);
/* Trap policies for one child (close_action/dpd_action trap), once. */
int trap_install_child(struct engine *e, const struct conf_conn *conn,
		       const struct conf_child *ch);
/* Installs trap policies of one connection / removes them. */
int trap_install_conn(struct engine *e, const struct conf_conn *conn);
void trap_remove_conn(struct engine *e, const char *conn);
/* The trap policies of conn's child (NULL: every child); how many children. */
size_t trap_remove_child(struct engine *e, const char *conn, const char *child);
/* ikectl uninstall: the trap policies of conn's child (NULL: every child)
 * go, block policies stay in their place for a fail_closed child; how many. */
size_t trap_uninstall(struct engine *e, const struct conf_conn *conn, const struct conf_child *only);
/* engine_ctl.c: a live CHILD SA of conn's child (NULL: of any child), or NULL. */
struct child_sa *engine_child_up(struct engine *e, const struct conf_conn *c,
				 const struct conf_child *ch);
/* Reload: point the remaining traps at newcfg (by name); drop orphans. */
int trap_remap(struct engine *e, const struct config *newcfg);

#endif

/*
 * IKEv2 redirect (RFC 5685), both roles.
 *
 * Gateway: an IKE_SA_INIT request of a client that announced
 * REDIRECT_SUPPORTED (or REDIRECTED_FROM) is answered with REDIRECT and the
 * client's nonce when its connection has redirect_to, or when the global
 * redirect rule's IKE SA count is reached: no state is created (4).  An
 * established IKE SA is redirected by an INFORMATIONAL request (5,
 * ikectl redirect).
 *
 * Client: REDIRECT_SUPPORTED in every IKE_SA_INIT request (REDIRECTED_FROM
 * instead after a redirect); a REDIRECT is followed in the IKE_SA_INIT
 * response (the echoed nonce must be ours), in an authenticated IKE_AUTH
 * response (6) and in an INFORMATIONAL request (5): the old IKE SA is
 * deleted, a new one goes to the new gateway.  At most REDIRECT_MAX
 * redirects of one connection in REDIRECT_WINDOW_MS (strongSwan's limit).
 * Only IP addresses are followed: no resolver runs on the loop, so a
 * gateway given by FQDN is logged and refused.
 */
#ifndef IKE_ENGINE_REDIRECT_H
#define IKE_ENGINE_REDIRECT_H

#include "common/addr.h"
#include "ike/codec/redirect.h"

struct engine;
struct ike_sa;
struct ike_msg;
struct out_msg;
struct conf_conn;

#define REDIRECT_MAX		5
#define REDIRECT_WINDOW_MS	300000u

/* Per IKE SA (struct ike_sa.redir). */
struct ike_redirect {
	int announced;		/* client: our IKE_SA_INIT carried REDIRECT_SUPPORTED/_FROM */
	int peer_announced;	/* gateway: the client's IKE_SA_INIT did */
	int followed;		/* client: this SA ends for a redirect, not a failure */
	int have_from;		/* client: this SA follows a redirect from `from' */
	struct addr from;
	uint8_t from_data[2 + 16];	/* REDIRECTED_FROM body while the request is built */
};

/* Client: REDIRECT_SUPPORTED, or REDIRECTED_FROM after a redirect, into m. */
void redirect_announce(struct ike_sa *sa, struct out_msg *m);
/* Client: a REDIRECT in the IKE_SA_INIT response.  1 if m was one (followed
 * or refused: the caller does nothing more), 0 if it carries none. */
int redirect_on_init_response(struct ike_sa *sa, const struct ike_msg *m);
/* Client: the authenticated IKE_AUTH response; 1 if it redirected us (sa
 * is being deleted), 0 to go on. */
int redirect_on_auth_response(struct ike_sa *sa, const struct ike_msg *m);
/* Client: an INFORMATIONAL request of an established SA, after our
 * response went out; 1 if it redirected us (sa is being deleted). */
int redirect_on_info_request(struct ike_sa *sa, const struct ike_msg *m);

/* Gateway: 1 if the IKE_SA_INIT request was answered with REDIRECT. */
int redirect_gw_init(struct engine *e, const struct ike_msg *m, const struct conf_conn *conn,
		     const struct addr *local, const struct addr *remote);
/*
 * Gateway, RFC 5685 6: the connection the client's identity selected in
 * IKE_AUTH has redirect_to (the one IKE_SA_INIT selected by address did
 * not): REDIRECT into the IKE_AUTH response o (data in buf, which lives
 * until o is sent), and 1: no CHILD SA, no address; the client deletes
 * the IKE SA.  0: not redirected.
 */
int redirect_gw_auth(struct ike_sa *sa, struct out_msg *o, uint8_t buf[2 + REDIRECT_GW_MAX]);
/* Gateway: INFORMATIONAL with REDIRECT to gw for an established SA; 0 or
 * -1 with err (not established, the client did not announce support, a
 * request outstanding). */
int redirect_send(struct ike_sa *sa, const struct redirect_gw *gw, char *err, size_t errlen);

/* The engine's per-connection redirect history and pending follows. */
void redirect_engine_free(struct engine *e);

#endif

/*
 * One row per EAP method for eap.c's machines (eap_md5.c,
 * eap_mschapv2.c).  Each hook writes the Type-Data of the message to send
 * into w (eap.c adds the header); a hook that fails sets the machine's why.
 */
#ifndef IKE_AUTH_EAP_METHOD_H
#define IKE_AUTH_EAP_METHOD_H

#include "common/buf.h"
#include "ike/auth/eap.h"

/* States of eap.c's machines, shared with the method rows. */
enum { SRV_IDENTITY = 1, SRV_METHOD, SRV_METHOD2, SRV_DONE, SRV_FAILED };
enum { PEER_IDLE = 0, PEER_METHOD, PEER_FINISHED, PEER_DONE, PEER_FAILED };

struct eap_method_ops {
	uint8_t type;
	const char *name;
	/* The first request of the method (challenge). */
	int (*srv_challenge)(struct eap_server *s, struct wr *w);
	/* The peer's response m: EAP_MORE with the next request in w,
	 * EAP_DONE (authenticated: EAP-Success follows), EAP_FAIL. */
	enum eap_status (*srv_response)(struct eap_server *s, const struct eap_msg *m,
					struct wr *w);
	/* A request m of this method: EAP_MORE with our response in w (the
	 * row moves p->state to PEER_FINISHED once Success may come), or
	 * EAP_FAIL. */
	enum eap_status (*peer_request)(struct eap_peer *p, const struct eap_msg *m, struct wr *w);
	/* Releases s->tls / p->tls; NULL: the method hangs nothing there. */
	void (*srv_free)(struct eap_server *s);
	void (*peer_free)(struct eap_peer *p);
	unsigned max_rounds;		/* 0: EAP_MAX_ROUNDS */
};

extern const struct eap_method_ops eap_md5_ops, eap_mschapv2_ops, eap_tls_ops;

/* The password of the server's peer identity (s->why set when none). */
int eap_srv_password(struct eap_server *s, const uint8_t **pw, size_t *pwlen);
/* Random bytes (OpenSSL's DRBG); -1 on failure. */
int eap_random(uint8_t *p, size_t n);

#endif

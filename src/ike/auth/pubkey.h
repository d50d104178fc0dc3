/*
 * What the public-key rows (auth_pubkey.c) need outside IKE_AUTH's method
 * calls: SIGNATURE_HASH_ALGORITHMS in IKE_SA_INIT (RFC 7427 4) and CERTREQ
 * (RFC 7296 3.7), sent for the remote side's trust anchors whatever the
 * local side's method is, and the peer's kept in the IKE SA.
 */
#ifndef IKE_AUTH_PUBKEY_H
#define IKE_AUTH_PUBKEY_H

#include <stddef.h>
#include <stdint.h>

#include "ike/codec/codec.h"
#include "ike/core/conf.h"

struct ike_sa;
struct out_msg;

/* The peer's SIGNATURE_HASH_ALGORITHMS and X.509 CERTREQs in m, into sa. */
void auth_pk_note_peer(struct ike_sa *sa, const struct ike_msg *m);
/* Our SIGNATURE_HASH_ALGORITHMS notify; buf (cap >= 8) holds its data. */
void auth_pk_add_sha_notify(struct out_msg *m, uint8_t *buf, size_t cap);
/* A CERTREQ naming conn's trust anchors when its remote side uses
 * certificates and send_certreq is on; the body lives in sa. */
void auth_pk_add_certreq(struct ike_sa *sa, const struct conf_conn *conn, struct out_msg *m);

#endif

/*
 * Names for IKEv2 protocol values (IANA registries), for logs and tests.
 * Each function returns NULL for a value its table does not know; the
 * *_str variants write "UNKNOWN(v)" into buf instead.
 */
#ifndef IKE_CODEC_NAMES_H
#define IKE_CODEC_NAMES_H

#include <stddef.h>

const char *ike_payload_name(unsigned v);
const char *ike_exchange_name(unsigned v);
const char *ike_notify_name(unsigned v);
const char *ike_protocol_name(unsigned v);
const char *ike_transform_type_name(unsigned v);
/* The name of transform id within transform type tt. */
const char *ike_transform_id_name(unsigned tt, unsigned id);
const char *ike_id_type_name(unsigned v);
const char *ike_auth_method_name(unsigned v);
const char *ike_ts_type_name(unsigned v);
const char *ike_cert_encoding_name(unsigned v);
const char *ike_cp_type_name(unsigned v);
const char *ike_cp_attr_name(unsigned v);
/* RFC 5685 GW Ident Type (REDIRECT, REDIRECTED_FROM) */
const char *ike_redirect_gw_type_name(unsigned v);

const char *ike_payload_str(unsigned v, char *buf, size_t size);
const char *ike_notify_str(unsigned v, char *buf, size_t size);

#endif

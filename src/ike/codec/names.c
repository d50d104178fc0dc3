/* Names of IKEv2 protocol values, from the IANA IKEv2 parameters registry. */
#include "ike/codec/names.h"

#include "common/names.h"
#include "ike/ikev2.h"

static const struct name_entry payload_names[] = {
	{ PL_NONE, "NONE" }, { PL_SA, "SA" }, { PL_KE, "KE" },
	{ PL_IDI, "IDi" }, { PL_IDR, "IDr" }, { PL_CERT, "CERT" },
	{ PL_CERTREQ, "CERTREQ" }, { PL_AUTH, "AUTH" }, { PL_NONCE, "Nonce" },
	{ PL_NOTIFY, "Notify" }, { PL_DELETE, "Delete" }, { PL_VENDOR, "Vendor ID" },
	{ PL_TSI, "TSi" }, { PL_TSR, "TSr" }, { PL_SK, "SK" }, { PL_CP, "CP" },
	{ PL_EAP, "EAP" }, { PL_GSPM, "GSPM" }, { 50, "IDg" }, { 51, "GSA" },
	{ 52, "KD" }, { PL_SKF, "SKF" }, { 54, "PS" },
};

static const struct name_entry exchange_names[] = {
	{ IKE_SA_INIT, "IKE_SA_INIT" }, { IKE_AUTH, "IKE_AUTH" },
	{ CREATE_CHILD_SA, "CREATE_CHILD_SA" }, { INFORMATIONAL, "INFORMATIONAL" },
	{ IKE_SESSION_RESUME, "IKE_SESSION_RESUME" }, { 39, "GSA_AUTH" },
	{ 40, "GSA_REGISTRATION" }, { 41, "GSA_REKEY" }, { 43, "IKE_INTERMEDIATE" },
	{ 44, "IKE_FOLLOWUP_KE" },
};

static const struct name_entry notify_names[] = {
	{ 1, "UNSUPPORTED_CRITICAL_PAYLOAD" }, { 4, "INVALID_IKE_SPI" },
	{ 5, "INVALID_MAJOR_VERSION" }, { 7, "INVALID_SYNTAX" },
	{ 9, "INVALID_MESSAGE_ID" }, { 11, "INVALID_SPI" },
	{ 14, "NO_PROPOSAL_CHOSEN" }, { 17, "INVALID_KE_PAYLOAD" },
	{ 24, "AUTHENTICATION_FAILED" }, { 34, "SINGLE_PAIR_REQUIRED" },
	{ 35, "NO_ADDITIONAL_SAS" }, { 36, "INTERNAL_ADDRESS_FAILURE" },
	{ 37, "FAILED_CP_REQUIRED" }, { 38, "TS_UNACCEPTABLE" },
	{ 39, "INVALID_SELECTORS" }, { 40, "UNACCEPTABLE_ADDRESSES" },
	{ 41, "UNEXPECTED_NAT_DETECTED" }, { 42, "USE_ASSIGNED_HoA" },
	{ 43, "TEMPORARY_FAILURE" }, { 44, "CHILD_SA_NOT_FOUND" },
	{ 45, "INVALID_GROUP_ID" }, { 46, "AUTHORIZATION_FAILED" },
	{ 47, "STATE_NOT_FOUND" }, { 48, "TS_MAX_QUEUE" },
	{ 16384, "INITIAL_CONTACT" }, { 16385, "SET_WINDOW_SIZE" },
	{ 16386, "ADDITIONAL_TS_POSSIBLE" }, { 16387, "IPCOMP_SUPPORTED" },
	{ 16388, "NAT_DETECTION_SOURCE_IP" }, { 16389, "NAT_DETECTION_DESTINATION_IP" },
	{ 16390, "COOKIE" }, { 16391, "USE_TRANSPORT_MODE" },
	{ 16392, "HTTP_CERT_LOOKUP_SUPPORTED" }, { 16393, "REKEY_SA" },
	{ 16394, "ESP_TFC_PADDING_NOT_SUPPORTED" }, { 16395, "NON_FIRST_FRAGMENTS_ALSO" },
	{ 16396, "MOBIKE_SUPPORTED" }, { 16397, "ADDITIONAL_IP4_ADDRESS" },
	{ 16398, "ADDITIONAL_IP6_ADDRESS" }, { 16399, "NO_ADDITIONAL_ADDRESSES" },
	{ 16400, "UPDATE_SA_ADDRESSES" }, { 16401, "COOKIE2" },
	{ 16402, "NO_NATS_ALLOWED" }, { 16403, "AUTH_LIFETIME" },
	{ 16404, "MULTIPLE_AUTH_SUPPORTED" }, { 16405, "ANOTHER_AUTH_FOLLOWS" },
	{ 16406, "REDIRECT_SUPPORTED" }, { 16407, "REDIRECT" },
	{ 16408, "REDIRECTED_FROM" }, { 16409, "TICKET_LT_OPAQUE" },
	{ 16410, "TICKET_REQUEST" }, { 16411, "TICKET_ACK" },
	{ 16412, "TICKET_NACK" }, { 16413, "TICKET_OPAQUE" },
	{ 16414, "LINK_ID" }, { 16415, "USE_WESP_MODE" },
	{ 16416, "ROHC_SUPPORTED" }, { 16417, "EAP_ONLY_AUTHENTICATION" },
	{ 16418, "CHILDLESS_IKEV2_SUPPORTED" }, { 16419, "QUICK_CRASH_DETECTION" },
	{ 16420, "IKEV2_MESSAGE_ID_SYNC_SUPPORTED" },
	{ 16421, "IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED" },
	{ 16422, "IKEV2_MESSAGE_ID_SYNC" }, { 16423, "IPSEC_REPLAY_COUNTER_SYNC" },
	{ 16424, "SECURE_PASSWORD_METHODS" }, { 16425, "PSK_PERSIST" },
	{ 16426, "PSK_CONFIRM" }, { 16427, "ERX_SUPPORTED" },
	{ 16428, "IFOM_CAPABILITY" }, { 16429, "SENDER_REQUEST_ID" },
	{ 16430, "IKEV2_FRAGMENTATION_SUPPORTED" }, { 16431, "SIGNATURE_HASH_ALGORITHMS" },
	{ 16432, "CLONE_IKE_SA_SUPPORTED" }, { 16433, "CLONE_IKE_SA" },
	{ 16434, "PUZZLE" }, { 16435, "USE_PPK" }, { 16436, "PPK_IDENTITY" },
	{ 16437, "NO_PPK_AUTH" }, { 16438, "INTERMEDIATE_EXCHANGE_SUPPORTED" },
	{ 16439, "IP4_ALLOWED" }, { 16440, "IP6_ALLOWED" },
	{ 16441, "ADDITIONAL_KEY_EXCHANGE" }, { 16442, "USE_AGGFRAG" },
	{ 16443, "SUPPORTED_AUTH_METHODS" },
};

static const struct name_entry protocol_names[] = {
	{ PROTO_NONE, "NONE" }, { PROTO_IKE, "IKE" }, { PROTO_AH, "AH" },
	{ PROTO_ESP, "ESP" },
};

static const struct name_entry transform_type_names[] = {
	{ TT_ENCR, "ENCR" }, { TT_PRF, "PRF" }, { TT_INTEG, "INTEG" },
	{ TT_KE, "KE" }, { TT_ESN, "ESN" },
};

static const struct name_entry encr_names[] = {
	{ 1, "ENCR_DES_IV64" }, { 2, "ENCR_DES" }, { ENCR_3DES, "ENCR_3DES" },
	{ 4, "ENCR_RC5" }, { 5, "ENCR_IDEA" }, { 6, "ENCR_CAST" },
	{ 7, "ENCR_BLOWFISH" }, { 8, "ENCR_3IDEA" }, { 9, "ENCR_DES_IV32" },
	{ ENCR_NULL, "ENCR_NULL" }, { ENCR_AES_CBC, "ENCR_AES_CBC" },
	{ ENCR_AES_CTR, "ENCR_AES_CTR" }, { ENCR_AES_CCM_8, "ENCR_AES_CCM_8" },
	{ ENCR_AES_CCM_12, "ENCR_AES_CCM_12" }, { ENCR_AES_CCM_16, "ENCR_AES_CCM_16" },
	{ ENCR_AES_GCM_8, "ENCR_AES_GCM_8" }, { ENCR_AES_GCM_12, "ENCR_AES_GCM_12" },
	{ ENCR_AES_GCM_16, "ENCR_AES_GCM_16" },
	{ ENCR_NULL_AUTH_AES_GMAC, "ENCR_NULL_AUTH_AES_GMAC" },
	{ 23, "ENCR_CAMELLIA_CBC" }, { 24, "ENCR_CAMELLIA_CTR" },
	{ 25, "ENCR_CAMELLIA_CCM_8" }, { 26, "ENCR_CAMELLIA_CCM_12" },
	{ 27, "ENCR_CAMELLIA_CCM_16" },
	{ ENCR_CHACHA20_POLY1305, "ENCR_CHACHA20_POLY1305" },
};

static const struct name_entry prf_names[] = {
	{ PRF_HMAC_MD5, "PRF_HMAC_MD5" }, { PRF_HMAC_SHA1, "PRF_HMAC_SHA1" },
	{ 3, "PRF_HMAC_TIGER" }, { PRF_AES128_XCBC, "PRF_AES128_XCBC" },
	{ PRF_HMAC_SHA2_256, "PRF_HMAC_SHA2_256" }, { PRF_HMAC_SHA2_384, "PRF_HMAC_SHA2_384" },
	{ PRF_HMAC_SHA2_512, "PRF_HMAC_SHA2_512" }, { PRF_AES128_CMAC, "PRF_AES128_CMAC" },
};

static const struct name_entry integ_names[] = {
	{ AUTH_NONE, "NONE" }, { AUTH_HMAC_MD5_96, "AUTH_HMAC_MD5_96" },
	{ AUTH_HMAC_SHA1_96, "AUTH_HMAC_SHA1_96" }, { 3, "AUTH_DES_MAC" },
	{ 4, "AUTH_KPDK_MD5" }, { AUTH_AES_XCBC_96, "AUTH_AES_XCBC_96" },
	{ 6, "AUTH_HMAC_MD5_128" }, { 7, "AUTH_HMAC_SHA1_160" },
	{ AUTH_AES_CMAC_96, "AUTH_AES_CMAC_96" }, { 9, "AUTH_AES_128_GMAC" },
	{ 10, "AUTH_AES_192_GMAC" }, { 11, "AUTH_AES_256_GMAC" },
	{ AUTH_HMAC_SHA2_256_128, "AUTH_HMAC_SHA2_256_128" },
	{ AUTH_HMAC_SHA2_384_192, "AUTH_HMAC_SHA2_384_192" },
	{ AUTH_HMAC_SHA2_512_256, "AUTH_HMAC_SHA2_512_256" },
};

static const struct name_entry ke_names[] = {
	{ KE_NONE, "NONE" }, { 1, "MODP_768" }, { KE_MODP_1024, "MODP_1024" },
	{ KE_MODP_1536, "MODP_1536" }, { KE_MODP_2048, "MODP_2048" },
	{ KE_MODP_3072, "MODP_3072" }, { KE_MODP_4096, "MODP_4096" },
	{ KE_MODP_6144, "MODP_6144" }, { KE_MODP_8192, "MODP_8192" },
	{ KE_ECP_256, "ECP_256" }, { KE_ECP_384, "ECP_384" }, { KE_ECP_521, "ECP_521" },
	{ 22, "MODP_1024_160" }, { 23, "MODP_2048_224" }, { 24, "MODP_2048_256" },
	{ 25, "ECP_192" }, { 26, "ECP_224" }, { KE_ECP_224_BP, "ECP_224_BP" },
	{ KE_ECP_256_BP, "ECP_256_BP" }, { KE_ECP_384_BP, "ECP_384_BP" },
	{ KE_ECP_512_BP, "ECP_512_BP" }, { KE_CURVE25519, "CURVE25519" },
	{ KE_CURVE448, "CURVE448" },
};

static const struct name_entry esn_names[] = {
	{ ESN_NO, "NO_ESN" }, { ESN_YES, "ESN" },
};

static const struct name_entry id_type_names[] = {
	{ ID_IPV4_ADDR, "ID_IPV4_ADDR" }, { ID_FQDN, "ID_FQDN" },
	{ ID_RFC822_ADDR, "ID_RFC822_ADDR" }, { ID_IPV6_ADDR, "ID_IPV6_ADDR" },
	{ ID_DER_ASN1_DN, "ID_DER_ASN1_DN" }, { ID_DER_ASN1_GN, "ID_DER_ASN1_GN" },
	{ ID_KEY_ID, "ID_KEY_ID" }, { 12, "ID_FC_NAME" }, { 13, "ID_NULL" },
};

static const struct name_entry auth_method_names[] = {
	{ AUTH_METHOD_RSA, "RSA_SIG" }, { AUTH_METHOD_PSK, "SHARED_KEY_MIC" },
	{ AUTH_METHOD_DSS, "DSS_SIG" }, { AUTH_METHOD_ECDSA_256, "ECDSA_SHA256_P256" },
	{ AUTH_METHOD_ECDSA_384, "ECDSA_SHA384_P384" },
	{ AUTH_METHOD_ECDSA_521, "ECDSA_SHA512_P521" },
	{ AUTH_METHOD_GSPAM, "GSPAM" }, { AUTH_METHOD_NULL, "NULL_AUTH" },
	{ AUTH_METHOD_DIGITAL_SIG, "DIGITAL_SIGNATURE" },
};

static const struct name_entry ts_type_names[] = {
	{ TS_IPV4_ADDR_RANGE, "TS_IPV4_ADDR_RANGE" },
	{ TS_IPV6_ADDR_RANGE, "TS_IPV6_ADDR_RANGE" },
	{ 9, "TS_FC_ADDR_RANGE" }, { 10, "TS_SECLABEL" },
};

static const struct name_entry cert_encoding_names[] = {
	{ 1, "PKCS7_X509" }, { 2, "PGP" }, { 3, "DNS_SIGNED_KEY" },
	{ CERT_X509_SIGNATURE, "X509_SIGNATURE" }, { 6, "KERBEROS_TOKEN" },
	{ 7, "CRL" }, { 8, "ARL" }, { 9, "SPKI" }, { 10, "X509_ATTRIBUTE" },
	{ 11, "RAW_RSA_KEY" }, { CERT_HASH_URL_X509, "HASH_URL_X509_CERT" },
	{ 13, "HASH_URL_X509_BUNDLE" }, { 14, "OCSP_CONTENT" }, { 15, "RAW_PUBLIC_KEY" },
};

static const struct name_entry cp_type_names[] = {
	{ CFG_REQUEST, "CFG_REQUEST" }, { CFG_REPLY, "CFG_REPLY" },
	{ CFG_SET, "CFG_SET" }, { CFG_ACK, "CFG_ACK" },
};

static const struct name_entry cp_attr_names[] = {
	{ 1, "INTERNAL_IP4_ADDRESS" }, { 2, "INTERNAL_IP4_NETMASK" },
	{ 3, "INTERNAL_IP4_DNS" }, { 4, "INTERNAL_IP4_NBNS" },
	{ 6, "INTERNAL_IP4_DHCP" }, { 7, "APPLICATION_VERSION" },
	{ 8, "INTERNAL_IP6_ADDRESS" }, { 10, "INTERNAL_IP6_DNS" },
	{ 12, "INTERNAL_IP6_DHCP" }, { 13, "INTERNAL_IP4_SUBNET" },
	{ 14, "SUPPORTED_ATTRIBUTES" }, { 15, "INTERNAL_IP6_SUBNET" },
	{ 16, "MIP6_HOME_PREFIX" }, { 17, "INTERNAL_IP6_LINK" },
	{ 18, "INTERNAL_IP6_PREFIX" }, { 19, "HOME_AGENT_ADDRESS" },
	{ 20, "P_CSCF_IP4_ADDRESS" }, { 21, "P_CSCF_IP6_ADDRESS" },
	{ 25, "INTERNAL_DNS_DOMAIN" },
};

/* RFC 5685 9.1: GW Ident Type of REDIRECT and REDIRECTED_FROM */
static const struct name_entry redirect_gw_names[] = {
	{ 1, "IPv4" }, { 2, "IPv6" }, { 3, "FQDN" },
};

#define LOOKUP(tab, v) names_lookup(tab, NAMES_LEN(tab), v)

const char *ike_payload_name(unsigned v) { return LOOKUP(payload_names, v); }
const char *ike_exchange_name(unsigned v) { return LOOKUP(exchange_names, v); }
const char *ike_notify_name(unsigned v) { return LOOKUP(notify_names, v); }
const char *ike_protocol_name(unsigned v) { return LOOKUP(protocol_names, v); }
const char *ike_transform_type_name(unsigned v) { return LOOKUP(transform_type_names, v); }
const char *ike_id_type_name(unsigned v) { return LOOKUP(id_type_names, v); }
const char *ike_auth_method_name(unsigned v) { return LOOKUP(auth_method_names, v); }
const char *ike_ts_type_name(unsigned v) { return LOOKUP(ts_type_names, v); }
const char *ike_cert_encoding_name(unsigned v) { return LOOKUP(cert_encoding_names, v); }
const char *ike_cp_type_name(unsigned v) { return LOOKUP(cp_type_names, v); }
const char *ike_cp_attr_name(unsigned v) { return LOOKUP(cp_attr_names, v); }
const char *ike_redirect_gw_type_name(unsigned v) { return LOOKUP(redirect_gw_names, v); }

const char *ike_transform_id_name(unsigned tt, unsigned id)
{
	switch (tt) {
	case TT_ENCR:
		return LOOKUP(encr_names, id);
	case TT_PRF:
		return LOOKUP(prf_names, id);
	case TT_INTEG:
		return LOOKUP(integ_names, id);
	case TT_KE:
		return LOOKUP(ke_names, id);
	case TT_ESN:
		return LOOKUP(esn_names, id);
	default:
		return NULL;
	}
}

const char *ike_payload_str(unsigned v, char *buf, size_t size)
{
	return names_str(payload_names, NAMES_LEN(payload_names), v, buf, size);
}

const char *ike_notify_str(unsigned v, char *buf, size_t size)
{
	return names_str(notify_names, NAMES_LEN(notify_names), v, buf, size);
}

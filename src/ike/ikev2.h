/*
 * IKEv2 protocol constants (IANA "Internet Key Exchange Version 2 (IKEv2)
 * Parameters" registry, RFC 7296 section 3) and the few plain types that
 * cross module boundaries: transforms/proposals and traffic selectors.
 * Names for these values live in tables in the codec (src/ike/codec/names.c).
 */
#ifndef IKE_IKEV2_H
#define IKE_IKEV2_H

#include <stddef.h>
#include <stdint.h>

#define IKE_HDR_LEN		28
#define IKE_VERSION_MAJOR	2
#define IKE_VERSION_MINOR	0
#define IKE_PORT		500
#define IKE_NATT_PORT		4500
#define IKE_NONCE_MIN		16
#define IKE_NONCE_MAX		256
#define IKE_COOKIE_MAX		64

/* Header flags (3.1) */
#define IKE_FLAG_INITIATOR	0x08
#define IKE_FLAG_VERSION	0x10
#define IKE_FLAG_RESPONSE	0x20

enum ike_exchange {
	IKE_SA_INIT = 34,
	IKE_AUTH = 35,
	CREATE_CHILD_SA = 36,
	INFORMATIONAL = 37,
	IKE_SESSION_RESUME = 38,
	IKE_INTERMEDIATE = 43,
};

enum ike_payload_type {
	PL_NONE = 0,
	PL_SA = 33,
	PL_KE = 34,
	PL_IDI = 35,
	PL_IDR = 36,
	PL_CERT = 37,
	PL_CERTREQ = 38,
	PL_AUTH = 39,
	PL_NONCE = 40,
	PL_NOTIFY = 41,
	PL_DELETE = 42,
	PL_VENDOR = 43,
	PL_TSI = 44,
	PL_TSR = 45,
	PL_SK = 46,
	PL_CP = 47,
	PL_EAP = 48,
	PL_GSPM = 49,
	PL_SKF = 53,	/* RFC 7383 */
};

#define PL_FLAG_CRITICAL	0x80

enum ike_protocol_id {
	PROTO_NONE = 0,
	PROTO_IKE = 1,
	PROTO_AH = 2,
	PROTO_ESP = 3,
};

enum ike_transform_type {
	TT_ENCR = 1,
	TT_PRF = 2,
	TT_INTEG = 3,
	TT_KE = 4,	/* "D-H" in RFC 7296 */
	TT_ESN = 5,
	TT_MAX = 5,
};

enum ike_encr_id {
	ENCR_3DES = 3,
	ENCR_NULL = 11,
	ENCR_AES_CBC = 12,
	ENCR_AES_CTR = 13,
	ENCR_AES_CCM_8 = 14,
	ENCR_AES_CCM_12 = 15,
	ENCR_AES_CCM_16 = 16,
	ENCR_AES_GCM_8 = 18,
	ENCR_AES_GCM_12 = 19,
	ENCR_AES_GCM_16 = 20,
	ENCR_NULL_AUTH_AES_GMAC = 21,
	ENCR_CHACHA20_POLY1305 = 28,
};

enum ike_prf_id {
	PRF_HMAC_MD5 = 1,
	PRF_HMAC_SHA1 = 2,
	PRF_AES128_XCBC = 4,
	PRF_HMAC_SHA2_256 = 5,
	PRF_HMAC_SHA2_384 = 6,
	PRF_HMAC_SHA2_512 = 7,
	PRF_AES128_CMAC = 8,
};

enum ike_integ_id {
	AUTH_NONE = 0,
	AUTH_HMAC_MD5_96 = 1,
	AUTH_HMAC_SHA1_96 = 2,
	AUTH_AES_XCBC_96 = 5,
	AUTH_AES_CMAC_96 = 8,
	AUTH_HMAC_SHA2_256_128 = 12,
	AUTH_HMAC_SHA2_384_192 = 13,
	AUTH_HMAC_SHA2_512_256 = 14,
};

enum ike_ke_id {
	KE_NONE = 0,
	KE_MODP_1024 = 2,
	KE_MODP_1536 = 5,
	KE_MODP_2048 = 14,
	KE_MODP_3072 = 15,
	KE_MODP_4096 = 16,
	KE_MODP_6144 = 17,
	KE_MODP_8192 = 18,
	KE_ECP_256 = 19,
	KE_ECP_384 = 20,
	KE_ECP_521 = 21,
	KE_ECP_256_BP = 28,
	KE_ECP_384_BP = 29,
	KE_ECP_512_BP = 30,
	KE_ECP_224_BP = 27,
	KE_CURVE25519 = 31,
	KE_CURVE448 = 32,
};

enum ike_esn_id {
	ESN_NO = 0,
	ESN_YES = 1,
};

/* Transform attribute (3.3.5): only Key Length is defined, TV format. */
#define ATTR_KEY_LENGTH		14
#define ATTR_FORMAT_TV		0x8000

enum ike_id_type {
	ID_IPV4_ADDR = 1,
	ID_FQDN = 2,
	ID_RFC822_ADDR = 3,
	ID_IPV6_ADDR = 5,
	ID_DER_ASN1_DN = 9,
	ID_DER_ASN1_GN = 10,
	ID_KEY_ID = 11,
};

enum ike_auth_method {
	AUTH_METHOD_RSA = 1,
	AUTH_METHOD_PSK = 2,
	AUTH_METHOD_DSS = 3,
	AUTH_METHOD_ECDSA_256 = 9,
	AUTH_METHOD_ECDSA_384 = 10,
	AUTH_METHOD_ECDSA_521 = 11,
	AUTH_METHOD_GSPAM = 12,
	AUTH_METHOD_NULL = 13,
	AUTH_METHOD_DIGITAL_SIG = 14,
};

enum ike_ts_type {
	TS_IPV4_ADDR_RANGE = 7,
	TS_IPV6_ADDR_RANGE = 8,
};

enum ike_cert_encoding {
	CERT_X509_SIGNATURE = 4,
	CERT_HASH_URL_X509 = 12,
};

enum ike_cp_type {
	CFG_REQUEST = 1,
	CFG_REPLY = 2,
	CFG_SET = 3,
	CFG_ACK = 4,
};

/* Notify message types (3.10.1 and later RFCs). */
enum ike_notify_type {
	/* errors */
	N_UNSUPPORTED_CRITICAL_PAYLOAD = 1,
	N_INVALID_IKE_SPI = 4,
	N_INVALID_MAJOR_VERSION = 5,
	N_INVALID_SYNTAX = 7,
	N_INVALID_MESSAGE_ID = 9,
	N_INVALID_SPI = 11,
	N_NO_PROPOSAL_CHOSEN = 14,
	N_INVALID_KE_PAYLOAD = 17,
	N_AUTHENTICATION_FAILED = 24,
	N_SINGLE_PAIR_REQUIRED = 34,
	N_NO_ADDITIONAL_SAS = 35,
	N_INTERNAL_ADDRESS_FAILURE = 36,
	N_FAILED_CP_REQUIRED = 37,
	N_TS_UNACCEPTABLE = 38,
	N_INVALID_SELECTORS = 39,
	N_TEMPORARY_FAILURE = 43,
	N_CHILD_SA_NOT_FOUND = 44,
	N_ERROR_MAX = 16383,
	/* status */
	N_INITIAL_CONTACT = 16384,
	N_SET_WINDOW_SIZE = 16385,
	N_ADDITIONAL_TS_POSSIBLE = 16386,
	N_IPCOMP_SUPPORTED = 16387,
	N_NAT_DETECTION_SOURCE_IP = 16388,
	N_NAT_DETECTION_DESTINATION_IP = 16389,
	N_COOKIE = 16390,
	N_USE_TRANSPORT_MODE = 16391,
	N_HTTP_CERT_LOOKUP_SUPPORTED = 16392,
	N_REKEY_SA = 16393,
	N_ESP_TFC_PADDING_NOT_SUPPORTED = 16394,
	N_NON_FIRST_FRAGMENTS_ALSO = 16395,
	N_MOBIKE_SUPPORTED = 16396,
	N_ADDITIONAL_IP4_ADDRESS = 16397,
	N_ADDITIONAL_IP6_ADDRESS = 16398,
	N_NO_ADDITIONAL_ADDRESSES = 16399,
	N_UPDATE_SA_ADDRESSES = 16400,
	N_COOKIE2 = 16401,
	N_NO_NATS_ALLOWED = 16402,
	N_AUTH_LIFETIME = 16403,
	N_MULTIPLE_AUTH_SUPPORTED = 16404,
	N_ANOTHER_AUTH_FOLLOWS = 16405,
	N_REDIRECT_SUPPORTED = 16406,
	N_REDIRECT = 16407,
	N_REDIRECTED_FROM = 16408,
	N_TICKET_LT_OPAQUE = 16409,
	N_TICKET_REQUEST = 16410,
	N_TICKET_ACK = 16411,
	N_TICKET_NACK = 16412,
	N_TICKET_OPAQUE = 16413,
	N_LINK_ID = 16414,
	N_USE_WESP_MODE = 16415,
	N_ROHC_SUPPORTED = 16416,
	N_EAP_ONLY_AUTHENTICATION = 16417,
	N_CHILDLESS_IKEV2_SUPPORTED = 16418,
	N_QUICK_CRASH_DETECTION = 16419,
	N_IKEV2_MESSAGE_ID_SYNC_SUPPORTED = 16420,
	N_IPSEC_REPLAY_COUNTER_SYNC_SUPPORTED = 16421,
	N_IKEV2_MESSAGE_ID_SYNC = 16422,
	N_IPSEC_REPLAY_COUNTER_SYNC = 16423,
	N_SECURE_PASSWORD_METHODS = 16424,
	N_PSK_PERSIST = 16425,
	N_PSK_CONFIRM = 16426,
	N_ERX_SUPPORTED = 16427,
	N_IFOM_CAPABILITY = 16428,
	N_SENDER_REQUEST_ID = 16429,
	N_IKEV2_FRAGMENTATION_SUPPORTED = 16430,
	N_SIGNATURE_HASH_ALGORITHMS = 16431,
	N_CLONE_IKE_SA_SUPPORTED = 16432,
	N_CLONE_IKE_SA = 16433,
	N_PUZZLE = 16434,
	N_USE_PPK = 16435,
	N_PPK_IDENTITY = 16436,
	N_NO_PPK_AUTH = 16437,
	N_INTERMEDIATE_EXCHANGE_SUPPORTED = 16438,
};

/* Cross-module plain types.  Sizes are bounds the codec enforces. */
#define IKE_MAX_PROPOSALS	32
/* strongSwan's default IKE proposals carry up to 36 transforms */
#define IKE_MAX_TRANSFORMS	64
#define IKE_MAX_SPI		8

struct ike_transform {
	uint8_t type;		/* enum ike_transform_type */
	uint16_t id;
	uint16_t keylen;	/* bits; 0 when the attribute is absent */
};

struct ike_proposal {
	uint8_t num;		/* proposal number, from 1 */
	uint8_t protocol;	/* enum ike_protocol_id */
	uint8_t spi_size;
	uint8_t spi[IKE_MAX_SPI];
	uint8_t ntransforms;
	struct ike_transform xf[IKE_MAX_TRANSFORMS];
};

/* One traffic selector (3.13.1); addresses in network byte order. */
struct ike_ts {
	uint8_t type;		/* TS_IPV4_ADDR_RANGE or TS_IPV6_ADDR_RANGE */
	uint8_t ip_proto;	/* 0 = any */
	uint16_t start_port;
	uint16_t end_port;
	uint8_t start[16];	/* first 4 bytes used for IPv4 */
	uint8_t end[16];
};

#endif

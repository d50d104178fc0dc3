/*
 * MS-CHAPv2 (RFC 2759) and its MPPE master keys (RFC 3079 3.3, 3.4), for
 * EAP-MSCHAPv2.  MD4 and DES are legacy algorithms: they come from
 * OpenSSL 3's legacy provider, loaded into a library context of its own
 * (nothing else in the process can reach them through the default one).
 * Passwords are UTF-8 in the configuration and UTF-16LE on the wire's
 * hashes (RFC 2759 8.3).  Every function returns 0, or -1 when the
 * algorithms are not available or an input does not fit.
 */
#ifndef IKE_AUTH_MSCHAPV2_H
#define IKE_AUTH_MSCHAPV2_H

#include <stddef.h>
#include <stdint.h>

#define MSCHAP_CHALLENGE_LEN	16
#define MSCHAP_NT_RESP_LEN	24
#define MSCHAP_AUTH_RESP_LEN	42	/* "S=" and 40 hex digits */
#define MSCHAP_MSK_LEN		64

/* RFC 2759 8.3 NtPasswordHash: MD4 of the UTF-16LE password. */
int mschap_nt_hash(const uint8_t *pw, size_t pwlen, uint8_t out[16]);
/* 8.2 ChallengeHash: the first 8 bytes of SHA-1(peer | auth | user), the
 * user name without a "DOMAIN\" prefix. */
int mschap_challenge_hash(const uint8_t peer_ch[16], const uint8_t auth_ch[16],
			  const uint8_t *user, size_t ulen, uint8_t out[8]);
/* 8.1 GenerateNTResponse. */
int mschap_nt_response(const uint8_t auth_ch[16], const uint8_t peer_ch[16],
		       const uint8_t *user, size_t ulen, const uint8_t *pw, size_t pwlen,
		       uint8_t out[MSCHAP_NT_RESP_LEN]);
/* 8.7 GenerateAuthenticatorResponse: "S=" and 40 upper-case hex digits. */
int mschap_auth_response(const uint8_t *pw, size_t pwlen, const uint8_t nt_resp[24],
			 const uint8_t peer_ch[16], const uint8_t auth_ch[16],
			 const uint8_t *user, size_t ulen, char out[MSCHAP_AUTH_RESP_LEN + 1]);
/* RFC 3079 3.4 GetMasterKey from the password and the NT-Response. */
int mschap_master_key(const uint8_t *pw, size_t pwlen, const uint8_t nt_resp[24],
		      uint8_t out[16]);
/* 3.4 GetAsymetricStartKey, 128-bit: send/server select Magic2 or Magic3. */
int mschap_asym_key(const uint8_t master[16], int send, int server, uint8_t out[16]);
/* The EAP-MSCHAPv2 MSK as Windows and strongSwan make it (MS-CHAP for
 * EAP, [MS-CHAP] 3.1.5.1): the authenticator's MasterReceiveKey |
 * MasterSendKey | 32 zero bytes, the same on both sides. */
int mschap_msk(const uint8_t *pw, size_t pwlen, const uint8_t nt_resp[24],
	       uint8_t out[MSCHAP_MSK_LEN]);
/* Frees the legacy library context (tests, shutdown). */
void mschap_cleanup(void);

#endif

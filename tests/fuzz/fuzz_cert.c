/*
 * libFuzzer target: a peer's CERT payloads and AUTH data.  Input: one byte
 * AUTH method, one byte certificate count, then per certificate a 16-bit
 * length and DER, then the AUTH data.  The certificates are decoded with
 * the CERT payload's bounds and validated (first = end entity) against a
 * test PKI generated at start-up; the AUTH data is verified with keys of
 * every type.  The verdict must be a clean 0/-1 with a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "ike/pki/pki.h"
#include "pki/testpki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static STACK_OF(X509) *anchors;
static STACK_OF(X509_CRL) *crls;
static EVP_PKEY *keys[5];

static void init(void)
{
	struct tp_opts r = { .cn = "Fuzz Root", .serial = 1, .ca = 1, .pathlen = 1,
			     .from = -86400, .to = 86400, .ku = "critical,keyCertSign,cRLSign" };
	static const char *types[] = { "rsa2048", "p256", "p521", "ed25519", "ed448" };
	EVP_PKEY *rk;
	X509 *root;

	tp_now = 1700000000;
	rk = tp_key("p256");
	root = tp_cert(&r, rk, NULL, NULL);
	anchors = sk_X509_new_null();
	sk_X509_push(anchors, root);
	crls = sk_X509_CRL_new_null();
	sk_X509_CRL_push(crls, tp_crl(root, rk, -60, 3600, (const long[]){ 5 }, 1));
	EVP_PKEY_free(rk);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		keys[i] = tp_key(types[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	STACK_OF(X509) *certs;
	struct pki_trust t;
	char err[PKI_ERR_LEN];
	struct rd r;
	const uint8_t *auth;
	size_t alen;
	uint8_t method, n;

	if (!anchors)
		init();
	rd_init(&r, data, size);
	method = rd_u8(&r);
	n = rd_u8(&r);
	if (!rd_ok(&r))
		return 0;
	certs = sk_X509_new_null();
	for (int i = 0; i < n % 12; i++) {
		uint16_t len = rd_u16(&r);
		const uint8_t *der = rd_bytes(&r, len);
		X509 *x;

		if (!der)
			break;
		err[0] = 0;
		x = pki_cert_from_der(der, len, err, sizeof(err));
		if (!x && !err[0])
			__builtin_trap();	/* a refusal always says why */
		if (x)
			sk_X509_push(certs, x);
	}
	if (sk_X509_num(certs) > 0) {
		X509 *ee = sk_X509_shift(certs);
		struct ident id;

		for (int rev = PKI_REV_RELAXED; rev <= PKI_REV_STRICT; rev++) {
			t = (struct pki_trust){ anchors, crls, (enum pki_revocation)rev, tp_now };
			err[0] = 0;
			if (pki_chain_verify(&t, ee, certs, err, sizeof(err)) < 0 && !err[0])
				__builtin_trap();
		}
		if (pki_cert_subject_id(ee, &id) == 0)
			(void)pki_cert_has_id(ee, &id);
		X509_free(ee);
	}
	sk_X509_pop_free(certs, X509_free);
	auth = rd_rest(&r, &alen);
	for (size_t i = 0; auth && i < sizeof(keys) / sizeof(keys[0]); i++) {
		err[0] = 0;
		if (pki_auth_verify(keys[i], method, auth, alen, data, size > 64 ? 64 : size,
				    ~0u, err, sizeof(err)) == 0)
			__builtin_trap();	/* nobody forges a signature by fuzzing */
		if (!err[0])
			__builtin_trap();
	}
	return 0;
}

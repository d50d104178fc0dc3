/*
 * "ikectl show certs": every certificate the configuration loaded, once,
 * with its role (end entity, intermediate, trust anchor) and the
 * connections using it (fields in ikectl(8)).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ike/core/ctlcerts.h"
#include "ike/ikev2.h"
#include "ike/pki/pki.h"

#define CERTS_MAX	4096
#define CONNS_PER_CERT	64

struct cert_use {
	X509 *x;
	const char *role;
	const char *conns[CONNS_PER_CERT];
	size_t nconns;
	int has_key;
};

static void add(struct cert_use *u, size_t *n, X509 *x, const char *role, const char *conn,
		int has_key)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (X509_cmp(u[i].x, x) == 0)
			break;
	if (i == *n) {
		if (*n == CERTS_MAX)
			return;
		memset(&u[i], 0, sizeof(u[i]));
		u[i].x = x;
		u[i].role = role;
		(*n)++;
	}
	u[i].has_key |= has_key;
	for (size_t k = 0; conn && k < u[i].nconns; k++)
		if (!strcmp(u[i].conns[k], conn))
			return;
	if (conn && u[i].nconns < CONNS_PER_CERT)
		u[i].conns[u[i].nconns++] = conn;
}

static void put_time(struct ctl_enc *e, const char *name, const ASN1_TIME *t)
{
	struct tm tm;
	char buf[32] = "?";

	if (t && ASN1_TIME_to_tm(t, &tm))
		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ctl_put_str(e, name, buf);
}

static void put_sans(struct ctl_enc *e, X509 *x)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char buf[300];

	ctl_begin_list(e, "sans");
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *s = NULL;
		const char *pfx = NULL;

		if (g->type == GEN_DNS)
			s = g->d.dNSName, pfx = "DNS:";
		else if (g->type == GEN_EMAIL)
			s = g->d.rfc822Name, pfx = "email:";
		else if (g->type == GEN_IPADD)
			s = g->d.iPAddress, pfx = "IP:";
		if (!s)
			continue;
		if (g->type == GEN_IPADD) {
			char *ip = OPENSSL_buf2hexstr(ASN1_STRING_get0_data(s), ASN1_STRING_length(s));
			struct ident id = { 0 };

			/* as an ID would print it (4 or 16 bytes) */
			id.type = ASN1_STRING_length(s) == 4 ? ID_IPV4_ADDR : ID_IPV6_ADDR;
			id.len = (uint16_t)ASN1_STRING_length(s);
			if (id.len == 4 || id.len == 16) {
				memcpy(id.data, ASN1_STRING_get0_data(s), id.len);
				snprintf(buf, sizeof(buf), "%s%s", pfx, ident_str(&id, (char[IDENT_STRLEN]){ 0 }, IDENT_STRLEN));
			} else {
				snprintf(buf, sizeof(buf), "%s%s", pfx, ip ? ip : "?");
			}
			OPENSSL_free(ip);
		} else {
			snprintf(buf, sizeof(buf), "%s%.*s", pfx, ASN1_STRING_length(s),
				 (const char *)ASN1_STRING_get0_data(s));
		}
		ctl_put_str(e, NULL, buf);
	}
	ctl_end(e);
	GENERAL_NAMES_free(gens);
}

static void put_cert(struct ctl_enc *e, const struct cert_use *u)
{
	char buf[PKI_ERR_LEN];
	EVP_PKEY *pk = X509_get0_pubkey(u->x);
	const ASN1_INTEGER *sn = X509_get0_serialNumber(u->x);
	BIGNUM *bn = sn ? ASN1_INTEGER_to_BN(sn, NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;

	for (char *h = hex; h && *h; h++)
		*h = (char)tolower((unsigned char)*h);	/* as in log lines */
	ctl_begin_rec(e, NULL);
	ctl_put_str(e, "subject", pki_name_str(X509_get_subject_name(u->x), buf, sizeof(buf)));
	ctl_put_str(e, "issuer", pki_name_str(X509_get_issuer_name(u->x), buf, sizeof(buf)));
	ctl_put_str(e, "serial", hex ? hex : "?");
	put_sans(e, u->x);
	put_time(e, "not_before", X509_get0_notBefore(u->x));
	put_time(e, "not_after", X509_get0_notAfter(u->x));
	ctl_put_str(e, "key", pk ? pki_key_desc(pk, buf, sizeof(buf)) : "?");
	ctl_put_u64(e, "key_bits", pk ? (uint64_t)EVP_PKEY_get_bits(pk) : 0);
	ctl_put_str(e, "role", u->role);
	ctl_put_bool(e, "private_key", u->has_key);
	ctl_begin_list(e, "conns");
	for (size_t k = 0; k < u->nconns; k++)
		ctl_put_str(e, NULL, u->conns[k]);
	ctl_end(e);
	ctl_end(e);
	OPENSSL_free(hex);
	BN_free(bn);
}

int ctl_put_certs(struct ctl_enc *e, const struct config *cfg)
{
	struct cert_use *u = calloc(CERTS_MAX, sizeof(*u));
	size_t n = 0;

	if (!u)
		return -1;
	for (size_t i = 0; i < cfg->nconns; i++) {
		const struct conf_conn *c = &cfg->conns[i];

		for (int k = 0; c->local.chain && k < sk_X509_num(c->local.chain); k++)
			add(u, &n, sk_X509_value(c->local.chain, k), k ? "intermediate" : "end entity",
			    c->name, !k && c->local.key);
		for (int k = 0; c->remote.anchors && k < sk_X509_num(c->remote.anchors); k++)
			add(u, &n, sk_X509_value(c->remote.anchors, k), "trust anchor", c->name, 0);
	}
	for (int k = 0; cfg->cacerts && k < sk_X509_num(cfg->cacerts); k++)
		add(u, &n, sk_X509_value(cfg->cacerts, k), "trust anchor", NULL, 0);
	ctl_begin_list(e, "certs");
	for (size_t i = 0; i < n; i++)
		put_cert(e, &u[i]);
	ctl_end(e);
	free(u);
	return 0;
}

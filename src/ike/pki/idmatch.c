/*
 * Identities and certificates (RFC 7296 3.5, RFC 4945 3.1): an FQDN,
 * RFC822 or IP ID must be among the certificate's subjectAltNames, a DN ID
 * must equal its subject.  DNs compare RDN by RDN with case and spacing
 * ignored; a configured DN may use "*" as a whole RDN value (strongSwan).
 */
#include <ctype.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "ike/ikev2.h"
#include "ike/pki/pki.h"

/* An RDN value in comparable form: UTF-8, trimmed, inner runs of spaces
 * collapsed, ASCII lowercased.  NULL if it does not fit or decode. */
static char *canon(const ASN1_STRING *s, char *buf, size_t size)
{
	unsigned char *u = NULL;
	int len = ASN1_STRING_to_UTF8(&u, s);
	size_t o = 0;
	int space = 0;

	if (len < 0)
		return NULL;
	for (int i = 0; i < len; i++) {
		unsigned char c = u[i];

		if (c == 0 || o + 2 >= size) {
			OPENSSL_free(u);
			return NULL;
		}
		if (isspace(c)) {
			space = o > 0;
			continue;
		}
		if (space)
			buf[o++] = ' ';
		space = 0;
		buf[o++] = (char)tolower(c);
	}
	buf[o] = 0;
	OPENSSL_free(u);
	return buf;
}

/* NAME against PATTERN, same RDNs in the same order; with WILD a pattern
 * value of "*" matches any value of that attribute type. */
static int dn_match(const X509_NAME *pattern, const X509_NAME *name, int wild)
{
	int n = X509_NAME_entry_count(pattern);
	char a[512], b[512];

	if (n != X509_NAME_entry_count(name))
		return 0;
	for (int i = 0; i < n; i++) {
		const X509_NAME_ENTRY *pe = X509_NAME_get_entry(pattern, i);
		const X509_NAME_ENTRY *ne = X509_NAME_get_entry(name, i);
		const char *pv, *nv;

		if (OBJ_cmp(X509_NAME_ENTRY_get_object(pe), X509_NAME_ENTRY_get_object(ne)) ||
		    X509_NAME_ENTRY_set(pe) != X509_NAME_ENTRY_set(ne))
			return 0;
		pv = canon(X509_NAME_ENTRY_get_data(pe), a, sizeof(a));
		nv = canon(X509_NAME_ENTRY_get_data(ne), b, sizeof(b));
		if (!pv || !nv)
			return 0;
		if (wild && !strcmp(pv, "*"))
			continue;
		if (strcmp(pv, nv))
			return 0;
	}
	return 1;
}

static X509_NAME *dn_of(const struct ident *id)
{
	const unsigned char *p = id->data;
	X509_NAME *n = d2i_X509_NAME(NULL, &p, id->len);

	if (n && p != id->data + id->len) {
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

int pki_cert_has_id(X509 *cert, const struct ident *id)
{
	unsigned int flags = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_WILDCARDS;
	X509_NAME *n;
	int ok = 0;

	switch (id->type) {
	case ID_FQDN:
		return X509_check_host(cert, (const char *)id->data, id->len, flags, NULL) == 1;
	case ID_RFC822_ADDR:
		return X509_check_email(cert, (const char *)id->data, id->len, flags) == 1;
	case ID_IPV4_ADDR:
	case ID_IPV6_ADDR:
		if (id->len != (id->type == ID_IPV4_ADDR ? 4 : 16))
			return 0;
		return X509_check_ip(cert, id->data, id->len, 0) == 1;
	case ID_DER_ASN1_DN:
		if ((n = dn_of(id))) {
			ok = dn_match(n, X509_get_subject_name(cert), 0);
			X509_NAME_free(n);
		}
		return ok;
	default:
		return 0;
	}
}

static int suffix_match(const struct ident *pattern, const struct ident *id)
{
	size_t tail = pattern->len - 1u;

	return id->len >= tail &&
	       !strncasecmp((const char *)pattern->data + 1, (const char *)id->data + id->len - tail,
			    tail);
}

int pki_id_matches(const struct ident *pattern, const struct ident *id)
{
	X509_NAME *p, *n;
	int ok = 0;

	if (pattern->type == 0)
		return 1;
	if (pattern->type != id->type)
		return 0;
	switch (id->type) {
	case ID_DER_ASN1_DN:
		p = dn_of(pattern);
		n = dn_of(id);
		ok = p && n && dn_match(p, n, 1);
		X509_NAME_free(p);
		X509_NAME_free(n);
		return ok;
	case ID_FQDN:
	case ID_RFC822_ADDR:
		/* "*.example.com", "*@example.com" */
		if (pattern->len && pattern->data[0] == '*')
			return suffix_match(pattern, id);
		return pattern->len == id->len &&
		       !strncasecmp((const char *)pattern->data, (const char *)id->data, id->len);
	default:
		return pattern->len == id->len && !memcmp(pattern->data, id->data, id->len);
	}
}

int pki_cert_subject_id(X509 *cert, struct ident *id)
{
	unsigned char *p = id->data;
	int len = i2d_X509_NAME(X509_get_subject_name(cert), NULL);

	memset(id, 0, sizeof(*id));
	if (len <= 0 || len > IDENT_MAX)
		return -1;
	p = id->data;
	if (i2d_X509_NAME(X509_get_subject_name(cert), &p) != len)
		return -1;
	id->type = ID_DER_ASN1_DN;
	id->len = (uint16_t)len;
	return 0;
}

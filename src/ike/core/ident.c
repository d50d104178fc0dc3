#include "ike/core/ident.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "common/names.h"
#include "ike/ikev2.h"

static const struct name_entry id_type_names[] = {
	{ 0, "any" },
	{ ID_IPV4_ADDR, "ipv4" },
	{ ID_FQDN, "fqdn" },
	{ ID_RFC822_ADDR, "rfc822" },
	{ ID_IPV6_ADDR, "ipv6" },
	{ ID_DER_ASN1_DN, "dn" },
	{ ID_KEY_ID, "keyid" },
};

const char *ident_type_name(uint8_t type)
{
	const char *s = names_lookup(id_type_names, NAMES_LEN(id_type_names), type);

	return s ? s : "unknown";
}

static int set_bytes(struct ident *id, uint8_t type, const void *p, size_t n,
		     const char *s, char *err, size_t errlen)
{
	if (n == 0 || n > IDENT_MAX) {
		snprintf(err, errlen, "identity '%s': %zu bytes, must be 1..%d", s, n, IDENT_MAX);
		return -1;
	}
	id->type = type;
	id->len = (uint16_t)n;
	memcpy(id->data, p, n);
	return 0;
}

/* Printable ASCII without spaces: what a name-like identity may hold. */
static int name_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return 0;
	return 1;
}

static int parse_keyid(struct ident *id, const char *s, char *err, size_t errlen)
{
	uint8_t buf[IDENT_MAX];
	size_t n = 0;
	const char *p = s + 1;

	if (strncmp(p, "0x", 2) == 0)
		p += 2;
	if (strlen(p) % 2 || strlen(p) / 2 > sizeof(buf))
		goto bad;
	for (; *p; p += 2) {
		char hex[3] = { p[0], p[1], 0 };
		char *end;

		if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]))
			goto bad;
		buf[n++] = (uint8_t)strtoul(hex, &end, 16);
	}
	return set_bytes(id, ID_KEY_ID, buf, n, s, err, errlen);
bad:
	snprintf(err, errlen, "identity '%s': key id must be '#' and an even number of hex digits (at most %d bytes)",
		 s, IDENT_MAX);
	return -1;
}

/* "C=CH, O=Example, CN=gw" -> DER; each RDN is KEY=VALUE, split on ','. */
static int parse_dn(struct ident *id, const char *s, char *err, size_t errlen)
{
	X509_NAME *name = X509_NAME_new();
	unsigned char *der = NULL;
	char *copy = strdup(s), *tok, *save = NULL;
	int len, ret = -1;

	if (!name || !copy) {
		snprintf(err, errlen, "identity '%s': out of memory", s);
		goto out;
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '='), *key = tok, *val, *e;

		if (!eq) {
			snprintf(err, errlen, "identity '%s': '%s' is not KEY=VALUE", s, tok);
			goto out;
		}
		*eq = '\0';
		val = eq + 1;
		while (isspace((unsigned char)*key))
			key++;
		for (e = eq; e > key && isspace((unsigned char)e[-1]); e--)
			e[-1] = '\0';
		while (isspace((unsigned char)*val))
			val++;
		for (e = val + strlen(val); e > val && isspace((unsigned char)e[-1]); e--)
			e[-1] = '\0';
		if (!*val || !X509_NAME_add_entry_by_txt(name, key, MBSTRING_UTF8,
							  (const unsigned char *)val, -1, -1, 0)) {
			snprintf(err, errlen, "identity '%s': bad DN component '%s=%s'", s, key, val);
			goto out;
		}
	}
	len = i2d_X509_NAME(name, &der);
	if (len <= 0) {
		snprintf(err, errlen, "identity '%s': cannot encode the DN", s);
		goto out;
	}
	ret = set_bytes(id, ID_DER_ASN1_DN, der, (size_t)len, s, err, errlen);
out:
	OPENSSL_free(der);
	X509_NAME_free(name);
	free(copy);
	return ret;
}

int ident_parse(struct ident *id, const char *s, char *err, size_t errlen)
{
	uint8_t ip[16];

	memset(id, 0, sizeof(*id));
	if (strcmp(s, "%any") == 0)
		return 0;
	if (inet_pton(AF_INET, s, ip) == 1)
		return set_bytes(id, ID_IPV4_ADDR, ip, 4, s, err, errlen);
	if (inet_pton(AF_INET6, s, ip) == 1)
		return set_bytes(id, ID_IPV6_ADDR, ip, 16, s, err, errlen);
	if (s[0] == '#')
		return parse_keyid(id, s, err, errlen);
	if (strchr(s, '='))
		return parse_dn(id, s, err, errlen);
	if (!s[0] || !name_chars_ok(s)) {
		snprintf(err, errlen, "identity '%s': empty or contains spaces/control characters", s);
		return -1;
	}
	if (s[0] == '@')
		return set_bytes(id, ID_FQDN, s + 1, strlen(s + 1), s, err, errlen);
	if (strchr(s, '@'))
		return set_bytes(id, ID_RFC822_ADDR, s, strlen(s), s, err, errlen);
	return set_bytes(id, ID_FQDN, s, strlen(s), s, err, errlen);
}

static const char *dn_str(const struct ident *id, char *buf, size_t size)
{
	const unsigned char *p = id->data;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, id->len);
	BIO *bio = BIO_new(BIO_s_mem());
	int n;

	buf[0] = '\0';
	if (name && bio && X509_NAME_print_ex(bio, name, 0,
			XN_FLAG_SEP_CPLUS_SPC | ASN1_STRFLGS_RFC2253 | XN_FLAG_FN_SN) >= 0) {
		n = BIO_read(bio, buf, (int)size - 1);
		buf[n > 0 ? n : 0] = '\0';
	}
	BIO_free(bio);
	X509_NAME_free(name);
	return buf;
}

const char *ident_str(const struct ident *id, char *buf, size_t size)
{
	size_t i, off;

	switch (id->type) {
	case 0:
		snprintf(buf, size, "%%any");
		break;
	case ID_IPV4_ADDR:
		inet_ntop(AF_INET, id->data, buf, (socklen_t)size);
		break;
	case ID_IPV6_ADDR:
		inet_ntop(AF_INET6, id->data, buf, (socklen_t)size);
		break;
	case ID_FQDN:
	case ID_RFC822_ADDR:
		snprintf(buf, size, "%.*s", (int)id->len, (const char *)id->data);
		break;
	case ID_DER_ASN1_DN:
		return dn_str(id, buf, size);
	default:
		off = (size_t)snprintf(buf, size, "#");
		for (i = 0; i < id->len && off + 3 <= size; i++)
			off += (size_t)snprintf(buf + off, size - off, "%02x", id->data[i]);
		break;
	}
	return buf;
}

int ident_eq(const struct ident *a, const struct ident *b)
{
	return a->type == b->type && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/*
 * IKE identities as written in ike.conf, parsed into the typed form the
 * ID payload carries (RFC 7296 3.5): IPv4/IPv6 address, FQDN, user@FQDN,
 * ASN.1 DN ("C=CH, O=Example, CN=gw") and key id ("#0a1b...").
 */
#ifndef IKE_CORE_IDENT_H
#define IKE_CORE_IDENT_H

#include <stddef.h>
#include <stdint.h>

#define IDENT_MAX 255
#define IDENT_STRLEN 512

struct ident {
	uint8_t type;	/* enum ike_id_type; 0 means "%any" (matches every peer) */
	uint16_t len;
	uint8_t data[IDENT_MAX];
};

/*
 * "%any"; an IP literal; "@name" (forced FQDN); "user@host" (RFC822);
 * "#hex" (key id); anything with '=' is a DN; otherwise an FQDN.
 */
int ident_parse(struct ident *id, const char *s, char *err, size_t errlen);
const char *ident_str(const struct ident *id, char *buf, size_t size);
const char *ident_type_name(uint8_t type);
int ident_eq(const struct ident *a, const struct ident *b);

#endif

#include "ike/sa/proposal_select.h"

#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/names.h"

#define TBIT(t) (1u << (t))

/* Which transform types each protocol uses and requires (3.3.3). */
struct proto_rule {
	uint8_t protocol;
	const char *name;
	unsigned allowed;
	unsigned required;
	unsigned required_unless_aead;
};

static const struct proto_rule proto_rules[] = {
	{ PROTO_IKE, "IKE", TBIT(TT_ENCR) | TBIT(TT_PRF) | TBIT(TT_INTEG) | TBIT(TT_KE),
	  TBIT(TT_ENCR) | TBIT(TT_PRF) | TBIT(TT_KE), TBIT(TT_INTEG) },
	{ PROTO_ESP, "ESP", TBIT(TT_ENCR) | TBIT(TT_INTEG) | TBIT(TT_KE) | TBIT(TT_ESN),
	  TBIT(TT_ENCR), TBIT(TT_INTEG) },
	{ PROTO_AH, "AH", TBIT(TT_INTEG) | TBIT(TT_KE) | TBIT(TT_ESN),
	  TBIT(TT_INTEG), 0 },
};

static const uint16_t aead_ids[] = {
	ENCR_AES_CCM_8, ENCR_AES_CCM_12, ENCR_AES_CCM_16, ENCR_AES_GCM_8,
	ENCR_AES_GCM_12, ENCR_AES_GCM_16, ENCR_NULL_AUTH_AES_GMAC,
	ENCR_CHACHA20_POLY1305,
};

/* Types whose ID 0 means "none" (INTEG NONE, KE NONE, ESN NO). */
static const unsigned none_types = TBIT(TT_INTEG) | TBIT(TT_KE) | TBIT(TT_ESN);

static const struct name_entry encr_names[] = {
	{ ENCR_3DES, "3DES_CBC" }, { ENCR_NULL, "NULL" },
	{ ENCR_AES_CBC, "AES_CBC" }, { ENCR_AES_CTR, "AES_CTR" },
	{ ENCR_AES_CCM_8, "AES_CCM_8" }, { ENCR_AES_CCM_12, "AES_CCM_12" },
	{ ENCR_AES_CCM_16, "AES_CCM_16" }, { ENCR_AES_GCM_8, "AES_GCM_8" },
	{ ENCR_AES_GCM_12, "AES_GCM_12" }, { ENCR_AES_GCM_16, "AES_GCM_16" },
	{ ENCR_NULL_AUTH_AES_GMAC, "NULL_AES_GMAC" },
	{ ENCR_CHACHA20_POLY1305, "CHACHA20_POLY1305" },
};

static const struct name_entry prf_names[] = {
	{ PRF_HMAC_MD5, "PRF_HMAC_MD5" }, { PRF_HMAC_SHA1, "PRF_HMAC_SHA1" },
	{ PRF_AES128_XCBC, "PRF_AES128_XCBC" },
	{ PRF_HMAC_SHA2_256, "PRF_HMAC_SHA2_256" },
	{ PRF_HMAC_SHA2_384, "PRF_HMAC_SHA2_384" },
	{ PRF_HMAC_SHA2_512, "PRF_HMAC_SHA2_512" },
	{ PRF_AES128_CMAC, "PRF_AES128_CMAC" },
};

static const struct name_entry integ_names[] = {
	{ AUTH_NONE, "NONE" }, { AUTH_HMAC_MD5_96, "HMAC_MD5_96" },
	{ AUTH_HMAC_SHA1_96, "HMAC_SHA1_96" }, { AUTH_AES_XCBC_96, "AES_XCBC_96" },
	{ AUTH_AES_CMAC_96, "AES_CMAC_96" },
	{ AUTH_HMAC_SHA2_256_128, "HMAC_SHA2_256_128" },
	{ AUTH_HMAC_SHA2_384_192, "HMAC_SHA2_384_192" },
	{ AUTH_HMAC_SHA2_512_256, "HMAC_SHA2_512_256" },
};

static const struct name_entry ke_names[] = {
	{ KE_NONE, "KE_NONE" }, { KE_MODP_1024, "MODP_1024" },
	{ KE_MODP_1536, "MODP_1536" }, { KE_MODP_2048, "MODP_2048" },
	{ KE_MODP_3072, "MODP_3072" }, { KE_MODP_4096, "MODP_4096" },
	{ KE_MODP_6144, "MODP_6144" }, { KE_MODP_8192, "MODP_8192" },
	{ KE_ECP_256, "ECP_256" }, { KE_ECP_384, "ECP_384" }, { KE_ECP_521, "ECP_521" },
	{ KE_ECP_224_BP, "ECP_224_BP" }, { KE_ECP_256_BP, "ECP_256_BP" },
	{ KE_ECP_384_BP, "ECP_384_BP" }, { KE_ECP_512_BP, "ECP_512_BP" },
	{ KE_CURVE25519, "CURVE_25519" }, { KE_CURVE448, "CURVE_448" },
};

static const struct name_entry esn_names[] = {
	{ ESN_NO, "NO_EXT_SEQ" }, { ESN_YES, "EXT_SEQ" },
};

struct name_table {
	const struct name_entry *tab;
	size_t n;
};

static const struct name_table type_names[TT_MAX + 1] = {
	[TT_ENCR] = { encr_names, NAMES_LEN(encr_names) },
	[TT_PRF] = { prf_names, NAMES_LEN(prf_names) },
	[TT_INTEG] = { integ_names, NAMES_LEN(integ_names) },
	[TT_KE] = { ke_names, NAMES_LEN(ke_names) },
	[TT_ESN] = { esn_names, NAMES_LEN(esn_names) },
};

/* strongSwan prints ENCR, INTEG, PRF, KE, ESN in this order. */
static const uint8_t print_order[] = { TT_ENCR, TT_INTEG, TT_PRF, TT_KE, TT_ESN };

int proposal_encr_is_aead(uint16_t id)
{
	for (size_t i = 0; i < sizeof(aead_ids) / sizeof(aead_ids[0]); i++)
		if (aead_ids[i] == id)
			return 1;
	return 0;
}

static const struct proto_rule *rule_of(uint8_t protocol)
{
	for (size_t i = 0; i < sizeof(proto_rules) / sizeof(proto_rules[0]); i++)
		if (proto_rules[i].protocol == protocol)
			return &proto_rules[i];
	return NULL;
}

static size_t nxf(const struct ike_proposal *p)
{
	return p->ntransforms < IKE_MAX_TRANSFORMS ? p->ntransforms : IKE_MAX_TRANSFORMS;
}

/* Bit t set when p holds a transform of type t (bit 0: an unknown type). */
static unsigned types_of(const struct ike_proposal *p, int *any_aead, int *real_integ)
{
	unsigned mask = 0;

	*any_aead = *real_integ = 0;
	for (size_t i = 0; i < nxf(p); i++) {
		const struct ike_transform *x = &p->xf[i];

		mask |= x->type >= 1 && x->type <= TT_MAX ? TBIT(x->type) : 1u;
		if (x->type == TT_ENCR && proposal_encr_is_aead(x->id))
			*any_aead = 1;
		if (x->type == TT_INTEG && x->id != AUTH_NONE)
			*real_integ = 1;
	}
	return mask;
}

int proposal_acceptable(const struct ike_proposal *p, unsigned flags)
{
	const struct proto_rule *r = rule_of(p->protocol);
	int aead, integ;
	unsigned have = types_of(p, &aead, &integ), need;

	if (!r) {
		log_dbg(LS_IKE, "proposal #%u: protocol %u unknown", p->num, p->protocol);
		return 0;
	}
	if (have & ~r->allowed) {
		log_dbg(LS_IKE, "proposal #%u: transform type not used by %s (mask 0x%x)",
			p->num, r->name, have & ~r->allowed);
		return 0;
	}
	need = r->required;
	if (flags & PS_IGNORE_KE)
		need &= ~TBIT(TT_KE);
	if ((have & need) != need) {
		log_dbg(LS_IKE, "proposal #%u: %s mandatory transform type missing "
			"(have 0x%x, need 0x%x)", p->num, r->name, have, need);
		return 0;
	}
	/* A proposal mixing AEAD and other ciphers is judged per choice in
	 * match(); one without any AEAD cipher needs a real INTEG. */
	if (!aead && (r->required_unless_aead & TBIT(TT_INTEG)) && !integ) {
		log_dbg(LS_IKE, "proposal #%u: no AEAD cipher and no integrity", p->num);
		return 0;
	}
	return 1;
}

static int has_xf(const struct ike_proposal *p, const struct ike_transform *x)
{
	for (size_t i = 0; i < nxf(p); i++)
		if (p->xf[i].type == x->type && p->xf[i].id == x->id &&
		    p->xf[i].keylen == x->keylen)
			return 1;
	return 0;
}

static int has_type(const struct ike_proposal *p, uint8_t type)
{
	for (size_t i = 0; i < nxf(p); i++)
		if (p->xf[i].type == type)
			return 1;
	return 0;
}

/*
 * Choose type t from our proposal o against the peer's p: 1 and *x set,
 * 0 when the type is simply absent from both, -1 when they cannot agree.
 */
static int choose_type(const struct ike_proposal *o, const struct ike_proposal *p,
		       uint8_t t, struct ike_transform *x)
{
	const struct ike_transform none = { .type = t, .id = 0 };

	if (has_type(o, t)) {
		for (size_t i = 0; i < nxf(o); i++) {
			if (o->xf[i].type == t && has_xf(p, &o->xf[i])) {
				*x = o->xf[i];
				return 1;
			}
		}
		return -1;
	}
	if (!has_type(p, t))
		return 0;
	if ((none_types & TBIT(t)) && has_xf(p, &none)) {
		*x = none;
		return 1;
	}
	return -1;
}

static int match(const struct ike_proposal *o, const struct ike_proposal *p,
		 unsigned flags, struct ike_proposal *chosen)
{
	const struct proto_rule *r = rule_of(p->protocol);
	struct ike_proposal c;
	int aead = 0, real_integ = 0;

	if (o->protocol != p->protocol || !r)
		return 0;
	memset(&c, 0, sizeof(c));
	for (uint8_t t = 1; t <= TT_MAX; t++) {
		struct ike_transform x;
		int rc;

		if (t == TT_KE && (flags & PS_IGNORE_KE))
			continue;
		rc = choose_type(o, p, t, &x);
		/* INTEG under a combined-mode cipher: left out unless both say NONE */
		if (t == TT_INTEG && aead && !(rc == 1 && x.id == AUTH_NONE))
			continue;
		if (rc < 0)
			return 0;
		if (rc == 0)
			continue;
		if (t == TT_ENCR)
			aead = proposal_encr_is_aead(x.id);
		if (t == TT_INTEG && x.id != AUTH_NONE)
			real_integ = 1;
		c.xf[c.ntransforms++] = x;
	}
	if (has_type(&c, TT_ENCR) && !aead &&
	    (r->required_unless_aead & TBIT(TT_INTEG)) && !real_integ)
		return 0;
	c.num = p->num;
	c.protocol = p->protocol;
	c.spi_size = p->spi_size <= IKE_MAX_SPI ? p->spi_size : 0;
	memcpy(c.spi, p->spi, c.spi_size);
	*chosen = c;
	return 1;
}

int proposal_select(const struct ike_proposal *ours, size_t nours,
		    const struct ike_proposal *peer, size_t npeer, unsigned flags,
		    struct ike_proposal *chosen)
{
	int outer_peer = (flags & PS_PREFER_PEER) != 0;
	size_t nouter = outer_peer ? npeer : nours;
	size_t ninner = outer_peer ? nours : npeer;

	for (size_t i = 0; i < nouter; i++) {
		for (size_t j = 0; j < ninner; j++) {
			const struct ike_proposal *o = outer_peer ? &ours[j] : &ours[i];
			const struct ike_proposal *p = outer_peer ? &peer[i] : &peer[j];

			if (proposal_acceptable(p, flags) && match(o, p, flags, chosen)) {
				char buf[PROPOSAL_STRLEN];

				log_dbg(LS_IKE, "selected proposal #%u: %s", chosen->num,
					proposal_str(chosen, buf, sizeof(buf)));
				return 0;
			}
		}
	}
	proposal_log_mismatch(ours, nours, peer, npeer);
	return -1;
}

/* May the answer leave out type t that we offered in o? */
static int may_omit(const struct ike_proposal *o, uint8_t t, int aead, unsigned flags)
{
	const struct ike_transform none = { .type = t, .id = 0 };

	if (t == TT_INTEG && aead)
		return 1;
	if (t == TT_KE && (flags & PS_IGNORE_KE))
		return 1;
	return (none_types & TBIT(t)) && has_xf(o, &none);
}

static int check_types(const struct ike_proposal *o, const struct ike_proposal *a,
		       unsigned flags)
{
	unsigned seen = 0;
	int aead = 0, real_integ = 0;

	for (size_t i = 0; i < nxf(a); i++) {
		const struct ike_transform *x = &a->xf[i];
		int implicit_none = !has_type(o, x->type) &&
			(none_types & TBIT(x->type)) && x->id == 0;

		if (x->type < 1 || x->type > TT_MAX || (seen & TBIT(x->type)) ||
		    (!has_xf(o, x) && !implicit_none))
			return -1;
		seen |= TBIT(x->type);
		if (x->type == TT_ENCR)
			aead = proposal_encr_is_aead(x->id);
		if (x->type == TT_INTEG && x->id != AUTH_NONE)
			real_integ = 1;
	}
	/* a combined-mode cipher takes no separate integrity (RFC 5282 8) */
	if (aead && real_integ)
		return -1;
	for (uint8_t t = 1; t <= TT_MAX; t++)
		if (has_type(o, t) && !(seen & TBIT(t)) && !may_omit(o, t, aead, flags))
			return -1;
	return 0;
}

int proposal_check_answer(const struct ike_proposal *offered, size_t noffered,
			  const struct ike_proposal *answer, unsigned flags)
{
	char buf[PROPOSAL_STRLEN];

	for (size_t i = 0; i < noffered; i++) {
		const struct ike_proposal *o = &offered[i];

		if (o->num != answer->num || o->protocol != answer->protocol)
			continue;
		if (proposal_acceptable(answer, flags) && check_types(o, answer, flags) == 0)
			return 0;
		break;
	}
	log_info(LS_IKE, "peer chose proposal #%u %s which we did not offer",
		 answer->num, proposal_str(answer, buf, sizeof(buf)));
	return -1;
}

static void append(char *buf, size_t size, size_t *off, const char *s)
{
	int w;

	if (*off + 1 >= size)
		return;
	w = snprintf(buf + *off, size - *off, "%s", s);
	if (w > 0)
		*off += (size_t)w < size - *off ? (size_t)w : size - *off - 1;
}

static void xf_name(const struct ike_transform *x, char *out, size_t size)
{
	char nb[32];
	const char *name;

	if (x->type < 1 || x->type > TT_MAX) {
		snprintf(out, size, "TYPE%u_%u", x->type, x->id);
		return;
	}
	name = names_str(type_names[x->type].tab, type_names[x->type].n, x->id, nb, sizeof(nb));
	if (x->keylen)
		snprintf(out, size, "%s_%u", name, x->keylen);
	else
		snprintf(out, size, "%s", name);
}

int proposal_offers(const struct ike_proposal *p, size_t n, uint8_t type, uint16_t id)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < p[i].ntransforms; j++)
			if (p[i].xf[j].type == type && p[i].xf[j].id == id)
				return 1;
	return 0;
}

const char *proposal_str(const struct ike_proposal *p, char *buf, size_t size)
{
	const struct proto_rule *r = rule_of(p->protocol);
	char pb[16];
	size_t off = 0;
	int first = 1;

	if (!size)
		return buf;
	buf[0] = '\0';
	snprintf(pb, sizeof(pb), "PROTO%u", p->protocol);
	append(buf, size, &off, r ? r->name : pb);
	append(buf, size, &off, ":");
	for (size_t k = 0; k <= sizeof(print_order); k++) {
		for (size_t i = 0; i < nxf(p); i++) {
			const struct ike_transform *x = &p->xf[i];
			int known = x->type >= 1 && x->type <= TT_MAX;
			char name[48];

			/* the last round prints transforms of unknown type */
			if (k < sizeof(print_order) ? x->type != print_order[k] : known)
				continue;
			xf_name(x, name, sizeof(name));
			if (!first)
				append(buf, size, &off, "/");
			append(buf, size, &off, name);
			first = 0;
		}
	}
	return buf;
}

const char *proposals_str(const struct ike_proposal *p, size_t n, char *buf, size_t size)
{
	size_t off = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char one[PROPOSAL_STRLEN];

		if (i)
			append(buf, size, &off, ", ");
		append(buf, size, &off, proposal_str(&p[i], one, sizeof(one)));
	}
	return buf;
}

void proposal_log_mismatch(const struct ike_proposal *ours, size_t nours,
			   const struct ike_proposal *peer, size_t npeer)
{
	char r[2048], c[2048];

	log_info(LS_IKE, "received proposals: %s, configured proposals: %s",
		 proposals_str(peer, npeer, r, sizeof(r)),
		 proposals_str(ours, nours, c, sizeof(c)));
}

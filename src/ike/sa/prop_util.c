/* What a proposal holds: see prop_util.h. */
#include "ike/sa/prop_util.h"

#include <string.h>

const struct ike_transform *prop_xf(const struct ike_proposal *p, uint8_t type)
{
	for (size_t i = 0; i < p->ntransforms; i++)
		if (p->xf[i].type == type)
			return &p->xf[i];
	return NULL;
}

uint16_t prop_xf_id(const struct ike_proposal *p, uint8_t type)
{
	const struct ike_transform *x = prop_xf(p, type);

	return x ? x->id : 0;
}

int prop_algs(const struct ike_proposal *p, struct ike_algs *a)
{
	const struct ike_transform *e = prop_xf(p, TT_ENCR);
	uint16_t integ = prop_xf_id(p, TT_INTEG);

	memset(a, 0, sizeof(*a));
	a->encr = e ? encr_lookup(e->id, e->keylen) : NULL;
	a->prf = prf_lookup(prop_xf_id(p, TT_PRF));
	a->integ = integ != AUTH_NONE ? integ_lookup(integ) : NULL;
	return a->encr && a->prf && (encr_is_aead(a->encr) || a->integ) ? 0 : -1;
}

void prop_spi32_set(struct ike_proposal *p, uint32_t spi)
{
	p->spi_size = 4;
	for (int i = 3; i >= 0; i--, spi >>= 8)
		p->spi[i] = (uint8_t)spi;
}

uint32_t spi32_get(const uint8_t *b, size_t len)
{
	return len == 4 ? (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3]
			: 0;
}

uint32_t prop_spi32(const struct ike_proposal *p)
{
	return spi32_get(p->spi, p->spi_size);
}

size_t prop_usable(const struct ike_pl_sa *psa, struct ike_proposal *out)
{
	size_t n = 0;

	for (size_t i = 0; i < psa->nprop && n < IKE_MAX_PROPOSALS; i++)
		if (!(i < 32 && (psa->unacceptable >> i) & 1))
			out[n++] = psa->prop[i];
	return n;
}

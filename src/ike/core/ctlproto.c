#include "ike/core/ctlproto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- encoder ---- */

int ctl_enc_init(struct ctl_enc *e, enum ctl_msg_kind kind)
{
	memset(e, 0, sizeof(*e));
	if (wr_init_dyn(&e->w, 256) < 0) {
		e->err = 1;
		return -1;
	}
	e->open[0] = wr_reserve(&e->w, 4);
	wr_u8(&e->w, (uint8_t)kind);
	return 0;
}

void ctl_enc_free(struct ctl_enc *e)
{
	wr_free(&e->w);
}

static int valid_name(const char *name, size_t n)
{
	size_t i;

	if (n == 0 || n > CTL_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return 0;
	return 1;
}

/* Type, name (in a record) and a length to fill in; returns the length's offset. */
static size_t put_head(struct ctl_enc *e, uint8_t type, const char *name)
{
	wr_u8(&e->w, type);
	if (!e->in_list[e->depth]) {
		size_t n = name ? strlen(name) : 0;

		if (!name || !valid_name(name, n)) {
			e->err = 1;
			return 0;
		}
		wr_u8(&e->w, (uint8_t)n);
		wr_bytes(&e->w, name, n);
	}
	return wr_reserve(&e->w, 4);
}

static void put_value(struct ctl_enc *e, uint8_t type, const char *name, const void *p, size_t n)
{
	size_t off = put_head(e, type, name);

	wr_bytes(&e->w, p, n);
	wr_put_u32_at(&e->w, off, (uint32_t)n);
}

void ctl_put_str(struct ctl_enc *e, const char *name, const char *s)
{
	put_value(e, CTL_T_STR, name, s ? s : "", s ? strlen(s) : 0);
}

void ctl_put_u64(struct ctl_enc *e, const char *name, uint64_t v)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	put_value(e, CTL_T_U64, name, b, sizeof(b));
}

void ctl_put_bool(struct ctl_enc *e, const char *name, int v)
{
	uint8_t b = v ? 1 : 0;

	put_value(e, CTL_T_BOOL, name, &b, 1);
}

static void begin(struct ctl_enc *e, uint8_t type, const char *name)
{
	size_t off;

	if (e->depth >= CTL_MAX_DEPTH) {
		e->err = 1;
		return;
	}
	off = put_head(e, type, name);
	e->depth++;
	e->open[e->depth] = off;
	e->in_list[e->depth] = type == CTL_T_LIST;
}

void ctl_begin_rec(struct ctl_enc *e, const char *name)
{
	begin(e, CTL_T_REC, name);
}

void ctl_begin_list(struct ctl_enc *e, const char *name)
{
	begin(e, CTL_T_LIST, name);
}

void ctl_end(struct ctl_enc *e)
{
	size_t off;

	if (e->depth == 0) {
		e->err = 1;
		return;
	}
	off = e->open[e->depth--];
	wr_put_u32_at(&e->w, off, (uint32_t)(wr_len(&e->w) - off - 4));
}

int ctl_enc_finish(struct ctl_enc *e, const uint8_t **frame, size_t *len)
{
	if (e->err || e->depth != 0 || !wr_ok(&e->w) || wr_len(&e->w) - 4 > CTL_FRAME_MAX)
		return -1;
	wr_put_u32_at(&e->w, 0, (uint32_t)(wr_len(&e->w) - 4));
	*frame = wr_data(&e->w);
	*len = wr_len(&e->w);
	return wr_ok(&e->w) ? 0 : -1;
}

/* ---- decoder ---- */

long ctl_frame_size(const uint8_t *buf, size_t len)
{
	struct rd r;
	uint32_t n;

	if (len < 4)
		return 0;
	rd_init(&r, buf, 4);
	n = rd_u32(&r);
	if (n == 0 || n > CTL_FRAME_MAX)
		return -1;
	return (long)n + 4;
}

struct dec {
	char *err;
	size_t errlen;
};

static int fail(struct dec *d, const char *what, size_t off)
{
	snprintf(d->err, d->errlen, "%s at byte %zu", what, off);
	return -1;
}

static int decode_items(struct dec *d, struct rd *r, struct ctl_val *parent, int named, int depth);

static int decode_value(struct dec *d, struct rd *r, struct ctl_val *v, int depth)
{
	size_t n = rd_left(r), pos = rd_pos(r);
	const uint8_t *p;
	int i;

	switch (v->type) {
	case CTL_T_STR:
		p = rd_bytes(r, n);
		if (n && memchr(p, 0, n))
			return fail(d, "string with a NUL byte", pos);
		v->str = malloc(n + 1);
		if (!v->str)
			return fail(d, "out of memory", pos);
		if (n)
			memcpy(v->str, p, n);
		v->str[n] = '\0';
		return 0;
	case CTL_T_U64:
		if (n != 8)
			return fail(d, "u64 value not 8 bytes", pos);
		for (i = 0; i < 8; i++)
			v->u64 = v->u64 << 8 | rd_u8(r);
		return 0;
	case CTL_T_BOOL:
		if (n != 1)
			return fail(d, "bool value not 1 byte", pos);
		v->u64 = rd_u8(r);
		return v->u64 > 1 ? fail(d, "bool value not 0 or 1", pos) : 0;
	case CTL_T_REC:
	case CTL_T_LIST:
		if (depth >= CTL_MAX_DEPTH)
			return fail(d, "nesting deeper than the limit", pos);
		return decode_items(d, r, v, v->type == CTL_T_REC, depth + 1);
	default:
		return fail(d, "unknown value type", pos);
	}
}

static int decode_one(struct dec *d, struct rd *r, struct ctl_val *v, int named, int depth)
{
	size_t pos = rd_pos(r), nlen = 0;
	const uint8_t *name = NULL;
	struct rd sub;
	uint32_t vlen;

	v->type = rd_u8(r);
	if (named) {
		nlen = rd_u8(r);
		name = rd_bytes(r, nlen);
		if (!name || !valid_name((const char *)name, nlen))
			return fail(d, "bad element name", pos);
		v->name = strndup((const char *)name, nlen);
		if (!v->name)
			return fail(d, "out of memory", pos);
	}
	vlen = rd_u32(r);
	if (rd_sub(r, &sub, vlen) < 0)
		return fail(d, "value longer than its container", pos);
	if (decode_value(d, &sub, v, depth) < 0)
		return -1;
	return 0;
}

static int decode_items(struct dec *d, struct rd *r, struct ctl_val *parent, int named, int depth)
{
	struct ctl_val *nv;
	size_t cap = 0;

	while (rd_left(r) > 0) {
		if (parent->nkids == cap) {
			cap = cap ? cap * 2 : 4;
			nv = realloc(parent->kids, cap * sizeof(*nv));
			if (!nv)
				return fail(d, "out of memory", rd_pos(r));
			parent->kids = nv;
		}
		memset(&parent->kids[parent->nkids], 0, sizeof(*nv));
		parent->nkids++;
		if (decode_one(d, r, &parent->kids[parent->nkids - 1], named, depth) < 0)
			return -1;
	}
	return rd_ok(r) ? 0 : fail(d, "truncated", rd_pos(r));
}

int ctl_decode(const uint8_t *msg, size_t len, uint8_t *kind, struct ctl_val *root,
	       char *err, size_t errlen)
{
	struct dec d = { err, errlen };
	struct rd r;

	memset(root, 0, sizeof(*root));
	root->type = CTL_T_REC;
	rd_init(&r, msg, len);
	*kind = rd_u8(&r);
	if (!rd_ok(&r) || *kind < CTL_MSG_REQUEST || *kind > CTL_MSG_EVENT) {
		snprintf(err, errlen, "unknown message kind %u", *kind);
		return -1;
	}
	if (decode_items(&d, &r, root, 1, 1) < 0) {
		ctl_val_free(root);
		return -1;
	}
	return 0;
}

void ctl_val_free(struct ctl_val *v)
{
	size_t i;

	for (i = 0; i < v->nkids; i++)
		ctl_val_free(&v->kids[i]);
	free(v->kids);
	free(v->name);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

const struct ctl_val *ctl_get(const struct ctl_val *rec, const char *name)
{
	size_t i;

	if (!rec || rec->type != CTL_T_REC)
		return NULL;
	for (i = 0; i < rec->nkids; i++)
		if (strcmp(rec->kids[i].name, name) == 0)
			return &rec->kids[i];
	return NULL;
}

const char *ctl_get_str(const struct ctl_val *rec, const char *name)
{
	const struct ctl_val *v = ctl_get(rec, name);

	return v && v->type == CTL_T_STR ? v->str : NULL;
}

int ctl_get_u64(const struct ctl_val *rec, const char *name, uint64_t *out)
{
	const struct ctl_val *v = ctl_get(rec, name);

	if (!v || v->type != CTL_T_U64)
		return -1;
	*out = v->u64;
	return 0;
}

int ctl_get_bool(const struct ctl_val *rec, const char *name)
{
	const struct ctl_val *v = ctl_get(rec, name);

	return v && v->type == CTL_T_BOOL && v->u64;
}

int ctl_val_eq(const struct ctl_val *a, const struct ctl_val *b)
{
	size_t i;

	if (a->type != b->type || !a->name != !b->name || (a->name && strcmp(a->name, b->name)) ||
	    a->nkids != b->nkids || a->u64 != b->u64 || !a->str != !b->str ||
	    (a->str && strcmp(a->str, b->str)))
		return 0;
	for (i = 0; i < a->nkids; i++)
		if (!ctl_val_eq(&a->kids[i], &b->kids[i]))
			return 0;
	return 1;
}

void ctl_put_val(struct ctl_enc *e, const struct ctl_val *v)
{
	size_t i;

	switch (v->type) {
	case CTL_T_STR:
		ctl_put_str(e, v->name, v->str);
		break;
	case CTL_T_U64:
		ctl_put_u64(e, v->name, v->u64);
		break;
	case CTL_T_BOOL:
		ctl_put_bool(e, v->name, (int)v->u64);
		break;
	case CTL_T_REC:
	case CTL_T_LIST:
		if (v->type == CTL_T_REC)
			ctl_begin_rec(e, v->name);
		else
			ctl_begin_list(e, v->name);
		for (i = 0; i < v->nkids; i++)
			ctl_put_val(e, &v->kids[i]);
		ctl_end(e);
		break;
	default:
		e->err = 1;
	}
}

/*
 * Responses larger than one frame (CTL_FRAME_MAX): the daemon sends them
 * as a series of response frames.  The first carries every element that
 * is not a list and the start of the lists; each following frame carries
 * the next items of the same lists; every frame but the last carries
 * "more" = true.  ikectl appends the lists back together, so what it
 * prints (and --json) is the one response the handler built.
 */
#include <stdlib.h>
#include <string.h>

#include "ike/core/ctlproto.h"

static int finish(struct ctl_enc *e, int more, ctl_frame_fn emit, void *arg)
{
	const uint8_t *frame;
	size_t len;
	int rc;

	if (more)
		ctl_put_bool(e, "more", 1);
	rc = ctl_enc_finish(e, &frame, &len) == 0 ? emit(arg, frame, len) : -1;
	ctl_enc_free(e);
	return rc;
}

int ctl_split_response(const uint8_t *msg, size_t len, size_t chunk, ctl_frame_fn emit,
		       void *arg)
{
	struct ctl_val root;
	struct ctl_enc e;
	uint8_t kind;
	char err[160];
	size_t i, j;
	int rc = -1;

	if (ctl_decode(msg, len, &kind, &root, err, sizeof(err)) < 0)
		return -1;
	if (ctl_enc_init(&e, kind) < 0)
		goto out;
	for (i = 0; i < root.nkids; i++)
		if (root.kids[i].type != CTL_T_LIST)
			ctl_put_val(&e, &root.kids[i]);
	for (i = 0; i < root.nkids; i++) {
		const struct ctl_val *l = &root.kids[i];

		if (l->type != CTL_T_LIST)
			continue;
		ctl_begin_list(&e, l->name);
		for (j = 0; j < l->nkids; j++) {
			if (wr_len(&e.w) >= chunk) {
				ctl_end(&e);
				if (finish(&e, 1, emit, arg) < 0 || ctl_enc_init(&e, kind) < 0)
					goto out;
				ctl_begin_list(&e, l->name);
			}
			ctl_put_val(&e, &l->kids[j]);
		}
		ctl_end(&e);
	}
	rc = finish(&e, 0, emit, arg);
out:
	ctl_val_free(&root);
	return rc;
}

/* Moves the items of next's lists to the end of acc's lists of the same names. */
int ctl_merge_response(struct ctl_val *acc, struct ctl_val *next)
{
	size_t i, k;

	for (i = 0; i < next->nkids; i++) {
		struct ctl_val *src = &next->kids[i], *dst = NULL, *nv;

		if (src->type != CTL_T_LIST)
			continue;
		for (k = 0; k < acc->nkids && !dst; k++)
			if (acc->kids[k].type == CTL_T_LIST && strcmp(acc->kids[k].name, src->name) == 0)
				dst = &acc->kids[k];
		if (!dst)
			return -1;
		if (!src->nkids)
			continue;
		nv = realloc(dst->kids, (dst->nkids + src->nkids) * sizeof(*nv));
		if (!nv)
			return -1;
		memcpy(nv + dst->nkids, src->kids, src->nkids * sizeof(*nv));
		dst->kids = nv;
		dst->nkids += src->nkids;
		free(src->kids);
		src->kids = NULL;
		src->nkids = 0;
	}
	return 0;
}

/* Drops the "more" element (it belongs to the transport, not the response). */
void ctl_drop_more(struct ctl_val *rec)
{
	size_t i;

	for (i = 0; i < rec->nkids; i++)
		if (strcmp(rec->kids[i].name, "more") == 0) {
			ctl_val_free(&rec->kids[i]);
			memmove(&rec->kids[i], &rec->kids[i + 1],
				(rec->nkids - i - 1) * sizeof(rec->kids[0]));
			rec->nkids--;
			return;
		}
}

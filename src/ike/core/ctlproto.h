/*
 * The control socket protocol between ikedaemon and ikectl: structured
 * records, never pre-formatted text.
 *
 *   frame   = u32 length (big endian, 1..CTL_FRAME_MAX), message
 *   message = u8 kind (CTL_MSG_*), record
 *   record  = element*                      (until the end of its span)
 *   element = u8 type, u8 name length, name, u32 value length, value
 *   list    = item*,  item = u8 type, u32 value length, value
 *   values: STR utf-8 text without NUL; U64 8 bytes; BOOL 1 byte (0/1);
 *           REC a record; LIST a list.
 * Names are 1..CTL_NAME_MAX characters of [a-z0-9_].  Nesting depth is at
 * most CTL_MAX_DEPTH.  The field names of every message are listed in
 * ikectl(8) and are stable: --json prints them as they are.
 */
#ifndef IKE_CORE_CTLPROTO_H
#define IKE_CORE_CTLPROTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

#define CTL_FRAME_MAX	(4u << 20)
#define CTL_NAME_MAX	63
#define CTL_MAX_DEPTH	8

enum ctl_msg_kind {
	CTL_MSG_REQUEST = 1,
	CTL_MSG_RESPONSE = 2,
	CTL_MSG_EVENT = 3,
};

enum ctl_type {
	CTL_T_STR = 1,
	CTL_T_U64 = 2,
	CTL_T_BOOL = 3,
	CTL_T_REC = 4,
	CTL_T_LIST = 5,
};

/* A decoded value; a record's elements are named, a list's items are not. */
struct ctl_val {
	uint8_t type;
	char *name;
	char *str;		/* CTL_T_STR, NUL-terminated */
	uint64_t u64;		/* CTL_T_U64, CTL_T_BOOL */
	struct ctl_val *kids;	/* CTL_T_REC, CTL_T_LIST */
	size_t nkids;
};

/* ---- encoder: writes a whole frame, lengths filled in as containers close ---- */

struct ctl_enc {
	struct wr w;
	size_t open[CTL_MAX_DEPTH + 1];	/* offsets of the open length fields */
	uint8_t in_list[CTL_MAX_DEPTH + 1];
	int depth;
	int err;
};

int ctl_enc_init(struct ctl_enc *e, enum ctl_msg_kind kind);
void ctl_enc_free(struct ctl_enc *e);
/* In a list, name is ignored. */
void ctl_put_str(struct ctl_enc *e, const char *name, const char *s);
void ctl_put_u64(struct ctl_enc *e, const char *name, uint64_t v);
void ctl_put_bool(struct ctl_enc *e, const char *name, int v);
void ctl_begin_rec(struct ctl_enc *e, const char *name);
void ctl_begin_list(struct ctl_enc *e, const char *name);
void ctl_end(struct ctl_enc *e);
/* A decoded value written back (round trip, and relaying records). */
void ctl_put_val(struct ctl_enc *e, const struct ctl_val *v);
/* Closes the frame: 0 and the bytes to send, or -1 on any earlier error. */
int ctl_enc_finish(struct ctl_enc *e, const uint8_t **frame, size_t *len);

/* ---- decoder ---- */

/*
 * Bytes needed for the frame at the head of buf: 0 while fewer than 4
 * bytes are there, the whole frame length otherwise; -1 if the length is
 * out of bounds (the peer is broken: drop it).
 */
long ctl_frame_size(const uint8_t *buf, size_t len);
/* Decodes one message (without the frame length); the root is a CTL_T_REC. */
int ctl_decode(const uint8_t *msg, size_t len, uint8_t *kind, struct ctl_val *root,
	       char *err, size_t errlen);
void ctl_val_free(struct ctl_val *v);

const struct ctl_val *ctl_get(const struct ctl_val *rec, const char *name);
/* NULL/0 when absent or of another type. */
const char *ctl_get_str(const struct ctl_val *rec, const char *name);
int ctl_get_u64(const struct ctl_val *rec, const char *name, uint64_t *out);
int ctl_get_bool(const struct ctl_val *rec, const char *name);
int ctl_val_eq(const struct ctl_val *a, const struct ctl_val *b);

/* ---- responses over several frames (ctlstream.c) ---- */

/* Frames at most this large (plus one item) when a response is split. */
#define CTL_CHUNK	(1u << 20)

typedef int (*ctl_frame_fn)(void *arg, const uint8_t *frame, size_t len);
/*
 * Re-sends the message msg (without frame length, any size) as frames of
 * about chunk bytes: non-list elements in the first, the lists' items
 * spread over the frames, "more" = true on all but the last.
 */
int ctl_split_response(const uint8_t *msg, size_t len, size_t chunk, ctl_frame_fn emit,
		       void *arg);
/* Appends the list items of a "more" frame to the lists of the first one. */
int ctl_merge_response(struct ctl_val *acc, struct ctl_val *next);
void ctl_drop_more(struct ctl_val *rec);

#endif

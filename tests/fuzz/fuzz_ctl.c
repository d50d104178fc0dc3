/*
 * libFuzzer target: the control protocol decoder (what the daemon reads
 * from any local client).  Whatever decodes must encode back to a message
 * that decodes to the same tree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/core/ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_val root, again;
	struct ctl_enc e;
	const uint8_t *f;
	size_t len, i;
	uint8_t kind, kind2;
	char err[128];

	ctl_frame_size(data, size);
	if (ctl_decode(data, size, &kind, &root, err, sizeof(err)) < 0)
		return 0;
	if (ctl_enc_init(&e, kind) == 0) {
		for (i = 0; i < root.nkids; i++)
			ctl_put_val(&e, &root.kids[i]);
		if (ctl_enc_finish(&e, &f, &len) == 0) {
			if (ctl_decode(f + 4, len - 4, &kind2, &again, err, sizeof(err)) < 0 ||
			    kind2 != kind || !ctl_val_eq(&root, &again))
				abort();
			ctl_val_free(&again);
		}
		ctl_enc_free(&e);
	}
	ctl_val_free(&root);
	return 0;
}

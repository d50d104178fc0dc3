/*
 * libFuzzer target: "ikectl import-swanctl" (the swanctl.conf parser and
 * the converter), from the file's bytes to ike.conf text and notes.
 */
#include <stdint.h>
#include <stdio.h>

#include "ike/ctl/swanctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snode root;
	char err[256];
	FILE *out = fopen("/dev/null", "w");

	if (!out)
		return 0;
	if (swanctl_parse((const char *)data, size, &root, err, sizeof(err)) == 0) {
		swanctl_convert(&root, "fuzz", out, out);
		swanctl_free(&root);
	}
	fclose(out);
	return 0;
}

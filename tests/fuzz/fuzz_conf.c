/*
 * libFuzzer target: the ike.conf loader (libconfig parse + schema
 * validation).  The input is written to a temporary file and loaded in
 * one-file mode without DNS; inputs with @include are skipped so the
 * fuzzer cannot make libconfig read other files.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ike/core/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libconfig 1.5 (Debian 12) leaks memory from its lexer and string buffer
 * on some syntax errors: not ours to fix, and every leak with
 * ikedaemon code on its allocation stack is still reported.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct conf_diag diag;
	struct config *cfg;
	FILE *f;

	if (memmem(data, size, "@include", 8))
		return 0;
	if (!path[0]) {
		int fd;

		snprintf(path, sizeof(path), "/tmp/fuzz_conf.XXXXXX");
		fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
	}
	f = fopen(path, "w");
	if (!f)
		abort();
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	cfg = config_load_flags(path, CONF_LOAD_NO_RESOLVE | CONF_LOAD_ONE_FILE, &diag);
	/* A loaded config never comes with errors, a refused one always does. */
	if (!cfg != (diag.nerrors > 0))
		abort();
	config_free(cfg);
	conf_diag_free(&diag);
	return 0;
}

/*
 * libFuzzer target: the daemon's control command handlers (ctlcmds.c)
 * behind the protocol decoder, with a real configuration, the IKE engine
 * and the in-memory kernel.  Input: byte 0 picks the command, the rest is
 * a request record's elements (ctlproto.h encoding) that follow it: ids,
 * names, flags of any type and value.  Every response must encode.
 * "monitor" is left out (it needs a connected client); "reload" reads the
 * fixed configuration file again.  The engine is made afresh every 4096
 * inputs so the IKE SAs that "initiate" starts cannot pile up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/loop.h"
#include "ike/core/ctlproto.h"
#include "ike/core/daemon.h"
#include "ike/engine/ike_sa.h"
#include "lib/kernel_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const commands[] = {
	"show-conns", "show-sa", "show-child", "show-kernel", "show-stats", "initiate",
	"terminate", "rekey", "reload", "log", "no-such-command", "metrics", "install",
	"uninstall",
};

static const char conf_text[] =
	"global: { log = { default = \"error\"; }; };\n"
	"secrets: ( { id = \"b.example\"; psk = \"fuzz-psk-0123456789abcdef\"; },\n"
	"          { id = \"a.example\"; psk = \"fuzz-psk-a-0123456789abcdef\"; } );\n"
	"connections: (\n"
	" { name = \"ab\"; local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"192.0.2.2\"];\n"
	"   local = { id = \"a.example\"; auth = \"psk\"; };\n"
	"   remote = { id = \"b.example\"; auth = \"psk\"; };\n"
	"   children = ( { name = \"net\"; local_ts = [\"10.1.0.0/16\"]; remote_ts = [\"10.2.0.0/16\"]; },\n"
	"                { name = \"od\"; local_ts = [\"10.1.0.0/16\"]; remote_ts = [\"10.3.0.0/16\"];\n"
	"                  start_action = \"trap\"; } ); },\n"
	" { name = \"any\"; local_addrs = [\"192.0.2.1\"]; remote_addrs = [\"%any\"];\n"
	"   local = { id = \"a.example\"; auth = \"psk\"; };\n"
	"   remote = { id = \"%any\"; auth = \"psk\"; };\n"
	"   children = ( { name = \"net\"; mode = \"transport\"; } ); }\n"
	");\n";

static struct daemon d;
static struct kernel *k;
static unsigned runs;

static int drop(struct engine *e, const struct addr *local, const struct addr *remote,
		const uint8_t *pkt, size_t len)
{
	return 0;
}

static void new_engine(void)
{
	static const uint8_t nonce[32] = { 1 };
	struct engine_test_hooks hooks = { drop, NULL, nonce, sizeof(nonce), NULL };
	struct kernel_events ev;
	char err[256];

	if (d.engine)
		engine_shutdown(d.engine);
	kernel_free(k);
	memset(&ev, 0, sizeof(ev));
	k = kernel_mem_new(&ev);
	d.engine = k ? engine_new_test(d.loop, d.cfg, k, &hooks, err, sizeof(err)) : NULL;
	if (!d.engine) {
		fprintf(stderr, "fuzz_ctl_cmds: engine: %s\n", k ? err : "no kernel");
		abort();
	}
}

static char path[] = "/tmp/fuzz_ctl_cmds-XXXXXX";

/* libFuzzer leaves through exit(): the file and the socket go with it. */
static void cleanup(void)
{
	ctl_server_free(d.ctl);
	unlink(path);
}

static void setup(void)
{
	struct conf_diag diag;
	char err[256], sock[sizeof(path) + 8];
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, conf_text, sizeof(conf_text) - 1) != (ssize_t)sizeof(conf_text) - 1)
		abort();
	close(fd);
	atexit(cleanup);
	d.cfg_path = path;
	d.cfg = config_load(path, &diag);
	if (!d.cfg) {
		for (size_t i = 0; i < diag.nerrors; i++)
			fprintf(stderr, "%s\n", diag.errors[i]);
		abort();
	}
	conf_diag_free(&diag);
	d.loop = loop_new();
	snprintf(sock, sizeof(sock), "%s.ctl", path);
	d.ctl = ctl_server_new(d.loop, sock, daemon_ctl_request, &d, err, sizeof(err));
	if (!d.loop || !d.ctl)
		abort();
	new_engine();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_val root, req;
	struct ctl_enc resp;
	const uint8_t *f;
	uint8_t *msg, kind;
	size_t len, i;
	char err[128];

	if (!d.loop)
		setup();
	if (size < 1 || size > 4096)
		return 0;
	msg = malloc(size);
	if (!msg)
		return 0;
	msg[0] = CTL_MSG_REQUEST;
	memcpy(msg + 1, data + 1, size - 1);
	if (ctl_decode(msg, size, &kind, &root, err, sizeof(err)) < 0) {
		free(msg);
		return 0;
	}
	free(msg);
	/* the command first, then whatever the input holds */
	memset(&req, 0, sizeof(req));
	req.type = CTL_T_REC;
	req.kids = calloc(root.nkids + 1, sizeof(*req.kids));
	if (!req.kids)
		goto out;
	req.kids[0].type = CTL_T_STR;
	req.kids[0].name = strdup("command");
	req.kids[0].str = strdup(commands[data[0] % (sizeof(commands) / sizeof(commands[0]))]);
	for (i = 0; i < root.nkids; i++)
		req.kids[i + 1] = root.kids[i];
	req.nkids = root.nkids + 1;
	if (ctl_enc_init(&resp, CTL_MSG_RESPONSE) == 0) {
		daemon_ctl_request(&d, NULL, &req, &resp);
		/* a response too large for one frame is split, never lost */
		if (ctl_enc_finish(&resp, &f, &len) < 0 && (resp.err || resp.depth))
			abort();
		ctl_enc_free(&resp);
	}
	root.nkids = 0;	/* moved into req */
	ctl_val_free(&req);
out:
	ctl_val_free(&root);
	log_set_all(LL_ERROR);	/* "log" may have raised it */
	if (++runs % 4096 == 0)
		new_engine();
	return 0;
}

#include "common/log.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

static const char *const subsys_names[LS_MAX] = {
	[LS_DMN] = "dmn", [LS_CFG] = "cfg", [LS_NET] = "net",
	[LS_ENC] = "enc", [LS_CRY] = "cry", [LS_IKE] = "ike",
	[LS_CHD] = "chd", [LS_KNL] = "knl", [LS_CTL] = "ctl",
};

static const char *const level_names[] = {
	[LL_ERROR] = "error", [LL_WARN] = "warn", [LL_INFO] = "info",
	[LL_DEBUG] = "debug", [LL_TRACE] = "trace",
};

static const int level_syslog[] = {
	[LL_ERROR] = LOG_ERR, [LL_WARN] = LOG_WARNING, [LL_INFO] = LOG_INFO,
	[LL_DEBUG] = LOG_DEBUG, [LL_TRACE] = LOG_DEBUG,
};

#define NLEVELS (sizeof(level_names) / sizeof(level_names[0]))

_Static_assert(LS_MAX == 9, "one default level per subsystem below");
static enum log_level levels[LS_MAX] = {
	LL_INFO, LL_INFO, LL_INFO, LL_INFO, LL_INFO, LL_INFO, LL_INFO, LL_INFO, LL_INFO,
};
static int use_syslog;
static log_sink_fn sink;
static void *sink_arg;
static log_tap_fn tap;
static void *tap_arg;
static __thread const char *log_ctx;

void log_init(const char *ident, int to_syslog)
{
	use_syslog = to_syslog;
	if (to_syslog)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(enum log_subsys sub, enum log_level lvl)
{
	if ((unsigned)sub < LS_MAX && (unsigned)lvl < NLEVELS)
		levels[sub] = lvl;
}

void log_set_all(enum log_level lvl)
{
	int i;

	for (i = 0; i < LS_MAX; i++)
		log_set_level(i, lvl);
}

enum log_level log_get_level(enum log_subsys sub)
{
	return (unsigned)sub < LS_MAX ? levels[sub] : LL_ERROR;
}

int log_enabled(enum log_subsys sub, enum log_level lvl)
{
	return (unsigned)sub < LS_MAX && lvl <= levels[sub];
}

const char *log_subsys_name(enum log_subsys sub)
{
	return (unsigned)sub < LS_MAX ? subsys_names[sub] : "???";
}

const char *log_level_name(enum log_level lvl)
{
	return (unsigned)lvl < NLEVELS ? level_names[lvl] : "???";
}

int log_subsys_from_name(const char *name, enum log_subsys *sub)
{
	int i;

	for (i = 0; i < LS_MAX; i++)
		if (strcasecmp(name, subsys_names[i]) == 0) {
			*sub = i;
			return 0;
		}
	return -1;
}

int log_level_from_name(const char *name, enum log_level *lvl)
{
	unsigned i;

	for (i = 0; i < NLEVELS; i++)
		if (strcasecmp(name, level_names[i]) == 0) {
			*lvl = i;
			return 0;
		}
	return -1;
}

void log_set_sink(log_sink_fn fn, void *arg)
{
	sink = fn;
	sink_arg = arg;
}

void log_set_tap(log_tap_fn fn, void *arg)
{
	tap = fn;
	tap_arg = arg;
}

void log_ctx_set(const char *ctx)
{
	log_ctx = ctx;
}

char *log_escape(char *dst, size_t size, const char *src)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;

	if (!size)
		return dst;
	for (; *s; s++) {
		if (*s >= 0x20 && *s != 0x7f) {
			if (o + 1 >= size)
				break;
			dst[o++] = (char)*s;
			continue;
		}
		if (o + 4 >= size)
			break;
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[*s >> 4];
		dst[o++] = hex[*s & 15];
	}
	dst[o] = '\0';
	return dst;
}

void log_vmsg(enum log_subsys sub, enum log_level lvl, const char *fmt, va_list ap)
{
	char raw[1024], line[1024];
	struct timespec ts;
	struct tm tm;

	if (!log_enabled(sub, lvl))
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_escape(line, sizeof(line), raw);
	if (tap && log_ctx && lvl <= LL_INFO)
		tap(log_ctx, sub, lvl, line, tap_arg);
	if (sink) {
		sink(sub, lvl, line, sink_arg);
		return;
	}
	if (use_syslog) {
		syslog(level_syslog[lvl], "[%s] %s", subsys_names[sub], line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	fprintf(stderr, "%02d:%02d:%02d.%03ld [%s] %s%s\n", tm.tm_hour, tm.tm_min,
		tm.tm_sec, ts.tv_nsec / 1000000, subsys_names[sub],
		lvl == LL_ERROR ? "error: " : lvl == LL_WARN ? "warning: " : "", line);
}

void log_msg(enum log_subsys sub, enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(sub, lvl, fmt, ap);
	va_end(ap);
}

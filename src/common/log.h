/*
 * Logging with levels and subsystems, to stderr (foreground) or syslog.
 * Never pass key material to these functions.
 */
#ifndef IKE_COMMON_LOG_H
#define IKE_COMMON_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LL_ERROR = 0,
	LL_WARN,
	LL_INFO,
	LL_DEBUG,
	LL_TRACE,
};

enum log_subsys {
	LS_DMN = 0,	/* daemon life cycle */
	LS_CFG,		/* configuration */
	LS_NET,		/* sockets */
	LS_ENC,		/* message codec */
	LS_CRY,		/* crypto */
	LS_IKE,		/* IKE SAs and exchanges */
	LS_CHD,		/* CHILD SAs */
	LS_KNL,		/* kernel backend */
	LS_CTL,		/* control socket */
	LS_MAX
};

void log_init(const char *ident, int to_syslog);
void log_set_level(enum log_subsys sub, enum log_level lvl);
void log_set_all(enum log_level lvl);
enum log_level log_get_level(enum log_subsys sub);
int log_enabled(enum log_subsys sub, enum log_level lvl);
const char *log_subsys_name(enum log_subsys sub);
const char *log_level_name(enum log_level lvl);
int log_subsys_from_name(const char *name, enum log_subsys *sub);
int log_level_from_name(const char *name, enum log_level *lvl);
/* Tests capture output through this hook; NULL restores the default. */
typedef void (*log_sink_fn)(enum log_subsys sub, enum log_level lvl, const char *line, void *arg);
void log_set_sink(log_sink_fn fn, void *arg);
/*
 * A tap sees, besides the normal output, every line at LL_INFO or more
 * severe that is logged while the thread has a context: the name of what
 * it works on (the engine sets a connection's name while it handles that
 * connection's messages and timers; core/diag.c files the lines by it).
 * The context string must stay valid until it is cleared (NULL).
 */
typedef void (*log_tap_fn)(const char *ctx, enum log_subsys sub, enum log_level lvl,
			   const char *line, void *arg);
void log_set_tap(log_tap_fn fn, void *arg);
void log_ctx_set(const char *ctx);
/*
 * Copies src into dst (always NUL-terminated, truncated to size) with
 * control bytes (0x00-0x1f, 0x7f) written as \xNN, so text from a peer,
 * a config file or a control client cannot forge log lines or drive a
 * terminal.  Every log line goes through it.  Returns dst.
 */
char *log_escape(char *dst, size_t size, const char *src);

void log_msg(enum log_subsys sub, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_subsys sub, enum log_level lvl, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#define log_err(sub, ...)   log_msg(sub, LL_ERROR, __VA_ARGS__)
#define log_warn(sub, ...)  log_msg(sub, LL_WARN, __VA_ARGS__)
#define log_info(sub, ...)  log_msg(sub, LL_INFO, __VA_ARGS__)
#define log_dbg(sub, ...)   do { if (log_enabled(sub, LL_DEBUG)) log_msg(sub, LL_DEBUG, __VA_ARGS__); } while (0)
#define log_trace(sub, ...) do { if (log_enabled(sub, LL_TRACE)) log_msg(sub, LL_TRACE, __VA_ARGS__); } while (0)

#endif

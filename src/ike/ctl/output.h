/* ikectl's human-readable output: one block per object, aligned "key: value". */
#ifndef IKE_CTL_OUTPUT_H
#define IKE_CTL_OUTPUT_H

#include "ike/core/ctlproto.h"

void print_conns(const struct ctl_val *resp);
void print_certs(const struct ctl_val *resp);
void print_sas(const struct ctl_val *resp);
void print_children(const struct ctl_val *resp);
void print_kernel(const struct ctl_val *resp);
void print_stats(const struct ctl_val *resp);
void print_pools(const struct ctl_val *resp);
void print_diagnose(const struct ctl_val *resp);
void print_reload(const struct ctl_val *resp);
void print_levels(const struct ctl_val *resp);
void print_event(const struct ctl_val *ev);
void print_done(const struct ctl_val *resp);
void print_terminated(const struct ctl_val *resp);
void print_installed(const struct ctl_val *resp);
void print_uninstalled(const struct ctl_val *resp);
void print_reauth(const struct ctl_val *resp);
void print_redirected(const struct ctl_val *resp);
/* A failed reload's "file:line: message" list, to stderr. */
void print_errors(const struct ctl_val *resp);

#endif

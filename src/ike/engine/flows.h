/*
 * CHILD SAs by their traffic selectors (issue 17: no walk over every IKE SA
 * of a peer identity).  A CHILD SA is listed once it has left CREATED (its
 * selectors are final from INSTALLING on) until it is DEAD; rekey.c's
 * sibling() looks here for the SA of another IKE SA (a reauthentication's)
 * carrying the same flows.  With a group PSK every peer has the same
 * identity but its own selectors, so a chain holds one peer's SAs.
 * The same CHILD SAs are also listed by their inbound and outbound SPIs
 * (child_sa_by_spi: the kernel's EXPIRE, the peer's DELETE and REKEY_SA).
 * Loop thread only.
 */
#ifndef IKE_ENGINE_FLOWS_H
#define IKE_ENGINE_FLOWS_H

#include <stdint.h>

struct engine;
struct child_sa;

int flows_init(struct engine *e);
void flows_free(struct engine *e);
/* After a state change: (re)list c under its selectors, or unlist it. */
void flows_update(struct child_sa *c);
void flows_remove(struct child_sa *c);
/* The listed CHILD SAs whose selectors may equal c's (compare them). */
struct child_sa *flows_first(const struct child_sa *c);
struct child_sa *flows_next(const struct child_sa *c, const struct child_sa *prev);
/* The listed CHILD SA with this inbound or outbound SPI, or NULL. */
struct child_sa *flows_by_spi(struct engine *e, uint32_t spi);

#endif

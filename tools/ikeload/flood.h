/* Spoofed IKE_SA_INIT flood for ikeload (see flood.c). */
#ifndef IKELOAD_FLOOD_H
#define IKELOAD_FLOOD_H

#include <stdint.h>

#include "tools/ikeload/ikeload.h"

struct flood {
	int fd;
	struct sockaddr_in peer;
	uint8_t pkt[2048];
	size_t len, nonce_off;
	uint64_t rng;
	unsigned long sent, answers;
};

/* The request template (KE of group) and the socket; -1 on failure. */
int flood_init(struct flood *f, const struct load_opts *o, uint16_t group);
/* One request from a random address of net/hostmask's upper half. */
int flood_send(struct flood *f, uint32_t net, uint32_t hostmask);
/* Reads and counts the answers waiting on the socket. */
void flood_drain(struct flood *f);
void flood_close(struct flood *f);

#endif

/*
 * Spoofed IKE_SA_INIT flood: well-formed requests with a valid KE value,
 * each from a different address of the generator's /12 (the AnyIP route
 * makes them local, IP_PKTINFO picks one per datagram) and a fresh SPIi
 * and nonce.  Nobody completes them; answers land on the flood socket and
 * are discarded.  What it measures is what the responder does meanwhile
 * for the legitimate handshakes.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "common/buf.h"
#include "ike/codec/codec.h"
#include "ike/crypto/ke.h"
#include "tools/ikeload/flood.h"

#define FLOOD_NONCE 32

int flood_init(struct flood *f, const struct load_opts *o, uint16_t group)
{
	struct ike_payload pl[3];
	struct ike_msg_builder b;
	struct ike_hdr hd;
	uint8_t pub[1024], nonce[FLOOD_NONCE] = { 0 };
	struct ke *ke = ke_new(group);
	struct wr w, wp;
	int one = 1;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	wr_init(&wp, pub, sizeof(pub));
	if (!ke || ke_public(ke, &wp) < 0) {
		ke_free(ke);
		return -1;
	}
	memset(pl, 0, sizeof(pl));
	memset(&hd, 0, sizeof(hd));
	pl[0].type = PL_SA;
	pl[0].u.sa.prop = o->ike;
	pl[0].u.sa.nprop = o->nike;
	pl[1].type = PL_KE;
	pl[1].u.ke.group = group;
	pl[1].u.ke.data.p = pub;
	pl[1].u.ke.data.len = wr_len(&wp);
	pl[2].type = PL_NONCE;
	pl[2].u.nonce.p = nonce;
	pl[2].u.nonce.len = sizeof(nonce);
	for (int i = 0; i < 3; i++)
		pl[i].known = 1;
	hd.major = IKE_VERSION_MAJOR;
	hd.exchange = IKE_SA_INIT;
	hd.flags = IKE_FLAG_INITIATOR;
	wr_init(&w, f->pkt, sizeof(f->pkt));
	ike_build_msg(&b, &w, &hd);
	for (int i = 0; i < 3; i++)
		ike_build_payload(&b, &pl[i]);
	ke_free(ke);
	if (ike_build_finish(&b) < 0)
		return -1;
	f->len = wr_len(&w);
	f->nonce_off = f->len - FLOOD_NONCE;	/* Ni is the last payload */
	if (RAND_bytes((uint8_t *)&f->rng, sizeof(f->rng)) != 1)
		return -1;
	f->rng |= 1;
	f->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->fd < 0 || setsockopt(f->fd, SOL_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
		return -1;
	f->peer = o->peer;
	return 0;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int flood_send(struct flood *f, uint32_t net, uint32_t hostmask)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} cm;
	struct in_pktinfo *pi;
	struct iovec iov = { f->pkt, f->len };
	struct msghdr mh;
	struct cmsghdr *c;
	uint64_t r = xorshift(&f->rng);
	uint32_t host;

	memcpy(f->pkt, &r, 8);			/* SPIi */
	f->pkt[0] |= 0x80;
	for (size_t i = 0; i < FLOOD_NONCE; i += 8) {
		uint64_t v = xorshift(&f->rng);

		memcpy(f->pkt + f->nonce_off + i, &v, 8);
	}
	/* the upper half of the block: never a legitimate handshake's address */
	host = ((uint32_t)(r >> 32) & hostmask) | ((hostmask + 1) >> 1);
	memset(&mh, 0, sizeof(mh));
	memset(&cm, 0, sizeof(cm));
	mh.msg_name = &f->peer;
	mh.msg_namelen = sizeof(f->peer);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_IP;
	c->cmsg_type = IP_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(*pi));
	pi = (struct in_pktinfo *)CMSG_DATA(c);
	pi->ipi_spec_dst.s_addr = htonl(net | host);
	if (sendmsg(f->fd, &mh, 0) < 0)
		return errno == EAGAIN || errno == ENOBUFS ? 0 : -1;
	f->sent++;
	return 0;
}

void flood_drain(struct flood *f)
{
	uint8_t buf[2048];

	while (recv(f->fd, buf, sizeof(buf), 0) > 0)
		f->answers++;
}

void flood_close(struct flood *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

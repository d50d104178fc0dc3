/*
 * The IKE SA table: O(1) lookup of an IKE SA from a received header, of a
 * responder's half-open SA from a retransmitted IKE_SA_INIT request, and of
 * every SA of one peer identity (INITIAL_CONTACT).  Entries are embedded in
 * their owner (the IKE SA object); the table allocates nothing per SA.
 *
 * SPIs are the 8 wire bytes read big-endian (rd_u64), so 0 means "none".
 * Our own SPI (SPIi when we initiated, SPIr when we responded) is random,
 * never 0 and unique in the table: it is the primary key.  The peer's SPI is
 * checked after the lookup.
 */
#ifndef IKE_SA_SA_TABLE_H
#define IKE_SA_SA_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"
#include "ike/sa/hidx.h"

struct sa_entry {
	uint64_t spi_i;
	uint64_t spi_r;		/* 0 until the IKE_SA_INIT response (initiator) */
	int initiator;		/* 1: we are the original initiator, SPIi is ours */
	/* Where the IKE_SA_INIT request came from; the key of the half-open
	 * index, so it stays as it was when the peer floats to port 4500 (the
	 * current peer address belongs in the IKE SA, not here). */
	struct addr peer;
	uint64_t id_hash;	/* peer identity, from sa_table_id_hash(); 0: none */
	/* private to the table */
	struct hnode by_local, by_init, by_id;
	int in_id;
};

struct sa_table {
	struct hidx local;	/* by our SPI: every entry */
	struct hidx init;	/* by (SPIi, peer address and port): responder entries */
	struct hidx id;		/* by identity hash: entries with an identity */
	struct hkey key;
};

int sa_table_init(struct sa_table *t);
/* Frees the index only: the entries belong to their owners. */
void sa_table_free(struct sa_table *t);
size_t sa_table_count(const struct sa_table *t);

/* A random SPI that is neither 0 nor ours already; -1 if the RNG fails. */
int sa_table_new_spi(struct sa_table *t, uint64_t *spi);

/*
 * Link e.  Set spi_i, spi_r, initiator and peer first.  Refused (-1, logged):
 * our SPI 0 or already in the table; as responder, SPIi 0 or a second SA
 * for the same SPIi from the same peer address and port.
 */
int sa_table_insert(struct sa_table *t, struct sa_entry *e);
void sa_table_remove(struct sa_table *t, struct sa_entry *e);

/* Initiator only: record the responder's SPI once (0 and changes refused). */
int sa_table_set_spi_r(struct sa_table *t, struct sa_entry *e, uint64_t spi_r);

/*
 * The SA a received message belongs to; from_initiator is the header's
 * Initiator flag.  A message from the original initiator is looked up by
 * SPIr (ours; SPIr 0 finds nothing: use sa_table_find_half_open), one from
 * the original responder by SPIi (ours).  The peer's SPI must match the
 * stored one; an initiator whose spi_r is still 0 matches any SPIr.
 */
struct sa_entry *sa_table_find(const struct sa_table *t, uint64_t spi_i,
			       uint64_t spi_r, int from_initiator);
/* Responder: the SA created by an IKE_SA_INIT request with this SPIi from
 * this address and port (a retransmission must not create a second one). */
struct sa_entry *sa_table_find_half_open(const struct sa_table *t, uint64_t spi_i,
					 const struct addr *peer);

/*
 * Call fn for every SA (shutdown, listings); not for per-packet paths.  fn
 * may remove the entry it is given, and no other; it must not insert.
 */
void sa_table_foreach(struct sa_table *t, void (*fn)(struct sa_entry *e, void *arg),
		      void *arg);

/* Identity hash of an ID payload (type and data); never 0. */
uint64_t sa_table_id_hash(const struct sa_table *t, uint8_t id_type,
			  const void *data, size_t len);
/* Link e under id_hash (relinks if it had one); id_hash 0 unlinks it. */
void sa_table_set_id(struct sa_table *t, struct sa_entry *e, uint64_t id_hash);
/*
 * The SAs linked under id_hash.  Different identities can share a hash:
 * compare the identities themselves.  While walking, the caller may remove
 * the entry it holds once it has fetched the next one.
 */
struct sa_entry *sa_table_id_first(const struct sa_table *t, uint64_t id_hash);
struct sa_entry *sa_table_id_next(const struct sa_entry *e);

#endif

/*
 * Unique IKE SAs per peer (the connection's `unique`, strongSwan's
 * uniqueids): what a responder does with the IKE SAs it already holds
 * when a new one is authenticated with the same identities on the same
 * connection.  INITIAL_CONTACT (RFC 7296 2.4) says the peer holds no other
 * IKE SA with us; with a group PSK every peer shares an identity, hence
 * the same connection and local identity are part of "the same peer" too.
 *
 *   unique    INITIAL_CONTACT            none
 *   no        older ones go (silently)   both stay
 *   never     both stay                  both stay
 *   replace   older ones go (silently)   older ones deleted (DELETE sent)
 *   keep      new refused, unless from the same address (a restart, or a
 *             reauthentication: then as "no")
 */
#include <string.h>

#include "common/log.h"
#include "ike/engine/exchange.h"
#include "ike/engine/unique.h"

/* o is an established IKE SA of the same peer as sa (2.4 and above). */
static int same_peer(const struct ike_sa *sa, const struct ike_sa *o)
{
	return o != sa && o->conn && sa->conn && strcmp(o->conn->name, sa->conn->name) == 0 &&
	       ident_eq(&o->remote_id, &sa->remote_id) && ident_eq(&o->local_id, &sa->local_id) &&
	       (o->state == IKE_SA_ESTABLISHED || o->state == IKE_SA_REKEYING);
}

static struct sa_entry *first_of(const struct ike_sa *sa)
{
	const struct sa_table *t = &sa->eng->table;

	return sa_table_id_first(t, sa_table_id_hash(t, sa->remote_id.type, sa->remote_id.data,
						       sa->remote_id.len));
}

/* The older IKE SA of this peer from another address, or NULL. */
static const struct ike_sa *elsewhere(const struct ike_sa *sa)
{
	for (struct sa_entry *en = first_of(sa); en; en = sa_table_id_next(en)) {
		const struct ike_sa *o = (const struct ike_sa *)en;

		if (same_peer(sa, o) && !addr_eq_host(&o->remote, &sa->remote))
			return o;
	}
	return NULL;
}

int unique_refused(const struct ike_sa *sa)
{
	const struct ike_sa *o;
	char buf[IDENT_STRLEN];

	if (sa->conn->unique != CONF_UNIQUE_KEEP || !(o = elsewhere(sa)))
		return 0;
	log_info(LS_IKE, "IKE SA %llu (%s): %s already has IKE SA %llu from %s, unique = keep: "
		 "refused", (unsigned long long)sa->id, sa->conn->name,
		 ident_str(&sa->remote_id, buf, sizeof(buf)), (unsigned long long)o->id,
		 addr_host_str(&o->remote, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
	sa->eng->stats.unique_refused++;
	return 1;
}

void unique_settle(struct ike_sa *sa, int initial_contact)
{
	unsigned u = sa->conn->unique;
	int replace = u == CONF_UNIQUE_REPLACE, drop = initial_contact && u != CONF_UNIQUE_NEVER;
	struct sa_entry *en, *next;

	if (!replace && !drop)
		return;
	for (en = first_of(sa); en; en = next) {
		struct ike_sa *o = (struct ike_sa *)en;

		next = sa_table_id_next(en);
		if (!same_peer(sa, o))
			continue;
		sa->eng->stats.unique_replaced++;
		if (drop) {
			/* 2.4: the peer holds nothing of it, a DELETE would go nowhere */
			log_info(LS_IKE, "IKE SA %llu (%s): INITIAL_CONTACT from its peer in IKE SA "
				 "%llu, deleted", (unsigned long long)o->id, o->conn->name,
				 (unsigned long long)sa->id);
			ike_sa_destroy(o);
			continue;
		}
		log_info(LS_IKE, "IKE SA %llu (%s): replaced by IKE SA %llu of the same peer "
			 "(unique = replace), deleting", (unsigned long long)o->id, o->conn->name,
			 (unsigned long long)sa->id);
		info_delete_ike(o);	/* destroys o if it cannot be sent */
	}
}

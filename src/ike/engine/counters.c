/*
 * Handshake outcomes and rekeys for engine_stats, counted from the one
 * place IKE SA states change (ike_sa_state): a handshake completes when
 * IKE_AUTH takes an SA to ESTABLISHED, and fails when an SA still in
 * IKE_SA_INIT or IKE_AUTH dies; the cause is the error notify it sent or
 * received (notify_err), else no answer (timed_out), else a local end.
 */
#include "ike/codec/names.h"
#include "ike/engine/exchange.h"

static const char *const fail_names[ENGINE_FAIL_MAX] = {
	[ENGINE_FAIL_NO_PROPOSAL] = "no_proposal_chosen",
	[ENGINE_FAIL_AUTH] = "authentication_failed",
	[ENGINE_FAIL_TS] = "ts_unacceptable",
	[ENGINE_FAIL_KE] = "invalid_ke_payload",
	[ENGINE_FAIL_SYNTAX] = "invalid_syntax",
	[ENGINE_FAIL_OTHER_NOTIFY] = "other_notify",
	[ENGINE_FAIL_TIMEOUT] = "timeout",
	[ENGINE_FAIL_ABORTED] = "aborted",
};

/* Error notify -> cause (RFC 7296 3.10.1). */
static const struct {
	uint16_t notify;
	enum engine_fail cause;
} notify_causes[] = {
	{ N_NO_PROPOSAL_CHOSEN, ENGINE_FAIL_NO_PROPOSAL },
	{ N_AUTHENTICATION_FAILED, ENGINE_FAIL_AUTH },
	{ N_TS_UNACCEPTABLE, ENGINE_FAIL_TS },
	{ N_INVALID_KE_PAYLOAD, ENGINE_FAIL_KE },
	{ N_INVALID_SYNTAX, ENGINE_FAIL_SYNTAX },
};

/* An IKE SA a rekey made stays CREATED until it is ESTABLISHED: not a handshake. */
static int in_handshake(enum ike_sa_state s)
{
	return s == IKE_SA_INIT_SENT || s == IKE_SA_INIT_RECEIVED || s == IKE_SA_AUTH_SENT;
}

static enum engine_fail fail_cause(const struct ike_sa *sa)
{
	if (sa->notify_err) {
		for (size_t i = 0; i < sizeof(notify_causes) / sizeof(notify_causes[0]); i++)
			if (notify_causes[i].notify == sa->notify_err)
				return notify_causes[i].cause;
		return ENGINE_FAIL_OTHER_NOTIFY;
	}
	return sa->timed_out ? ENGINE_FAIL_TIMEOUT : ENGINE_FAIL_ABORTED;
}

void counters_ike_state(struct ike_sa *sa, enum ike_sa_state old, enum ike_sa_state next)
{
	struct engine_stats *st = &sa->eng->stats;

	if (next == IKE_SA_ESTABLISHED && in_handshake(old))
		st->handshakes_completed++;
	else if (next == IKE_SA_REKEYED)
		st->ike_rekeys++;
	else if ((next == IKE_SA_DEAD || next == IKE_SA_DELETING) && in_handshake(old))
		st->handshakes_failed[fail_cause(sa)]++;
}

const char *counters_ike_fail_reason(const struct ike_sa *sa, enum ike_sa_state old,
				     enum ike_sa_state next)
{
	if ((next != IKE_SA_DEAD && next != IKE_SA_DELETING) || !in_handshake(old) ||
	    sa->redir.followed)	/* RFC 5685: a new IKE SA carries on */
		return NULL;
	if (sa->notify_err)
		return ike_notify_name(sa->notify_err);
	return sa->timed_out ? "timeout" : "aborted";
}

const char *engine_fail_name(unsigned cause)
{
	return cause < ENGINE_FAIL_MAX ? fail_names[cause] : "?";
}

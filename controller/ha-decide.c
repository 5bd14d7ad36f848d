/* ha-decide: the pure active/standby decision (see ha-decide.h).  Pipeline
 * place: beside the loop; controller/ha.c feeds it and carries it out. */
#include <config.h>

#include "ha-decide.h"

#include <string.h>

const char *
ha_role_name(enum ha_role role)
{
    switch (role) {
    case HA_STANDBY: return "standby";
    case HA_CLAIMING: return "claiming";
    case HA_ACTIVE: return "active";
    }
    return "unknown";
}

/* True if the database shows m's claim: its generation and our name. */
static bool
claim_shown(const struct ha_machine *m, const char *name,
            const struct ha_view *v)
{
    return (m->generation
            && v->db_generation == m->generation
            && v->db_active && !strcmp(v->db_active, name));
}

static uint64_t
max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

/* Claims a new generation, above anything seen, if a transaction is open;
 * otherwise waits for one (CLAIMING, nothing sent). */
static enum ha_action
claim(struct ha_machine *m, const struct ha_view *v)
{
    m->role = HA_CLAIMING;
    if (!v->txn_open) {
        m->claim = HA_CLAIM_NONE;
        return HA_ACT_NONE;
    }
    m->generation = max_u64(max_u64(v->db_generation, v->switch_generation),
                            m->generation) + 1;
    m->claim = HA_CLAIM_SENT;
    return HA_ACT_WRITE_CLAIM;
}

/* Follows the claim's transaction: a failure means it never reached the
 * database (write it again); the loop opening a new transaction while it
 * was in flight means it committed. */
static void
track_claim(struct ha_machine *m, const struct ha_view *v)
{
    if (m->claim == HA_CLAIM_SENT) {
        if (v->commit_failed) {
            m->claim = HA_CLAIM_NONE;
        } else if (v->txn_open) {
            m->claim = HA_CLAIM_COMMITTED;
        }
    }
}

enum ha_action
ha_decide(struct ha_machine *m, const char *name, const struct ha_view *v)
{
    if (!v->has_lock) {
        /* Lost the lock (or the database): stop at once.  A claim in
         * flight fails on the server (the IDL asserts the lock). */
        bool was = m->role != HA_STANDBY;
        m->role = HA_STANDBY;
        m->claim = HA_CLAIM_NONE;
        return was ? HA_ACT_BECOME_STANDBY : HA_ACT_NONE;
    }
    if (!v->have_global) {
        return HA_ACT_NONE;     /* Nothing to claim in yet. */
    }

    switch (m->role) {
    case HA_STANDBY:
        return claim(m, v);

    case HA_CLAIMING:
        track_claim(m, v);
        /* Only a claim written in this tenure of the lock counts: the row
         * may still show one of an earlier tenure (same generation, same
         * name), and a lock can be granted for an instant by a member that
         * is not the leader (the IDL asks for it before it checks). */
        if (m->claim != HA_CLAIM_NONE && claim_shown(m, name, v)) {
            m->role = HA_ACTIVE;
            m->claim = HA_CLAIM_NONE;
            return HA_ACT_BECOME_ACTIVE;
        }
        return m->claim == HA_CLAIM_NONE ? claim(m, v) : HA_ACT_NONE;

    case HA_ACTIVE:
        /* Someone else's values in the row (the database was re-created or
         * edited by hand), or a switch remembers a newer generation than
         * ours: claim above them. */
        if (!claim_shown(m, name, v)
            || (v->any_stale && v->switch_generation > m->generation)) {
            return claim(m, v);
        }
        return HA_ACT_NONE;
    }
    return HA_ACT_NONE;
}

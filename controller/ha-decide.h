/* ha-decide: the pure decision of weftd's active/standby state machine.
 *
 * Pipeline place: beside the loop, deciding whether this weftd may write.
 * controller/ha.c reads what it needs each run (does it hold the "weftd"
 * lock on weft's database, what Weft_Global says, what the switches
 * report) into a 'struct ha_view', and ha_decide() says what to do: write a
 * claim of a new generation, become active, become standby, or nothing.
 * ha.c then does it (the claim into the loop's transaction, the roles on
 * the hosts).
 *
 * Pure: no I/O, no clock, no globals, so tests/unit/test-ha.c drives it
 * through every transition. */
#ifndef WEFT_HA_DECIDE_H
#define WEFT_HA_DECIDE_H 1

#include <stdbool.h>
#include <stdint.h>

enum ha_role {
    HA_STANDBY,         /* No lock: writes nothing. */
    HA_CLAIMING,        /* Holds the lock; its claim is not seen back yet:
                         * still writes nothing but the claim. */
    HA_ACTIVE,          /* Holds the lock and the database shows its claim:
                         * the hosts are asked primary with 'generation'. */
};

/* Where the claim of 'generation' is. */
enum ha_claim {
    HA_CLAIM_NONE,      /* To be written (when a transaction is open). */
    HA_CLAIM_SENT,      /* In a transaction whose commit is not done. */
    HA_CLAIM_COMMITTED, /* Committed: wait until the IDL shows it. */
};

struct ha_machine {
    enum ha_role role;
    enum ha_claim claim;
    uint64_t generation;        /* Claimed (CLAIMING) or held (ACTIVE);
                                 * 0 while STANDBY. */
};

/* One run's inputs. */
struct ha_view {
    bool has_lock;              /* ovsdb_idl_has_lock(). */
    bool have_global;           /* The Weft_Global row is there (weftctl
                                 * init ran and the IDL has the data). */
    bool txn_open;              /* A transaction is open this run: no commit
                                 * in flight. */
    bool commit_failed;         /* A commit failed since the last run. */
    uint64_t db_generation;     /* Weft_Global controller_generation. */
    const char *db_active;      /* Weft_Global active_controller, or NULL. */
    uint64_t switch_generation; /* Newest generation a switch reported. */
    bool any_stale;             /* Some host's switch refused or demoted us. */
};

enum ha_action {
    HA_ACT_NONE,
    HA_ACT_WRITE_CLAIM,         /* Write the claim of m->generation now. */
    HA_ACT_BECOME_ACTIVE,       /* Ask every host primary, m->generation. */
    HA_ACT_BECOME_STANDBY,      /* Ask every host secondary, stop writing. */
};

#define HA_MACHINE_INITIALIZER { HA_STANDBY, HA_CLAIM_NONE, 0 }

/* Advances 'm' for one run of weftd named 'name' that sees 'v', and returns
 * what the caller must do.  The generation a claim writes is above every
 * generation the database, the switches and 'm' itself ever held, so that
 * a switch never takes it for a stale one. */
enum ha_action ha_decide(struct ha_machine *m, const char *name,
                         const struct ha_view *v);

const char *ha_role_name(enum ha_role);

#endif /* controller/ha-decide.h */

/* ha: weftd's active/standby role (see ha.h).  Pipeline place: beside the
 * loop; it reads the lock and Weft_Global, asks ha-decide.c what to do, and
 * does it: the claim into the loop's transaction, the roles on the hosts. */
#include <config.h>

#include "ha.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ha-decide.h"
#include "host.h"
#include "hosts.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "timeval.h"
#include "util.h"
#include "weft-idl.h"

VLOG_DEFINE_THIS_MODULE(ha);

/* The OVSDB lock whose holder is the active weftd. */
#define HA_LOCK_NAME "weftd"

struct ha {
    struct ovsdb_idl *idl;
    char *name;                 /* --name. */
    struct ha_machine m;
    bool commit_failed;         /* ha_commit_status() saw a failure. */
    bool had_lock;              /* Held the lock in the previous run. */

    /* This process's takeovers: from getting the lock to every connected
     * host confirmed primary. */
    long long int lock_msec;    /* When it got the lock; 0 if it has not. */
    bool new_lock;              /* Not yet active since it got the lock. */
    bool takeover_pending;      /* Active, some host not primary yet. */
    uint64_t takeovers;
    long long int last_takeover_ms;     /* -1: none yet. */
};

struct ha *
ha_create(struct ovsdb_idl *idl, const char *name)
{
    struct ha *ha = xzalloc(sizeof *ha);
    ha->idl = idl;
    ha->name = xstrdup(name);
    ha->m = (struct ha_machine) HA_MACHINE_INITIALIZER;
    ha->last_takeover_ms = -1;
    ovsdb_idl_set_lock(idl, HA_LOCK_NAME);
    return ha;
}

void
ha_destroy(struct ha *ha)
{
    if (ha) {
        free(ha->name);
        free(ha);
    }
}

/* Writes the claim of ha->m.generation into 'txn' (see ha.h); the row's
 * generation is verified, so that a concurrent change fails the claim
 * rather than going unnoticed. */
static void
write_claim(const struct ha *ha, struct ovsdb_idl_txn *txn,
            const struct weftrec_weft_global *global)
{
    /* A copy: setting a column re-parses the row's fields. */
    char *old = nullable_xstrdup(global->active_controller);
    int64_t old_generation = global->controller_generation;
    VLOG_INFO("%s: claiming generation %"PRIu64" (database had %"PRId64
              ", active %s)", ha->name, ha->m.generation, old_generation,
              old ? old : "none");
    weftrec_weft_global_verify_controller_generation(global);
    weftrec_weft_global_set_controller_generation(global, ha->m.generation);
    weftrec_weft_global_set_active_controller(global, ha->name);
    int64_t now = time_wall_msec();
    weftrec_weft_global_set_active_since(global, &now, 1);
    if (old && strcmp(old, ha->name)) {
        weftrec_weft_global_set_previous_controller(global, old);
    }
    free(old);
    ovsdb_idl_txn_add_comment(txn, "weftd %s claims generation %"PRIu64,
                              ha->name, ha->m.generation);
}

/* Carries out 'action' (ha_decide()'s). */
static void
ha_act(struct ha *ha, enum ha_action action, struct ovsdb_idl_txn *txn,
       const struct weftrec_weft_global *global, struct hosts *hosts)
{
    switch (action) {
    case HA_ACT_NONE:
        break;
    case HA_ACT_WRITE_CLAIM:
        write_claim(ha, txn, global);
        break;
    case HA_ACT_BECOME_ACTIVE:
        hosts_set_role(hosts, true, ha->m.generation);
        if (ha->new_lock) {
            /* A takeover, not a re-claim while active. */
            ha->new_lock = false;
            ha->takeovers++;
            ha->takeover_pending = true;
            /* The status write-back of a standby was skipped: look at
             * every row on the first write. */
            hosts_status_failed(hosts);
        }
        VLOG_INFO("%s: active, generation %"PRIu64, ha->name,
                  ha->m.generation);
        break;
    case HA_ACT_BECOME_STANDBY:
        hosts_set_role(hosts, false, 0);
        ha->takeover_pending = false;
        VLOG_WARN("%s: lost the lock on weft's database: standby",
                  ha->name);
        break;
    }
}

/* Ends a takeover once every connected host is primary, and logs it. */
static void
ha_check_takeover(struct ha *ha, const struct hosts *hosts)
{
    if (!ha->takeover_pending || ha->m.role != HA_ACTIVE
        || hosts_count_role(hosts, OF_ROLE_PRIMARY)
           < hosts_count_role_owners(hosts)) {
        return;
    }
    ha->takeover_pending = false;
    ha->last_takeover_ms = time_msec() - ha->lock_msec;
    VLOG_INFO("%s: takeover done in %lld ms (lock to every host primary, "
              "generation %"PRIu64", %"PRIuSIZE" hosts)", ha->name,
              ha->last_takeover_ms, ha->m.generation,
              hosts_count_role(hosts, OF_ROLE_PRIMARY));
}

void
ha_run(struct ha *ha, struct ovsdb_idl_txn *txn, struct hosts *hosts)
{
    const struct weftrec_weft_global *global
        = weftrec_weft_global_first(ha->idl);
    struct ha_view v = {
        .has_lock = ovsdb_idl_has_lock(ha->idl),
        .have_global = global != NULL,
        .txn_open = txn != NULL,
        .commit_failed = ha->commit_failed,
        .db_generation = global ? global->controller_generation : 0,
        .db_active = global ? global->active_controller : NULL,
    };
    if (v.has_lock) {
        /* O(hosts): only a lock holder needs them. */
        v.switch_generation = hosts_max_switch_generation(hosts);
        v.any_stale = hosts_count_role(hosts, OF_ROLE_STALE) > 0;
    }
    ha->commit_failed = false;
    if (v.has_lock && !ha->had_lock) {
        ha->lock_msec = time_msec();
        ha->new_lock = true;
        VLOG_INFO("%s: got the lock on weft's database", ha->name);
    }
    ha->had_lock = v.has_lock;

    ha_act(ha, ha_decide(&ha->m, ha->name, &v), txn, global, hosts);
    ha_check_takeover(ha, hosts);
}

void
ha_commit_status(struct ha *ha, int status)
{
    if (!status) {
        ha->commit_failed = true;
    }
}

bool
ha_is_active(const struct ha *ha)
{
    return ha->m.role == HA_ACTIVE;
}

/* 'value' as a JSON integer, or null if 'n' is 0. */
static struct json *
optional_integer(const int64_t *value, size_t n)
{
    return n ? json_integer_create(*value) : json_null_create();
}

static struct json *
optional_string(const char *s)
{
    return s ? json_string_create(s) : json_null_create();
}

void
ha_format_status(const struct ha *ha, const struct hosts *hosts,
                 struct ds *s)
{
    const struct weftrec_weft_global *global
        = weftrec_weft_global_first(ha->idl);
    struct json *o = json_object_create();
    json_object_put_string(o, "name", ha->name);
    json_object_put_string(o, "role", ha_is_active(ha) ? "active"
                                                        : "standby");
    json_object_put(o, "state", json_string_create(ha_role_name(ha->m.role)));
    json_object_put(o, "generation", json_integer_create(
                        global ? global->controller_generation : 0));
    json_object_put(o, "active_controller",
                    optional_string(global ? global->active_controller
                                           : NULL));
    json_object_put(o, "active_since",
                    global ? optional_integer(global->active_since,
                                              global->n_active_since)
                           : json_null_create());
    json_object_put(o, "previous_controller",
                    optional_string(global ? global->previous_controller
                                           : NULL));
    json_object_put(o, "takeovers", json_integer_create(ha->takeovers));
    json_object_put(o, "last_takeover_ms",
                    ha->last_takeover_ms >= 0
                    ? json_integer_create(ha->last_takeover_ms)
                    : json_null_create());
    json_object_put(o, "hosts", json_integer_create(hosts_count(hosts)));
    json_object_put(o, "hosts_primary", json_integer_create(
                        hosts_count_role(hosts, OF_ROLE_PRIMARY)));
    char *text = json_to_string(o, JSSF_SORT);
    ds_put_cstr(s, text);
    free(text);
    json_destroy(o);
}

void
ha_get_metrics(const struct ha *ha, struct ha_metrics *m)
{
    const struct weftrec_weft_global *global
        = weftrec_weft_global_first(ha->idl);
    m->active = ha_is_active(ha);
    m->generation = global ? global->controller_generation : 0;
    m->takeovers = ha->takeovers;
}

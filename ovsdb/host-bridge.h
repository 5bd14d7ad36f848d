/* host-bridge: br-int itself on one host's Open_vSwitch database.
 *
 * Place in the pipeline: push (OVSDB half), a part of host-db.c (the
 * session to one host's database), which calls it on every reconcile: it
 * finds or creates br-int and keeps its settings right (datapath type,
 * fail_mode=secure, OpenFlow 1.3-1.5, table names after pipeline.h's
 * stages, and weft's passive controller target with its inactivity probe).
 * The ports on br-int are host-db.c's.
 *
 * Threading: none; weftd's main loop. */
#ifndef WEFT_HOST_BRIDGE_H
#define WEFT_HOST_BRIDGE_H 1

#include <stdint.h>

struct ovsdb_idl_txn;
struct hostrec_bridge;
struct hostrec_open_vswitch;

struct host_bridge_config {
    const char *name;               /* The host's name, for logs. */
    const char *datapath_type;      /* br-int's datapath type. */
    const char *controller_target;  /* Passive target to set, or NULL. */
    int64_t controller_probe_msec;  /* Its inactivity_probe. */
};

/* br-int in 'cfg''s bridges, or NULL. */
const struct hostrec_bridge *host_bridge_find(
    const struct hostrec_open_vswitch *cfg);
/* Adds br-int (owned by weft) to 'txn' and returns it. */
const struct hostrec_bridge *host_bridge_create(
    const struct host_bridge_config *, struct ovsdb_idl_txn *,
    const struct hostrec_open_vswitch *cfg);
/* Makes br-int's settings, table names and controller what weft wants,
 * changing only what differs. */
void host_bridge_reconcile(const struct host_bridge_config *,
                           struct ovsdb_idl_txn *,
                           const struct hostrec_bridge *);

#endif /* ovsdb/host-bridge.h */

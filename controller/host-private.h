/* host-private: the one-host state that host.c (the lifecycle) and
 * host-status.c (its status, counters and formatting) share.  Only those
 * two files include it; everyone else uses host.h. */
#ifndef WEFT_HOST_PRIVATE_H
#define WEFT_HOST_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "host-ext.h"
#include "host-flows.h"
#include "host.h"
#include "openvswitch/uuid.h"
#include "sset.h"
#include "wanted-ports.h"

struct host_db;
struct of_session;
struct topology;

struct host {
    struct uuid uuid;               /* Host row in weft's database. */
    char *name;
    char *ovsdb_remote;
    char *of_target;                /* What weftd connects to. */
    char *controller_target;        /* Passive target set on br-int, or NULL
                                     * (unix: hosts use br-int.mgmt). */
    char *datapath_type;

    struct host_db *db;             /* OVSDB: br-int and weft's ports. */
    struct of_session *of;          /* OpenFlow: br-int's flows. */
    bool of_was_up;                 /* 'of' connected at the last run. */
    int64_t switch_cfg;             /* host_db_switch_cfg() then. */

    /* Desired state. */
    const struct topology *topo;    /* weftd's, patched in place; handed
                                     * over by host_apply_changes(). */
    int64_t nb_cfg;                 /* Configuration 'topo' came from. */
    long long int nb_cfg_msec;      /* When weftd first saw 'nb_cfg'. */
    struct wanted_ports wanted;     /* Ports weft must own; 'db' points to
                                     * its 'ports'. */
    struct host_flows flows;        /* Compiled flows, by owner, and what is
                                     * pending. */
    bool db_changed;                /* host_db_run() reported a change
                                     * (ofports?) since the last build. */
    bool rebuild;                   /* New OpenFlow connection: tell the
                                     * session its desired nb_cfg again. */
    int built_version;              /* OpenFlow version of the last build,
                                     * or 0. */
    bool built_complete;            /* host_db_ports_resolved() then. */
    uint64_t n_skipped;             /* Changes that did not touch it. */
    uint64_t n_applied;             /* Changes routed to it (hosts.c). */
    uint64_t n_compiles;            /* Builds that compiled owners. */

    unsigned int status_seqno;      /* With host_db_seqno(), changes when
                                     * anything that host_status_seqno()
                                     * covers does. */
    unsigned int status_sig;        /* Hash of the scalar status last seen. */
    struct sset refused_changed;    /* Interface names refused or no longer
                                     * refused since the last
                                     * host_take_changed_ifaces(). */
    struct host_startup startup;    /* See host.h. */
    bool status_known_taken;        /* host_take_status_known() was true. */
    bool wanted_given;              /* host_db_set_wanted() was called. */
    struct host_ext ext;            /* External side: next hop, gratuitous
                                     * ARP (controller/host-ext.h). */
    bool role_set;                  /* host_set_role() was called... */
    bool role_primary;              /* ...with 'primary' true. */
};

#endif /* controller/host-private.h */

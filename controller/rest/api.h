/* api: weftd's REST API calls, executed in the main loop.
 *
 * Place in the pipeline: request -> here (the call, as plain C data) ->
 * desired state.  The REST server (rest-server.c) runs libevent in its own thread and turns
 * each HTTP request into a 'struct api_call': plain C data, checked as far as
 * possible without the database (weft_request_check()).  It hands the call to
 * api_submit(), which is thread-safe.  The main loop's api_run() executes
 * reads at once and writes one at a time, in arrival order, against weft's
 * database and, when a call is finished, calls its 'done' callback, which
 * hands it back to the HTTP thread.  See the top of handoff.c for the details
 * of the hand-off, and of executor.c for how calls run.
 *
 * This header includes neither OVS nor jansson headers: the HTTP side is
 * compiled against jansson, the main-loop side (executor.c) against OVS.
 *
 * Ownership: from api_submit() until 'done' is called, the call belongs to
 * the main loop; before and after, to the HTTP thread, which frees it with
 * api_call_destroy(). */
#ifndef WEFT_API_H
#define WEFT_API_H 1

#include <stdbool.h>
#include <stddef.h>

#include "request.h"

enum api_resource {
    API_STATUS,
    API_HOSTS,
    API_TENANTS,
    API_NETWORKS,
    API_PORTS,
    API_FLOWS,                  /* A network's flows on each host. */
    API_METRICS,                /* /metrics: Prometheus text. */
    API_QUOTA,                  /* A tenant's quotas and usage. */
    API_ROUTERS,                /* A tenant's routers, their attachments
                                 * and routes. */
    API_VERSION,                /* /v1/version: answered by the HTTP thread
                                 * itself, never submitted. */
    API_POOLS,                  /* External address pools (admin only). */
    API_FIPS,                   /* A tenant's floating IPs. */
    API_MAPPINGS,               /* A tenant's port mappings. */
    API_SERVICES,               /* A tenant's services and backends. */
    API_SERVICE_STATS,          /* A service's counters, from the hosts. */
    API_SGS,                    /* A tenant's security groups, their rules
                                 * and members. */
    API_SG_STATS,               /* A group's counters, from the hosts. */
};

enum api_verb {
    API_LIST,                   /* GET of a collection. */
    API_GET,                    /* GET of one object. */
    API_WRITE,                  /* POST, PATCH or DELETE: 'req'. */
};

/* Views of database rows for responses.  Strings are malloc'd; NULL means
 * "absent" (also used to hide host details from tenant admins). */
struct api_host_view {
    char *name;
    char *ovsdb_remote;
    char *openflow_remote;
    char *tunnel_ip;
    char *datapath_type;
    char *uplink;
    char *openflow_state;       /* Host.status:openflow_state. */
    /* The external side (admins only; 'external_iface' NULL: none). */
    char *external_iface;
    char *external_ip;          /* "A.B.C.D/LEN". */
    char *external_gateway;
    char *external_gateway_mac; /* Resolved by weftd, or NULL. */
    bool ovsdb_connected;
    bool openflow_connected;
    long long cur_cfg;
};

struct api_tenant_view {
    char *name;
    long long key;
};

struct api_network_view {
    char *tenant;
    char *name;
    char *type;
    long long segment_id;
    long long mtu;              /* Effective MTU. */
    bool mtu_default;           /* 'mtu' is derived from the underlay. */
    long long key;
    char *cidr;                 /* NULL: no subnet (pure L2). */
    char *gateway;              /* NULL without 'cidr'. */
    char *router;               /* The attached router's name, or NULL. */
};

/* A router's attachment to one network: the router's IP there (the
 * network's gateway) and MAC. */
struct api_router_port_view {
    char *network;
    char *ip;                   /* NULL if unknown. */
    char *mac;
};

struct api_route_view {
    char *prefix;               /* "A.B.C.D/LEN". */
    char *nexthop;
};

struct api_router_view {
    char *tenant;
    char *name;
    long long key;
    bool snat;                  /* Egress SNAT through the hosts' external
                                 * sides. */
    struct api_router_port_view *ports;     /* Sorted by network name. */
    size_t n_ports;
    struct api_route_view *routes;          /* Sorted by prefix text. */
    size_t n_routes;
};

struct api_port_view {
    char *tenant;
    char *network;
    char *name;
    char *host;
    char *iface;
    char *mac;
    char **ips;
    size_t n_ips;
    long long key;
    long long ofport;           /* -1 if not known. */
    int up;                     /* -1 if not known, else 0 or 1. */
    char *error;                /* Why weftd did not create it, or NULL. */
    char **sgs;                 /* Its security groups' names, sorted. */
    size_t n_sgs;
};

/* An external address pool. */
struct api_pool_view {
    char *name;
    char *cidr;
    long long n_fips;           /* Floating IPs taken from it. */
};

/* A floating IP; 'network', 'port' and 'host' NULL when unassigned. */
struct api_fip_view {
    char *ip;
    char *pool;
    char *tenant;
    char *network;
    char *port;
    char *host;                 /* The assigned port's host. */
};

/* A port mapping: 'proto' traffic to 'host_ip':'host_port' goes to
 * 'endpoint_ip':'to_port', the address of port 'network'/'port'. */
struct api_mapping_view {
    char *host;
    char *host_ip;              /* NULL if the host has no external side. */
    long long host_port;
    char *proto;                /* "tcp" or "udp". */
    char *tenant;
    char *network;
    char *port;
    char *endpoint_ip;          /* The port's first IP, or NULL. */
    long long to_port;
};

/* A backend of a service: endpoint 'network'/'port' (of the service's
 * tenant) at 'ip' (its first address, or NULL):'to_port'.  The counters
 * (API_SERVICE_STATS only) are summed over the hosts. */
struct api_backend_view {
    char *network;
    char *port;
    char *ip;
    long long to_port;
    long long weight;
    bool down;
    unsigned int bucket_id;     /* Its select group bucket's id (the
                                 * port's flow key); not rendered. */
    long long connections;      /* Select group bucket packet_count. */
    long long packets;          /* LB_BACKEND counter rows' n_packets. */
};

/* A service: 'proto' traffic to 'vip':'port' through router 'router' is
 * spread over 'backends'; 'node_port' 0: none. */
struct api_service_view {
    char *tenant;
    char *name;
    char *router;
    char *vip;
    long long port;
    char *proto;
    long long node_port;
    long long key;
    struct api_backend_view *backends;  /* Sorted by network, port. */
    size_t n_backends;
};

/* A rule of a security group; 'ports' "N" or "N-M", 'ports',
 * 'remote_cidr' and 'remote_group' NULL when absent.  The counters
 * (API_SG_STATS only) are summed over the hosts. */
struct api_sg_rule_view {
    long long id;
    char *direction;
    char *proto;
    char *ports;
    char *remote_cidr;
    char *remote_group;
    long long packets;
    long long bytes;
};

/* A member of a security group: a port of the group's tenant. */
struct api_sg_member_view {
    char *network;
    char *port;
    unsigned int network_key;   /* For its cookie; not rendered. */
    unsigned int port_key;
};

/* A security group.  'new_rule': after an SG_RULE_ADD, the index in
 * 'rules' of the rule it added (the answer is that rule), else -1.  The
 * default-deny counters: API_SG_STATS only. */
struct api_sg_view {
    char *tenant;
    char *name;
    unsigned int tenant_key;    /* Not rendered. */
    struct api_sg_rule_view *rules;         /* Sorted by id. */
    size_t n_rules;
    struct api_sg_member_view *members;     /* Sorted by network, port. */
    size_t n_members;
    int new_rule;
    long long deny_ingress;
    long long deny_egress;
};

/* One quota of a tenant (topology/quota.h). */
struct api_quota_view {
    char *name;                 /* "ports", "networks", "ips_per_port". */
    long long limit;
    long long used;
    bool is_default;            /* 'limit' is the default, not overridden. */
};

/* A network's flows on one host, as ovs-ofctl text (flow_table_format()). */
struct api_flows_view {
    char *host;
    char *openflow_state;       /* host_of_state_name(). */
    char **flows;               /* One flow per string, sorted. */
    size_t n_flows;
};

/* GET /v1/status: one member of weft's database, as its server answered
 * (ovsdb/cluster-status.h). */
struct api_member_view {
    char *remote;
    bool connected;             /* Answered, in contact with its cluster. */
    bool leader;
    char *model;                /* NULL if it did not answer. */
    char *sid;                  /* NULL if none. */
    char *cid;                  /* NULL if none. */
    long long index;            /* -1 if none. */
    char *error;                /* Why it did not answer, else NULL. */
};

struct api_call {
    /* Filled by the HTTP thread. */
    enum api_verb verb;
    enum api_resource resource;
    char *path[3];              /* Names from the URL: host, or tenant,
                                 * network, port; or tenant, router and a
                                 * network's name or a route's prefix
                                 * ("A.B.C.D/LEN"); or a pool; or tenant and
                                 * floating IP; or tenant, host and
                                 * "PROTO/HOST_PORT" (a port mapping). */
    size_t n_path;
    struct weft_request req;    /* API_WRITE only. */
    bool admin;                 /* Peer is root (SO_PEERCRED) and sent no
                                 * token: a token makes the caller its
                                 * tenant, whoever the peer is. */
    char *token_hash;           /* SHA-256 hex of the bearer token, or
                                 * NULL. */
    bool wait_installed;        /* ?wait=installed. */
    int timeout_ms;             /* For ?wait=installed. */
    char *token;                /* HTTP thread only: a new tenant's token. */
    void *http_req;             /* HTTP thread only: its evhttp_request. */
    void *watch;                /* HTTP thread only: watches the client's
                                 * connection (rest-server.c). */
    bool client_gone;           /* Set by the HTTP thread when the client
                                 * closes its connection before the answer;
                                 * read by the main loop.  Use
                                 * api_call_set_client_gone() and
                                 * api_call_client_gone(). */

    /* Filled by the main loop. */
    struct weft_error *error;   /* NULL on success. */
    long long nb_cfg;           /* Writes: nb_cfg of the transaction;
                                 * status: current nb_cfg. */
    struct api_host_view *hosts;
    size_t n_hosts;
    struct api_tenant_view *tenants;
    size_t n_tenants;
    struct api_network_view *networks;
    size_t n_networks;
    struct api_port_view *ports;
    size_t n_ports;
    struct api_router_view *routers;
    size_t n_routers;
    struct api_pool_view *pools;
    size_t n_pools;
    struct api_fip_view *fips;
    size_t n_fips;
    struct api_mapping_view *mappings;
    size_t n_mappings;
    struct api_service_view *services;
    size_t n_services;
    struct api_sg_view *sgs;
    size_t n_sgs;
    struct api_quota_view *quotas;  /* API_QUOTA: one per quota. */
    size_t n_quotas;
    struct api_flows_view *flows;   /* API_FLOWS: one per host. */
    size_t n_flows;
    char *cookie;               /* API_FLOWS: "0x...": the network's cookie
                                 * (its mask is WEFT_COOKIE_NETWORK_MASK). */
    char *text;                 /* API_METRICS: the main loop's part. */
    /* API_STATUS: weft's database and the active weftd (issue #16), for
     * an administrator only. */
    char *cluster_model;        /* "standalone", "clustered", "unknown";
                                 * NULL for a tenant (none of these). */
    char *cluster_leader;       /* The leader's remote, NULL if none. */
    struct api_member_view *members;
    size_t n_members;
    char *active_controller;    /* Weft_Global's, NULL if none. */
    long long controller_generation;
    long long active_since;     /* -1 if none. */
    char *previous_controller;  /* NULL if none. */

    /* Called by the main loop, in the main thread, when the call is
     * finished.  Must be thread-safe. */
    void (*done)(struct api_call *);
    void *aux;                  /* For 'done'. */

    /* Private to the main-loop side (handoff.c, executor.c). */
    struct api_call *next;      /* In a queue. */
    long long int deadline;     /* time_msec(): until committed, by when the
                                 * call must start (a write not sent by then
                                 * never is); then for ?wait=installed. */
    char **wait_hosts;          /* Hosts that must install 'nb_cfg'. */
    size_t n_wait_hosts;
    char *new_fip;              /* FIP_ADD: the address its last attempt
                                 * wrote (allocated or given). */
};

struct api_call *api_call_create(enum api_verb, enum api_resource);
void api_call_destroy(struct api_call *);

/* 'client_gone' crosses threads: the HTTP thread sets it while the main loop
 * owns the call, so both sides use atomic accesses. */
static inline void
api_call_set_client_gone(struct api_call *call)
{
    __atomic_store_n(&call->client_gone, true, __ATOMIC_RELEASE);
}

static inline bool
api_call_client_gone(const struct api_call *call)
{
    return __atomic_load_n(&call->client_gone, __ATOMIC_ACQUIRE);
}

/* What the executor needs from weftd's host connections.  Each function is
 * called in the main loop with 'aux'. */
struct api_hooks {
    /* Stores in '*views' (malloc'd) and returns the number of hosts, each
     * with its installed flows whose cookie matches 'cookie' under 'mask',
     * sorted by host name. */
    size_t (*host_flows)(unsigned long long cookie, unsigned long long mask,
                         struct api_flows_view **views, void *aux);

    /* Adds to the counters of 'backends' ('n' of them, 'ip' and 'to_port'
     * filled) those of service 'service_key' of tenant 'tenant_key' on
     * every host: its select group's bucket stats and its LB_BACKEND
     * counter rows.  May be NULL (no counters). */
    void (*service_stats)(unsigned int tenant_key, unsigned int service_key,
                          struct api_backend_view *backends, size_t n,
                          void *aux);

    /* Adds to the counters of 'sg' (its rules, members and tenant key
     * filled) those read from every host's switch (sg-counters.h).  May be
     * NULL (no counters). */
    void (*sg_stats)(struct api_sg_view *sg, void *aux);

    /* Returns weftd's metrics in Prometheus text format (malloc'd). */
    char *(*metrics)(void *aux);

    /* Returns false if something weft does not own holds interface name
     * 'iface' on host 'host' (known only from the host's own database), so
     * that creating a port with it answers 409 at once.  May be NULL. */
    bool (*iface_available)(const char *host, const char *iface, void *aux);

    void *aux;
};

struct api;

/* Creates the executor, with its own connection to weft's database at
 * 'db_remote' (see executor.c for why).  Copies 'hooks'. */
struct api *api_create(const char *db_remote, const struct api_hooks *hooks);
/* Frees 'api' and every call it holds, without calling their 'done'. */
void api_destroy(struct api *);
void api_run(struct api *);
void api_wait(struct api *);

/* Thread-safe: queues 'call' for the main loop and wakes it. */
void api_submit(struct api *, struct api_call *);

#endif /* controller/rest/api.h */

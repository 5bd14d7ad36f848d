/* request: one change to weft's desired state, as plain C data, and the
 * error a front end reports for it.  The first stage of weft's pipeline
 * (request -> desired state -> compile -> push).
 *
 * This header includes neither OVS nor jansson headers, so both sides of
 * weft's JSON split can use it: weftctl fills a 'struct weft_request' from its
 * command line, the REST server (rest-parse.c, jansson side) from a JSON
 * body.  Both then go through the same steps, so they give the same answers
 * and the same error messages:
 *
 *   1. weft_request_check() (below): every value checked without the
 *      database (names, remote, MAC, IPs, segment id...).  Pure and
 *      thread-safe: the REST server calls it in its HTTP thread.
 *   2. weft_request_validate() (validate.h, OVS side): checked against the
 *      current topology (objects that must or must not exist, conflicts,
 *      quotas, keys), giving a 'struct weft_plan'.
 *   3. weft_write_build() (ovsdb/weft-write.h): step 2, then the plan added
 *      to an OVSDB transaction.  It checks nothing itself.
 *
 * All of steps 1 and 2 live in topology/ (request.c, validate-request.c).
 * Values are kept as the user's text; step 3 stores them in canonical form.
 *
 * Ownership: every pointer in a 'struct weft_request' is malloc'd and owned
 * by it; weft_request_destroy() frees them. */
#ifndef WEFT_REQUEST_H
#define WEFT_REQUEST_H 1

#include <stdbool.h>
#include <stddef.h>

#define WEFT_OPS                                \
    WEFT_OP(HOST_ADD, "host-add")               \
    WEFT_OP(HOST_DEL, "host-del")               \
    WEFT_OP(TENANT_ADD, "tenant-add")           \
    WEFT_OP(TENANT_DEL, "tenant-del")           \
    WEFT_OP(NET_ADD, "net-add")                 \
    WEFT_OP(NET_DEL, "net-del")                 \
    WEFT_OP(PORT_ADD, "port-add")               \
    WEFT_OP(PORT_DEL, "port-del")               \
    WEFT_OP(TENANT_TOKEN, "tenant-token")       \
    WEFT_OP(TENANT_SET, "tenant-set")           \
    WEFT_OP(ROUTER_ADD, "router-add")           \
    WEFT_OP(ROUTER_DEL, "router-del")           \
    WEFT_OP(ROUTER_ATTACH, "router-attach")     \
    WEFT_OP(ROUTER_DETACH, "router-detach")     \
    WEFT_OP(ROUTE_ADD, "route-add")             \
    WEFT_OP(ROUTE_DEL, "route-del")             \
    WEFT_OP(HOST_SET, "host-set")               \
    WEFT_OP(ROUTER_SET, "router-set")           \
    WEFT_OP(POOL_ADD, "pool-add")               \
    WEFT_OP(POOL_DEL, "pool-del")               \
    WEFT_OP(FIP_ADD, "fip-add")                 \
    WEFT_OP(FIP_DEL, "fip-del")                 \
    WEFT_OP(FIP_SET, "fip-set")                 \
    WEFT_OP(MAP_ADD, "map-add")                 \
    WEFT_OP(MAP_DEL, "map-del")                 \
    WEFT_OP(SERVICE_ADD, "service-add")         \
    WEFT_OP(SERVICE_DEL, "service-del")         \
    WEFT_OP(SERVICE_SET, "service-set")         \
    WEFT_OP(BACKEND_ADD, "backend-add")         \
    WEFT_OP(BACKEND_DEL, "backend-del")         \
    WEFT_OP(BACKEND_SET, "backend-set")         \
    WEFT_OP(SG_ADD, "sg-add")                   \
    WEFT_OP(SG_DEL, "sg-del")                   \
    WEFT_OP(SG_RULE_ADD, "sg-rule-add")         \
    WEFT_OP(SG_RULE_DEL, "sg-rule-del")         \
    WEFT_OP(SG_MEMBER_ADD, "sg-member-add")     \
    WEFT_OP(SG_MEMBER_DEL, "sg-member-del")

enum weft_op {
#define WEFT_OP(ENUM, NAME) WEFT_OP_##ENUM,
    WEFT_OPS
#undef WEFT_OP
};

const char *weft_op_name(enum weft_op);

/* What went wrong, as a front end must report it.  rest-server.c maps each
 * kind to one HTTP status (rest_http_status()); weftctl exits 1 for all. */
#define WEFT_ERRS                                               \
    WEFT_ERR(INVALID, "invalid")             /* Bad value. */   \
    WEFT_ERR(NOT_FOUND, "not found")         /* No such object (or not
                                              * the caller's). */ \
    WEFT_ERR(CONFLICT, "conflict")           /* Duplicate, in use. */ \
    WEFT_ERR(UNAUTHORIZED, "unauthorized")   /* No valid credentials. */ \
    WEFT_ERR(FORBIDDEN, "forbidden")         /* Admin only. */  \
    WEFT_ERR(TOO_LARGE, "too large")         /* Request body. */ \
    WEFT_ERR(METHOD, "method not allowed")                      \
    WEFT_ERR(TIMEOUT, "timeout")             /* --wait/?wait. */ \
    WEFT_ERR(UNAVAILABLE, "unavailable")     /* Database down. */ \
    WEFT_ERR(INTERNAL, "internal")

enum weft_err_kind {
#define WEFT_ERR(ENUM, NAME) WEFT_ERR_##ENUM,
    WEFT_ERRS
#undef WEFT_ERR
};

const char *weft_err_kind_name(enum weft_err_kind);

struct weft_error {
    enum weft_err_kind kind;
    char *message;              /* Human-readable, malloc'd; no final '.'. */
};

/* Returns a new error of 'kind' that takes ownership of 'message'. */
struct weft_error *weft_error_create(enum weft_err_kind, char *message);
struct weft_error *weft_error_format(enum weft_err_kind, const char *format,
                                     ...)
    __attribute__((format(printf, 2, 3)));
void weft_error_destroy(struct weft_error *);

struct weft_request {
    enum weft_op op;
    char *path[3];              /* Host name in [0]; or pool name; or
                                 * tenant (FIP_*); or tenant, network, port
                                 * names (MAP_* too); or tenant, router
                                 * names: as many as 'op' needs. */

    /* HOST_ADD.  Only 'remote' is required. */
    char *remote;               /* OVSDB remote. */
    char *openflow_remote;
    char *tunnel_ip;
    char *datapath_type;        /* NULL: TOPO_DATAPATH_DEFAULT ("system"). */
    char *uplink;

    /* HOST_ADD, HOST_SET: the host's external side (topology.h, 'struct
     * topo_external'): interface name, "A.B.C.D/LEN" and next hop
     * "A.B.C.D"; all three or none.  HOST_SET with 'external_iface' ""
     * removes the external side; with all three NULL it changes nothing. */
    char *external_iface;
    char *external_ip;
    char *external_gateway;

    /* ROUTER_ADD, ROUTER_SET: "true" or "false" (egress SNAT), or NULL:
     * false on add, unchanged on set. */
    char *snat;

    /* POOL_ADD: 'cidr' (below) holds the pool's "A.B.C.D/LEN".
     * FIP_ADD: 'pool' (a pool name, required), 'fip' (an address of the
     * pool, or NULL: the lowest free one) and optionally the port to assign
     * it to ('network' + 'port_name', of the tenant).  FIP_DEL: 'fip'.
     * FIP_SET: 'fip' assigned to 'network' + 'port_name', or unassigned if
     * both are NULL (a floating IP moves by one FIP_SET). */
    char *pool;
    char *fip;
    char *port_name;

    /* MAP_ADD: 'proto' "tcp" or "udp", 'host_port' and 'to_port' decimal
     * text 1..65535 (docker -p HOST_PORT:TO_PORT/PROTO), on the port of
     * 'path'.  MAP_DEL: 'proto' and 'host_port'. */
    char *proto;
    char *host_port;
    char *to_port;

    /* SERVICE_ADD (path tenant, service): 'router' (a router name of the
     * tenant, required), 'vip' "A.B.C.D", 'svc_port' 1..65535 and 'proto'
     * (above; "tcp" when NULL), optional 'node_port' 1..65535.
     * SERVICE_SET: 'node_port' ("" removes it).
     * BACKEND_ADD (path tenant, service): 'network' + 'port_name' (the
     * endpoint), 'to_port' (above; the service's port when NULL), optional
     * 'weight' 1..256 (1) and 'down' "true"/"false" ("false").
     * BACKEND_DEL: 'network' + 'port_name'.  BACKEND_SET: 'network' +
     * 'port_name' and any of 'to_port', 'weight', 'down'. */
    char *router;
    char *vip;
    char *svc_port;
    char *node_port;
    char *weight;
    char *down;

    /* Security groups (path tenant, group for all six).  SG_ADD, SG_DEL:
     * nothing else.  SG_RULE_ADD: 'direction' "ingress" or "egress"
     * (required), 'proto' (above) "tcp", "udp", "icmp" or "any" (NULL:
     * "any"), 'ports' "N" or "N-M" (tcp/udp only; NULL: every port), and
     * the remote: 'remote_cidr' (an IPv4 or IPv6 prefix, "A.B.C.D/LEN" or
     * "X::/LEN") or 'remote_group' (a group name of the tenant, the group
     * itself allowed), at most one of the two (neither: any remote).
     * SG_RULE_DEL: 'rule_id' (decimal, the id the rule was given).
     * SG_MEMBER_ADD, SG_MEMBER_DEL: 'network' + 'port_name' (the port). */
    char *direction;
    char *ports;
    char *remote_cidr;
    char *remote_group;
    char *rule_id;

    /* TENANT_ADD: SHA-256 of the tenant's API token, 64 lowercase hex
     * digits, or NULL for a tenant without one.  TENANT_TOKEN (rotation:
     * replaces the tenant's token): the new token's, required. */
    char *token_hash;

    /* NET_ADD. */
    char *type;                 /* "vlan", "vxlan", "gre", "geneve". */
    char *segment;              /* Decimal text. */
    char *mtu;                  /* Decimal text, or NULL. */
    char *cidr;                 /* "A.B.C.D/LEN", or NULL: pure L2. */
    char *gateway;              /* Dotted quad, or NULL: the first host
                                 * address of 'cidr'. */

    /* PORT_ADD. */
    char *host;
    char *iface;
    char *mac;                  /* Also ROUTER_ATTACH's, or NULL there:
                                 * weft picks one. */
    char **ips;                 /* IPv4 and IPv6 addresses.  No IPv4: with
                                 * a subnet, the lowest free address of the
                                 * network is allocated. */
    size_t n_ips;

    /* ROUTER_ATTACH, ROUTER_DETACH: the network's name (of the router's
     * tenant). */
    char *network;

    /* ROUTE_ADD: 'prefix' "A.B.C.D/LEN" via 'nexthop' "A.B.C.D".
     * ROUTE_DEL: 'prefix' only. */
    char *prefix;
    char *nexthop;

    /* TENANT_SET: new limits for some of the tenant's quotas
     * (topology/quota.h).  Quota 'quota_names[i]' ("ports", "networks",
     * "ips_per_port") gets 'quota_values[i]', decimal text, or the default
     * again if that is NULL.  Quotas not named keep their limits. */
    char **quota_names;
    char **quota_values;
    size_t n_quotas;

    /* Set by the REST API when a tenant admin (bearer token) makes the
     * request: a conflict with another tenant's object is then reported
     * without naming it (see validate_new_network()).  weftctl's database
     * mode is the administrator's and leaves it false. */
    bool tenant_view;
};

void weft_request_init(struct weft_request *, enum weft_op);
void weft_request_destroy(struct weft_request *);
/* Appends a copy of 'ip' to 'req''s IPs. */
void weft_request_add_ip(struct weft_request *, const char *ip);
/* Appends to 'req''s quotas copies of 'name' and 'value' (which may be
 * NULL: back to the default). */
void weft_request_add_quota(struct weft_request *, const char *name,
                            const char *value);
/* Number of elements of 'path' that 'op' uses (1, 2 or 3). */
size_t weft_op_path_len(enum weft_op);

/* Step 1: checks every value in 'req' without the database.  Returns NULL or
 * an error of kind WEFT_ERR_INVALID.  Thread-safe.  (validate-request.c) */
struct weft_error *weft_request_check(const struct weft_request *);

#endif /* topology/request.h */

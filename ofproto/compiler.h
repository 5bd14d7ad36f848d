/* compiler: the flow compiler, weft's pure core (desired state -> compile).
 *
 * State in, flows out: given the desired topology, one host, and the OpenFlow
 * port numbers that host's switch gave weft's interfaces, it produces the
 * complete set of flows that host's br-int should hold, each as OVS's own
 * match and actions (struct weft_flow), never as text.  No I/O and no global
 * state, so tests/unit/test-compiler.c checks it through OVS's formatter.
 * ofproto/flow-table.c diffs the flows against what the switch holds and
 * encodes flow_mods straight from them.
 *
 * The code sits in one file per stage (see compile-internal.h for the map):
 * weft-flows.c holds the flow set declared here, compiler.c drives the
 * stages, compile-tunnels.c the other entry point.  Which hosts a change
 * reaches is topology/changes.h (topo_changes_hosts()). */
#ifndef WEFT_COMPILER_H
#define WEFT_COMPILER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/match.h"
#include "openvswitch/uuid.h"
#include "topology.h"

struct ofpact;
struct ofpbuf;
struct topology;
struct topo_host;
struct simap;
struct ds;
struct sset;

/* The owner of a compiled flow: the unit that a change recomputes.  Every
 * flow exists for exactly one of them, and its flows on a host are a
 * function of that unit's own rows (for a network: which of its ports are
 * on which host) and of the ofports they name, given that the network is
 * on the host at all (a host that leaves a network loses the flows of all
 * its ports there; tests/unit/test-owners.c shows which owners a port
 * deletion changes):
 *
 *   PORT     a port, local or on another host (uuid: the port's): CLASSIFY,
 *            PORT_SEC, ARP_RESPOND, L3_NEIGHBOR (its network has a router)
 *            and L2_LOOKUP flows for it.  Its cookie carries the port's
 *            key.
 *   NETWORK  a network with a port on this host (uuid: the network's): its
 *            ingress from tunnels and the uplink, its FLOOD flows.  Cookie:
 *            the network's, port key 0.
 *   HOST     the host's own defaults (uuid: the host's): the table-miss
 *            flows.  Cookie: weft_cookie(0, 0, 0).
 *   ROUTER   a router the host serves (uuid: the router's; see pipeline.h
 *            for which hosts serve a router): the gateway ARP answers,
 *            L3_ADMIT and L3_ROUTE flows of all its networks and routes.
 *            Cookie: weft_cookie_router().  A port's L3_NEIGHBOR entries
 *            are its PORT owner's.
 *   EXTERNAL the host's external side (uuid: the host's; pipeline.h's
 *            NAT): CLASSIFY from it, its ARP, its SNAT zone, the default
 *            of EXT_SEND and the table-miss drops of the NAT tables; none
 *            without an external side.  Cookie: weft_cookie(0, 0, 0).  A
 *            router's NAT rows are its ROUTER owner's, a port's floating
 *            IP and mappings its PORT owner's.
 *   SERVICE  a service (uuid: the service's; pipeline.h's services), on
 *            every host that serves its router: its L3_ROUTE, LB_SELECT,
 *            LB_BACKEND and L2_LOOKUP rows and its select group, and where
 *            it has a node port and a live local backend and the host an
 *            external side, its EXT_IN_HOST row and node-port group.
 *            Cookie: weft_cookie_service().  The host's rows of tables
 *            70..73 that no service owns are its HOST owner's.
 *   SG       a security group (uuid: the group's; pipeline.h "Policy"), on
 *            every host with a member of it: its rules' rows of ACL_OUT
 *            and ACL_IN (conjunction dimensions and conj_id rows).
 *            Cookie: weft_cookie_sg_rule() of each rule.  A member's ct
 *            rows and default deny are its PORT owner's.
 *   NONE     a flow added by weft_flows_add_text() or with no owner, i.e.
 *            not by the compiler.
 *
 * A tunnel owns no flow of its own: the ingress from a tunnel is per
 * (network, remote host) and lives and dies with the network's flood list,
 * and the uplink serves every remote host of a VLAN network at once. */
enum weft_owner_kind {
    WEFT_OWNER_NONE,
    WEFT_OWNER_HOST,
    WEFT_OWNER_NETWORK,
    WEFT_OWNER_PORT,
    WEFT_OWNER_ROUTER,
    WEFT_OWNER_EXTERNAL,
    WEFT_OWNER_SERVICE,
    WEFT_OWNER_SG,
};

struct weft_owner {
    enum weft_owner_kind kind;
    struct uuid uuid;           /* All-zero for WEFT_OWNER_NONE. */
};

const char *weft_owner_kind_to_string(enum weft_owner_kind);
bool weft_owner_equals(const struct weft_owner *, const struct weft_owner *);
uint32_t weft_owner_hash(const struct weft_owner *);
/* Appends "KIND UUID" to 'out' (e.g. "port 01234567-..."), or "none". */
void weft_owner_format(const struct weft_owner *, struct ds *out);

/* One flow, held natively as OVS holds it: the match as a minimatch and the
 * actions as ofpacts, exactly what a flow_mod carries and what a switch's
 * flow stats reply decodes to (tests/unit/test-flow-shapes.c shows, per
 * flow shape, that the two are equal).  Text exists only for display and
 * golden tests: weft_flows_format(), weft_flow_format_match() and
 * weft_flow_format_actions(), with OVS's own formatter.
 *
 * A flow is one malloc'd block: this header, then the match's miniflow and
 * minimask ('match' points into 'data', so never minimatch_destroy() it).
 * Its actions are interned: every flow with the same actions, on any host,
 * points to one shared, read-only copy (weft-flows.c).  It is immutable once made and
 * reference counted: the set that compiled it (its owner's, in
 * controller/host-flows.c) holds one reference, and the host's flow table
 * (ofproto/flow-state.c) one per side that holds it, so that each flow's
 * match and actions exist once in weftd (tests/unit/test-flow-memory.c
 * measures it).  A flow is in at most one set; 'node.hash' is its key hash
 * whether or not it is in a set. */
struct weft_flow {
    struct hmap_node node;      /* In weft_flows 'flows', by flow key hash. */
    uint32_t ref_cnt;           /* weft_flow_ref(), weft_flow_unref(). */
    uint32_t ofpacts_len;       /* 0 (and 'ofpacts' NULL) for drop. */
    uint64_t cookie;
    struct minimatch match;     /* The catch-all matches everything. */
    struct ofpact *ofpacts;     /* Interned: read only. */
    uint8_t table_id;
    uint16_t priority;
    struct weft_owner owner;    /* What the flow exists for; not part of its
                                 * key, nor of what the switch holds. */
    uint64_t data[];            /* Miniflow, minimask. */
};

/* Returns a new flow, with one reference and in no set, owned by 'owner'
 * (NULL: WEFT_OWNER_NONE), with copies of 'match' and the 'ofpacts_len'
 * bytes of 'ofpacts'. */
struct weft_flow *weft_flow_create(const struct weft_owner *owner,
                                   uint8_t table_id, uint16_t priority,
                                   uint64_t cookie, const struct match *match,
                                   const struct ofpact *ofpacts,
                                   size_t ofpacts_len);
/* A reference to 'flow' (const: only its count changes). */
struct weft_flow *weft_flow_ref(const struct weft_flow *flow);
/* Drops a reference; frees the flow with the last one.  The flow must not
 * be in a set then.  NULL is OK. */
void weft_flow_unref(struct weft_flow *flow);
/* True if 'a' and 'b' have the same cookie and actions (their keys are
 * assumed equal). */
bool weft_flow_value_equal(const struct weft_flow *a,
                           const struct weft_flow *b);

/* A set of flows, unique by (table_id, priority, match). */
struct weft_flows {
    struct hmap flows;
};

void weft_flows_init(struct weft_flows *);
void weft_flows_destroy(struct weft_flows *);
/* Drops the set's reference to each of its flows, leaving it empty. */
void weft_flows_clear(struct weft_flows *);
size_t weft_flows_count(const struct weft_flows *);

/* Returns the hash of a flow key: 'table_id', 'priority' and 'match'.  The
 * desired and installed tables (flow-table.c) key their flows the same way. */
uint32_t weft_flow_key_hash(uint8_t table_id, uint16_t priority,
                            const struct minimatch *match);

/* Adds a flow owned by 'owner' (NULL: WEFT_OWNER_NONE).  If a flow with the
 * same table, priority and match exists it is left alone and false is
 * returned (a compiler bug: the unit tests assert it never happens);
 * otherwise true.  Copies 'match' and the 'ofpacts_len' bytes of
 * 'ofpacts'. */
bool weft_flows_add(struct weft_flows *, const struct weft_owner *owner,
                    uint8_t table_id, uint16_t priority, uint64_t cookie,
                    const struct match *match, const struct ofpact *ofpacts,
                    size_t ofpacts_len);

/* Adds a copy of 'flow' (of another set), owner included; false if 'flows'
 * already has a flow with its key. */
bool weft_flows_add_copy(struct weft_flows *, const struct weft_flow *flow);

/* For tests only: weft_flows_add() with 'match' and 'actions' in the syntax of
 * "ovs-ofctl add-flow" (e.g. "in_port=1", "drop"), parsed by OVS's parser
 * and owned by WEFT_OWNER_NONE.  Aborts on text OVS does not accept. */
bool weft_flows_add_text(struct weft_flows *, uint8_t table_id,
                         uint16_t priority, uint64_t cookie,
                         const char *match, const char *actions);

/* Append 'flow''s match ("" for the catch-all) or actions ("drop" for none)
 * to 'out', as OVS's formatter and so a switch's dump shows them. */
void weft_flow_format_match(const struct weft_flow *, struct ds *out);
void weft_flow_format_actions(const struct weft_flow *, struct ds *out);

/* Brings the 'len' bytes of actions in 'ofpacts', as decoded from OpenFlow
 * or parsed from text, to the form in which the compiler builds them, so
 * that ofpacts_equal() (a bytewise comparison) says whether they do the
 * same.  Touches only the actions the compiler builds whose bytes depend on
 * the OpenFlow version or on uninitialized memory:
 *
 *   - a move's and a set_field's 'raw' (which encoding it was decoded from:
 *     NXAST_REG_MOVE from OpenFlow 1.3 but copy_field from 1.5; a masked
 *     set_field as NXAST_REG_LOAD from 1.3, as set_field from 1.5) is
 *     reset, except that of a whole-field "load:" (a foreign flow), which
 *     the formatter shows as such;
 *   - the padding after a set_field's value and mask, which OVS's decoder
 *     and parser leave uninitialized, is zeroed;
 *   - a set_field's 'flow_has_vlan', which OVS's action check sets (after a
 *     flow_mod is decoded or text parsed, not after a flow stats reply) and
 *     which only its OpenFlow 1.0/1.1 encoders read, is cleared;
 *   - a resubmit to a table has its 'raw' reset (the decoder says
 *     NXAST_RESUBMIT_TABLE, which it is always encoded as);
 *   - an output to a register has its 'raw' reset (the decoder says
 *     NXAST_OUTPUT_REG, which a register field is always encoded as);
 *   - the actions nested in a ct() are canonicalized the same way.
 *
 * Every other action keeps its 'raw', so that a foreign flow is shown as
 * the switch shows it.  ofproto/flow-table.c applies this to every flow read
 * back from a switch. */
void weft_ofpacts_canonicalize(struct ofpact *ofpacts, size_t len);

/* The 'raw' that OVS's parser and OpenFlow 1.1+ decoder give pop_vlan
 * (private to ofp-actions.c, learnt once from the parser): with it the
 * formatter says "pop_vlan", as a switch's dump does, not "strip_vlan". */
uint8_t weft_pop_vlan_raw(void);

/* Groups.  An OpenFlow group (a select group of a service: compile-internal.h's
 * emit_select_group()) is held in a weft_flows as a pseudo-flow in table
 * WEFT_GROUP_TABLE, which no switch has, so that it follows its owner and
 * has a desired and an installed side exactly as a flow does
 * (ofproto/weft-groups.c describes the encoding).  Its key is its group id
 * (priority 0, match "metadata=ID"), its cookie always 0, and its actions
 * encode the group's type and bucket list, so that two groups are equal iff
 * the switch holds the same.  Only the session's last step
 * (ofproto/of-groups.h) knows a group from a flow: it sends a group_mod for
 * it, adds before the flows that may use it, deletes after them. */
#define WEFT_GROUP_TABLE 255

bool weft_flow_is_group(const struct weft_flow *);
/* The group id of a group's pseudo-flow. */
uint32_t weft_group_id(const struct weft_flow *);
/* Makes 'match' the key of group 'group_id'. */
void weft_group_match(struct match *, uint32_t group_id);
/* The value, built in order: one header ('type': OFPGT11_*; 'flags':
 * WEFT_GROUP_*, 0 for a compiled group), then each bucket ('acts',
 * canonical as a flow's actions). */
#define WEFT_GROUP_FOREIGN 1        /* Read back with properties weft never
                                     * sets: a selection method, a watch
                                     * port or group. */
#define WEFT_GROUP_IDS_UNKNOWN 2    /* Read back over OpenFlow 1.3/1.4: the
                                     * bucket ids are the switch's 0, 1... */
void weft_group_put_header(struct ofpbuf *ofpacts, uint8_t type,
                           unsigned int flags);
void weft_group_put_bucket(struct ofpbuf *ofpacts, uint32_t bucket_id,
                           uint16_t weight, const struct ofpact *acts,
                           size_t acts_len);

/* A group's pseudo-flow, parsed (pointers into the flow's actions). */
struct weft_group_desc {
    uint8_t type;
    bool foreign;
    bool ids_unknown;
    const struct ofpact *buckets_start, *buckets_end;
};
struct weft_group_bucket {
    uint32_t bucket_id;
    uint16_t weight;
    const struct ofpact *ofpacts;
    size_t ofpacts_len;
};
/* Parses group pseudo-flow 'flow' into 'gd'; false if its value is not a
 * group's. */
bool weft_group_parse(const struct weft_flow *flow, struct weft_group_desc *);
/* Iterates over the buckets of 'gd': '*pos' NULL at first. */
bool weft_group_next_bucket(const struct weft_group_desc *,
                            const struct ofpact **pos,
                            struct weft_group_bucket *);
/* True if the switch holding group 'installed' (read back) holds group
 * 'desired': the same value, or, if 'installed''s bucket ids are unknown
 * (WEFT_GROUP_IDS_UNKNOWN), the same but for the bucket ids.  So a caller
 * may number its buckets as it likes (compile-lb.c: the backend's port
 * key), whatever OpenFlow version the session speaks. */
bool weft_group_same(const struct weft_flow *desired,
                     const struct weft_flow *installed);
/* Appends the group as "group_id=ID,type=select,bucket=bucket_id:B,
 * weight:W,actions=ACTIONS,bucket=..." (ovs-ofctl dump-groups' syntax, with
 * every bucket's weight, and its id unless unknown). */
void weft_group_format(const struct weft_flow *, struct ds *out);

/* Appends every flow to 'out' as "table=T, priority=P, cookie=0xC, MATCH
 * actions=ACTIONS\n" lines, sorted by table, then descending priority, then
 * match text: stable output for golden tests and for operators.  Groups
 * come last, by id, each as a weft_group_format() line. */
void weft_flows_format(const struct weft_flows *, struct ds *out);

/* A tunnel port that a host needs on br-int: one per (encapsulation type,
 * remote host) such that both hosts have a tunnel IP and one has a port in
 * a network of that type that the other serves (pipeline.h: has a port in
 * it, or in another network of its router). */
struct weft_tunnel {
    char name[16];                      /* Interface name, see below. */
    enum topo_net_type type;            /* VXLAN, GRE or GENEVE. */
    const struct topo_host *remote;
};

/* Stores in 'name' the interface name of the 'type' tunnel to 'remote':
 * "vx-", "gr-" or "gv-" followed by the remote host's name, or by 8 hex
 * digits of its hash if the name would not fit IFNAMSIZ. */
void weft_tunnel_name(enum topo_net_type type, const struct topo_host *remote,
                      char name[16]);
/* Returns the OVS interface type ("vxlan", "gre", "geneve") for 'type'. */
const char *weft_tunnel_iface_type(enum topo_net_type type);

/* Stores in '*tunnels' a malloc'd array of the tunnels 'host' needs, sorted
 * by name, and returns how many.  The caller frees the array. */
size_t compile_host_tunnels(const struct topology *,
                            const struct topo_host *host,
                            struct weft_tunnel **tunnels);

/* Replaces the contents of 'out' with every flow that 'host' must hold.
 *
 * 'ofports' maps interface names on 'host' to their OpenFlow port numbers as
 * read from the host's Open_vSwitch database; a weft port whose interface is
 * absent from it (not yet created, or ofport -1) gets no flows that need its
 * port number, but its MAC and IPs are still known to its network.  The same
 * goes for tunnel ports (named by weft_tunnel_name()) and the host's uplink:
 * until they have an ofport, the remote ports behind them are unreachable
 * from this host (but still answered for by ARP). */
void compile_host_flows(const struct topology *, const struct topo_host *host,
                        const struct simap *ofports, struct weft_flows *out);

/* Flows by owner, for an incremental compile (controller/host-flows.h).
 *
 * compile_owner_flows() appends to 'out' (without clearing it) the flows
 * that 'owner' has on 'host', with the same inputs as compile_host_flows():
 * none if the owner does not exist in 'topo' or has no flows there (a port
 * or network that 'host' does not serve, a router it does not serve,
 * another host's defaults).
 * Its cost is that of the owner's own flows: a port's are O(its IPs), a
 * network's O(its ports on 'host' + the hosts it is on, + the hosts of its
 * router's networks), a router's O(its networks + routes).
 *
 * compile_host_flows() is exactly the union, over compile_host_owners(), of
 * compile_owner_flows() (tests/unit/test-owners.c checks it), and the flows
 * of each owner are exactly those that compile_host_flows() records with
 * that owner. */
void compile_owner_flows(const struct topology *, const struct topo_host *host,
                         const struct simap *ofports,
                         const struct weft_owner *, struct weft_flows *out);

/* A growable array of owners. */
struct weft_owner_list {
    struct weft_owner *owners;
    size_t n, allocated;
};
#define WEFT_OWNER_LIST_INITIALIZER { NULL, 0, 0 }
void weft_owner_list_add(struct weft_owner_list *, enum weft_owner_kind,
                         const struct uuid *);
void weft_owner_list_destroy(struct weft_owner_list *);

/* Replaces the contents of 'owners' by every owner that can have flows on
 * 'host': its defaults, its external side, then for each network it serves
 * (see below), the
 * network and every port of the network (local or not), each router it
 * serves (and its services), and each security group with a member on the
 * host.  From the topology's indexes: O(those owners). */
void compile_host_owners(const struct topology *, const struct topo_host *host,
                         struct weft_owner_list *owners);

/* Which hosts get a router's flows (pipeline.h's "serves"): 'host' serves
 * 'router' if it has a port in a network attached to it, and serves 'net'
 * if it has a port in it or serves its router.  O(the router's networks). */
bool compile_host_serves_router(const struct topo_host *,
                                const struct topo_router *);
bool compile_host_serves_network(const struct topo_host *,
                                 const struct topo_network *);

/* True if 'host' gets 'router''s NAT rows (pipeline.h): it has an external
 * side, and 'router' SNATs or a port of its networks on 'host' has a
 * floating IP or a mapping.  O(the router's ports on 'host'). */
bool compile_router_nat_needed(const struct topo_host *,
                               const struct topo_router *);

/* Services (compile-lb.c).  True if 'host' gets the HOST owner's rows of
 * tables 70..73: it serves a router with a service.  O(the routers it
 * serves). */
bool compile_host_has_services(const struct topo_host *);
/* True if 'host' exposes 'svc''s node port: it has an external side, and
 * 'svc' a node port and a live (not down) backend with an address on
 * 'host'.  O(its backends). */
bool compile_service_node_port_here(const struct topo_host *,
                                    const struct topo_service *svc);
/* True if a service of 'svc''s router with a lower key and the same proto
 * ('same_vip': and VIP) has a backend with 'b''s address and port: that
 * service has the rows the two would share (compile-lb.c).  O(the
 * router's services' backends). */
bool compile_lb_shared(const struct topo_service *svc,
                       const struct topo_backend *b, bool same_vip);

/* Security groups (compile-acl.c).  True if a port on 'host' is under
 * policy in 'dir' (the HOST owner's rows of that table): O(its ports).
 * True if 'sg' has a member on 'host' (its SG owner is there): O(its
 * members). */
bool compile_host_has_policy(const struct topo_host *, enum topo_sg_dir);
bool compile_host_has_sg(const struct topo_host *, const struct topo_sg *);

#endif /* ofproto/compiler.h */

/* compiler: the flow compiler, weft's pure core (desired state -> compile).
 *
 * State in, flows out: given the desired topology, one host, and the OpenFlow
 * port numbers that host's switch gave weft's interfaces, it produces the
 * complete set of flows that host's br-int should hold, as ovs-ofctl text.
 * No I/O and no global state, so tests/unit/test-compiler.c checks it as text.
 * ofproto/flow-table.c turns the text into flow_mods and diffs it against
 * what the switch holds.
 *
 * The code sits in one file per stage (see compile-internal.h for the map):
 * weft-flows.c holds the flow set declared here, compiler.c drives the
 * stages, compile-tunnels.c and compile-inputs.c the other entry points. */
#ifndef WEFT_COMPILER_H
#define WEFT_COMPILER_H 1

#include <stddef.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/uuid.h"
#include "topology.h"

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
 *            PORT_SEC, ARP_RESPOND and L2_LOOKUP flows for it.  Its cookie
 *            carries the port's key.
 *   NETWORK  a network with a port on this host (uuid: the network's): its
 *            ingress from tunnels and the uplink, its FLOOD flows.  Cookie:
 *            the network's, port key 0.
 *   HOST     the host's own defaults (uuid: the host's): the table-miss
 *            flows.  Cookie: weft_cookie(0, 0, 0).
 *   NONE     a flow added by weft_flows_add(), i.e. not by the compiler.
 *
 * A tunnel owns no flow of its own: the ingress from a tunnel is per
 * (network, remote host) and lives and dies with the network's flood list,
 * and the uplink serves every remote host of a VLAN network at once. */
enum weft_owner_kind {
    WEFT_OWNER_NONE,
    WEFT_OWNER_HOST,
    WEFT_OWNER_NETWORK,
    WEFT_OWNER_PORT,
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

/* One flow, in the syntax of "ovs-ofctl add-flow" (without "table=" etc. in
 * 'match': those are separate fields). */
struct weft_flow {
    struct hmap_node node;      /* In weft_flows 'flows', by flow key hash. */
    uint8_t table_id;
    uint16_t priority;
    uint64_t cookie;
    char *match;                /* e.g. "in_port=3,dl_src=02:00:00:00:00:01";
                                 * "" matches everything. */
    char *actions;              /* e.g. "set_field:0x1->metadata,goto_table:10" */
    struct weft_owner owner;    /* What the flow exists for; not part of its
                                 * text, nor of its key. */
};

/* A set of flows, unique by (table_id, priority, match). */
struct weft_flows {
    struct hmap flows;
};

void weft_flows_init(struct weft_flows *);
void weft_flows_destroy(struct weft_flows *);
void weft_flows_clear(struct weft_flows *);
size_t weft_flows_count(const struct weft_flows *);

/* Adds a flow.  If a flow with the same table, priority and match exists it
 * is left alone and false is returned (a compiler bug: the unit tests assert
 * it never happens); otherwise true.  Copies 'match' and 'actions'. */
bool weft_flows_add(struct weft_flows *, uint8_t table_id, uint16_t priority,
                    uint64_t cookie, const char *match, const char *actions);
/* The same, recording 'owner' as the new flow's owner (weft_flows_add()
 * records WEFT_OWNER_NONE). */
bool weft_flows_add_owned(struct weft_flows *, const struct weft_owner *owner,
                          uint8_t table_id, uint16_t priority,
                          uint64_t cookie, const char *match,
                          const char *actions);

/* Appends every flow to 'out' as "table=T, priority=P, cookie=0xC, MATCH
 * actions=ACTIONS\n" lines, sorted by table, then descending priority, then
 * match text: stable output for golden tests and for operators. */
void weft_flows_format(const struct weft_flows *, struct ds *out);

/* A tunnel port that a host needs on br-int: one per (encapsulation type,
 * remote host) such that both hosts have a tunnel IP and a port in some
 * network of that type. */
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

/* Appends to 'out' a canonical text of everything in 'topo' that
 * compile_host_flows() and compile_host_tunnels() read for 'host' (apart
 * from the ofports): the host itself, the networks with a port on it, every
 * port of those networks and every host those ports are on.  Equal texts
 * mean equal flows for equal ofports, so a caller can skip recompiling a
 * host that a change does not touch.  Keep it in step with the compiler:
 * tests/unit/test-overlay.c checks that it moves with every input. */
void compile_host_inputs(const struct topology *, const struct topo_host *host,
                         struct ds *out);

/* Adds to 'hosts' the name of every host of 'new' whose compile inputs
 * (compile_host_inputs()) differ from those it had in 'old', or that 'old'
 * lacks: the hosts whose flows or tunnels a change from 'old' to 'new' can
 * change, and so the hosts that must confirm it before a caller may say
 * the change is installed ("?wait=installed", "weftctl --wait").  A host
 * left out has nothing to install for the change. */
struct sset;
void compile_changed_hosts(const struct topology *old,
                           const struct topology *new, struct sset *hosts);

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
 * or network whose network has no port on 'host', another host's defaults).
 * Its cost is that of the owner's own flows: a port's are O(its IPs), a
 * network's O(its ports on 'host' + the hosts it is on).
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
 * 'host': its defaults, then for each network with a port on it, the
 * network and every port of the network (local or not).  From the
 * topology's indexes: O(those owners). */
void compile_host_owners(const struct topology *, const struct topo_host *host,
                         struct weft_owner_list *owners);

#endif /* ofproto/compiler.h */

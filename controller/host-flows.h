/* host-flows: one host's compiled flows, kept by owner, so that a change
 * recompiles only the owners it touches.
 *
 * Pipeline place: compile, inside one host's lifecycle (controller/host.c).
 * The desired state changes (topology/changes.h) and the host's ofports
 * (ovsdb/host-db.h) are noted here as pending work; host_flows_update()
 * then compiles what is pending with ofproto/compiler.h's
 * compile_owner_flows() (or the whole host, compile_host_flows()'s owners,
 * when the extent is unknown) and hands each recompiled owner's differences
 * (old flows vs new) to the host's flow table (ofproto/flow-state.h), so
 * that a change costs O(the flows of the owners it touches); a flow key
 * belongs to one owner at a time (weft_flows_add_copy() treats a duplicate
 * as a compiler bug).  host_flows_collect() gives the union,
 * which is exactly what compile_host_flows() would give for the same
 * topology and ofports (host_flows_check(), weftd --self-check, verifies
 * it at run time; tests/sim/test-incremental.sh and
 * tests/unit/test-host-flows.c in tests).
 *
 * What a change recompiles on this host (the owners of compiler.h):
 *
 *   - everything: the extent of the change is unknown (changes->all), the
 *     host's own row changed, or a host it shares a network with changed
 *     (tunnel IP, uplink, name: how it is reached), or a tunnel's or the
 *     uplink's ofport changed, or nothing was compiled yet;
 *   - a network that became present on this host (it has a port here now):
 *     all its owners (the network and each of its ports); one no longer
 *     present: its owners are dropped; one whose own row changed (type,
 *     segment, key, tenant key: the signature kept per network): all its
 *     owners here;
 *   - any other changed network present here: its network owner (a port of
 *     it came, went or changed, here or on another host);
 *   - a changed port of a network present here: that port's owner (dropped
 *     if the port is gone or its network is no longer here);
 *   - a local port's changed ofport: that port's owner and its network's;
 *   - NAT (pipeline.h): the external side is part of the host's row (a
 *     change recompiles everything), its interface's ofport too; a port
 *     whose floating IP or mappings changed is a changed port, and its
 *     router is looked at (its NAT rows on this host depend on whether a
 *     local port has a floating IP or mapping: router_sig()); a changed
 *     floating IP notes the port it is assigned to.
 *
 * Routers (pipeline.h's "serves"): networks present here include those the
 * host serves through a router without a port in them, with their ports'
 * owners (a network's signature includes whether it has a port here and a
 * router).  A changed router, or a changed network with a router, notes
 * that router if the host serves it (or did): its owner is recompiled if
 * its own flows' inputs changed (key, tenant key, attachments' keys,
 * subnets and MACs, routes), dropped if no longer served, and when the
 * hosts of its networks changed (one joined or left, or attached or
 * detached), its networks are noted too: a newly served one arrives whole,
 * the others recompile their network owner (remote ingress accepts every
 * host that serves the network).  So a port added in a routed network
 * costs the serving hosts that port's owner and its network's, plus a
 * check of the router in O(its networks x hosts).
 *
 * Services (controller/host-services.c): a service's owner is recompiled
 * when its row changed (changes->services), a port backing it changed, or
 * its router's flows' inputs or hosts changed, and only if what its flows
 * depend on here changed (service_sig()); dropped when its router is no
 * longer served.  The HOST owner is recompiled when the host starts or
 * stops serving a router with a service (its rows of tables 70..73).
 *
 * Security groups (controller/host-sgs.c): a group's SG owner is looked at
 * when its row or members changed (changes->sgs), a member of it or of a
 * group it names as remote changed (changes->ports: addresses, ofport), or
 * its tenant changed, and recompiled only if what its rows depend on here
 * changed (sg_sig()); dropped when it has no local member any more.  When
 * the directions a group covers change, its local members' PORT owners are
 * recompiled; the HOST owner when the host gains its first or loses its
 * last local port under policy in a direction (the rows of 12 and 34).
 *
 * Plain data and pure compiling: no I/O. */
#ifndef WEFT_HOST_FLOWS_H
#define WEFT_HOST_FLOWS_H 1

#include <stdbool.h>
#include <stdint.h>

#include "compiler.h"
#include "openvswitch/hmap.h"
#include "simap.h"
#include "uuidset.h"

struct ds;
struct flow_state;
struct topology;
struct topo_changes;
struct topo_host;

struct host_flows {
    bool valid;                 /* Compiled at least once since the last
                                 * host_flows_note_full(). */
    struct weft_flows defaults; /* WEFT_OWNER_HOST's flows. */
    struct weft_flows external; /* WEFT_OWNER_EXTERNAL's flows. */
    struct hmap nets;           /* "struct hf_net"s: networks present. */
    struct hmap ports;          /* "struct hf_port"s: ports of those
                                 * networks, by port UUID. */
    struct hmap routers;        /* "struct hf_router"s: routers served. */
    struct hmap services;       /* "struct hf_service"s: services of those
                                 * routers (host-services.c). */
    bool lb_defaults;           /* 'defaults' has the rows of tables 70..73
                                 * (compile_host_has_services()). */
    struct hmap sgs;            /* "struct hf_sg"s: groups with a local
                                 * member (host-sgs.c). */
    unsigned int acl_dirs;      /* Bit D: 'defaults' has the rows of ACL
                                 * table of direction D. */
    struct simap ofports;       /* Ofports the flows were compiled from. */
    struct flow_state *sink;    /* During host_flows_update() only. */

    /* Pending work, done by host_flows_update(). */
    bool pending_full;
    bool pending_external;      /* The EXTERNAL owner. */
    struct uuidset pending_nets;    /* Networks (their owners, see above). */
    struct uuidset pending_ports;   /* Ports (their owners). */
    struct uuidset pending_routers; /* Routers (see above). */
    struct uuidset pending_services; /* Services (see above). */
    struct uuidset pending_sgs; /* Security groups (see above). */

    /* Counters. */
    uint64_t n_full_compiles;   /* Whole-host compiles. */
    uint64_t n_owner_compiles;  /* Owners compiled one by one, or dropped
                                 * (recomputed to no flows). */
};

void host_flows_init(struct host_flows *);
void host_flows_destroy(struct host_flows *);

/* Notes that everything must be recompiled. */
void host_flows_note_full(struct host_flows *);

/* Notes that the host's external side changed in a way its row does not
 * show (the gateway's MAC, resolved by weftd: topology_set_host_gateway_mac()
 * on 'self'): its EXTERNAL owner and the owners of its local ports with a
 * floating IP (their EXT_SEND rows) are recompiled.  O(ports of 'self'). */
void host_flows_note_external(struct host_flows *,
                              const struct topo_host *self);

/* Notes what 'changes' asks of this host ('self', NULL if 'topo' has no
 * such host any more) and returns true if anything.  'topo' is the
 * topology after the changes. */
bool host_flows_note_changes(struct host_flows *, const struct topology *,
                             const struct topo_host *self,
                             const struct topo_changes *);

/* Notes the owners whose flows differ between the ofports the flows were
 * compiled from and 'ofports' (O(the host's interfaces)); returns true if
 * any. */
bool host_flows_note_ofports(struct host_flows *, const struct topo_host *self,
                             const struct simap *ofports);

bool host_flows_pending(const struct host_flows *);

/* Compiles what is pending, from 'topo' (whose host is 'self') and
 * 'ofports', and sets or clears in 'table' (if nonnull) the desired flows
 * that changed.  Returns true if it did the whole host. */
bool host_flows_update(struct host_flows *, const struct topology *,
                       const struct topo_host *self,
                       const struct simap *ofports, struct flow_state *table);

/* Adds every flow, of every owner, to 'out' (which the caller cleared). */
void host_flows_collect(const struct host_flows *, struct weft_flows *out);
size_t host_flows_count(const struct host_flows *);

/* Compiles the whole host from 'topo' and 'ofports' and compares it with
 * the flows kept here.  Returns true if equal; otherwise appends to 'diff'
 * the flows that differ ("-" kept only, "+" compiled only). */
bool host_flows_check(const struct host_flows *, const struct topology *,
                      const struct topo_host *self,
                      const struct simap *ofports, struct ds *diff);

/* For host-services.c, host-sgs.c and host-owners.c only: replaces 'flows'
 * by those of owner (KIND, UUID), telling the flow table what changed; and
 * drops 'flows' from the flow table (the owner has no flows any more). */
void host_flows_compile_owner(struct host_flows *, const struct topology *,
                              const struct topo_host *self,
                              const struct simap *ofports,
                              enum weft_owner_kind, const struct uuid *,
                              struct weft_flows *flows);
void host_flows_drop_owner(struct host_flows *, struct weft_flows *flows);

/* For host-flows-note.c only: the entry of network, router or port 'uuid'
 * (compiled here and not dropped since), or NULL. */
struct hf_net *hf_net_find(const struct host_flows *, const struct uuid *);
struct hf_router *hf_router_find(const struct host_flows *,
                                 const struct uuid *);
struct hf_port *hf_port_find(const struct host_flows *, const struct uuid *);

/* controller/host-services.c: the SERVICE owners (see above). */
void hf_services_init(struct host_flows *);
void hf_services_destroy(struct host_flows *);
void hf_services_clear(struct host_flows *);
bool hf_services_note(struct host_flows *, const struct topology *,
                      const struct topo_host *self,
                      const struct topo_changes *);
void hf_services_note_router(struct host_flows *, const struct topo_router *);
void hf_services_update(struct host_flows *, const struct topology *,
                        const struct topo_host *self,
                        const struct simap *ofports, bool full);
void hf_services_collect(const struct host_flows *, struct weft_flows *out);
size_t hf_services_count(const struct host_flows *);

/* controller/host-sgs.c: the SG owners (see above).  hf_sgs_note_port():
 * local 'port''s ofport changed. */
void hf_sgs_init(struct host_flows *);
void hf_sgs_destroy(struct host_flows *);
void hf_sgs_clear(struct host_flows *);
bool hf_sgs_note(struct host_flows *, const struct topology *,
                 const struct topo_host *self, const struct topo_changes *);
void hf_sgs_note_port(struct host_flows *, const struct topo_host *self,
                      const struct topo_port *);
void hf_sgs_update(struct host_flows *, const struct topology *,
                   const struct topo_host *self, const struct simap *ofports,
                   bool full);
void hf_sgs_collect(const struct host_flows *, struct weft_flows *out);
size_t hf_sgs_count(const struct host_flows *);

#endif /* controller/host-flows.h */

/* changes: what one update of the desired state changed.
 *
 * The loader (ovsdb/weft-db.c) patches weftd's topology in place from the
 * IDL's change tracking and fills a 'struct topo_changes' with what it
 * touched; each host's lifecycle (controller/host.c) then recompiles only
 * the flow owners (ofproto/compiler.h, 'struct weft_owner') those changes
 * reach, and a host the changes do not reach runs neither compile nor diff.
 *
 * Plain data, no I/O.  Sets hold row UUIDs of weft's database; a deleted
 * object's UUID is in its set although the topology no longer holds it. */
#ifndef WEFT_TOPO_CHANGES_H
#define WEFT_TOPO_CHANGES_H 1

#include <stdbool.h>

#include "uuidset.h"

struct topology;

struct topo_changes {
    /* The extent of the change is unknown (first load, a full reload after
     * the database reconnected, or a change the patcher does not handle):
     * every host recompiles everything.  The sets below may then be empty. */
    bool all;

    struct uuidset hosts;       /* Host rows inserted, modified or deleted. */
    struct uuidset tenants;     /* Tenant rows inserted, modified or deleted. */

    /* Network rows inserted, modified or deleted, plus every network that
     * gained or lost a port or had one of its ports modified, plus every
     * network of a changed tenant (its key is in the network's cookies). */
    struct uuidset networks;

    /* Port rows inserted, modified or deleted. */
    struct uuidset ports;

    /* Hosts that gained or lost a port, or on which a port was modified:
     * the old and the new host of every changed port. */
    struct uuidset port_hosts;

    /* Router rows inserted, modified (attachments, routes, name, key) or
     * deleted, plus the router of every changed tenant.  A network a router
     * was attached to or detached from is in 'networks' too (its subnet's
     * and gateway's flows change). */
    struct uuidset routers;

    /* Pool and Floating_IP rows inserted, modified or deleted.  A floating
     * IP assigned or unassigned also puts its old and new port in 'ports'
     * (and their hosts in 'port_hosts'): its flows are its port's. */
    struct uuidset pools;
    struct uuidset fips;

    /* Service rows inserted, modified (incl. its backends) or deleted. */
    struct uuidset services;

    /* Security_Group rows inserted, modified (name, rules) or deleted, plus
     * every group that gained or lost a member (that member's port is in
     * 'ports' too). */
    struct uuidset sgs;
};

void topo_changes_init(struct topo_changes *);
void topo_changes_destroy(struct topo_changes *);
void topo_changes_clear(struct topo_changes *);

/* True if nothing changed (and 'all' is false). */
bool topo_changes_is_empty(const struct topo_changes *);

/* Adds to 'dst' everything 'src' says changed (a union). */
void topo_changes_merge(struct topo_changes *dst,
                        const struct topo_changes *src);

/* Adds to 'hosts' the UUID of every host whose flows 'changes' may change,
 * routed with 'topo''s indexes ('topo' is the topology after the changes):
 *
 *   - every host that serves each changed network (ofproto/pipeline.h):
 *     its hosts (topo_network hosts index), and if it has a router, the
 *     hosts of every network of that router;
 *   - every host that serves each changed router (the hosts of its
 *     networks; a network it was detached from is in 'networks');
 *   - the old and the new host of each changed port (changes->port_hosts);
 *   - each changed host row, and every host that serves a network with it
 *     (they reach it by its tunnel IP or uplink; its external side and
 *     gateway MAC are its own flows only);
 *   - the host of the port each changed floating IP is assigned to (an
 *     assignment that changed has its ports in 'ports' already); pools
 *     change no flow;
 *   - every host that serves the router of each changed service; for a
 *     deleted service (its router unknown), every host;
 *   - the hosts of the members of each changed security group, and of the
 *     members of the groups whose rules name it as remote; for a deleted
 *     group, every host; for each changed port, the hosts of the members
 *     of the groups that name one of its groups as remote;
 *   - with changes->all, every host of 'topo'.
 *
 * A deleted host's UUID may be added although 'topo' no longer holds it.
 * O(what changed x the hosts it reaches), never O(topology) unless 'all'.
 * Shared by weftd (controller/hosts.c: which hosts recompile) and the REST
 * API (controller/rest/executor.c: which hosts ?wait=installed waits for). */
void topo_changes_hosts(const struct topology *topo,
                        const struct topo_changes *changes,
                        struct uuidset *hosts);

/* Adds to 'changes' every difference between 'old' and 'new', as the
 * loader would report it: O(rows of both), no compile.  weftd uses it while
 * it still loads the database whole (controller/hosts.c). */
void topo_changes_diff(const struct topology *old, const struct topology *new,
                       struct topo_changes *changes);

/* Adds to 'names' the name of every host of 'new' whose flows may differ
 * between 'old' and 'new': topo_changes_diff() routed by
 * topo_changes_hosts().  O(rows of both): for one-shot writers (weftctl)
 * that load the topology whole anyway and wait for the hosts a write
 * touches; weftd's REST API routes its patches' changes instead. */
struct sset;
void topo_changes_diff_hosts(const struct topology *old,
                             const struct topology *new, struct sset *names);

#endif /* topology/changes.h */

/* host-flows-note: what a change makes pending in one host's compiled flows
 * (host-flows.h): the desired state's changes (topology/changes.h) and the
 * host's ofports, turned into the owners to recompile on the next
 * host_flows_update() (host-flows.c), or the whole host.  Pure: no I/O, no
 * compile.
 *
 * Pipeline place: compile, for one host, before host-flows.c's update. */
#include <config.h>

#include "host-flows.h"

#include <string.h>

#include "changes.h"
#include "compiler.h"
#include "simap.h"
#include "sset.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"
#include "validate.h"

void
host_flows_note_full(struct host_flows *hf)
{
    hf->pending_full = true;
}

void
host_flows_note_external(struct host_flows *hf, const struct topo_host *self)
{
    hf->pending_external = true;
    const struct topo_port *port;
    TOPO_HOST_FOR_EACH_PORT (port, self) {
        if (port->fip) {
            uuidset_insert(&hf->pending_ports, &port->uuid);
        }
    }
}

bool
host_flows_pending(const struct host_flows *hf)
{
    return hf->pending_full || !hf->valid || hf->pending_external
           || !uuidset_is_empty(&hf->pending_nets)
           || !uuidset_is_empty(&hf->pending_ports)
           || !uuidset_is_empty(&hf->pending_routers)
           || !uuidset_is_empty(&hf->pending_services)
           || !uuidset_is_empty(&hf->pending_sgs);
}

static bool
net_has_host_in(const struct topo_network *net, const struct topo_host *self,
                const struct uuidset *hosts)
{
    const struct topo_net_host *rh;
    TOPO_NETWORK_FOR_EACH_HOST (rh, net) {
        if (rh->host != self && uuidset_contains(hosts, &rh->host->uuid)) {
            return true;
        }
    }
    return false;
}

/* True if a host that 'self' shares a network with (one it serves, or one
 * of the router of one of its own) is in 'hosts': how this host reaches it
 * (its tunnel IP, uplink, tunnel name) may have changed. */
static bool
peer_changed(const struct topo_host *self, const struct uuidset *hosts)
{
    if (uuidset_is_empty(hosts)) {
        return false;
    }
    const struct topo_net_host *nh;
    TOPO_HOST_FOR_EACH_NETWORK (nh, self) {
        if (net_has_host_in(nh->network, self, hosts)) {
            return true;
        }
        const struct topo_router_port *own = nh->network->router_port, *rp;
        if (own) {
            TOPO_ROUTER_FOR_EACH_PORT (rp, own->router) {
                if (net_has_host_in(rp->network, self, hosts)) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* Notes router 'uuid' ('r' in 'topo', or NULL) if this host serves it or
 * did.  Returns true if noted. */
static bool
note_router(struct host_flows *hf, const struct topo_host *self,
            const struct uuid *uuid, const struct topo_router *r)
{
    if ((r && compile_host_serves_router(self, r))
        || hf_router_find(hf, uuid)) {
        uuidset_insert(&hf->pending_routers, uuid);
        return true;
    }
    return false;
}

bool
host_flows_note_changes(struct host_flows *hf, const struct topology *topo,
                        const struct topo_host *self,
                        const struct topo_changes *changes)
{
    if (changes->all || !self
        || uuidset_contains(&changes->hosts, &self->uuid)
        || peer_changed(self, &changes->hosts)) {
        hf->pending_full = true;
        return true;
    }

    bool touched = false;
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &changes->networks) {
        const struct topo_network *net = topology_find_network(topo,
                                                               &node->uuid);
        if ((net && compile_host_serves_network(self, net))
            || hf_net_find(hf, &node->uuid)) {
            uuidset_insert(&hf->pending_nets, &node->uuid);
            touched = true;
        }
        if (net && net->router_port) {
            const struct topo_router *r = net->router_port->router;
            touched |= note_router(hf, self, &r->uuid, r);
        }
    }
    UUIDSET_FOR_EACH (node, &changes->routers) {
        touched |= note_router(hf, self, &node->uuid,
                               topology_find_router(topo, &node->uuid));
    }
    UUIDSET_FOR_EACH (node, &changes->ports) {
        const struct topo_port *port = topology_find_port(topo, &node->uuid);
        if ((port && port->network
             && compile_host_serves_network(self, port->network))
            || hf_port_find(hf, &node->uuid)) {
            uuidset_insert(&hf->pending_ports, &node->uuid);
            touched = true;
        }
        /* Its floating IP or mappings may switch its router's NAT rows on
         * or off here (router_sig()). */
        if (port && port->network && port->network->router_port) {
            const struct topo_router *r = port->network->router_port->router;
            touched |= note_router(hf, self, &r->uuid, r);
        }
    }
    UUIDSET_FOR_EACH (node, &changes->fips) {
        const struct topo_fip *fip = topology_find_fip(topo, &node->uuid);
        const struct topo_port *port = fip ? fip->port : NULL;
        if (port && port->host
            && uuid_equals(&port->host->uuid, &self->uuid)) {
            uuidset_insert(&hf->pending_ports, &port->uuid);
            touched = true;
        }
    }
    touched |= hf_services_note(hf, topo, self, changes);
    touched |= hf_sgs_note(hf, topo, self, changes);
    return touched;
}

/* Adds to 'changed' every interface whose ofport differs between 'old' and
 * 'new' (or that only one of them has). */
static void
ofports_diff(const struct simap *old, const struct simap *new,
             struct sset *changed)
{
    const struct simap_node *node;
    SIMAP_FOR_EACH (node, new) {
        const struct simap_node *was = simap_find(old, node->name);
        if (!was || was->data != node->data) {
            sset_add(changed, node->name);
        }
    }
    SIMAP_FOR_EACH (node, old) {
        if (!simap_find(new, node->name)) {
            sset_add(changed, node->name);
        }
    }
}

bool
host_flows_note_ofports(struct host_flows *hf, const struct topo_host *self,
                        const struct simap *ofports)
{
    if (!self || !hf->valid || hf->pending_full) {
        return false;           /* Everything is pending already. */
    }
    struct sset changed = SSET_INITIALIZER(&changed);
    ofports_diff(&hf->ofports, ofports, &changed);

    bool noted = !sset_is_empty(&changed);
    const char *name;
    SSET_FOR_EACH (name, &changed) {
        /* A tunnel's or the uplink's ofport is in the flows of every port
         * and network reached through it: rare, so recompile all. */
        if (validate_iface_is_reserved(self, name)
            || (self->ext.iface && !strcmp(self->ext.iface, name))) {
            hf->pending_full = true;
            break;
        }
    }
    if (!hf->pending_full && noted) {
        const struct topo_port *port;
        TOPO_HOST_FOR_EACH_PORT (port, self) {
            if (port->iface && sset_contains(&changed, port->iface)) {
                uuidset_insert(&hf->pending_ports, &port->uuid);
                uuidset_insert(&hf->pending_nets, &port->network->uuid);
                hf_sgs_note_port(hf, self, port);
            }
        }
    }
    sset_destroy(&changed);
    return noted;
}

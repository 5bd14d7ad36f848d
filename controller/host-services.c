/* host-services: the SERVICE owners of one host's flows (host-flows.h says
 * when each is recompiled; ofproto/compile-lb.c makes their flows).
 *
 * Pipeline place: compile, for one host, beside host-flows.c's networks,
 * ports and routers.  One 'struct hf_service' per service of a router the
 * host serves, with its owner's flows (rows and select groups) and the
 * signature of what they depend on here, so that a change noted for a
 * service that leaves its flows as they are costs no compile. */
#include <config.h>

#include "host-flows.h"

#include <stdlib.h>

#include "changes.h"
#include "hash.h"
#include "host-owners.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

struct hf_service {
    struct hf_owner up;         /* First (host-owners.h); in host_flows
                                 * 'services'; 'sig': service_sig(). */
    struct uuid router;         /* Its router when compiled, and whether */
    bool node_port;             /* it had a node port. */
};
BUILD_ASSERT_DECL(offsetof(struct hf_service, up) == 0);

/* What a service owner's flows on 'self' depend on (compile-lb.c): its row,
 * its tenant's and router's keys, each backend's address, port, weight,
 * state, key and whether it is here, the networks of its router with a
 * port here, and whether its node port is exposed here. */
static uint32_t
service_sig(const struct topo_service *svc, const struct topo_host *self)
{
    uint32_t hash = hash_int(svc->key, svc->tenant ? svc->tenant->key : 0);
    hash = hash_int(svc->router->key, hash);
    hash = hash_int((OVS_FORCE uint32_t) svc->vip, hash);
    hash = hash_int(svc->port | (svc->proto << 16), hash);
    hash = hash_int(svc->node_port, hash);
    hash = hash_boolean(compile_service_node_port_here(self, svc), hash);
    for (size_t i = 0; i < svc->n_backends; i++) {
        const struct topo_backend *b = &svc->backends[i];
        const struct topo_port *port = b->port;
        hash = hash_int(port->key, hash);
        hash = hash_int(port->n_ips ? (OVS_FORCE uint32_t) port->ips[0] : 0,
                        hash);
        hash = hash_int(b->port_num | (b->weight << 16), hash);
        hash = hash_boolean(b->down, hash);
        hash = hash_boolean(port->host && port->host == self, hash);
        hash = hash_boolean(compile_lb_shared(svc, b, false), hash);
        hash = hash_boolean(compile_lb_shared(svc, b, true), hash);
    }
    const struct topo_router_port *rp;
    TOPO_ROUTER_FOR_EACH_PORT (rp, svc->router) {
        if (topo_network_find_host(rp->network, self)) {
            hash = hash_int(rp->network->key, hash);
        }
    }
    return hash;
}

static struct hf_service *
hf_service_find(const struct host_flows *hf, const struct uuid *uuid)
{
    struct hf_owner *o = hf_owner_find(&hf->services, uuid);
    return o ? CONTAINER_OF(o, struct hf_service, up) : NULL;
}

void
hf_services_init(struct host_flows *hf)
{
    hmap_init(&hf->services);
    uuidset_init(&hf->pending_services);
    hf->lb_defaults = false;
}

void
hf_services_clear(struct host_flows *hf)
{
    hf_owners_clear(hf, &hf->services);
}

void
hf_services_destroy(struct host_flows *hf)
{
    hf_services_clear(hf);
    hmap_destroy(&hf->services);
    uuidset_destroy(&hf->pending_services);
}

void
hf_services_note_router(struct host_flows *hf, const struct topo_router *r)
{
    const struct topo_service *svc;
    TOPO_ROUTER_FOR_EACH_SERVICE (svc, r) {
        uuidset_insert(&hf->pending_services, &svc->uuid);
    }
}

static int
backend_cmp_port(const void *key_, const void *b_)
{
    const struct uuid *key = key_;
    const struct topo_backend *b = b_;
    return uuid_compare_3way(key, &b->port->uuid);
}

/* Notes the services of 'port''s router that 'port' backs (backends are
 * sorted by port UUID): O(the router's services x log backends). */
static bool
note_backend_port(struct host_flows *hf, const struct topo_port *port)
{
    const struct topo_router_port *rp = port->network
                                        ? port->network->router_port : NULL;
    bool noted = false;
    if (rp) {
        const struct topo_service *svc;
        TOPO_ROUTER_FOR_EACH_SERVICE (svc, rp->router) {
            if (bsearch(&port->uuid, svc->backends, svc->n_backends,
                        sizeof *svc->backends, backend_cmp_port)) {
                uuidset_insert(&hf->pending_services, &svc->uuid);
                noted = true;
            }
        }
    }
    return noted;
}

bool
hf_services_note(struct host_flows *hf, const struct topology *topo,
                 const struct topo_host *self,
                 const struct topo_changes *changes)
{
    bool touched = false;
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &changes->services) {
        const struct topo_service *svc = topology_find_service(topo,
                                                               &node->uuid);
        const struct hf_service *s = hf_service_find(hf, &node->uuid);
        bool served = svc && svc->router
                      && compile_host_serves_router(self, svc->router);
        if (served || s) {
            uuidset_insert(&hf->pending_services, &node->uuid);
            touched = true;
        }
        /* The other services of its router may share rows with it
         * (compile_lb_shared()): looked at, recompiled if that changed. */
        const struct topo_router *r = svc && svc->router ? svc->router
            : s ? topology_find_router(topo, &s->router) : NULL;
        if (r && compile_host_serves_router(self, r)) {
            hf_services_note_router(hf, r);
        }
        /* A node port, now or before, may switch its router's NAT rows on
         * or off here: the router is looked at (router_sig()). */
        if (s && s->node_port) {
            uuidset_insert(&hf->pending_routers, &s->router);
        }
        if (served && svc->node_port) {
            uuidset_insert(&hf->pending_routers, &svc->router->uuid);
        }
    }
    UUIDSET_FOR_EACH (node, &changes->ports) {
        const struct topo_port *port = topology_find_port(topo, &node->uuid);
        if (port) {
            touched |= note_backend_port(hf, port);
        }
    }
    return touched;
}

/* Service 'uuid' is pending: drop it, add it, or recompile its owner if
 * its inputs here changed. */
static void
update_service(struct host_flows *hf, const struct topology *topo,
               const struct topo_host *self, const struct simap *ofports,
               const struct uuid *uuid)
{
    const struct topo_service *svc = topology_find_service(topo, uuid);
    struct hf_service *s = hf_service_find(hf, uuid);
    bool served = svc && svc->router
                  && compile_host_serves_router(self, svc->router);
    if (!served) {
        if (s) {
            hf_owner_remove(hf, &hf->services, &s->up);
            hf->n_owner_compiles++;     /* Recomputed: none here. */
        }
        return;
    }
    uint32_t sig = service_sig(svc, self);
    if (!s) {
        s = CONTAINER_OF(hf_owner_add(&hf->services, uuid, sizeof *s),
                         struct hf_service, up);
    } else if (s->up.sig == sig) {
        return;
    }
    s->up.sig = sig;
    s->router = svc->router->uuid;
    s->node_port = svc->node_port != 0;
    host_flows_compile_owner(hf, topo, self, ofports, WEFT_OWNER_SERVICE,
                             uuid, &s->up.flows);
}

void
hf_services_update(struct host_flows *hf, const struct topology *topo,
                   const struct topo_host *self, const struct simap *ofports,
                   bool full)
{
    hf_owners_update(hf, topo, self, ofports, full, WEFT_OWNER_SERVICE,
                     &hf->pending_services, update_service);
    /* The HOST owner's rows of tables 70..73 come and go with the first
     * and last service served here (a full compile made them). */
    bool lb = compile_host_has_services(self);
    if (full) {
        hf->lb_defaults = lb;
    } else if (lb != hf->lb_defaults) {
        hf->lb_defaults = lb;
        host_flows_compile_owner(hf, topo, self, ofports, WEFT_OWNER_HOST,
                                 &self->uuid, &hf->defaults);
    }
}

void
hf_services_collect(const struct host_flows *hf, struct weft_flows *out)
{
    hf_owners_collect(&hf->services, out);
}

size_t
hf_services_count(const struct host_flows *hf)
{
    return hf_owners_count(&hf->services);
}

/* host-sgs: the SG owners of one host's flows (security groups; host-flows.h
 * says when each is recompiled; ofproto/compile-acl.c makes their flows).
 *
 * Pipeline place: compile, for one host, beside host-flows.c's networks,
 * ports and routers and host-services.c's services.  One 'struct hf_sg' per
 * group with a member on the host, with its owner's flows (its rules' rows
 * of ACL_OUT and ACL_IN) and the signature of what they depend on here, so
 * that a change noted for a group that leaves its rows as they are costs no
 * compile.  The HOST owner's fixed rows of tables 12 and 34 come and go with
 * the first and last local port under policy in that direction, and a
 * member's PORT owner (its ct rows, default deny) is recompiled when the
 * directions its groups cover change. */
#include <config.h>

#include "host-flows.h"

#include <stdlib.h>

#include "changes.h"
#include "hash.h"
#include "hmapx.h"
#include "host-owners.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

struct hf_sg {
    struct hf_owner up;         /* First (host-owners.h); in host_flows
                                 * 'sgs'; 'sig': sg_sig(). */
    bool covers[TOPO_SG_N_DIRS]; /* The group's, when compiled. */
};
BUILD_ASSERT_DECL(offsetof(struct hf_sg, up) == 0);

/* The addresses of 'sg''s members, as a sum (member order does not
 * matter). */
static uint32_t
sg_addrs_sig(const struct topo_sg *sg)
{
    uint32_t sum = 0;
    struct hmapx_node *node;
    TOPO_SG_FOR_EACH_MEMBER (node, sg) {
        const struct topo_port *port = node->data;
        uint32_t h = hash_bytes(port->ips, port->n_ips * sizeof *port->ips,
                                0);
        sum += hash_bytes(port->ip6s, port->n_ip6s * sizeof *port->ip6s, h);
    }
    return sum;
}

/* What an SG owner's flows on 'self' depend on (compile-acl.c): its
 * tenant's key, its rules, the addresses of each remote group's members,
 * and its local members' ofports. */
static uint32_t
sg_sig(const struct topo_sg *sg, const struct topo_host *self,
       const struct simap *ofports)
{
    uint32_t hash = hash_int(sg->tenant->key, 0);
    for (size_t i = 0; i < sg->n_rules; i++) {
        const struct topo_sg_rule *r = &sg->rules[i];
        hash = hash_int(r->id, hash);
        hash = hash_int(r->key, hash);
        hash = hash_int(r->direction | (r->proto << 8), hash);
        hash = hash_int(r->port_min | (r->port_max << 16), hash);
        hash = hash_int(r->remote_family | (r->remote_plen << 16), hash);
        hash = hash_bytes(&r->remote_prefix, sizeof r->remote_prefix, hash);
        if (r->remote_group) {
            hash = hash_int(uuid_hash(&r->remote_group->uuid), hash);
            hash = hash_int(sg_addrs_sig(r->remote_group), hash);
        }
    }
    uint32_t sum = 0;
    struct hmapx_node *node;
    TOPO_SG_FOR_EACH_MEMBER (node, sg) {
        const struct topo_port *port = node->data;
        if (port->host && uuid_equals(&port->host->uuid, &self->uuid)) {
            int ofport = ofports && port->iface
                         ? simap_get(ofports, port->iface) : 0;
            sum += hash_2words(port->key, ofport);
        }
    }
    return hash_int(sum, hash);
}

static struct hf_sg *
hf_sg_find(const struct host_flows *hf, const struct uuid *uuid)
{
    struct hf_owner *o = hf_owner_find(&hf->sgs, uuid);
    return o ? CONTAINER_OF(o, struct hf_sg, up) : NULL;
}

void
hf_sgs_init(struct host_flows *hf)
{
    hmap_init(&hf->sgs);
    uuidset_init(&hf->pending_sgs);
    hf->acl_dirs = 0;
}

void
hf_sgs_clear(struct host_flows *hf)
{
    hf_owners_clear(hf, &hf->sgs);
}

void
hf_sgs_destroy(struct host_flows *hf)
{
    hf_sgs_clear(hf);
    hmap_destroy(&hf->sgs);
    uuidset_destroy(&hf->pending_sgs);
}

/* Notes 'sg' if it has flows here or a local member now. */
static bool
note_sg(struct host_flows *hf, const struct topo_host *self,
        const struct topo_sg *sg)
{
    if (hf_sg_find(hf, &sg->uuid) || compile_host_has_sg(self, sg)) {
        uuidset_insert(&hf->pending_sgs, &sg->uuid);
        return true;
    }
    return false;
}

/* Notes the groups of 'sg''s tenant whose rules name 'sg' as their remote:
 * their rows hold its members' addresses.  O(the tenant's rules). */
static bool
note_referrers(struct host_flows *hf, const struct topo_host *self,
               const struct topo_sg *sg)
{
    bool noted = false;
    const struct topo_sg *other;
    TOPO_TENANT_FOR_EACH_SG (other, sg->tenant) {
        for (size_t i = 0; i < other->n_rules; i++) {
            if (other->rules[i].remote_group == sg) {
                noted |= note_sg(hf, self, other);
                break;
            }
        }
    }
    return noted;
}

/* 'sg' changed: if the directions it covers did, its local members' PORT
 * owners (default deny, ct rows) are noted too. */
static void
note_covers(struct host_flows *hf, const struct topo_host *self,
            const struct topo_sg *sg)
{
    const struct hf_sg *s = hf_sg_find(hf, &sg->uuid);
    if (!s || (s->covers[0] == sg->covers[0]
               && s->covers[1] == sg->covers[1])) {
        return;     /* New here: its local members joined (changed ports). */
    }
    struct hmapx_node *node;
    TOPO_SG_FOR_EACH_MEMBER (node, sg) {
        const struct topo_port *port = node->data;
        if (port->host && uuid_equals(&port->host->uuid, &self->uuid)) {
            uuidset_insert(&hf->pending_ports, &port->uuid);
        }
    }
}

bool
hf_sgs_note(struct host_flows *hf, const struct topology *topo,
            const struct topo_host *self, const struct topo_changes *changes)
{
    bool touched = false;
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, &changes->sgs) {
        const struct topo_sg *sg = topology_find_sg(topo, &node->uuid);
        if (!sg) {
            if (hf_sg_find(hf, &node->uuid)) {
                uuidset_insert(&hf->pending_sgs, &node->uuid);
                touched = true;
            }
            continue;
        }
        touched |= note_sg(hf, self, sg);
        touched |= note_referrers(hf, self, sg);
        note_covers(hf, self, sg);
    }
    /* A member's addresses are in the rows of the groups that name its
     * groups as remote; a local member's ofport in its groups' rows. */
    UUIDSET_FOR_EACH (node, &changes->ports) {
        const struct topo_port *port = topology_find_port(topo, &node->uuid);
        for (size_t i = 0; port && i < port->n_sgs; i++) {
            touched |= note_sg(hf, self, port->sgs[i]);
            touched |= note_referrers(hf, self, port->sgs[i]);
        }
    }
    /* The tenant's key is in the rules' cookies. */
    UUIDSET_FOR_EACH (node, &changes->tenants) {
        const struct topo_tenant *t = topology_find_tenant(topo, &node->uuid);
        const struct topo_sg *sg;
        if (t) {
            TOPO_TENANT_FOR_EACH_SG (sg, t) {
                touched |= note_sg(hf, self, sg);
            }
        }
    }
    return touched;
}

void
hf_sgs_note_port(struct host_flows *hf, const struct topo_host *self,
                 const struct topo_port *port)
{
    for (size_t i = 0; i < port->n_sgs; i++) {
        note_sg(hf, self, port->sgs[i]);
    }
}

/* Group 'uuid' is pending: drop it, add it, or recompile its owner if its
 * inputs here changed. */
static void
update_sg(struct host_flows *hf, const struct topology *topo,
          const struct topo_host *self, const struct simap *ofports,
          const struct uuid *uuid)
{
    const struct topo_sg *sg = topology_find_sg(topo, uuid);
    struct hf_sg *s = hf_sg_find(hf, uuid);
    if (!sg || !compile_host_has_sg(self, sg)) {
        if (s) {
            hf_owner_remove(hf, &hf->sgs, &s->up);
            hf->n_owner_compiles++;     /* Recomputed: none here. */
        }
        return;
    }
    uint32_t sig = sg_sig(sg, self, ofports);
    if (!s) {
        s = CONTAINER_OF(hf_owner_add(&hf->sgs, uuid, sizeof *s),
                         struct hf_sg, up);
    } else if (s->up.sig == sig) {
        s->covers[0] = sg->covers[0];
        s->covers[1] = sg->covers[1];
        return;
    }
    s->up.sig = sig;
    s->covers[0] = sg->covers[0];
    s->covers[1] = sg->covers[1];
    host_flows_compile_owner(hf, topo, self, ofports, WEFT_OWNER_SG, uuid,
                             &s->up.flows);
}

static unsigned int
acl_dirs(const struct topo_host *self)
{
    unsigned int dirs = 0;
    for (int d = 0; d < TOPO_SG_N_DIRS; d++) {
        dirs |= compile_host_has_policy(self, d) ? 1u << d : 0;
    }
    return dirs;
}

void
hf_sgs_update(struct host_flows *hf, const struct topology *topo,
              const struct topo_host *self, const struct simap *ofports,
              bool full)
{
    hf_owners_update(hf, topo, self, ofports, full, WEFT_OWNER_SG,
                     &hf->pending_sgs, update_sg);
    /* The HOST owner's rows of tables 12 and 34 come and go with the first
     * and last local port under policy; only a group or port change can
     * switch them (a full compile made them). */
    if (full) {
        hf->acl_dirs = acl_dirs(self);
    } else if (!uuidset_is_empty(&hf->pending_sgs)
               || !uuidset_is_empty(&hf->pending_ports)) {
        unsigned int dirs = acl_dirs(self);
        if (dirs != hf->acl_dirs) {
            hf->acl_dirs = dirs;
            host_flows_compile_owner(hf, topo, self, ofports, WEFT_OWNER_HOST,
                                     &self->uuid, &hf->defaults);
        }
    }
}

void
hf_sgs_collect(const struct host_flows *hf, struct weft_flows *out)
{
    hf_owners_collect(&hf->sgs, out);
}

size_t
hf_sgs_count(const struct host_flows *hf)
{
    return hf_owners_count(&hf->sgs);
}

/* security: a tenant's security groups (Security_Group, Security_Rule
 * tables, Port 'security_groups') and its ports' IPv6 addresses, as plain
 * data in the topology (desired state).  The adders, setters and removers
 * keep the indexes of topology.h (tenant -> groups, group -> members, port
 * -> groups) and the rule keys and ids up to date; validation
 * (topology/validate-security.c) decides what may be stored, these only
 * store it.  No I/O. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "hash.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

const char *
topo_sg_dir_to_string(enum topo_sg_dir dir)
{
    return dir == TOPO_SG_INGRESS ? "ingress" : "egress";
}

bool
topo_sg_dir_from_string(const char *s, enum topo_sg_dir *dir)
{
    if (!strcmp(s, "ingress")) {
        *dir = TOPO_SG_INGRESS;
    } else if (!strcmp(s, "egress")) {
        *dir = TOPO_SG_EGRESS;
    } else {
        return false;
    }
    return true;
}

struct topo_sg *
topology_add_sg(struct topology *topo, const struct uuid *uuid,
                const struct topo_tenant *tenant, const char *name)
{
    ovs_assert(tenant);
    struct topo_sg *sg = xzalloc(sizeof *sg);
    sg->uuid = *uuid;
    sg->tenant = tenant;
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, tenant);
    ovs_list_push_back(&t->sgs, &sg->tenant_node);
    t->n_sgs++;
    sg->name = xstrdup(name);
    hmapx_init(&sg->members);
    hmap_insert(&topo->sgs, &sg->node, uuid_hash(uuid));
    return sg;
}

/* Takes 'sg''s rule keys and ids out of (or back into) the indexes. */
static void
sg_rules_index(struct topology *topo, struct topo_sg *sg, bool add)
{
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, sg->tenant);
    for (size_t i = 0; i < sg->n_rules; i++) {
        if (add) {
            topo_keys_add(&topo->sg_rule_keys, sg->rules[i].key);
            topo_keys_add(&t->sg_rule_ids, sg->rules[i].id);
        } else {
            topo_keys_remove(&topo->sg_rule_keys, sg->rules[i].key);
            topo_keys_remove(&t->sg_rule_ids, sg->rules[i].id);
        }
    }
}

bool
topology_update_sg(struct topology *topo, struct topo_sg *sg,
                   const struct topo_tenant *tenant, const char *name)
{
    ovs_assert(tenant);
    bool changed = false;
    if (sg->tenant != tenant) {
        sg_rules_index(topo, sg, false);
        struct topo_tenant *old = CONST_CAST(struct topo_tenant *,
                                             sg->tenant);
        struct topo_tenant *new = CONST_CAST(struct topo_tenant *, tenant);
        ovs_list_remove(&sg->tenant_node);
        old->n_sgs--;
        ovs_list_push_back(&new->sgs, &sg->tenant_node);
        new->n_sgs++;
        sg->tenant = tenant;
        sg_rules_index(topo, sg, true);
        changed = true;
    }
    if (strcmp(sg->name, name)) {
        free(sg->name);
        sg->name = xstrdup(name);
        changed = true;
    }
    return changed;
}

static int
compare_rules_by_key(const void *a_, const void *b_)
{
    const struct topo_sg_rule *a = a_, *b = b_;
    return a->key < b->key ? -1 : a->key > b->key;
}

static bool
rules_equal(const struct topo_sg_rule *a, const struct topo_sg_rule *b)
{
    return uuid_equals(&a->uuid, &b->uuid)
           && a->id == b->id && a->key == b->key
           && a->direction == b->direction && a->proto == b->proto
           && a->port_min == b->port_min && a->port_max == b->port_max
           && a->remote_family == b->remote_family
           && ipv6_addr_equals(&a->remote_prefix, &b->remote_prefix)
           && a->remote_plen == b->remote_plen
           && a->remote_group == b->remote_group;
}

bool
topology_set_sg_rules(struct topology *topo, struct topo_sg *sg,
                      const struct topo_sg_rule *rules, size_t n)
{
    struct topo_sg_rule *copy = n ? xmemdup(rules, n * sizeof *rules)
                                  : NULL;
    if (n) {
        qsort(copy, n, sizeof *copy, compare_rules_by_key);
    }
    bool changed = n != sg->n_rules;
    for (size_t i = 0; !changed && i < n; i++) {
        copy[i].group = sg;
        changed = !rules_equal(&copy[i], &sg->rules[i]);
    }
    if (!changed) {
        free(copy);
        return false;
    }

    sg_rules_index(topo, sg, false);
    free(sg->rules);
    sg->rules = copy;
    sg->n_rules = n;
    sg->covers[TOPO_SG_INGRESS] = sg->covers[TOPO_SG_EGRESS] = false;
    for (size_t i = 0; i < n; i++) {
        copy[i].group = sg;
        sg->covers[copy[i].direction] = true;
    }
    sg_rules_index(topo, sg, true);
    return true;
}

/* True if a rule of a group other than 'sg' names 'sg' as its remote. */
static bool
sg_is_remote_of_other(const struct topo_sg *sg)
{
    const struct topo_sg *other;
    TOPO_TENANT_FOR_EACH_SG (other, sg->tenant) {
        for (size_t i = 0; other != sg && i < other->n_rules; i++) {
            if (other->rules[i].remote_group == sg) {
                return true;
            }
        }
    }
    return false;
}

static void
sg_free(struct topology *topo, struct topo_sg *sg)
{
    struct topo_tenant *t = CONST_CAST(struct topo_tenant *, sg->tenant);
    sg_rules_index(topo, sg, false);
    ovs_list_remove(&sg->tenant_node);
    t->n_sgs--;
    hmap_remove(&topo->sgs, &sg->node);
    hmapx_destroy(&sg->members);
    free(sg->rules);
    free(sg->name);
    free(sg);
}

bool
topology_remove_sg(struct topology *topo, struct topo_sg *sg)
{
    if (hmapx_count(&sg->members) || sg_is_remote_of_other(sg)) {
        return false;
    }
    sg_free(topo, sg);
    return true;
}

void
topo_sgs_destroy(struct topology *topo)
{
    struct topo_port *port;
    HMAP_FOR_EACH (port, node, &topo->ports) {
        free(port->sgs);
        port->sgs = NULL;
        port->n_sgs = 0;
    }
    struct topo_sg *sg;
    HMAP_FOR_EACH_SAFE (sg, node, &topo->sgs) {
        sg_free(topo, sg);
    }
    hmap_destroy(&topo->sgs);
}

static int
compare_sgs_by_uuid(const void *a_, const void *b_)
{
    const struct topo_sg *const *a = a_, *const *b = b_;
    return uuid_compare_3way(&(*a)->uuid, &(*b)->uuid);
}

bool
topology_set_port_sgs(struct topology *topo OVS_UNUSED,
                      struct topo_port *port,
                      const struct topo_sg *const *sgs, size_t n)
{
    const struct topo_sg **copy = n ? xmemdup(sgs, n * sizeof *sgs) : NULL;
    size_t n_copy = 0;
    if (n) {
        qsort(copy, n, sizeof *copy, compare_sgs_by_uuid);
        for (size_t i = 0; i < n; i++) {
            if (!n_copy || copy[n_copy - 1] != copy[i]) {
                copy[n_copy++] = copy[i];
            }
        }
    }
    if (n_copy == port->n_sgs
        && (!n_copy || !memcmp(copy, port->sgs, n_copy * sizeof *copy))) {
        free(copy);
        return false;
    }

    for (size_t i = 0; i < port->n_sgs; i++) {
        struct topo_sg *sg = CONST_CAST(struct topo_sg *, port->sgs[i]);
        hmapx_find_and_delete(&sg->members, port);
    }
    free(port->sgs);
    port->sgs = copy;
    port->n_sgs = n_copy;
    for (size_t i = 0; i < n_copy; i++) {
        struct topo_sg *sg = CONST_CAST(struct topo_sg *, copy[i]);
        hmapx_add(&sg->members, port);
    }
    return true;
}

void
topo_sgs_drop_port(struct topology *topo, struct topo_port *port)
{
    topology_set_port_sgs(topo, port, NULL, 0);
}

static int
compare_in6(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct in6_addr));
}

bool
topology_set_port_ip6s(struct topology *topo OVS_UNUSED,
                       struct topo_port *port, const struct in6_addr *ip6s,
                       size_t n)
{
    struct in6_addr *copy = n ? xmemdup(ip6s, n * sizeof *ip6s) : NULL;
    if (n) {
        qsort(copy, n, sizeof *copy, compare_in6);
    }
    if (n == port->n_ip6s
        && (!n || !memcmp(copy, port->ip6s, n * sizeof *copy))) {
        free(copy);
        return false;
    }
    free(port->ip6s);
    port->ip6s = copy;
    port->n_ip6s = n;
    return true;
}

struct topo_sg *
topology_find_sg(const struct topology *topo, const struct uuid *uuid)
{
    struct topo_sg *sg;
    HMAP_FOR_EACH_WITH_HASH (sg, node, uuid_hash(uuid), &topo->sgs) {
        if (uuid_equals(&sg->uuid, uuid)) {
            return sg;
        }
    }
    return NULL;
}

struct topo_sg *
topology_find_sg_by_name(const struct topology *topo OVS_UNUSED,
                         const struct topo_tenant *tenant, const char *name)
{
    struct topo_sg *sg;
    TOPO_TENANT_FOR_EACH_SG (sg, tenant) {
        if (!strcmp(sg->name, name)) {
            return sg;
        }
    }
    return NULL;
}

const struct topo_sg_rule *
topo_sg_find_rule(const struct topo_sg *sg, uint32_t id)
{
    for (size_t i = 0; i < sg->n_rules; i++) {
        if (sg->rules[i].id == id) {
            return &sg->rules[i];
        }
    }
    return NULL;
}

bool
topo_port_sg_covers(const struct topo_port *port, enum topo_sg_dir dir)
{
    for (size_t i = 0; i < port->n_sgs; i++) {
        if (port->sgs[i]->covers[dir]) {
            return true;
        }
    }
    return false;
}

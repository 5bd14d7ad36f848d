/* weft-db-security: the Security_Group and Security_Rule tables and Port
 * 'security_groups' of weft's database -> the topology
 * (topology/security.c), for the full load (weft-db.c) and the in-place
 * patch (weft-db-update.c) alike, so that both keep and skip exactly the
 * same rows (weft-db-rows.h).
 *
 * Skips, each logged (rate-limited): a group without its tenant in the
 * topology; a rule that does not parse (direction, proto, ports without
 * tcp/udp or only one of port_min/port_max or min > max, a bad remote_cidr,
 * both remotes) or whose remote group is not in the topology or of another
 * tenant.  A port's group the topology does not hold is dropped from it.
 * Validation (topology/validate-security.c) writes none of these.
 *
 * The patch follows the groups' rows only: a rule row that changes marks
 * the group that holds it (OVS's IDL tracks the rows that reference a
 * changed row), so a group's rules are set again from its row whenever the
 * row is tracked. */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "changes.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "topology.h"
#include "uuid.h"
#include "uuidset.h"
#include "validate.h"
#include "weft-db-rows.h"
#include "weft-idl.h"

VLOG_DEFINE_THIS_MODULE(weft_db_security);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

static const struct topo_tenant *
sg_tenant(const struct topology *topo,
          const struct weftrec_security_group *row)
{
    const struct topo_tenant *tenant = (
        row->tenant ? topology_find_tenant(topo, &row->tenant->header_.uuid)
                    : NULL);
    if (!tenant) {
        VLOG_WARN_RL(&rl, "security group "UUID_FMT" (%s): no tenant, "
                     "ignored", UUID_ARGS(&row->header_.uuid), row->name);
    }
    return tenant;
}

/* Parses rule 'row' of 'sg' into 'r'; false (logged) if it is skipped. */
static bool
rule_from_row(const struct topology *topo, const struct topo_sg *sg,
              const struct weftrec_security_rule *row, struct topo_sg_rule *r)
{
    memset(r, 0, sizeof *r);
    r->uuid = row->header_.uuid;
    r->id = row->rule_id;
    r->key = row->flow_key;
    char *error = parse_sg_direction(row->direction, &r->direction);
    error = error ? error : parse_sg_proto(row->proto, &r->proto);
    if (!error && (row->n_port_min || row->n_port_max)) {
        if (row->n_port_min != row->n_port_max
            || (r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)
            || row->port_min[0] > row->port_max[0]) {
            error = xstrdup("bad port range");
        } else {
            r->port_min = row->port_min[0];
            r->port_max = row->port_max[0];
        }
    }
    if (!error && row->remote_cidr && row->remote_group) {
        error = xstrdup("both a remote CIDR and a remote group");
    }
    if (!error && row->remote_cidr) {
        error = parse_sg_remote_cidr(row->remote_cidr, &r->remote_family,
                                     &r->remote_prefix, &r->remote_plen);
    }
    if (!error && row->remote_group) {
        r->remote_group = topology_find_sg(topo,
                                           &row->remote_group->header_.uuid);
        if (!r->remote_group || r->remote_group->tenant != sg->tenant) {
            error = xstrdup("remote group missing or of another tenant");
        }
    }
    if (error) {
        VLOG_WARN_RL(&rl, "security group %s: rule "UUID_FMT": %s, ignored",
                     sg->name, UUID_ARGS(&row->header_.uuid), error);
        free(error);
        return false;
    }
    return true;
}

/* Sets 'sg''s rules to those of 'row' that parse.  True if they changed. */
static bool
set_rules(struct topology *topo, struct topo_sg *sg,
          const struct weftrec_security_group *row)
{
    struct topo_sg_rule *rules = xcalloc(row->n_rules + 1, sizeof *rules);
    size_t n = 0;
    for (size_t i = 0; i < row->n_rules; i++) {
        n += rule_from_row(topo, sg, row->rules[i], &rules[n]);
    }
    bool changed = topology_set_sg_rules(topo, sg, rules, n);
    free(rules);
    return changed;
}

void
weft_db_note_port_sgs(const struct topo_port *port, struct topo_changes *c)
{
    for (size_t i = 0; c && i < port->n_sgs; i++) {
        uuidset_insert(&c->sgs, &port->sgs[i]->uuid);
    }
}

/* Puts in 'c->sgs' each of 'a' that is not in 'b'. */
static void
note_sgs_not_in(const struct topo_sg *const *a, size_t n_a,
                const struct topo_sg *const *b, size_t n_b,
                struct topo_changes *c)
{
    for (size_t i = 0; i < n_a; i++) {
        size_t j = 0;
        while (j < n_b && b[j] != a[i]) {
            j++;
        }
        if (j == n_b) {
            uuidset_insert(&c->sgs, &a[i]->uuid);
        }
    }
}

bool
weft_db_port_set_sgs(struct topology *topo, struct topo_port *port,
                     const struct weftrec_port *row, struct topo_changes *c)
{
    const struct topo_sg **sgs = xmalloc((row->n_security_groups + 1)
                                         * sizeof *sgs);
    size_t n = 0;
    for (size_t i = 0; i < row->n_security_groups; i++) {
        const struct topo_sg *sg = topology_find_sg(
            topo, &row->security_groups[i]->header_.uuid);
        if (sg && sg->tenant == port->network->tenant) {
            sgs[n++] = sg;
        } else {
            VLOG_WARN_RL(&rl, "port %s: security group "UUID_FMT" missing "
                         "or of another tenant, ignored", row->name,
                         UUID_ARGS(&row->security_groups[i]->header_.uuid));
        }
    }
    const struct topo_sg **old = (port->n_sgs
                                  ? xmemdup(port->sgs,
                                            port->n_sgs * sizeof *old)
                                  : NULL);
    size_t n_old = port->n_sgs;
    bool changed = topology_set_port_sgs(topo, port, sgs, n);
    if (changed && c) {
        /* The groups it left and those it joined, not those it stays in. */
        note_sgs_not_in(old, n_old, port->sgs, port->n_sgs, c);
        note_sgs_not_in(port->sgs, port->n_sgs, old, n_old, c);
    }
    free(old);
    free(sgs);
    return changed;
}

/* ------------------------------------------------------------------------
 * Full load. */

void
weft_db_load_sgs(struct ovsdb_idl *idl, struct topology *topo)
{
    const struct weftrec_security_group *row;
    WEFTREC_SECURITY_GROUP_FOR_EACH (row, idl) {
        const struct topo_tenant *tenant = sg_tenant(topo, row);
        if (tenant) {
            topology_add_sg(topo, &row->header_.uuid, tenant, row->name);
        }
    }
    /* The rules once every group exists: a rule's remote may be any group
     * of the tenant. */
    WEFTREC_SECURITY_GROUP_FOR_EACH (row, idl) {
        struct topo_sg *sg = topology_find_sg(topo, &row->header_.uuid);
        if (sg) {
            set_rules(topo, sg, row);
        }
    }
}

/* ------------------------------------------------------------------------
 * In-place patch. */

/* Takes 'sg' out of every member's groups, recording the members. */
static void
sg_drop_members(struct topology *topo, struct topo_sg *sg,
                struct topo_changes *c)
{
    struct hmapx_node *node;
    HMAPX_FOR_EACH_SAFE (node, &sg->members) {
        struct topo_port *port = node->data;
        const struct topo_sg **sgs = xmalloc(port->n_sgs * sizeof *sgs);
        size_t n = 0;
        for (size_t i = 0; i < port->n_sgs; i++) {
            if (port->sgs[i] != sg) {
                sgs[n++] = port->sgs[i];
            }
        }
        uuidset_insert(&c->ports, &port->uuid);
        uuidset_insert(&c->networks, &port->network->uuid);
        uuidset_insert(&c->port_hosts, &port->host->uuid);
        topology_set_port_sgs(topo, port, sgs, n);
        free(sgs);
    }
}

/* After the ports (a port deleted left its groups), before the tenants.
 * A deleted group first loses its rules and members (a port row that
 * dropped it in the same transaction is patched later, the same way), then
 * leaves. */
const char *
weft_db_delete_sgs(struct ovsdb_idl *idl, struct topology *topo,
                   struct topo_changes *c)
{
    const struct weftrec_security_group *row;
    WEFTREC_SECURITY_GROUP_FOR_EACH_TRACKED (row, idl) {
        struct topo_sg *sg;
        if (weftrec_security_group_is_deleted(row)
            && (sg = topology_find_sg(topo, &row->header_.uuid))) {
            uuidset_insert(&c->sgs, &sg->uuid);
            topology_set_sg_rules(topo, sg, NULL, 0);
            sg_drop_members(topo, sg, c);
        }
    }
    WEFTREC_SECURITY_GROUP_FOR_EACH_TRACKED (row, idl) {
        struct topo_sg *sg;
        if (weftrec_security_group_is_deleted(row)
            && (sg = topology_find_sg(topo, &row->header_.uuid))
            && !topology_remove_sg(topo, sg)) {
            return "a deleted security group is the remote of a rule";
        }
    }
    return NULL;
}

/* After the tenants, before the ports: groups added or renamed first, then
 * the rules of every tracked group (a rule may name a group added in the
 * same transaction).  A group the loader skips or that moved to another
 * tenant needs a full load. */
const char *
weft_db_update_sgs(struct ovsdb_idl *idl, struct topology *topo,
                   struct topo_changes *c)
{
    const struct weftrec_security_group *row;
    WEFTREC_SECURITY_GROUP_FOR_EACH_TRACKED (row, idl) {
        if (weftrec_security_group_is_deleted(row)) {
            continue;
        }
        const struct topo_tenant *tenant = sg_tenant(topo, row);
        if (!tenant) {
            return "a security group is skipped";
        }
        struct topo_sg *sg = topology_find_sg(topo, &row->header_.uuid);
        if (sg && sg->tenant != tenant) {
            /* Only a database written by hand does that: its members and
             * the rules naming it would have to be checked again. */
            return "a security group moved to another tenant";
        } else if (sg) {
            if (topology_update_sg(topo, sg, tenant, row->name)) {
                uuidset_insert(&c->sgs, &sg->uuid);
            }
        } else if (weftrec_security_group_is_new(row)) {
            topology_add_sg(topo, &row->header_.uuid, tenant, row->name);
            uuidset_insert(&c->sgs, &row->header_.uuid);
        } else {
            return "a modified security group is missing";
        }
    }
    WEFTREC_SECURITY_GROUP_FOR_EACH_TRACKED (row, idl) {
        struct topo_sg *sg = topology_find_sg(topo, &row->header_.uuid);
        if (sg && !weftrec_security_group_is_deleted(row)
            && set_rules(topo, sg, row)) {
            uuidset_insert(&c->sgs, &sg->uuid);
        }
    }
    return NULL;
}

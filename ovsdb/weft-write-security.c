/* weft-write-security: the security group ops of the write layer
 * (weft-write.h): a validated plan (topology/validate-security.c) ->
 * changes to Security_Group, Security_Rule and Port rows.  Checks nothing
 * itself.
 *
 * Canonical values: 'direction' "ingress"/"egress", 'proto' "tcp", "udp",
 * "icmp" or "any", 'port_min' and 'port_max' both set or both empty (every
 * port), 'remote_cidr' as topo_sg_prefix_to_string() prints it ("N/LEN"
 * always).  A group's rules are its Security_Rule rows (strong refs, not
 * root).  The IDL never sends a delete for a row of a non-root table: such
 * a row is deleted by ovsdb-server's garbage collection, in the same
 * transaction, once no row refers to it.  So SG_RULE_DEL takes the rule out
 * of its group's 'rules', and SG_DEL deletes the group and its rules go
 * with it; but the server checks references before it collects garbage,
 * so a rule of the group that names the group itself as its remote would
 * keep the group alive ("referential integrity violation"): SG_DEL first
 * clears those rules' remote_group.
 *
 * Concurrent writers: every op verifies the tenant's
 * external_ids:weft-sg-gen and bumps it, so two writes to one tenant's
 * groups conflict (the second gets TRY_AGAIN and weft-txn validates it
 * again): two rule adds cannot take the same rule id, a group cannot be
 * deleted while another client adds a member or a rule naming it. */
#include <config.h>

#include "weft-write-security.h"

#include <stdlib.h>

#include "ovsdb-idl.h"
#include "smap.h"
#include "topology.h"
#include "util.h"
#include "validate.h"
#include "weft-idl.h"

static void
bump_sg_gen__(const struct topo_tenant *tenant, struct ovsdb_idl *idl)
{
    const struct weftrec_tenant *row = weftrec_tenant_get_for_uuid(
        idl, &tenant->uuid);
    if (row) {
        weftrec_tenant_verify_external_ids(row);
        unsigned long long gen = smap_get_ullong(&row->external_ids,
                                                 "weft-sg-gen", 0);
        struct smap ids;
        smap_clone(&ids, &row->external_ids);
        smap_replace_nocopy(&ids, "weft-sg-gen", xasprintf("%llu", gen + 1));
        weftrec_tenant_set_external_ids(row, &ids);
        smap_destroy(&ids);
    }
}

static void
sg_add__(const struct weft_plan *plan, struct ovsdb_idl *idl,
         struct ovsdb_idl_txn *txn)
{
    const struct weftrec_security_group *row
        = weftrec_security_group_insert(txn);
    weftrec_security_group_set_tenant(row, weftrec_tenant_get_for_uuid(
                                               idl, &plan->tenant->uuid));
    weftrec_security_group_set_name(row, plan->req->path[1]);
}

static void
sg_del__(const struct weftrec_security_group *row)
{
    for (size_t i = 0; i < row->n_rules; i++) {
        if (row->rules[i]->remote_group == row) {
            weftrec_security_rule_set_remote_group(row->rules[i], NULL);
        }
    }
    weftrec_security_group_set_rules(row, NULL, 0);
    weftrec_security_group_delete(row);
}

static void
rule_add__(const struct weft_plan *plan,
           const struct weftrec_security_group *group, struct ovsdb_idl *idl,
           struct ovsdb_idl_txn *txn)
{
    const struct topo_sg_rule *r = &plan->sg_rule;
    const struct weftrec_security_rule *row
        = weftrec_security_rule_insert(txn);
    weftrec_security_rule_set_rule_id(row, r->id);
    weftrec_security_rule_set_flow_key(row, r->key);
    weftrec_security_rule_set_direction(row,
                                        topo_sg_dir_to_string(r->direction));
    weftrec_security_rule_set_proto(row, topo_sg_proto_name(r->proto));
    if (r->port_min) {
        int64_t min = r->port_min, max = r->port_max;
        weftrec_security_rule_set_port_min(row, &min, 1);
        weftrec_security_rule_set_port_max(row, &max, 1);
    }
    if (r->remote_family) {
        char *cidr = topo_sg_prefix_to_string(r->remote_family,
                                              &r->remote_prefix,
                                              r->remote_plen);
        weftrec_security_rule_set_remote_cidr(row, cidr);
        free(cidr);
    }
    if (r->remote_group) {
        weftrec_security_rule_set_remote_group(
            row, weftrec_security_group_get_for_uuid(
                     idl, &r->remote_group->uuid));
    }
    weftrec_security_group_update_rules_addvalue(group, row);
}

static void
rule_del__(const struct weft_plan *plan,
           const struct weftrec_security_group *group, struct ovsdb_idl *idl)
{
    const struct weftrec_security_rule *row
        = weftrec_security_rule_get_for_uuid(idl, &plan->sg_rule.uuid);
    if (row) {
        weftrec_security_group_update_rules_delvalue(group, row);
    }
}

static void
member_modify__(const struct weft_plan *plan,
                const struct weftrec_security_group *group,
                struct ovsdb_idl *idl)
{
    const struct weftrec_port *port = weftrec_port_get_for_uuid(
        idl, &plan->port->uuid);
    if (plan->req->op == WEFT_OP_SG_MEMBER_ADD) {
        weftrec_port_update_security_groups_addvalue(port, group);
    } else {
        weftrec_port_update_security_groups_delvalue(port, group);
    }
}

bool
weft_write_security_plan(const struct weft_plan *plan, struct ovsdb_idl *idl,
                         struct ovsdb_idl_txn *txn)
{
    const struct weftrec_security_group *group = (
        plan->sg ? weftrec_security_group_get_for_uuid(idl, &plan->sg->uuid)
                 : NULL);
    switch (plan->req->op) {
    case WEFT_OP_SG_ADD:
        sg_add__(plan, idl, txn);
        break;
    case WEFT_OP_SG_DEL:
        sg_del__(group);
        break;
    case WEFT_OP_SG_RULE_ADD:
        rule_add__(plan, group, idl, txn);
        break;
    case WEFT_OP_SG_RULE_DEL:
        rule_del__(plan, group, idl);
        break;
    case WEFT_OP_SG_MEMBER_ADD:
    case WEFT_OP_SG_MEMBER_DEL:
        member_modify__(plan, group, idl);
        break;
    default:
        return false;
    }
    bump_sg_gen__(plan->tenant, idl);
    return true;
}

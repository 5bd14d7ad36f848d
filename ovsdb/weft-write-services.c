/* weft-write-services: the service ops of the write layer (weft-write.h):
 * a validated plan (topology/validate-service.c) -> changes to a Service
 * row.  Checks nothing itself.
 *
 * Canonical values: 'vip' as the dotted quad IP_FMT prints, 'proto' "tcp"
 * or "udp", 'node_port' empty for none.  A backend is one key of
 * 'backends' (its port -> target port); its weight is a key of 'weights'
 * only when it is not 1 (absent means 1, so one backend has one spelling);
 * a backend marked down is in 'down'.  All three refer to the Port row
 * weakly: deleting the port removes it from every service. */
#include <config.h>

#include "weft-write-services.h"

#include <stdlib.h>

#include "ovsdb-idl.h"
#include "packets.h"
#include "topology.h"
#include "util.h"
#include "validate.h"
#include "weft-idl.h"

static void
service_add__(const struct weft_plan *plan, struct ovsdb_idl *idl,
              struct ovsdb_idl_txn *txn)
{
    const struct weftrec_service *row = weftrec_service_insert(txn);
    weftrec_service_set_tenant(row, weftrec_tenant_get_for_uuid(
                                        idl, &plan->tenant->uuid));
    weftrec_service_set_router(row, weftrec_router_get_for_uuid(
                                        idl, &plan->router->uuid));
    weftrec_service_set_name(row, plan->req->path[1]);
    weftrec_service_set_flow_key(row, plan->key);
    char *vip = xasprintf(IP_FMT, IP_ARGS(plan->vip));
    weftrec_service_set_vip(row, vip);
    free(vip);
    weftrec_service_set_port(row, plan->svc_port);
    weftrec_service_set_proto(row, topo_proto_name(plan->svc_proto));
    int64_t node_port = plan->node_port;
    weftrec_service_set_node_port(row, &node_port, plan->node_port != 0);
}

/* True if 'port' is in 'ports[n]' (a row's weights keys or down set): the
 * IDL warns about deleting a key the row does not hold. */
static bool
has_port(struct weftrec_port *const *ports, size_t n,
         const struct weftrec_port *port)
{
    for (size_t i = 0; i < n; i++) {
        if (ports[i] == port) {
            return true;
        }
    }
    return false;
}

static void
del_weight(const struct weftrec_service *row, const struct weftrec_port *port)
{
    if (has_port(row->key_weights, row->n_weights, port)) {
        weftrec_service_update_weights_delkey(row, port);
    }
}

static void
del_down(const struct weftrec_service *row, const struct weftrec_port *port)
{
    if (has_port(row->down, row->n_down, port)) {
        weftrec_service_update_down_delvalue(row, port);
    }
}

/* BACKEND_ADD, _SET, _DEL: the port's key in the three columns. */
static void
backend_modify__(const struct weft_plan *plan,
                 const struct weftrec_service *row, struct ovsdb_idl *idl)
{
    const struct topo_backend *b = &plan->backend;
    const struct weftrec_port *port = weftrec_port_get_for_uuid(
        idl, &b->port->uuid);
    if (plan->req->op == WEFT_OP_BACKEND_DEL) {
        weftrec_service_update_backends_delkey(row, port);
        del_weight(row, port);
        del_down(row, port);
        return;
    }
    weftrec_service_update_backends_setkey(row, port, b->port_num);
    if (b->weight != 1) {
        weftrec_service_update_weights_setkey(row, port, b->weight);
    } else {
        del_weight(row, port);
    }
    if (b->down) {
        weftrec_service_update_down_addvalue(row, port);
    } else {
        del_down(row, port);
    }
}

bool
weft_write_service_plan(const struct weft_plan *plan, struct ovsdb_idl *idl,
                        struct ovsdb_idl_txn *txn)
{
    const struct weftrec_service *row = (
        plan->service ? weftrec_service_get_for_uuid(idl,
                                                     &plan->service->uuid)
                      : NULL);
    switch (plan->req->op) {
    case WEFT_OP_SERVICE_ADD:
        service_add__(plan, idl, txn);
        return true;
    case WEFT_OP_SERVICE_DEL:
        weftrec_service_delete(row);
        return true;
    case WEFT_OP_SERVICE_SET: {
        int64_t node_port = plan->node_port;
        weftrec_service_set_node_port(row, &node_port,
                                      plan->node_port != 0);
        return true;
    }
    case WEFT_OP_BACKEND_ADD:
    case WEFT_OP_BACKEND_DEL:
    case WEFT_OP_BACKEND_SET:
        backend_modify__(plan, row, idl);
        return true;
    default:
        return false;
    }
}

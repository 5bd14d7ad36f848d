/* validate-ref: the network, and the port in it, that a request names in
 * 'network' ("NAME" of the request's tenant, or "TENANT/NAME") and
 * 'port_name', looked up in step 2 by validate-request.c (ROUTER_ATTACH,
 * _DETACH), validate-service.c (a backend) and validate-security.c (a
 * member).  See validate.h.  Pure: no I/O, no globals.
 *
 * Another tenant's network does not exist for a tenant ('tenant_view'):
 * the same answer whether it exists or not.  An administrator gets it, and
 * the caller decides whether another tenant's object is allowed. */
#include <config.h>

#include "validate.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

const struct topo_network *
validate_find_network_ref(const struct topology *topo,
                          const struct weft_plan *plan, char **tenant_namep,
                          const char **namep)
{
    const struct weft_request *req = plan->req;
    const struct topo_tenant *tenant = plan->tenant;
    const char *slash = strchr(req->network, '/');
    const char *name = slash ? slash + 1 : req->network;
    char *tenant_name = (slash ? xmemdup0(req->network, slash - req->network)
                               : xstrdup(tenant->name));
    if (strcmp(tenant_name, tenant->name)) {
        tenant = (req->tenant_view ? NULL
                  : topology_find_tenant_by_name(topo, tenant_name));
    }
    *tenant_namep = tenant_name;
    *namep = name;
    return tenant ? topology_find_network_by_name(topo, tenant, name) : NULL;
}

struct weft_error *
validate_find_port_ref(const struct topology *topo, struct weft_plan *plan)
{
    const struct weft_request *req = plan->req;
    char *tenant_name;
    const char *name;
    plan->net = validate_find_network_ref(topo, plan, &tenant_name, &name);
    plan->port = (plan->net
                  ? topology_find_port_by_name(topo, plan->net,
                                               req->port_name)
                  : NULL);
    struct weft_error *error = NULL;
    if (!plan->net) {
        error = weft_error_format(WEFT_ERR_NOT_FOUND, "network %s/%s does "
                                  "not exist", tenant_name, name);
    } else if (!plan->port) {
        error = weft_error_format(WEFT_ERR_NOT_FOUND, "port %s/%s/%s does "
                                  "not exist", tenant_name, name,
                                  req->port_name);
    }
    free(tenant_name);
    return error;
}

/* render: the REST API's answers as statuses and JSON bodies.  See
 * render.h. */
#include "render.h"

#include <stdio.h>

int
rest_http_status(enum weft_err_kind kind)
{
    switch (kind) {
    case WEFT_ERR_INVALID: return 400;
    case WEFT_ERR_UNAUTHORIZED: return 401;
    case WEFT_ERR_FORBIDDEN: return 403;
    case WEFT_ERR_NOT_FOUND: return 404;
    case WEFT_ERR_METHOD: return 405;
    case WEFT_ERR_CONFLICT: return 409;
    case WEFT_ERR_TOO_LARGE: return 413;
    case WEFT_ERR_INTERNAL: return 500;
    case WEFT_ERR_UNAVAILABLE: return 503;
    case WEFT_ERR_TIMEOUT: return 504;
    }
    return 500;
}

const char *
rest_reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Internal Server Error";
    }
}

json_t *
rest_error_json(enum weft_err_kind kind, const char *detail)
{
    return json_pack("{s:s, s:s}", "error", weft_err_kind_name(kind),
                     "detail", detail);
}

static json_t *
string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* A host's "external": {"iface", "ip", "gateway"[, "gateway_mac"]}, the
 * MAC only once weftd has resolved it; or null. */
static json_t *
external_json(const struct api_host_view *v)
{
    if (!v->external_iface) {
        return json_null();
    }
    json_t *o = json_pack("{s:s, s:o, s:o}", "iface", v->external_iface,
                          "ip", string_or_null(v->external_ip),
                          "gateway", string_or_null(v->external_gateway));
    if (v->external_gateway_mac) {
        json_object_set_new(o, "gateway_mac",
                            json_string(v->external_gateway_mac));
    }
    return o;
}

static json_t *
host_json(const struct api_host_view *v)
{
    json_t *o = json_pack("{s:s, s:b, s:b, s:I, s:o}",
                          "name", v->name,
                          "ovsdb_connected", v->ovsdb_connected,
                          "openflow_connected", v->openflow_connected,
                          "cur_cfg", (json_int_t) v->cur_cfg,
                          "openflow_state", string_or_null(v->openflow_state));
    if (v->ovsdb_remote) {      /* Admins only. */
        json_object_set_new(o, "ovsdb_remote", json_string(v->ovsdb_remote));
        json_object_set_new(o, "openflow_remote",
                            string_or_null(v->openflow_remote));
        json_object_set_new(o, "tunnel_ip", string_or_null(v->tunnel_ip));
        json_object_set_new(o, "datapath_type",
                            string_or_null(v->datapath_type));
        json_object_set_new(o, "uplink", string_or_null(v->uplink));
        json_object_set_new(o, "external", external_json(v));
    }
    return o;
}

static json_t *
tenant_json(const struct api_tenant_view *v)
{
    return json_pack("{s:s, s:I}", "name", v->name, "key",
                     (json_int_t) v->key);
}

static json_t *
network_json(const struct api_network_view *v)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:b, s:I, s:o, s:o, s:o}",
                     "tenant", v->tenant, "name", v->name, "type", v->type,
                     "segment_id", (json_int_t) v->segment_id,
                     "mtu", (json_int_t) v->mtu,
                     "mtu_default", v->mtu_default,
                     "key", (json_int_t) v->key,
                     "cidr", string_or_null(v->cidr),
                     "gateway", string_or_null(v->gateway),
                     "router", string_or_null(v->router));
}

/* {"tenant", "name", "key", "networks": [{"network", "ip", "mac"}...],
 * "routes": [{"prefix", "nexthop"}...]}. */
static json_t *
router_json(const struct api_router_view *v)
{
    json_t *nets = json_array();
    for (size_t i = 0; i < v->n_ports; i++) {
        const struct api_router_port_view *p = &v->ports[i];
        json_array_append_new(nets, json_pack("{s:s, s:o, s:s}",
                                              "network", p->network,
                                              "ip", string_or_null(p->ip),
                                              "mac", p->mac));
    }
    json_t *routes = json_array();
    for (size_t i = 0; i < v->n_routes; i++) {
        json_array_append_new(routes, json_pack("{s:s, s:s}",
                                                "prefix", v->routes[i].prefix,
                                                "nexthop",
                                                v->routes[i].nexthop));
    }
    return json_pack("{s:s, s:s, s:I, s:b, s:o, s:o}", "tenant", v->tenant,
                     "name", v->name, "key", (json_int_t) v->key,
                     "snat", v->snat, "networks", nets, "routes", routes);
}

/* {"name", "cidr", "floating_ips"}: the last, how many are taken. */
static json_t *
pool_json(const struct api_pool_view *v)
{
    return json_pack("{s:s, s:s, s:I}", "name", v->name, "cidr", v->cidr,
                     "floating_ips", (json_int_t) v->n_fips);
}

/* {"ip", "pool", "tenant", "network", "port", "host"}: the last three null
 * while it is not assigned. */
static json_t *
fip_json(const struct api_fip_view *v)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "ip", v->ip,
                     "pool", v->pool, "tenant", v->tenant,
                     "network", string_or_null(v->network),
                     "port", string_or_null(v->port),
                     "host", string_or_null(v->host));
}

/* {"host", "host_ip", "host_port", "proto", "tenant", "network", "port",
 * "endpoint_ip", "to_port"}. */
static json_t *
mapping_json(const struct api_mapping_view *v)
{
    return json_pack("{s:s, s:o, s:I, s:s, s:s, s:s, s:s, s:o, s:I}",
                     "host", v->host, "host_ip", string_or_null(v->host_ip),
                     "host_port", (json_int_t) v->host_port,
                     "proto", v->proto, "tenant", v->tenant,
                     "network", v->network, "port", v->port,
                     "endpoint_ip", string_or_null(v->endpoint_ip),
                     "to_port", (json_int_t) v->to_port);
}

/* {"name", "tenant", "router", "vip", "port", "proto", "node_port",
 * "backends": [{"network", "port", "ip", "to_port", "weight", "down"}]}. */
static json_t *
service_json(const struct api_service_view *v)
{
    json_t *backends = json_array();
    for (size_t i = 0; i < v->n_backends; i++) {
        const struct api_backend_view *b = &v->backends[i];
        json_array_append_new(backends, json_pack(
                                  "{s:s, s:s, s:o, s:I, s:I, s:b}",
                                  "network", b->network, "port", b->port,
                                  "ip", string_or_null(b->ip),
                                  "to_port", (json_int_t) b->to_port,
                                  "weight", (json_int_t) b->weight,
                                  "down", b->down));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:o, s:o}",
                     "name", v->name, "tenant", v->tenant,
                     "router", v->router, "vip", v->vip,
                     "port", (json_int_t) v->port, "proto", v->proto,
                     "node_port", (v->node_port
                                   ? json_integer(v->node_port)
                                   : json_null()),
                     "backends", backends);
}

/* {"tenant", "name", "backends": [{"network", "port", "ip", "to_port",
 * "connections", "packets"}]}: the counters summed over the hosts. */
static json_t *
service_stats_json(const struct api_service_view *v)
{
    json_t *backends = json_array();
    for (size_t i = 0; i < v->n_backends; i++) {
        const struct api_backend_view *b = &v->backends[i];
        json_array_append_new(backends, json_pack(
                                  "{s:s, s:s, s:o, s:I, s:I, s:I}",
                                  "network", b->network, "port", b->port,
                                  "ip", string_or_null(b->ip),
                                  "to_port", (json_int_t) b->to_port,
                                  "connections",
                                  (json_int_t) b->connections,
                                  "packets", (json_int_t) b->packets));
    }
    return json_pack("{s:s, s:s, s:o}", "tenant", v->tenant,
                     "name", v->name, "backends", backends);
}

/* {"id", "direction", "proto", "ports", "remote_cidr", "remote_group"}:
 * absent ones null. */
static json_t *
sg_rule_json(const struct api_sg_rule_view *r)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}",
                     "id", (json_int_t) r->id, "direction", r->direction,
                     "proto", r->proto, "ports", string_or_null(r->ports),
                     "remote_cidr", string_or_null(r->remote_cidr),
                     "remote_group", string_or_null(r->remote_group));
}

/* {"name", "tenant", "rules": [rule...], "members": [{"network",
 * "port"}]}. */
static json_t *
sg_json(const struct api_sg_view *v)
{
    json_t *rules = json_array();
    for (size_t i = 0; i < v->n_rules; i++) {
        json_array_append_new(rules, sg_rule_json(&v->rules[i]));
    }
    json_t *members = json_array();
    for (size_t i = 0; i < v->n_members; i++) {
        json_array_append_new(members, json_pack(
                                  "{s:s, s:s}",
                                  "network", v->members[i].network,
                                  "port", v->members[i].port));
    }
    return json_pack("{s:s, s:s, s:o, s:o}", "name", v->name,
                     "tenant", v->tenant, "rules", rules,
                     "members", members);
}

/* {"rules": [{"id", "packets", "bytes"}], "default_deny": {"ingress",
 * "egress"}}: the counters summed over the hosts. */
static json_t *
sg_stats_json(const struct api_sg_view *v)
{
    json_t *rules = json_array();
    for (size_t i = 0; i < v->n_rules; i++) {
        const struct api_sg_rule_view *r = &v->rules[i];
        json_array_append_new(rules, json_pack(
                                  "{s:I, s:I, s:I}",
                                  "id", (json_int_t) r->id,
                                  "packets", (json_int_t) r->packets,
                                  "bytes", (json_int_t) r->bytes));
    }
    return json_pack("{s:o, s:{s:I, s:I}}", "rules", rules,
                     "default_deny",
                     "ingress", (json_int_t) v->deny_ingress,
                     "egress", (json_int_t) v->deny_egress);
}

static json_t *
port_json(const struct api_port_view *v)
{
    json_t *ips = json_array();
    for (size_t i = 0; i < v->n_ips; i++) {
        json_array_append_new(ips, json_string(v->ips[i]));
    }
    json_t *sgs = json_array();
    for (size_t i = 0; i < v->n_sgs; i++) {
        json_array_append_new(sgs, json_string(v->sgs[i]));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:o, s:o, "
                     "s:o, s:o}",
                     "tenant", v->tenant, "network", v->network,
                     "name", v->name, "host", v->host, "iface", v->iface,
                     "mac", v->mac, "ips", ips, "key", (json_int_t) v->key,
                     "ofport", (v->ofport >= 0
                                ? json_integer(v->ofport) : json_null()),
                     "up", v->up >= 0 ? json_boolean(v->up) : json_null(),
                     "error", string_or_null(v->error),
                     "security_groups", sgs);
}

/* {"tenant": T, "quotas": {NAME: {"limit", "used", "default"}...}}. */
static json_t *
quota_json(const struct api_call *call)
{
    json_t *quotas = json_object();
    for (size_t i = 0; i < call->n_quotas; i++) {
        const struct api_quota_view *v = &call->quotas[i];
        json_object_set_new(quotas, v->name,
                            json_pack("{s:I, s:I, s:b}",
                                      "limit", (json_int_t) v->limit,
                                      "used", (json_int_t) v->used,
                                      "default", v->is_default));
    }
    return json_pack("{s:s, s:o}", "tenant", call->path[0], "quotas",
                     quotas);
}

static json_t *
flows_json(const struct api_flows_view *v)
{
    json_t *flows = json_array();
    for (size_t i = 0; i < v->n_flows; i++) {
        json_array_append_new(flows, json_string(v->flows[i]));
    }
    return json_pack("{s:s, s:o, s:o}", "host", v->host,
                     "openflow_state", string_or_null(v->openflow_state),
                     "flows", flows);
}

static json_t *
int_or_null(long long n)
{
    return n >= 0 ? json_integer(n) : json_null();
}

/* /v1/status's "cluster": weft's database members (ovsdb/cluster-status.h
 * names the fields). */
static json_t *
cluster_json(const struct api_call *call)
{
    json_t *members = json_array();
    for (size_t i = 0; i < call->n_members; i++) {
        const struct api_member_view *m = &call->members[i];
        json_array_append_new(members, json_pack(
            "{s:s, s:b, s:b, s:o, s:o, s:o, s:o, s:o}",
            "remote", m->remote, "connected", m->connected,
            "leader", m->leader, "model", string_or_null(m->model),
            "sid", string_or_null(m->sid), "cid", string_or_null(m->cid),
            "index", int_or_null(m->index),
            "error", string_or_null(m->error)));
    }
    return json_pack("{s:s, s:o, s:o}",
                     "model", call->cluster_model,
                     "leader", string_or_null(call->cluster_leader),
                     "members", members);
}

/* /v1/status's "controller": the active weftd (Weft_Global). */
static json_t *
controller_json(const struct api_call *call)
{
    return json_pack("{s:o, s:I, s:o, s:o}",
                     "active", string_or_null(call->active_controller),
                     "generation", (json_int_t) call->controller_generation,
                     "active_since", int_or_null(call->active_since),
                     "previous", string_or_null(call->previous_controller));
}

/* Returns the objects in 'call' (of its resource) as a JSON array. */
static json_t *
objects_json(const struct api_call *call)
{
    json_t *a = json_array();
    switch (call->resource) {
    case API_STATUS:
    case API_HOSTS:
        for (size_t i = 0; i < call->n_hosts; i++) {
            json_array_append_new(a, host_json(&call->hosts[i]));
        }
        break;
    case API_TENANTS:
        for (size_t i = 0; i < call->n_tenants; i++) {
            json_array_append_new(a, tenant_json(&call->tenants[i]));
        }
        break;
    case API_NETWORKS:
        for (size_t i = 0; i < call->n_networks; i++) {
            json_array_append_new(a, network_json(&call->networks[i]));
        }
        break;
    case API_PORTS:
        for (size_t i = 0; i < call->n_ports; i++) {
            json_array_append_new(a, port_json(&call->ports[i]));
        }
        break;
    case API_ROUTERS:
        for (size_t i = 0; i < call->n_routers; i++) {
            json_array_append_new(a, router_json(&call->routers[i]));
        }
        break;
    case API_FLOWS:
        for (size_t i = 0; i < call->n_flows; i++) {
            json_array_append_new(a, flows_json(&call->flows[i]));
        }
        break;
    case API_POOLS:
        for (size_t i = 0; i < call->n_pools; i++) {
            json_array_append_new(a, pool_json(&call->pools[i]));
        }
        break;
    case API_FIPS:
        for (size_t i = 0; i < call->n_fips; i++) {
            json_array_append_new(a, fip_json(&call->fips[i]));
        }
        break;
    case API_MAPPINGS:
        for (size_t i = 0; i < call->n_mappings; i++) {
            json_array_append_new(a, mapping_json(&call->mappings[i]));
        }
        break;
    case API_SERVICES:
        for (size_t i = 0; i < call->n_services; i++) {
            json_array_append_new(a, service_json(&call->services[i]));
        }
        break;
    case API_SERVICE_STATS:
        for (size_t i = 0; i < call->n_services; i++) {
            json_array_append_new(a, service_stats_json(&call->services[i]));
        }
        break;
    case API_SGS:
        for (size_t i = 0; i < call->n_sgs; i++) {
            const struct api_sg_view *v = &call->sgs[i];
            json_array_append_new(a, (call->verb == API_WRITE
                                      && v->new_rule >= 0
                                      ? sg_rule_json(&v->rules[v->new_rule])
                                      : sg_json(v)));
        }
        break;
    case API_SG_STATS:
        for (size_t i = 0; i < call->n_sgs; i++) {
            json_array_append_new(a, sg_stats_json(&call->sgs[i]));
        }
        break;
    case API_METRICS:
    case API_QUOTA:
    case API_VERSION:
        break;
    }
    return a;
}

json_t *
rest_render_call(const struct api_call *call, int *status)
{
    if (call->resource == API_QUOTA) {
        /* GET, and PATCH's answer: the quotas as they are now. */
        *status = 200;
        return quota_json(call);
    }
    json_t *objects = objects_json(call);
    if (call->resource == API_STATUS) {
        *status = 200;
        json_t *answer = json_pack("{s:I, s:o}",
                                   "nb_cfg", (json_int_t) call->nb_cfg,
                                   "hosts", objects);
        if (call->cluster_model) {     /* An administrator's. */
            json_object_set_new(answer, "cluster", cluster_json(call));
            json_object_set_new(answer, "controller", controller_json(call));
        }
        return answer;
    } else if (call->resource == API_FLOWS) {
        *status = 200;
        return json_pack("{s:s, s:s, s:s, s:s, s:o}",
                         "tenant", call->path[0], "network", call->path[1],
                         "cookie", call->cookie ? call->cookie : "",
                         "cookie_mask", "0xffffffffff000000",
                         "hosts", objects);
    } else if (call->verb == API_LIST) {
        *status = 200;
        return objects;
    } else if (call->verb == API_WRITE
               && (call->req.op == WEFT_OP_HOST_DEL
                   || call->req.op == WEFT_OP_TENANT_DEL
                   || call->req.op == WEFT_OP_NET_DEL
                   || call->req.op == WEFT_OP_PORT_DEL
                   || call->req.op == WEFT_OP_ROUTER_DEL
                   || call->req.op == WEFT_OP_ROUTER_DETACH
                   || call->req.op == WEFT_OP_ROUTE_DEL
                   || call->req.op == WEFT_OP_POOL_DEL
                   || call->req.op == WEFT_OP_FIP_DEL
                   || call->req.op == WEFT_OP_MAP_DEL
                   || call->req.op == WEFT_OP_SERVICE_DEL
                   || call->req.op == WEFT_OP_BACKEND_DEL
                   || call->req.op == WEFT_OP_SG_DEL
                   || call->req.op == WEFT_OP_SG_RULE_DEL
                   || call->req.op == WEFT_OP_SG_MEMBER_DEL)) {
        json_decref(objects);
        *status = 204;
        return NULL;
    } else {
        json_t *object = json_array_get(objects, 0);
        object = object ? json_incref(object) : json_object();
        json_decref(objects);
        if (call->token) {
            json_object_set_new(object, "token", json_string(call->token));
        }
        /* A PATCH answers the object as it is now; a POST the new one. */
        enum weft_op op = call->req.op;
        *status = (call->verb == API_WRITE && op != WEFT_OP_TENANT_TOKEN
                   && op != WEFT_OP_HOST_SET && op != WEFT_OP_ROUTER_SET
                   && op != WEFT_OP_FIP_SET && op != WEFT_OP_SERVICE_SET
                   && op != WEFT_OP_BACKEND_SET ? 201 : 200);
        return object;
    }
}

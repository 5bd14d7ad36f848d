/* api-call: creating and freeing 'struct api_call' (see api.h).
 *
 * Plain C, with neither OVS nor jansson headers, so that both sides of the
 * REST API, and the request-parsing fuzz target (tests/fuzz/), can use it. */
#include "api.h"

#include <stdlib.h>

struct api_call *
api_call_create(enum api_verb verb, enum api_resource resource)
{
    struct api_call *call = calloc(1, sizeof *call);
    if (!call) {
        abort();
    }
    call->verb = verb;
    call->resource = resource;
    return call;
}

static void
free_strings(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i]);
    }
    free(s);
}

static void
free_host_views(struct api_host_view *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].ovsdb_remote);
        free(v[i].openflow_remote);
        free(v[i].tunnel_ip);
        free(v[i].datapath_type);
        free(v[i].uplink);
        free(v[i].openflow_state);
        free(v[i].external_iface);
        free(v[i].external_ip);
        free(v[i].external_gateway);
        free(v[i].external_gateway_mac);
    }
    free(v);
}

static void
free_nat_views(struct api_call *call)
{
    for (size_t i = 0; i < call->n_pools; i++) {
        free(call->pools[i].name);
        free(call->pools[i].cidr);
    }
    free(call->pools);
    for (size_t i = 0; i < call->n_fips; i++) {
        struct api_fip_view *v = &call->fips[i];
        free(v->ip);
        free(v->pool);
        free(v->tenant);
        free(v->network);
        free(v->port);
        free(v->host);
    }
    free(call->fips);
    for (size_t i = 0; i < call->n_mappings; i++) {
        struct api_mapping_view *v = &call->mappings[i];
        free(v->host);
        free(v->host_ip);
        free(v->proto);
        free(v->tenant);
        free(v->network);
        free(v->port);
        free(v->endpoint_ip);
    }
    free(call->mappings);
}

static void
free_service_views(struct api_service_view *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].tenant);
        free(v[i].name);
        free(v[i].router);
        free(v[i].vip);
        free(v[i].proto);
        for (size_t j = 0; j < v[i].n_backends; j++) {
            free(v[i].backends[j].network);
            free(v[i].backends[j].port);
            free(v[i].backends[j].ip);
        }
        free(v[i].backends);
    }
    free(v);
}

static void
free_sg_views(struct api_sg_view *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].tenant);
        free(v[i].name);
        for (size_t j = 0; j < v[i].n_rules; j++) {
            struct api_sg_rule_view *r = &v[i].rules[j];
            free(r->direction);
            free(r->proto);
            free(r->ports);
            free(r->remote_cidr);
            free(r->remote_group);
        }
        free(v[i].rules);
        for (size_t j = 0; j < v[i].n_members; j++) {
            free(v[i].members[j].network);
            free(v[i].members[j].port);
        }
        free(v[i].members);
    }
    free(v);
}

static void
free_port_views(struct api_port_view *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].tenant);
        free(v[i].network);
        free(v[i].name);
        free(v[i].host);
        free(v[i].iface);
        free(v[i].mac);
        free_strings(v[i].ips, v[i].n_ips);
        free(v[i].error);
        free_strings(v[i].sgs, v[i].n_sgs);
    }
    free(v);
}

static void
free_router_views(struct api_router_view *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].tenant);
        free(v[i].name);
        for (size_t j = 0; j < v[i].n_ports; j++) {
            free(v[i].ports[j].network);
            free(v[i].ports[j].ip);
            free(v[i].ports[j].mac);
        }
        free(v[i].ports);
        for (size_t j = 0; j < v[i].n_routes; j++) {
            free(v[i].routes[j].prefix);
            free(v[i].routes[j].nexthop);
        }
        free(v[i].routes);
    }
    free(v);
}

void
api_call_destroy(struct api_call *call)
{
    if (!call) {
        return;
    }
    for (size_t i = 0; i < sizeof call->path / sizeof *call->path; i++) {
        free(call->path[i]);
    }
    weft_request_destroy(&call->req);
    free(call->token_hash);
    free(call->token);
    weft_error_destroy(call->error);
    free_host_views(call->hosts, call->n_hosts);
    for (size_t i = 0; i < call->n_tenants; i++) {
        free(call->tenants[i].name);
    }
    free(call->tenants);
    for (size_t i = 0; i < call->n_networks; i++) {
        free(call->networks[i].tenant);
        free(call->networks[i].name);
        free(call->networks[i].type);
        free(call->networks[i].cidr);
        free(call->networks[i].gateway);
        free(call->networks[i].router);
    }
    free(call->networks);
    free_router_views(call->routers, call->n_routers);
    free_port_views(call->ports, call->n_ports);
    free_nat_views(call);
    free_service_views(call->services, call->n_services);
    free_sg_views(call->sgs, call->n_sgs);
    for (size_t i = 0; i < call->n_flows; i++) {
        free(call->flows[i].host);
        free(call->flows[i].openflow_state);
        free_strings(call->flows[i].flows, call->flows[i].n_flows);
    }
    free(call->flows);
    for (size_t i = 0; i < call->n_members; i++) {
        struct api_member_view *m = &call->members[i];
        free(m->remote);
        free(m->model);
        free(m->sid);
        free(m->cid);
        free(m->error);
    }
    free(call->members);
    free(call->cluster_model);
    free(call->cluster_leader);
    free(call->active_controller);
    free(call->previous_controller);
    for (size_t i = 0; i < call->n_quotas; i++) {
        free(call->quotas[i].name);
    }
    free(call->quotas);
    free(call->cookie);
    free(call->text);
    free_strings(call->wait_hosts, call->n_wait_hosts);
    free(call->new_fip);
    free(call);
}

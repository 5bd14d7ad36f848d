/* ops-common: the helpers weftctl's operator commands share (flows.c,
 * trace.c, attach.c; the command line is weftctl-ops.c).  See ops-common.h.
 *
 * The names come from weft's database: a cookie's tenant, network and port
 * keys (ofproto/pipeline.h) map to Tenant/Network/Port rows by flow_key, a
 * router cookie's router key (network key 0) to its Router row; an
 * interface name to a weft port (Port.host + Port.iface) or to the remote
 * host behind a tunnel port (weft_tunnel_name()).  A switch is read over
 * OpenFlow from the same target weftd uses (topo_host_openflow_targets()),
 * so that the commands show the truth even when weftd is confused or down. */
#include <config.h>

#include "ops-common.h"
#include "ops-lb.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compiler.h"
#include "daemon.h"
#include "flow.h"
#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vconn.h"
#include "pipeline.h"
#include "socket-util.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"

/* ------------------------------------------------------------------------
 * Helpers. */

/* Runs 'command' with 'argc' arguments on the unixctl server at 'path'.  On
 * success stores the malloc'd reply in '*resultp' and returns NULL. */
char *
ops_unixctl_call(const char *path, const char *what, const char *command,
                 int argc, char *argv[], char **resultp)
{
    struct jsonrpc *client;
    *resultp = NULL;
    int error = unixctl_client_create(path, &client);
    if (error) {
        return xasprintf("cannot connect to %s at %s (%s)", what, path,
                         ovs_strerror(error));
    }
    char *result = NULL, *err = NULL;
    error = unixctl_client_transact(client, command, argc, argv, &result,
                                    &err);
    jsonrpc_close(client);
    if (error) {
        free(result);
        free(err);
        return xasprintf("%s: %s failed (%s)", what, command,
                         ovs_strerror(error));
    }
    if (err) {
        char *msg = xasprintf("%s: %s: %s", what, command, err);
        free(result);
        free(err);
        return msg;
    }
    *resultp = result ? result : xstrdup("");
    return NULL;
}

/* Returns the pid of the running process that holds pidfile 'file' (OVS's
 * read_pidfile(): the pid is used only if that process still holds the
 * file's lock, so a stale pidfile gives 0), or 0 if there is none.  A
 * missing file is no error here (the host is not a lab host), so it is not
 * handed to read_pidfile(), which would warn about it. */
pid_t
ops_read_pidfile(const char *file)
{
    if (access(file, F_OK)) {
        return 0;
    }
    pid_t pid = read_pidfile(file);
    return pid > 0 ? pid : 0;
}

/* Returns the directory of a "unix:DIR/SOCK" remote, malloc'd, or NULL. */
char *
ops_unix_remote_dir(const char *remote)
{
    if (!remote || strncmp(remote, "unix:", 5)) {
        return NULL;
    }
    const char *path = remote + 5;
    const char *slash = strrchr(path, '/');
    return slash ? xmemdup0(path, slash - path) : xstrdup(".");
}

/* The OpenFlow target weftd uses for 'th'.  Mirrors derive_targets() in
 * host.c: keep the two in step. */
static char *
of_target(const struct topo_host *th)
{
    char *target, *controller_target;
    topo_host_openflow_targets(th, &target, &controller_target);
    free(controller_target);
    return target;
}

const struct topo_port *
ops_port_by_key(const struct ops_ctx *ctx, uint32_t key)
{
    const struct topo_port *p;
    TOPOLOGY_FOR_EACH_PORT (p, &ctx->topo) {
        if (p->key == key) {
            return p;
        }
    }
    return NULL;
}

const struct weftrec_network *
ops_find_network_row(struct ovsdb_idl *idl, char *const path[2])
{
    const struct weftrec_tenant *tenant = weft_db_find_tenant(idl, path[0]);
    return tenant ? weft_db_find_network(idl, tenant, path[1]) : NULL;
}

const struct weftrec_port *
ops_find_port_row(struct ovsdb_idl *idl, char *const path[3])
{
    const struct weftrec_network *net = ops_find_network_row(idl, path);
    return net ? weft_db_find_port(idl, net, path[2]) : NULL;
}

/* ------------------------------------------------------------------------
 * Names. */

const char *
ops_name_of(const struct ops_ctx *ctx, char kind, uint64_t key)
{
    char k[32];
    snprintf(k, sizeof k, "%c%"PRIu64, kind, key);
    return smap_get(&ctx->names, k);
}

void
ops_build_names(struct ops_ctx *ctx)
{
    const struct weftrec_tenant *t;
    WEFTREC_TENANT_FOR_EACH (t, ctx->idl) {
        char k[32];
        snprintf(k, sizeof k, "t%"PRId64, t->flow_key);
        smap_add(&ctx->names, k, t->name);
    }
    const struct weftrec_network *n;
    WEFTREC_NETWORK_FOR_EACH (n, ctx->idl) {
        char k[32];
        snprintf(k, sizeof k, "n%"PRId64, n->flow_key);
        smap_add_format(&ctx->names, k, "%s/%s",
                        n->tenant ? n->tenant->name : "?", n->name);
    }
    const struct weftrec_router *r;
    WEFTREC_ROUTER_FOR_EACH (r, ctx->idl) {
        char k[32];
        snprintf(k, sizeof k, "r%"PRId64, r->flow_key);
        smap_add_format(&ctx->names, k, "%s/%s",
                        r->tenant ? r->tenant->name : "?", r->name);
    }
    const struct weftrec_port *p;
    WEFTREC_PORT_FOR_EACH (p, ctx->idl) {
        char k[32];
        snprintf(k, sizeof k, "p%"PRId64, p->flow_key);
        smap_add_format(&ctx->names, k, "%s/%s/%s",
                        p->network && p->network->tenant
                        ? p->network->tenant->name : "?",
                        p->network ? p->network->name : "?", p->name);
    }

    static const enum topo_net_type types[] = {
        TOPO_NET_VXLAN, TOPO_NET_GRE, TOPO_NET_GENEVE,
    };
    const struct topo_host *th;
    TOPOLOGY_FOR_EACH_HOST (th, &ctx->topo) {
        for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
            char name[16];
            weft_tunnel_name(types[i], th, name);
            struct ops_tunnel *tun = xmalloc(sizeof *tun);
            tun->remote = th;
            tun->type = types[i];
            if (!shash_add_once(&ctx->tunnels, name, tun)) {
                free(tun);
            }
        }
    }
}

/* Appends who owns a flow with 'cookie': "red/vx/h1", "red/vx", "red",
 * "router red/r1" (network key 0, a router key: weft_cookie_router()), or
 * "pipeline" for flows of no tenant. */
void
ops_put_cookie_owner(const struct ops_ctx *ctx, uint64_t cookie, struct ds *s)
{
    if (cookie >> 56 != WEFT_COOKIE_MAGIC) {
        ds_put_cstr(s, "not weft's");
        return;
    }
    if (ops_lb_put_owner(ctx, cookie, s)) {
        return;
    }
    uint64_t t = (cookie >> 40) & 0xffff;
    uint64_t n = (cookie >> 24) & 0xffff;
    uint64_t p = cookie & 0xffffff;
    char kind = p ? (n ? 'p' : 'r') : n ? 'n' : t ? 't' : 0;
    uint64_t key = p ? p : n ? n : t;
    if (!kind) {
        ds_put_cstr(s, "pipeline");
        return;
    }
    const char *name = ops_name_of(ctx, kind, key);
    if (kind == 'r') {
        ds_put_cstr(s, "router ");
    }
    if (name) {
        ds_put_cstr(s, name);
    } else {
        ds_put_format(s, "deleted %s %"PRIu64, kind == 'p' ? "port"
                      : kind == 'r' ? "router"
                      : kind == 'n' ? "network" : "tenant", key);
    }
}

/* Appends a description of interface 'iface' on host 'th'. */
void
ops_put_iface_label(const struct ops_ctx *ctx, const struct topo_host *th,
                    const char *iface, bool long_form, struct ds *s)
{
    const struct weftrec_port *p;
    WEFTREC_PORT_FOR_EACH (p, ctx->idl) {
        if (p->host && !strcmp(p->host->name, th->name)
            && !strcmp(p->iface, iface)) {
            ds_put_format(s, "%s/%s/%s",
                          p->network && p->network->tenant
                          ? p->network->tenant->name : "?",
                          p->network ? p->network->name : "?", p->name);
            return;
        }
    }
    const struct ops_tunnel *tun = shash_find_data(&ctx->tunnels, iface);
    if (tun && long_form) {
        ds_put_format(s, "%s: %s tunnel to host %s (%s)", iface,
                      topo_net_type_to_string(tun->type), tun->remote->name,
                      tun->remote->tunnel_ip ? tun->remote->tunnel_ip : "?");
    } else if (long_form && th->uplink && !strcmp(th->uplink, iface)) {
        ds_put_format(s, "%s: uplink", iface);
    } else {
        ds_put_cstr(s, iface);
    }
}

/* ------------------------------------------------------------------------
 * Reading a switch over OpenFlow. */

void
ops_switch_destroy(struct ops_switch *sw)
{
    if (sw) {
        vconn_close(sw->vconn);
        free(sw->target);
        simap_destroy(&sw->ofports);
        ofputil_port_map_destroy(&sw->ifaces);
        ofputil_port_map_destroy(&sw->labels);
        free(sw);
    }
}

static long long int
remaining_ms(const struct ops_ctx *ctx)
{
    if (ctx->deadline == LLONG_MAX) {
        return -1;
    }
    long long int left = ctx->deadline - time_msec();
    return left > 0 ? left : 1;
}

/* Connects to 'th''s switch (once) and reads its port description. */
char *
ops_switch_open(struct ops_ctx *ctx, const struct topo_host *th,
                struct ops_switch **swp)
{
    struct ops_switch *sw = shash_find_data(&ctx->switches, th->name);
    if (sw) {
        *swp = sw;
        return NULL;
    }
    *swp = NULL;
    sw = xzalloc(sizeof *sw);
    sw->target = of_target(th);
    simap_init(&sw->ofports);
    ofputil_port_map_init(&sw->ifaces);
    ofputil_port_map_init(&sw->labels);

    int error = vconn_open_block(sw->target, WEFT_OF_VERSIONS, DSCP_DEFAULT,
                                 remaining_ms(ctx), &sw->vconn);
    if (error) {
        char *msg = xasprintf("host %s: cannot connect to its switch at %s "
                              "(%s)", th->name, sw->target,
                              ovs_retval_to_string(error));
        ops_switch_destroy(sw);
        return msg;
    }
    sw->version = vconn_get_version(sw->vconn);

    struct ovs_list requests, replies;
    ovs_list_init(&requests);
    struct ofpbuf *req = ofputil_encode_port_desc_stats_request(sw->version,
                                                                OFPP_ANY);
    ovs_list_push_back(&requests, &req->list_node);
    error = vconn_transact_multipart(sw->vconn, &requests, &replies);
    if (error) {
        char *msg = xasprintf("host %s: reading ports from %s failed (%s)",
                              th->name, sw->target,
                              ovs_retval_to_string(error));
        ops_switch_destroy(sw);
        return msg;
    }
    struct ofpbuf *reply;
    LIST_FOR_EACH (reply, list_node, &replies) {
        struct ofpbuf b = ofpbuf_const_initializer(reply->data, reply->size);
        enum ofptype type;
        if (ofptype_decode(&type, b.data)
            || type != OFPTYPE_PORT_DESC_STATS_REPLY) {
            continue;
        }
        ofpraw_pull_assert(&b);
        struct ofputil_phy_port pp;
        while (!ofputil_pull_phy_port(sw->version, &b, &pp)) {
            struct ds label = DS_EMPTY_INITIALIZER;
            ops_put_iface_label(ctx, th, pp.name, false, &label);
            simap_put(&sw->ofports, pp.name, ofp_to_u16(pp.port_no));
            ofputil_port_map_put(&sw->ifaces, pp.port_no, pp.name);
            ofputil_port_map_put(&sw->labels, pp.port_no, ds_cstr(&label));
            ds_destroy(&label);
        }
    }
    ofpbuf_list_delete(&replies);
    shash_add(&ctx->switches, th->name, sw);
    *swp = sw;
    return NULL;
}

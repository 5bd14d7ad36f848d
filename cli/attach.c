/* attach: "weftctl attach" and "weftctl detach", operator commands
 * (weftctl-ops.h; the command line is weftctl-ops.c, the shared helpers
 * ops-common.h).
 *
 * attach makes a veth pair, moves one end into a network namespace as eth0
 * and registers the other end as a weft port, all or nothing; detach undoes
 * it, also a half-made one.  They run "ip" and "ethtool" (ns-run.h: a
 * namespace other than weftctl's own is entered with nsenter --net=PATH),
 * and write the Port row through ovsdb/weft-write.h, the same layer as
 * port-add and port-del. */
#include <config.h>

#include "ops-common.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "changes.h"
#include "compiler.h"
#include "hash.h"
#include "ns-run.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "process.h"
#include "routing-rows.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"
#include "validate.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-txn.h"

/* The namespace that holds 'host''s interfaces: --host-netns, else the Host
 * row's external_ids:netns, else the namespace of the host's ovs-vswitchd
 * when its pidfile is next to a "unix:" remote (a namespace lab host), else
 * weftctl's own. */
static void
host_netns(const struct ops_ctx *ctx, const struct weftrec_host *host,
           struct nsref *ns)
{
    ns->ip_arg = ns->path = NULL;
    const char *hint = smap_get(&host->external_ids, "netns");
    if (ctx->opts->host_netns || hint) {
        nsref_named(ns, ctx->opts->host_netns ? ctx->opts->host_netns : hint);
        return;
    }
    char *dir = ops_unix_remote_dir(host->ovsdb_remote);
    if (dir) {
        char *pidfile = xasprintf("%s/ovs-vswitchd.pid", dir);
        pid_t pid = ops_read_pidfile(pidfile);
        free(pidfile);
        free(dir);
        char *path = xasprintf("/proc/%ld/ns/net", (long) pid);
        if (pid && !ns_same_file(path, "/proc/self/ns/net")) {
            ns->ip_arg = xasprintf("%ld", (long) pid);
            ns->path = path;
            return;
        }
        free(path);
    }
}

/* Commits 'req' like weftctl's write commands, through the one
 * commit/retry loop (ovsdb/weft-txn.h: verify and bump nb_cfg, retry on a
 * conflicting writer) before 'ctx->deadline'; with 'dry_run', only checks
 * it.  Stores in '*nb_cfgp' the nb_cfg the write carries and adds to
 * 'changed' the hosts whose flows it touches (topo_changes_diff_hosts(): the
 * topology it was checked against, then the one after the commit).  Sets
 * '*sentp' if the write was committed, or may have been (a timeout while
 * committing), so that a caller undoing it knows to look. */
static char *
ops_write(struct ops_ctx *ctx, const struct weft_request *req, bool dry_run,
          int64_t *nb_cfgp, struct sset *changed, bool *sentp)
{
    char *comment = xasprintf("weftctl: %s %s", ctx->opts->args[0],
                              ctx->opts->args[1]);
    struct weft_topo_cache topo;
    weft_topo_cache_init(&topo);
    struct weft_txn_spec spec = {
        .req = req,
        .comment = comment,
        .initial_cfg = 1,
        .dry_run = dry_run,
        .deadline = ctx->deadline,
        .topo = &topo,
    };
    struct weft_txn_result result;
    struct weft_error *werr = weft_txn_run_blocking(ctx->idl, &spec, &result);
    *nb_cfgp = result.nb_cfg;
    *sentp = result.committed || result.maybe_committed;
    if (result.committed) {
        /* The IDL has the commit: ovsdb-server sends a transaction's
         * update before its reply. */
        struct topology now;
        topology_init(&now);
        weft_db_load_topology(ctx->idl, &now);
        topo_changes_diff_hosts(&topo.topo, &now, changed);
        topology_destroy(&now);
    }
    char *msg = werr ? xstrdup(werr->message) : NULL;
    weft_error_destroy(werr);
    weft_topo_cache_destroy(&topo);
    free(comment);
    return msg;
}

/* Waits until every host in 'hosts' has installed 'nb_cfg' (Host.cur_cfg),
 * or 'ctx->deadline'.  A host deleted meanwhile has nothing to install. */
static char *
ops_wait_hosts(struct ops_ctx *ctx, int64_t nb_cfg, const struct sset *hosts)
{
    for (;;) {
        ovsdb_idl_run(ctx->idl);
        struct ds lagging = DS_EMPTY_INITIALIZER;
        const char **names = sset_sort(hosts);
        for (size_t i = 0; names[i]; i++) {
            const struct weftrec_host *h = weft_db_find_host(ctx->idl,
                                                             names[i]);
            if (h && h->cur_cfg < nb_cfg) {
                ds_put_format(&lagging, "%s%s", lagging.length ? ", " : "",
                              names[i]);
            }
        }
        free(names);
        if (!lagging.length) {
            ds_destroy(&lagging);
            return NULL;
        }
        if (time_msec() >= ctx->deadline) {
            char *error = xasprintf("timeout waiting for host%s %s to "
                                    "install nb_cfg %"PRId64,
                                    strchr(ds_cstr(&lagging), ',') ? "s" : "",
                                    ds_cstr(&lagging), nb_cfg);
            ds_destroy(&lagging);
            return error;
        }
        ds_destroy(&lagging);
        ovsdb_idl_wait(ctx->idl);
        poll_timer_wait_until(ctx->deadline);
        poll_block();
    }
}

/* Host-side interface name for port 'path': "wf" and 8 hex digits of a
 * hash of the path, so that detach finds it from the Port row alone. */
static void
attach_ifname(char *const path[3], const char *prefix, char name[16])
{
    char *full = xasprintf("%s/%s/%s", path[0], path[1], path[2]);
    snprintf(name, 16, "%s%08"PRIx32, prefix, hash_string(full, 0));
    free(full);
}

/* A locally administered unicast MAC from 'path' that no port of 'net'
 * has. */
static void
attach_mac(struct ops_ctx *ctx, const struct weftrec_network *net,
           char *const path[3], char mac[ETH_ADDR_STRLEN + 1])
{
    char *full = xasprintf("%s/%s/%s", path[0], path[1], path[2]);
    for (uint32_t basis = 0;; basis++) {
        uint32_t h = hash_string(full, basis);
        snprintf(mac, ETH_ADDR_STRLEN + 1, "02:%02x:%02x:%02x:%02x:%02x",
                 basis & 0xff, h >> 24, (h >> 16) & 0xff, (h >> 8) & 0xff,
                 h & 0xff);
        bool used = false;
        const struct weftrec_port *p;
        WEFTREC_PORT_FOR_EACH (p, ctx->idl) {
            used = used || (p->network == net && !strcmp(p->mac, mac));
        }
        if (!used) {
            break;
        }
    }
    free(full);
}

/* Looks for interface 'ifname' in the namespace of 'host' or, if 'host' is
 * NULL (a Port row is gone), of every host, and in weftctl's own.  If it
 * exists, stores where in '*ns' (the caller destroys it) and returns true. */
static bool
attach_find_iface(const struct ops_ctx *ctx, const struct weftrec_host *host,
                  const char *ifname, struct nsref *ns)
{
    const struct weftrec_host *h;
    WEFTREC_HOST_FOR_EACH (h, ctx->idl) {
        if (host && h != host) {
            continue;
        }
        host_netns(ctx, h, ns);
        char *error = ns_run(ns, true, "ip", "link", "show", ifname, NULL);
        if (!error) {
            return true;
        }
        free(error);
        nsref_destroy(ns);
    }
    ns->ip_arg = ns->path = NULL;
    char *error = ns_run(ns, true, "ip", "link", "show", ifname, NULL);
    free(error);
    return !error;
}

/* Undoing a failed attach gets this long on top of --timeout: an attach that
 * timed out must still leave nothing behind. */
#define ATTACH_UNDO_MSEC 10000

/* Undoes what a failed attach of 'path' made: deletes interface 'hostif'
 * (in 'hns' or weftctl's own namespace) and, if 'nb_cfg' is not -1 (a write
 * of the Port row with that nb_cfg committed, or may have), the Port row.
 * The row is only deleted if it is the attach's own (its interface is
 * 'hostif'): before its write the attach checked that no such row existed.
 * Returns NULL, or what could not be undone. */
static char *
attach_undo(struct ops_ctx *ctx, char *const path[3], const char *hostif,
            const struct nsref *hns, int64_t nb_cfg)
{
    ctx->deadline = time_msec() + ATTACH_UNDO_MSEC;
    char *error = NULL;
    while (nb_cfg >= 0) {
        ovsdb_idl_run(ctx->idl);
        const struct weftrec_port *port = ops_find_port_row(ctx->idl, path);
        if (port && !strcmp(port->iface, hostif)) {
            struct weft_request req;
            weft_request_init(&req, WEFT_OP_PORT_DEL);
            for (size_t i = 0; i < 3; i++) {
                req.path[i] = xstrdup(path[i]);
            }
            int64_t del_cfg;
            struct sset changed = SSET_INITIALIZER(&changed);
            bool written;
            error = ops_write(ctx, &req, false, &del_cfg, &changed, &written);
            sset_destroy(&changed);
            weft_request_destroy(&req);
            if (error) {
                char *e = xasprintf("port row %s/%s/%s not deleted (%s)",
                                    path[0], path[1], path[2], error);
                free(error);
                error = e;
            }
            break;
        }
        /* No such row: certain once the database is at or past the
         * write's nb_cfg (it either committed or lost to another
         * writer). */
        const struct weftrec_weft_global *g
            = weftrec_weft_global_first(ctx->idl);
        if (g && g->nb_cfg >= nb_cfg) {
            break;
        }
        if (time_msec() >= ctx->deadline) {
            error = xasprintf("cannot tell whether port row %s/%s/%s was "
                              "written (see weftctl port-list)", path[0],
                              path[1], path[2]);
            break;
        }
        ovsdb_idl_wait(ctx->idl);
        poll_timer_wait_until(ctx->deadline);
        poll_block();
    }

    /* Deleting either end deletes the pair, wherever it is by now. */
    char *del_error = ns_run(hns, true, "ip", "link", "del", hostif, NULL);
    if (del_error) {
        free(del_error);
        del_error = ns_run(NULL, true, "ip", "link", "del", hostif, NULL);
    }
    if (del_error) {
        /* Gone already (never made, or moved away and deleted) is fine. */
        free(del_error);
        struct nsref where;
        if (attach_find_iface(ctx, NULL, hostif, &where)) {
            nsref_destroy(&where);
            char *e = xasprintf("%s%sinterface %s not deleted",
                                error ? error : "", error ? "; " : "",
                                hostif);
            free(error);
            error = e;
        }
    }
    return error;
}

/* What attach works out before it changes anything. */
struct attach_plan {
    char *path[3];              /* TENANT, NET, PORT. */
    const struct weftrec_network *net;
    const struct weftrec_host *host;
    char ip[INET_ADDRSTRLEN + 4];   /* --ip's IPv4 without its length, or
                                     * "". */
    char cidr[INET_ADDRSTRLEN + 8]; /* --ip's IPv4 with a length (default:
                                     * the subnet's, else /24); or "". */
    struct sset ip6s;               /* --ip's IPv6 addresses, no length. */
    int plen;                       /* The network's subnet's length, or 0:
                                     * no subnet. */
    char gateway[ROUTING_ROWS_IP_LEN]; /* Its gateway, or "". */
    char mac[ETH_ADDR_STRLEN + 1];
    int mtu;
    char mtu_s[16];
    char hostif[16], tmpif[16]; /* The veth's host end, before renaming. */
};

/* Step 1: the rows attach plugs into (the network, the host) and the
 * namespace, all of which must exist. */
static char *
attach_find(struct ops_ctx *ctx, struct attach_plan *plan)
{
    const struct ops_options *opts = ctx->opts;
    plan->net = ops_find_network_row(ctx->idl, plan->path);
    if (!plan->net) {
        return xasprintf("network %s/%s does not exist", plan->path[0],
                         plan->path[1]);
    }
    if (opts->host) {
        plan->host = weft_db_find_host(ctx->idl, opts->host);
        if (!plan->host) {
            return xasprintf("host %s does not exist", opts->host);
        }
    } else {
        const struct weftrec_host *h;
        size_t n = 0;
        WEFTREC_HOST_FOR_EACH (h, ctx->idl) {
            plan->host = h;
            n++;
        }
        if (n != 1) {
            return xstrdup("there is not exactly one host: say which with "
                           "--host=HOST");
        }
    }

    char *ns_path = xasprintf("/run/netns/%s", opts->netns);
    struct stat st;
    bool ns_exists = !stat(ns_path, &st);
    free(ns_path);
    if (!ns_exists) {
        return xasprintf("no network namespace %s (ip netns list; for a "
                         "container: ip netns attach %s PID)", opts->netns,
                         opts->netns);
    }
    return NULL;
}

/* --ip's comma-separated addresses: at most one IPv4 (A.B.C.D[/LEN],
 * into '*ip4p', NULL if none) and any IPv6 (ADDR[/LEN]; the port gets the
 * address, eth0 gets it as /64 whatever the length: weft has no IPv6
 * subnets) into 'ip6s'. */
static char *
attach_parse_ips(const char *arg, char **ip4p, struct sset *ip6s)
{
    *ip4p = NULL;
    if (!arg) {
        return NULL;
    }
    char *copy = xstrdup(arg), *save = NULL, *error = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && !error;
         tok = strtok_r(NULL, ",", &save)) {
        if (!strchr(tok, ':')) {
            if (*ip4p) {
                error = xasprintf("bad --ip %s (at most one IPv4 address)",
                                  arg);
            } else {
                *ip4p = xstrdup(tok);
            }
            continue;
        }
        tok[strcspn(tok, "/")] = '\0';
        struct in6_addr ip6;
        if (!ipv6_parse(tok, &ip6)) {
            error = xasprintf("bad --ip %s (%s is not an IPv6 address)",
                              arg, tok);
        } else {
            sset_add(ip6s, tok);
        }
    }
    free(copy);
    if (error) {
        free(*ip4p);
        *ip4p = NULL;
    }
    return error;
}

/* Step 2: eth0's address, MAC and MTU, and the veth's names. */
static char *
attach_plan_link(struct ops_ctx *ctx, struct attach_plan *plan)
{
    const struct ops_options *opts = ctx->opts;
    char *ip4 = NULL;
    char *error = attach_parse_ips(opts->ip, &ip4, &plan->ip6s);
    if (error) {
        return error;
    }
    if (ip4) {
        const char *slash = strchr(ip4, '/');
        size_t len = slash ? (size_t) (slash - ip4) : strlen(ip4);
        if (len >= sizeof plan->ip || (slash && strlen(slash) > 3)) {
            error = xasprintf("bad --ip %s (expected A.B.C.D[/LEN])", ip4);
            free(ip4);
            return error;
        }
        memcpy(plan->ip, ip4, len);
        plan->ip[len] = '\0';
    }
    /* A network with a subnet gives eth0 its length and a default route
     * via its gateway; without --ip, the port's address is allocated. */
    const char *net_slash = plan->net->cidr ? strchr(plan->net->cidr, '/')
                                            : NULL;
    if (net_slash && routing_rows_gateway(plan->net, plan->gateway)) {
        plan->plen = atoi(net_slash + 1);
    } else {
        plan->gateway[0] = '\0';
    }
    if (ip4) {
        if (strchr(ip4, '/')) {
            ovs_strlcpy(plan->cidr, ip4, sizeof plan->cidr);
        } else {
            snprintf(plan->cidr, sizeof plan->cidr, "%s/%d", ip4,
                     plan->plen ? plan->plen : 24);
        }
        free(ip4);
    }
    if (opts->mac) {
        ovs_strlcpy(plan->mac, opts->mac, sizeof plan->mac);
    } else {
        attach_mac(ctx, plan->net, plan->path, plan->mac);
    }
    enum topo_net_type type;
    if (plan->net->n_mtu) {
        plan->mtu = plan->net->mtu[0];
    } else if (topo_net_type_from_string(plan->net->type, &type)) {
        plan->mtu = (weft_db_underlay_mtu(ctx->idl)
                     - topo_encap_overhead(type));
    } else {
        plan->mtu = 1500;
    }
    snprintf(plan->mtu_s, sizeof plan->mtu_s, "%d", plan->mtu);
    attach_ifname(plan->path, "wf", plan->hostif);
    attach_ifname(plan->path, "wt", plan->tmpif);
    return NULL;
}

/* Step 3: the Port row's request, built into 'req' (initialized by the
 * caller) and checked against the database without writing it. */
static char *
attach_check_port(struct ops_ctx *ctx, const struct attach_plan *plan,
                  struct weft_request *req, int64_t *nb_cfgp,
                  struct sset *changed, bool *writtenp)
{
    for (size_t i = 0; i < 3; i++) {
        req->path[i] = xstrdup(plan->path[i]);
    }
    req->host = xstrdup(plan->host->name);
    req->iface = xstrdup(plan->hostif);
    req->mac = xstrdup(plan->mac);
    if (plan->ip[0]) {
        weft_request_add_ip(req, plan->ip);
    }
    const char *ip6;
    SSET_FOR_EACH (ip6, &plan->ip6s) {
        weft_request_add_ip(req, ip6);
    }
    struct weft_error *werr = weft_request_check(req);
    if (werr) {
        char *error = xstrdup(werr->message);
        weft_error_destroy(werr);
        return error;
    }
    char *error = ops_write(ctx, req, true, nb_cfgp, changed, writtenp);
    const struct weftrec_port *old = ops_find_port_row(ctx->idl, plan->path);
    if (error && old && !strcmp(old->iface, plan->hostif)) {
        char *e = xasprintf("%s (left by an attach that failed? weftctl "
                            "detach %s/%s/%s removes it)", error,
                            plan->path[0], plan->path[1], plan->path[2]);
        free(error);
        error = e;
    }
    return error;
}

/* Step 4: neither the namespace's eth0 nor the host's interface may exist
 * yet. */
static char *
attach_check_free(const struct ops_ctx *ctx, const struct attach_plan *plan,
                  const struct nsref *ns, const struct nsref *hns)
{
    char *absent = ns_run(ns, true, "ip", "link", "show", "eth0", NULL);
    if (!absent) {
        return xasprintf("namespace %s already has an eth0",
                         ctx->opts->netns);
    }
    free(absent);
    absent = ns_run(hns, true, "ip", "link", "show", plan->hostif, NULL);
    if (!absent) {
        const char *const *path = (const char *const *) plan->path;
        return xasprintf("interface %s already exists on host %s (left by "
                         "an attach that failed? weftctl detach %s/%s/%s "
                         "removes it)", plan->hostif, plan->host->name,
                         path[0], path[1], path[2]);
    }
    free(absent);
    return NULL;
}

/* Step 5: the veth pair: created here, one end moved into the namespace and
 * renamed eth0, the other into the host's namespace.  Sets '*createdp' once
 * the pair exists. */
static char *
attach_make_veth(const struct attach_plan *plan, const struct nsref *ns,
                 const struct nsref *hns, bool *createdp)
{
    const char *hostif = plan->hostif, *tmpif = plan->tmpif;
    const char *mtu_s = plan->mtu_s;
    char *error = ns_run(NULL, false, "ip", "link", "add", hostif, "type",
                      "veth", "peer", "name", tmpif, NULL);
    *createdp = !error;
    if (!error) {
        error = ns_run(NULL, false, "ip", "link", "set", tmpif, "netns",
                    ns->ip_arg, NULL);
    }
    if (!error && hns->ip_arg) {
        error = ns_run(NULL, false, "ip", "link", "set", hostif, "netns",
                    hns->ip_arg, NULL);
    }
    if (!error) {
        error = ns_run(ns, false, "ip", "link", "set", tmpif, "name", "eth0",
                    NULL);
    }
    if (!error) {
        error = ns_run(ns, false, "ip", "link", "set", "eth0", "address",
                    plan->mac, "mtu", mtu_s, NULL);
    }
    if (!error && plan->cidr[0]) {
        error = ns_run(ns, false, "ip", "addr", "add", plan->cidr, "dev",
                    "eth0", NULL);
    }
    if (!error) {
        error = ns_run(ns, false, "ip", "link", "set", "eth0", "up", NULL);
    }
    if (!error) {
        error = ns_run(ns, false, "ethtool", "-K", "eth0", "tx", "off", NULL);
    }
    if (!error) {
        error = ns_run(hns, false, "ip", "link", "set", hostif, "mtu", mtu_s,
                    "up", NULL);
    }
    if (!error) {
        error = ns_run(hns, false, "ethtool", "-K", hostif, "tx", "off", NULL);
    }
    return error;
}

/* Step 6, once the Port row is written: without --ip, eth0 gets the
 * address allocated to the port (read back from the row) with the
 * subnet's length; with a subnet, the namespace's default route goes via
 * its gateway. */
static char *
attach_set_route(struct ops_ctx *ctx, struct attach_plan *plan,
                 const struct nsref *ns)
{
    char *error = NULL;
    const struct weftrec_port *port = ops_find_port_row(ctx->idl,
                                                        plan->path);
    const char *ip4 = NULL;
    for (size_t i = 0; port && i < port->n_ips && !ip4; i++) {
        ip4 = strchr(port->ips[i], ':') ? NULL : port->ips[i];
    }
    if (!plan->cidr[0] && plan->plen) {
        if (!ip4) {
            return xasprintf("port %s/%s/%s got no address", plan->path[0],
                             plan->path[1], plan->path[2]);
        }
        ovs_strlcpy(plan->ip, ip4, sizeof plan->ip);
        snprintf(plan->cidr, sizeof plan->cidr, "%s/%d", plan->ip,
                 plan->plen);
        error = ns_run(ns, false, "ip", "addr", "add", plan->cidr, "dev",
                    "eth0", NULL);
    }
    if (!error && plan->gateway[0]) {
        error = ns_run(ns, false, "ip", "route", "add", "default", "via",
                    plan->gateway, "dev", "eth0", NULL);
    }
    /* The port's IPv6 addresses, as the row holds them, without duplicate
     * address detection: weft already made them unique, and a tentative
     * address could not be used until DAD ends.  Kept when eth0 goes down
     * (Linux drops IPv6 addresses then, unlike IPv4 ones). */
    bool keep_set = false;
    for (size_t i = 0; !error && port && i < port->n_ips; i++) {
        if (strchr(port->ips[i], ':')) {
            if (!keep_set) {
                keep_set = true;
                error = ns_run(ns, false, "sysctl", "-qw",
                               "net.ipv6.conf.eth0.keep_addr_on_down=1",
                               NULL);
                if (error) {
                    break;
                }
            }
            char *cidr = xasprintf("%s/64", port->ips[i]);
            error = ns_run(ns, false, "ip", "-6", "addr", "add", cidr, "dev",
                           "eth0", "nodad", NULL);
            free(cidr);
        }
    }
    return error;
}

/* After 'error': undoes what attach made ('created' the veth, 'written' the
 * Port row at 'nb_cfg') and returns the error with what the undo did. */
static char *
attach_fail(struct ops_ctx *ctx, const struct attach_plan *plan,
            const struct nsref *hns, char *error, bool created, bool written,
            int64_t nb_cfg)
{
    if (!created && !written) {
        return error;
    }
    char *undo_error = attach_undo(ctx, plan->path, plan->hostif, hns,
                                   written ? nb_cfg : -1);
    char *e = (undo_error
               ? xasprintf("%s; undoing the attach failed too: %s",
                           error, undo_error)
               : xasprintf("%s (attach undone: no port row and no "
                           "interface left)", error));
    free(undo_error);
    free(error);
    return e;
}

char *
ops_cmd_attach(struct ops_ctx *ctx)
{
    const struct ops_options *opts = ctx->opts;
    struct attach_plan plan = { .path = { NULL, NULL, NULL } };
    sset_init(&plan.ip6s);
    char *error = parse_path(opts->args[1], 2, plan.path);
    if (error) {
        return error;
    }
    if (!opts->netns) {
        error = xstrdup("attach requires --netns=NAME");
        goto out;
    }
    plan.path[2] = xstrdup(opts->name ? opts->name : opts->netns);
    error = attach_find(ctx, &plan);
    if (!error) {
        error = attach_plan_link(ctx, &plan);
    }
    if (error) {
        goto out;
    }

    /* Everything is checked before anything is created. */
    struct weft_request req;
    weft_request_init(&req, WEFT_OP_PORT_ADD);
    int64_t nb_cfg;
    struct sset changed = SSET_INITIALIZER(&changed);
    bool written = false, created = false;
    struct nsref ns, hns;
    nsref_named(&ns, opts->netns);
    host_netns(ctx, plan.host, &hns);
    error = attach_check_port(ctx, &plan, &req, &nb_cfg, &changed, &written);
    if (!error) {
        error = attach_check_free(ctx, &plan, &ns, &hns);
    }
    if (!error) {
        error = attach_make_veth(&plan, &ns, &hns, &created);
    }

    /* The port row last, then the wait for every host whose flows it
     * changes: whatever fails from here on is undone. */
    if (!error) {
        error = ops_write(ctx, &req, false, &nb_cfg, &changed, &written);
    }
    if (!error) {
        error = attach_set_route(ctx, &plan, &ns);
    }
    if (!error) {
        error = ops_wait_hosts(ctx, nb_cfg, &changed);
    }
    if (error) {
        error = attach_fail(ctx, &plan, &hns, error, created, written,
                            nb_cfg);
    } else {
        ds_put_format(ctx->out, "attached %s/%s/%s: namespace %s eth0 mac %s"
                      "%s%s", plan.path[0], plan.path[1], plan.path[2],
                      opts->netns, plan.mac, plan.cidr[0] ? " ip " : "",
                      plan.cidr);
        const char *ip6;
        SSET_FOR_EACH (ip6, &plan.ip6s) {
            ds_put_format(ctx->out, " ip %s", ip6);
        }
        ds_put_format(ctx->out, "%s%s mtu %d; host %s interface %s\n",
                      plan.gateway[0] ? " gateway " : "", plan.gateway,
                      plan.mtu, plan.host->name, plan.hostif);
    }
    sset_destroy(&changed);
    weft_request_destroy(&req);
    nsref_destroy(&ns);
    nsref_destroy(&hns);

out:
    for (size_t i = 0; i < 3; i++) {
        free(plan.path[i]);
    }
    sset_destroy(&plan.ip6s);
    return error;
}

/* detach TENANT/NET/PORT: deletes the Port row, then the veth (deleting the
 * host end deletes eth0 in the namespace too), then waits for the hosts
 * whose flows change.  It also cleans up what an interrupted or older
 * attach left half made: a Port row whose interface is gone, or an
 * interface without its Port row. */
char *
ops_cmd_detach(struct ops_ctx *ctx)
{
    char *path[3] = { NULL, NULL, NULL };
    char *error = parse_path(ctx->opts->args[1], 3, path);
    if (error) {
        return error;
    }
    char hostif[16];
    attach_ifname(path, "wf", hostif);
    const struct weftrec_port *port = ops_find_port_row(ctx->idl, path);
    if (port && strcmp(port->iface, hostif)) {
        error = xasprintf("port %s was not made by weftctl attach (its "
                          "interface is %s): use port-del", ctx->opts->args[1],
                          port->iface);
        goto out;
    }
    struct nsref hns;
    bool found = attach_find_iface(ctx, port ? port->host : NULL, hostif,
                                   &hns);
    if (!port && !found) {
        error = xasprintf("port %s does not exist", ctx->opts->args[1]);
        goto out;
    }

    int64_t nb_cfg = -1;
    struct sset changed = SSET_INITIALIZER(&changed);
    if (port) {
        struct weft_request req;
        weft_request_init(&req, WEFT_OP_PORT_DEL);
        for (size_t i = 0; i < 3; i++) {
            req.path[i] = xstrdup(path[i]);
        }
        bool written;
        error = ops_write(ctx, &req, false, &nb_cfg, &changed, &written);
        weft_request_destroy(&req);
    }
    if (!error && found) {
        error = ns_run(&hns, false, "ip", "link", "del", hostif, NULL);
    }
    if (!error) {
        ds_put_format(ctx->out, "detached %s (%sinterface %s %s)\n",
                      ctx->opts->args[1], port ? "" : "it had no port row; ",
                      hostif, found ? "deleted" : "was already gone");
    }
    if (!error && port) {
        char *e = ops_wait_hosts(ctx, nb_cfg, &changed);
        if (e) {
            error = xasprintf("%s (the port row and its interface are "
                              "removed; the flows go when the hosts "
                              "catch up)", e);
            free(e);
        }
    }
    sset_destroy(&changed);
    if (found) {
        nsref_destroy(&hns);
    }

out:
    for (size_t i = 0; i < 3; i++) {
        free(path[i]);
    }
    return error;
}

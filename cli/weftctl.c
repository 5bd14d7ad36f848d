/* weftctl: the operators' command line for weft's own database.
 *
 * In the spirit of ovn-nbctl: every invocation connects to weft's OVSDB
 * server (the "Weft" database, ovsdb/weft.ovsschema), waits for a full copy
 * of the database, runs one command and exits.  weftd notices the change
 * through its own IDL and programs the hosts.
 *
 * A write command runs in four steps, and nothing is written unless all of
 * them succeed:
 *
 *   1. Parse: the command line is parsed and every value (names, MAC, IPs,
 *      segment id...) checked with topology/validate.h before connecting, so
 *      bad input fails fast and without a server.
 *   2. Load: the database is loaded into a 'struct topology' with
 *      weft_db_load_topology(), the same view weftd compiles flows from.
 *   3. Validate + build: the change is checked against that topology
 *      (duplicates, references, objects still in use) and the transaction is
 *      built.  Every write verifies Weft_Global's nb_cfg and increments it.
 *      Two weftctls racing each other thus conflict on nb_cfg: the loser's
 *      commit returns TXN_TRY_AGAIN and it goes back to step 2 with the
 *      winner's change visible, so its checks (e.g. "duplicate MAC") see
 *      every committed write.
 *   4. Commit, and with --wait wait until the Host.cur_cfg of every host
 *      whose flows the change touches (compile_changed_hosts(): the topology
 *      of step 2 against the one after the commit), which weftd advances
 *      once a host has installed the flows for that nb_cfg, reaches the new
 *      nb_cfg (like ovn-nbctl's --wait=hv).  "sync" waits for every host;
 *      weftd moves an untouched host's cur_cfg forward at once.
 *
 * Everything runs in one OVS poll loop with a single deadline (--timeout)
 * covering connecting, committing and waiting. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "fatal-signal.h"
#include "compiler.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "smap.h"
#include "stream-ssl.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "topology.h"
#include "util.h"
#include "validate.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-txn.h"
#include "weft-write.h"
#include "db-read.h"
#include "weftctl.h"
#include "weftctl-api.h"
#include "weftctl-help.h"
#include "weftctl-ops.h"

VLOG_DEFINE_THIS_MODULE(weftctl);

/* Exit statuses. */
#define WEFTCTL_EXIT_ERROR 1    /* Bad input, conflict, server error. */
#define WEFTCTL_EXIT_USAGE 2    /* Malformed command line. */

/* Default for --timeout, in seconds.  A command line tool that hangs forever
 * when weft's database is down is worse than one that says so. */
#define WEFTCTL_DEFAULT_TIMEOUT 30

/* Each command option's NAME, as in --NAME (CMD_OPTIONS is in weftctl.h). */
static const char *const cmd_option_names[N_CMD_OPTIONS] = {
#define CMD_OPTION(ENUM, NAME) NAME,
    CMD_OPTIONS
#undef CMD_OPTION
};

#define CO_BIT(ENUM) (1u << CO_##ENUM)

/* getopt_long() values: global options, then one per command option. */
enum {
    OPT_DB = UCHAR_MAX + 1,
    OPT_TIMEOUT,
    OPT_WAIT,
    OPT_FORMAT,
    OPT_JSON,
    VLOG_OPTION_ENUMS,
    SSL_OPTION_ENUMS,
    OPT_CMD_FIRST,              /* OPT_CMD_FIRST + enum cmd_option. */
};

struct ctl_command {
    const char *name;
    const char *synopsis;       /* Arguments and options, for messages. */
    int min_args, max_args;     /* Not counting the command name. */
    unsigned int options;       /* CO_BIT()s allowed. */
    unsigned int required;      /* CO_BIT()s required. */
    bool writes;                /* Modifies the database (nb_cfg too). */

    /* Step 1: checks 'opts' without the database.  May be NULL. */
    char *(*parse)(const struct ctl_options *, struct ctl_parsed *);

    /* Step 3: validates against ctx->topo and adds to ctx->txn, or (for
     * read-only commands) appends output to ctx->output.  Returns NULL or a
     * malloc'd error. */
    char *(*run)(struct ctl_context *);
};

/* ------------------------------------------------------------------------
 * Step 1: parsing arguments. */

/* Parses 'arg' as a path of 'n' names into 'parsed'. */
static char *
parse_path_arg(const char *arg, size_t n, struct ctl_parsed *parsed)
{
    char *error = parse_path(arg, n, parsed->path);
    parsed->n_path = error ? 0 : n;
    return error;
}

/* Moves the names in 'parsed->path' into a new request for 'op'. */
static struct weft_request *
start_request(struct ctl_parsed *parsed, enum weft_op op)
{
    struct weft_request *req = &parsed->req;
    weft_request_init(req, op);
    parsed->has_req = true;
    for (size_t i = 0; i < parsed->n_path; i++) {
        req->path[i] = parsed->path[i];
        parsed->path[i] = NULL;
    }
    parsed->n_path = 0;
    return req;
}

/* Returns 'req''s step 1 errors as a malloc'd string. */
static char *
check_request(const struct weft_request *req)
{
    struct weft_error *error = weft_request_check(req);
    char *msg = error ? xstrdup(error->message) : NULL;
    weft_error_destroy(error);
    return msg;
}

/* "host-del NAME". */
static char *
parse_host_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = start_request(parsed, WEFT_OP_HOST_DEL);
    req->path[0] = xstrdup(opts->args[1]);
    return check_request(req);
}

/* "tenant-add NAME", "tenant-del NAME", "net-del T/N", "port-del T/N/P". */
static char *
parse_path_request(const struct ctl_options *opts, struct ctl_parsed *parsed,
                   enum weft_op op)
{
    char *error = parse_path_arg(opts->args[1], weft_op_path_len(op), parsed);
    if (error) {
        return error;
    }
    return check_request(start_request(parsed, op));
}

static char *
parse_tenant_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_path_request(opts, parsed, WEFT_OP_TENANT_ADD);
}

static char *
parse_tenant_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_path_request(opts, parsed, WEFT_OP_TENANT_DEL);
}

static char *
parse_net_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_path_request(opts, parsed, WEFT_OP_NET_DEL);
}

static char *
parse_port_del(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_path_request(opts, parsed, WEFT_OP_PORT_DEL);
}

/* "net-list [TENANT]". */
static char *
parse_net_list_filter(const struct ctl_options *opts,
                      struct ctl_parsed *parsed)
{
    return opts->n_args < 2 ? NULL : parse_path_arg(opts->args[1], 1, parsed);
}

/* "port-list [TENANT[/NET]]". */
static char *
parse_list_filter(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    if (opts->n_args < 2) {
        return NULL;
    }
    const char *arg = opts->args[1];
    return parse_path_arg(arg, strchr(arg, '/') ? 2 : 1, parsed);
}

static char *
opt_value(const struct ctl_options *opts, enum cmd_option co)
{
    return nullable_xstrdup(opts->values[co]);
}

static char *
parse_host_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    struct weft_request *req = start_request(parsed, WEFT_OP_HOST_ADD);
    req->path[0] = xstrdup(opts->args[1]);
    req->remote = opt_value(opts, CO_REMOTE);
    req->tunnel_ip = opt_value(opts, CO_TUNNEL_IP);
    req->datapath_type = opt_value(opts, CO_DATAPATH_TYPE);
    req->uplink = opt_value(opts, CO_UPLINK);
    req->openflow_remote = opt_value(opts, CO_OPENFLOW_REMOTE);
    return check_request(req);
}

static char *
parse_net_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    char *error = parse_path_arg(opts->args[1], 2, parsed);
    if (error) {
        return error;
    }
    struct weft_request *req = start_request(parsed, WEFT_OP_NET_ADD);
    req->type = opt_value(opts, CO_TYPE);
    req->segment = opt_value(opts, CO_SEGMENT);
    req->mtu = opt_value(opts, CO_MTU);
    return check_request(req);
}

static char *
parse_port_add(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    char *error = parse_path_arg(opts->args[1], 3, parsed);
    if (error) {
        return error;
    }
    struct weft_request *req = start_request(parsed, WEFT_OP_PORT_ADD);
    req->host = opt_value(opts, CO_HOST);
    req->iface = opt_value(opts, CO_IFACE);
    req->mac = opt_value(opts, CO_MAC);
    for (size_t i = 0; i < opts->ips.n; i++) {
        weft_request_add_ip(req, opts->ips.names[i]);
    }
    return check_request(req);
}

/* "tenant-set NAME [--max-ports=N|default] [--max-networks=N|default]
 * [--max-ips-per-port=N|default]": an admin's quota overrides. */
static char *
parse_tenant_set(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    static const struct {
        enum cmd_option co;
        const char *quota;
    } map[] = {
        { CO_MAX_PORTS, "ports" },
        { CO_MAX_NETWORKS, "networks" },
        { CO_MAX_IPS_PER_PORT, "ips_per_port" },
    };
    char *error = parse_path_arg(opts->args[1], 1, parsed);
    if (error) {
        return error;
    }
    struct weft_request *req = start_request(parsed, WEFT_OP_TENANT_SET);
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        const char *value = opts->values[map[i].co];
        if (opts->given & (1u << map[i].co)) {
            weft_request_add_quota(req, map[i].quota,
                                   strcmp(value, "default") ? value : NULL);
        }
    }
    return check_request(req);
}

/* "tenant-quota NAME". */
static char *
parse_tenant_quota(const struct ctl_options *opts, struct ctl_parsed *parsed)
{
    return parse_path_arg(opts->args[1], 1, parsed);
}

static void
ctl_parsed_destroy(struct ctl_parsed *parsed)
{
    for (size_t i = 0; i < ARRAY_SIZE(parsed->path); i++) {
        free(parsed->path[i]);
    }
    if (parsed->has_req) {
        weft_request_destroy(&parsed->req);
    }
}

/* ------------------------------------------------------------------------
 * Step 3: commands.  The write commands; the read-only ones (the lists and
 * show) are in db-read.c. */

/* "init" and "sync" need nothing beyond what run_write_command() does. */
static char *
cmd_nothing(struct ctl_context *ctx OVS_UNUSED)
{
    return NULL;
}

/* Every other write command: the shared write layer, weft-write.h. */
static char *
cmd_write(struct ctl_context *ctx)
{
    struct weft_error *error = weft_write_build(&ctx->parsed->req, ctx->idl,
                                                ctx->txn, ctx->topo);
    char *msg = error ? xstrdup(error->message) : NULL;
    weft_error_destroy(error);
    return msg;
}

static const struct ctl_command commands[] = {
    { "init", "init", 0, 0, 0, 0, true, NULL, cmd_nothing },
    { "host-add", "host-add NAME --remote=REMOTE [--tunnel-ip=IP] "
      "[--datapath-type=netdev|system] [--uplink=IFACE] "
      "[--openflow-remote=TARGET]", 1, 1,
      CO_BIT(REMOTE) | CO_BIT(TUNNEL_IP) | CO_BIT(DATAPATH_TYPE)
      | CO_BIT(UPLINK) | CO_BIT(OPENFLOW_REMOTE), CO_BIT(REMOTE), true,
      parse_host_add, cmd_write },
    { "host-del", "host-del NAME", 1, 1, 0, 0, true,
      parse_host_del, cmd_write },
    { "host-list", "host-list", 0, 0, 0, 0, false, NULL, db_read_host_list },
    { "tenant-add", "tenant-add NAME", 1, 1, 0, 0, true,
      parse_tenant_add, cmd_write },
    { "tenant-del", "tenant-del NAME", 1, 1, 0, 0, true,
      parse_tenant_del, cmd_write },
    { "tenant-list", "tenant-list", 0, 0, 0, 0, false, NULL,
      db_read_tenant_list },
    { "tenant-set", "tenant-set NAME [--max-ports=N|default] "
      "[--max-networks=N|default] [--max-ips-per-port=N|default]", 1, 1,
      CO_BIT(MAX_PORTS) | CO_BIT(MAX_NETWORKS) | CO_BIT(MAX_IPS_PER_PORT), 0,
      true, parse_tenant_set, cmd_write },
    { "tenant-quota", "tenant-quota NAME", 1, 1, 0, 0, false,
      parse_tenant_quota, db_read_tenant_quota },
    { "net-add", "net-add TENANT/NET --type=vlan|vxlan|gre|geneve "
      "--segment=ID [--mtu=N]", 1, 1,
      CO_BIT(TYPE) | CO_BIT(SEGMENT) | CO_BIT(MTU),
      CO_BIT(TYPE) | CO_BIT(SEGMENT), true, parse_net_add, cmd_write },
    { "net-del", "net-del TENANT/NET", 1, 1, 0, 0, true,
      parse_net_del, cmd_write },
    { "net-list", "net-list [TENANT]", 0, 1, 0, 0, false,
      parse_net_list_filter, db_read_net_list },
    { "port-add", "port-add TENANT/NET/PORT --host=HOST --iface=IFACE "
      "--mac=MAC [--ip=A.B.C.D]...", 1, 1,
      CO_BIT(HOST) | CO_BIT(IFACE) | CO_BIT(MAC) | CO_BIT(IP),
      CO_BIT(HOST) | CO_BIT(IFACE) | CO_BIT(MAC), true,
      parse_port_add, cmd_write },
    { "port-del", "port-del TENANT/NET/PORT", 1, 1, 0, 0, true,
      parse_port_del, cmd_write },
    { "port-list", "port-list [TENANT[/NET]]", 0, 1, 0, 0, false,
      parse_list_filter, db_read_port_list },
    { "show", "show", 0, 0, 0, 0, false, NULL, db_read_show },
    { "sync", "sync", 0, 0, 0, 0, true, NULL, cmd_nothing },
};

static const struct ctl_command *
find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * Talking to the database. */

/* Returns a malloc'd "a, b, c" of the names of the hosts in 'only' (NULL:
 * every host) whose cur_cfg is below 'nb_cfg', sorted, or NULL if they have
 * all caught up. */
static char *
lagging_hosts(struct ovsdb_idl *idl, int64_t nb_cfg, const struct sset *only)
{
    const void **hosts;
    size_t n = db_read_sorted_rows(idl, &weftrec_table_host,
                                   db_read_compare_hosts, &hosts);
    struct ds names = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n; i++) {
        const struct weftrec_host *host = hosts[i];
        if (host->cur_cfg < nb_cfg
            && (!only || sset_contains(only, host->name))) {
            ds_put_format(&names, "%s%s", names.length ? ", " : "",
                          host->name);
        }
    }
    free(hosts);
    if (!names.length) {
        ds_destroy(&names);
        return NULL;
    }
    return ds_steal_cstr(&names);
}

/* Runs 'idl' until it has received its first full copy of the database, or
 * until 'deadline' (a time_msec() value). */
static char *
wait_for_connection(struct ovsdb_idl *idl, const char *remote,
                    long long int deadline, int timeout)
{
    for (;;) {
        ovsdb_idl_run(idl);
        if (ovsdb_idl_has_ever_connected(idl)) {
            return NULL;
        }
        if (!ovsdb_idl_is_alive(idl)) {
            return xasprintf("%s: database connection failed (%s)", remote,
                             ovs_retval_to_string(
                                 ovsdb_idl_get_last_error(idl)));
        }
        if (time_msec() >= deadline) {
            int error = ovsdb_idl_get_last_error(idl);
            return xasprintf("timeout after %d s connecting to %s%s%s%s",
                             timeout, remote, error ? " (" : "",
                             error ? ovs_retval_to_string(error) : "",
                             error ? ")" : "");
        }
        ovsdb_idl_wait(idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

/* Waits until every host in 'only' (NULL: every host) has installed
 * 'nb_cfg', or 'deadline'. */
static char *
wait_for_hosts(struct ovsdb_idl *idl, int64_t nb_cfg, const struct sset *only,
               long long int deadline)
{
    for (;;) {
        ovsdb_idl_run(idl);
        char *lagging = lagging_hosts(idl, nb_cfg, only);
        if (!lagging) {
            return NULL;
        }
        if (time_msec() >= deadline) {
            char *error = xasprintf("timeout waiting for host%s %s to install "
                                    "nb_cfg %"PRId64,
                                    strchr(lagging, ',') ? "s" : "",
                                    lagging, nb_cfg);
            free(lagging);
            return error;
        }
        free(lagging);
        ovsdb_idl_wait(idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

/* A write command, for build_write_command(). */
struct write_command {
    const struct ctl_command *cmd;
    const struct ctl_options *opts;
    const struct ctl_parsed *parsed;
    struct ds *output;
};

/* weft_txn_build_func: step 3 of a write command (see the top of this
 * file), run again on every attempt of the transaction. */
static struct weft_error *
build_write_command(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
                    const struct topology *topo, void *wc_)
{
    const struct write_command *wc = wc_;
    struct ctl_context ctx = {
        .idl = idl,
        .txn = txn,
        .topo = topo,
        .opts = wc->opts,
        .parsed = wc->parsed,
        .output = wc->output,
    };
    char *error = wc->cmd->run(&ctx);
    return error ? weft_error_create(WEFT_ERR_INVALID, error) : NULL;
}

/* Steps 2 to 4 of a write command (see the top of this file), through the
 * one commit/retry loop (ovsdb/weft-txn.h).  On success, stores the nb_cfg
 * the transaction wrote in '*nb_cfgp' (or -1 if nothing was written) and
 * adds to 'changed', if nonnull, the hosts whose flows the write touches. */
static char *
run_write_command(const struct ctl_command *cmd, struct ovsdb_idl *idl,
                  const struct ctl_options *opts,
                  const struct ctl_parsed *parsed, struct ds *output,
                  long long int deadline, int64_t *nb_cfgp,
                  struct sset *changed)
{
    bool is_init = !strcmp(cmd->name, "init");
    struct ds comment = DS_EMPTY_INITIALIZER;
    ds_put_cstr(&comment, "weftctl:");
    for (int i = 0; i < opts->n_args; i++) {
        ds_put_format(&comment, " %s", opts->args[i]);
    }
    struct weft_topo_cache topo;
    weft_topo_cache_init(&topo);
    struct write_command wc = {
        .cmd = cmd,
        .opts = opts,
        .parsed = parsed,
        .output = output,
    };
    struct weft_txn_spec spec = {
        .build = build_write_command,
        .aux = &wc,
        .comment = ds_cstr(&comment),
        /* "init" writes nb_cfg 0, and nothing if the database has it. */
        .initial_cfg = is_init ? 0 : 1,
        .init_only = is_init,
        .deadline = deadline,
        .topo = &topo,
    };
    struct weft_txn_result result;
    struct weft_error *werr = weft_txn_run_blocking(idl, &spec, &result);
    if (!werr && changed && result.nb_cfg >= 0) {
        /* The IDL has the commit: ovsdb-server sends a transaction's
         * update before its reply.  (It may have later writes of others
         * too, which can only add hosts.) */
        struct topology now;
        topology_init(&now);
        weft_db_load_topology(idl, &now);
        compile_changed_hosts(&topo.topo, &now, changed);
        topology_destroy(&now);
    }
    *nb_cfgp = werr ? -1 : result.nb_cfg;
    char *error = werr ? xstrdup(werr->message) : NULL;
    weft_error_destroy(werr);
    weft_topo_cache_destroy(&topo);
    ds_destroy(&comment);
    return error;
}

/* Connects to 'remote' and runs 'cmd'.  Appends output to 'output'. */
static char *
run_command(const struct ctl_command *cmd, const char *remote,
            const struct ctl_options *opts, const struct ctl_parsed *parsed,
            struct ds *output)
{
    long long int deadline = (opts->timeout
                              ? time_msec() + opts->timeout * 1000LL
                              : LLONG_MAX);
    struct ovsdb_idl *idl = ovsdb_idl_create(remote, &weftrec_idl_class,
                                             true, true);
    char *error = wait_for_connection(idl, remote, deadline, opts->timeout);
    if (!error && cmd->writes) {
        int64_t nb_cfg;
        bool sync = !strcmp(cmd->name, "sync");
        struct sset changed = SSET_INITIALIZER(&changed);
        error = run_write_command(cmd, idl, opts, parsed, output, deadline,
                                  &nb_cfg, opts->wait ? &changed : NULL);
        if (!error && nb_cfg >= 0 && (opts->wait || sync)) {
            error = wait_for_hosts(idl, nb_cfg, sync ? NULL : &changed,
                                   deadline);
        }
        sset_destroy(&changed);
    } else if (!error) {
        /* Read-only commands still validate their filter arguments against
         * the same topology view the write commands use. */
        struct topology topo;
        topology_init(&topo);
        weft_db_load_topology(idl, &topo);
        struct ctl_context ctx = {
            .idl = idl,
            .topo = &topo,
            .opts = opts,
            .parsed = parsed,
            .output = output,
        };
        error = cmd->run(&ctx);
        topology_destroy(&topo);
    }
    ovsdb_idl_destroy(idl);
    return error;
}

/* ------------------------------------------------------------------------
 * Command line. */

static void
usage(void)
{
    printf("%s: weft's database command line\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n"
           "\nCommands:\n", program_name, program_name);
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
        printf("  %s\n", commands[i].synopsis);
    }
    weftctl_ops_usage();
    printf("\nOptions (before or after the command):\n"
           "  --db=REMOTE       weft database (default: %s)\n"
           "  --timeout=SECS    limit for connecting, committing and waiting"
           " (default: %d, 0: none)\n"
           "  --wait            after a write, wait until every host whose"
           " flows it changes\n"
           "                    has installed it\n"
           "  --format=table|json  how the list commands and show print"
           " (default: table;\n"
           "                    json: the REST API's objects; --json is"
           " --format=json)\n"
           "  --api=SOCKET      through weftd's REST API instead (token:"
           " --token or $WEFT_TOKEN;\n"
           "                    see weftctl --api=SOCKET --help)\n"
           "  -p, --private-key=FILE  SSL (ssl: database or host remotes):"
           " private key,\n"
           "  -c, --certificate=FILE  its certificate,\n"
           "  -C, --ca-cert=FILE      and the peers' CA certificate\n"
           "  -h, --help        display this help message (help COMMAND,"
           " COMMAND --help:\n"
           "                    that command's)\n"
           "  -V, --version     display the version\n",
           weft_db_default_remote(), WEFTCTL_DEFAULT_TIMEOUT);
    vlog_usage();
}

/* Parses the command line into 'opts'.  Returns 0 on success, or an exit
 * status after printing a message: WEFTCTL_EXIT_USAGE for an error, 0 for
 * --help (then '*exitp' is true). */
static int
parse_options(int argc, char *argv[], struct ctl_options *opts, bool *exitp)
{
    static const struct option global_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"wait", no_argument, NULL, OPT_WAIT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        VLOG_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
    };
    struct option long_options[ARRAY_SIZE(global_options) + N_CMD_OPTIONS
                               + 1];
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(global_options); i++) {
        long_options[n++] = global_options[i];
    }
    for (size_t i = 0; i < N_CMD_OPTIONS; i++) {
        long_options[n++] = (struct option) {
            cmd_option_names[i], required_argument, NULL, OPT_CMD_FIRST + i,
        };
    }
    long_options[n] = (struct option) { NULL, 0, NULL, 0 };

    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);
    bool timeout_given = false;
    int retval = 0;

    *exitp = false;
    opterr = 0;
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_DB:
            opts->db = optarg;
            break;

        case OPT_TIMEOUT: {
            unsigned int timeout;
            if (!str_to_uint(optarg, 10, &timeout) || timeout > INT_MAX / 1000
                || strspn(optarg, "0123456789") != strlen(optarg)) {
                fprintf(stderr, "%s: --timeout: \"%s\" is not a number of "
                        "seconds\n", program_name, optarg);
                retval = WEFTCTL_EXIT_USAGE;
                goto out;
            }
            opts->timeout = timeout;
            timeout_given = true;
            break;
        }

        case OPT_WAIT:
            opts->wait = true;
            break;

        case OPT_FORMAT:
            if (strcmp(optarg, "json") && strcmp(optarg, "table")) {
                fprintf(stderr, "%s: --format: \"%s\" is not a format "
                        "(expected json or table)\n", program_name, optarg);
                retval = WEFTCTL_EXIT_USAGE;
                goto out;
            }
            opts->json = !strcmp(optarg, "json");
            break;

        case OPT_JSON:
            opts->json = true;
            break;

        case 'h':
            usage();
            *exitp = true;
            goto out;

        VLOG_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS

        case '?':
            fprintf(stderr, "%s: unrecognized option or missing argument "
                    "'%s' (use --help for help)\n", program_name,
                    argv[optind - 1]);
            retval = WEFTCTL_EXIT_USAGE;
            goto out;

        default:
            if (c >= OPT_CMD_FIRST && c < OPT_CMD_FIRST + N_CMD_OPTIONS) {
                enum cmd_option co = c - OPT_CMD_FIRST;
                if (co == CO_IP) {
                    svec_add(&opts->ips, optarg);
                } else if (opts->given & (1u << co)) {
                    fprintf(stderr, "%s: option --%s given twice\n",
                            program_name, cmd_option_names[co]);
                    retval = WEFTCTL_EXIT_USAGE;
                    goto out;
                }
                opts->given |= 1u << co;
                opts->values[co] = optarg;
                break;
            }
            OVS_NOT_REACHED();
        }
    }
    if (!timeout_given) {
        opts->timeout = WEFTCTL_DEFAULT_TIMEOUT;
    }
    opts->args = argv + optind;
    opts->n_args = argc - optind;

out:
    free(short_options);
    return retval;
}

/* Checks the command name, argument count and options in 'opts'.  Returns
 * the command, or NULL after printing a usage error. */
static const struct ctl_command *
check_command(const struct ctl_options *opts)
{
    if (!opts->n_args) {
        fprintf(stderr, "%s: missing command name (use --help for help)\n",
                program_name);
        return NULL;
    }

    const struct ctl_command *cmd = find_command(opts->args[0]);
    if (!cmd) {
        fprintf(stderr, "%s: unknown command '%s' (use --help for help)\n",
                program_name, opts->args[0]);
        return NULL;
    }

    int n_args = opts->n_args - 1;
    if (n_args < cmd->min_args || n_args > cmd->max_args) {
        fprintf(stderr, "%s: %s: wrong number of arguments (usage: %s)\n",
                program_name, cmd->name, cmd->synopsis);
        return NULL;
    }
    for (int i = 0; i < N_CMD_OPTIONS; i++) {
        unsigned int bit = 1u << i;
        if (opts->given & bit & ~cmd->options) {
            fprintf(stderr, "%s: option --%s is not valid for %s (usage: "
                    "%s)\n", program_name, cmd_option_names[i], cmd->name,
                    cmd->synopsis);
            return NULL;
        }
        if (cmd->required & bit & ~opts->given) {
            fprintf(stderr, "%s: %s requires --%s (usage: %s)\n",
                    program_name, cmd->name, cmd_option_names[i],
                    cmd->synopsis);
            return NULL;
        }
    }
    return cmd;
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    /* A peer that hangs up (an SSL server refusing our certificate) must
     * give an error message, not kill us with SIGPIPE. */
    fatal_ignore_sigpipe();

    /* --version, "help COMMAND", "COMMAND --help": weftctl-help.h. */
    int help_status;
    if (weftctl_help_main(argc, argv, usage, &help_status)) {
        return help_status;
    }

    /* --api: the same commands through weftd's REST API (weftctl-api.h). */
    int api_status;
    if (weftctl_api_main(argc, argv, &api_status)) {
        return api_status;
    }

    /* flows, trace, attach, detach: see weftctl-ops.h. */
    int ops_status;
    if (weftctl_ops_main(argc, argv, &ops_status)) {
        return ops_status;
    }

    struct ctl_options opts = { .ips = SVEC_EMPTY_INITIALIZER };
    struct ctl_parsed parsed = { .n_path = 0 };
    struct ds output = DS_EMPTY_INITIALIZER;
    char *error = NULL;
    bool help;
    int status = parse_options(argc, argv, &opts, &help);
    if (status || help) {
        goto out;
    }

    const struct ctl_command *cmd = check_command(&opts);
    if (!cmd) {
        status = WEFTCTL_EXIT_USAGE;
        goto out;
    }

    /* Step 1: nothing touches the database until the input is valid. */
    error = weft_db_check_ssl(opts.db ? opts.db : weft_db_default_remote());
    if (!error && cmd->parse) {
        error = cmd->parse(&opts, &parsed);
    }
    if (!error) {
        error = run_command(cmd, opts.db ? opts.db : weft_db_default_remote(),
                            &opts, &parsed, &output);
    }
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, error);
        status = WEFTCTL_EXIT_ERROR;
    } else {
        fputs(ds_cstr(&output), stdout);
    }

out:
    free(error);
    ds_destroy(&output);
    ctl_parsed_destroy(&parsed);
    svec_destroy(&opts.ips);
    return status;
}

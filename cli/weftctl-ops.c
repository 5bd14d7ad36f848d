/* weftctl-ops: "debugging with names" and attaching namespaces.  See
 * weftctl-ops.h for the commands.
 *
 * Where each command gets its facts:
 *
 *   - names: weft's database (the same IDL as the rest of weftctl).  A
 *     cookie's tenant, network and port keys (ofproto/pipeline.h) map to
 *     Tenant/Network/Port rows by flow_key; a table number to its pipeline
 *     stage (weft_table_name()); an OpenFlow port number to an interface
 *     name through the switch's port description, and an interface name to
 *     a weft port (Port.host + Port.iface) or to the remote host behind a
 *     tunnel port (weft_tunnel_name()).
 *
 *   - the switch's flows: weftctl reads them itself, over OpenFlow, from the
 *     same target weftd uses (topo_host_openflow_targets()), so
 *     "flows" shows the truth even when weftd is confused or down.
 *
 *   - the desired flows, for "flows --diff": weftd, through its unixctl
 *     socket ("weft/flows HOST desired").  Both sides are normalized the
 *     same way (ofproto/flow-table.h), so comparing them is comparing text.
 *
 *   - traces: the host's ovs-vswitchd, through its unixctl socket
 *     ("ofproto/trace"); see vswitchd_ctl() in trace.c for how the socket
 *     is found.
 *
 * attach/detach run "ip", "ethtool" and "nsenter" (a namespace other than
 * weftctl's own is entered with nsenter --net=PATH), and write the Port row
 * through ovsdb/weft-write.h, the same layer as port-add and port-del.
 *
 * This file is their command line: the command table, the options, the
 * connection to weft's database.  The commands themselves are in flows.c,
 * trace.c and attach.c, what they share in ops-common.c (ops-common.h). */
#include <config.h>

#include "weftctl-ops.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops-common.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "stream-ssl.h"
#include "timeval.h"
#include "util.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weftctl-options.h"

VLOG_DEFINE_THIS_MODULE(weftctl_ops);

#define OPS_EXIT_ERROR 1
#define OPS_EXIT_USAGE 2
#define OPS_EXIT_DIFFERS 1      /* flows --diff found differences. */
#define OPS_EXIT_TROUBLE 2      /* flows --diff could not compare. */

/* ------------------------------------------------------------------------
 * Command line. */

struct ops_command {
    const char *name;
    const char *synopsis;
    int n_args;                 /* Not counting the name. */
    char *(*run)(struct ops_ctx *);
};

static const struct ops_command ops_commands[] = {
    { "flows", "flows [--host=HOST] [--tenant=TENANT] [--diff]", 0,
      ops_cmd_flows },
    { "trace", "trace TENANT/NET/PORT FLOW [--vswitchd-ctl=[HOST=]PATH]...",
      2, ops_cmd_trace },
    { "attach", "attach TENANT/NET --netns=NAME [--ip=A.B.C.D[/LEN]] "
      "[--mac=MAC] [--host=HOST] [--name=PORT] [--host-netns=NAME]", 1,
      ops_cmd_attach },
    { "detach", "detach TENANT/NET/PORT [--host-netns=NAME]", 1,
      ops_cmd_detach },
};

void
weftctl_ops_usage(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(ops_commands); i++) {
        printf("  %s\n", ops_commands[i].synopsis);
    }
    printf("  (flows --diff and trace also take --weftd=CTL: weftd's unixctl"
           " socket,\n   default $WEFT_RUNDIR/weftd.ctl)\n");
}

/* Returns the command name in 'argv' (its first non-option argument). */
static const char *
command_name(int argc, char *argv[])
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            return i + 1 < argc ? argv[i + 1] : NULL;
        } else if (a[0] != '-' || !a[1]) {
            return a;
        } else if (a[1] == '-' && !strchr(a, '=') && !weftctl_options_is_flag(a + 2)) {
            i++;
        }
    }
    return NULL;
}

static int
parse_ops_options(int argc, char *argv[], struct ops_options *opts)
{
    enum {
        OPT_DB = UCHAR_MAX + 1, OPT_WEFTD, OPT_TIMEOUT, OPT_HOST, OPT_TENANT,
        OPT_DIFF, OPT_VSWITCHD_CTL, OPT_NETNS, OPT_IP, OPT_MAC, OPT_NAME,
        OPT_HOST_NETNS, VLOG_OPTION_ENUMS, SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"weftd", required_argument, NULL, OPT_WEFTD},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"host", required_argument, NULL, OPT_HOST},
        {"tenant", required_argument, NULL, OPT_TENANT},
        {"diff", no_argument, NULL, OPT_DIFF},
        {"vswitchd-ctl", required_argument, NULL, OPT_VSWITCHD_CTL},
        {"netns", required_argument, NULL, OPT_NETNS},
        {"ip", required_argument, NULL, OPT_IP},
        {"mac", required_argument, NULL, OPT_MAC},
        {"name", required_argument, NULL, OPT_NAME},
        {"host-netns", required_argument, NULL, OPT_HOST_NETNS},
        VLOG_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    opts->timeout = WEFTCTL_DEFAULT_TIMEOUT;
    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, "v::", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_DB: opts->db = optarg; break;
        case OPT_WEFTD: opts->weftd = optarg; break;
        case OPT_TIMEOUT:
            if (!weftctl_options_parse_timeout(optarg, false,
                                               &opts->timeout)) {
                return OPS_EXIT_USAGE;
            }
            break;
        case OPT_HOST: opts->host = optarg; break;
        case OPT_TENANT: opts->tenant = optarg; break;
        case OPT_DIFF: opts->diff = true; break;
        case OPT_VSWITCHD_CTL: svec_add(&opts->vswitchd_ctls, optarg); break;
        case OPT_NETNS: opts->netns = optarg; break;
        case OPT_IP: opts->ip = optarg; break;
        case OPT_MAC: opts->mac = optarg; break;
        case OPT_NAME: opts->name = optarg; break;
        case OPT_HOST_NETNS: opts->host_netns = optarg; break;
        VLOG_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS
        default:
            fprintf(stderr, "%s: unrecognized option or missing argument "
                    "'%s' for %s (use --help for help)\n", program_name,
                    argv[optind - 1], command_name(argc, argv));
            return OPS_EXIT_USAGE;
        }
        /* Command options may follow the command and its arguments. */
    }
    opts->args = argv + optind;
    opts->n_args = argc - optind;
    return 0;
}

/* Which options each command accepts, checked after parsing. */
static char *
check_options(const struct ops_command *cmd, const struct ops_options *o)
{
    bool flows = !strcmp(cmd->name, "flows");
    bool trace = !strcmp(cmd->name, "trace");
    bool attach = !strcmp(cmd->name, "attach");
    bool detach = !strcmp(cmd->name, "detach");
    const char *bad = (o->tenant && !flows ? "--tenant"
                       : o->diff && !flows ? "--diff"
                       : o->host && !(flows || attach) ? "--host"
                       : o->vswitchd_ctls.n && !trace ? "--vswitchd-ctl"
                       : o->netns && !attach ? "--netns"
                       : o->ip && !attach ? "--ip"
                       : o->mac && !attach ? "--mac"
                       : o->name && !attach ? "--name"
                       : o->host_netns && !(attach || detach) ? "--host-netns"
                       : NULL);
    return bad ? xasprintf("option %s is not valid for %s (usage: %s)", bad,
                           cmd->name, cmd->synopsis) : NULL;
}

static char *
ops_connect(struct ops_ctx *ctx)
{
    const char *remote = ctx->opts->db ? ctx->opts->db
                                       : weft_db_default_remote();
    char *error = weft_db_check_ssl(remote);
    if (error) {
        return error;
    }
    ctx->idl = ovsdb_idl_create(remote, &weftrec_idl_class, true, true);
    for (;;) {
        ovsdb_idl_run(ctx->idl);
        if (ovsdb_idl_has_ever_connected(ctx->idl)) {
            break;
        }
        if (!ovsdb_idl_is_alive(ctx->idl)) {
            return xasprintf("%s: database connection failed (%s)", remote,
                             ovs_retval_to_string(
                                 ovsdb_idl_get_last_error(ctx->idl)));
        }
        if (time_msec() >= ctx->deadline) {
            return xasprintf("timeout connecting to %s", remote);
        }
        ovsdb_idl_wait(ctx->idl);
        poll_timer_wait_until(ctx->deadline);
        poll_block();
    }
    weft_db_load_topology(ctx->idl, &ctx->topo);
    ops_build_names(ctx);
    return NULL;
}

bool
weftctl_ops_main(int argc, char *argv[], int *statusp)
{
    const char *name = command_name(argc, argv);
    const struct ops_command *cmd = NULL;
    for (size_t i = 0; name && i < ARRAY_SIZE(ops_commands); i++) {
        if (!strcmp(ops_commands[i].name, name)) {
            cmd = &ops_commands[i];
        }
    }
    if (!cmd) {
        return false;
    }

    struct ops_options opts = { .vswitchd_ctls = SVEC_EMPTY_INITIALIZER };
    *statusp = parse_ops_options(argc, argv, &opts);
    if (*statusp) {
        svec_destroy(&opts.vswitchd_ctls);
        return true;
    }
    char *error = NULL;
    if (opts.n_args - 1 != cmd->n_args) {
        error = xasprintf("%s: wrong number of arguments (usage: %s)",
                          cmd->name, cmd->synopsis);
    } else {
        error = check_options(cmd, &opts);
    }
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, error);
        free(error);
        svec_destroy(&opts.vswitchd_ctls);
        *statusp = OPS_EXIT_USAGE;
        return true;
    }

    struct ds out = DS_EMPTY_INITIALIZER;
    struct ops_ctx ctx = {
        .opts = &opts,
        .deadline = (opts.timeout ? time_msec() + opts.timeout * 1000LL
                     : LLONG_MAX),
        .out = &out,
    };
    topology_init(&ctx.topo);
    smap_init(&ctx.names);
    shash_init(&ctx.tunnels);
    shash_init(&ctx.switches);
    error = ops_connect(&ctx);
    if (!error) {
        error = cmd->run(&ctx);
    }
    fputs(ds_cstr(&out), stdout);
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, error);
        /* flows --diff exits like diff(1): 1 means "they differ", so
         * trouble is 2. */
        *statusp = opts.diff ? OPS_EXIT_TROUBLE : OPS_EXIT_ERROR;
    } else {
        *statusp = ctx.differs ? OPS_EXIT_DIFFERS : 0;
    }

    free(error);
    ds_destroy(&out);
    struct shash_node *node;
    SHASH_FOR_EACH (node, &ctx.switches) {
        ops_switch_destroy(node->data);
    }
    shash_destroy(&ctx.switches);
    shash_destroy_free_data(&ctx.tunnels);
    smap_destroy(&ctx.names);
    topology_destroy(&ctx.topo);
    ovsdb_idl_destroy(ctx.idl);
    svec_destroy(&opts.vswitchd_ctls);
    return true;
}

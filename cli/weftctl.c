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
 *      whose flows the change touches (topo_changes_diff_hosts(): the topology
 *      of step 2 against the one after the commit), which weftd advances
 *      once a host has installed the flows for that nb_cfg, reaches the new
 *      nb_cfg (like ovn-nbctl's --wait=hv).  "sync" waits for every host;
 *      weftd moves an untouched host's cur_cfg forward at once.
 *
 * Everything runs in one OVS poll loop with a single deadline (--timeout)
 * covering connecting, committing and waiting. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fatal-signal.h"
#include "changes.h"
#include "compiler.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "packets.h"
#include "smap.h"
#include "sset.h"
#include "timeval.h"
#include "topology.h"
#include "util.h"
#include "validate.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weft-txn.h"
#include "weft-write.h"
#include "db-read.h"
#include "db-status.h"
#include "db-write.h"
#include "weftctl.h"
#include "weftctl-api.h"
#include "weftctl-help.h"
#include "weftctl-ops.h"
#include "weftctl-options.h"

VLOG_DEFINE_THIS_MODULE(weftctl);

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
        topo_changes_diff_hosts(&topo.topo, &now, changed);
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
    if (error && cmd->run == db_read_status) {
        /* Which members answer matters most when the database does not. */
        db_status_unreachable(remote, opts);
    }
    if (!error && cmd->writes) {
        int64_t nb_cfg;
        bool sync = !strcmp(cmd->name, "sync");
        struct sset changed = SSET_INITIALIZER(&changed);
        error = run_write_command(cmd, idl, opts, parsed, output, deadline,
                                  &nb_cfg, opts->wait ? &changed : NULL);
        if (!error && cmd->after) {
            /* The IDL has the commit: ovsdb-server sends a transaction's
             * update before its reply. */
            struct ctl_context ctx = {
                .idl = idl,
                .opts = opts,
                .parsed = parsed,
                .output = output,
            };
            error = cmd->after(&ctx);
        }
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

/* Database mode: steps 1 to 4 (see the top of this file) of 'cmd'.
 * Returns the exit status. */
static int
run_db_command(const struct ctl_command *cmd, const struct ctl_options *opts)
{
    const char *remote = opts->db ? opts->db : weft_db_default_remote();
    struct ctl_parsed parsed = { .n_path = 0 };
    struct ds output = DS_EMPTY_INITIALIZER;

    /* Step 1: nothing touches the database until the input is valid. */
    char *error = weft_db_check_ssl(remote);
    if (!error && cmd->parse) {
        error = cmd->parse(opts, &parsed);
    }
    if (!error) {
        error = run_command(cmd, remote, opts, &parsed, &output);
    }
    int status = 0;
    if (error) {
        fprintf(stderr, "%s: %s\n", program_name, error);
        status = WEFTCTL_EXIT_ERROR;
    } else {
        fputs(ds_cstr(&output), stdout);
    }
    free(error);
    ds_destroy(&output);
    ctl_parsed_destroy(&parsed);
    return status;
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
    int status;
    if (weftctl_help_main(argc, argv, weftctl_options_usage, &status)) {
        return status;
    }

    /* flows, trace, attach, detach: see weftctl-ops.h. */
    bool api = weftctl_options_want_api(argc, argv);
    if (!api && weftctl_ops_main(argc, argv, &status)) {
        return status;
    }

    /* Database mode, or with --api the same commands through weftd's REST
     * API (weftctl-api.h): one command line, one command table. */
    struct ctl_options opts = { .db = NULL };
    bool help;
    if (api) {
        weftctl_api_init(program_name);
    }
    status = weftctl_options_parse(argc, argv, api, &opts, &help);
    if (!status && !help) {
        const struct ctl_command *cmd = weftctl_options_check(&opts);
        status = (!cmd ? WEFTCTL_EXIT_USAGE
                  : api ? cmd->api(&opts)
                  : run_db_command(cmd, &opts));
    }
    weftctl_options_destroy(&opts);
    return status;
}

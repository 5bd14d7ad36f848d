/* db-status: weftctl's "status" in database mode.
 *
 * What the operator of a clustered database wants in one look: each member
 * of the remote list with what its own server says (cluster-status.h:
 * leader or follower, in contact with the cluster or not, or not
 * answering), the weftd that holds the lock and its generation, the last
 * failover (Weft_Global), then nb_cfg and each host's progress as
 * "weftctl --api status" prints them.  --format=json prints the same object
 * as GET /v1/status. */
#include <config.h>

#include "db-status.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cluster-status.h"
#include "db-read.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "weft-db.h"
#include "weft-idl.h"
#include "weftctl-options.h"
#include "weftctl.h"

/* How long each member may take to answer (all are asked at once). */
#define DB_STATUS_MEMBER_MS 2000

char *
db_read_status(struct ctl_context *ctx)
{
    const char *remote = (ctx->opts->db ? ctx->opts->db
                          : weft_db_default_remote());
    struct cluster_view view;
    cluster_view_init(&view, remote);
    cluster_status_query(&view, DB_STATUS_MEMBER_MS);
    struct cluster_controller ctl;
    cluster_controller_read(ctx->idl, &ctl);

    const struct weftrec_weft_global *global
        = weftrec_weft_global_first(ctx->idl);
    const void **rows;
    size_t n = db_read_sorted_rows(ctx->idl, &weftrec_table_host,
                                   db_read_compare_hosts, &rows);
    if (ctx->opts->json) {
        struct json *hosts = json_array_create_empty();
        for (size_t i = 0; i < n; i++) {
            json_array_add(hosts, db_read_host_json(rows[i], ctx->idl));
        }
        struct json *status = json_object_create();
        json_object_put(status, "nb_cfg",
                        json_integer_create(global ? global->nb_cfg : 0));
        json_object_put(status, "hosts", hosts);
        cluster_status_put_json(status, &view, &ctl);
        db_put_json(ctx->output, status);
    } else {
        char *text = cluster_status_format(&view, &ctl);
        ds_put_cstr(ctx->output, text);
        free(text);
        ds_put_format(ctx->output, "nb_cfg %"PRId64"\n",
                      global ? global->nb_cfg : 0);
        for (size_t i = 0; i < n; i++) {
            const struct weftrec_host *host = rows[i];
            ds_put_format(ctx->output,
                          "%s  ovsdb %s  openflow %s  cur_cfg %"PRId64"\n",
                          host->name,
                          host->ovsdb_connected ? "connected"
                                                : "disconnected",
                          host->openflow_connected ? "connected"
                                                   : "disconnected",
                          host->cur_cfg);
        }
    }
    free(rows);
    cluster_controller_destroy(&ctl);
    cluster_view_destroy(&view);
    return NULL;
}

void
db_status_unreachable(const char *remote, const struct ctl_options *opts)
{
    struct cluster_view view;
    cluster_view_init(&view, remote);
    cluster_status_query(&view, DB_STATUS_MEMBER_MS);
    struct ds out = DS_EMPTY_INITIALIZER;
    if (opts->json) {
        struct json *status = json_object_create();
        cluster_status_put_json(status, &view,
                                &(struct cluster_controller) {
                                    .active_since = -1 });
        /* No controller: the database could not be read. */
        json_object_put(status, "controller", json_null_create());
        db_put_json(&out, status);
    } else {
        char *text = cluster_status_format(&view, NULL);
        ds_put_cstr(&out, text);
        free(text);
    }
    fputs(ds_cstr(&out), stdout);
    ds_destroy(&out);
    cluster_view_destroy(&view);
}

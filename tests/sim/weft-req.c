/* weft-req: one 'struct weft_request' (topology/request.h) through the
 * shared write layer (ovsdb/weft-write.c, weft-txn.c's commit/retry loop),
 * for tests/sim/test-write-nat.sh, test-write-services.sh and
 * test-write-security.sh: it exercises validation and the write path of an
 * op without any front end, so that the write layer is tested on its own
 * while weftctl's and the REST API's commands are built apart.
 *
 *   weft-req DB OP PATH0 [PATH1 [PATH2]] [FIELD=VALUE]... [--tenant-view]
 *
 * OP is an op's name ("fip-add", see WEFT_OPS); FIELD one of the request's
 * string fields below, or "ip" (one of PORT_ADD's 'ips', repeatable).
 * Prints "ok" (for fip-add the address, given or allocated; for
 * sg-rule-add the new rule's id) and exits 0, or prints "KIND: MESSAGE" to stderr and exits 1
 * (2 for a usage error). */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-idl.h"
#include "packets.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "topology.h"
#include "util.h"
#include "validate.h"
#include "weft-idl.h"
#include "weft-txn.h"
#include "weft-write.h"

static char **
field(struct weft_request *req, const char *name)
{
    static const struct { const char *name; size_t ofs; } fields[] = {
#define F(NAME) { #NAME, offsetof(struct weft_request, NAME) }
        F(remote), F(tunnel_ip), F(datapath_type), F(uplink),
        F(external_iface), F(external_ip), F(external_gateway), F(snat),
        F(pool), F(fip), F(port_name), F(proto), F(host_port), F(to_port),
        F(cidr), F(network), F(host), F(iface), F(mac), F(router), F(vip),
        F(svc_port), F(node_port), F(weight), F(down), F(direction),
        F(ports), F(remote_cidr), F(remote_group), F(rule_id),
#undef F
    };
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        if (!strcmp(fields[i].name, name)) {
            return (char **) ((char *) req + fields[i].ofs);
        }
    }
    return NULL;
}

static bool
parse_op(const char *s, enum weft_op *op)
{
    for (int i = 0; i <= WEFT_OP_SG_MEMBER_DEL; i++) {
        if (!strcmp(weft_op_name(i), s)) {
            *op = i;
            return true;
        }
    }
    return false;
}

struct write {
    const struct weft_request *req;
    ovs_be32 fip;               /* The last attempt's floating IP. */
    uint32_t rule_id;           /* The last attempt's new rule id. */
};

/* Keeps the plan's floating IP and rule id, for fip-add's and
 * sg-rule-add's output. */
static struct weft_error *
build(struct ovsdb_idl *idl, struct ovsdb_idl_txn *txn,
      const struct topology *topo, void *w_)
{
    struct write *w = w_;
    struct weft_plan plan;
    struct weft_error *error = weft_write_build_plan(w->req, idl, txn, topo,
                                                     &plan);
    w->fip = plan.fip_ip;
    w->rule_id = plan.sg_rule.id;
    weft_plan_destroy(&plan);
    return error;
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    enum weft_op op;
    if (argc < 4 || !parse_op(argv[2], &op)) {
        fprintf(stderr, "usage: %s DB OP PATH... [FIELD=VALUE]...\n",
                argv[0]);
        return 2;
    }
    struct weft_request req;
    weft_request_init(&req, op);
    size_t n_path = 0;
    for (int i = 3; i < argc; i++) {
        const char *eq = strchr(argv[i], '=');
        if (!strcmp(argv[i], "--tenant-view")) {
            req.tenant_view = true;
        } else if (!strncmp(argv[i], "ip=", 3)) {
            weft_request_add_ip(&req, argv[i] + 3);
        } else if (eq) {
            char *name = xmemdup0(argv[i], eq - argv[i]);
            char **f = field(&req, name);
            if (!f) {
                fprintf(stderr, "unknown field %s\n", name);
                return 2;
            }
            free(name);
            free(*f);
            *f = xstrdup(eq + 1);
        } else if (n_path < 3) {
            req.path[n_path++] = xstrdup(argv[i]);
        }
    }

    struct ovsdb_idl *idl = ovsdb_idl_create(argv[1], &weftrec_idl_class,
                                             true, true);
    long long int deadline = time_msec() + 60 * 1000;
    for (;;) {
        ovsdb_idl_run(idl);
        if (ovsdb_idl_has_ever_connected(idl)) {
            break;
        }
        if (time_msec() > deadline) {
            fprintf(stderr, "timeout connecting to %s\n", argv[1]);
            return 1;
        }
        ovsdb_idl_wait(idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    struct write w = { .req = &req };
    struct weft_txn_spec spec = {
        .build = build,
        .aux = &w,
        .comment = "weft-req",
        .initial_cfg = 1,
        .deadline = deadline,
    };
    struct weft_txn_result result;
    struct weft_error *error = weft_txn_run_blocking(idl, &spec, &result);
    int status = 0;
    if (error) {
        fprintf(stderr, "%s: %s\n", weft_err_kind_name(error->kind),
                error->message);
        weft_error_destroy(error);
        status = 1;
    } else if (op == WEFT_OP_FIP_ADD) {
        printf(IP_FMT"\n", IP_ARGS(w.fip));
    } else if (op == WEFT_OP_SG_RULE_ADD) {
        printf("%"PRIu32"\n", w.rule_id);
    } else {
        printf("ok\n");
    }
    weft_request_destroy(&req);
    ovsdb_idl_destroy(idl);
    return status;
}

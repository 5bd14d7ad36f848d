/* weft-write: the one write layer for weft's desired state (OVS side).
 *
 * weftctl and weftd's REST API (controller/rest/executor.c) both turn a
 * checked 'struct weft_request' (topology/request.h) into an OVSDB
 * transaction here.  Every check is in topology/ (weft_request_check(),
 * weft_request_validate() in validate.h), so that both accept and refuse
 * exactly the same changes with the same messages; this layer only writes.
 * The one transaction loop that calls these, commits and retries is
 * weft-txn.h:
 *
 *     txn = ovsdb_idl_txn_create(idl);
 *     nb_cfg = weft_write_next_cfg(idl, txn, 1, &inserted);
 *     error = weft_write_build(req, idl, txn, &topo);
 *     commit; on TXN_TRY_AGAIN reload the topology and start again.
 *
 * Every write verifies Weft_Global's nb_cfg and increments it, so concurrent
 * writers (several weftctls, the REST API) are serialized: the loser
 * re-validates against the winner's change.  Address allocation does not
 * rest on that alone: every port add or delete in a network with a subnet
 * also verifies and bumps the network's external_ids:weft-ip-gen, so two
 * writes that pick addresses in one network always conflict, whatever else
 * they verify.  Floating IPs the same way: every floating IP add or delete
 * verifies and bumps its pool's external_ids:weft-fip-gen; and every port
 * mapping add its host's external_ids:weft-map-gen (one (proto, host port)
 * per host).
 *
 * Threading: main thread of the caller only (uses the IDL). */
#ifndef WEFT_WRITE_H
#define WEFT_WRITE_H 1

#include <stdbool.h>
#include <stdint.h>

#include "request.h"

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct topology;

/* Checks 'req' against 'topo', which must be loaded from 'idl', with
 * weft_request_validate() (topology/validate.h: step 1 again, then step 2),
 * and adds the change to 'txn'.  Returns NULL or that error (NOT_FOUND,
 * CONFLICT, INVALID) and then 'txn' must be discarded.  (Which hosts must
 * install the change is for the caller to find once it is committed:
 * topo_changes_hosts(), topology/changes.h.) */
struct weft_error *weft_write_build(const struct weft_request *req,
                                    struct ovsdb_idl *idl,
                                    struct ovsdb_idl_txn *txn,
                                    const struct topology *topo);

/* The same, leaving the plan that was written in 'plan' (which the caller
 * must free with weft_plan_destroy(), error or not): a front end reports
 * from it what weft chose, e.g. a new port's allocated address
 * ('plan->ips', 'plan->n_ips', 'plan->allocated'), a router's MAC on a
 * network it joined ('plan->mac') or a new floating IP's address
 * ('plan->fip_ip', 'plan->fip_allocated').  On a retry, only the last attempt's
 * plan counts. */
struct weft_plan;
struct weft_error *weft_write_build_plan(const struct weft_request *req,
                                         struct ovsdb_idl *idl,
                                         struct ovsdb_idl_txn *txn,
                                         const struct topology *topo,
                                         struct weft_plan *plan);

/* Verifies Weft_Global's nb_cfg in 'txn' and writes nb_cfg + 1, returning
 * that value.  If there is no Weft_Global row yet, inserts one with nb_cfg
 * 'initial', returns 'initial' and sets '*insertedp' to true (the commit can
 * then fail with TXN_ERROR if another writer inserted it first: retry). */
int64_t weft_write_next_cfg(struct ovsdb_idl *, struct ovsdb_idl_txn *,
                            int64_t initial, bool *insertedp);

#endif /* ovsdb/weft-write.h */

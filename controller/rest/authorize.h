/* authorize: who may make a REST call, checked by the executor (main loop)
 * against weft's database before it reads or writes anything.
 *
 * Place in the pipeline: request -> (rest-parse.c: who the caller claims to
 * be) -> here (whether the database agrees) -> executor.c -> desired state.
 *
 * A tenant never learns anything about another tenant: it gets NOT_FOUND,
 * not FORBIDDEN, for anything of another tenant.  Bearer tokens are matched
 * by their hash, in constant time.  OVS side; main thread only. */
#ifndef WEFT_AUTHORIZE_H
#define WEFT_AUTHORIZE_H 1

#include "api.h"

struct ovsdb_idl;
struct weftrec_tenant;

/* Checks that the caller of 'call' may make it, against the tenants in
 * 'idl'.  Stores the caller's tenant row in '*ownp', or NULL for an admin.
 * Returns NULL, or the error to answer. */
struct weft_error *api_authorize(struct ovsdb_idl *idl,
                                 const struct api_call *call,
                                 const struct weftrec_tenant **ownp);

#endif /* controller/rest/authorize.h */

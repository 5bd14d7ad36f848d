/* authorize: who may make a REST call.  See authorize.h. */
#include <config.h>

#include "authorize.h"

#include <string.h>

#include <openssl/crypto.h>

#include "util.h"
#include "weft-idl.h"

/* Returns true if the token hashes 'a' and 'b' are equal, in a time that
 * does not depend on where they differ (only on their length, which is
 * public: 64 hex digits). */
static bool
token_hash_equal(const char *a, const char *b)
{
    size_t len = strlen(a);
    return len == strlen(b) && !CRYPTO_memcmp(a, b, len);
}

/* Checks that the caller of 'call' may make it.  Stores the caller's tenant
 * row in '*ownp', or NULL for an admin.  A tenant admin gets NOT_FOUND, not
 * FORBIDDEN, for anything of another tenant, so that it cannot learn which
 * tenants exist.  A call with a token is never an admin's (rest-parse.c),
 * even from root. */
struct weft_error *
api_authorize(struct ovsdb_idl *idl, const struct api_call *call,
              const struct weftrec_tenant **ownp)
{
    *ownp = NULL;
    if (call->admin) {
        return NULL;
    }
    if (!call->token_hash) {
        return weft_error_create(WEFT_ERR_UNAUTHORIZED, xstrdup(
            "a bearer token is required (Authorization: Bearer TOKEN)"));
    }
    /* Every row is compared, in constant time each, so that the time
     * taken says nothing about the token. */
    const struct weftrec_tenant *own = NULL, *row;
    WEFTREC_TENANT_FOR_EACH (row, idl) {
        if (row->token_hash && token_hash_equal(row->token_hash,
                                                call->token_hash)
            && !own) {
            own = row;
        }
    }
    if (!own) {
        return weft_error_create(WEFT_ERR_UNAUTHORIZED,
                                 xstrdup("invalid token"));
    }
    *ownp = own;

    switch (call->resource) {
    case API_STATUS:
    case API_VERSION:
        return NULL;
    case API_HOSTS:
        return (call->verb != API_WRITE ? NULL
                : weft_error_create(WEFT_ERR_FORBIDDEN, xstrdup(
                      "only an administrator can change hosts")));
    case API_TENANTS:
        if (call->verb == API_LIST) {
            return NULL;
        }
        if (call->n_path && strcmp(call->path[0], own->name)) {
            return weft_error_format(WEFT_ERR_NOT_FOUND,
                                     "tenant %s does not exist",
                                     call->path[0]);
        }
        return (call->verb != API_WRITE ? NULL
                : weft_error_create(WEFT_ERR_FORBIDDEN, xstrdup(
                      "only an administrator can create or delete "
                      "tenants")));
    case API_METRICS:
        return weft_error_create(WEFT_ERR_FORBIDDEN, xstrdup(
            "only an administrator can read metrics"));
    case API_POOLS:
        return weft_error_create(WEFT_ERR_FORBIDDEN, xstrdup(
            "only an administrator can manage address pools"));
    case API_QUOTA:
        if (strcmp(call->path[0], own->name)) {
            return weft_error_format(WEFT_ERR_NOT_FOUND,
                                     "tenant %s does not exist",
                                     call->path[0]);
        }
        /* A tenant reads its own quotas and usage; only an admin sets
         * them. */
        return (call->verb != API_WRITE ? NULL
                : weft_error_create(WEFT_ERR_FORBIDDEN, xstrdup(
                      "only an administrator can change quotas")));
    case API_NETWORKS:
    case API_PORTS:
    case API_FLOWS:
    case API_ROUTERS:
    case API_FIPS:
    case API_MAPPINGS:
    case API_SERVICES:
    case API_SERVICE_STATS:
    case API_SGS:
    case API_SG_STATS:
        if (strcmp(call->path[0], own->name)) {
            return weft_error_format(WEFT_ERR_NOT_FOUND,
                                     "tenant %s does not exist",
                                     call->path[0]);
        }
        return NULL;
    }
    OVS_NOT_REACHED();
}

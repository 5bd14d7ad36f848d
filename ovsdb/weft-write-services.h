/* weft-write-services: the service ops of the write layer (weft-write.c
 * calls it).  Internal to ovsdb/. */
#ifndef WEFT_WRITE_SERVICES_H
#define WEFT_WRITE_SERVICES_H 1

#include <stdbool.h>

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct weft_plan;

/* Writes 'plan' into 'txn' if it is a service op (SERVICE_*, BACKEND_*)
 * and returns true; otherwise returns false and writes nothing. */
bool weft_write_service_plan(const struct weft_plan *, struct ovsdb_idl *,
                             struct ovsdb_idl_txn *);

#endif /* ovsdb/weft-write-services.h */

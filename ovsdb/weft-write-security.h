/* weft-write-security: the security group ops of the write layer
 * (weft-write.c calls it).  Internal to ovsdb/. */
#ifndef WEFT_WRITE_SECURITY_H
#define WEFT_WRITE_SECURITY_H 1

#include <stdbool.h>

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct weft_plan;

/* Writes 'plan' into 'txn' if it is a security group op (SG_*) and
 * returns true; otherwise returns false and writes nothing. */
bool weft_write_security_plan(const struct weft_plan *, struct ovsdb_idl *,
                              struct ovsdb_idl_txn *);

#endif /* ovsdb/weft-write-security.h */

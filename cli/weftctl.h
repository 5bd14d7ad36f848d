/* weftctl: database mode's shared types.
 *
 * The command table and 'struct ctl_options' are weftctl-commands.h (shared
 * with --api mode); the command line is parsed by weftctl-options.c.  Step 1
 * of the four described at the top of weftctl.c checks each command's
 * arguments into a 'struct ctl_parsed' (db-write.c); weftctl.c loads the
 * topology and runs the command with a 'struct ctl_context'.  The write
 * commands are db-write.c's, the read-only ones (the lists and show)
 * db-read.c's.  The operator commands (weftctl-ops.h) have a command line of
 * their own and use none of this. */
#ifndef WEFTCTL_H
#define WEFTCTL_H 1

#include <stdbool.h>
#include <stddef.h>

#include "weft-write.h"
#include "weftctl-commands.h"

struct ds;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct topology;

/* Command arguments after step 1 (parse).  Strings are malloc'd. */
struct ctl_parsed {
    char *path[3];              /* list filters: tenant[/net]. */
    size_t n_path;              /* Elements used in 'path'. */
    bool has_req;               /* Write commands: 'req' is initialized. */
    struct weft_request req;    /* The change, for weft-write.h. */
};

/* What a command sees while building its transaction (step 3). */
struct ctl_context {
    struct ovsdb_idl *idl;
    struct ovsdb_idl_txn *txn;  /* NULL for read-only commands. */
    const struct topology *topo;
    const struct ctl_options *opts;
    const struct ctl_parsed *parsed;
    struct ds *output;          /* Printed to stdout on success only. */
};

#endif /* cli/weftctl.h */

/* weftctl: database mode's shared types.
 *
 * weftctl.c holds the command table, parses the command line into a 'struct
 * ctl_options', checks each command's arguments into a 'struct ctl_parsed'
 * (step 1 of the four described at the top of weftctl.c), loads the topology
 * and runs the command with a 'struct ctl_context'.  The write commands are
 * in weftctl.c; the read-only ones (the lists and show) are in db-read.c.
 * The operator commands (weftctl-ops.h) and --api mode (weftctl-api.h) have
 * command lines of their own and use none of this. */
#ifndef WEFTCTL_H
#define WEFTCTL_H 1

#include <stdbool.h>
#include <stddef.h>

#include "svec.h"
#include "weft-write.h"

struct ds;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct topology;

/* Options that belong to individual commands.  Each one is a bit in
 * 'struct ctl_command''s 'options' and 'required' masks. */
#define CMD_OPTIONS                                         \
    CMD_OPTION(REMOTE, "remote")                            \
    CMD_OPTION(TUNNEL_IP, "tunnel-ip")                      \
    CMD_OPTION(DATAPATH_TYPE, "datapath-type")              \
    CMD_OPTION(UPLINK, "uplink")                            \
    CMD_OPTION(OPENFLOW_REMOTE, "openflow-remote")          \
    CMD_OPTION(TYPE, "type")                                \
    CMD_OPTION(SEGMENT, "segment")                          \
    CMD_OPTION(MTU, "mtu")                                  \
    CMD_OPTION(HOST, "host")                                \
    CMD_OPTION(IFACE, "iface")                              \
    CMD_OPTION(MAC, "mac")                                  \
    CMD_OPTION(IP, "ip")                                    \
    CMD_OPTION(MAX_PORTS, "max-ports")                      \
    CMD_OPTION(MAX_NETWORKS, "max-networks")                \
    CMD_OPTION(MAX_IPS_PER_PORT, "max-ips-per-port")

enum cmd_option {
#define CMD_OPTION(ENUM, NAME) CO_##ENUM,
    CMD_OPTIONS
#undef CMD_OPTION
    N_CMD_OPTIONS
};

/* The parsed command line. */
struct ctl_options {
    const char *db;             /* --db, or NULL for the default remote. */
    int timeout;                /* Seconds; 0 means no limit. */
    bool wait;                  /* --wait. */
    bool json;                  /* --format=json (or --json). */
    unsigned int given;         /* CO_BIT()s of the command options seen. */
    const char *values[N_CMD_OPTIONS]; /* Each option's argument. */
    struct svec ips;            /* Every --ip, in order. */
    char **args;                /* Command name, then its arguments. */
    int n_args;
};

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

/* weftctl-commands: weftctl's one command table, read by the dispatcher
 * (weftctl.c), the option checks (weftctl-options.c), the per-command help
 * (weftctl-help.c) and --api mode (weftctl-api.c).
 *
 * Where it sits: weftctl is the operator's way in at the top of the pipeline
 * (request -> desired state -> compile -> push).  Each command has two
 * backends: the database one writes weft's OVSDB directly (weftctl.c,
 * db-write.c, db-read.c), the API one sends the same request to weftd's
 * REST API (weftctl-api.c).  A command that has only one backend has NULL
 * for the other.
 *
 * Plain C: no OVS and no jansson headers, so both sides can include it.  The
 * operator commands (flows, trace, attach, detach: weftctl-ops.h) have a
 * command line of their own. */
#ifndef WEFTCTL_COMMANDS_H
#define WEFTCTL_COMMANDS_H 1

#include <stdbool.h>
#include <stddef.h>

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
    CMD_OPTION(MAX_IPS_PER_PORT, "max-ips-per-port")       \
    CMD_OPTION(CIDR, "cidr")                                \
    CMD_OPTION(GATEWAY, "gateway")                          \
    CMD_OPTION(VIA, "via")                                  \
    CMD_OPTION(EXTERNAL_IFACE, "external-iface")            \
    CMD_OPTION(EXTERNAL_IP, "external-ip")                  \
    CMD_OPTION(EXTERNAL_GATEWAY, "external-gateway")        \
    CMD_OPTION(NO_EXTERNAL, "no-external")      /* Flag. */ \
    CMD_OPTION(SNAT, "snat")        /* Optional "=VALUE". */ \
    CMD_OPTION(POOL, "pool")                                \
    CMD_OPTION(PORT, "port")                                \
    CMD_OPTION(NO_PORT, "no-port")              /* Flag. */ \
    CMD_OPTION(ROUTER, "router")                            \
    CMD_OPTION(VIP, "vip")                                  \
    CMD_OPTION(PROTO, "proto")                              \
    CMD_OPTION(NODE_PORT, "node-port")                      \
    CMD_OPTION(NO_NODE_PORT, "no-node-port")    /* Flag. */ \
    CMD_OPTION(WEIGHT, "weight")                            \
    CMD_OPTION(DOWN, "down")                    /* Flag. */ \
    CMD_OPTION(UP, "up")                        /* Flag. */ \
    CMD_OPTION(DIRECTION, "direction")                      \
    CMD_OPTION(PORTS, "ports")                              \
    CMD_OPTION(REMOTE_CIDR, "remote-cidr")                  \
    CMD_OPTION(REMOTE_GROUP, "remote-group")

enum cmd_option {
#define CMD_OPTION(ENUM, NAME) CO_##ENUM,
    CMD_OPTIONS
#undef CMD_OPTION
    N_CMD_OPTIONS
};

/* More than 32 options: the masks are 64 bits wide. */
#define CO_BIT(ENUM) (1ull << CO_##ENUM)

/* The external side's three options, given together (host-add, host-set). */
#define CO_EXTERNAL_BITS (CO_BIT(EXTERNAL_IFACE) | CO_BIT(EXTERNAL_IP)   \
                          | CO_BIT(EXTERNAL_GATEWAY))

/* Each command option's NAME, as in --NAME. */
extern const char *const cmd_option_names[N_CMD_OPTIONS];

/* The parsed command line, in either mode (weftctl-options.c). */
struct ctl_options {
    const char *db;             /* --db, or NULL for the default remote. */
    const char *api;            /* --api SOCKET, or NULL: database mode. */
    const char *token;          /* --api: --token, else $WEFT_TOKEN. */
    int timeout;                /* Seconds; 0 means no limit. */
    bool wait;                  /* --wait. */
    bool json;                  /* --format=json (or --json). */
    unsigned long long given;   /* CO_BIT()s of the command options seen. */
    const char *values[N_CMD_OPTIONS]; /* Each option's argument (NULL for
                                        * a flag, and for --snat without
                                        * "=VALUE"). */
    const char **ips;           /* Every --ip, in order (malloc'd array). */
    size_t n_ips;
    char **args;                /* Command name, then its arguments. */
    int n_args;
};

struct ctl_parsed;
struct ctl_context;

struct ctl_command {
    const char *name;
    const char *synopsis;       /* Arguments and options, for messages. */
    const char *help;           /* "help COMMAND": what it does, options. */
    int min_args, max_args;     /* Not counting the command name. */
    unsigned long long options; /* CO_BIT()s allowed. */
    unsigned long long required; /* CO_BIT()s required. */
    bool writes;                /* Modifies the database (nb_cfg too). */

    /* Database backend; 'run' NULL if the command exists only with --api.
     *
     * Step 1: checks 'opts' without the database.  May be NULL. */
    char *(*parse)(const struct ctl_options *, struct ctl_parsed *);

    /* Step 3: validates against ctx->topo and adds to ctx->txn, or (for
     * read-only commands) appends output to ctx->output.  Returns NULL or a
     * malloc'd error. */
    char *(*run)(struct ctl_context *);

    /* API backend (weftctl-api.c), NULL if the command exists only in
     * database mode.  Sends the request(s), prints the answer and returns
     * the exit status (weftctl-api.h). */
    int (*api)(const struct ctl_options *);

    /* Database backend of a write command, after its commit (the IDL has
     * it): appends what the command prints about the result to
     * ctx->output (port-add: the addresses allocated).  May be NULL. */
    char *(*after)(struct ctl_context *);
};

extern const struct ctl_command ctl_commands[];
extern const size_t n_ctl_commands;

/* The command called 'name', or NULL. */
const struct ctl_command *ctl_command_find(const char *name);

/* The syntax of the NAT commands' arguments, the same in both modes
 * (weftctl-api-nat.c).  Each returns NULL and stores malloc'd strings, or
 * returns a malloc'd error.
 *
 * ctl_parse_net_port(): --port's "NET/PORT".
 * ctl_parse_mapping(): a port mapping as docker -p writes it,
 * "HOST_PORT:PORT[/PROTO]" (map-add, 'with_to_port') or "HOST_PORT[/PROTO]"
 * (map-del); PROTO, "tcp" or "udp", defaults to tcp.  The numbers are kept
 * as text: their range is validation's (topology/). */
char *ctl_parse_net_port(const char *arg, char **network, char **port);
/* A backend's "NET/PORT" (or "T/NET/PORT", another tenant's port, for
 * validation to refuse clearly) (weftctl-api-services.c). */
char *ctl_parse_backend(const char *arg, char **network, char **port);
/* A security group member's "NET/PORT" (or "T/NET/PORT", for validation
 * to refuse clearly) (weftctl-api-sg.c). */
char *ctl_parse_member(const char *arg, char **network, char **port);
char *ctl_parse_mapping(const char *spec, bool with_to_port,
                        char **host_port, char **to_port, char **proto);

#endif /* cli/weftctl-commands.h */

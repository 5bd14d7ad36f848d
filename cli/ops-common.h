/* ops-common: what weftctl's operator commands (weftctl-ops.h) share.
 *
 * weftctl-ops.c parses the command line into 'struct ops_options', connects
 * to weft's database, builds weft's names (ops_build_names()) into a
 * 'struct ops_ctx' and runs one command: flows.c (flows, flows --diff),
 * trace.c (trace) or attach.c (attach, detach).  This header holds their
 * context and the helpers more than one of them needs: the unixctl client
 * (weftd's and ovs-vswitchd's control sockets), pidfiles and "unix:"
 * remotes, Network and Port rows by path, weft's names for cookies and
 * interfaces, and a host's switch read over OpenFlow (ops-common.c).
 *
 * Everything here is weftctl's alone and single-threaded.  A function that
 * returns 'char *' returns NULL for success or a malloc'd error message that
 * the caller frees. */
#ifndef OPS_COMMON_H
#define OPS_COMMON_H 1

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "openvswitch/ofp-port.h"
#include "openvswitch/shash.h"
#include "simap.h"
#include "smap.h"
#include "svec.h"
#include "topology.h"

struct ds;
struct ovsdb_idl;
struct vconn;
struct weftrec_network;
struct weftrec_port;

struct ops_options {
    const char *db;             /* --db, or NULL for the default. */
    const char *weftd;          /* --weftd, or NULL for the default. */
    int timeout;                /* Seconds, 0 for none. */
    const char *host;           /* --host. */
    const char *tenant;         /* --tenant (flows). */
    bool diff;                  /* --diff (flows). */
    struct svec vswitchd_ctls;  /* --vswitchd-ctl=[HOST=]PATH (trace). */
    const char *netns;          /* --netns (attach). */
    const char *ip;             /* --ip=A[/LEN] (attach). */
    const char *mac;            /* --mac (attach). */
    const char *name;           /* --name (attach). */
    const char *host_netns;     /* --host-netns (attach, detach). */
    char **args;                /* Command name, then its arguments. */
    int n_args;
};

/* A host's switch, as read over OpenFlow. */
struct ops_switch {
    char *target;               /* OpenFlow target. */
    struct vconn *vconn;
    int version;
    struct simap ofports;       /* Interface name -> OpenFlow port. */
    struct ofputil_port_map ifaces;   /* OpenFlow port -> interface name. */
    struct ofputil_port_map labels;   /* OpenFlow port -> weft's name. */
};

/* A tunnel interface name ("vx-h2"), with what is behind it. */
struct ops_tunnel {
    const struct topo_host *remote;
    enum topo_net_type type;
};

struct ops_ctx {
    const struct ops_options *opts;
    long long int deadline;     /* time_msec() limit for everything. */
    struct ovsdb_idl *idl;
    struct topology topo;
    struct smap names;          /* "t1" / "n3" / "p7" / "r2" (kind + key) ->
                                 * name. */
    struct shash tunnels;       /* Interface name -> struct ops_tunnel. */
    struct shash switches;      /* Host name -> struct ops_switch. */
    struct ds *out;             /* Printed on success. */
    bool differs;               /* flows --diff printed a difference. */
};

/* The commands, for weftctl-ops.c's command table.  Each runs on a connected
 * 'ctx', appends what it prints to ctx->out and returns NULL, or returns a
 * malloc'd error. */
char *ops_cmd_flows(struct ops_ctx *);                   /* flows.c */
char *ops_cmd_trace(struct ops_ctx *);                   /* trace.c */
char *ops_cmd_attach(struct ops_ctx *);                  /* attach.c */
char *ops_cmd_detach(struct ops_ctx *);                  /* attach.c */

/* Helpers (ops-common.c, where the contracts are). */
char *ops_unixctl_call(const char *path, const char *what,
                       const char *command, int argc, char *argv[],
                       char **resultp);
/* The pid of the running process that holds pidfile 'file' (OVS's
 * read_pidfile()), or 0. */
pid_t ops_read_pidfile(const char *file);
char *ops_unix_remote_dir(const char *remote);

/* The port of ctx->topo whose flow key is 'key' (as in cookies), or NULL
 * (ops-nat.c, ops-sg.c). */
const struct topo_port *ops_port_by_key(const struct ops_ctx *, uint32_t key);

/* The Network row named by 'path' (TENANT, NET), or the Port row (TENANT,
 * NET, PORT); NULL if there is none. */
const struct weftrec_network *ops_find_network_row(struct ovsdb_idl *,
                                                   char *const path[2]);
const struct weftrec_port *ops_find_port_row(struct ovsdb_idl *,
                                             char *const path[3]);

/* Names.  ops_build_names() fills ctx->names and ctx->tunnels from the
 * database; ops_name_of() returns the name of the tenant ('t'), network
 * ('n'), port ('p') or router ('r', "TENANT/ROUTER") whose flow key is
 * 'key', or NULL. */
const char *ops_name_of(const struct ops_ctx *, char kind, uint64_t key);
void ops_build_names(struct ops_ctx *);
void ops_put_cookie_owner(const struct ops_ctx *, uint64_t cookie,
                          struct ds *);
void ops_put_iface_label(const struct ops_ctx *, const struct topo_host *,
                         const char *iface, bool long_form, struct ds *);

/* Reading a switch over OpenFlow. */
char *ops_switch_open(struct ops_ctx *, const struct topo_host *,
                      struct ops_switch **swp);
void ops_switch_destroy(struct ops_switch *);

#endif /* cli/ops-common.h */

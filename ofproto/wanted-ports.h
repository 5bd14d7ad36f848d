/* wanted-ports: the ports weft must own on one host's br-int.
 *
 * Place in the pipeline: compile.  Next to the flow compiler (compiler.h),
 * which gives a host's flows, this gives the same host's ports: its uplink,
 * one tunnel per (type, remote host) it needs (compile_host_tunnels()) and
 * one port per endpoint on it.  Pure: topology in, plain data out; the host's
 * OVSDB session (ovsdb/host-db.h) makes br-int hold exactly these ports.
 *
 * An endpoint never takes a name of weft's own infrastructure (the uplink,
 * a tunnel, br-int's LOCAL port: validate_iface_is_reserved()): it would be
 * given the tunnel (and other tenants' traffic), the VLAN trunk or the
 * host's own stack.  Such an endpoint is left out and its name is listed in
 * 'refused' instead. */
#ifndef WEFT_WANTED_PORTS_H
#define WEFT_WANTED_PORTS_H 1

#include <stdbool.h>

#include "openvswitch/shash.h"
#include "smap.h"
#include "sset.h"

struct topology;
struct topo_host;

/* A port weft must own on br-int, with its single interface of the same
 * name (the shash key in 'struct wanted_ports'). */
struct wanted_port {
    char *owner;                    /* external_ids:weft-port value: the port's
                                     * UUID, "tunnel:HOST" or "uplink". */
    char *name;                     /* external_ids:weft-name value,
                                     * "TENANT/NET/PORT", or NULL. */
    char *type;                     /* Interface type; "" for a system one. */
    struct smap options;            /* Interface options. */
};

struct wanted_ports {
    struct shash ports;             /* Interface name -> struct wanted_port. */
    struct sset refused;            /* Endpoint interface names refused
                                     * because weft's own infrastructure takes
                                     * them on this host. */
};

void wanted_ports_init(struct wanted_ports *);
void wanted_ports_destroy(struct wanted_ports *);
void wanted_ports_swap(struct wanted_ports *, struct wanted_ports *);

/* Stores in 'out' (initialized, and emptied first) the ports weft must own
 * on 'host' of 'topo' and the endpoint names it refuses there.  'host' may
 * be NULL (a host not in 'topo'): then 'out' stays empty. */
void wanted_ports_compute(const struct topology *topo,
                          const struct topo_host *host,
                          struct wanted_ports *out);

/* True if 'a' and 'b' want the same ports, with the same settings ('refused'
 * is not compared). */
bool wanted_ports_equal(const struct wanted_ports *a,
                        const struct wanted_ports *b);

#endif /* ofproto/wanted-ports.h */

/* wanted-ports: the ports weft must own on one host's br-int.
 *
 * Place in the pipeline: compile.  Next to the flow compiler (compiler.h),
 * which gives a host's flows, this gives the same host's ports: its uplink,
 * its external interface (topo_host.ext.iface, owner "external"), one
 * tunnel per (type, remote host) it needs (compile_host_tunnels()) and
 * one port per endpoint on it.  Pure: topology in, plain data out; the host's
 * OVSDB session (ovsdb/host-db.h) makes br-int hold exactly these ports.
 *
 * An endpoint never takes a name of weft's own infrastructure (the uplink,
 * the external interface, a tunnel, br-int's LOCAL port:
 * validate_iface_is_reserved()): it would be given the tunnel (and other
 * tenants' traffic), the VLAN trunk, the host's LAN or the host's own
 * stack.  Such an endpoint is left out and its name is listed in
 * 'refused' instead. */
#ifndef WEFT_WANTED_PORTS_H
#define WEFT_WANTED_PORTS_H 1

#include <stdbool.h>

#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "openvswitch/uuid.h"
#include "simap.h"
#include "smap.h"
#include "sset.h"

struct topology;
struct topo_changes;
struct topo_host;

/* A port weft must own on br-int, with its single interface of the same
 * name (the shash key in 'struct wanted_ports'). */
struct wanted_port {
    char *owner;                    /* external_ids:weft-port value: the port's
                                     * UUID, "tunnel:HOST", "uplink" or
                                     * "external". */
    char *name;                     /* external_ids:weft-name value,
                                     * "TENANT/NET/PORT", or NULL. */
    char *type;                     /* Interface type; "" for a system one. */
    struct smap options;            /* Interface options. */

    /* An endpoint's: its Port row, in 'by_port' of its struct wanted_ports
     * (wanted_ports_update() finds it there), and its node in 'ports'. */
    bool endpoint;
    struct uuid port;
    struct hmap_node port_node;
    struct shash_node *ports_node;
};

struct wanted_ports {
    struct shash ports;             /* Interface name -> struct wanted_port. */
    struct sset refused;            /* Endpoint interface names refused
                                     * because weft's own infrastructure takes
                                     * them on this host. */
    struct hmap by_port;            /* The endpoints' struct wanted_port, by
                                     * uuid_hash() of 'port'. */
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

/* Brings 'wp', computed for 'host' from an earlier topology, up to what
 * wanted_ports_compute() would give for 'topo' after 'changes', looking only
 * at the ports 'changes' names and those of its networks on 'host', and adds
 * to 'changed' the names whose wanted port changed.  O(changes), where
 * wanted_ports_compute() is O(ports on the host).  Returns false, changing
 * nothing, if it cannot: a change of a host row or of everything, weft's
 * own ports (uplink, tunnels) changed, a refused name, or two ports with one
 * interface name; then compute it whole and wanted_ports_diff(). */
bool wanted_ports_update(const struct topology *topo,
                         const struct topo_host *host,
                         const struct topo_changes *changes,
                         struct wanted_ports *wp, struct sset *changed);

/* True if 'a' and 'b' want the same ports, with the same settings ('refused'
 * is not compared). */
bool wanted_ports_equal(const struct wanted_ports *a,
                        const struct wanted_ports *b);

/* Adds to 'changed' the name of every port that 'a' and 'b' do not want
 * alike: wanted by one only, or with other settings ('refused' is not
 * compared).  Returns true if there is any.  O(ports in 'a' and 'b'), no
 * allocation but the names added: the host's OVSDB session then reconciles
 * only those names. */
bool wanted_ports_diff(const struct wanted_ports *a,
                       const struct wanted_ports *b, struct sset *changed);

/* OpenFlow port numbers.
 *
 * weft requests a number for every interface it owns on br-int
 * (Interface.ofport_request), so that the compiler knows each port's number
 * before ovs-vswitchd has made the port: a host is compiled once at
 * bring-up instead of once more when the real ofports arrive.  The numbers
 * are stable: an interface that exists keeps the number it has (read back
 * from the host's database, so a restarted weftd chooses the same), a new
 * one gets the lowest free number.  weft chooses from 1 to 65279, the range
 * OVS accepts in ofport_request (OFPP_MAX, 0xff00, and above are reserved
 * OpenFlow ports); a number that another interface on the bridge holds, as
 * its ofport or its ofport_request, is never chosen. */
#define WANTED_OFPORT_MIN 1
#define WANTED_OFPORT_MAX 65279

/* Stores in 'out' (cleared first) a number for each interface name in
 * 'wanted' (the 'ports' of a struct wanted_ports), in
 * priority order:
 *
 *   1. 'have': interface name -> number of each interface weft owns on the
 *      bridge now (its ofport, else its ofport_request).  A wanted one keeps
 *      its number unless 'taken' holds it; an unwanted one (about to be
 *      deleted) still holds it.
 *   2. 'prev' (may be NULL): the previous choice, for a name the database
 *      does not show yet (its creation is in flight).
 *   3. The lowest number free, taking names in sorted order.
 *
 * 'taken' is a bitmap of WANTED_OFPORT_MAX + 1 bits: the numbers held by
 * interfaces weft does not own.  A number is never given twice: if two
 * names claim one (a hand-edited database), the first in sorted order keeps
 * it and the other gets a new one.  A name may be left without a number only
 * if all 65279 are used. */
void wanted_ports_assign_ofports(const struct shash *wanted,
                                 const struct simap *have,
                                 const struct simap *prev,
                                 const unsigned long *taken,
                                 struct simap *out);

#endif /* ofproto/wanted-ports.h */

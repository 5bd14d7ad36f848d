/* host-ifaces: one host's Bridge, Port and Interface rows by name, kept up to
 * date from the IDL's tracked changes, and the ofport numbers they hold.
 *
 * Place in the pipeline: push (OVSDB half), a part of host-db.c (the session
 * to one host's Open_vSwitch database).  host-db.c used to walk every port
 * and interface of the host on each change of its database; it now feeds
 * this index the rows the IDL reports changed (ovsdb_idl_track_*()), and
 * each update names the interface names whose facts may have changed, so a
 * change costs O(rows changed), not O(ports on the host).  A full walk
 * (host_ifaces_clear() and every row fed again) is only for the first read,
 * a reload of the IDL and a forced reconcile.
 *
 * It keeps copies of the columns host-db.c reads, never row pointers: a
 * reload of the IDL frees the rows without reporting their deletion.
 *
 * The facts, by name (Bridge, Port and Interface names are unique and
 * immutable in OVS's schema):
 *   - foreign: a bridge, a port without weft's mark, or an interface of such
 *     a port holds the name;
 *   - weft's interface: the interface of that name belongs to a port with
 *     weft's mark on br-int; its ofport and link state;
 *   - ofport numbers in use on br-int, and the ofport_request weft chose for
 *     each wanted name (see host_ifaces_assign()).
 *
 * Threading: none; weftd's main loop. */
#ifndef WEFT_HOST_IFACES_H
#define WEFT_HOST_IFACES_H 1

#include <stdbool.h>
#include <stdint.h>

#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "openvswitch/uuid.h"
#include "simap.h"
#include "sset.h"

struct hostrec_bridge;
struct hostrec_interface;
struct hostrec_port;

/* A Port row. */
struct hif_port {
    struct hmap_node node;          /* In host_ifaces 'ports', by uuid. */
    struct hmap_node name_node;     /* In 'ports_by_name' if 'indexed'. */
    bool indexed;
    struct uuid uuid;
    char *name;
    bool owned;                     /* Has weft's mark (external_ids). */
    bool on_br;                     /* In br-int's ports. */
    unsigned int mark;              /* host_ifaces_update_bridges() use. */
    size_t n_ifaces;
    char **ifaces;                  /* Its interfaces' names. */
};

/* An Interface row: the columns host-db.c reads. */
struct hif_iface {
    struct hmap_node node;          /* In host_ifaces 'ifaces', by uuid. */
    struct hmap_node name_node;     /* In 'ifaces_by_name' if 'indexed'. */
    bool indexed;                   /* False for an old row of a name that a
                                     * new row took in the same batch. */
    struct uuid uuid;
    char *name;
    struct hif_port *parent;        /* The port that holds it, or NULL. */
    bool has_ofport;                /* ofport column set (the switch got to
                                     * it). */
    int64_t ofport;                 /* If 'has_ofport': > 0, or -1. */
    int64_t ofport_request;         /* 0 if none. */
    bool up;                        /* link_state is "up". */

    /* If it belongs to a port of weft's on br-int: its number (ofport,
     * else ofport_request) if in range, else 0. */
    int64_t have;
    /* The numbers it counts in host_ifaces 'nums' (0: none), so that they
     * can be taken back when it changes. */
    int64_t c_held, c_unwanted, c_freq, c_freal;
};

struct host_ifaces {
    struct hmap ports;              /* struct hif_port, by uuid. */
    struct hmap ports_by_name;      /* struct hif_port, by name. */
    struct hmap ifaces;             /* struct hif_iface, by uuid. */
    struct hmap ifaces_by_name;     /* struct hif_iface, by name. */
    struct sset bridges;            /* Every bridge's name. */
    unsigned int mark;              /* Generation for 'on_br'. */

    /* ofport numbers on br-int. */
    struct hmap nums;               /* struct hif_num, by number. */
    unsigned long *used;            /* Bit N set iff 'nums' has N. */
    struct simap requested;         /* Wanted name -> the ofport_request
                                     * weft chose. */
    size_t n_mismatch;              /* Wanted names in 'have' whose
                                     * 'requested' differs. */
    struct sset contested;          /* Wanted names whose number an
                                     * interface took since the last
                                     * host_ifaces_assign(). */
};

void host_ifaces_init(struct host_ifaces *);
void host_ifaces_destroy(struct host_ifaces *);
/* Forgets every row (not 'requested'): a full walk follows. */
void host_ifaces_clear(struct host_ifaces *);
bool host_ifaces_is_empty(const struct host_ifaces *);

/* Applies one Interface or Port row as the IDL holds it now, or its
 * deletion, adding to 'dirty' every name whose facts may
 * have changed.  Returns false if the row is new but already known: the IDL
 * reloaded without reporting deletions, and only a full walk is right. */
bool host_ifaces_update_iface(struct host_ifaces *,
                              const struct hostrec_interface *, bool deleted,
                              struct sset *dirty);
bool host_ifaces_update_port(struct host_ifaces *, const struct hostrec_port *,
                             bool deleted, struct sset *dirty);
/* Takes 'names' (every bridge's name; its contents are swapped out) and
 * br-int's ('br', may be NULL) ports, after the ports were updated.
 * O(ports on br-int): call it only when a Bridge row changed (the IDL itself
 * parses br-int's whole row then). */
void host_ifaces_update_bridges(struct host_ifaces *, struct sset *names,
                                const struct hostrec_bridge *br,
                                struct sset *dirty);

/* True if a bridge, a port weft does not own or an interface of such a port
 * holds 'name'. */
bool host_ifaces_foreign(const struct host_ifaces *, const char *name);
/* Interface 'name' if it belongs to a port of weft's on br-int, else
 * NULL. */
const struct hif_iface *host_ifaces_owned(const struct host_ifaces *,
                                          const char *name);
/* Port 'name', or NULL. */
const struct hif_port *host_ifaces_port(const struct host_ifaces *,
                                        const char *name);

/* Recounts the ofport numbers interface 'name' holds, after its rows
 * changed or it became 'wanted' or unwanted.  Call for every dirty name
 * before host_ifaces_assign(). */
void host_ifaces_refresh_numbers(struct host_ifaces *, const char *name,
                                 bool wanted);

/* Brings 'requested' up to date for the names in 'dirty' (all names if
 * 'full'), as wanted_ports_assign_ofports() would choose for 'wanted', and
 * adds to 'changed' each name whose choice changed.  Only a change that
 * could move another name's number (a clash with a foreign interface, two
 * interfaces holding one number) makes it choose for every wanted name;
 * returns true if it did. */
bool host_ifaces_assign(struct host_ifaces *, const struct shash *wanted,
                        const struct sset *dirty, bool full,
                        struct sset *changed);

#endif /* ovsdb/host-ifaces.h */

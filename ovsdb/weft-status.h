/* weft-status: weftd's status write-back to weft's own database.
 *
 * Pipeline place: the end of the loop.  After weftd pushed a host's desired
 * state, what it learnt from the host goes back to the rows operators read:
 * Host.ovsdb_connected, openflow_connected, cur_cfg (the nb_cfg a barrier
 * confirmed, which "weftctl sync" and --wait wait for) and
 * status:openflow_state and status:external_gateway_mac (the next hop's MAC
 * resolved over ARP, which a restarted weftd loads back so that it compiles
 * the same flows); Port.ofport, up and error.
 *
 * Only columns whose value differs are written, so that an idle weftd writes
 * nothing.  The caller says what it knows through 'struct weft_status_source'
 * and decides when to call and which Port rows to look at (weftd: only those
 * of ports that changed or whose interface's state changed, see
 * controller/hosts.h); this module knows rows, not host connections. */
#ifndef WEFT_STATUS_H
#define WEFT_STATUS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packets.h"

struct ovsdb_idl;
struct uuid;

/* The Host.status key of the resolved next-hop MAC (nn's loader reads it
 * back at a full load). */
#define WEFT_STATUS_GATEWAY_MAC "external_gateway_mac"

/* What weftd knows of one host, for its Host row. */
struct weft_host_status {
    bool ovsdb_connected;
    bool openflow_connected;
    int64_t cur_cfg;
    const char *openflow_state;     /* host_of_state_name(). */
    struct eth_addr external_gateway_mac; /* Resolved next hop of the host's
                                           * external side, for
                                           * status:external_gateway_mac;
                                           * all-zero: none (key removed). */
};

/* What weftd knows of one port's interface on its host, for its Port row. */
struct weft_port_status {
    int64_t ofport;                 /* <= 0: none. */
    bool up;
    bool refused;                   /* Its interface name is not available. */
    const char *host_name;          /* For the refusal's message. */
};

struct weft_status_source {
    /* Fills '*status' for host row 'host' and returns true, or returns false
     * if weftd has no connection to that host (its row is then left alone,
     * and so are its ports' rows). */
    bool (*host)(const struct uuid *host, struct weft_host_status *status,
                 void *aux);
    /* Same for interface 'iface' of a port on host row 'host'. */
    bool (*port)(const struct uuid *host, const char *iface,
                 struct weft_port_status *status, void *aux);
    void *aux;
};

/* Tells 'idl' that weftd's own status writes are not desired-state changes
 * (they must not wake weftd into reloading the topology). */
void weft_status_omit_alerts(struct ovsdb_idl *);

/* Writes what 'source' knows of every Host and Port row to 'idl', in its
 * current transaction, only where it differs.  Returns the number of Port
 * rows visited (all of them): O(ports), for when the caller cannot know
 * which rows may be stale. */
size_t weft_status_write(struct ovsdb_idl *,
                         const struct weft_status_source *source);

/* The same for every Host row but only the Port rows whose UUIDs are in
 * 'ports' (a UUID without a row is skipped): O(hosts + |ports|), for when
 * the caller knows which ports' status may have changed.  Returns the
 * number of Port rows visited. */
struct uuidset;
size_t weft_status_write_ports(struct ovsdb_idl *,
                               const struct weft_status_source *source,
                               const struct uuidset *ports);

#endif /* ovsdb/weft-status.h */

/* host-ext: one host's external side at run time, for controller/host.c.
 *
 * Place in the pipeline: beside the push.  Joins the pure logic of
 * controller/ext-arp.h (next-hop resolution, gratuitous ARP) to the host's
 * OpenFlow session (ofproto/of-session.h: packet-ins in, packet-outs out of
 * the external port, ofproto/of-packet.h) and to the host's ofports (the
 * external port's, from its OVSDB session).  Frames go out only while the
 * session is SYNCED with no bundle in flight, so that the flows they rely on
 * (the EXT_IN table that sends the gateway's reply to the controller and
 * answers ARP for the announced addresses, pipeline.h) are installed first.
 *
 * The gateway MAC it learns is handed up (host_ext_take_gateway_mac()) to
 * the owner of the topology (controller/hosts.c), which stores it,
 * recompiles the host and writes it to Host.status.  A MAC equal to the
 * topology's is never handed up: an unchanged next hop changes nothing.
 *
 * Threading: none; weftd's main loop. */
#ifndef WEFT_HOST_EXT_H
#define WEFT_HOST_EXT_H 1

#include <stdbool.h>

#include "ext-arp.h"
#include "packets.h"

struct of_session;
struct simap;
struct topo_changes;
struct topo_host;
struct topology;

struct host_ext {
    char *name;                 /* The host's, for logs. */
    struct of_session *of;      /* Not owned. */
    struct ext_arp arp;
    char *iface;                /* External interface, or NULL. */
    int ofport;                 /* Its OpenFlow port at the last run, or 0. */
    struct eth_addr topo_mac;   /* The topology's gateway MAC. */
    struct eth_addr learned;    /* A different MAC learned, not yet taken. */
    bool learned_new;
};

/* Initializes 'he' for the host named 'name' whose OpenFlow session is 'of'
 * (which must outlive 'he'): its packet-ins now come here. */
void host_ext_init(struct host_ext *, const char *name, struct of_session *);
void host_ext_destroy(struct host_ext *);

/* 'topo' changed by 'changes' (NULL: unknown): follows host 'self' ('NULL':
 * gone) if the changes may touch its external side or the floating IPs
 * homed on it.  O(1) when they cannot, else O(floating IPs). */
void host_ext_apply_changes(struct host_ext *, const struct topology *topo,
                            const struct topo_host *self,
                            const struct topo_changes *changes);

/* A new OpenFlow connection: announce again, resolve now if unknown. */
void host_ext_connected(struct host_ext *);

/* Sends what is due, given the interfaces' real ofports 'ofports'
 * (host_db_ofports()). */
void host_ext_run(struct host_ext *, const struct simap *ofports);
void host_ext_wait(const struct host_ext *);

/* If a gateway MAC different from the topology's was learned since the
 * last call, stores it in '*mac' and returns true. */
bool host_ext_take_gateway_mac(struct host_ext *, struct eth_addr *mac);

#endif /* controller/host-ext.h */

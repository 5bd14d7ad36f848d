/* compile-tunnels: how a host reaches the others, for the flow compiler and
 * for the ports weft wants on br-int.
 *
 * compile_host_tunnels() lists the tunnel ports a host needs (one per
 * encapsulation type and remote host sharing a network of that type, the
 * networks a host serves through a router included), named
 * by weft_tunnel_name(); the host's OVSDB reconcile creates them.  The
 * stages that send to or accept from other hosts (compile-l2.c,
 * compile-flood.c) find the tunnel's or the uplink's ofport with
 * compile_remote_ofport() and tag frames with compile_put_remote_encap():
 * the tun_id of CLASSIFY's remote ingress and L2_LOOKUP's and FLOOD's
 * outputs to remote hosts, or the VLAN tag on the uplink.  Emits no flow. */
#include <config.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "compile-internal.h"
#include "sset.h"
#include "util.h"

void
weft_tunnel_name(enum topo_net_type type, const struct topo_host *remote,
                 char name[16])
{
    const char *prefix = (type == TOPO_NET_VXLAN ? TOPO_TUNNEL_PREFIX_VXLAN
                          : type == TOPO_NET_GRE ? TOPO_TUNNEL_PREFIX_GRE
                          : TOPO_TUNNEL_PREFIX_GENEVE);
    if (strlen(prefix) + strlen(remote->name) <= 15) {
        snprintf(name, 16, "%s%s", prefix, remote->name);
    } else {
        snprintf(name, 16, "%s%08"PRIx32, prefix,
                 hash_string(remote->name, 0));
    }
}

const char *
weft_tunnel_iface_type(enum topo_net_type type)
{
    switch (type) {
    case TOPO_NET_VXLAN:
        return "vxlan";
    case TOPO_NET_GRE:
        return "gre";
    case TOPO_NET_GENEVE:
        return "geneve";
    case TOPO_NET_VLAN:
    default:
        OVS_NOT_REACHED();
    }
}

/* Returns the ofport through which this host reaches ports of 'net' on
 * 'remote': the tunnel of the network's type to 'remote', or for a VLAN
 * network this host's uplink (the remote host must have one too, or its
 * ports are not on the VLAN segment).  Returns 0 if there is none (yet). */
int
compile_remote_ofport(const struct compile_ctx *ctx,
                      const struct topo_network *net,
                      const struct topo_host *remote)
{
    if (net_is_overlay(net)) {
        if (!ctx->host->tunnel_ip || !remote->tunnel_ip) {
            return 0;
        }
        char name[16];
        weft_tunnel_name(net->type, remote, name);
        return iface_ofport(ctx, name);
    }
    return ctx->host->uplink && remote->uplink
           ? iface_ofport(ctx, ctx->host->uplink) : 0;
}

/* Appends to 'ofpacts' what sends a frame of 'net' to the remote host (or
 * VLAN segment) behind 'ofport': the tunnel key, or the VLAN tag. */
void
compile_put_remote_encap(struct ofpbuf *ofpacts,
                         const struct topo_network *net)
{
    union mf_value value;
    if (net_is_overlay(net)) {
        value = (union mf_value) { .be64 = htonll(net->segment_id) };
        put_set_field(ofpacts, MFF_TUN_ID, &value);
    } else {
        ofpact_put_PUSH_VLAN(ofpacts)->ethertype = htons(ETH_TYPE_VLAN_8021Q);
        /* OFPVID_PRESENT (0x1000) marks the tag as present. */
        value = (union mf_value) {
            .be16 = htons(OFPVID12_PRESENT | net->segment_id)
        };
        put_set_field(ofpacts, MFF_VLAN_VID, &value);
    }
}

static int
tunnel_cmp(const void *a_, const void *b_)
{
    const struct weft_tunnel *a = a_;
    const struct weft_tunnel *b = b_;
    return strcmp(a->name, b->name);
}

/* The tunnels of the growable array 'tunnels' (of 'n', 'allocated'), with
 * their names in 'names' so that each is added once. */
struct tunnel_set {
    struct weft_tunnel *tunnels;
    size_t n, allocated;
    struct sset names;
};

/* Adds the tunnel of 'type' to every host other than 'self' with a port in
 * 'net' (and a tunnel IP). */
static void
add_tunnels_to(struct tunnel_set *ts, const struct topo_host *self,
               enum topo_net_type type, const struct topo_network *net)
{
    const struct topo_net_host *rh;
    TOPO_NETWORK_FOR_EACH_HOST (rh, net) {
        const struct topo_host *remote = rh->host;
        if (remote == self || !remote->tunnel_ip) {
            continue;
        }
        char name[16];
        weft_tunnel_name(type, remote, name);
        if (sset_add(&ts->names, name)) {
            if (ts->n >= ts->allocated) {
                ts->tunnels = x2nrealloc(ts->tunnels, &ts->allocated,
                                         sizeof *ts->tunnels);
            }
            struct weft_tunnel *t = &ts->tunnels[ts->n++];
            memcpy(t->name, name, sizeof t->name);
            t->type = type;
            t->remote = remote;
        }
    }
}

size_t
compile_host_tunnels(const struct topology *topo, const struct topo_host *host,
                     struct weft_tunnel **tunnelsp)
{
    *tunnelsp = NULL;
    if (!host->tunnel_ip) {
        return 0;
    }

    /* Every other host with a tunnel IP and a port in one of the overlay
     * networks this host serves (pipeline.h), from the indexes; and for a
     * routed overlay network with a port here, every host that serves it
     * (it sends routed frames of that network here). */
    const struct topo_host *self = topology_find_host(topo, &host->uuid);
    if (!self) {
        return 0;
    }
    struct tunnel_set ts = { .names = SSET_INITIALIZER(&ts.names) };
    const struct topo_net_host *nh;
    TOPO_HOST_FOR_EACH_NETWORK (nh, self) {
        const struct topo_network *net = nh->network;
        if (!net_is_overlay(net)) {
            continue;
        }
        add_tunnels_to(&ts, self, net->type, net);
        if (net->router_port) {
            const struct topo_router_port *rp;
            TOPO_ROUTER_FOR_EACH_PORT (rp, net->router_port->router) {
                add_tunnels_to(&ts, self, net->type, rp->network);
            }
        }
    }
    struct compile_served served;
    compile_served_init(&served, self);
    for (size_t i = 0; i < served.n_nets; i++) {
        const struct topo_network *net = served.nets[i];
        if (net_is_overlay(net)) {
            add_tunnels_to(&ts, self, net->type, net);
        }
    }
    compile_served_destroy(&served);
    sset_destroy(&ts.names);

    if (ts.n) {
        qsort(ts.tunnels, ts.n, sizeof *ts.tunnels, tunnel_cmp);
    }
    *tunnelsp = ts.tunnels;
    return ts.n;
}

/* host-ext: one host's external side at run time.  See host-ext.h. */
#include <config.h>

#include "host-ext.h"

#include <limits.h>
#include <string.h>

#include "changes.h"
#include "of-packet.h"
#include "of-session.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "timeval.h"
#include "topology.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(host_ext);

static void
host_ext_packet_in(void *he_, const struct ofp_header *oh)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    struct host_ext *he = he_;
    struct of_packet_in pin;
    if (of_packet_decode_in(oh, &pin)) {
        VLOG_WARN_RL(&rl, "%s: undecodable packet-in", he->name);
        return;
    }
    /* Only what came in on the external port: an endpoint's frame can
     * never pose as the gateway. */
    struct eth_addr mac;
    if (!he->ofport || pin.in_port != he->ofport
        || !ext_arp_packet_in(&he->arp, pin.frame, pin.len, time_msec(),
                              &mac)) {
        VLOG_DBG_RL(&rl, "%s: packet-in ignored (in_port %"PRIu32", table "
                    "%"PRIu8")", he->name, pin.in_port, pin.table_id);
        return;
    }
    if (!eth_addr_equals(mac, he->topo_mac)) {
        VLOG_INFO("%s: external gateway "IP_FMT" is at "ETH_ADDR_FMT,
                  he->name, IP_ARGS(he->arp.gateway), ETH_ADDR_ARGS(mac));
        he->learned = mac;
        he->learned_new = true;
    }
}

void
host_ext_init(struct host_ext *he, const char *name, struct of_session *of)
{
    memset(he, 0, sizeof *he);
    he->name = xstrdup(name);
    he->of = of;
    ext_arp_init(&he->arp);
    of_session_set_packet_in_cb(of, host_ext_packet_in, he);
}

void
host_ext_destroy(struct host_ext *he)
{
    if (he) {
        of_session_set_packet_in_cb(he->of, NULL, NULL);
        ext_arp_destroy(&he->arp);
        free(he->iface);
        free(he->name);
    }
}

/* True if 'changes' may change 'self''s external side or the floating IPs
 * homed on it: a host row, a floating IP (assigned, moved, unassigned), or
 * anything. */
static bool
changes_touch_ext(const struct topo_changes *changes,
                  const struct topo_host *self)
{
    return (!changes || !self || changes->all
            || uuidset_contains(&changes->hosts, &self->uuid)
            || !uuidset_is_empty(&changes->fips));
}

void
host_ext_apply_changes(struct host_ext *he, const struct topology *topo,
                       const struct topo_host *self,
                       const struct topo_changes *changes)
{
    if (!changes_touch_ext(changes, self)) {
        return;
    }
    bool has_ext = self && topo_host_has_external(self);
    if (self) {
        free(he->name);
        he->name = xstrdup(self->name);
    }
    free(he->iface);
    he->iface = has_ext ? xstrdup(self->ext.iface) : NULL;
    he->topo_mac = has_ext ? self->ext.gateway_mac : eth_addr_zero;
    if (he->learned_new && !has_ext) {
        he->learned_new = false;
    }
    ext_arp_configure(&he->arp, topo, self, time_msec());
}

void
host_ext_connected(struct host_ext *he)
{
    ext_arp_connected(&he->arp, time_msec());
}

/* True if frames can go out now: the external port exists and the flows
 * are installed, no bundle in flight, and this weftd may write to the switch
 * (no role, or primary: issue #16).  A standby's announcements and requests
 * stay due, so that a takeover sends them. */
static bool
host_ext_can_send(const struct host_ext *he)
{
    enum of_session_role role = of_session_role(he->of);
    return (he->arp.ip && he->ofport
            && of_session_state(he->of) == OF_SESSION_SYNCED
            && (role == OF_ROLE_NONE || role == OF_ROLE_PRIMARY));
}

static void
host_ext_send(void *he_, const void *frame, size_t len)
{
    struct host_ext *he = he_;
    of_session_send(he->of, of_packet_encode_out(of_session_version(he->of),
                                                 he->ofport, frame, len));
}

void
host_ext_run(struct host_ext *he, const struct simap *ofports)
{
    const struct simap_node *node = (he->iface
                                     ? simap_find(ofports, he->iface)
                                     : NULL);
    he->ofport = node && (int) node->data > 0 ? node->data : 0;
    if (host_ext_can_send(he)) {
        ext_arp_run(&he->arp, time_msec(), host_ext_send, he);
    }
}

void
host_ext_wait(const struct host_ext *he)
{
    if (host_ext_can_send(he)) {
        long long int when = ext_arp_next_wake(&he->arp);
        if (when != LLONG_MAX) {
            poll_timer_wait_until(when);
        }
    }
}

bool
host_ext_take_gateway_mac(struct host_ext *he, struct eth_addr *mac)
{
    if (!he->learned_new) {
        return false;
    }
    he->learned_new = false;
    *mac = he->learned;
    /* What the topology will hold once the caller stores it. */
    he->topo_mac = he->learned;
    return true;
}

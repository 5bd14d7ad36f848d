/* ext-arp: next-hop resolution and announcements on a host's external LAN.
 * See ext-arp.h. */
#include <config.h>

#include "ext-arp.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dp-packet.h"
#include "topology.h"
#include "util.h"
#include "uuid.h"

/* Frames shorter than this are padded (without the FCS). */
#define EXT_ARP_MIN_FRAME 60

struct eth_addr
ext_arp_mac(ovs_be32 ip)
{
    const uint8_t *b = (const uint8_t *) &ip;
    return (struct eth_addr) { .ea = { 0x0a, 0x57, b[0], b[1], b[2], b[3] } };
}

static void
pad_frame(struct dp_packet *b)
{
    if (dp_packet_size(b) < EXT_ARP_MIN_FRAME) {
        dp_packet_put_zeros(b, EXT_ARP_MIN_FRAME - dp_packet_size(b));
    }
}

void
ext_arp_compose_request(struct dp_packet *b, ovs_be32 ip, ovs_be32 target)
{
    compose_arp(b, ARP_OP_REQUEST, ext_arp_mac(ip), eth_addr_zero, true, ip,
                target);
    pad_frame(b);
}

void
ext_arp_compose_garp(struct dp_packet *b, ovs_be32 ip)
{
    compose_arp(b, ARP_OP_REQUEST, ext_arp_mac(ip), eth_addr_zero, true, ip,
                ip);
    pad_frame(b);
}

bool
ext_arp_parse_reply(const void *frame, size_t len, ovs_be32 gateway,
                    ovs_be32 ip, struct eth_addr *mac)
{
    if (len < ETH_HEADER_LEN + ARP_ETH_HEADER_LEN) {
        return false;
    }
    const struct eth_header *eth = frame;
    const struct arp_eth_header *arp
        = (const void *) ((const uint8_t *) frame + ETH_HEADER_LEN);
    if (eth->eth_type != htons(ETH_TYPE_ARP)
        || arp->ar_hrd != htons(ARP_HRD_ETHERNET)
        || arp->ar_pro != htons(ARP_PRO_IP)
        || arp->ar_hln != ETH_ADDR_LEN || arp->ar_pln != 4
        || arp->ar_op != htons(ARP_OP_REPLY)
        || get_16aligned_be32(&arp->ar_spa) != gateway
        || get_16aligned_be32(&arp->ar_tpa) != ip
        || eth_addr_is_zero(arp->ar_sha)
        || eth_addr_is_multicast(arp->ar_sha)) {
        return false;
    }
    *mac = arp->ar_sha;
    return true;
}

void
ext_arp_init(struct ext_arp *ea)
{
    memset(ea, 0, sizeof *ea);
    ea->next_request = LLONG_MAX;
}

void
ext_arp_destroy(struct ext_arp *ea)
{
    if (ea) {
        free(ea->homed);
        free(ea->announce);
    }
}

static int
compare_be32(const void *a_, const void *b_)
{
    uint32_t a = ntohl(*(const ovs_be32 *) a_);
    uint32_t b = ntohl(*(const ovs_be32 *) b_);
    return a < b ? -1 : a > b;
}

/* True if sorted 'ips' ('n') holds 'ip'; '*idx' is its index. */
static bool
find_ip(const ovs_be32 *ips, size_t n, ovs_be32 ip, size_t *idx)
{
    const ovs_be32 *p = n ? bsearch(&ip, ips, n, sizeof *ips, compare_be32)
                          : NULL;
    if (p) {
        *idx = p - ips;
    }
    return p != NULL;
}

/* The addresses 'self' answers for on its LAN, sorted: its external
 * address and each floating IP assigned to one of its ports.  Returns their
 * count; '*ips' is malloc'd (NULL if none). */
static size_t
collect_homed(const struct topology *topo, const struct topo_host *self,
              ovs_be32 **ips)
{
    *ips = NULL;
    if (!self || !topo_host_has_external(self)) {
        return 0;
    }
    size_t n = 1, allocated = 4;
    *ips = xmalloc(allocated * sizeof **ips);
    (*ips)[0] = self->ext.ip;
    const struct topo_fip *fip;
    TOPOLOGY_FOR_EACH_FIP (fip, topo) {
        if (fip->port && fip->port->host
            && uuid_equals(&fip->port->host->uuid, &self->uuid)) {
            if (n == allocated) {
                *ips = x2nrealloc(*ips, &allocated, sizeof **ips);
            }
            (*ips)[n++] = fip->ip;
        }
    }
    qsort(*ips, n, sizeof **ips, compare_be32);
    return n;
}

void
ext_arp_configure(struct ext_arp *ea, const struct topology *topo,
                  const struct topo_host *self, long long int now)
{
    bool has_ext = self && topo_host_has_external(self);
    ovs_be32 ip = has_ext ? self->ext.ip : 0;
    ovs_be32 gateway = has_ext ? self->ext.gateway : 0;
    bool same = ip == ea->ip && gateway == ea->gateway;
    ea->known = has_ext && (!eth_addr_is_zero(self->ext.gateway_mac)
                            || (same && ea->known));
    ea->ip = ip;
    ea->gateway = gateway;
    if (!has_ext) {
        ea->next_request = LLONG_MAX;
    } else if (!same && !ea->known) {
        ea->next_request = now;
    } else if (ea->next_request == LLONG_MAX) {
        ea->next_request = now + (ea->known ? EXT_ARP_REFRESH_MSEC : 0);
    }

    /* An address not homed here before is announced; one still pending
     * stays so. */
    ovs_be32 *homed;
    size_t n = collect_homed(topo, self, &homed);
    bool *announce = xcalloc(n ? n : 1, sizeof *announce);
    for (size_t i = 0; i < n; i++) {
        size_t j;
        announce[i] = (!find_ip(ea->homed, ea->n_homed, homed[i], &j)
                       || ea->announce[j]);
    }
    free(ea->homed);
    free(ea->announce);
    ea->homed = homed;
    ea->announce = announce;
    ea->n_homed = n;
}

void
ext_arp_connected(struct ext_arp *ea, long long int now)
{
    for (size_t i = 0; i < ea->n_homed; i++) {
        ea->announce[i] = true;
    }
    if (ea->ip && !ea->known) {
        ea->next_request = now;
    }
}

void
ext_arp_run(struct ext_arp *ea, long long int now, ext_arp_send_cb *send,
            void *aux)
{
    if (!ea->ip) {
        return;
    }
    struct dp_packet b;
    dp_packet_init(&b, 128);
    for (size_t i = 0; i < ea->n_homed; i++) {
        if (ea->announce[i]) {
            ea->announce[i] = false;
            ext_arp_compose_garp(&b, ea->homed[i]);
            send(aux, dp_packet_data(&b), dp_packet_size(&b));
        }
    }
    if (now >= ea->next_request) {
        ext_arp_compose_request(&b, ea->ip, ea->gateway);
        send(aux, dp_packet_data(&b), dp_packet_size(&b));
        ea->next_request = now + (ea->known ? EXT_ARP_REFRESH_MSEC
                                            : EXT_ARP_RETRY_MSEC);
    }
    dp_packet_uninit(&b);
}

long long int
ext_arp_next_wake(const struct ext_arp *ea)
{
    if (!ea->ip) {
        return LLONG_MAX;
    }
    for (size_t i = 0; i < ea->n_homed; i++) {
        if (ea->announce[i]) {
            return LLONG_MIN;
        }
    }
    return ea->next_request;
}

bool
ext_arp_packet_in(struct ext_arp *ea, const void *frame, size_t len,
                  long long int now, struct eth_addr *mac)
{
    if (!ea->ip || !ext_arp_parse_reply(frame, len, ea->gateway, ea->ip,
                                        mac)) {
        return false;
    }
    ea->known = true;
    ea->next_request = now + EXT_ARP_REFRESH_MSEC;
    return true;
}

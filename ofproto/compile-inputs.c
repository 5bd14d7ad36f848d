/* compile-inputs: which hosts a topology change can reach, so that weftd
 * recompiles only those and "?wait=installed" waits only for those.
 *
 * compile_host_inputs() writes, as canonical text, everything that
 * compile_host_flows() and compile_host_tunnels() read for one host;
 * compile_changed_hosts() compares it before and after a change.  Emits no
 * flow and fills no table; it must read what every stage reads (the
 * host, its local networks, their ports and the hosts those ports are on),
 * which tests/unit/test-overlay.c checks. */
#include <config.h>

#include <inttypes.h>
#include <string.h>

#include "compile-internal.h"
#include "hmapx.h"
#include "packets.h"
#include "sset.h"
#include "svec.h"
#include "util.h"

static void
put_host_inputs(struct svec *lines, const char *what,
                const struct topo_host *h)
{
    svec_add_nocopy(lines, xasprintf("%s "UUID_FMT" %s tip=%s uplink=%s",
                                     what, UUID_ARGS(&h->uuid), h->name,
                                     h->tunnel_ip ? h->tunnel_ip : "-",
                                     h->uplink ? h->uplink : "-"));
}

void
compile_host_inputs(const struct topology *topo, const struct topo_host *host,
                    struct ds *out)
{
    struct svec lines = SVEC_EMPTY_INITIALIZER;
    put_host_inputs(&lines, "self", host);

    struct hmapx local = HMAPX_INITIALIZER(&local);
    const struct topo_port *port;
    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (port->network && port->host
            && uuid_equals(&port->host->uuid, &host->uuid)) {
            hmapx_add(&local, CONST_CAST(struct topo_network *,
                                         port->network));
        }
    }

    struct hmapx_node *node;
    HMAPX_FOR_EACH (node, &local) {
        const struct topo_network *net = node->data;
        svec_add_nocopy(&lines, xasprintf(
                            "net "UUID_FMT" %s %"PRIu32" key=%"PRIu32
                            " tenant=%"PRIu32, UUID_ARGS(&net->uuid),
                            topo_net_type_to_string(net->type),
                            net->segment_id, net->key, tenant_key(net)));
    }

    TOPOLOGY_FOR_EACH_PORT (port, topo) {
        if (!port->network || !port->host
            || !hmapx_contains(&local, CONST_CAST(struct topo_network *,
                                                  port->network))) {
            continue;
        }
        struct ds s = DS_EMPTY_INITIALIZER;
        ds_put_format(&s, "port "UUID_FMT" net="UUID_FMT" host="UUID_FMT
                      " iface=%s mac="ETH_ADDR_FMT" key=%"PRIu32" ips=",
                      UUID_ARGS(&port->uuid), UUID_ARGS(&port->network->uuid),
                      UUID_ARGS(&port->host->uuid), port->iface,
                      ETH_ADDR_ARGS(port->mac), port->key);
        for (size_t i = 0; i < port->n_ips; i++) {
            ds_put_format(&s, IP_FMT",", IP_ARGS(port->ips[i]));
        }
        svec_add_nocopy(&lines, ds_steal_cstr(&s));
        put_host_inputs(&lines, "peer", port->host);
    }
    hmapx_destroy(&local);

    /* Topology maps iterate in no particular order: sort, and drop the
     * repeated peer lines. */
    svec_sort_unique(&lines);
    for (size_t i = 0; i < lines.n; i++) {
        ds_put_format(out, "%s\n", lines.names[i]);
    }
    svec_destroy(&lines);
}

void
compile_changed_hosts(const struct topology *old, const struct topology *new,
                      struct sset *hosts)
{
    const struct topo_host *h;
    TOPOLOGY_FOR_EACH_HOST (h, new) {
        const struct topo_host *was = topology_find_host(old, &h->uuid);
        if (!was) {
            sset_add(hosts, h->name);
            continue;
        }
        struct ds before = DS_EMPTY_INITIALIZER;
        struct ds after = DS_EMPTY_INITIALIZER;
        compile_host_inputs(old, was, &before);
        compile_host_inputs(new, h, &after);
        if (strcmp(ds_cstr(&before), ds_cstr(&after))) {
            sset_add(hosts, h->name);
        }
        ds_destroy(&before);
        ds_destroy(&after);
    }
}

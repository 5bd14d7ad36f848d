/* weft-status: weftd's status write-back to weft's own database (see
 * weft-status.h).  Pipeline place: the last step, after the push: what the
 * hosts reported goes back to the Host and Port rows. */
#include <config.h>

#include "weft-status.h"

#include <stdio.h>
#include <string.h>

#include "ovsdb-idl.h"
#include "smap.h"
#include "util.h"
#include "uuidset.h"
#include "weft-idl.h"

void
weft_status_omit_alerts(struct ovsdb_idl *idl)
{
    ovsdb_idl_omit_alert(idl, &weftrec_host_col_ovsdb_connected);
    ovsdb_idl_omit_alert(idl, &weftrec_host_col_openflow_connected);
    ovsdb_idl_omit_alert(idl, &weftrec_host_col_cur_cfg);
    ovsdb_idl_omit_alert(idl, &weftrec_host_col_status);
    ovsdb_idl_omit_alert(idl, &weftrec_port_col_ofport);
    ovsdb_idl_omit_alert(idl, &weftrec_port_col_up);
}

/* Host.status:external_gateway_mac: "xx:xx:xx:xx:xx:xx", absent while
 * unknown or without an external side. */
static void
write_gateway_mac(const struct weftrec_host *hrow, struct eth_addr mac)
{
    const char *old = smap_get(&hrow->status, WEFT_STATUS_GATEWAY_MAC);
    if (eth_addr_is_zero(mac)) {
        if (old) {
            weftrec_host_update_status_delkey(hrow, WEFT_STATUS_GATEWAY_MAC);
        }
        return;
    }
    char text[ETH_ADDR_STRLEN + 1];
    snprintf(text, sizeof text, ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
    if (!old || strcmp(old, text)) {
        weftrec_host_update_status_setkey(hrow, WEFT_STATUS_GATEWAY_MAC,
                                          text);
    }
}

static void
write_host_status(const struct weftrec_host *hrow,
                  const struct weft_host_status *st)
{
    if (hrow->ovsdb_connected != st->ovsdb_connected) {
        weftrec_host_set_ovsdb_connected(hrow, st->ovsdb_connected);
    }
    if (hrow->openflow_connected != st->openflow_connected) {
        weftrec_host_set_openflow_connected(hrow, st->openflow_connected);
    }
    if (hrow->cur_cfg != st->cur_cfg) {
        weftrec_host_set_cur_cfg(hrow, st->cur_cfg);
    }
    const char *old = smap_get(&hrow->status, "openflow_state");
    if (!old || strcmp(old, st->openflow_state)) {
        weftrec_host_update_status_setkey(hrow, "openflow_state",
                                          st->openflow_state);
    }
    write_gateway_mac(hrow, st->external_gateway_mac);
}

static void
write_port_status(const struct weftrec_port *prow,
                  const struct weft_port_status *st)
{
    int64_t ofport = st->ofport;
    bool up = st->up;
    if (ofport > 0) {
        if (!prow->n_ofport || *prow->ofport != ofport) {
            weftrec_port_set_ofport(prow, &ofport, 1);
        }
    } else if (prow->n_ofport) {
        weftrec_port_set_ofport(prow, NULL, 0);
    }
    if (!prow->n_up || *prow->up != up) {
        weftrec_port_set_up(prow, &up, 1);
    }

    /* The port's owner reads this: it must not say what holds the name
     * (another tenant's tunnel, the operator's NIC...). */
    char *error = (st->refused
                   ? xasprintf("interface name %s is not available on "
                               "host %s", prow->iface, st->host_name)
                   : NULL);
    if (!nullable_string_is_equal(error, prow->error)) {
        weftrec_port_set_error(prow, error);
    }
    free(error);
}

/* Writes every Host row weftd has a connection for: few, so always all. */
static void
write_hosts(struct ovsdb_idl *idl, const struct weft_status_source *source)
{
    const struct weftrec_host *hrow;
    WEFTREC_HOST_FOR_EACH (hrow, idl) {
        struct weft_host_status st;
        if (source->host(&hrow->header_.uuid, &st, source->aux)) {
            write_host_status(hrow, &st);
        }
    }
}

static void
write_port(const struct weftrec_port *prow,
           const struct weft_status_source *source)
{
    struct weft_port_status st;
    if (prow->host && source->port(&prow->host->header_.uuid, prow->iface,
                                   &st, source->aux)) {
        write_port_status(prow, &st);
    }
}

size_t
weft_status_write(struct ovsdb_idl *idl,
                  const struct weft_status_source *source)
{
    write_hosts(idl, source);

    size_t n = 0;
    const struct weftrec_port *prow;
    WEFTREC_PORT_FOR_EACH (prow, idl) {
        write_port(prow, source);
        n++;
    }
    return n;
}

size_t
weft_status_write_ports(struct ovsdb_idl *idl,
                        const struct weft_status_source *source,
                        const struct uuidset *ports)
{
    write_hosts(idl, source);

    size_t n = 0;
    const struct uuidset_node *node;
    UUIDSET_FOR_EACH (node, ports) {
        const struct weftrec_port *prow
            = weftrec_port_get_for_uuid(idl, &node->uuid);
        if (prow) {             /* Else deleted since: nothing to write. */
            write_port(prow, source);
            n++;
        }
    }
    return n;
}

/* trace: "weftctl trace TENANT/NET/PORT FLOW", an operator command
 * (weftctl-ops.h; the command line is weftctl-ops.c, the shared helpers
 * ops-common.h).
 *
 * Builds the packet a weft port would send, runs ofproto/trace on the port's
 * host's ovs-vswitchd through its unixctl socket (see vswitchd_ctl() for how
 * the socket is found), prints the output with weft's names (stages, ports,
 * owners), and follows the packet from host to host through tunnels and
 * VLAN uplinks, tracing again on each host it reaches.  A packet to an
 * address outside its network goes to the router's MAC, as the endpoint
 * would send it to its gateway; the trace then names the router and the
 * route taken (trace-route.c), and follows the routed packet the same
 * way.  A packet to the outside shows the NAT it takes: each ct()'s zone
 * and the addresses it rewrites (ops-nat.c), and the output to the host's
 * external side. */
#include <config.h>

#include "ops-common.h"
#include "ops-nat.h"
#include "ops-lb.h"
#include "ops-sg.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compiler.h"
#include "dirs.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-flow.h"
#include "packets.h"
#include "pipeline.h"
#include "sset.h"
#include "trace-route.h"
#include "util.h"
#include "validate.h"
#include "weft-db.h"
#include "weft-idl.h"

#define BRIDGE "br-int"
#define MAX_TRACE_HOPS 4        /* Hosts one trace may visit. */

/* Finds the unixctl socket of 'th''s ovs-vswitchd, in this order:
 *
 *   1. --vswitchd-ctl=HOST=PATH, or --vswitchd-ctl=PATH for the traced
 *      port's own host ('first');
 *   2. the Host row's external_ids:vswitchd-ctl;
 *   3. for a "unix:DIR/db.sock" remote: DIR/ovs-vswitchd.ctl if it exists
 *      (ovs-vswitchd --unixctl=...), else DIR/ovs-vswitchd.PID.ctl with PID
 *      from DIR/ovs-vswitchd.pid (OVS's default name when DIR is its run
 *      directory);
 *   4. for the traced port's own host only, the local OVS run directory
 *      ($OVS_RUNDIR or /var/run/openvswitch): weftctl trace is run on the
 *      port's host.  For a host reached through a tunnel, NULL: its
 *      ovs-vswitchd is on another machine, and tracing the local one under
 *      its name would be a lie. */
static char *
vswitchd_ctl(const struct ops_ctx *ctx, const struct topo_host *th,
             bool first)
{
    const struct svec *ctls = &ctx->opts->vswitchd_ctls;
    size_t len = strlen(th->name);
    for (size_t i = 0; i < ctls->n; i++) {
        const char *v = ctls->names[i];
        if (!strncmp(v, th->name, len) && v[len] == '=') {
            return xstrdup(v + len + 1);
        }
    }
    for (size_t i = 0; first && i < ctls->n; i++) {
        const char *eq = strchr(ctls->names[i], '=');
        if (!eq || memchr(ctls->names[i], '/', eq - ctls->names[i])) {
            return xstrdup(ctls->names[i]);
        }
    }
    const struct weftrec_host *row = weft_db_find_host(ctx->idl, th->name);
    const char *hint = row ? smap_get(&row->external_ids, "vswitchd-ctl")
                       : NULL;
    if (hint) {
        return xstrdup(hint);
    }
    char *dir = ops_unix_remote_dir(th->ovsdb_remote);
    if (!dir) {
        if (!first) {
            return NULL;
        }
        dir = xstrdup(ovs_rundir());   /* $OVS_RUNDIR, else OVS's own. */
    }
    char *path = xasprintf("%s/ovs-vswitchd.ctl", dir);
    struct stat st;
    if (stat(path, &st)) {
        free(path);
        char *pidfile = xasprintf("%s/ovs-vswitchd.pid", dir);
        path = xasprintf("%s/ovs-vswitchd.%ld.ctl", dir,
                         (long) ops_read_pidfile(pidfile));
        free(pidfile);
    }
    free(dir);
    return path;
}

/* ofproto/trace prints every L4 port as tp_src/tp_dst and ICMPv6's type and
 * code under ICMPv4's names, but its parser takes tp_src/tp_dst for TCP only
 * and icmp_type/icmp_code for ICMPv4 only.  Returns the name under which
 * field 'name' of a flow of protocol 'proto' ("udp", "icmp6", ...) parses. */
static const char *
field_for_protocol(const char *proto, const char *name)
{
    bool src = !strcmp(name, "tp_src"), dst = !strcmp(name, "tp_dst");
    bool type = !strcmp(name, "icmp_type"), code = !strcmp(name, "icmp_code");
    if ((src || dst) && (!strcmp(proto, "udp") || !strcmp(proto, "udp6"))) {
        return src ? "udp_src" : "udp_dst";
    } else if ((src || dst)
               && (!strcmp(proto, "sctp") || !strcmp(proto, "sctp6"))) {
        return src ? "sctp_src" : "sctp_dst";
    } else if ((type || code) && !strcmp(proto, "icmp6")) {
        return type ? "icmpv6_type" : "icmpv6_code";
    }
    return name;
}

/* The packet fields of an ofproto/trace "Flow:" or "Final flow:" line, as
 * the next host's ofproto/trace parses them: without the fields that belong
 * to one bridge (in_port, metadata, registers, tunnel metadata, conntrack
 * state) or to the link it crosses (VLAN tags: weft tags frames for the
 * uplink only, and that hop sets the tag itself), with
 * L4 fields under their protocol's names (field_for_protocol()), and
 * without any field the parser would still refuse (tp_src=0 of a protocol
 * without ports, say), so that one odd field never stops the trace. */
static char *
packet_fields(const char *flow)
{
    static const char *const drop[] = {
        "in_port=", "metadata=", "reg", "xreg", "xxreg", "tun_", "recirc_id=",
        "dp_hash=", "skb_priority=", "pkt_mark=", "ct_", "packet_type=",
        "actset_output=", "vlan_tci", "dl_vlan",
    };
    char *copy = xstrdup(flow);
    struct ds s = DS_EMPTY_INITIALIZER;
    const char *proto = "";
    char *save = NULL;
    for (char *f = strtok_r(copy, ",", &save); f;
         f = strtok_r(NULL, ",", &save)) {
        bool keep = true;
        for (size_t i = 0; i < ARRAY_SIZE(drop); i++) {
            keep = keep && strncmp(f, drop[i], strlen(drop[i]));
        }
        if (!keep) {
            continue;
        }
        char *eq = strchr(f, '=');
        if (!eq && !s.length) {
            proto = f;          /* "udp", "arp", ...: always first. */
        }
        size_t length = s.length;
        if (length) {
            ds_put_char(&s, ',');
        }
        if (eq) {
            *eq = '\0';
            ds_put_format(&s, "%s=%s", field_for_protocol(proto, f), eq + 1);
        } else {
            ds_put_cstr(&s, f);
        }
        struct flow parsed;
        char *error = parse_ofp_exact_flow(&parsed, NULL, NULL, ds_cstr(&s),
                                           NULL);
        if (error) {
            free(error);
            ds_truncate(&s, length);
        }
    }
    free(copy);
    return ds_steal_cstr(&s);
}

/* Where a traced packet leaves its host for another one: through a tunnel,
 * or tagged through the uplink (a VLAN network). */
struct trace_hop {
    const struct ops_tunnel *tunnel;   /* NULL for the uplink. */
    char *iface;                /* The port it leaves through. */
    char *tun_id;               /* Tunnel: "0x3e9", as the trace printed it. */
    int vlan;                   /* Uplink: the VLAN ID of its tag. */
};

static void
trace_hops_destroy(struct trace_hop *hops, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(hops[i].tun_id);
        free(hops[i].iface);
    }
    free(hops);
}

/* Appends the note for a line of ofproto/trace output 'p' (leading blanks
 * stripped) inside bridge 'bridge', which is not weft's br-int.  Its flows
 * are not weft's: naming them after br-int's stages would be a lie. */
static void
note_other_bridge(const char *bridge, const char *p, struct ds *note)
{
    int table, n = 0;
    if (sscanf(p, "%d. %n", &table, &n) == 1 && n) {
        ds_put_format(note, "bridge %s, not weft's", bridge);
    } else if (!strcmp(p, "NORMAL")) {
        ds_put_format(note, "%s's own L2 switching (NORMAL), outside weft's "
                      "pipeline", bridge);
    }
}

/* What annotate_trace() learns while it reads a trace, line by line. */
struct trace_state {
    struct trace_hop *hops;     /* Where the packet leaves for other hosts. */
    size_t n_hops, allocated;
    char *tun_id;               /* The last tunnel ID set, or NULL. */
    int vlan;                   /* VID of the tag br-int's actions pushed. */
    struct svec verdict;        /* Where it was output, for the summary. */
    bool hop_added;             /* The last output added a hop. */
    char *bridge;               /* The bridge the trace is in. */
    bool in_br_int;             /* Annotate only br-int's tables. */
    char *flow;                 /* packet_fields() of the last flow line. */
    uint32_t group;             /* The last "group:ID" (services). */
};

/* "Flow: ..." or "Final flow: ...": the packet's fields, and its in_port. */
static void
note_flow(struct ops_ctx *ctx, const struct topo_host *th,
          const struct ops_switch *sw, struct trace_state *st,
          const char *line, struct ds *note)
{
    const char *flow = strchr(line, ':') + 2;
    if (strcmp(flow, "unchanged")) {
        free(st->flow);
        st->flow = packet_fields(flow);
    }
    const char *in = strstr(line, "in_port=");
    int port;
    if (!strncmp(line, "Flow: ", 6) && in
        && sscanf(in, "in_port=%d", &port) == 1) {
        const char *iface = ofputil_port_map_get_name(&sw->ifaces,
                                                      u16_to_ofp(port));
        if (iface) {
            ds_put_cstr(note, "in_port ");
            ops_put_iface_label(ctx, th, iface, true, note);
        }
    }
}

/* A table's line, a goto_table or a network's metadata: the pipeline stage
 * and the owner of the flow (for a route, which route).  Returns false if
 * 'p' is none of them. */
static bool
note_table(struct ops_ctx *ctx, const char *p, struct ds *note)
{
    int table, n = 0;
    unsigned long long value;
    if (sscanf(p, "%d. No match%n", &table, &n) == 1 && n) {
        const char *stage = weft_table_name(table);
        ds_put_format(note, "%s: no flow matched (dropped)",
                      stage ? stage : "not weft's table");
    } else if (sscanf(p, "%d. %n", &table, &n) == 1 && n) {
        const char *stage = weft_table_name(table);
        ds_put_format(note, "%s, ", stage ? stage : "not weft's table");
        const char *cookie = strstr(p, "cookie 0x");
        const char *prio = strstr(p, ", priority ");
        int priority = prio ? atoi(prio + 11) : -1;
        if (cookie && sscanf(cookie + 7, "%llx", &value) == 1
            && ops_sg_put_verdict(ctx, table, priority, value, note)) {
            /* A security group's rule or default deny. */
        } else if (cookie && sscanf(cookie + 7, "%llx", &value) == 1) {
            ops_put_cookie_owner(ctx, value, note);
            if (table == WEFT_TABLE_L3_ROUTE && value & 0xffffff) {
                trace_note_route(ctx, p, value, note);
            }
        } else {
            ds_put_cstr(note, "not weft's (no cookie)");
        }
    } else if (!strncmp(p, "goto_table:", 11)) {
        const char *stage = weft_table_name(atoi(p + 11));
        if (stage) {
            ds_put_format(note, "-> %s", stage);
        }
    } else if (!strncmp(p, "set_field:", 10) && strstr(p, "->metadata")
               && sscanf(p, "set_field:%llx", &value) == 1) {
        const char *net = ops_name_of(ctx, 'n', value);
        ds_put_format(note, "network %s", net ? net : "?");
    } else if (trace_note_l3_action(ctx, p, note)) {
        /* Done. */
    } else {
        return false;
    }
    return true;
}

/* An action that sets the tunnel ID or pushes, sets or pops a VLAN tag:
 * remembered for the next output.  Returns false if 'p' is none. */
static bool
note_encap(struct trace_state *st, const char *p, struct ds *note)
{
    if (!strncmp(p, "set_field:", 10) && strstr(p, "->tun_id")) {
        free(st->tun_id);
        st->tun_id = xmemdup0(p + 10, strstr(p, "->tun_id") - (p + 10));
    } else if (!strncmp(p, "set_field:", 10) && strstr(p, "->vlan_vid")) {
        st->vlan = strtol(p + 10, NULL, 0) & VLAN_VID_MASK;
        ds_put_format(note, "VLAN %d", st->vlan);
    } else if (!strncmp(p, "mod_vlan_vid:", 13)) {
        st->vlan = atoi(p + 13) & VLAN_VID_MASK;
    } else if (!strcmp(p, "pop_vlan") || !strcmp(p, "strip_vlan")) {
        st->vlan = 0;
    } else {
        return false;
    }
    return true;
}

/* "output:N": where the packet goes; a tunnel with a tunnel ID, or the
 * uplink with a VLAN tag, is a hop to another host. */
static void
note_output(struct ops_ctx *ctx, const struct topo_host *th,
            const struct ops_switch *sw, struct trace_state *st,
            const char *p, struct ds *note)
{
    const char *iface = ofputil_port_map_get_name(&sw->ifaces,
                                                  u16_to_ofp(atoi(p + 7)));
    st->hop_added = false;
    if (!iface) {
        return;
    }
    ds_put_cstr(note, "-> ");
    ops_put_iface_label(ctx, th, iface, true, note);
    if (th->ext.iface && !strcmp(th->ext.iface, iface)) {
        ds_put_cstr(note, " (the external side)");
    }
    const struct ops_tunnel *tun = shash_find_data(&ctx->tunnels, iface);
    bool uplink = th->uplink && !strcmp(th->uplink, iface);
    struct ds label = DS_EMPTY_INITIALIZER;
    ops_put_iface_label(ctx, th, iface, false, &label);
    if (uplink) {
        ds_put_format(&label, " (uplink, %s)",
                      st->vlan ? "tagged" : "untagged");
    }
    svec_add_nocopy(&st->verdict, ds_steal_cstr(&label));

    if (uplink && st->vlan) {
        ds_put_format(note, ", VLAN %d", st->vlan);
    } else if (uplink) {
        ds_put_cstr(note, ", untagged: no host takes it");
    }
    if ((tun && st->tun_id) || (uplink && st->vlan)) {
        if (st->n_hops >= st->allocated) {
            st->hops = x2nrealloc(st->hops, &st->allocated, sizeof *st->hops);
        }
        st->hops[st->n_hops++] = (struct trace_hop) {
            .tunnel = uplink ? NULL : tun,
            .iface = xstrdup(iface),
            .tun_id = uplink ? NULL : xstrdup(st->tun_id),
            .vlan = uplink ? st->vlan : 0,
        };
        st->hop_added = true;
    }
}

/* Annotates one line of a trace into 'note'. */
static void
annotate_line(struct ops_ctx *ctx, const struct topo_host *th,
              const struct ops_switch *sw, struct trace_state *st,
              const char *line, struct ds *note)
{
    const char *p = line + strspn(line, " ");
    if (!strncmp(p, "bridge(\"", 8)) {
        free(st->bridge);
        st->bridge = xstrdup(p + 8);
        st->bridge[strcspn(st->bridge, "\"")] = '\0';
        st->in_br_int = !strcmp(st->bridge, BRIDGE);
    } else if (!st->in_br_int
               && (line[0] == ' ' || isdigit((unsigned char) line[0]))) {
        note_other_bridge(st->bridge, p, note);
    } else if (!strncmp(line, "Flow: ", 6)
               || !strncmp(line, "Final flow: ", 12)) {
        note_flow(ctx, th, sw, st, line, note);
    } else if (st->in_br_int && ops_lb_trace_line(ctx, p, &st->group, note)) {
        /* A service's group or bucket: done. */
    } else if (note_table(ctx, p, note) || note_encap(st, p, note)
               || (st->in_br_int
                   && ops_nat_trace_action(ctx, th, p, st->flow, note))) {
        /* Done. */
    } else if (!strncmp(p, "output:", 7)) {
        note_output(ctx, th, sw, st, p, note);
    } else if (!strncmp(p, ">> skipping output to input port", 32)
               && st->verdict.n) {
        /* The output just before was not done after all. */
        svec_pop_back(&st->verdict);
        if (st->hop_added) {
            st->n_hops--;
            free(st->hops[st->n_hops].iface);
            free(st->hops[st->n_hops].tun_id);
            st->hop_added = false;
        }
    } else if (st->in_br_int
               && (!strcmp(p, "IN_PORT") || !strncmp(p, "in_port", 7))) {
        ds_put_cstr(note, "-> back out of the port it came from");
        svec_add(&st->verdict, "IN_PORT (back where it came from)");
    }
}

/* Appends ofproto/trace output 'text' from host 'th' to ctx->out with
 * weft's names, collects where the packet leaves for other hosts in
 * '*hopsp', and stores the packet's fields after br-int (packet_fields())
 * in '*flowp'. */
static void
annotate_trace(struct ops_ctx *ctx, const struct topo_host *th,
               const struct ops_switch *sw, char *text,
               struct trace_hop **hopsp, size_t *n_hopsp, char **flowp)
{
    struct trace_state st = {
        .verdict = SVEC_EMPTY_INITIALIZER,
        .bridge = xstrdup(BRIDGE),
    };
    for (char *next = text, *line; (line = strsep(&next, "\n")) != NULL;) {
        if (!next && !line[0]) {
            break;              /* After the final newline. */
        }
        struct ds note = DS_EMPTY_INITIALIZER;
        annotate_line(ctx, th, sw, &st, line, &note);
        if (note.length) {
            ds_put_format(ctx->out, "%s    # %s\n", line, ds_cstr(&note));
        } else {
            ds_put_format(ctx->out, "%s\n", line);
        }
        ds_destroy(&note);
    }
    ds_put_format(ctx->out, "=== host %s: ", th->name);
    if (st.verdict.n) {
        ds_put_cstr(ctx->out, "output to ");
        for (size_t i = 0; i < st.verdict.n; i++) {
            ds_put_format(ctx->out, "%s%s", i ? "; " : "",
                          st.verdict.names[i]);
        }
        ds_put_char(ctx->out, '\n');
    } else {
        ds_put_cstr(ctx->out, "dropped (no output)\n");
    }
    svec_destroy(&st.verdict);
    free(st.bridge);
    free(st.tun_id);
    *hopsp = st.hops;
    *n_hopsp = st.n_hops;
    *flowp = st.flow;
}

/* A service's select group picks its bucket by the datapath's hash of the
 * packet (dp_hash), which ofproto/trace cannot compute: without one the
 * trace stops at the group (its datapath actions end in "hash(...)" and a
 * recirculation), and is run again with this.  Returns 'flow' with the hash the userspace
 * datapath computes for it (OVS_HASH_ALG_SYM_L4: flow_hash_symmetric_l3l4()
 * with basis 0; the kernel datapath's hash differs, so the bucket shown is
 * one that a connection of this 5-tuple may take), unless it has one.  The
 * caller frees the result. */
static char *
trace_add_dp_hash(const char *flow)
{
    struct flow f;
    char *error = strstr(flow, "dp_hash=") ? NULL
                  : parse_ofp_exact_flow(&f, NULL, NULL, flow, NULL);
    if (error || strstr(flow, "dp_hash=")) {
        free(error);
        return xstrdup(flow);
    }
    uint32_t hash = flow_hash_symmetric_l3l4(&f, 0, false);
    return xasprintf("%s,dp_hash=%#"PRIx32, flow, hash ? hash : 1);
}

static char *trace_host(struct ops_ctx *, const struct topo_host *,
                        const char *flow, bool first, struct sset *visited);

/* Follows the packet 'packet' (packet_fields()) from host 'from' to host
 * 'next', where it enters br-int through interface 'in_iface' with the
 * fields in 'encap' (the tunnel's, or the VLAN tag).  'how' says how it
 * leaves 'from', for the reader. */
static char *
trace_follow(struct ops_ctx *ctx, const struct topo_host *from,
             const struct topo_host *next, const char *in_iface,
             const char *encap, const char *packet, const char *how,
             struct sset *visited)
{
    if (sset_contains(visited, next->name)
        || sset_count(visited) >= MAX_TRACE_HOPS) {
        return NULL;
    }
    struct ops_switch *next_sw;
    char *error = ops_switch_open(ctx, next, &next_sw);
    if (error) {
        return error;
    }
    const struct simap_node *port = simap_find(&next_sw->ofports, in_iface);
    if (!port) {
        ds_put_format(ctx->out, "\n=== host %s has no port %s (%s): the "
                      "packet is dropped there\n", next->name, in_iface,
                      encap);
        return NULL;
    }
    char *next_flow = xasprintf("in_port=%u,%s,%s", port->data, encap,
                                packet);
    ds_put_format(ctx->out, "\n--> leaves host %s %s; following it on host "
                  "%s (in_port %s)\n\n", from->name, how, next->name,
                  in_iface);
    error = trace_host(ctx, next, next_flow, false, visited);
    free(next_flow);
    return error;
}

/* Stores in 'names' the hosts that take a frame that leaves 'th''s uplink
 * with VLAN ID 'vid' and the fields in 'packet': for a unicast destination
 * MAC, the host of the port that has it in the VLAN network; otherwise (or
 * if no port has it: the trunk floods it) every other host with a port in
 * that network and an uplink.  Returns the network, or NULL if no VLAN
 * network has that ID. */
static const struct topo_network *
vlan_hop_hosts(const struct ops_ctx *ctx, const struct topo_host *th,
               int vid, const char *packet, struct sset *names)
{
    const struct topo_network *net = NULL, *n;
    TOPOLOGY_FOR_EACH_NETWORK (n, &ctx->topo) {
        if (n->type == TOPO_NET_VLAN && n->segment_id == vid) {
            net = n;
        }
    }
    if (!net) {
        return NULL;
    }
    struct eth_addr dst;
    const char *f = strstr(packet, "dl_dst=");
    bool unicast = (f && (f == packet || f[-1] == ',')
                    && ovs_scan(f, "dl_dst="ETH_ADDR_SCAN_FMT,
                                ETH_ADDR_SCAN_ARGS(dst))
                    && !eth_addr_is_multicast(dst));
    for (int pass = 0; pass < 2 && sset_is_empty(names); pass++) {
        const struct topo_port *p;
        TOPOLOGY_FOR_EACH_PORT (p, &ctx->topo) {
            if (p->network == net && p->host != th && p->host->uplink
                && (pass || !unicast || eth_addr_equals(p->mac, dst))) {
                sset_add(names, p->host->name);
            }
        }
    }
    return net;
}

static char *
trace_host(struct ops_ctx *ctx, const struct topo_host *th, const char *flow,
           bool first, struct sset *visited)
{
    sset_add(visited, th->name);
    char *ctl = vswitchd_ctl(ctx, th, first);
    if (!ctl) {
        ds_put_format(ctx->out, "=== host %s: its ovs-vswitchd cannot be "
                      "reached from here (give --vswitchd-ctl=%s=PATH, or "
                      "set Host external_ids:vswitchd-ctl); to follow the "
                      "packet, run there: ovs-appctl ofproto/trace %s '%s'\n",
                      th->name, th->name, BRIDGE, flow);
        return NULL;
    }
    struct ops_switch *sw;
    char *error = ops_switch_open(ctx, th, &sw);
    if (error) {
        free(ctl);
        return error;
    }
    char *hashed = xstrdup(flow);
    char *argv[] = { BRIDGE, hashed };
    char *result;
    char *what = xasprintf("ovs-vswitchd of host %s", th->name);
    error = ops_unixctl_call(ctl, what, "ofproto/trace", 2, argv, &result);
    if (!error && strstr(result, "Datapath actions: hash(")) {
        free(result);
        free(hashed);
        argv[1] = hashed = trace_add_dp_hash(flow);
        error = ops_unixctl_call(ctl, what, "ofproto/trace", 2, argv,
                                 &result);
    }
    free(what);
    if (error) {
        free(hashed);
        free(ctl);
        return error;
    }
    ds_put_format(ctx->out, "=== host %s: ovs-appctl -t %s ofproto/trace "
                  "%s '%s'\n", th->name, ctl, BRIDGE, hashed);
    free(hashed);
    free(ctl);

    struct trace_hop *hops;
    size_t n_hops;
    char *packet;
    annotate_trace(ctx, th, sw, result, &hops, &n_hops, &packet);
    free(result);

    for (size_t i = 0; i < n_hops && !error && packet; i++) {
        const struct trace_hop *hop = &hops[i];
        if (hop->tunnel) {
            const struct topo_host *next = hop->tunnel->remote;
            char back[16];
            weft_tunnel_name(hop->tunnel->type, th, back);
            char *encap = xasprintf("tun_id=%s,tun_src=%s,tun_dst=%s",
                                    hop->tun_id,
                                    th->tunnel_ip ? th->tunnel_ip : "0.0.0.0",
                                    next->tunnel_ip ? next->tunnel_ip
                                    : "0.0.0.0");
            char *how = xasprintf("through %s with tun_id %s", hop->iface,
                                  hop->tun_id);
            error = trace_follow(ctx, th, next, back, encap, packet, how,
                                 visited);
            free(how);
            free(encap);
            continue;
        }

        /* The uplink: the trunk carries the tagged frame to every host. */
        struct sset names = SSET_INITIALIZER(&names);
        const struct topo_network *net = vlan_hop_hosts(ctx, th, hop->vlan,
                                                        packet, &names);
        if (!net || sset_is_empty(&names)) {
            ds_put_format(ctx->out, "\n--> leaves host %s through the uplink "
                          "%s with VLAN %d: %s\n", th->name, hop->iface,
                          hop->vlan, net ? "no other host has a port in "
                          "that network" : "no VLAN network has that ID");
        }
        const char **sorted = sset_sort(&names);
        for (size_t j = 0; sorted[j] && !error; j++) {
            const struct topo_host *next
                = topology_find_host_by_name(&ctx->topo, sorted[j]);
            char *encap = xasprintf("dl_vlan=%d", hop->vlan);
            char *how = xasprintf("through the uplink %s with VLAN %d "
                                  "(network %s/%s)", hop->iface, hop->vlan,
                                  net->tenant->name, net->name);
            error = trace_follow(ctx, th, next, next->uplink, encap, packet,
                                 how, visited);
            free(how);
            free(encap);
        }
        free(sorted);
        sset_destroy(&names);
    }
    trace_hops_destroy(hops, n_hops);
    free(packet);
    return error;
}

/* Returns the first IPv4 address of 'port', or NULL. */
static const char *
port_ip(const struct weftrec_port *port)
{
    return port->n_ips ? port->ips[0] : NULL;
}

/* Returns the MAC of the port of 'net' that has IP 'ip', or NULL. */
static const char *
mac_of_ip(struct ovsdb_idl *idl, const struct weftrec_network *net,
          ovs_be32 ip)
{
    const struct weftrec_port *p;
    WEFTREC_PORT_FOR_EACH (p, idl) {
        for (size_t i = 0; p->network == net && i < p->n_ips; i++) {
            ovs_be32 a;
            if (ip_parse(p->ips[i], &a) && a == ip) {
                return p->mac;
            }
        }
    }
    return NULL;
}

/* Builds the flow to trace for a packet that 'port' sends: the user's
 * 'spec' with in_port and dl_src filled in, and what an endpoint would put
 * there itself unless 'spec' says otherwise: its IP as source, the
 * destination's MAC (as ARP would have resolved it; for an address outside
 * the network, its gateway's, the router's MAC, with TTL 64), an ARP
 * request's sender fields and broadcast destination. */
static char *
trace_flow(struct ops_ctx *ctx, const struct weftrec_port *port,
           const char *spec, char **flowp)
{
    struct flow flow;
    struct flow_wildcards wc;
    char *error = parse_ofp_exact_flow(&flow, &wc, NULL, spec, NULL);
    if (error) {
        char *msg = xasprintf("bad flow \"%s\": %s", spec, error);
        free(error);
        return msg;
    }
    if (wc.masks.in_port.ofp_port || !eth_addr_is_zero(wc.masks.dl_src)) {
        return xstrdup("in_port and dl_src come from the port: leave them "
                       "out of the flow");
    }
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "%s,in_port=%"PRId64",dl_src=%s", spec,
                  port->ofport[0], port->mac);
    const char *ip = port_ip(port);
    if (flow.dl_type == htons(ETH_TYPE_IP)) {
        if (!wc.masks.nw_src && ip) {
            ds_put_format(&s, ",nw_src=%s", ip);
        }
        if (eth_addr_is_zero(wc.masks.dl_dst)) {
            const char *mac = mac_of_ip(ctx->idl, port->network, flow.nw_dst);
            const char *gw = mac ? NULL : trace_gateway_mac(ctx->idl,
                                                            port->network,
                                                            flow.nw_dst);
            if (mac || gw) {
                ds_put_format(&s, ",dl_dst=%s", mac ? mac : gw);
            }
            if (gw && !wc.masks.nw_ttl) {
                /* What the endpoint's stack sends; ofproto/trace's default
                 * TTL 0 would be dropped by the router. */
                ds_put_cstr(&s, ",nw_ttl=64");
            }
        }
    } else if (flow.dl_type == htons(ETH_TYPE_ARP)) {
        if (!wc.masks.nw_proto) {
            ds_put_cstr(&s, ",arp_op=1");
        }
        if (!wc.masks.nw_src && ip) {
            ds_put_format(&s, ",arp_spa=%s", ip);
        }
        if (eth_addr_is_zero(wc.masks.arp_sha)) {
            ds_put_format(&s, ",arp_sha=%s", port->mac);
        }
        if (eth_addr_is_zero(wc.masks.dl_dst)) {
            ds_put_cstr(&s, ",dl_dst=ff:ff:ff:ff:ff:ff");
        }
    }
    *flowp = ds_steal_cstr(&s);
    return NULL;
}

char *
ops_cmd_trace(struct ops_ctx *ctx)
{
    char *path[3] = { NULL, NULL, NULL };
    char *error = parse_path(ctx->opts->args[1], 3, path);
    if (error) {
        return error;
    }
    const struct weftrec_port *port = ops_find_port_row(ctx->idl, path);
    if (!port) {
        error = xasprintf("port %s/%s/%s does not exist", path[0], path[1],
                          path[2]);
    } else if (!port->host || !port->n_ofport || port->ofport[0] <= 0) {
        error = xasprintf("port %s has no OpenFlow port number yet (is "
                          "weftd running, and does interface %s exist?)",
                          ctx->opts->args[1], port->iface);
    }
    const struct topo_host *th = error ? NULL
        : topology_find_host_by_name(&ctx->topo, port->host->name);
    if (!error && !th) {
        error = xasprintf("host %s is not usable", port->host->name);
    }
    char *flow = NULL;
    if (!error) {
        error = trace_flow(ctx, port, ctx->opts->args[2], &flow);
    }
    if (!error) {
        struct sset visited = SSET_INITIALIZER(&visited);
        ds_put_format(ctx->out, "port %s: host %s, interface %s, ofport "
                      "%"PRId64", mac %s\n", ctx->opts->args[1], th->name,
                      port->iface, port->ofport[0], port->mac);
        error = trace_host(ctx, th, flow, true, &visited);
        sset_destroy(&visited);
    }
    free(flow);
    for (size_t i = 0; i < 3; i++) {
        free(path[i]);
    }
    return error;
}

/* weftctl-help: per-command help and --version.  See weftctl-help.h. */
#include <config.h>

#include "weftctl-help.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

#ifndef WEFT_VERSION
#error "WEFT_VERSION must come from CMake's project version"
#endif

struct command_help {
    const char *name;
    const char *synopsis;       /* As in the command tables. */
    const char *text;           /* What it does; its options. */
};

/* Options every database command takes, named once at the end of each
 * command's help. */
#define GLOBAL_HINT \
    "\nGlobal options (--db, --timeout, --wait, --format, --api, ...):" \
    " weftctl --help\n"

static const struct command_help helps[] = {
    /* Database mode (weftctl.c). */
    { "init", "init",
      "Creates weft's global row (Weft_Global) if there is none.  Every\n"
      "write does that too; init only makes it explicit.\n" },
    { "host-add", "host-add NAME --remote=REMOTE [--tunnel-ip=IP] "
      "[--datapath-type=netdev|system] [--uplink=IFACE] "
      "[--openflow-remote=TARGET]",
      "Registers a host: a machine whose Open vSwitch weftd programs.\n"
      "\n"
      "  --remote=REMOTE          the host's OVSDB server: unix:PATH or\n"
      "                           tcp:IP:PORT\n"
      "  --tunnel-ip=IP           its tunnel endpoint (IPv4), needed for\n"
      "                           vxlan, gre and geneve networks\n"
      "  --datapath-type=TYPE     br-int's datapath: system (default) or\n"
      "                           netdev (OVS's userspace datapath)\n"
      "  --uplink=IFACE           the trunk interface for vlan networks\n"
      "  --openflow-remote=TARGET where weftd reaches br-int over OpenFlow\n"
      "                           (default: derived from --remote)\n" },
    { "host-del", "host-del NAME",
      "Deletes a host.  It must have no ports left.\n" },
    { "host-list", "host-list",
      "Lists the hosts: remotes, datapath type, tunnel IP, uplink.\n"
      "--format=json prints the REST API's host objects.\n" },
    { "tenant-add", "tenant-add NAME",
      "Adds a tenant.  A tenant admin's token for the REST API comes from\n"
      "\"weftctl --api=SOCKET tenant-token NAME\".\n" },
    { "tenant-del", "tenant-del NAME",
      "Deletes a tenant.  It must have no networks left.\n" },
    { "tenant-list", "tenant-list",
      "Lists the tenants and their keys (bits 55-40 of their flows'\n"
      "cookies).  --format=json prints the REST API's tenant objects.\n" },
    { "tenant-set", "tenant-set NAME [--max-ports=N|default] "
      "[--max-networks=N|default] [--max-ips-per-port=N|default]",
      "Sets a tenant's quotas (an administrator's command).  \"default\"\n"
      "gives a quota its default back; quotas not named keep their\n"
      "limits.  Lowering a limit below the usage deletes nothing; it only\n"
      "refuses new objects.\n"
      "  --max-ports=N            ports in all its networks (default 1000)\n"
      "  --max-networks=N         networks (default 100)\n"
      "  --max-ips-per-port=N     IPv4 addresses of one port (default 16)\n" },
    { "tenant-quota", "tenant-quota NAME",
      "Prints a tenant's quotas: each limit, its usage, and whether the\n"
      "limit is the default.\n" },
    { "net-add", "net-add TENANT/NET --type=vlan|vxlan|gre|geneve "
      "--segment=ID [--mtu=N]",
      "Adds a network to a tenant.\n"
      "\n"
      "  --type=TYPE      vlan (over the hosts' uplinks), or an overlay:\n"
      "                   vxlan, gre or geneve\n"
      "  --segment=ID     VLAN ID (1-4094), or VNI / GRE key\n"
      "                   (1-16777215); unique per type\n"
      "  --mtu=N          the endpoints' MTU (68-65535); default: the\n"
      "                   underlay MTU minus the encapsulation overhead\n" },
    { "net-del", "net-del TENANT/NET",
      "Deletes a network.  It must have no ports left.\n" },
    { "net-list", "net-list [TENANT]",
      "Lists the networks (of TENANT): type, segment, effective MTU, key.\n"
      "--format=json prints the REST API's network objects.\n" },
    { "port-add", "port-add TENANT/NET/PORT --host=HOST --iface=IFACE "
      "--mac=MAC [--ip=A.B.C.D]...",
      "Adds a port: interface IFACE on HOST joins the network.  weftd adds\n"
      "IFACE to the host's br-int once it exists there.\n"
      "\n"
      "  --host=HOST      the host the interface is on\n"
      "  --iface=IFACE    the interface's name on that host\n"
      "  --mac=MAC        its MAC (unicast, unique in the network); frames\n"
      "                   from any other source MAC are dropped\n"
      "  --ip=A.B.C.D     an IPv4 address it may use (repeat for more);\n"
      "                   the switch answers ARP for it\n" },
    { "port-del", "port-del TENANT/NET/PORT",
      "Deletes a port; weftd removes its interface from br-int.\n" },
    { "port-list", "port-list [TENANT[/NET]]",
      "Lists the ports (of TENANT or TENANT/NET): host, interface, MAC, IPs,\n"
      "key.  --format=json prints the REST API's port objects.\n" },
    { "show", "show",
      "Prints nb_cfg, every host with its connection state and cur_cfg,\n"
      "and every tenant's networks and ports with their OpenFlow port and\n"
      "link state.  --format=json prints what \"weftctl --api --json show\"\n"
      "prints: {\"status\": ..., \"networks\": [...], \"ports\": [...]}.\n" },
    { "sync", "sync",
      "Waits until every host has installed the current configuration\n"
      "(Host.cur_cfg reaches nb_cfg), or until --timeout.\n" },

    /* Operator commands (weftctl-ops.c). */
    { "flows", "flows [--host=HOST] [--tenant=TENANT] [--diff]",
      "Prints the flows of each host's br-int, read from the switch, with\n"
      "weft's names: tables as pipeline stages, ports as TENANT/NET/PORT,\n"
      "and each flow's owner from its cookie.\n"
      "\n"
      "  --host=HOST      only this host\n"
      "  --tenant=TENANT  only this tenant's flows\n"
      "  --diff           compare weftd's desired flows with the switches':\n"
      "                   one line per missing, extra or different flow.\n"
      "                   Exit status like diff(1): 0 same, 1 different,\n"
      "                   2 trouble\n"
      "  --weftd=CTL      weftd's unixctl socket (default\n"
      "                   $WEFT_RUNDIR/weftd.ctl)\n" },
    { "trace", "trace TENANT/NET/PORT FLOW [--vswitchd-ctl=[HOST=]PATH]...",
      "Traces a packet that PORT sends (ofproto/trace on its host), with\n"
      "weft's names, and follows it to other hosts through tunnels and over\n"
      "the uplink (vlan networks).  FLOW is in ovs-ofctl's syntax, e.g.\n"
      "icmp,nw_dst=10.0.0.12 or udp,nw_dst=10.0.0.12,udp_dst=53; in_port,\n"
      "dl_src, nw_src and dl_dst (by the destination's IP) are filled in.\n"
      "\n"
      "  --vswitchd-ctl=[HOST=]PATH  the host's ovs-vswitchd unixctl socket\n"
      "                   (default: from the Host row or its unix: remote)\n" },
    { "attach", "attach TENANT/NET --netns=NAME [--ip=A.B.C.D[/LEN]] "
      "[--mac=MAC] [--host=HOST] [--name=PORT] [--host-netns=NAME]",
      "Plugs network namespace NAME into the network: a veth pair, eth0 in\n"
      "the namespace, the other end on the host, and the port registered;\n"
      "waits until every host has installed it.\n"
      "\n"
      "  --netns=NAME       the namespace (ip netns)\n"
      "  --ip=A.B.C.D[/LEN] eth0's address (default length /24)\n"
      "  --mac=MAC          eth0's MAC (default: derived from the port's\n"
      "                     name)\n"
      "  --host=HOST        the host (needed when there are several)\n"
      "  --name=PORT        the port's name (default: the namespace's)\n"
      "  --host-netns=NAME  the host's namespace (default: from the Host\n"
      "                     row or its ovs-vswitchd)\n" },
    { "detach", "detach TENANT/NET/PORT [--host-netns=NAME]",
      "Undoes attach: deletes the port, waits until the hosts have removed\n"
      "it, and deletes the veth pair.\n" },

    /* Only through the REST API (weftctl-api.c). */
    { "tenant-token", "tenant-token NAME",
      "With --api only: issues a new token for tenant NAME and prints it\n"
      "(once); the old token stops working.\n" },
    { "net-flows", "net-flows TENANT/NET",
      "With --api only: the network's installed flows on each host.\n" },
    { "status", "status",
      "With --api only: nb_cfg and each host's connection state and\n"
      "cur_cfg.\n" },
};

static const struct command_help *
find_help(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(helps); i++) {
        if (!strcmp(helps[i].name, name)) {
            return &helps[i];
        }
    }
    return NULL;
}

static void
print_help(const struct command_help *h)
{
    bool api_only = !strncmp(h->text, "With --api only", 15);
    bool ops = (!strcmp(h->name, "flows") || !strcmp(h->name, "trace")
                || !strcmp(h->name, "attach") || !strcmp(h->name, "detach"));
    printf("usage: %s [OPTIONS] %s\n\n%s", program_name, h->synopsis,
           h->text);
    if (!api_only && !ops) {
        fputs(GLOBAL_HINT, stdout);
    } else if (ops) {
        printf("\nAlso --db=REMOTE and --timeout=SECS (see %s --help).\n",
               program_name);
    }
}

/* Returns true if "--'name'" (given without "=VALUE") takes no value. */
static bool
is_flag(const char *name)
{
    static const char *const flags[] = {
        "wait", "help", "diff", "json", "version", "verbose", "log-file",
        "no-wait",
    };
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        if (!strcmp(name, flags[i])) {
            return true;
        }
    }
    return false;
}

bool
weftctl_help_main(int argc, char *argv[], void (*usage)(void), int *statusp)
{
    const char *positional[2] = { NULL, NULL };
    int n_positional = 0;
    bool help = false, version = false, options = true;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && !strcmp(a, "--")) {
            options = false;
        } else if (options && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
            help = true;
        } else if (options && (!strcmp(a, "--version")
                               || !strcmp(a, "-V"))) {
            version = true;
        } else if (options && a[0] == '-' && a[1]) {
            if (a[1] == '-' && !strchr(a, '=') && !is_flag(a + 2)) {
                i++;            /* "--db REMOTE": skip the value. */
            }
        } else if (n_positional < 2) {
            positional[n_positional++] = a;
        }
    }

    *statusp = 0;
    if (version) {
        printf("%s (weft) %s\n", program_name, WEFT_VERSION);
        return true;
    }
    const char *cmd = positional[0];
    if (cmd && !strcmp(cmd, "help")) {
        if (!positional[1]) {
            usage();
            return true;
        }
        const struct command_help *h = find_help(positional[1]);
        if (!h) {
            fprintf(stderr, "%s: help: unknown command '%s' (use --help for "
                    "help)\n", program_name, positional[1]);
            *statusp = 2;
            return true;
        }
        print_help(h);
        return true;
    }
    const struct command_help *h = help && cmd ? find_help(cmd) : NULL;
    if (h) {
        print_help(h);
        return true;
    }
    return false;
}

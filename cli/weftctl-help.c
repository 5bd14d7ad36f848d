/* weftctl-help: per-command help and --version.  See weftctl-help.h. */
#include <config.h>

#include "weftctl-help.h"

#include <stdio.h>
#include <string.h>

#include "util.h"
#include "weftctl-commands.h"
#include "weftctl-options.h"

#ifndef WEFT_VERSION
#error "WEFT_VERSION must come from CMake's project version"
#endif

struct command_help {
    const char *name;
    const char *synopsis;       /* As in the command tables. */
    const char *text;           /* What it does; its options. */
    bool ops;                   /* An operator command (weftctl-ops.c). */
    bool api_only;              /* Exists only with --api. */
};

/* Options every database command takes, named once at the end of each
 * command's help. */
#define GLOBAL_HINT \
    "\nGlobal options (--db, --timeout, --wait, --format, --api, ...):" \
    " weftctl --help\n"

/* The operator commands' help; the other commands' is in their rows of the
 * command table (weftctl-commands.c). */
static const struct command_help ops_helps[] = {
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
      "  --ip=A.B.C.D[/LEN] eth0's address (default length: the\n"
      "                     network's subnet's, else /24).  Without it, on\n"
      "                     a network with a cidr, the port's address is\n"
      "                     allocated.  With a cidr, the namespace's\n"
      "                     default route goes via the network's gateway\n"
      "  --mac=MAC          eth0's MAC (default: derived from the port's\n"
      "                     name)\n"
      "  --host=HOST        the host (needed when there are several)\n"
      "  --name=PORT        the port's name (default: the namespace's)\n"
      "  --host-netns=NAME  the host's namespace (default: from the Host\n"
      "                     row or its ovs-vswitchd)\n" },
    { "detach", "detach TENANT/NET/PORT [--host-netns=NAME]",
      "Undoes attach: deletes the port, waits until the hosts have removed\n"
      "it, and deletes the veth pair.\n" },

};

/* Finds the help of command 'name' into '*h'.  Returns false if there is no
 * such command. */
static bool
find_help(const char *name, struct command_help *h)
{
    const struct ctl_command *cmd = ctl_command_find(name);
    if (cmd) {
        *h = (struct command_help) {
            .name = cmd->name, .synopsis = cmd->synopsis, .text = cmd->help,
            .api_only = !cmd->run,
        };
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(ops_helps); i++) {
        if (!strcmp(ops_helps[i].name, name)) {
            *h = ops_helps[i];
            h->ops = true;
            return true;
        }
    }
    return false;
}

static void
print_help(const struct command_help *h)
{
    printf("usage: %s [OPTIONS] %s\n\n%s", program_name, h->synopsis,
           h->text);
    if (!h->api_only && !h->ops) {
        fputs(GLOBAL_HINT, stdout);
    } else if (h->ops) {
        printf("\nAlso --db=REMOTE and --timeout=SECS (see %s --help).\n",
               program_name);
    }
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
            if (a[1] == '-' && !strchr(a, '=') && !weftctl_options_is_flag(a + 2)) {
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
        struct command_help h;
        if (!find_help(positional[1], &h)) {
            fprintf(stderr, "%s: help: unknown command '%s' (use --help for "
                    "help)\n", program_name, positional[1]);
            *statusp = 2;
            return true;
        }
        print_help(&h);
        return true;
    }
    struct command_help h;
    if (help && cmd && find_help(cmd, &h)) {
        print_help(&h);
        return true;
    }
    return false;
}

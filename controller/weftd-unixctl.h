/* weftd-unixctl: weftd's control commands, for ovs-appctl -t weftd.ctl.
 *
 * Pipeline place: beside it, for operators.  They read the per-host state
 * (hosts.h) and can force a host to read its switch's flows again:
 *
 *   exit                              stop weftd
 *   weft/hosts                        nb_cfg, and one line per host
 *   weft/flows HOST [desired|installed]   a host's flows, sorted
 *   weft/resync [HOST]                read the switch's flows back, repair
 *   weftd/ha-status                   active or standby, generation (JSON)
 *
 * Threading: none; they run in weftd's main loop (unixctl_server_run()). */
#ifndef WEFTD_UNIXCTL_H
#define WEFTD_UNIXCTL_H 1

#include <stdbool.h>

struct ha;
struct hosts;

/* Registers the commands.  'exit' sets '*exiting'; the others act on
 * 'hosts'.  Both must outlive the unixctl server. */
void weftd_unixctl_register(struct hosts *hosts, bool *exiting);

/* Registers "weftd/ha-status" for 'ha' (ha.h) and 'hosts'. */
void weftd_unixctl_register_ha(struct ha *ha, struct hosts *hosts);

#endif /* controller/weftd-unixctl.h */

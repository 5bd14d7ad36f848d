/* weftctl-ops: weftctl's operator commands, the ones that reach past weft's
 * database to the switches, weftd and the hosts' network namespaces:
 *
 *   flows [--host=H] [--tenant=T] [--diff]   flows with weft's names, or
 *                                            desired vs switch per host
 *   trace TENANT/NET/PORT FLOW               ofproto/trace with names, host
 *                                            to host through tunnels
 *   attach TENANT/NET --netns=NAME [...]     veth into a namespace + port,
 *                                            all or nothing
 *   detach TENANT/NET/PORT                   undoes attach (also a half-made
 *                                            one: row or veth alone)
 *
 * weftctl.c's main() hands the command line over when the command is one of
 * these; everything else stays in weftctl.c. */
#ifndef WEFTCTL_OPS_H
#define WEFTCTL_OPS_H 1

#include <stdbool.h>

/* If the command in 'argv' is one of the commands above, runs it, stores its
 * exit status in '*statusp' and returns true.  Otherwise returns false and
 * touches nothing. */
bool weftctl_ops_main(int argc, char *argv[], int *statusp);

/* Prints the synopses of the commands above, for weftctl --help. */
void weftctl_ops_usage(void);

#endif /* cli/weftctl-ops.h */

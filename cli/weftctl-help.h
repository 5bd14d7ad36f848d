/* weftctl-help: "weftctl help COMMAND", "weftctl COMMAND --help" and
 * "weftctl --version".
 *
 * The database and --api commands' usage lines and help texts are in their
 * rows of the command table (weftctl-commands.h); the operator commands'
 * (weftctl-ops.c) are here, and repeat the synopses of weftctl-ops.c's
 * table: tests/lab/test-weftctl.sh checks that every synopsis in "weftctl
 * --help" is a command's usage line here. */
#ifndef WEFTCTL_HELP_H
#define WEFTCTL_HELP_H 1

#include <stdbool.h>

/* If 'argv' asks for the version, or for help on one command ("help
 * COMMAND", "COMMAND --help", "COMMAND -h"), prints it, stores the exit
 * status in '*statusp' and returns true.  "help" alone calls 'usage' (the
 * general help).  Otherwise (no such request, or --help without a known
 * command) returns false and prints nothing. */
bool weftctl_help_main(int argc, char *argv[], void (*usage)(void),
                       int *statusp);

#endif /* cli/weftctl-help.h */

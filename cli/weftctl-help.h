/* weftctl-help: "weftctl help COMMAND", "weftctl COMMAND --help" and
 * "weftctl --version".
 *
 * One table of every command's usage line and help text, for database mode
 * (weftctl.c), the operator commands (weftctl-ops.c) and the commands that
 * exist only with --api (weftctl-api.c).  The usage lines repeat the
 * synopses of those files' command tables; tests/lab/test-weftctl.sh checks
 * that every synopsis in "weftctl --help" is a command's usage line here. */
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

/* weftctl-options: weftctl's one parser for the command line of its
 * database and --api modes, and the checks of a command against its row in
 * the command table (weftctl-commands.h).
 *
 * Where it sits: the first thing weftctl does with a request, before either
 * backend (database or REST API) sees it.  The two modes share every option
 * but these: database mode takes --db, the logging (-v) and SSL (-p, -c, -C)
 * options; --api mode takes --api and --token, and its --timeout is at most
 * 3600 s (weftd's own limit for ?wait=installed). */
#ifndef WEFTCTL_OPTIONS_H
#define WEFTCTL_OPTIONS_H 1

#include <stdbool.h>

struct ctl_command;
struct ctl_options;

/* Exit statuses, in both modes. */
#define WEFTCTL_EXIT_ERROR 1    /* Bad input, conflict, server error. */
#define WEFTCTL_EXIT_USAGE 2    /* Malformed command line. */

/* Default for --timeout, in seconds, for every weftctl command.  A command
 * line tool that hangs forever when weft's database (or weftd) is down is
 * worse than one that says so. */
#define WEFTCTL_DEFAULT_TIMEOUT 30

/* Returns true if 'argv' has --api (before any "--"): --api mode. */
bool weftctl_options_want_api(int argc, char *argv[]);

/* Parses the command line into 'opts' (zero-initialized by the caller), in
 * --api mode if 'api'.  Returns 0 on success, or an exit status after
 * printing a message: WEFTCTL_EXIT_USAGE for an error, 0 for --help (then
 * '*exitp' is true, after printing the mode's usage). */
int weftctl_options_parse(int argc, char *argv[], bool api,
                          struct ctl_options *opts, bool *exitp);

/* Parses --timeout's 'arg' into '*timeoutp': digits only, at most 3600
 * with 'api' (weftd's own limit).  Returns false after an error message.
 * The operator commands' parser (weftctl-ops.c) uses it too. */
bool weftctl_options_parse_timeout(const char *arg, bool api, int *timeoutp);

/* Returns true if option "--'name'" takes no value in any of weftctl's
 * command lines, so that the next argument is not its value.  For the
 * scans of argv that come before getopt (weftctl-help.c, weftctl-ops.c). */
bool weftctl_options_is_flag(const char *name);

/* Frees what weftctl_options_parse() allocated in 'opts'. */
void weftctl_options_destroy(struct ctl_options *opts);

/* Checks the command name, argument count and options in 'opts' against
 * the command table, for the mode of 'opts'.  Returns the command, or NULL
 * after printing a usage error. */
const struct ctl_command *weftctl_options_check(const struct ctl_options *);

/* Prints database mode's general help ("weftctl --help"). */
void weftctl_options_usage(void);

#endif /* cli/weftctl-options.h */

/* weftctl-options: the command line of weftctl's database and --api modes.
 * See weftctl-options.h. */
#include <config.h>

#include "weftctl-options.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command-line.h"
#include "openvswitch/vlog.h"
#include "stream-ssl.h"
#include "util.h"
#include "weft-db.h"
#include "weftctl-api.h"
#include "weftctl-commands.h"
#include "weftctl-ops.h"

/* The longest --timeout of --api mode: weftd refuses longer waits. */
#define WEFTCTL_API_MAX_TIMEOUT 3600

/* getopt_long() values: the options of both modes, then one per command
 * option. */
enum {
    OPT_TIMEOUT = UCHAR_MAX + 1,
    OPT_WAIT,
    OPT_FORMAT,
    OPT_JSON,
    OPT_DB,                     /* Database mode only. */
    VLOG_OPTION_ENUMS,
    SSL_OPTION_ENUMS,
    OPT_API,                    /* --api mode only. */
    OPT_TOKEN,
    OPT_CMD_FIRST,              /* OPT_CMD_FIRST + enum cmd_option. */
};

bool
weftctl_options_want_api(int argc, char *argv[])
{
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strcmp(argv[i], "--api") || !strncmp(argv[i], "--api=", 6)) {
            return true;
        }
    }
    return false;
}

void
weftctl_options_usage(void)
{
    printf("%s: weft's database command line\n"
           "usage: %s [OPTIONS] COMMAND [ARG...]\n"
           "\nCommands:\n", program_name, program_name);
    for (size_t i = 0; i < n_ctl_commands; i++) {
        if (ctl_commands[i].run) {
            printf("  %s\n", ctl_commands[i].synopsis);
        }
    }
    weftctl_ops_usage();
    printf("\nOptions (before or after the command):\n"
           "  --db=REMOTE[,REMOTE]...  weft database, or its cluster's"
           " members\n"
           "                    (default: %s)\n"
           "  --timeout=SECS    limit for connecting, committing and waiting"
           " (default: %d, 0: none)\n"
           "  --wait            after a write, wait until every host whose"
           " flows it changes\n"
           "                    has installed it\n"
           "  --format=table|json  how the list commands and show print"
           " (default: table;\n"
           "                    json: the REST API's objects; --json is"
           " --format=json)\n"
           "  --api=SOCKET      through weftd's REST API instead (token:"
           " --token or $WEFT_TOKEN;\n"
           "                    see weftctl --api=SOCKET --help)\n"
           "  -p, --private-key=FILE  SSL (ssl: database or host remotes):"
           " private key,\n"
           "  -c, --certificate=FILE  its certificate,\n"
           "  -C, --ca-cert=FILE      and the peers' CA certificate\n"
           "  -h, --help        display this help message (help COMMAND,"
           " COMMAND --help:\n"
           "                    that command's)\n"
           "  -V, --version     display the version\n",
           weft_db_default_remote(), WEFTCTL_DEFAULT_TIMEOUT);
    vlog_usage();
}

/* Returns the getopt_long() options of the mode ('api' or not), terminated
 * by a null option (malloc'd). */
static struct option *
long_options_create(bool api)
{
    static const struct option common[] = {
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"wait", no_argument, NULL, OPT_WAIT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
    };
    static const struct option db_only[] = {
        {"db", required_argument, NULL, OPT_DB},
        VLOG_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
    };
    static const struct option api_only[] = {
        {"api", required_argument, NULL, OPT_API},
        {"token", required_argument, NULL, OPT_TOKEN},
    };
    const struct option *mode = api ? api_only : db_only;
    size_t n_mode = api ? ARRAY_SIZE(api_only) : ARRAY_SIZE(db_only);
    size_t n = 0;
    struct option *options = xmalloc((ARRAY_SIZE(common) + n_mode
                                      + N_CMD_OPTIONS + 1) * sizeof *options);
    for (size_t i = 0; i < ARRAY_SIZE(common); i++) {
        options[n++] = common[i];
    }
    for (size_t i = 0; i < n_mode; i++) {
        options[n++] = mode[i];
    }
    for (size_t i = 0; i < N_CMD_OPTIONS; i++) {
        /* --no-external, --no-port, --no-node-port, --down and --up are
         * flags; --snat is "on" alone. */
        int has_arg = (i == CO_NO_EXTERNAL || i == CO_NO_PORT
                       || i == CO_NO_NODE_PORT || i == CO_DOWN
                       || i == CO_UP ? no_argument
                       : i == CO_SNAT ? optional_argument
                       : required_argument);
        options[n++] = (struct option) {
            cmd_option_names[i], has_arg, NULL, OPT_CMD_FIRST + i,
        };
    }
    options[n] = (struct option) { NULL, 0, NULL, 0 };
    return options;
}

bool
weftctl_options_parse_timeout(const char *arg, bool api, int *timeoutp)
{
    unsigned int timeout;
    unsigned int max = api ? WEFTCTL_API_MAX_TIMEOUT : INT_MAX / 1000;
    if (!str_to_uint(arg, 10, &timeout) || timeout > max
        || strspn(arg, "0123456789") != strlen(arg)) {
        fprintf(stderr, "%s: --timeout: \"%s\" is not a number of seconds%s\n",
                program_name, arg, api ? " (0-3600)" : "");
        return false;
    }
    *timeoutp = timeout;
    return true;
}

bool
weftctl_options_is_flag(const char *name)
{
    static const char *const flags[] = {
        "wait", "help", "diff", "json", "version", "verbose", "log-file",
        "no-wait", "no-external", "no-port",
        "snat",                 /* Its value only as --snat=VALUE. */
    };
    for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
        if (!strcmp(name, flags[i])) {
            return true;
        }
    }
    return false;
}

/* A command option: --ip may repeat, the others may not. */
static bool
parse_cmd_option(enum cmd_option co, const char *arg, struct ctl_options *opts)
{
    if (co == CO_IP) {
        opts->ips = xrealloc(opts->ips, (opts->n_ips + 1) * sizeof *opts->ips);
        opts->ips[opts->n_ips++] = arg;
    } else if (opts->given & (1ull << co)) {
        fprintf(stderr, "%s: option --%s given twice\n", program_name,
                cmd_option_names[co]);
        return false;
    }
    opts->given |= 1ull << co;
    opts->values[co] = arg;
    return true;
}

/* Handles option 'c' of a mode's own (database: --db, logging, SSL; --api:
 * --api, --token).  Returns false if 'c' is none of them. */
static bool
parse_mode_option(int c, struct ctl_options *opts)
{
    switch (c) {
    case OPT_DB:
        opts->db = optarg;
        return true;
    case OPT_API:
        opts->api = optarg;
        return true;
    case OPT_TOKEN:
        opts->token = optarg;
        return true;
    VLOG_OPTION_HANDLERS
    STREAM_SSL_OPTION_HANDLERS
    default:
        return false;
    }
    return true;
}

/* Handles option 'c' with argument 'optarg'.  Returns 0 to go on, -1 after
 * --help, or an exit status after an error message. */
static int
parse_option(int c, bool api, char *argv[], struct ctl_options *opts)
{
    switch (c) {
    case OPT_TIMEOUT:
        return (weftctl_options_parse_timeout(optarg, api, &opts->timeout)
                ? 0 : WEFTCTL_EXIT_USAGE);
    case OPT_WAIT:
        opts->wait = true;
        return 0;
    case OPT_FORMAT:
        if (strcmp(optarg, "json") && strcmp(optarg, "table")) {
            fprintf(stderr, "%s: --format: \"%s\" is not a format "
                    "(expected json or table)\n", program_name, optarg);
            return WEFTCTL_EXIT_USAGE;
        }
        opts->json = !strcmp(optarg, "json");
        return 0;
    case OPT_JSON:
        opts->json = true;
        return 0;
    case 'h':
        if (api) {
            weftctl_api_usage(program_name);
        } else {
            weftctl_options_usage();
        }
        return -1;
    case '?':
        fprintf(stderr, "%s: unrecognized option or missing argument '%s'%s "
                "(use --help for help)\n", program_name, argv[optind - 1],
                api ? " with --api" : "");
        return WEFTCTL_EXIT_USAGE;
    default:
        if (c >= OPT_CMD_FIRST && c < OPT_CMD_FIRST + N_CMD_OPTIONS) {
            return (parse_cmd_option(c - OPT_CMD_FIRST, optarg, opts)
                    ? 0 : WEFTCTL_EXIT_USAGE);
        }
        if (parse_mode_option(c, opts)) {
            return 0;
        }
        OVS_NOT_REACHED();
    }
}

int
weftctl_options_parse(int argc, char *argv[], bool api,
                      struct ctl_options *opts, bool *exitp)
{
    struct option *long_options = long_options_create(api);
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);
    int retval = 0;

    opts->timeout = WEFTCTL_DEFAULT_TIMEOUT;
    if (api) {
        const char *token = getenv("WEFT_TOKEN");
        opts->token = token && token[0] ? token : NULL;
    }
    *exitp = false;
    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        retval = parse_option(c, api, argv, opts);
        if (retval) {
            break;
        }
    }
    if (retval < 0) {
        *exitp = true;
        retval = 0;
    }
    opts->args = argv + optind;
    opts->n_args = argc - optind;
    free(short_options);
    free(long_options);
    return retval;
}

void
weftctl_options_destroy(struct ctl_options *opts)
{
    free(opts->ips);
    opts->ips = NULL;
    opts->n_ips = 0;
}

/* Returns the command called 'name' for the mode of 'opts', or NULL after
 * an error message. */
static const struct ctl_command *
find_command(const struct ctl_options *opts, const char *name)
{
    const struct ctl_command *cmd = ctl_command_find(name);
    if (!cmd || !(opts->api ? cmd->api != NULL : cmd->run != NULL)) {
        fprintf(stderr, "%s: unknown command '%s'%s (use --help for help)\n",
                program_name, name, opts->api ? " with --api" : "");
        return NULL;
    }
    return cmd;
}

/* The options that go together or exclude each other, the same in both
 * modes: the external side's three (or --no-external instead), and a
 * floating IP's --port or --no-port.  Returns false after a usage error. */
static bool
check_option_sets(const struct ctl_command *cmd,
                  const struct ctl_options *opts)
{
    unsigned long long ext = opts->given & CO_EXTERNAL_BITS;
    const char *error = NULL;
    if (ext && ext != CO_EXTERNAL_BITS) {
        error = "--external-iface, --external-ip and --external-gateway go "
                "together";
    } else if (ext && opts->given & CO_BIT(NO_EXTERNAL)) {
        error = "--no-external excludes the --external-* options";
    } else if (!strcmp(cmd->name, "host-set")
               && !(opts->given & (CO_EXTERNAL_BITS | CO_BIT(NO_EXTERNAL)))) {
        error = "nothing to change";
    } else if ((opts->given & CO_BIT(PORT)) && (opts->given
                                                & CO_BIT(NO_PORT))) {
        error = "--port and --no-port exclude each other";
    } else if (!strcmp(cmd->name, "fip-set")
               && !(opts->given & (CO_BIT(PORT) | CO_BIT(NO_PORT)))) {
        error = "give --port=NET/PORT (assign or move) or --no-port "
                "(unassign)";
    } else if ((opts->given & CO_BIT(NODE_PORT))
               && (opts->given & CO_BIT(NO_NODE_PORT))) {
        error = "--node-port and --no-node-port exclude each other";
    } else if (!strcmp(cmd->name, "service-set")
               && !(opts->given & (CO_BIT(NODE_PORT)
                                   | CO_BIT(NO_NODE_PORT)))) {
        error = "give --node-port=N or --no-node-port";
    } else if ((opts->given & CO_BIT(DOWN)) && (opts->given & CO_BIT(UP))) {
        error = "--down and --up exclude each other";
    } else if (!strcmp(cmd->name, "backend-set")
               && !(opts->given & (CO_BIT(PORT) | CO_BIT(WEIGHT)
                                   | CO_BIT(DOWN) | CO_BIT(UP)))) {
        error = "nothing to change";
    } else if (!strcmp(cmd->name, "fip-add") && opts->n_ips > 1) {
        error = "--ip given twice";
    }
    if (error) {
        fprintf(stderr, "%s: %s: %s (usage: %s)\n", program_name, cmd->name,
                error, cmd->synopsis);
        return false;
    }
    return true;
}

const struct ctl_command *
weftctl_options_check(const struct ctl_options *opts)
{
    if (!opts->n_args) {
        fprintf(stderr, "%s: missing command name (use --help for help)\n",
                program_name);
        return NULL;
    }
    const struct ctl_command *cmd = find_command(opts, opts->args[0]);
    if (!cmd) {
        return NULL;
    }

    int n_args = opts->n_args - 1;
    if (n_args < cmd->min_args || n_args > cmd->max_args) {
        fprintf(stderr, "%s: %s: wrong number of arguments (usage: %s)\n",
                program_name, cmd->name, cmd->synopsis);
        return NULL;
    }
    for (int i = 0; i < N_CMD_OPTIONS; i++) {
        unsigned long long bit = 1ull << i;
        if (opts->given & bit & ~cmd->options) {
            fprintf(stderr, "%s: option --%s is not valid for %s (usage: "
                    "%s)\n", program_name, cmd_option_names[i], cmd->name,
                    cmd->synopsis);
            return NULL;
        }
        if (cmd->required & bit & ~opts->given) {
            fprintf(stderr, "%s: %s requires --%s (usage: %s)\n",
                    program_name, cmd->name, cmd_option_names[i],
                    cmd->synopsis);
            return NULL;
        }
    }
    return check_option_sets(cmd, opts) ? cmd : NULL;
}

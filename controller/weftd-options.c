/* weftd-options: weftd's command line (see weftd-options.h).  Pipeline
 * place: before it; main() calls it first. */
#include <config.h>

#include "weftd-options.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command-line.h"
#include "daemon.h"
#include "host.h"
#include "hosts.h"
#include "openvswitch/vlog.h"
#include "stream-ssl.h"
#include "util.h"
#include "weft-db.h"

/* REST API limits, unless --api-idle-timeout or --api-max-connections say
 * otherwise. */
#define API_IDLE_TIMEOUT_DEFAULT 60         /* Seconds. */
#define API_MAX_CONNECTIONS_DEFAULT 256

enum {
    OPT_DB = UCHAR_MAX + 1,
    OPT_UNIXCTL,
    OPT_API,
    OPT_RUNDIR,
    OPT_VERIFY_INTERVAL,
    OPT_OPENFLOW_PROBE_INTERVAL,
    OPT_API_GROUP,
    OPT_METRICS_LISTEN,
    OPT_API_IDLE_TIMEOUT,
    OPT_API_MAX_CONNECTIONS,
    OPT_SELF_CHECK,
    OPT_NAME,
    VLOG_OPTION_ENUMS,
    DAEMON_OPTION_ENUMS,
    SSL_OPTION_ENUMS,
};

static void
usage(void)
{
    printf("%s: weft SDN controller daemon\n"
           "usage: %s [OPTIONS]\n"
           "\nOptions:\n"
           "  --db=REMOTE         weft database (default: %s)\n"
           "  --rundir=DIR        weft's run directory, created if missing "
           "(default:\n"
           "                      $WEFT_RUNDIR, else %s); relative\n"
           "                      --pidfile, --unixctl and --api names are in it\n"
           "  --unixctl=SOCKET    control socket (default: RUNDIR/weftd.ctl)\n"
           "  --api=SOCKET|none   REST API socket (default: "
           "RUNDIR/weft-api.sock)\n"
           "  --api-group=GROUP   give the API socket (mode 0660) to GROUP,\n"
           "                      whose members may then connect\n"
           "  --metrics-listen=IP:PORT  also serve GET /metrics, and nothing\n"
           "                      else, over plain HTTP on this TCP address\n"
           "  --verify-interval=SECS  read every switch's flows back and repair\n"
           "                      changes made outside weft (default 30, 0: never)\n"
           "  --openflow-probe-interval=SECS  drop a tcp: or ssl: host's OpenFlow\n"
           "                      connection after SECS silent, then SECS more\n"
           "                      unanswered (default 60, min 5, 0: never;\n"
           "                      unix: hosts never probe)\n"
           "  --api-idle-timeout=SECS  close API connections idle that long\n"
           "                      (default %d, 0: never)\n"
           "  --api-max-connections=N  API connections open at once (default\n"
           "                      %d, at most a quarter of the open files limit)\n"
           "  --name=NAME         this weftd's name among the weftds of one\n"
           "                      database (default: the host name); the\n"
           "                      active one writes it in Weft_Global\n"
           "  --self-check        for tests: check every in-place update of the\n"
           "                      desired state against a full load, and every\n"
           "                      incremental compile against a full one; abort\n"
           "                      on a difference (slow)\n"
           "  -h, --help          display this help message\n"
           "  -V, --version       display version information\n",
           program_name, program_name, weft_db_default_remote(),
           WEFT_RUNDIR_DEFAULT, API_IDLE_TIMEOUT_DEFAULT,
           API_MAX_CONNECTIONS_DEFAULT);
    printf("\nSSL (for ssl: database and host remotes):\n"
           "  -p, --private-key=FILE  file with private key\n"
           "  -c, --certificate=FILE  file with certificate for private key\n"
           "  -C, --ca-cert=FILE      file with peer CA certificate\n");
    /* daemon_usage() names --pidfile's default in OVS's run directory;
     * weftd's is in weft's (weftd_options_parse()). */
    setenv("OVS_RUNDIR", weft_rundir(), 1);
    daemon_usage();
    vlog_usage();
    exit(EXIT_SUCCESS);
}

/* Replaces '*field' by a copy of 'value'. */
static void
set_string(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

bool
weftd_name_valid(const char *name)
{
    size_t len = strlen(name);
    return (len >= 1 && len <= WEFTD_NAME_MAX
            && strspn(name, "abcdefghijklmnopqrstuvwxyz"
                      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") == len);
}

/* --name's default: the machine's host name, if it is a valid name, else
 * "weftd". */
static char *
default_name(void)
{
    char buf[256];
    if (!gethostname(buf, sizeof buf)) {
        buf[sizeof buf - 1] = '\0';
        if (weftd_name_valid(buf)) {
            return xstrdup(buf);
        }
    }
    return xstrdup("weftd");
}

/* Handles weftd's own option 'c' with argument 'arg'; returns false if 'c'
 * is not one of them. */
static bool
parse_weftd_option(int c, const char *arg, struct weftd_options *opts)
{
    int n;

    switch (c) {
    case OPT_DB:
        set_string(&opts->db_remote, arg);
        return true;
    case OPT_UNIXCTL:
        set_string(&opts->unixctl_path, arg);
        return true;
    case OPT_API:
        set_string(&opts->api_path, arg);
        return true;
    case OPT_RUNDIR:
        weft_rundir_set(arg);
        return true;
    case OPT_VERIFY_INTERVAL:
        if (!str_to_int(arg, 10, &n) || n < 0) {
            ovs_fatal(0, "--verify-interval: \"%s\" is not a number of "
                      "seconds >= 0", arg);
        }
        host_set_verify_interval(n);
        return true;
    case OPT_NAME:
        if (!weftd_name_valid(arg)) {
            ovs_fatal(0, "--name: \"%s\" is not 1 to %d letters, digits, "
                      "'.', '-' or '_'", arg, WEFTD_NAME_MAX);
        }
        set_string(&opts->name, arg);
        return true;
    case OPT_SELF_CHECK:
        host_set_self_check(true);
        hosts_set_self_check(true);
        return true;
    case OPT_OPENFLOW_PROBE_INTERVAL:
        if (!str_to_int(arg, 10, &n) || n < 0) {
            ovs_fatal(0, "--openflow-probe-interval: \"%s\" is not a number "
                      "of seconds >= 0", arg);
        }
        host_set_openflow_probe_interval(n);
        return true;
    case OPT_API_GROUP: {
        struct group *gr = getgrnam(arg);
        if (!gr) {
            ovs_fatal(0, "--api-group: no group \"%s\"", arg);
        }
        opts->api_gid = gr->gr_gid;
        return true;
    }
    case OPT_METRICS_LISTEN: {
        char *error = rest_server_set_metrics_address(arg);
        if (error) {
            ovs_fatal(0, "--metrics-listen: %s", error);
        }
        opts->metrics_listen = true;
        return true;
    }
    case OPT_API_IDLE_TIMEOUT:
        if (!str_to_int(arg, 10, &n) || n < 0 || n > 24 * 3600) {
            ovs_fatal(0, "--api-idle-timeout: \"%s\" is not a number of "
                      "seconds, 0-86400", arg);
        }
        opts->api_limits.idle_timeout_ms = n * 1000;
        return true;
    case OPT_API_MAX_CONNECTIONS:
        if (!str_to_int(arg, 10, &n) || n < 1) {
            ovs_fatal(0, "--api-max-connections: \"%s\" is not a "
                      "number >= 1", arg);
        }
        opts->api_limits.max_connections = n;
        return true;
    default:
        return false;
    }
}

/* Makes the run directory and the names of weftd's files absolute, since
 * --detach changes directory.  weftd's files go to weft's run directory,
 * never to OVS's: weftctl and the lab look for them there, and OVS's need
 * not exist on a controller host. */
static void
resolve_paths(struct weftd_options *opts)
{
    if (weft_rundir()[0] != '/') {
        char *abs = abs_file_name(NULL, weft_rundir());
        if (!abs) {
            ovs_fatal(errno, "--rundir: cannot make %s absolute",
                      weft_rundir());
        }
        weft_rundir_set(abs);
        free(abs);
    }
    if (opts->pidfile_path) {
        char *path = weft_rundir_file(opts->pidfile_path);
        set_pidfile(path);
        free(opts->pidfile_path);
        opts->pidfile_path = path;
    }
    if (!opts->unixctl_path || strcmp(opts->unixctl_path, "none")) {
        char *path = weft_rundir_file(opts->unixctl_path
                                      ? opts->unixctl_path : "weftd.ctl");
        free(opts->unixctl_path);
        opts->unixctl_path = path;
    }
    if (opts->api_path && strcmp(opts->api_path, "none")) {
        char *path = weft_rundir_file(opts->api_path);
        free(opts->api_path);
        opts->api_path = path;
    }
}

void
weftd_options_parse(int argc, char *argv[], struct weftd_options *opts)
{
    static const struct option long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"api", required_argument, NULL, OPT_API},
        {"rundir", required_argument, NULL, OPT_RUNDIR},
        {"verify-interval", required_argument, NULL, OPT_VERIFY_INTERVAL},
        {"openflow-probe-interval", required_argument, NULL,
         OPT_OPENFLOW_PROBE_INTERVAL},
        {"api-group", required_argument, NULL, OPT_API_GROUP},
        {"metrics-listen", required_argument, NULL, OPT_METRICS_LISTEN},
        {"api-idle-timeout", required_argument, NULL, OPT_API_IDLE_TIMEOUT},
        {"api-max-connections", required_argument, NULL,
         OPT_API_MAX_CONNECTIONS},
        {"self-check", no_argument, NULL, OPT_SELF_CHECK},
        {"name", required_argument, NULL, OPT_NAME},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(long_options);

    *opts = (struct weftd_options) {
        .api_gid = (gid_t) -1,
        .api_limits = {
            .idle_timeout_ms = API_IDLE_TIMEOUT_DEFAULT * 1000,
            .max_connections = API_MAX_CONNECTIONS_DEFAULT,
        },
    };
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }
        if (c == OPT_PIDFILE) {
            /* Also handled by OVS (DAEMON_OPTION_HANDLERS), which would put
             * it in OVS's run directory: redone in resolve_paths(), in
             * weft's. */
            set_string(&opts->pidfile_path, optarg ? optarg : "weftd.pid");
        }
        if (parse_weftd_option(c, optarg, opts)) {
            continue;
        }
        switch (c) {
        case 'h':
            usage();
            OVS_NOT_REACHED();
        case 'V':
            printf("weftd (weft) %s\n", WEFT_VERSION);
            exit(EXIT_SUCCESS);
        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS
        case '?':
            exit(EXIT_FAILURE);
        default:
            abort();
        }
    }
    free(short_options);

    if (optind < argc) {
        ovs_fatal(0, "unexpected argument \"%s\" (use --help for help)",
                  argv[optind]);
    }
    resolve_paths(opts);
    if (!opts->db_remote) {
        opts->db_remote = xstrdup(weft_db_default_remote());
    }

    if (!opts->name) {
        opts->name = default_name();
    }

    char *error = weft_db_check_ssl(opts->db_remote);
    if (error) {
        ovs_fatal(0, "--db=%s", error);
    }
    if (opts->metrics_listen && opts->api_path
        && !strcmp(opts->api_path, "none")) {
        ovs_fatal(0, "--metrics-listen needs the REST API (--api=none)");
    }
}

/* True if 'path' names a file inside directory 'dir'. */
static bool
path_is_in(const char *path, const char *dir)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') {
        len--;
    }
    return path && !strncmp(path, dir, len) && path[len] == '/';
}

/* On a fresh machine nothing else makes the run directory, and `weftd
 * --pidfile --detach` must not die for want of it.  Not being able to create
 * it is fatal only when one of weftd's files goes there.  Mode 0755. */
void
weftd_options_make_rundir(const struct weftd_options *opts)
{
    const char *dir = weft_rundir();
    bool needed = path_is_in(opts->unixctl_path, dir)
                  || path_is_in(opts->pidfile_path, dir)
                  || path_is_in(opts->api_path, dir)
                  || !opts->api_path;     /* The API's default socket. */
    if (!needed) {
        return;
    }
    char *copy = xstrdup(dir);
    for (char *p = copy + 1; ; p++) {
        if (*p != '/' && *p != '\0') {
            continue;
        }
        char c = *p;
        *p = '\0';
        if (mkdir(copy, 0755) && errno != EEXIST) {
            ovs_fatal(errno, "cannot create weft's run directory %s "
                      "(--rundir or $WEFT_RUNDIR choose another)", copy);
        }
        *p = c;
        if (!c) {
            break;
        }
    }
    free(copy);
}

void
weftd_options_destroy(struct weftd_options *opts)
{
    free(opts->db_remote);
    free(opts->unixctl_path);
    free(opts->pidfile_path);
    free(opts->api_path);
    free(opts->name);
}

/* weftd-options: weftd's command line (--help, --version, and the options
 * that say where weftd finds its database and puts its files).
 *
 * Pipeline place: before it.  main() parses the options, then makes weft's
 * run directory, then starts the loop.  The defaults come from their owners:
 * the run directory and database remote from ovsdb/weft-db.h, the version
 * from CMake's project version, the verify interval from host.h. */
#ifndef WEFTD_OPTIONS_H
#define WEFTD_OPTIONS_H 1

#include <stdbool.h>
#include <sys/types.h>

#include "rest-server.h"

struct weftd_options {
    char *db_remote;            /* --db, else weft_db_default_remote(). */
    char *unixctl_path;         /* --unixctl: absolute, or "none". */
    char *pidfile_path;         /* --pidfile, absolute; NULL without it. */
    char *api_path;             /* --api: absolute, NULL for the default,
                                 * or "none". */
    gid_t api_gid;              /* --api-group: the socket's group, or -1. */
    char *name;                 /* --name, else the host name. */
    bool metrics_listen;        /* --metrics-listen was given. */
    struct rest_server_limits api_limits;   /* --api-idle-timeout,
                                             * --api-max-connections. */
};

/* Parses weftd's command line into '*opts' (and OVS's daemon, vlog and SSL
 * options into OVS's modules; --verify-interval into host.h, --rundir into
 * weft-db.h, --metrics-listen into the REST server).  Exits on a bad option
 * with a message, and after --help or --version. */
void weftd_options_parse(int argc, char *argv[], struct weftd_options *opts);

/* Creates weft's run directory and its missing parents if one of weftd's
 * files goes there (fatal if it cannot). */
void weftd_options_make_rundir(const struct weftd_options *);

void weftd_options_destroy(struct weftd_options *);

/* True if 'name' is a valid --name: 1 to WEFTD_NAME_MAX letters, digits,
 * '.', '-' or '_' (it goes into logs, JSON and the database as is). */
#define WEFTD_NAME_MAX 64
bool weftd_name_valid(const char *name);

#endif /* controller/weftd-options.h */

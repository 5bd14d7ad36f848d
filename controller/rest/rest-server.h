/* rest-server: weftd's REST API over HTTP/1.1 on a unix socket.
 *
 * Runs libevent's evhttp in its own thread; requests are executed by the
 * main loop through api.h (see the top of handoff.c for the hand-off).
 * Plain C interface: no OVS or jansson headers, so weftd.c (OVS side) can
 * call it.
 *
 * Threading: rest_server_create() and rest_server_destroy() are called from
 * the main thread.  rest_server_destroy() must come before api_destroy(). */
#ifndef WEFT_REST_SERVER_H
#define WEFT_REST_SERVER_H 1

#include <stddef.h>

struct api;
struct rest_server;

/* How much the API's clients may hold. */
struct rest_server_limits {
    int idle_timeout_ms;        /* Close a connection idle this long (0:
                                 * never). */
    size_t max_connections;     /* Open at once; more wait in the listen
                                 * backlog. */
};

/* Starts serving on the unix socket 'path' (replacing a stale socket file;
 * mode 0660, so only root and the socket's group may connect), handing calls
 * to 'api', within 'limits'.  Returns 0 and stores the server in '*serverp',
 * or a positive errno value and stores a malloc'd message in '*errorp'. */
int rest_server_create(const char *path, struct api *api,
                       const struct rest_server_limits *limits,
                       struct rest_server **serverp, char **errorp);

/* Makes the next rest_server_create() also serve GET /metrics, and nothing
 * else, over plain HTTP on the TCP address 'ip_port' ("IPv4:PORT"), for a
 * Prometheus scraper that cannot use a unix socket.  The answer is the same
 * as an admin's GET /metrics on the socket (no tenant data).  NULL turns it
 * off (the default).  Returns NULL, or a malloc'd message if 'ip_port' is
 * malformed. */
char *rest_server_set_metrics_address(const char *ip_port);

/* Stops the HTTP thread, closes every connection (requests still being
 * executed get no answer) and removes the socket file. */
void rest_server_destroy(struct rest_server *);

#endif /* controller/rest/rest-server.h */

/* socket-watch: says when a unix socket file (re)appears.
 *
 * Place in the pipeline: push, beside ofproto/of-session.h.  A restarted
 * ovs-vswitchd creates br-int's OpenFlow socket (br-int.mgmt) the moment
 * br-int listens again; weftd, watching the socket's directory with inotify,
 * connects then, instead of polling or waiting out rconn's backoff.  This is
 * the unix: half of of-session's event-driven reconnect; the OVSDB half
 * (cur_cfg, controller/host.c) covers every target.
 *
 * Linux only (inotify); elsewhere, or if the directory cannot be watched,
 * socket_watch_create() returns NULL and the caller falls back to polling.
 *
 * Threading: none; everything runs in weftd's main loop. */
#ifndef WEFT_SOCKET_WATCH_H
#define WEFT_SOCKET_WATCH_H 1

#include <stdbool.h>

/* Watches 'path' (a unix socket's file name, not a "unix:" target).
 * Returns NULL if it cannot. */
struct socket_watch *socket_watch_create(const char *path);
void socket_watch_destroy(struct socket_watch *);

/* True if the file was created (or moved into place) since the last call.
 * Cheap: one nonblocking read() when nothing happened. */
bool socket_watch_appeared(struct socket_watch *);
/* Wakes poll_block() when something happened in the directory. */
void socket_watch_wait(const struct socket_watch *);

#endif /* ofproto/socket-watch.h */

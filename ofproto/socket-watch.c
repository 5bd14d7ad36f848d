/* socket-watch: says when a unix socket file (re)appears.  See
 * socket-watch.h. */
#include <config.h>

#include "socket-watch.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif

#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(socket_watch);

struct socket_watch {
    int fd;                         /* inotify instance. */
    char *name;                     /* The file's name in the directory. */
};

#ifdef __linux__
struct socket_watch *
socket_watch_create(const char *path)
{
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        VLOG_WARN("inotify: %s", ovs_strerror(errno));
        return NULL;
    }
    /* A socket is created by bind() (IN_CREATE); some daemons bind a
     * temporary name and rename it (IN_MOVED_TO). */
    char *dir = dir_name(path);
    if (inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO) < 0) {
        VLOG_INFO("%s: cannot watch (%s); polling for %s instead", dir,
                  ovs_strerror(errno), path);
        free(dir);
        close(fd);
        return NULL;
    }
    free(dir);
    struct socket_watch *w = xmalloc(sizeof *w);
    w->fd = fd;
    w->name = base_name(path);
    return w;
}

bool
socket_watch_appeared(struct socket_watch *w)
{
    bool appeared = false;
    if (!w) {
        return false;
    }
    for (;;) {
        char buf[4096]
            __attribute__((aligned(__alignof__(struct inotify_event))));
        ssize_t n = read(w->fd, buf, sizeof buf);
        if (n <= 0) {
            break;
        }
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const void *) p;
            if (ev->len && !strcmp(ev->name, w->name)) {
                appeared = true;
            }
            p += sizeof *ev + ev->len;
        }
    }
    return appeared;
}

void
socket_watch_wait(const struct socket_watch *w)
{
    if (w) {
        poll_fd_wait(w->fd, POLLIN);
    }
}

void
socket_watch_destroy(struct socket_watch *w)
{
    if (w) {
        close(w->fd);
        free(w->name);
        free(w);
    }
}
#else  /* !__linux__ */
struct socket_watch *
socket_watch_create(const char *path OVS_UNUSED)
{
    return NULL;
}

bool
socket_watch_appeared(struct socket_watch *w OVS_UNUSED)
{
    return false;
}

void
socket_watch_wait(const struct socket_watch *w OVS_UNUSED)
{
}

void
socket_watch_destroy(struct socket_watch *w OVS_UNUSED)
{
}
#endif

/* ns-run: running a command inside a network namespace, for weftctl's
 * operator commands (attach.c): "ip", "ethtool" and friends, entered with
 * nsenter --net=PATH when the namespace is not weftctl's own. */
#ifndef WEFT_NS_RUN_H
#define WEFT_NS_RUN_H 1

#include <stdbool.h>

/* A network namespace, as two commands want it. */
struct nsref {
    char *ip_arg;               /* For "ip link set DEV netns X": a name or a
                                 * pid; NULL for weftctl's own namespace. */
    char *path;                 /* For "nsenter --net=PATH", or NULL. */
};

void nsref_destroy(struct nsref *);
/* The namespace named 'name' (ip netns). */
void nsref_named(struct nsref *, const char *name);
/* True if paths 'a' and 'b' name the same file (e.g. two /proc/PID/ns/net). */
bool ns_same_file(const char *a, const char *b);

/* Runs the NULL-terminated command line that follows 'ns', inside namespace
 * 'ns' (NULL: weftctl's own).  Returns NULL, or a malloc'd error that quotes
 * the command.  'quiet' sends the command's stderr, as well as its stdout,
 * to /dev/null. */
char *ns_run(const struct nsref *ns, bool quiet, ...)
    __attribute__((sentinel));

#endif /* cli/ns-run.h */

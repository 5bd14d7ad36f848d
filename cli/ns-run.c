/* ns-run: running a command inside a network namespace.  See ns-run.h. */
#include <config.h>

#include "ns-run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "process.h"
#include "svec.h"
#include "util.h"

void
nsref_destroy(struct nsref *ns)
{
    free(ns->ip_arg);
    free(ns->path);
}

void
nsref_named(struct nsref *ns, const char *name)
{
    ns->ip_arg = xstrdup(name);
    ns->path = xasprintf("/run/netns/%s", name);
}

bool
ns_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return !stat(a, &sa) && !stat(b, &sb)
           && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Starts 'argv' with OVS's process_start() and waits for it to exit.  The
 * child inherits weftctl's stdin, stdout and stderr (process_start() closes
 * every other fd), so stdout, and with 'quiet' stderr, point at /dev/null
 * around the fork and are put back right after.  Returns 0 and stores the
 * wait status in '*statusp', or returns a positive errno value. */
static int
run_process(char **argv, bool quiet, int *statusp)
{
    fflush(stdout);
    fflush(stderr);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    int saved_out = null >= 0 ? dup(STDOUT_FILENO) : -1;
    int saved_err = null >= 0 && quiet ? dup(STDERR_FILENO) : -1;
    if (saved_out >= 0) {
        dup2(null, STDOUT_FILENO);
    }
    if (saved_err >= 0) {
        dup2(null, STDERR_FILENO);
    }
    struct process *p;
    int error = process_start(argv, &p);
    if (saved_out >= 0) {
        dup2(saved_out, STDOUT_FILENO);
        close(saved_out);
    }
    if (saved_err >= 0) {
        dup2(saved_err, STDERR_FILENO);
        close(saved_err);
    }
    if (null >= 0) {
        close(null);
    }
    if (error) {
        return error;
    }
    while (!process_exited(p)) {
        process_run();
        process_wait(p);
        poll_block();
    }
    *statusp = process_status(p);
    process_destroy(p);
    return 0;
}

char *
ns_run(const struct nsref *ns, bool quiet, ...)
{
    struct svec argv = SVEC_EMPTY_INITIALIZER;
    if (ns && ns->path) {
        svec_add(&argv, "nsenter");
        svec_add_nocopy(&argv, xasprintf("--net=%s", ns->path));
        svec_add(&argv, "--");
    }
    va_list args;
    va_start(args, quiet);
    for (const char *a; (a = va_arg(args, const char *)) != NULL;) {
        svec_add(&argv, a);
    }
    va_end(args);
    svec_terminate(&argv);

    int status = 0;
    int error = run_process(argv.names, quiet, &status);
    char *msg = NULL;
    if (error || !WIFEXITED(status) || WEXITSTATUS(status)) {
        struct ds cmd = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < argv.n; i++) {
            ds_put_format(&cmd, "%s%s", i ? " " : "", argv.names[i]);
        }
        msg = xasprintf("\"%s\" failed (%s)", ds_cstr(&cmd),
                        error == ENOENT ? "command not found or not runnable"
                        : error ? ovs_strerror(error)
                        : "see its message above");
        ds_destroy(&cmd);
    }
    svec_destroy(&argv);
    return msg;
}

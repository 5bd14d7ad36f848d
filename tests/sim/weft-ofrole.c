/* weft-ofrole: OpenFlow controller roles (ofproto/of-role.h) and the host's
 * read-only OVSDB side (ovsdb/host-db.h) against a real ovs-vswitchd and
 * ovsdb-server, for tests/sim/test-roles.sh (issue #16).
 *
 *   weft-ofrole roles TARGET
 *
 * Two OpenFlow sessions ("a" and "b", as two weftds run them for one host)
 * on the bridge at TARGET, in one process, step by step; after each step
 * it prints one line that the test checks, and waits for the test to say
 * "next" on stdin (so that the test can look at the switch in between):
 *
 *   1. a primary (generation 3) and b standby, both wanting flows 1-3:
 *      "a primary flow_mods=3 b standby bundles=0"
 *   2. b claims generation 4: OVS demotes a (role status):
 *      "b primary flow_mods=0 a stale switch_generation=4"
 *   3. a claims generation 2: refused as stale:
 *      "a stale switch_generation=4"
 *   4. a wants flows 1-5, b flows 1-4: only b writes:
 *      "a bundles=0 b flow_mods=1"
 *
 *   weft-ofrole db REMOTE ro|rw
 *
 * A host's OVSDB session (host_db) on an ovsdb-server without br-int, with
 * no port wanted: "rw" creates br-int, as weftd does; "ro" reads the
 * database (prints "read") and then, for 2 s of main loop, sends nothing.
 * It prints "br-int" if its own IDL then shows a br-int, "no br-int"
 * otherwise.
 *
 * Exits 1 if a step is not reached within 20 s. */
#include <config.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "flow-state.h"
#include "host-db.h"
#include "host-idl.h"
#include "of-session.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "timeval.h"
#include "util.h"
#include "wanted-ports.h"

static struct of_session *a, *b;

static void
set_flows(struct of_session *s, int n, int64_t cfg)
{
    struct weft_flows flows;
    weft_flows_init(&flows);
    for (int i = 0; i < n; i++) {
        char match[64], actions[32];
        snprintf(match, sizeof match, "in_port=%d", i + 1);
        snprintf(actions, sizeof actions, "output:%d", i + 100);
        weft_flows_add_text(&flows, 0, 100, 0x10 + i, match, actions);
    }
    flow_state_replace_desired(of_session_flows(s), &flows);
    of_session_set_desired_cfg(s, cfg, time_msec(), true);
    weft_flows_destroy(&flows);
}

static struct of_session_stats
stats(const struct of_session *s)
{
    struct of_session_stats st;
    of_session_get_stats(s, &st);
    return st;
}

static bool
idle(const struct of_session *s, enum of_session_role role)
{
    return of_session_role(s) == role
           && of_session_state(s) == OF_SESSION_SYNCED;
}

/* Runs both sessions until 'cond' holds. */
static void
run_until(const char *what, bool (*cond)(void))
{
    long long int deadline = time_msec() + 20 * 1000;
    for (;;) {
        struct of_session *ss[] = { a, b };
        for (int i = 0; i < 2; i++) {
            of_session_run(ss[i]);
            of_session_push(ss[i]);
        }
        if (cond()) {
            return;
        }
        if (time_msec() > deadline) {
            ovs_fatal(0, "%s: not reached within 20 s (a %s %s, b %s %s)",
                      what, of_session_role_name(of_session_role(a)),
                      of_session_state_name(of_session_state(a)),
                      of_session_role_name(of_session_role(b)),
                      of_session_state_name(of_session_state(b)));
        }
        for (int i = 0; i < 2; i++) {
            of_session_wait(ss[i]);
        }
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

/* Prints 'line' and waits for the test's "next". */
static void
step_done(const char *line)
{
    printf("%s\n", line);
    fflush(stdout);
    char buf[16];
    if (!fgets(buf, sizeof buf, stdin)) {
        exit(0);
    }
}

static bool
cond_step1(void)
{
    return idle(a, OF_ROLE_PRIMARY) && of_session_cur_cfg(a) == 1
           && idle(b, OF_ROLE_STANDBY);
}

static bool
cond_step2(void)
{
    return idle(b, OF_ROLE_PRIMARY) && of_session_cur_cfg(b) == 1
           && idle(a, OF_ROLE_STALE);
}

static bool
cond_step3(void)
{
    return of_session_role(a) == OF_ROLE_STALE
           && stats(a).n_role_requests >= 3    /* claim, nochange */
           && of_session_state(a) == OF_SESSION_SYNCED;
}

static bool
cond_step4(void)
{
    return of_session_cur_cfg(b) == 2 && idle(a, OF_ROLE_STALE);
}

static void
run_roles(const char *target)
{
    char line[256];
    a = of_session_create("a", target);
    b = of_session_create("b", target);
    of_session_set_role(a, true, 3);
    of_session_set_role(b, false, 0);
    set_flows(a, 3, 1);
    set_flows(b, 3, 1);
    run_until("a primary, b standby", cond_step1);
    snprintf(line, sizeof line, "a primary flow_mods=%"PRIu64" b standby "
             "bundles=%"PRIu64, stats(a).n_flow_mods, stats(b).n_bundles);
    step_done(line);

    of_session_set_role(b, true, 4);
    run_until("b primary, a stale", cond_step2);
    snprintf(line, sizeof line, "b primary flow_mods=%"PRIu64" a %s "
             "switch_generation=%"PRIu64, stats(b).n_flow_mods,
             of_session_role_name(of_session_role(a)),
             of_session_switch_generation(a));
    step_done(line);

    of_session_set_role(a, true, 2);
    run_until("a refused", cond_step3);
    snprintf(line, sizeof line, "a %s switch_generation=%"PRIu64,
             of_session_role_name(of_session_role(a)),
             of_session_switch_generation(a));
    step_done(line);

    uint64_t a_bundles = stats(a).n_bundles;
    uint64_t b_mods = stats(b).n_flow_mods;
    set_flows(a, 5, 2);
    set_flows(b, 4, 2);
    run_until("b installs", cond_step4);
    snprintf(line, sizeof line, "a bundles=%"PRIu64" b flow_mods=%"PRIu64,
             stats(a).n_bundles - a_bundles,
             stats(b).n_flow_mods - b_mods);
    step_done(line);
    of_session_destroy(a);
    of_session_destroy(b);
}

static bool
has_br_int(struct ovsdb_idl *idl)
{
    const struct hostrec_bridge *br;
    HOSTREC_BRIDGE_FOR_EACH (br, idl) {
        if (!strcmp(br->name, "br-int")) {
            return true;
        }
    }
    return false;
}

static void
run_db(const char *remote, bool read_only)
{
    struct host_db_config cfg = {
        .name = "h", .remote = remote, .datapath_type = "system",
    };
    struct host_db *db = host_db_create(&cfg);
    host_db_set_read_only(db, read_only);
    struct wanted_ports wanted;
    wanted_ports_init(&wanted);
    host_db_set_wanted(db, &wanted, NULL);
    struct ovsdb_idl *idl = ovsdb_idl_create(remote, &hostrec_idl_class,
                                             true, true);

    long long int deadline = time_msec() + 20 * 1000;
    long long int read_at = LLONG_MAX;
    for (;;) {
        host_db_run(db);
        ovsdb_idl_run(idl);
        if (read_at == LLONG_MAX && host_db_has_read(db)) {
            read_at = time_msec();
            printf("read\n");
        }
        if (read_at != LLONG_MAX
            && (read_only ? time_msec() >= read_at + 2000 : has_br_int(idl))) {
            break;
        }
        if (time_msec() > deadline) {
            ovs_fatal(0, "not done within 20 s");
        }
        host_db_wait(db);
        ovsdb_idl_wait(idl);
        poll_timer_wait_until(read_at != LLONG_MAX
                              ? MIN(deadline, read_at + 2000) : deadline);
        poll_block();
    }
    /* The checking IDL is up to date with what was written. */
    ovsdb_idl_run(idl);
    printf("%s\n", has_br_int(idl) ? "br-int" : "no br-int");
    ovsdb_idl_destroy(idl);
    host_db_destroy(db);
    wanted_ports_destroy(&wanted);
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    of_session_set_verify_interval(0);
    if (argc == 3 && !strcmp(argv[1], "roles")) {
        run_roles(argv[2]);
    } else if (argc == 4 && !strcmp(argv[1], "db")
               && (!strcmp(argv[3], "ro") || !strcmp(argv[3], "rw"))) {
        run_db(argv[2], !strcmp(argv[3], "ro"));
    } else {
        ovs_fatal(0, "usage: %s roles TARGET | db REMOTE ro|rw", argv[0]);
    }
    return 0;
}

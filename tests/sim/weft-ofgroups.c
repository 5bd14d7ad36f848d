/* weft-ofgroups: weftd's OpenFlow session (ofproto/of-session.h) with a
 * hand-written set of flows and select groups, against a real switch, for
 * tests/sim/test-groups.sh.  It is the session alone, as weftd runs it for
 * one host (dump flows and groups, one bundle, barrier), with the compiled
 * owners replaced by a file, so that groups are tested on ovs-vswitchd
 * without a service in the database.  Each run is a new session, as a
 * restarted weftd is.
 *
 *   weft-ofgroups TARGET SPEC [--tamper=CMD]
 *
 * SPEC holds one line per flow or group:
 *
 *   flow TABLE PRIORITY MATCH ACTIONS      (MATCH "-": the catch-all)
 *   group ID [WEIGHT:]ACTIONS...      (one word per bucket, ids 100, 101...)
 *
 * It syncs the switch to SPEC and prints "sync flow_mods=N group_mods=M"
 * (and the OpenFlow version it speaks, on stderr);
 * with --tamper it then runs CMD (a change behind weft's back), reads the
 * switch back as a verify does, repairs, and prints "verify flow_mods=N
 * group_mods=M".  Exits 1 if the switch refuses a bundle or nothing is
 * synced within 20 s.  The OpenFlow version is the highest of 1.3-1.5 that
 * the bridge allows (its "protocols"). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "flow-state.h"
#include "of-session.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "util.h"

static void
add_group(struct weft_flows *flows, uint32_t id, char *buckets)
{
    struct ofpbuf value;
    ofpbuf_init(&value, 0);
    weft_group_put_header(&value, OFPGT11_SELECT, 0);
    uint32_t bucket_id = 100;   /* Not positions, as compile-lb.c's. */
    char *save = NULL;
    for (char *b = strtok_r(buckets, " \t\n", &save); b;
         b = strtok_r(NULL, " \t\n", &save)) {
        unsigned int weight = 1;
        int n = 0;
        if (sscanf(b, "%u:%n", &weight, &n) == 1 && n) {
            b += n;
        }
        struct ofpbuf acts;
        ofpbuf_init(&acts, 0);
        enum ofputil_protocol usable = OFPUTIL_P_ANY;
        struct ofpact_parse_params pp = { .ofpacts = &acts,
                                          .usable_protocols = &usable };
        char *error = ofpacts_parse_actions(b, &pp);
        if (error) {
            ovs_fatal(0, "bucket \"%s\": %s", b, error);
        }
        weft_ofpacts_canonicalize(acts.data, acts.size);
        weft_group_put_bucket(&value, bucket_id++, weight, acts.data,
                              acts.size);
        ofpbuf_uninit(&acts);
    }
    struct match match;
    weft_group_match(&match, id);
    weft_flows_add(flows, NULL, WEFT_GROUP_TABLE, 0, 0, &match, value.data,
                   value.size);
    ofpbuf_uninit(&value);
}

static void
read_spec(const char *file_name, struct weft_flows *flows)
{
    FILE *file = fopen(file_name, "r");
    if (!file) {
        ovs_fatal(errno, "%s", file_name);
    }
    char line[4096];
    while (fgets(line, sizeof line, file)) {
        char kind[8], match[1024], actions[2048];
        unsigned int table, priority, id;
        int n = 0;
        if (sscanf(line, "flow %u %u %1023s %2047s", &table, &priority,
                   match, actions) == 4) {
            weft_flows_add_text(flows, table, priority, 0x1,
                                strcmp(match, "-") ? match : "", actions);
        } else if (sscanf(line, "group %u %n", &id, &n) == 1 && n) {
            add_group(flows, id, line + n);
        } else if (sscanf(line, "%7s", kind) == 1 && kind[0] != '#') {
            ovs_fatal(0, "%s: bad line \"%s\"", file_name, line);
        }
    }
    fclose(file);
}

/* Runs 's' until it has read the switch back 'n_dumps' times in all and
 * sent what differed, and the switch confirmed it. */
static void
run_until_synced(struct of_session *s, uint64_t n_dumps)
{
    long long int deadline = time_msec() + 20 * 1000;
    for (;;) {
        of_session_run(s);
        of_session_push(s);
        struct of_session_stats st;
        of_session_get_stats(s, &st);
        enum of_session_state state = of_session_state(s);
        if (state == OF_SESSION_BUNDLE_FAILED) {
            ovs_fatal(0, "the switch refused the bundle");
        }
        if (state == OF_SESSION_SYNCED && st.n_dumps >= n_dumps
            && st.cur_cfg >= 1) {
            return;
        }
        if (time_msec() > deadline) {
            ovs_fatal(0, "not synced within 20 s (%s)",
                      of_session_state_name(state));
        }
        of_session_wait(s);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

static void
print_mods(const char *what, const struct of_session *s,
           const struct of_session_stats *before)
{
    struct of_session_stats st;
    of_session_get_stats(s, &st);
    printf("%s flow_mods=%"PRIu64" group_mods=%"PRIu64"\n", what,
           st.n_flow_mods - before->n_flow_mods,
           st.n_group_mods - before->n_group_mods);
    fflush(stdout);
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    const char *tamper = NULL;
    int n_args = 0;
    const char *args[2];
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "--tamper=", 9)) {
            tamper = argv[i] + 9;
        } else if (n_args < 2) {
            args[n_args++] = argv[i];
        } else {
            ovs_fatal(0, "usage: %s TARGET SPEC [--tamper=CMD]", argv[0]);
        }
    }
    if (n_args != 2) {
        ovs_fatal(0, "usage: %s TARGET SPEC [--tamper=CMD]", argv[0]);
    }

    struct weft_flows flows;
    weft_flows_init(&flows);
    read_spec(args[1], &flows);

    of_session_set_verify_interval(0);
    struct of_session *s = of_session_create("sw", args[0]);
    flow_state_replace_desired(of_session_flows(s), &flows);
    of_session_set_desired_cfg(s, 1, time_msec(), true);

    struct of_session_stats zero;
    memset(&zero, 0, sizeof zero);
    run_until_synced(s, 1);
    fprintf(stderr, "weft-ofgroups: OpenFlow version 0x%02x\n",
            of_session_version(s));
    print_mods("sync", s, &zero);

    if (tamper) {
        struct of_session_stats before;
        of_session_get_stats(s, &before);
        if (system(tamper)) {
            ovs_fatal(0, "\"%s\" failed", tamper);
        }
        of_session_force_resync(s);
        run_until_synced(s, before.n_dumps + 1);
        print_mods("verify", s, &before);
    }

    of_session_destroy(s);
    weft_flows_destroy(&flows);
    return 0;
}

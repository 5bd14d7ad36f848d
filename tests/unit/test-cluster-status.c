/* test-cluster-status: what weftctl status and /v1/status make of each
 * database member's _Server answer (ovsdb/cluster-status.c), and the remote
 * lists every client of weft's database takes.
 *
 * The replies are written out as ovsdb-server 3.1 sends them (a "transact"
 * select on _Server's Database table): a cluster's leader and follower, a
 * standalone server (its optional columns empty sets), a server without
 * the database, an error, and malformed ones. */
#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cluster-status.h"
#include "openvswitch/json.h"
#include "stream-ssl.h"
#include "timeval.h"
#include "util.h"
#include "weft-db.h"

#define SID1 "0d1e5b8a-1111-4c2a-9b1e-3f0e5a6c7d81"
#define SID2 "7f3a9c20-2222-4d5e-8f60-1a2b3c4d5e6f"
#define CID  "c1d2e3f4-3333-4a5b-9c6d-7e8f90a1b2c3"

static const char leader_reply[] =
    "[{\"rows\": [{\"model\": \"clustered\", \"connected\": true,"
    " \"leader\": true, \"sid\": [\"uuid\", \"" SID1 "\"],"
    " \"cid\": [\"uuid\", \"" CID "\"], \"index\": 42}]}]";
static const char follower_reply[] =
    "[{\"rows\": [{\"model\": \"clustered\", \"connected\": true,"
    " \"leader\": false, \"sid\": [\"uuid\", \"" SID2 "\"],"
    " \"cid\": [\"uuid\", \"" CID "\"], \"index\": 41}]}]";
static const char standalone_reply[] =
    "[{\"rows\": [{\"model\": \"standalone\", \"connected\": true,"
    " \"leader\": true, \"sid\": [\"set\", []], \"cid\": [\"set\", []],"
    " \"index\": [\"set\", []]}]}]";

/* Parses 'text' into 'm' and returns cluster_member_parse()'s error. */
static char *
parse(struct cluster_member *m, const char *text)
{
    struct json *json = json_from_string(text);
    char *error = cluster_member_parse(m, json);
    json_destroy(json);
    return error;
}

static void
test_remote_list(void **state OVS_UNUSED)
{
    struct cluster_view view;
    cluster_view_init(&view, " unix:/a/db1.sock,unix:/a/db2.sock ,,"
                      "tcp:127.0.0.1:6641 ");
    assert_int_equal(view.n, 3);
    assert_string_equal(view.members[0].remote, "unix:/a/db1.sock");
    assert_string_equal(view.members[1].remote, "unix:/a/db2.sock");
    assert_string_equal(view.members[2].remote, "tcp:127.0.0.1:6641");
    for (size_t i = 0; i < view.n; i++) {
        assert_false(view.members[i].answered);
        assert_non_null(view.members[i].error);
    }
    assert_string_equal(cluster_view_model(&view), "unknown");
    assert_null(cluster_view_leader(&view));
    cluster_view_destroy(&view);

    cluster_view_init(&view, "unix:/only.sock");
    assert_int_equal(view.n, 1);
    cluster_view_destroy(&view);
}

static void
test_parse_cluster(void **state OVS_UNUSED)
{
    struct cluster_view view;
    cluster_view_init(&view, "unix:/d1,unix:/d2,unix:/d3");
    assert_null(parse(&view.members[0], follower_reply));
    assert_null(parse(&view.members[1], leader_reply));

    const struct cluster_member *f = &view.members[0];
    assert_true(f->answered);
    assert_null(f->error);
    assert_string_equal(f->model, "clustered");
    assert_true(f->connected);
    assert_false(f->leader);
    assert_string_equal(f->sid, SID2);
    assert_string_equal(f->cid, CID);
    assert_int_equal(f->index, 41);

    assert_string_equal(cluster_view_model(&view), "clustered");
    assert_ptr_equal(cluster_view_leader(&view), &view.members[1]);
    assert_string_equal(cluster_view_leader(&view)->remote, "unix:/d2");

    /* A leader cut off from the others (connected false) is no leader. */
    view.members[1].connected = false;
    assert_null(cluster_view_leader(&view));
    cluster_view_destroy(&view);
}

static void
test_parse_standalone(void **state OVS_UNUSED)
{
    struct cluster_view view;
    cluster_view_init(&view, "unix:/s");
    assert_null(parse(&view.members[0], standalone_reply));
    const struct cluster_member *m = &view.members[0];
    assert_true(m->answered);
    assert_string_equal(m->model, "standalone");
    assert_null(m->sid);
    assert_null(m->cid);
    assert_int_equal(m->index, -1);
    assert_string_equal(cluster_view_model(&view), "standalone");
    assert_ptr_equal(cluster_view_leader(&view), m);
    cluster_view_destroy(&view);
}

static void
test_parse_errors(void **state OVS_UNUSED)
{
    static const struct {
        const char *reply;
        const char *error;
    } cases[] = {
        { "[{\"rows\": []}]", "this server has no database Weft" },
        { "[{\"error\": \"unknown database\"}]", "_Server: unknown database" },
        { "[{\"rows\": [{\"leader\": true}]}]",
          "_Server's Database row has no model" },
        { "[]", "malformed reply from _Server" },
        { "{\"rows\": []}", "malformed reply from _Server" },
        { "[{\"rows\": 3}]", "malformed reply from _Server (no rows)" },
        { "[{\"rows\": [7]}]", "malformed reply from _Server (row)" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct cluster_view view;
        cluster_view_init(&view, "unix:/x");
        /* An earlier answer is forgotten: the member no longer answers. */
        assert_null(parse(&view.members[0], leader_reply));
        char *error = parse(&view.members[0], cases[i].reply);
        assert_non_null(error);
        assert_string_equal(error, cases[i].error);
        assert_false(view.members[0].answered);
        assert_false(view.members[0].leader);
        assert_string_equal(view.members[0].error, cases[i].error);
        assert_null(cluster_view_leader(&view));
        free(error);
        cluster_view_destroy(&view);
    }
}

static void
test_params(void **state OVS_UNUSED)
{
    struct json *params = cluster_status_params();
    char *s = json_to_string(params, JSSF_SORT);
    assert_string_equal(s,
        "[\"_Server\",{\"columns\":[\"model\",\"connected\",\"leader\","
        "\"sid\",\"cid\",\"index\"],\"op\":\"select\",\"table\":"
        "\"Database\",\"where\":[[\"name\",\"==\",\"Weft\"]]}]");
    free(s);
    json_destroy(params);
}

static void
test_format(void **state OVS_UNUSED)
{
    struct cluster_view view;
    cluster_view_init(&view, "unix:/d1,unix:/d2,unix:/d3");
    assert_null(parse(&view.members[0], follower_reply));
    assert_null(parse(&view.members[1], leader_reply));
    free(view.members[2].error);
    view.members[2].error = xstrdup("Connection refused");

    struct cluster_controller ctl = {
        .active = xstrdup("c2"),
        .generation = 5,
        .active_since = 1764637323456LL,     /* 2025-12-02T01:02:03.456Z */
        .previous = xstrdup("c1"),
    };
    char *text = cluster_status_format(&view, &ctl);
    assert_string_equal(text,
        "database: clustered, 3 members, leader unix:/d2\n"
        "  member unix:/d1: follower, connected, sid 7f3a, index 41\n"
        "  member unix:/d2: leader, connected, sid 0d1e, index 42\n"
        "  member unix:/d3: not answering (Connection refused)\n"
        "controller: c2 (active, generation 5, "
        "since 2025-12-02T01:02:03.456Z)\n"
        "last failover: c1 -> c2 at 2025-12-02T01:02:03.456Z\n");
    free(text);
    cluster_controller_destroy(&ctl);
    cluster_view_destroy(&view);

    /* Standalone, no weftd ever claimed. */
    cluster_view_init(&view, "unix:/s");
    assert_null(parse(&view.members[0], standalone_reply));
    struct cluster_controller none = { .active_since = -1 };
    text = cluster_status_format(&view, &none);
    assert_string_equal(text,
        "database: standalone, 1 member, leader unix:/s\n"
        "  member unix:/s: standalone\n"
        "controller: none (generation 0)\n"
        "last failover: none\n");
    free(text);

    /* The first claim: active, no previous. */
    struct cluster_controller first = {
        .active = xstrdup("c1"), .generation = 1, .active_since = 0,
    };
    text = cluster_status_format(&view, &first);
    assert_non_null(strstr(text, "controller: c1 (active, generation 1, "
                           "since 1970-01-01T00:00:00.000Z)\n"
                           "last failover: none\n"));
    free(text);
    cluster_controller_destroy(&first);
    cluster_view_destroy(&view);
}

static void
test_check_ssl_list(void **state OVS_UNUSED)
{
    /* No SSL configured in this process: any ssl: member is refused, by
     * its own name. */
    assert_null(weft_db_check_ssl("unix:/a,unix:/b,tcp:127.0.0.1:1"));
    char *error = weft_db_check_ssl("unix:/a, ssl:127.0.0.1:6641,unix:/c");
    assert_non_null(error);
    assert_non_null(strstr(error, "ssl:127.0.0.1:6641: an ssl: remote"));
    assert_null(strstr(error, "unix:/c"));
    free(error);
}

/* cluster_status_query() never waits past its timeout: a remote with no
 * server fails at once, one whose server accepts but never answers (a
 * stopped ovsdb-server: the kernel still queues the connection) is "no
 * answer" at the deadline. */
static void
test_query_timeout(void **state OVS_UNUSED)
{
    char dir[] = "/tmp/test-cluster-status.XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s/mute.sock", dir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *) &sun, sizeof sun), 0);
    assert_int_equal(listen(fd, 4), 0);

    char *remotes = xasprintf("unix:%s/none.sock,unix:%s", dir,
                              sun.sun_path);
    struct cluster_view view;
    cluster_view_init(&view, remotes);
    long long int start = time_msec();
    cluster_status_query(&view, 300);
    long long int took = time_msec() - start;
    assert_true(took < 2000);
    assert_int_equal(view.n, 2);
    assert_false(view.members[0].answered);
    assert_string_equal(view.members[0].error, "No such file or directory");
    assert_false(view.members[1].answered);
    assert_string_equal(view.members[1].error, "no answer within 300 ms");
    assert_string_equal(cluster_view_model(&view), "unknown");
    assert_null(cluster_view_leader(&view));
    cluster_view_destroy(&view);

    free(remotes);
    close(fd);
    unlink(sun.sun_path);
    rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remote_list),
        cmocka_unit_test(test_parse_cluster),
        cmocka_unit_test(test_parse_standalone),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_check_ssl_list),
        cmocka_unit_test(test_query_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

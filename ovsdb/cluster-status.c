/* cluster-status: what each server of weft's database says about itself
 * (cluster-status.h).
 *
 * Each remote gets a jsonrpc session of its own: the IDL's session follows
 * one server (the leader), this module must hear from every one.  A query
 * is one "transact" on _Server; its reply is matched by id, and a session
 * that reconnects drops the query it had in flight (the new connection
 * never answers it). */
#include <config.h>

#include "cluster-status.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonrpc.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "weft-idl.h"

/* A query in flight longer than this marks its member as not answering
 * (its answer is still taken if it comes later). */
#define CLUSTER_ANSWER_MS 2000

void
cluster_view_init(struct cluster_view *view, const char *remotes)
{
    struct svec list = SVEC_EMPTY_INITIALIZER;
    char *copy = xstrdup(remotes ? remotes : "");
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        tok += strspn(tok, " \t");
        size_t len = strcspn(tok, " \t");
        if (len) {
            svec_add_nocopy(&list, xmemdup0(tok, len));
        }
    }
    free(copy);

    view->n = list.n;
    view->members = xcalloc(list.n ? list.n : 1, sizeof *view->members);
    for (size_t i = 0; i < list.n; i++) {
        struct cluster_member *m = &view->members[i];
        m->remote = xstrdup(list.names[i]);
        m->error = xstrdup("no answer yet");
        m->index = -1;
    }
    svec_destroy(&list);
}

/* Forgets what 'm' answered, keeping its remote. */
static void
member_clear(struct cluster_member *m)
{
    free(m->error);
    free(m->model);
    free(m->sid);
    free(m->cid);
    m->error = m->model = m->sid = m->cid = NULL;
    m->answered = m->connected = m->leader = false;
    m->index = -1;
}

/* Marks 'm' unanswered because of 'error' (taken). */
static void
member_fail(struct cluster_member *m, char *error)
{
    member_clear(m);
    m->error = error;
}

void
cluster_view_destroy(struct cluster_view *view)
{
    for (size_t i = 0; i < view->n; i++) {
        member_clear(&view->members[i]);
        free(view->members[i].remote);
    }
    free(view->members);
    view->members = NULL;
    view->n = 0;
}

void
cluster_view_clone(struct cluster_view *dst, const struct cluster_view *src)
{
    dst->n = src->n;
    dst->members = xcalloc(src->n ? src->n : 1, sizeof *dst->members);
    for (size_t i = 0; i < src->n; i++) {
        const struct cluster_member *s = &src->members[i];
        struct cluster_member *d = &dst->members[i];
        *d = *s;
        d->remote = xstrdup(s->remote);
        d->error = nullable_xstrdup(s->error);
        d->model = nullable_xstrdup(s->model);
        d->sid = nullable_xstrdup(s->sid);
        d->cid = nullable_xstrdup(s->cid);
    }
}

const char *
cluster_view_model(const struct cluster_view *view)
{
    const char *model = "unknown";
    for (size_t i = 0; i < view->n; i++) {
        const struct cluster_member *m = &view->members[i];
        if (m->answered) {
            if (!strcmp(m->model, "clustered")) {
                return m->model;
            }
            model = m->model;
        }
    }
    return model;
}

const struct cluster_member *
cluster_view_leader(const struct cluster_view *view)
{
    for (size_t i = 0; i < view->n; i++) {
        const struct cluster_member *m = &view->members[i];
        if (m->answered && m->leader && m->connected) {
            return m;
        }
    }
    return NULL;
}

struct json *
cluster_status_params(void)
{
    struct json *where = json_array_create_1(json_array_create_3(
        json_string_create("name"), json_string_create("=="),
        json_string_create("Weft")));
    struct json *columns = json_array_create_empty();
    static const char *const names[] = {
        "model", "connected", "leader", "sid", "cid", "index",
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        json_array_add(columns, json_string_create(names[i]));
    }
    struct json *op = json_object_create();
    json_object_put_string(op, "op", "select");
    json_object_put_string(op, "table", "Database");
    json_object_put(op, "where", where);
    json_object_put(op, "columns", columns);
    return json_array_create_2(json_string_create("_Server"), op);
}

/* An optional column's datum: a bare atom, or ["set", []] for none.  Returns
 * the atom or NULL. */
static const struct json *
optional_atom(const struct json *datum)
{
    if (datum && datum->type == JSON_ARRAY && datum->array.n == 2
        && datum->array.elems[0]->type == JSON_STRING
        && !strcmp(json_string(datum->array.elems[0]), "set")) {
        return NULL;
    }
    return datum;
}

/* A uuid column's value ["uuid", "..."] as a string, or NULL. */
static char *
uuid_column(const struct json *datum)
{
    datum = optional_atom(datum);
    if (datum && datum->type == JSON_ARRAY && datum->array.n == 2
        && datum->array.elems[1]->type == JSON_STRING) {
        return xstrdup(json_string(datum->array.elems[1]));
    }
    return NULL;
}

static bool
bool_column(const struct json *datum)
{
    return datum && datum->type == JSON_TRUE;
}

/* Fills 'm' from 'row', a _Server Database row. */
static char *
parse_row(struct cluster_member *m, const struct json *row)
{
    const struct shash *cols = json_object(row);
    const struct json *model = shash_find_data(cols, "model");
    if (!model || model->type != JSON_STRING) {
        return xstrdup("_Server's Database row has no model");
    }
    member_clear(m);
    m->answered = true;
    m->model = xstrdup(json_string(model));
    m->connected = bool_column(shash_find_data(cols, "connected"));
    m->leader = bool_column(shash_find_data(cols, "leader"));
    m->sid = uuid_column(shash_find_data(cols, "sid"));
    m->cid = uuid_column(shash_find_data(cols, "cid"));
    const struct json *index = optional_atom(shash_find_data(cols, "index"));
    m->index = index && index->type == JSON_INTEGER ? index->integer : -1;
    return NULL;
}

/* cluster_member_parse() without marking 'm' on an error. */
static char *
parse_result(struct cluster_member *m, const struct json *result)
{
    if (!result || result->type != JSON_ARRAY || result->array.n < 1
        || result->array.elems[0]->type != JSON_OBJECT) {
        return xstrdup("malformed reply from _Server");
    }
    const struct shash *op = json_object(result->array.elems[0]);
    const struct json *error = shash_find_data(op, "error");
    if (error) {
        return xasprintf("_Server: %s", error->type == JSON_STRING
                         ? json_string(error) : "error");
    }
    const struct json *rows = shash_find_data(op, "rows");
    if (!rows || rows->type != JSON_ARRAY) {
        return xstrdup("malformed reply from _Server (no rows)");
    }
    if (!rows->array.n) {
        return xstrdup("this server has no database Weft");
    }
    if (rows->array.elems[0]->type != JSON_OBJECT) {
        return xstrdup("malformed reply from _Server (row)");
    }
    return parse_row(m, rows->array.elems[0]);
}

char *
cluster_member_parse(struct cluster_member *m, const struct json *result)
{
    char *error = parse_result(m, result);
    if (error) {
        member_fail(m, xstrdup(error));
    }
    return error;
}

void
cluster_format_time(long long int ms, char buf[32])
{
    time_t secs = ms / 1000;
    struct tm tm;
    if (ms < 0 || !gmtime_r(&secs, &tm)) {
        snprintf(buf, 32, "%lld", ms);
        return;
    }
    size_t n = strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, 32 - n, ".%03lldZ", ms % 1000);
}

/* The connection to one remote. */
struct member_conn {
    struct jsonrpc_session *js;
    unsigned int seqno;         /* Of 'js' when the query was sent. */
    struct json *request_id;    /* The query in flight, or NULL. */
    long long int sent;         /* When it was sent. */
    long long int next;         /* When to send the next one. */
    bool done;                  /* Answered or failed since created. */
};

struct cluster_poller {
    struct cluster_view view;
    struct member_conn *conns;
    int interval_ms;
};

static struct cluster_poller *
poller_create(const char *remotes, int interval_ms, bool retry)
{
    struct cluster_poller *p = xzalloc(sizeof *p);
    cluster_view_init(&p->view, remotes);
    p->conns = xcalloc(p->view.n ? p->view.n : 1, sizeof *p->conns);
    p->interval_ms = interval_ms;
    for (size_t i = 0; i < p->view.n; i++) {
        p->conns[i].js = jsonrpc_session_open(p->view.members[i].remote,
                                              retry);
    }
    return p;
}

struct cluster_poller *
cluster_poller_create(const char *remotes, int interval_ms)
{
    return poller_create(remotes, interval_ms, true);
}

/* Closes the 'n' member connections of 'p' and frees it, but not its view
 * (which cluster_status_query() hands to its caller). */
static void
poller_free(struct cluster_poller *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        jsonrpc_session_close(p->conns[i].js);
        json_destroy(p->conns[i].request_id);
    }
    free(p->conns);
    free(p);
}

void
cluster_poller_destroy(struct cluster_poller *p)
{
    if (p) {
        size_t n = p->view.n;
        cluster_view_destroy(&p->view);
        poller_free(p, n);
    }
}

static char *
connection_error(const struct member_conn *c)
{
    int error = jsonrpc_session_get_last_error(c->js);
    return xstrdup(error ? ovs_retval_to_string(error) : "not connected");
}

/* Takes the messages 'c' received: the answer to its query, if any.  Every
 * other one is dropped (jsonrpc_session answers echo requests itself), so
 * that none stays queued to wake the loop again and again. */
static void
member_receive(struct cluster_member *m, struct member_conn *c)
{
    /* At most 50 a run, so that a member that floods cannot hold up the
     * loop; the rest wait for the next run (recv_wait wakes it). */
    for (int i = 0; i < 50; i++) {
        struct jsonrpc_msg *msg = jsonrpc_session_recv(c->js);
        if (!msg) {
            break;
        }
        if ((msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR)
            && msg->id && c->request_id
            && json_equal(msg->id, c->request_id)) {
            if (msg->type == JSONRPC_REPLY) {
                free(cluster_member_parse(m, msg->result));
            } else {
                char *s = json_to_string(msg->error, 0);
                member_fail(m, xasprintf("_Server: %s", s));
                free(s);
            }
            json_destroy(c->request_id);
            c->request_id = NULL;
            c->done = true;
        }
        jsonrpc_msg_destroy(msg);
    }
}

/* One step of the connection to member 'm'. */
static void
member_run(struct cluster_poller *p, struct cluster_member *m,
           struct member_conn *c)
{
    jsonrpc_session_run(c->js);
    if (!jsonrpc_session_is_alive(c->js)) {
        member_fail(m, connection_error(c));
        c->done = true;
        return;
    }
    if (c->request_id && jsonrpc_session_get_seqno(c->js) != c->seqno) {
        /* Reconnected: the query is lost with the old connection. */
        json_destroy(c->request_id);
        c->request_id = NULL;
    }
    if (!jsonrpc_session_is_connected(c->js)) {
        if (jsonrpc_session_get_last_error(c->js) || m->answered) {
            member_fail(m, connection_error(c));
            c->done = true;
        }
        return;
    }
    member_receive(m, c);

    long long int now = time_msec();
    if (!c->request_id && now >= c->next) {
        struct jsonrpc_msg *req = jsonrpc_create_request(
            "transact", cluster_status_params(), NULL);
        c->request_id = json_clone(req->id);
        c->seqno = jsonrpc_session_get_seqno(c->js);
        c->sent = now;
        c->next = now + p->interval_ms;
        jsonrpc_session_send(c->js, req);
    } else if (c->request_id && now >= c->sent + CLUSTER_ANSWER_MS
               && (m->answered || !c->done)) {
        member_fail(m, xasprintf("no answer within %d ms",
                                 CLUSTER_ANSWER_MS));
        c->done = true;
    }
}

void
cluster_poller_run(struct cluster_poller *p)
{
    for (size_t i = 0; i < p->view.n; i++) {
        member_run(p, &p->view.members[i], &p->conns[i]);
    }
}

void
cluster_poller_wait(struct cluster_poller *p)
{
    for (size_t i = 0; i < p->view.n; i++) {
        struct member_conn *c = &p->conns[i];
        jsonrpc_session_wait(c->js);
        jsonrpc_session_recv_wait(c->js);
        if (c->request_id) {
            poll_timer_wait_until(c->sent + CLUSTER_ANSWER_MS);
        } else {
            poll_timer_wait_until(c->next);
        }
    }
}

const struct cluster_view *
cluster_poller_view(const struct cluster_poller *p)
{
    return &p->view;
}

void
cluster_status_query(struct cluster_view *view, long long int timeout_ms)
{
    struct svec remotes = SVEC_EMPTY_INITIALIZER;
    for (size_t i = 0; i < view->n; i++) {
        svec_add(&remotes, view->members[i].remote);
    }
    char *list = svec_join(&remotes, ",", "");
    svec_destroy(&remotes);

    /* One query each: the next one is never due before the deadline. */
    struct cluster_poller *p = poller_create(list, INT32_MAX / 2, false);
    free(list);
    long long int deadline = time_msec() + timeout_ms;
    for (;;) {
        cluster_poller_run(p);
        bool all = true;
        for (size_t i = 0; i < p->view.n; i++) {
            all = all && p->conns[i].done;
        }
        if (all || time_msec() >= deadline) {
            break;
        }
        cluster_poller_wait(p);
        poll_timer_wait_until(deadline);
        poll_block();
    }
    for (size_t i = 0; i < p->view.n; i++) {
        if (!p->conns[i].done) {
            member_fail(&p->view.members[i],
                        xasprintf("no answer within %lld ms", timeout_ms));
        }
    }
    cluster_view_destroy(view);
    *view = p->view;
    poller_free(p, view->n);
}

void
cluster_controller_destroy(struct cluster_controller *ctl)
{
    free(ctl->active);
    free(ctl->previous);
    ctl->active = ctl->previous = NULL;
}

static void
format_member(struct ds *s, const struct cluster_member *m)
{
    ds_put_format(s, "  member %s: ", m->remote);
    if (!m->answered) {
        ds_put_format(s, "not answering (%s)\n", m->error);
        return;
    }
    if (!strcmp(m->model, "clustered")) {
        ds_put_format(s, "%s, %s", m->leader ? "leader" : "follower",
                      m->connected ? "connected" : "disconnected");
    } else {
        ds_put_cstr(s, m->model);
    }
    if (m->sid) {
        ds_put_format(s, ", sid %.4s", m->sid);
    }
    if (m->index >= 0) {
        ds_put_format(s, ", index %"PRId64, m->index);
    }
    ds_put_char(s, '\n');
}

char *
cluster_status_format(const struct cluster_view *view,
                      const struct cluster_controller *ctl)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    const struct cluster_member *leader = cluster_view_leader(view);
    ds_put_format(&s, "database: %s, %"PRIuSIZE" member%s, leader %s\n",
                  cluster_view_model(view), view->n, view->n == 1 ? "" : "s",
                  leader ? leader->remote : "none");
    for (size_t i = 0; i < view->n; i++) {
        format_member(&s, &view->members[i]);
    }

    if (!ctl) {
        return ds_steal_cstr(&s);
    }

    char since[32];
    if (ctl->active) {
        ds_put_format(&s, "controller: %s (active, generation %lld",
                      ctl->active, ctl->generation);
        if (ctl->active_since >= 0) {
            cluster_format_time(ctl->active_since, since);
            ds_put_format(&s, ", since %s", since);
        }
        ds_put_cstr(&s, ")\n");
    } else {
        ds_put_format(&s, "controller: none (generation %lld)\n",
                      ctl->generation);
    }
    if (ctl->active && ctl->previous) {
        ds_put_format(&s, "last failover: %s -> %s", ctl->previous,
                      ctl->active);
        if (ctl->active_since >= 0) {
            ds_put_format(&s, " at %s", since);
        }
        ds_put_char(&s, '\n');
    } else {
        ds_put_cstr(&s, "last failover: none\n");
    }
    return ds_steal_cstr(&s);
}

void
cluster_controller_read(struct ovsdb_idl *idl, struct cluster_controller *ctl)
{
    const struct weftrec_weft_global *g = weftrec_weft_global_first(idl);
    *ctl = (struct cluster_controller) { .active_since = -1 };
    if (g) {
        ctl->active = nullable_xstrdup(g->active_controller);
        ctl->previous = nullable_xstrdup(g->previous_controller);
        ctl->generation = g->controller_generation;
        if (g->n_active_since) {
            ctl->active_since = g->active_since[0];
        }
    }
}

static struct json *
string_or_null(const char *s)
{
    return s ? json_string_create(s) : json_null_create();
}

static struct json *
member_json(const struct cluster_member *m)
{
    struct json *j = json_object_create();
    json_object_put_string(j, "remote", m->remote);
    /* "connected": this remote answered and is in contact with its
     * cluster. */
    json_object_put(j, "connected",
                    json_boolean_create(m->answered && m->connected));
    json_object_put(j, "leader", json_boolean_create(m->answered
                                                     && m->leader));
    json_object_put(j, "model", string_or_null(m->model));
    json_object_put(j, "sid", string_or_null(m->sid));
    json_object_put(j, "cid", string_or_null(m->cid));
    json_object_put(j, "index", m->index >= 0 ? json_integer_create(m->index)
                                               : json_null_create());
    json_object_put(j, "error", string_or_null(m->error));
    return j;
}

void
cluster_status_put_json(struct json *object, const struct cluster_view *view,
                        const struct cluster_controller *ctl)
{
    const struct cluster_member *leader = cluster_view_leader(view);
    struct json *members = json_array_create_empty();
    for (size_t i = 0; i < view->n; i++) {
        json_array_add(members, member_json(&view->members[i]));
    }
    struct json *cluster = json_object_create();
    json_object_put_string(cluster, "model", cluster_view_model(view));
    json_object_put(cluster, "leader",
                    string_or_null(leader ? leader->remote : NULL));
    json_object_put(cluster, "members", members);
    json_object_put(object, "cluster", cluster);

    struct json *c = json_object_create();
    json_object_put(c, "active", string_or_null(ctl->active));
    json_object_put(c, "generation", json_integer_create(ctl->generation));
    json_object_put(c, "active_since",
                    ctl->active_since >= 0
                    ? json_integer_create(ctl->active_since)
                    : json_null_create());
    json_object_put(c, "previous", string_or_null(ctl->previous));
    json_object_put(object, "controller", c);
}

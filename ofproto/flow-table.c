/* flow-table: desired and installed flow tables of native flows, and their
 * diff as flow_mods.  See flow-table.h for the design. */
#include <config.h>

#include "flow-table.h"

#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "byte-order.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(flow_table);

struct ft_node {
    struct hmap_node key_node;  /* In flow_table 'by_key', by key hash. */
    struct weft_flow *flow;     /* Shared, reference counted. */
};

void
flow_table_init(struct flow_table *t)
{
    hmap_init(&t->by_key);
}

void
flow_table_clear(struct flow_table *t)
{
    struct ft_node *n;
    HMAP_FOR_EACH_POP (n, key_node, &t->by_key) {
        weft_flow_unref(n->flow);
        free(n);
    }
}

void
flow_table_destroy(struct flow_table *t)
{
    if (t) {
        flow_table_clear(t);
        hmap_destroy(&t->by_key);
    }
}

void
flow_table_swap(struct flow_table *a, struct flow_table *b)
{
    hmap_swap(&a->by_key, &b->by_key);
}

size_t
flow_table_count(const struct flow_table *t)
{
    return hmap_count(&t->by_key);
}

/* Returns the node of 't' with the key of 'f', or NULL. */
static struct ft_node *
find_by_key(const struct flow_table *t, const struct weft_flow *f)
{
    struct ft_node *n;
    HMAP_FOR_EACH_WITH_HASH (n, key_node, f->node.hash, &t->by_key) {
        if (n->flow->table_id == f->table_id
            && n->flow->priority == f->priority
            && minimatch_equal(&n->flow->match, &f->match)) {
            return n;
        }
    }
    return NULL;
}

static bool
nflow_actions_equal(const struct weft_flow *a, const struct weft_flow *b)
{
    return a == b || ofpacts_equal(a->ofpacts, a->ofpacts_len,
                                   b->ofpacts, b->ofpacts_len);
}

static void
remove_node(struct flow_table *t, struct ft_node *n)
{
    hmap_remove(&t->by_key, &n->key_node);
    weft_flow_unref(n->flow);
    free(n);
}

/* Inserts 'f' into 't', taking ownership of one reference.  Replaces a flow
 * with the same key if 'replace', else assumes there is none. */
static void
insert_flow(struct flow_table *t, struct weft_flow *f, bool replace)
{
    if (replace) {
        struct ft_node *old = find_by_key(t, f);
        if (old) {
            remove_node(t, old);
        }
    }
    struct ft_node *n = xmalloc(sizeof *n);
    n->flow = f;
    hmap_insert(&t->by_key, &n->key_node, f->node.hash);
}

struct weft_flow *
nflow_from_stats(const struct ofputil_flow_stats *fs)
{
    /* Canonicalized before the flow interns its actions. */
    uint64_t stub[1024 / 8];
    struct ofpbuf acts = OFPBUF_STUB_INITIALIZER(stub);
    if (fs->ofpacts_len) {
        ofpbuf_put(&acts, fs->ofpacts, fs->ofpacts_len);
    }
    weft_ofpacts_canonicalize(acts.data, acts.size);
    struct weft_flow *f = weft_flow_create(NULL, fs->table_id, fs->priority,
                                           ntohll(fs->cookie), &fs->match,
                                           acts.data, acts.size);
    ofpbuf_uninit(&acts);
    return f;
}

size_t
flow_table_build(struct flow_table *t, const struct weft_flows *compiled,
                 const struct flow_table *reuse OVS_UNUSED,
                 int ofp_version OVS_UNUSED)
{
    flow_table_clear(t);
    hmap_reserve(&t->by_key, weft_flows_count(compiled));

    /* 'compiled' is unique by key already, so nothing to replace. */
    const struct weft_flow *wf;
    HMAP_FOR_EACH (wf, node, &compiled->flows) {
        insert_flow(t, weft_flow_ref(wf), false);
    }
    return 0;
}

void
flow_table_add_stats(struct flow_table *t, const struct ofputil_flow_stats *fs)
{
    insert_flow(t, nflow_from_stats(fs), true);
}

struct ofpbuf *
nflow_encode_bundle_add(const struct weft_flow *f, uint16_t command,
                        int ofp_version, uint32_t bundle_id,
                        uint16_t bundle_flags)
{
    struct ofputil_flow_mod fm = {
        .priority = f->priority,
        .table_id = f->table_id,
        .command = command,
        .new_cookie = command == OFPFC_ADD ? htonll(f->cookie) : OVS_BE64_MAX,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .ofpacts = command == OFPFC_DELETE_STRICT ? NULL : f->ofpacts,
        .ofpacts_len = command == OFPFC_DELETE_STRICT ? 0 : f->ofpacts_len,
    };
    fm.match = f->match;        /* Shallow: only read by the encoder. */

    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(ofp_version);
    struct ofpbuf *fm_msg = ofputil_encode_flow_mod(&fm, protocol);
    struct ofputil_bundle_add_msg bam = {
        .bundle_id = bundle_id,
        .flags = bundle_flags,
        .msg = fm_msg->data,
    };
    struct ofpbuf *msg = ofputil_encode_bundle_add(ofp_version, &bam);
    ofpbuf_delete(fm_msg);
    return msg;
}

static void
append_flow_mod(const struct weft_flow *f, uint16_t command, int ofp_version,
                uint32_t bundle_id, uint16_t bundle_flags,
                struct ovs_list *msgs)
{
    struct ofpbuf *msg = nflow_encode_bundle_add(f, command, ofp_version,
                                                 bundle_id, bundle_flags);
    ovs_list_push_back(msgs, &msg->list_node);
}

size_t
flow_table_sync(struct flow_table *installed, const struct flow_table *desired,
                int ofp_version, uint32_t bundle_id, uint16_t bundle_flags,
                struct ovs_list *msgs)
{
    size_t n = 0;

    /* Deletions first, so that a bundle never holds two flows with one key
     * for a moment longer than it must. */
    struct ft_node *in;
    HMAP_FOR_EACH_SAFE (in, key_node, &installed->by_key) {
        struct ft_node *want = find_by_key(desired, in->flow);
        if (!want || want->flow->cookie != in->flow->cookie) {
            append_flow_mod(in->flow, OFPFC_DELETE_STRICT, ofp_version,
                            bundle_id, bundle_flags, msgs);
            n++;
            remove_node(installed, in);
        }
    }

    struct ft_node *d;
    HMAP_FOR_EACH (d, key_node, &desired->by_key) {
        struct ft_node *have = find_by_key(installed, d->flow);
        if (!have) {
            append_flow_mod(d->flow, OFPFC_ADD, ofp_version, bundle_id,
                            bundle_flags, msgs);
            n++;
        } else if (!nflow_actions_equal(have->flow, d->flow)) {
            append_flow_mod(d->flow, OFPFC_MODIFY_STRICT, ofp_version,
                            bundle_id, bundle_flags, msgs);
            n++;
        }
    }

    /* Now 'installed' is 'desired': share its flows. */
    flow_table_clear(installed);
    HMAP_FOR_EACH (d, key_node, &desired->by_key) {
        insert_flow(installed, weft_flow_ref(d->flow), false);
    }
    return n;
}

size_t
flow_table_count_differences(const struct flow_table *a,
                             const struct flow_table *b)
{
    size_t n = 0;
    struct ft_node *x;
    HMAP_FOR_EACH (x, key_node, &a->by_key) {
        struct ft_node *y = find_by_key(b, x->flow);
        if (!y || (y->flow != x->flow
                   && (y->flow->cookie != x->flow->cookie
                       || !nflow_actions_equal(y->flow, x->flow)))) {
            n++;
        }
    }
    return n;
}

/* Returns 'f' as a flow_table_format() line, without the new-line: "table=T
 * priority=P MATCH cookie=0xC actions=ACTIONS".  cli/flows.c parses it, so
 * keep it as it is (even the two spaces before "cookie" of a catch-all). */
static char *
nflow_format(const struct weft_flow *f)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "table=%"PRIu8" priority=%"PRIu16" ", f->table_id,
                  f->priority);
    minimatch_format(&f->match, NULL, NULL, &s, OFP_DEFAULT_PRIORITY);
    ds_chomp(&s, ',');
    ds_put_format(&s, " cookie=%#"PRIx64" actions=", f->cookie);
    struct ofpact_format_params fp = { .s = &s };
    ofpacts_format(f->ofpacts, f->ofpacts_len, &fp);
    return ds_steal_cstr(&s);
}

static int
compare_lines(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;
    return strcmp(*a, *b);
}

void
flow_table_format(const struct flow_table *t, struct ds *out)
{
    flow_table_format_cookie(t, 0, 0, out);
}

void
flow_table_format_cookie(const struct flow_table *t, uint64_t cookie,
                         uint64_t mask, struct ds *out)
{
    size_t n = flow_table_count(t);
    const struct weft_flow **flows = xmalloc((n ? n : 1) * sizeof *flows);
    size_t i = 0;
    struct ft_node *node;
    HMAP_FOR_EACH (node, key_node, &t->by_key) {
        flows[i++] = node->flow;
    }
    nflows_format(flows, i, cookie, mask, out);
    free(flows);
}

void
nflows_format(const struct weft_flow **flows, size_t n, uint64_t cookie,
              uint64_t mask, struct ds *out)
{
    char **lines = xmalloc((n ? n : 1) * sizeof *lines);
    size_t i = 0;
    for (size_t j = 0; j < n; j++) {
        const struct weft_flow *f = flows[j];
        if ((f->cookie & mask) == (cookie & mask)) {
            lines[i++] = nflow_format(f);
        }
    }
    n = i;
    qsort(lines, n, sizeof *lines, compare_lines);
    for (i = 0; i < n; i++) {
        ds_put_format(out, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
}

void
flow_table_dump_request(struct ofputil_flow_stats_request *fsr)
{
    *fsr = (struct ofputil_flow_stats_request) {
        .aggregate = false,
        .table_id = 0xff,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
    };
    match_init_catchall(&fsr->match);
}

/* flow-table: desired and installed flow tables and their diff.  See
 * flow-table.h for the design. */
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
    struct hmap_node key_node;  /* In flow_table 'by_key'. */
    struct hmap_node raw_node;  /* In flow_table 'by_raw' if flow->raw. */
    struct nflow *flow;         /* Shared, reference counted. */
};

static struct nflow *
nflow_ref(struct nflow *f)
{
    f->ref_cnt++;
    return f;
}

static void
nflow_unref(struct nflow *f)
{
    if (f && !--f->ref_cnt) {
        free(f->key);
        free(f->actions);
        free(f->raw);
        minimatch_destroy(&f->match);
        free(f->ofpacts);
        free(f);
    }
}

/* Creates a normalized flow from its parts.  Takes nothing; copies all. */
static struct nflow *
nflow_create(uint8_t table_id, uint16_t priority, uint64_t cookie,
             const struct match *match, const struct ofpact *ofpacts,
             size_t ofpacts_len, const char *raw)
{
    struct nflow *f = xzalloc(sizeof *f);
    f->ref_cnt = 1;
    f->table_id = table_id;
    f->priority = priority;
    f->cookie = cookie;
    minimatch_init(&f->match, match);
    f->ofpacts = ofpacts_len ? xmemdup(ofpacts, ofpacts_len) : NULL;
    f->ofpacts_len = ofpacts_len;
    f->raw = raw ? xstrdup(raw) : NULL;

    struct ds s = DS_EMPTY_INITIALIZER;
    ds_put_format(&s, "table=%"PRIu8" priority=%"PRIu16" ", table_id,
                  priority);
    match_format(match, NULL, &s, OFP_DEFAULT_PRIORITY);
    ds_chomp(&s, ',');
    f->key = ds_steal_cstr(&s);

    struct ofpact_format_params fp = { .s = &s };
    ofpacts_format(ofpacts, ofpacts_len, &fp);
    f->actions = ds_steal_cstr(&s);
    return f;
}

static char *
compiled_flow_text(const struct weft_flow *wf)
{
    return xasprintf("table=%"PRIu8",priority=%"PRIu16",cookie=%#"PRIx64
                     "%s%s,actions=%s", wf->table_id, wf->priority,
                     wf->cookie, wf->match[0] ? "," : "", wf->match,
                     wf->actions);
}

/* Parses compiled flow text, then encodes it as the flow_mod weft would send
 * with 'ofp_version' and decodes that again, so that the result is formatted
 * exactly like the same flow read back from the switch. */
static struct nflow *
nflow_normalize(const char *text, int ofp_version, char **errorp)
{
    struct ofputil_flow_mod fm;
    enum ofputil_protocol usable;
    char *error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL, OFPFC_ADD,
                                         &usable);
    if (error) {
        *errorp = error;
        return NULL;
    }

    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(ofp_version);
    struct nflow *f = NULL;
    if (!(usable & protocol)) {
        *errorp = xasprintf("not expressible in OpenFlow version %#x",
                            ofp_version);
    } else {
        struct ofpbuf *msg = ofputil_encode_flow_mod(&fm, protocol);
        struct ofputil_flow_mod fm2;
        uint64_t stub[1024 / 8];
        struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
        enum ofperr err = ofputil_decode_flow_mod(&fm2, msg->data, protocol,
                                                  NULL, NULL, &ofpacts,
                                                  OFPP_MAX, 255);
        if (err) {
            *errorp = xasprintf("round trip failed: %s", ofperr_to_string(err));
        } else {
            struct match match;
            minimatch_expand(&fm2.match, &match);
            f = nflow_create(fm2.table_id, fm2.priority,
                             ntohll(fm2.new_cookie), &match, fm2.ofpacts,
                             fm2.ofpacts_len, text);
            minimatch_destroy(&fm2.match);
        }
        ofpbuf_uninit(&ofpacts);
        ofpbuf_delete(msg);
    }
    minimatch_destroy(&fm.match);
    free(fm.ofpacts);
    return f;
}

void
flow_table_init(struct flow_table *t)
{
    hmap_init(&t->by_key);
    hmap_init(&t->by_raw);
}

void
flow_table_clear(struct flow_table *t)
{
    struct ft_node *n;
    HMAP_FOR_EACH_POP (n, key_node, &t->by_key) {
        nflow_unref(n->flow);
        free(n);
    }
    hmap_clear(&t->by_raw);
}

void
flow_table_destroy(struct flow_table *t)
{
    if (t) {
        flow_table_clear(t);
        hmap_destroy(&t->by_key);
        hmap_destroy(&t->by_raw);
    }
}

void
flow_table_swap(struct flow_table *a, struct flow_table *b)
{
    hmap_swap(&a->by_key, &b->by_key);
    hmap_swap(&a->by_raw, &b->by_raw);
}

size_t
flow_table_count(const struct flow_table *t)
{
    return hmap_count(&t->by_key);
}

static struct ft_node *
find_by_key(const struct flow_table *t, const char *key)
{
    struct ft_node *n;
    HMAP_FOR_EACH_WITH_HASH (n, key_node, hash_string(key, 0), &t->by_key) {
        if (!strcmp(n->flow->key, key)) {
            return n;
        }
    }
    return NULL;
}

static struct nflow *
find_by_raw(const struct flow_table *t, const char *raw)
{
    struct ft_node *n;
    HMAP_FOR_EACH_WITH_HASH (n, raw_node, hash_string(raw, 0), &t->by_raw) {
        if (!strcmp(n->flow->raw, raw)) {
            return n->flow;
        }
    }
    return NULL;
}

static void
remove_node(struct flow_table *t, struct ft_node *n)
{
    hmap_remove(&t->by_key, &n->key_node);
    if (n->flow->raw) {
        hmap_remove(&t->by_raw, &n->raw_node);
    }
    nflow_unref(n->flow);
    free(n);
}

/* Inserts 'f' into 't', taking ownership of one reference.  Replaces a flow
 * with the same key. */
static void
insert_flow(struct flow_table *t, struct nflow *f)
{
    struct ft_node *old = find_by_key(t, f->key);
    if (old) {
        remove_node(t, old);
    }
    struct ft_node *n = xmalloc(sizeof *n);
    n->flow = f;
    hmap_insert(&t->by_key, &n->key_node, hash_string(f->key, 0));
    if (f->raw) {
        hmap_insert(&t->by_raw, &n->raw_node, hash_string(f->raw, 0));
    }
}

size_t
flow_table_build(struct flow_table *t, const struct weft_flows *compiled,
                 const struct flow_table *reuse, int ofp_version)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    size_t n_errors = 0;

    flow_table_clear(t);
    const struct weft_flow *wf;
    HMAP_FOR_EACH (wf, node, &compiled->flows) {
        char *text = compiled_flow_text(wf);
        struct nflow *f = reuse ? find_by_raw(reuse, text) : NULL;
        if (f) {
            nflow_ref(f);
        } else {
            char *error = NULL;
            f = nflow_normalize(text, ofp_version, &error);
            if (!f) {
                VLOG_ERR_RL(&rl, "compiled flow \"%s\" rejected: %s", text,
                            error);
                free(error);
                n_errors++;
            }
        }
        if (f) {
            insert_flow(t, f);
        }
        free(text);
    }
    return n_errors;
}

void
flow_table_add_stats(struct flow_table *t, const struct ofputil_flow_stats *fs)
{
    insert_flow(t, nflow_create(fs->table_id, fs->priority,
                                ntohll(fs->cookie), &fs->match, fs->ofpacts,
                                fs->ofpacts_len, NULL));
}

static void
append_flow_mod(const struct nflow *f, uint16_t command, int ofp_version,
                uint32_t bundle_id, uint16_t bundle_flags,
                struct ovs_list *msgs)
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
        struct ft_node *want = find_by_key(desired, in->flow->key);
        if (!want || want->flow->cookie != in->flow->cookie) {
            append_flow_mod(in->flow, OFPFC_DELETE_STRICT, ofp_version,
                            bundle_id, bundle_flags, msgs);
            n++;
            remove_node(installed, in);
        }
    }

    struct ft_node *d;
    HMAP_FOR_EACH (d, key_node, &desired->by_key) {
        struct ft_node *have = find_by_key(installed, d->flow->key);
        if (!have) {
            append_flow_mod(d->flow, OFPFC_ADD, ofp_version, bundle_id,
                            bundle_flags, msgs);
            n++;
        } else if (have->flow != d->flow
                   && strcmp(have->flow->actions, d->flow->actions)) {
            append_flow_mod(d->flow, OFPFC_MODIFY_STRICT, ofp_version,
                            bundle_id, bundle_flags, msgs);
            n++;
        }
    }

    /* Now 'installed' is 'desired': share its flows. */
    flow_table_clear(installed);
    HMAP_FOR_EACH (d, key_node, &desired->by_key) {
        insert_flow(installed, nflow_ref(d->flow));
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
        struct ft_node *y = find_by_key(b, x->flow->key);
        if (!y || (y->flow != x->flow
                   && (y->flow->cookie != x->flow->cookie
                       || strcmp(y->flow->actions, x->flow->actions)))) {
            n++;
        }
    }
    return n;
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
    char **lines = xmalloc((n ? n : 1) * sizeof *lines);
    size_t i = 0;
    struct ft_node *node;
    HMAP_FOR_EACH (node, key_node, &t->by_key) {
        if ((node->flow->cookie & mask) == (cookie & mask)) {
            lines[i++] = xasprintf("%s cookie=%#"PRIx64" actions=%s",
                                   node->flow->key, node->flow->cookie,
                                   node->flow->actions);
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

/* weft-flows: the compiler's output, a set of native flows (struct
 * weft_flows, see compiler.h: OVS's minimatch and ofpacts), its text form
 * for display and golden tests, and the names of pipeline.h's tables.
 *
 * Sits between compile and push: every stage of the compiler adds to a
 * weft_flows through emit() (compile-internal.h), and ofproto/flow-table.c
 * reads it to build the desired table.  A flow's key is (table, priority,
 * match), hashed with minimatch_hash(); its owner (struct weft_owner) says
 * which unit of the topology it exists for and is kept outside the key. */
#include <config.h>

#include "compiler.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "ovs-thread.h"
#include "pipeline.h"
#include "openvswitch/tun-metadata.h"
#include "util.h"
#include "uuid.h"

const char *
weft_table_name(int table_id)
{
    switch (table_id) {
    case WEFT_TABLE_CLASSIFY:
        return "classify";
    case WEFT_TABLE_PORT_SEC:
        return "port_sec";
    case WEFT_TABLE_ACL_OUT:
        return "acl_out";
    case WEFT_TABLE_ACL_OUT_VERDICT:
        return "acl_out_verdict";
    case WEFT_TABLE_ARP_RESPOND:
        return "arp_respond";
    case WEFT_TABLE_L3_ADMIT:
        return "l3_admit";
    case WEFT_TABLE_L3_ROUTE:
        return "l3_route";
    case WEFT_TABLE_L3_NEIGHBOR:
        return "l3_neighbor";
    case WEFT_TABLE_L2_LOOKUP:
        return "l2_lookup";
    case WEFT_TABLE_ACL_IN:
        return "acl_in";
    case WEFT_TABLE_ACL_IN_VERDICT:
        return "acl_in_verdict";
    case WEFT_TABLE_FLOOD:
        return "flood";
    case WEFT_TABLE_EXT_OUT:
        return "ext_out";
    case WEFT_TABLE_EXT_SNAT:
        return "ext_snat";
    case WEFT_TABLE_EXT_SNAT_HOST:
        return "ext_snat_host";
    case WEFT_TABLE_EXT_SEND:
        return "ext_send";
    case WEFT_TABLE_EXT_IN:
        return "ext_in";
    case WEFT_TABLE_EXT_IN_HOST:
        return "ext_in_host";
    case WEFT_TABLE_EXT_IN_ROUTER:
        return "ext_in_router";
    case WEFT_TABLE_EXT_DELIVER:
        return "ext_deliver";
    case WEFT_TABLE_LB_SELECT:
        return "lb_select";
    case WEFT_TABLE_LB_BACKEND:
        return "lb_backend";
    case WEFT_TABLE_LB_HAIRPIN:
        return "lb_hairpin";
    case WEFT_TABLE_LB_OUT:
        return "lb_out";
    default:
        return NULL;
    }
}

/* Owners. */

const char *
weft_owner_kind_to_string(enum weft_owner_kind kind)
{
    switch (kind) {
    case WEFT_OWNER_HOST:
        return "host";
    case WEFT_OWNER_NETWORK:
        return "network";
    case WEFT_OWNER_PORT:
        return "port";
    case WEFT_OWNER_ROUTER:
        return "router";
    case WEFT_OWNER_EXTERNAL:
        return "external";
    case WEFT_OWNER_SERVICE:
        return "service";
    case WEFT_OWNER_SG:
        return "sg";
    case WEFT_OWNER_NONE:
    default:
        return "none";
    }
}

bool
weft_owner_equals(const struct weft_owner *a, const struct weft_owner *b)
{
    return a->kind == b->kind && uuid_equals(&a->uuid, &b->uuid);
}

uint32_t
weft_owner_hash(const struct weft_owner *owner)
{
    return hash_int(owner->kind, uuid_hash(&owner->uuid));
}

void
weft_owner_format(const struct weft_owner *owner, struct ds *out)
{
    ds_put_cstr(out, weft_owner_kind_to_string(owner->kind));
    if (owner->kind != WEFT_OWNER_NONE) {
        ds_put_format(out, " "UUID_FMT, UUID_ARGS(&owner->uuid));
    }
}

/* Flow sets. */

uint32_t
weft_flow_key_hash(uint8_t table_id, uint16_t priority,
                   const struct minimatch *match)
{
    return minimatch_hash(match, hash_int(((uint32_t) table_id << 16)
                                          | priority, 0));
}

static struct weft_flow *
weft_flows_find(const struct weft_flows *flows, uint8_t table_id,
                uint16_t priority, const struct minimatch *match,
                uint32_t hash)
{
    struct weft_flow *flow;
    HMAP_FOR_EACH_WITH_HASH (flow, node, hash, &flows->flows) {
        if (flow->table_id == table_id && flow->priority == priority
            && minimatch_equal(&flow->match, match)) {
            return flow;
        }
    }
    return NULL;
}

/* Action lists, interned: a flow's 'ofpacts' point into one of these,
 * shared by every flow with the same actions, on any host.  Most action
 * lists recur (goto_table, an output to a tunnel with a network's key, a
 * drop with a note...): in a bench-like topology (test-flow-memory.c) 8
 * flows in 9 share their actions with another.  A mutex, since the table is
 * global; a flow itself belongs to one thread at a time. */
struct weft_acts {
    struct hmap_node node;      /* In 'acts_table', by hash_bytes(). */
    uint32_t ref_cnt;
    uint32_t len;
    uint64_t data[];            /* 'len' bytes of ofpacts. */
};

static struct ovs_mutex acts_mutex = OVS_MUTEX_INITIALIZER;
static struct hmap acts_table OVS_GUARDED_BY(acts_mutex)
    = HMAP_INITIALIZER(&acts_table);

/* Returns an interned copy of the 'len' bytes of 'ofpacts' (NULL if 'len'
 * is 0), with a reference for the caller. */
static struct ofpact *
acts_intern(const struct ofpact *ofpacts, size_t len)
{
    if (!len) {
        return NULL;
    }
    ovs_assert(len <= UINT32_MAX);
    uint32_t hash = hash_bytes(ofpacts, len, 0);
    struct weft_acts *a;

    ovs_mutex_lock(&acts_mutex);
    HMAP_FOR_EACH_WITH_HASH (a, node, hash, &acts_table) {
        if (a->len == len && !memcmp(a->data, ofpacts, len)) {
            a->ref_cnt++;
            goto out;
        }
    }
    a = xmalloc(sizeof *a + len);
    a->ref_cnt = 1;
    a->len = len;
    memcpy(a->data, ofpacts, len);
    hmap_insert(&acts_table, &a->node, hash);
out:
    ovs_mutex_unlock(&acts_mutex);
    return (struct ofpact *) a->data;
}

static struct weft_acts *
acts_from_ofpacts(const struct ofpact *ofpacts)
{
    return CONTAINER_OF((const uint64_t *) ofpacts, struct weft_acts, data);
}

static struct ofpact *
acts_ref(struct ofpact *ofpacts)
{
    if (ofpacts) {
        ovs_mutex_lock(&acts_mutex);
        acts_from_ofpacts(ofpacts)->ref_cnt++;
        ovs_mutex_unlock(&acts_mutex);
    }
    return ofpacts;
}

static void
acts_unref(struct ofpact *ofpacts)
{
    if (ofpacts) {
        struct weft_acts *a = acts_from_ofpacts(ofpacts);
        ovs_mutex_lock(&acts_mutex);
        if (!--a->ref_cnt) {
            hmap_remove(&acts_table, &a->node);
            free(a);
        }
        ovs_mutex_unlock(&acts_mutex);
    }
}

/* Allocates a flow with room for a miniflow and a minimask of the fields
 * in 'map''s map, and points its 'match' there (the values left for the
 * caller).  One block instead of minimatch_init()'s own: a flow costs one
 * malloc and its overhead once.  Its actions are interned (above). */
static struct weft_flow *
weft_flow_alloc(const struct weft_owner *owner, uint8_t table_id,
                uint16_t priority, uint64_t cookie,
                const struct miniflow *map, struct ofpact *ofpacts,
                size_t ofpacts_len)
{
    static const struct weft_owner none = { .kind = WEFT_OWNER_NONE };
    size_t mf_size = (sizeof(struct miniflow)
                      + MINIFLOW_VALUES_SIZE(miniflow_n_values(map)));
    struct weft_flow *flow = xmalloc(sizeof *flow + 2 * mf_size);
    flow->ref_cnt = 1;
    flow->ofpacts_len = ofpacts_len;
    flow->ofpacts = ofpacts;
    flow->cookie = cookie;
    flow->table_id = table_id;
    flow->priority = priority;
    flow->owner = owner ? *owner : none;

    uint8_t *p = (uint8_t *) flow->data;
    flow->match.flow = (struct miniflow *) p;
    flow->match.mask = (struct minimask *) (p + mf_size);
    flow->match.tun_md = NULL;
    *flow->match.flow = *map;           /* Copies the map. */
    flow->match.mask->masks = *map;
    return flow;
}

/* Sets the key hash of 'flow', whose match is complete. */
static void
weft_flow_finish(struct weft_flow *flow)
{
    flow->node.hash = weft_flow_key_hash(flow->table_id, flow->priority,
                                         &flow->match);
}

struct weft_flow *
weft_flow_create(const struct weft_owner *owner, uint8_t table_id,
                 uint16_t priority, uint64_t cookie, const struct match *match,
                 const struct ofpact *ofpacts, size_t ofpacts_len)
{
    /* As minimatch_init(): the fields of the mask's map, in both. */
    struct miniflow map;
    miniflow_map_init(&map, &match->wc.masks);
    struct weft_flow *flow = weft_flow_alloc(owner, table_id, priority,
                                             cookie, &map,
                                             acts_intern(ofpacts, ofpacts_len),
                                             ofpacts_len);
    miniflow_init(flow->match.flow, &match->flow);
    minimask_init(flow->match.mask, &match->wc);
    /* Tunnel metadata (a foreign flow's, read back) is rare: its own block. */
    flow->match.tun_md = tun_metadata_allocation_clone(&match->tun_md);
    weft_flow_finish(flow);
    return flow;
}

/* Returns a new flow, in no set, equal to 'src' (owner included). */
static struct weft_flow *
weft_flow_clone(const struct weft_flow *src)
{
    const struct miniflow *map = &src->match.mask->masks;
    struct weft_flow *flow = weft_flow_alloc(&src->owner, src->table_id,
                                             src->priority, src->cookie, map,
                                             acts_ref(src->ofpacts),
                                             src->ofpacts_len);
    size_t data_size = MINIFLOW_VALUES_SIZE(miniflow_n_values(map));
    memcpy(miniflow_values(flow->match.flow),
           miniflow_get_values(src->match.flow), data_size);
    memcpy(miniflow_values(&flow->match.mask->masks),
           miniflow_get_values(&src->match.mask->masks), data_size);
    flow->match.tun_md = tun_metadata_allocation_clone(src->match.tun_md);
    flow->node.hash = src->node.hash;
    return flow;
}

struct weft_flow *
weft_flow_ref(const struct weft_flow *flow_)
{
    struct weft_flow *flow = CONST_CAST(struct weft_flow *, flow_);
    ovs_assert(flow->ref_cnt < UINT32_MAX);
    flow->ref_cnt++;
    return flow;
}

void
weft_flow_unref(struct weft_flow *flow)
{
    if (flow) {
        ovs_assert(flow->ref_cnt > 0);
        if (!--flow->ref_cnt) {
            acts_unref(flow->ofpacts);
            free(flow->match.tun_md);
            free(flow);
        }
    }
}

bool
weft_flow_value_equal(const struct weft_flow *a, const struct weft_flow *b)
{
    /* Interned: equal actions are the same bytes. */
    return a == b || (a->cookie == b->cookie && a->ofpacts == b->ofpacts
                      && a->ofpacts_len == b->ofpacts_len);
}

void
weft_flows_init(struct weft_flows *flows)
{
    hmap_init(&flows->flows);
}

/* Drops every flow of 'flows' and frees the set itself.  'flows' may be
 * NULL. */
void
weft_flows_destroy(struct weft_flows *flows)
{
    if (flows) {
        weft_flows_clear(flows);
        hmap_destroy(&flows->flows);
    }
}

void
weft_flows_clear(struct weft_flows *flows)
{
    struct weft_flow *flow;
    HMAP_FOR_EACH_POP (flow, node, &flows->flows) {
        weft_flow_unref(flow);
    }
}

size_t
weft_flows_count(const struct weft_flows *flows)
{
    return hmap_count(&flows->flows);
}

bool
weft_flows_add(struct weft_flows *flows, const struct weft_owner *owner,
               uint8_t table_id, uint16_t priority, uint64_t cookie,
               const struct match *match, const struct ofpact *ofpacts,
               size_t ofpacts_len)
{
    struct weft_flow *flow = weft_flow_create(owner, table_id, priority,
                                              cookie, match, ofpacts,
                                              ofpacts_len);
    if (weft_flows_find(flows, table_id, priority, &flow->match,
                        flow->node.hash)) {
        weft_flow_unref(flow);
        return false;
    }
    hmap_insert(&flows->flows, &flow->node, flow->node.hash);
    return true;
}

bool
weft_flows_add_copy(struct weft_flows *flows, const struct weft_flow *src)
{
    uint32_t hash = src->node.hash;
    if (weft_flows_find(flows, src->table_id, src->priority, &src->match,
                        hash)) {
        return false;
    }
    struct weft_flow *flow = weft_flow_clone(src);
    hmap_insert(&flows->flows, &flow->node, hash);
    return true;
}

bool
weft_flows_add_text(struct weft_flows *flows, uint8_t table_id,
                    uint16_t priority, uint64_t cookie, const char *match_s,
                    const char *actions_s)
{
    char *text = xasprintf("%s%sactions=%s", match_s, match_s[0] ? "," : "",
                           actions_s);
    struct ofputil_flow_mod fm;
    enum ofputil_protocol usable;
    char *error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL, OFPFC_ADD,
                                         &usable);
    if (error) {
        ovs_abort(0, "weft_flows_add_text: \"%s\": %s", text, error);
    }
    struct match match;
    minimatch_expand(&fm.match, &match);
    weft_ofpacts_canonicalize(fm.ofpacts, fm.ofpacts_len);
    bool added = weft_flows_add(flows, NULL, table_id, priority, cookie,
                                &match, fm.ofpacts, fm.ofpacts_len);
    minimatch_destroy(&fm.match);
    free(fm.ofpacts);
    free(text);
    return added;
}

/* Returns the 'raw' that OVS's parser gives the single action 'text' of type
 * 'type'.  ofp-actions.c keeps the raw action types private; this learns
 * one from the parser itself. */
static uint8_t
parsed_raw(const char *text, enum ofpact_type type)
{
    struct ofpbuf ofpacts;
    enum ofputil_protocol usable = OFPUTIL_P_ANY;
    struct ofpact_parse_params pp = {
        .ofpacts = &ofpacts,
        .usable_protocols = &usable,
    };
    ofpbuf_init(&ofpacts, 0);
    char *error = ofpacts_parse_actions(text, &pp);
    ovs_assert(!error && ofpacts.size);
    const struct ofpact *a = ofpacts.data;
    ovs_assert(a->type == type);
    uint8_t raw = a->raw;
    ofpbuf_uninit(&ofpacts);
    return raw;
}

uint8_t
weft_pop_vlan_raw(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;
    static uint8_t raw;
    if (ovsthread_once_start(&once)) {
        raw = parsed_raw("pop_vlan", OFPACT_STRIP_VLAN);
        ovsthread_once_done(&once);
    }
    return raw;
}

/* The 'raw' of a set_field that came as NXAST_REG_LOAD ("load:"). */
static uint8_t
load_raw(void)
{
    static struct ovsthread_once once = OVSTHREAD_ONCE_INITIALIZER;
    static uint8_t raw;
    if (ovsthread_once_start(&once)) {
        raw = parsed_raw("load:1->NXM_NX_REG0[]", OFPACT_SET_FIELD);
        ovsthread_once_done(&once);
    }
    return raw;
}

void
weft_ofpacts_canonicalize(struct ofpact *ofpacts, size_t len)
{
    struct ofpact *a;
    OFPACT_FOR_EACH (a, ofpacts, len) {
        if (a->type == OFPACT_REG_MOVE) {
            a->raw = (uint8_t) -1;      /* As ofpact_init() leaves it. */
        } else if (a->type == OFPACT_SET_FIELD) {
            struct ofpact_set_field *sf = ofpact_get_SET_FIELD(a);
            size_t n = sf->field->n_bytes;
            /* OpenFlow 1.3 has no masked set_field: OVS sends one as
             * NXAST_REG_LOAD, so it decodes as "load:". */
            if (a->raw != load_raw()
                || !is_all_ones(ofpact_set_field_mask(sf), n)) {
                a->raw = (uint8_t) -1;
            }
            sf->flow_has_vlan = false;
            size_t padded = ROUND_UP(n, OFPACT_ALIGNTO);
            memset((uint8_t *) sf->value + n, 0, padded - n);
            memset((uint8_t *) ofpact_set_field_mask(sf) + n, 0, padded - n);
        } else if (a->type == OFPACT_RESUBMIT
                   && ofpact_get_RESUBMIT(a)->table_id != 255) {
            /* NXAST_RESUBMIT_TABLE, which a table always encodes as. */
            a->raw = (uint8_t) -1;
        } else if (a->type == OFPACT_OUTPUT_REG) {
            /* NXAST_OUTPUT_REG, which a register always encodes as. */
            a->raw = (uint8_t) -1;
        } else if (a->type == OFPACT_CT) {
            struct ofpact_conntrack *ct = ofpact_get_CT(a);
            weft_ofpacts_canonicalize(ct->actions,
                                      ofpact_ct_get_action_len(ct));
        }
    }
}

void
weft_flow_format_match(const struct weft_flow *flow, struct ds *out)
{
    size_t start = out->length;
    minimatch_format(&flow->match, NULL, NULL, out, OFP_DEFAULT_PRIORITY);
    if (out->length > start) {
        ds_chomp(out, ',');
    }
}

void
weft_flow_format_actions(const struct weft_flow *flow, struct ds *out)
{
    struct ofpact_format_params fp = { .s = out };
    ofpacts_format(flow->ofpacts, flow->ofpacts_len, &fp);
}

/* A flow with its match text, for sorting. */
struct formatted_flow {
    const struct weft_flow *flow;
    char *match;
};

static int
formatted_flow_cmp(const void *a_, const void *b_)
{
    const struct formatted_flow *a = a_;
    const struct formatted_flow *b = b_;

    if (weft_flow_is_group(a->flow) && weft_flow_is_group(b->flow)) {
        uint32_t x = weft_group_id(a->flow), y = weft_group_id(b->flow);
        return x < y ? -1 : x > y;
    }
    if (a->flow->table_id != b->flow->table_id) {
        return a->flow->table_id < b->flow->table_id ? -1 : 1;
    }
    if (a->flow->priority != b->flow->priority) {
        return a->flow->priority > b->flow->priority ? -1 : 1;
    }
    return strcmp(a->match, b->match);
}

void
weft_flows_format(const struct weft_flows *flows, struct ds *out)
{
    size_t n = weft_flows_count(flows);
    if (!n) {
        return;
    }

    /* hmap order depends on hashes; sort so that the text is stable. */
    struct formatted_flow *sorted = xmalloc(n * sizeof *sorted);
    size_t i = 0;
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &flows->flows) {
        struct ds s = DS_EMPTY_INITIALIZER;
        weft_flow_format_match(flow, &s);
        sorted[i].flow = flow;
        sorted[i++].match = ds_steal_cstr(&s);
    }
    qsort(sorted, n, sizeof *sorted, formatted_flow_cmp);

    for (i = 0; i < n; i++) {
        flow = sorted[i].flow;
        if (weft_flow_is_group(flow)) {
            weft_group_format(flow, out);
            ds_put_char(out, '\n');
            free(sorted[i].match);
            continue;
        }
        ds_put_format(out, "table=%"PRIu8", priority=%"PRIu16", "
                      "cookie=0x%016"PRIx64", %s%sactions=",
                      flow->table_id, flow->priority, flow->cookie,
                      sorted[i].match, sorted[i].match[0] ? " " : "");
        weft_flow_format_actions(flow, out);
        ds_put_char(out, '\n');
        free(sorted[i].match);
    }
    free(sorted);
}

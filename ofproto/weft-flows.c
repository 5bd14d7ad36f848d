/* weft-flows: the compiler's output, a set of flows as ovs-ofctl text
 * (struct weft_flows, see compiler.h), and the names of pipeline.h's tables.
 *
 * Sits between compile and push: every stage of the compiler adds to a
 * weft_flows through emit() (compile-internal.h), and ofproto/flow-table.c
 * reads it to build the desired table.  A flow's key is (table, priority,
 * match); its owner (struct weft_owner) says which unit of the topology it
 * exists for and is kept beside the text, outside the key and the text. */
#include <config.h>

#include "compiler.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "pipeline.h"
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
    case WEFT_TABLE_ARP_RESPOND:
        return "arp_respond";
    case WEFT_TABLE_L2_LOOKUP:
        return "l2_lookup";
    case WEFT_TABLE_FLOOD:
        return "flood";
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

static uint32_t
weft_flow_hash(uint8_t table_id, uint16_t priority, const char *match)
{
    return hash_string(match, hash_int(((uint32_t) table_id << 16) | priority,
                                       0));
}

static struct weft_flow *
weft_flows_find(const struct weft_flows *flows, uint8_t table_id,
                uint16_t priority, const char *match, uint32_t hash)
{
    struct weft_flow *flow;
    HMAP_FOR_EACH_WITH_HASH (flow, node, hash, &flows->flows) {
        if (flow->table_id == table_id && flow->priority == priority
            && !strcmp(flow->match, match)) {
            return flow;
        }
    }
    return NULL;
}

void
weft_flows_init(struct weft_flows *flows)
{
    hmap_init(&flows->flows);
}

/* Frees every flow in 'flows' and the set itself.  'flows' may be NULL. */
void
weft_flows_destroy(struct weft_flows *flows)
{
    if (flows) {
        weft_flows_clear(flows);
        hmap_destroy(&flows->flows);
    }
}

/* Frees every flow in 'flows', leaving it empty and ready for reuse. */
void
weft_flows_clear(struct weft_flows *flows)
{
    struct weft_flow *flow;
    HMAP_FOR_EACH_POP (flow, node, &flows->flows) {
        free(flow->match);
        free(flow->actions);
        free(flow);
    }
}

size_t
weft_flows_count(const struct weft_flows *flows)
{
    return hmap_count(&flows->flows);
}

bool
weft_flows_add(struct weft_flows *flows, uint8_t table_id, uint16_t priority,
               uint64_t cookie, const char *match, const char *actions)
{
    static const struct weft_owner none = { .kind = WEFT_OWNER_NONE };
    return weft_flows_add_owned(flows, &none, table_id, priority, cookie,
                                match, actions);
}

bool
weft_flows_add_owned(struct weft_flows *flows, const struct weft_owner *owner,
                     uint8_t table_id, uint16_t priority, uint64_t cookie,
                     const char *match, const char *actions)
{
    uint32_t hash = weft_flow_hash(table_id, priority, match);
    if (weft_flows_find(flows, table_id, priority, match, hash)) {
        return false;
    }

    struct weft_flow *flow = xmalloc(sizeof *flow);
    flow->table_id = table_id;
    flow->priority = priority;
    flow->cookie = cookie;
    flow->match = xstrdup(match);
    flow->actions = xstrdup(actions);
    flow->owner = *owner;
    hmap_insert(&flows->flows, &flow->node, hash);
    return true;
}

static int
weft_flow_cmp(const void *a_, const void *b_)
{
    const struct weft_flow *const *a = a_;
    const struct weft_flow *const *b = b_;

    if ((*a)->table_id != (*b)->table_id) {
        return (*a)->table_id < (*b)->table_id ? -1 : 1;
    }
    if ((*a)->priority != (*b)->priority) {
        return (*a)->priority > (*b)->priority ? -1 : 1;
    }
    return strcmp((*a)->match, (*b)->match);
}

void
weft_flows_format(const struct weft_flows *flows, struct ds *out)
{
    size_t n = weft_flows_count(flows);
    if (!n) {
        return;
    }

    /* hmap order depends on hashes; sort so that the text is stable. */
    const struct weft_flow **sorted = xmalloc(n * sizeof *sorted);
    size_t i = 0;
    const struct weft_flow *flow;
    HMAP_FOR_EACH (flow, node, &flows->flows) {
        sorted[i++] = flow;
    }
    qsort(sorted, n, sizeof *sorted, weft_flow_cmp);

    for (i = 0; i < n; i++) {
        flow = sorted[i];
        ds_put_format(out, "table=%"PRIu8", priority=%"PRIu16", "
                      "cookie=0x%016"PRIx64", %s%sactions=%s\n",
                      flow->table_id, flow->priority, flow->cookie,
                      flow->match, flow->match[0] ? " " : "", flow->actions);
    }
    free(sorted);
}

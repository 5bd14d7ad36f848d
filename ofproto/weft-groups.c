/* weft-groups: how an OpenFlow select group is held among the compiler's
 * flows (compiler.h, "Groups"): as a pseudo-flow in table WEFT_GROUP_TABLE
 * (255, which OpenFlow never uses for a flow table), keyed by its group id,
 * whose actions encode the bucket list.
 *
 * Why a pseudo-flow: a group then travels exactly as a flow does, with no
 * second machinery.  It is in its owner's set (controller/host-flows.c
 * patches the host's table owner by owner, so a service's group comes and
 * goes with the service's flows), it is interned and reference counted, and
 * flow-state.c keeps its desired and installed sides and tracks the
 * difference; only the session's last step (of-groups.c) turns it into a
 * group_mod instead of a flow_mod, and a group desc dump into pseudo-flows.
 *
 * The encoding.  Key: table WEFT_GROUP_TABLE, priority 0, match
 * "metadata=GROUP_ID" (a field no group has: it only carries the id), cookie
 * always 0 (groups have none on the switch; a cookie change would otherwise
 * turn a modify into a delete + add, and deleting a group deletes the flows
 * that use it).  Value, as ofpacts: a header note (the group type, whether
 * the group has anything weft never sets: a selection method, a watch port
 * or group, and whether its bucket ids are unknown), then per bucket, in
 * order, a note with its bucket_id and weight followed by a clone() holding
 * the bucket's actions.  Two groups are then the same on the switch iff
 * their pseudo-flows' ofpacts are bytewise equal, which is how flows are
 * compared, with one exception: a group read back over OpenFlow 1.3 or 1.4,
 * whose buckets carry no id on the wire (the switch numbers them 0, 1, ...),
 * says its ids are unknown, and weft_group_same() compares it with a
 * compiled group on everything but the ids. */
#include <config.h>

#include "compiler.h"

#include <inttypes.h>
#include <string.h>

#include "byte-order.h"
#include "flow.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

/* The header note's data. */
struct group_header {
    uint8_t type;               /* OFPGT11_SELECT... */
    uint8_t flags;              /* WEFT_GROUP_*. */
    uint8_t pad[6];
};

/* A bucket note's data. */
struct bucket_header {
    ovs_be32 bucket_id;
    ovs_be16 weight;
    uint8_t pad[2];
};

static void
put_note(struct ofpbuf *ofpacts, const void *data, size_t len)
{
    struct ofpact_note *note = ofpact_put_NOTE(ofpacts);
    ofpbuf_put(ofpacts, data, len);
    note = ofpacts->header;
    note->length = len;
    ofpact_finish_NOTE(ofpacts, &note);
}

void
weft_group_put_header(struct ofpbuf *ofpacts, uint8_t type,
                      unsigned int flags)
{
    struct group_header h = { .type = type, .flags = flags };
    put_note(ofpacts, &h, sizeof h);
}

void
weft_group_put_bucket(struct ofpbuf *ofpacts, uint32_t bucket_id,
                      uint16_t weight, const struct ofpact *acts,
                      size_t acts_len)
{
    struct bucket_header h = {
        .bucket_id = htonl(bucket_id),
        .weight = htons(weight),
    };
    put_note(ofpacts, &h, sizeof h);

    size_t start = ofpacts->size;
    ofpact_put_CLONE(ofpacts);
    if (acts_len) {
        ofpbuf_put(ofpacts, acts, acts_len);
    }
    struct ofpact_nest *clone = ofpbuf_at_assert(ofpacts, start,
                                                 sizeof *clone);
    ofpacts->header = clone;
    ofpact_finish_CLONE(ofpacts, &clone);
}

void
weft_group_match(struct match *match, uint32_t group_id)
{
    match_init_catchall(match);
    match_set_metadata(match, htonll(group_id));
}

bool
weft_flow_is_group(const struct weft_flow *flow)
{
    return flow->table_id == WEFT_GROUP_TABLE;
}

uint32_t
weft_group_id(const struct weft_flow *flow)
{
    return ntohll(flow->match.flow
                  ? miniflow_get_metadata(flow->match.flow) : 0);
}

/* Reads the note at 'a' into 'data' (of 'len' bytes); false if 'a' is not
 * such a note. */
static bool
get_note(const struct ofpact *a, void *data, size_t len)
{
    if (a->type != OFPACT_NOTE) {
        return false;
    }
    const struct ofpact_note *note = ofpact_get_NOTE(a);
    if (note->length != len) {
        return false;
    }
    memcpy(data, note->data, len);
    return true;
}

bool
weft_group_parse(const struct weft_flow *flow, struct weft_group_desc *gd)
{
    memset(gd, 0, sizeof *gd);
    const struct ofpact *a = flow->ofpacts;
    const struct ofpact *end = ofpact_end(flow->ofpacts, flow->ofpacts_len);
    struct group_header h;
    if (!flow->ofpacts_len || !get_note(a, &h, sizeof h)) {
        return false;
    }
    gd->type = h.type;
    gd->foreign = (h.flags & WEFT_GROUP_FOREIGN) != 0;
    gd->ids_unknown = (h.flags & WEFT_GROUP_IDS_UNKNOWN) != 0;
    gd->buckets_start = ofpact_next(a);
    gd->buckets_end = end;
    return true;
}

bool
weft_group_next_bucket(const struct weft_group_desc *gd,
                       const struct ofpact **pos,
                       struct weft_group_bucket *b)
{
    const struct ofpact *a = *pos ? *pos : gd->buckets_start;
    if (a >= gd->buckets_end) {
        return false;
    }
    struct bucket_header h;
    if (!get_note(a, &h, sizeof h)) {
        return false;
    }
    const struct ofpact *c = ofpact_next(a);
    ovs_assert(c < gd->buckets_end && c->type == OFPACT_CLONE);
    const struct ofpact_nest *clone = ofpact_get_CLONE(c);
    b->bucket_id = ntohl(h.bucket_id);
    b->weight = ntohs(h.weight);
    b->ofpacts = clone->actions;
    b->ofpacts_len = ofpact_nest_get_action_len(clone);
    *pos = ofpact_next(c);
    return true;
}

static const char *
group_type_name(uint8_t type)
{
    static const char *const names[] = { "all", "select", "indirect", "ff" };
    return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

void
weft_group_format(const struct weft_flow *flow, struct ds *out)
{
    struct weft_group_desc gd;
    ds_put_format(out, "group_id=%"PRIu32, weft_group_id(flow));
    if (!weft_group_parse(flow, &gd)) {
        ds_put_cstr(out, ",type=unknown");
        return;
    }
    ds_put_format(out, ",type=%s", group_type_name(gd.type));
    if (gd.foreign) {
        ds_put_cstr(out, ",(properties weft does not set)");
    }
    const struct ofpact *pos = NULL;
    struct weft_group_bucket b;
    while (weft_group_next_bucket(&gd, &pos, &b)) {
        ds_put_cstr(out, ",bucket=");
        if (!gd.ids_unknown) {
            ds_put_format(out, "bucket_id:%"PRIu32",", b.bucket_id);
        }
        ds_put_format(out, "weight:%"PRIu16",actions=", b.weight);
        struct ofpact_format_params fp = { .s = out };
        ofpacts_format(b.ofpacts, b.ofpacts_len, &fp);
    }
}

bool
weft_group_same(const struct weft_flow *desired,
                const struct weft_flow *installed)
{
    if (weft_flow_value_equal(desired, installed)) {
        return true;
    }
    struct weft_group_desc d, i;
    if (!weft_flow_is_group(desired) || !weft_flow_is_group(installed)
        || !weft_group_parse(desired, &d) || !weft_group_parse(installed, &i)
        || d.ids_unknown || !i.ids_unknown
        || d.type != i.type || d.foreign != i.foreign) {
        return false;
    }
    const struct ofpact *dpos = NULL, *ipos = NULL;
    struct weft_group_bucket db, ib;
    for (;;) {
        bool dmore = weft_group_next_bucket(&d, &dpos, &db);
        bool imore = weft_group_next_bucket(&i, &ipos, &ib);
        if (!dmore || !imore) {
            return dmore == imore;
        }
        if (db.weight != ib.weight
            || !ofpacts_equal(db.ofpacts, db.ofpacts_len,
                              ib.ofpacts, ib.ofpacts_len)) {
            return false;
        }
    }
}

/* of-groups: group_mods from group pseudo-flows, and group desc replies back
 * into them.  See of-groups.h. */
#include <config.h>

#include "of-groups.h"

#include <errno.h>
#include <string.h>

#include "compiler.h"
#include "flow-state.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-group.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofpbuf.h"
#include "util.h"

static uint16_t
group_command(uint16_t flow_command)
{
    switch (flow_command) {
    case OFPFC_ADD:
        return OFPGC11_ADD;
    case OFPFC_MODIFY_STRICT:
        return OFPGC11_MODIFY;
    case OFPFC_DELETE_STRICT:
        return OFPGC11_DELETE;
    default:
        OVS_NOT_REACHED();
    }
}

struct ofpbuf *
ofgroup_encode_group_mod(const struct weft_flow *g, uint16_t command,
                         int ofp_version)
{
    struct ofputil_group_mod gm = {
        .command = group_command(command),
        .type = OFPGT11_SELECT,
        .group_id = weft_group_id(g),
        .command_bucket_id = OFPG15_BUCKET_ALL,
    };
    ovs_list_init(&gm.buckets);

    /* The buckets point into 'g''s interned actions: read only. */
    struct weft_group_desc gd;
    size_t n = 0;
    struct ofputil_bucket *buckets = NULL;
    if (gm.command != OFPGC11_DELETE && weft_group_parse(g, &gd)) {
        gm.type = gd.type;
        const struct ofpact *pos = NULL;
        struct weft_group_bucket wb;
        size_t allocated = 0;
        while (weft_group_next_bucket(&gd, &pos, &wb)) {
            if (n >= allocated) {
                buckets = x2nrealloc(buckets, &allocated, sizeof *buckets);
            }
            buckets[n++] = (struct ofputil_bucket) {
                .weight = wb.weight,
                .watch_port = OFPP_ANY,
                .watch_group = OFPG_ANY,
                .bucket_id = wb.bucket_id,
                .ofpacts = CONST_CAST(struct ofpact *, wb.ofpacts),
                .ofpacts_len = wb.ofpacts_len,
            };
        }
        /* The array does not move once filled. */
        for (size_t i = 0; i < n; i++) {
            ovs_list_push_back(&gm.buckets, &buckets[i].list_node);
        }
    }
    struct ofpbuf *msg = ofputil_encode_group_mod(ofp_version, &gm, NULL, -1);
    free(buckets);
    return msg;
}

struct ofpbuf *
ofgroup_encode_bundle_add(const struct weft_flow *g, uint16_t command,
                          int ofp_version, uint32_t bundle_id,
                          uint16_t bundle_flags)
{
    struct ofpbuf *gm_msg = ofgroup_encode_group_mod(g, command, ofp_version);
    struct ofputil_bundle_add_msg bam = {
        .bundle_id = bundle_id,
        .flags = bundle_flags,
        .msg = gm_msg->data,
    };
    struct ofpbuf *msg = ofputil_encode_bundle_add(ofp_version, &bam);
    ofpbuf_delete(gm_msg);
    return msg;
}

/* True if 'b' has a liveness condition (a watch port or group), which weft
 * never sets.  OVS's decoders give "none" as OFPP_ANY, its parser as
 * OFPP_NONE. */
static bool
bucket_is_foreign(const struct ofputil_bucket *b)
{
    return ((b->watch_port != OFPP_ANY && b->watch_port != OFPP_NONE)
            || b->watch_group != OFPG_ANY);
}

struct weft_flow *
ofgroup_from_desc(const struct ofputil_group_desc *gd, int ofp_version)
{
    bool foreign = gd->props.selection_method[0] != '\0';
    const struct ofputil_bucket *b;
    LIST_FOR_EACH (b, list_node, &gd->buckets) {
        foreign = foreign || bucket_is_foreign(b);
    }

    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    uint64_t acts_stub[512 / 8];
    struct ofpbuf acts = OFPBUF_STUB_INITIALIZER(acts_stub);
    weft_group_put_header(&ofpacts, gd->type,
                          ((foreign ? WEFT_GROUP_FOREIGN : 0)
                           | (ofp_version < OFP15_VERSION
                              ? WEFT_GROUP_IDS_UNKNOWN : 0)));
    LIST_FOR_EACH (b, list_node, &gd->buckets) {
        ofpbuf_clear(&acts);
        ofpbuf_put(&acts, b->ofpacts, b->ofpacts_len);
        weft_ofpacts_canonicalize(acts.data, acts.size);
        weft_group_put_bucket(&ofpacts, b->bucket_id, b->weight, acts.data,
                              acts.size);
    }
    struct match match;
    weft_group_match(&match, gd->group_id);
    struct weft_flow *f = weft_flow_create(NULL, WEFT_GROUP_TABLE, 0, 0,
                                           &match, ofpacts.data,
                                           ofpacts.size);
    ofpbuf_uninit(&acts);
    ofpbuf_uninit(&ofpacts);
    return f;
}

struct ofpbuf *
ofgroup_encode_dump_request(int ofp_version)
{
    return ofputil_encode_group_desc_request(ofp_version, OFPG_ALL);
}

int
ofgroup_handle_desc_reply(struct flow_state *fs, const struct ofp_header *oh)
{
    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    for (;;) {
        struct ofputil_group_desc gd;
        int retval = ofputil_decode_group_desc_reply(&gd, &b, oh->version);
        if (retval == EOF) {
            break;
        } else if (retval) {
            return retval;
        }
        flow_state_dumped_flow(fs, ofgroup_from_desc(&gd, oh->version));
        ofputil_uninit_group_desc(&gd);
    }
    return ofpmp_more(oh) ? EAGAIN : 0;
}

/* compile-group: select groups in the compiler's output (the contract is
 * compile-internal.h's emit_select_group() and put_group()).
 *
 * A group is added to the output as a pseudo-flow of table WEFT_GROUP_TABLE
 * (compiler.h, "Groups"; the encoding is ofproto/weft-groups.c), owned like
 * a flow by its origin's owner, so that it reaches the host's flow state and
 * leaves it with that owner's flows.  Its cookie is always 0: groups have
 * none on the switch, and a group read back must equal the compiled one.
 * The session (ofproto/of-groups.h) installs it before the flows that use
 * it and deletes it after them, in the same bundle. */
#include <config.h>

#include "compile-internal.h"
#include "openvswitch/vlog.h"

VLOG_DEFINE_THIS_MODULE(compile_group);

void
emit_select_group(struct compile_ctx *ctx, uint32_t group_id,
                  const struct weft_bucket *buckets, size_t n,
                  const struct flow_origin *origin)
{
    /* OpenFlow group ids end at OFPG_MAX (0xffffff00).  A group with no
     * bucket drops everything; the pipeline drops in the flow instead. */
    ovs_assert(group_id <= 0xffffff00 && n > 0);

    uint64_t stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(stub);
    weft_group_put_header(&ofpacts, OFPGT11_SELECT, 0);
    for (size_t i = 0; i < n; i++) {
        const struct weft_bucket *b = &buckets[i];
        weft_group_put_bucket(&ofpacts, b->bucket_id, b->weight, b->ofpacts,
                              b->ofpacts_len);
    }

    struct match match;
    weft_group_match(&match, group_id);
    if (!weft_flows_add(ctx->out, &origin->owner, WEFT_GROUP_TABLE, 0, 0,
                        &match, ofpacts.data, ofpacts.size)) {
        /* Two owners with one group id: validation keeps service keys
         * unique, so a compiler bug; the first group wins, as emit()'s
         * first flow does. */
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_WARN_RL(&rl, "group %"PRIu32" emitted twice", group_id);
    }
    ofpbuf_uninit(&ofpacts);
}

void
put_group(struct ofpbuf *ofpacts, uint32_t group_id)
{
    /* As OVS's parser and decoder build "group:ID" ('raw' left at -1). */
    ofpact_put_GROUP(ofpacts)->group_id = group_id;
}

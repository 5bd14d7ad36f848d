/* flow-text: the text of a compiled flow's match and actions, for unit tests
 * that look at flows as an operator would (strstr on "in_port=", ...).
 *
 * The compiler holds flows natively (compiler.h); these format them with
 * OVS's formatter, as "weftctl flows" and a switch's dump show them.  Each
 * call returns a string that stays valid for the next 7 calls. */
#ifndef WEFT_TESTS_FLOW_TEXT_H
#define WEFT_TESTS_FLOW_TEXT_H 1

#include "compiler.h"
#include "openvswitch/dynamic-string.h"

static struct ds flow_text_ring[8];
static unsigned int flow_text_next;

static inline struct ds *
flow_text_slot(void)
{
    struct ds *s = &flow_text_ring[flow_text_next++ % 8];
    ds_clear(s);
    return s;
}

/* "in_port=1,dl_src=...", "" for the catch-all. */
static inline const char *
flow_match_s(const struct weft_flow *flow)
{
    struct ds *s = flow_text_slot();
    weft_flow_format_match(flow, s);
    return ds_cstr(s);
}

/* "set_field:0x3->metadata,goto_table:10", "drop" for none. */
static inline const char *
flow_actions_s(const struct weft_flow *flow)
{
    struct ds *s = flow_text_slot();
    weft_flow_format_actions(flow, s);
    return ds_cstr(s);
}

/* Frees the strings; call at the end of main(). */
static inline void
flow_text_free(void)
{
    for (size_t i = 0; i < 8; i++) {
        ds_destroy(&flow_text_ring[i]);
    }
}

#endif /* tests/unit/flow-text.h */

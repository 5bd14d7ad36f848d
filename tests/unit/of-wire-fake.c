/* of-wire-fake: the fake OpenFlow transport of the of_session unit tests.
 * See of-wire-fake.h. */
#include <config.h>

#include "of-wire-fake.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

#include "openvswitch/ofpbuf.h"
#include "util.h"

void
of_wire_init(struct of_wire *w)
{
    ovs_list_init(&w->sent);
}

static int
wire_send(void *aux, struct ofpbuf *msg)
{
    struct of_wire *w = aux;
    ovs_list_push_back(&w->sent, &msg->list_node);
    return 0;
}

static size_t
wire_queued(void *aux)
{
    return of_wire_queued(aux);
}

struct of_session_io
of_wire_io(struct of_wire *w)
{
    return (struct of_session_io) { .send = wire_send,
                                    .queued = wire_queued, .aux = w };
}

size_t
of_wire_count(const struct of_wire *w)
{
    return ovs_list_size(&w->sent);
}

size_t
of_wire_queued(const struct of_wire *w)
{
    size_t n = 0;
    const struct ofpbuf *msg;
    LIST_FOR_EACH (msg, list_node, &w->sent) {
        n += msg->size;
    }
    return n;
}

struct ofpbuf *
of_wire_pop(struct of_wire *w)
{
    assert_false(ovs_list_is_empty(&w->sent));
    return CONTAINER_OF(ovs_list_pop_front(&w->sent), struct ofpbuf,
                        list_node);
}

void
of_wire_clear(struct of_wire *w)
{
    struct ofpbuf *msg;
    LIST_FOR_EACH_POP (msg, list_node, &w->sent) {
        ofpbuf_delete(msg);
    }
}

enum ofptype
of_wire_type(const struct ofpbuf *msg)
{
    enum ofptype type;
    assert_int_equal(ofptype_decode(&type, msg->data), 0);
    return type;
}

void
of_wire_deliver(struct of_session *s, struct ofpbuf *msg)
{
    ofpmsg_update_length(msg);
    of_session_receive(s, msg->data);
    ofpbuf_delete(msg);
}

void
of_wire_deliver_all(struct of_session *s, struct ovs_list *replies)
{
    struct ofpbuf *msg;
    LIST_FOR_EACH_POP (msg, list_node, replies) {
        of_wire_deliver(s, msg);
    }
}

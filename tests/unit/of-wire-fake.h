/* of-wire-fake: the fake OpenFlow transport of the of_session unit tests
 * (test-of-session, test-of-role).  Its of_session_io queues every message
 * the session sends, oldest first, for the test (or its fake switch) to take
 * off and answer; nothing is ever written to a socket.  Test code only: the
 * checks are cmocka assertions. */
#ifndef WEFT_OF_WIRE_FAKE_H
#define WEFT_OF_WIRE_FAKE_H 1

#include <stddef.h>

#include "of-session.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-msgs.h"

struct ofpbuf;

/* What one session sent and the test has not taken yet. */
struct of_wire {
    struct ovs_list sent;       /* struct ofpbuf, by 'list_node'. */
};

void of_wire_init(struct of_wire *);

/* The io for of_session_create_io(): send queues on 'w', queued counts
 * its bytes (of_session_set_tx_limit()).  'w' must outlive the session. */
struct of_session_io of_wire_io(struct of_wire *w);

size_t of_wire_count(const struct of_wire *);
size_t of_wire_queued(const struct of_wire *);

/* Takes the oldest message off 'w' (the caller frees it); asserts there is
 * one. */
struct ofpbuf *of_wire_pop(struct of_wire *);

/* Frees every message still on 'w'. */
void of_wire_clear(struct of_wire *);

/* The type of the OpenFlow message in 'msg'; asserts that it decodes. */
enum ofptype of_wire_type(const struct ofpbuf *msg);

/* The other direction: hands the switch's message 'msg' to 's' as the
 * switch's vconn would (its length set) and frees it; ..._all() each of
 * 'replies' (ofpbufs by 'list_node', e.g. from ofpmp_init()), in order. */
void of_wire_deliver(struct of_session *s, struct ofpbuf *msg);
void of_wire_deliver_all(struct of_session *s, struct ovs_list *replies);

#endif /* of-wire-fake.h */

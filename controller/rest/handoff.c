/* handoff: the queue between the REST server's HTTP thread and weftd's main
 * loop.  See handoff.h.
 *
 *   HTTP thread (rest-server.c, libevent)    main thread (OVS poll loop)
 *   -------------------------------------    ----------------------------------
 *   parse URL and JSON, SO_PEERCRED,
 *   weft_request_check(): 400 at once
 *   api_submit(): lock 'mutex', append
 *   to 'queue', unlock, seq_change() ------> poll_block() returns (seq_wait())
 *                                             api_run() (executor.c): lock,
 *                                             take 'queue', unlock; then, in
 *                                             arrival order:
 *                                             - reads: at once, from the
 *                                               executor's IDL, never behind
 *                                               a write;
 *                                             - writes: one transaction each
 *                                               (ovsdb/weft-txn.h), at most
 *                                               one in flight, the others
 *                                               queued;
 *                                             - ?wait=installed: parked until
 *                                               every host whose flows the
 *                                               change touches has Host.cur_cfg
 *                                               at the call's nb_cfg, or its
 *                                               deadline (504)
 *   reply, free the call  <----------------- call->done(call): rest-server.c
 *                                             appends it to its own done list
 *                                             and wakes the HTTP thread with
 *                                             event_active() (thread-safe)
 *
 * Only the two queues are shared.  The main thread never touches libevent or
 * jansson; the HTTP thread never touches the IDL or weftd's hosts. */
#include <config.h>

#include "handoff.h"

#include "seq.h"

void
call_queue_init(struct call_queue *q)
{
    q->head = NULL;
    q->tail = &q->head;
}

void
call_queue_push(struct call_queue *q, struct api_call *call)
{
    call->next = NULL;
    *q->tail = call;
    q->tail = &call->next;
}

void
call_queue_push_front(struct call_queue *q, struct api_call *call)
{
    call->next = q->head;
    q->head = call;
    if (q->tail == &q->head) {
        q->tail = &call->next;
    }
}

struct api_call *
call_queue_pop(struct call_queue *q)
{
    struct api_call *call = q->head;
    if (call) {
        q->head = call->next;
        if (!q->head) {
            q->tail = &q->head;
        }
        call->next = NULL;
    }
    return call;
}

/* Appends all of 'src' to 'dst' and empties 'src'. */
void
call_queue_splice(struct call_queue *dst, struct call_queue *src)
{
    if (src->head) {
        *dst->tail = src->head;
        dst->tail = src->tail;
        call_queue_init(src);
    }
}

void
call_queue_destroy_calls(struct call_queue *q)
{
    struct api_call *call;
    while ((call = call_queue_pop(q))) {
        api_call_destroy(call);
    }
}

void
api_handoff_init(struct api_handoff *h)
{
    ovs_mutex_init(&h->mutex);
    call_queue_init(&h->queue);
    h->seq = seq_create();
    h->seqno = seq_read(h->seq);
}

void
api_handoff_destroy(struct api_handoff *h)
{
    ovs_mutex_lock(&h->mutex);
    call_queue_destroy_calls(&h->queue);
    ovs_mutex_unlock(&h->mutex);
    seq_destroy(h->seq);
    ovs_mutex_destroy(&h->mutex);
}

void
api_handoff_submit(struct api_handoff *h, struct api_call *call)
{
    ovs_mutex_lock(&h->mutex);
    call_queue_push(&h->queue, call);
    ovs_mutex_unlock(&h->mutex);
    seq_change(h->seq);
}

void
api_handoff_take(struct api_handoff *h, struct call_queue *dst)
{
    /* Read the seqno before taking the queue: a submission after this
     * point changes it, so api_handoff_wait() cannot sleep through it. */
    h->seqno = seq_read(h->seq);
    struct call_queue taken;
    ovs_mutex_lock(&h->mutex);
    taken = h->queue;
    call_queue_init(&h->queue);
    ovs_mutex_unlock(&h->mutex);
    if (!taken.head) {
        call_queue_init(&taken);
    }
    call_queue_splice(dst, &taken);
}

void
api_handoff_wait(const struct api_handoff *h)
{
    seq_wait(h->seq, h->seqno);
}

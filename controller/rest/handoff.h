/* handoff: how a REST call crosses from the HTTP thread to weftd's main
 * loop, and the FIFO of calls both sides and the executor use.
 *
 * Place in the pipeline: request (rest-server.c, HTTP thread) -> here ->
 * executor.c (main loop) -> desired state in weft's database.
 *
 * As in OVN's pinctrl.c, a mutex-protected queue plus a 'struct seq' that
 * wakes the main loop: api_handoff_submit() may be called from any thread;
 * everything else from the main thread only. */
#ifndef WEFT_HANDOFF_H
#define WEFT_HANDOFF_H 1

#include <stdint.h>

#include "api.h"
#include "ovs-thread.h"

/* A FIFO of calls, linked through 'api_call.next'. */
struct call_queue {
    struct api_call *head;
    struct api_call **tail;
};

void call_queue_init(struct call_queue *);
void call_queue_push(struct call_queue *, struct api_call *);
void call_queue_push_front(struct call_queue *, struct api_call *);
struct api_call *call_queue_pop(struct call_queue *);
/* Appends all of 'src' to 'dst' and empties 'src'. */
void call_queue_splice(struct call_queue *dst, struct call_queue *src);
/* Destroys every call of 'q' (without calling their 'done'). */
void call_queue_destroy_calls(struct call_queue *);

struct api_handoff {
    struct ovs_mutex mutex;
    struct call_queue queue OVS_GUARDED;    /* Submitted, not yet taken. */
    struct seq *seq;                        /* Changed on every submission. */
    uint64_t seqno;                         /* 'seq' when last taken. */
};

void api_handoff_init(struct api_handoff *);
/* Destroys the calls still queued. */
void api_handoff_destroy(struct api_handoff *);
/* Thread-safe: queues 'call' and wakes the main loop. */
void api_handoff_submit(struct api_handoff *, struct api_call *);
/* Main loop: appends every call submitted so far to 'dst', in order. */
void api_handoff_take(struct api_handoff *, struct call_queue *dst);
/* Main loop: wakes up when a call is submitted after the last take. */
void api_handoff_wait(const struct api_handoff *);

#endif /* controller/rest/handoff.h */

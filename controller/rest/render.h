/* render: the REST API's answers as HTTP statuses and JSON bodies, for
 * rest-server.c (HTTP thread).
 *
 * Place in the pipeline: the way back: a finished 'struct api_call' (views
 * filled by the main loop, views.c, or an error) -> here -> the HTTP
 * response.  Holds the API's one error -> HTTP status map.
 *
 * jansson side: includes no OVS headers.  Thread-safe (no shared state). */
#ifndef WEFT_RENDER_H
#define WEFT_RENDER_H 1

#include <jansson.h>

#include "api.h"

/* Maps an error kind to its HTTP status: the only place that does. */
int rest_http_status(enum weft_err_kind);
const char *rest_reason_phrase(int status);

/* {"error": KIND, "detail": DETAIL}: every error's body. */
json_t *rest_error_json(enum weft_err_kind, const char *detail);

/* Returns the body of the answer to the successful 'call' (not /metrics,
 * which is text), or NULL for none, and stores its status in '*status'. */
json_t *rest_render_call(const struct api_call *call, int *status);

#endif /* controller/rest/render.h */

/* fuzz-rest: libFuzzer target for the REST API's request parsing and
 * validation, without sockets.
 *
 * Drives rest_parse_request() (controller/rest/rest-parse.c): routing, the
 * bearer token, the query string, the JSON body and weft_request_check(),
 * the write layer's step 1.  The input is split as:
 *
 *   byte 0        method (bits 0-1: GET, POST, DELETE, other; bit 3:
 *                 PATCH instead) and whether the caller is an admin
 *                 (bit 2)
 *   line 1        request target: path[?query]
 *   line 2        Authorization header value ("" for none)
 *   the rest      body
 *
 * Built with clang by scripts/fuzz.sh; the seed corpus is tests/fuzz/corpus.
 * Every call is freed, so LeakSanitizer checks the parser's ownership. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rest-parse.h"

/* Returns a malloc'd, NUL-terminated copy of the next line of '*data', and
 * advances past it. */
static char *
next_line(const uint8_t **data, size_t *size)
{
    const uint8_t *nl = memchr(*data, '\n', *size);
    size_t len = nl ? (size_t) (nl - *data) : *size;
    char *line = malloc(len + 1);
    memcpy(line, *data, len);
    line[len] = '\0';
    *data += len + (nl != NULL);
    *size -= len + (nl != NULL);
    return line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum rest_method methods[] = {
        REST_GET, REST_POST, REST_DELETE, REST_OTHER,
    };
    if (!size) {
        return 0;
    }
    uint8_t flags = *data++;
    size--;
    char *target = next_line(&data, &size);
    char *auth = next_line(&data, &size);

    char *query = strchr(target, '?');
    if (query) {
        *query++ = '\0';
    }
    /* The body gets its own allocation of exactly its size, so that ASan
     * catches a read past its end (it is not NUL-terminated). */
    char *body = size ? malloc(size) : NULL;
    if (body) {
        memcpy(body, data, size);
    }
    struct rest_input in = {
        .method = flags & 8 ? REST_PATCH : methods[flags & 3],
        .path = target,
        .query = query,
        .authorization = auth[0] ? auth : NULL,
        .body = body,
        .body_len = size,
        .admin = (flags & 4) != 0,
    };
    struct rest_failure failure;
    struct api_call *call = rest_parse_request(&in, &failure);
    if (call) {
        /* A write that parsed names every object its op needs; a port
         * mapping's DELETE names its tenant, protocol and host port (the
         * main loop finds the port from the host, executor.c). */
        bool map_del = call->req.op == WEFT_OP_MAP_DEL;
        size_t n = map_del ? 1 : weft_op_path_len(call->req.op);
        for (size_t i = 0; call->verb == API_WRITE && i < n; i++) {
            if (!call->req.path[i] || !call->req.path[i][0]) {
                abort();
            }
        }
        if (call->verb == API_WRITE && map_del
            && (!call->req.proto || !call->req.host_port
                || call->n_path != 3)) {
            abort();
        }
        api_call_destroy(call);
    } else {
        if (!failure.detail) {
            abort();
        }
        free(failure.detail);
    }
    free(body);
    free(auth);
    free(target);
    return 0;
}

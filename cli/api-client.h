/* api-client: weftctl --api's HTTP client, libcurl on weftd's unix socket.
 *
 * Where it sits: the --api backend's way to weftd's REST server, which
 * takes the request at the top of the pipeline (request -> desired state ->
 * compile -> push).  Errors read the same as they did with weftctl's own
 * client: "SOCKET: strerror" for a socket that is missing or refuses,
 * "SOCKET: no answer in time", "SOCKET: malformed HTTP answer", and an API
 * error as its "detail" followed by "(HTTP status)".
 *
 * jansson side: no OVS headers. */
#ifndef WEFT_API_CLIENT_H
#define WEFT_API_CLIENT_H 1

#include <stdbool.h>

#include <jansson.h>

struct ctl_options;

/* The program name in messages (weftctl_api_init() sets it). */
extern const char *api_program_name;

/* An HTTP answer. */
struct api_answer {
    int status;
    char *body;                 /* NUL-terminated. */
    json_t *json;               /* 'body' parsed, or NULL. */
};

void api_answer_destroy(struct api_answer *);

/* Percent-encodes 'name' for a URL path segment (malloc'd). */
char *api_escape(const char *name);

/* Sends 'method' 'target' with 'body' (may be NULL) to o->api, with
 * o->token, and checks that it answered 'want'.  Returns true with the
 * answer in '*a' (the caller destroys it), or false after printing the
 * error. */
bool api_call(const struct ctl_options *o, const char *method,
              const char *target, const char *body, int want,
              struct api_answer *a);

/* GETs 'target' into '*json' (a new reference).  Returns false after
 * printing an error. */
bool api_get(const struct ctl_options *o, const char *target, json_t **json);

#endif /* cli/api-client.h */

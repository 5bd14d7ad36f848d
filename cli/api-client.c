/* api-client: weftctl --api's HTTP client.  See api-client.h.
 *
 * HTTP is libcurl's, on weftd's unix socket (CURLOPT_UNIX_SOCKET_PATH): one
 * easy handle per request, the answer's body collected in memory. */
#define _GNU_SOURCE 1
#include "api-client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <curl/curl.h>
#include <jansson.h>

#include "plain-util.h"
#include "weftctl-api.h"
#include "weftctl-commands.h"

const char *api_program_name = "weftctl";

void
weftctl_api_init(const char *program)
{
    api_program_name = program;
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
api_answer_destroy(struct api_answer *a)
{
    free(a->body);
    json_decref(a->json);
    memset(a, 0, sizeof *a);
}

/* Percent-encodes 'name' for a URL path segment (malloc'd). */
char *
api_escape(const char *name)
{
    char *out = malloc(3 * strlen(name) + 1), *p = out;
    for (const unsigned char *s = (const unsigned char *) name; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')
            || (*s >= '0' && *s <= '9') || strchr("-_.~", *s)) {
            *p++ = *s;
        } else {
            p += sprintf(p, "%%%02X", *s);
        }
    }
    *p = '\0';
    return out;
}

/* A growing buffer for an answer's body (libcurl's write callback). */
struct body_buf {
    char *data;
    size_t len;
};

static size_t
body_append(char *ptr, size_t size, size_t nmemb, void *buf_)
{
    struct body_buf *buf = buf_;
    size_t n = size * nmemb;
    char *data = realloc(buf->data, buf->len + n + 1);
    if (!data) {
        return 0;               /* libcurl then fails with a write error. */
    }
    memcpy(data + buf->len, ptr, n);
    buf->len += n;
    data[buf->len] = '\0';
    buf->data = data;
    return n;
}

/* The request's headers: JSON, the token if there is one, and no "Expect:
 * 100-continue" (weftd answers the whole request at once). */
static struct curl_slist *
request_headers(const struct ctl_options *o)
{
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:");
    if (o->token) {
        char *auth = plain_xasprintf("Authorization: Bearer %s", o->token);
        headers = curl_slist_append(headers, auth);
        free(auth);
    }
    return headers;
}

/* Turns libcurl's 'code' for a request on 'curl' into the messages of
 * weftctl's own client: "SOCKET: strerror" for a socket that is missing or
 * refuses, "no answer in time", "malformed HTTP answer".  Malloc'd. */
static char *
request_error(const struct ctl_options *o, CURL *curl, CURLcode code)
{
    long os_errno = 0;
    curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return plain_xasprintf("%s: no answer in time", o->api);
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return plain_xasprintf("%s: malformed HTTP answer", o->api);
    default:
        return plain_xasprintf("%s: %s", o->api,
                               os_errno ? strerror(os_errno)
                               : curl_easy_strerror(code));
    }
}

/* Sends 'method' 'target' with 'body' (may be NULL) over the unix socket
 * and fills 'a'.  Returns NULL or a malloc'd error (connection or
 * protocol). */
static char *
http_request(const struct ctl_options *o, const char *method,
             const char *target, const char *body, struct api_answer *a)
{
    memset(a, 0, sizeof *a);
    struct sockaddr_un sun;
    if (strlen(o->api) >= sizeof sun.sun_path) {
        return plain_xasprintf("%s: socket path too long", o->api);
    }
    CURL *curl = curl_easy_init();
    if (!curl) {
        return plain_xasprintf("%s: libcurl failed to start", o->api);
    }
    char *url = plain_xasprintf("http://weft%s", target);
    struct curl_slist *headers = request_headers(o);
    struct body_buf buf = { .data = NULL, .len = 0 };
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, o->api);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, body_append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buf);
    if (strcmp(method, "GET")) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
    }
    /* The server answers ?wait=installed by its own deadline; allow a
     * little more. */
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, o->timeout ? o->timeout + 10L
                                                      : 0L);

    char *error = NULL;
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    if (code == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        a->status = status;
        a->body = buf.data ? buf.data : strdup("");
        a->json = json_loads(a->body, JSON_DECODE_ANY, NULL);
    } else {
        error = request_error(o, curl, code);
        free(buf.data);
    }
    curl_slist_free_all(headers);
    free(url);
    curl_easy_cleanup(curl);
    return error;
}

/* Runs one request and checks that it answered 'want'; otherwise prints
 * the API's error and returns false. */
bool
api_call(const struct ctl_options *o, const char *method, const char *target,
     const char *body, int want, struct api_answer *a)
{
    char *error = http_request(o, method, target, body, a);
    if (error) {
        fprintf(stderr, "%s: %s\n", api_program_name, error);
        free(error);
        return false;
    }
    if (a->status != want) {
        const char *detail = json_string_value(json_object_get(a->json,
                                                               "detail"));
        fprintf(stderr, "%s: %s (HTTP %d)\n", api_program_name,
                detail ? detail : a->body, a->status);
        api_answer_destroy(a);
        return false;
    }
    return true;
}

/* GETs 'target' into '*json' (a new reference). */
bool
api_get(const struct ctl_options *o, const char *target, json_t **json)
{
    struct api_answer a;
    if (!api_call(o, "GET", target, NULL, 200, &a)) {
        return false;
    }
    *json = json_incref(a.json);
    api_answer_destroy(&a);
    return *json != NULL;
}

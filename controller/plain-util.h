/* plain-util: allocation helpers for weft's jansson-side files.
 *
 * Those files (the REST server, its request parser, weftctl's HTTP client)
 * may not include OVS's util.h, whose xasprintf() and xstrdup() they would
 * otherwise use (see ovsdb/ovs-json-rename.h for why the two worlds stay
 * apart).  Same contract as OVS's: never NULL, abort() when out of memory. */
#ifndef WEFT_PLAIN_UTIL_H
#define WEFT_PLAIN_UTIL_H 1

char *plain_xasprintf(const char *format, ...)
    __attribute__((format(printf, 1, 2)));
char *plain_xstrdup(const char *);

#endif /* controller/plain-util.h */

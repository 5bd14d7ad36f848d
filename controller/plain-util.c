/* plain-util: allocation helpers for jansson-side files.  See plain-util.h. */
#define _GNU_SOURCE 1           /* vasprintf() */
#include "plain-util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
plain_xasprintf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *s;
    if (vasprintf(&s, format, args) < 0) {
        abort();
    }
    va_end(args);
    return s;
}

char *
plain_xstrdup(const char *s)
{
    char *copy = strdup(s);
    if (!copy) {
        abort();
    }
    return copy;
}

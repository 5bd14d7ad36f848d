/* token-hash: the hash under which weft stores a REST API token (SHA-256,
 * lowercase hex), for rest-parse.c, which hashes a token it issues and the
 * one a request presents.  Only the hash reaches weft's database, so a
 * database dump reveals no token.
 *
 * libcrypto (OpenSSL) computes it.  Plain C: no OVS or jansson headers.
 * Thread-safe (no global state). */
#ifndef WEFT_TOKEN_HASH_H
#define WEFT_TOKEN_HASH_H 1

#include <stdbool.h>
#include <stddef.h>

#define TOKEN_HASH_HEX_LEN 64           /* SHA-256: 32 bytes, in hex. */

/* Writes the lowercase hex SHA-256 of the 'len' bytes at 'data', and a null
 * byte, to 'hex'.  Returns false (with 'hex' empty) only if libcrypto fails,
 * which callers treat as an internal error. */
bool token_hash_hex(const void *data, size_t len,
                    char hex[TOKEN_HASH_HEX_LEN + 1]);

#endif /* controller/rest/token-hash.h */

/* sha256: SHA-256 (FIPS 180-4), for hashing REST API tokens.
 *
 * OVS has only SHA-1 and Debian's OpenSSL would add a dependency for one
 * function, so weft carries this small implementation.  Plain C: no OVS or
 * jansson headers.  Thread-safe (no global state). */
#ifndef WEFT_SHA256_H
#define WEFT_SHA256_H 1

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN (2 * SHA256_DIGEST_LEN)

void sha256(const void *data, size_t len,
            uint8_t digest[SHA256_DIGEST_LEN]);
/* Writes the lowercase hex digest of 'data' and a null byte to 'hex'. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);

#endif /* controller/sha256.h */

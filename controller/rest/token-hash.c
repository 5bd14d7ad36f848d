/* token-hash: SHA-256 of REST API tokens, through libcrypto (see
 * token-hash.h). */
#include "token-hash.h"

#include <openssl/evp.h>

bool
token_hash_hex(const void *data, size_t len, char hex[TOKEN_HASH_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    hex[0] = '\0';
    if (!EVP_Digest(data, len, digest, &n, EVP_sha256(), NULL)
        || n * 2 != TOKEN_HASH_HEX_LEN) {
        return false;
    }
    for (unsigned int i = 0; i < n; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0xf];
    }
    hex[TOKEN_HASH_HEX_LEN] = '\0';
    return true;
}

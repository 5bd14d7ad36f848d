/* keys: the flow keys in use of one kind of object.  See keys.h. */
#include <config.h>

#include "keys.h"

#include <string.h>

#include "util.h"

void
topo_keys_init(struct topo_keys *k, uint32_t max)
{
    memset(k, 0, sizeof *k);
    k->max = max;
    /* Enough levels that the top one is a single word. */
    uint64_t span = 64;
    k->n_levels = 1;
    while (span < (uint64_t) max + 1) {
        span *= 64;
        k->n_levels++;
    }
    ovs_assert(k->n_levels <= TOPO_KEYS_MAX_LEVELS);
}

void
topo_keys_destroy(struct topo_keys *k)
{
    for (int i = 0; i < TOPO_KEYS_MAX_LEVELS; i++) {
        free(k->levels[i]);
        k->levels[i] = NULL;
    }
}

void
topo_keys_swap(struct topo_keys *a, struct topo_keys *b)
{
    struct topo_keys tmp = *a;
    *a = *b;
    *b = tmp;
}

/* Number of words of level 'level'; the top level has one. */
static size_t
level_words(const struct topo_keys *k, int level)
{
    size_t n = 1;
    for (int i = level; i < k->n_levels - 1; i++) {
        n *= 64;
    }
    return n;
}

static void
alloc_levels(struct topo_keys *k)
{
    for (int i = 0; i < k->n_levels; i++) {
        k->levels[i] = xcalloc(level_words(k, i), sizeof *k->levels[i]);
    }
    /* Key 0 is never handed out. */
    k->levels[0][0] = 1;
}

static bool
key_in_range(const struct topo_keys *k, uint32_t key)
{
    return key >= 1 && key <= k->max;
}

void
topo_keys_add(struct topo_keys *k, uint32_t key)
{
    if (!key_in_range(k, key)) {
        return;
    }
    if (!k->levels[0]) {
        alloc_levels(k);
    }
    uint64_t index = key;
    for (int level = 0; level < k->n_levels; level++) {
        uint64_t *word = &k->levels[level][index / 64];
        uint64_t bit = UINT64_C(1) << (index % 64);
        if (*word & bit) {
            if (!level) {
                k->repeated = true;
            }
            return;
        }
        *word |= bit;
        if (*word != UINT64_MAX) {
            return;             /* The word above still has room. */
        }
        index /= 64;
    }
}

void
topo_keys_remove(struct topo_keys *k, uint32_t key)
{
    if (!key_in_range(k, key) || !k->levels[0] || k->repeated) {
        return;
    }
    uint64_t index = key;
    for (int level = 0; level < k->n_levels; level++) {
        uint64_t *word = &k->levels[level][index / 64];
        bool was_full = *word == UINT64_MAX;
        *word &= ~(UINT64_C(1) << (index % 64));
        if (!was_full) {
            return;             /* The word above did not count it full. */
        }
        index /= 64;
    }
}

bool
topo_keys_contains(const struct topo_keys *k, uint32_t key)
{
    return (key_in_range(k, key) && k->levels[0]
            && k->levels[0][key / 64] & (UINT64_C(1) << (key % 64)));
}

uint32_t
topo_keys_lowest_free(const struct topo_keys *k_)
{
    struct topo_keys *k = CONST_CAST(struct topo_keys *, k_);
    if (!k->levels[0]) {
        return k->max ? 1 : 0;
    }
    /* From the top: the lowest word that is not full, down to a bit. */
    uint64_t index = 0;
    for (int level = k->n_levels - 1; level >= 0; level--) {
        uint64_t word = k->levels[level][index];
        k->n_word_reads++;
        if (word == UINT64_MAX) {
            return 0;           /* Only the top word can be full here. */
        }
        index = index * 64 + raw_ctz(~word);
    }
    return index <= k->max ? index : 0;
}

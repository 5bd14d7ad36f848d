/* keys: the flow keys in use of one kind of object (tenants, networks or
 * ports), to allocate the lowest free one without looking at every object.
 *
 * Pipeline place: desired state.  A topology (topology.h) keeps one
 * 'struct topo_keys' per kind, maintained by its adders, removers and
 * updaters; validation (validate.h, topology_next_*_key()) asks it for the
 * key of an object about to be created, which then goes into the
 * database row and from there into the object's flow cookies.
 *
 * The rule stays "the lowest key in 1..max that no object uses": the same
 * answer as sorting every key, in O(log64 max) (4 word reads for the 24-bit
 * port keys) instead of O(N log N).  It is a tree of bitmaps: level 0 has
 * one bit per key, set if the key is in use; a bit of each higher level is
 * set if the 64-bit word below it is full.  The levels are allocated on
 * first use, zeroed (calloc), so untouched pages cost no memory: 100,000
 * port keys use ~13 kB of the 2 MB level 0.
 *
 * Keys are unique in the database (the schema indexes flow_key), but a
 * topology built by hand may repeat one: after a repeat the index never
 * clears a bit again (it cannot tell which copy went), so a removed key may
 * stay "in use" until the topology is rebuilt; it never hands out a key
 * that is in use.  Keys 0 and above 'max' are ignored.
 *
 * Plain data, no I/O. */
#ifndef WEFT_TOPO_KEYS_H
#define WEFT_TOPO_KEYS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOPO_KEYS_MAX_LEVELS 5

struct topo_keys {
    uint32_t max;               /* Keys are 1..max. */
    int n_levels;
    uint64_t *levels[TOPO_KEYS_MAX_LEVELS]; /* [0]: one bit per key; NULL
                                             * until the first add. */
    bool repeated;              /* A key was added twice: never clear. */
    size_t n_word_reads;        /* For tests: words read by lookups. */
};

void topo_keys_init(struct topo_keys *, uint32_t max);
void topo_keys_destroy(struct topo_keys *);
void topo_keys_swap(struct topo_keys *, struct topo_keys *);

void topo_keys_add(struct topo_keys *, uint32_t key);
void topo_keys_remove(struct topo_keys *, uint32_t key);
bool topo_keys_contains(const struct topo_keys *, uint32_t key);

/* The lowest key in 1..max not in use, or 0 if all are. */
uint32_t topo_keys_lowest_free(const struct topo_keys *);

#endif /* topology/keys.h */

/* host-owners: the set of owners, kept by UUID, that host-services.c
 * (services) and host-sgs.c (security groups) hold for one host's flows.
 *
 * Each keeps its owners in a 'struct hmap' of its own 'struct hf_owner'
 * subclass, which must have its 'struct hf_owner' as FIRST member (so that
 * hf_owner_remove() can free it): the owner's UUID, the signature of the
 * inputs it was compiled from, and its flows.  These helpers find, add,
 * drop, update (each pending one, or all after a full compile), and count
 * or copy out the flows of such owners; what a signature covers and when
 * an owner is recompiled stays with each module. */
#ifndef CONTROLLER_HOST_OWNERS_H
#define CONTROLLER_HOST_OWNERS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "openvswitch/hmap.h"
#include "openvswitch/uuid.h"

struct host_flows;
struct simap;
struct topo_host;
struct topology;
struct uuidset;

struct hf_owner {
    struct hmap_node node;      /* In its module's hmap, by uuid_hash(). */
    struct uuid uuid;
    uint32_t sig;               /* The module's signature it was compiled
                                 * with. */
    struct weft_flows flows;
};

/* The owner 'uuid' in 'owners', or NULL. */
struct hf_owner *hf_owner_find(const struct hmap *owners,
                               const struct uuid *uuid);

/* A new owner 'uuid' (a zeroed 'size'-byte subclass, no flows yet) in
 * 'owners'. */
struct hf_owner *hf_owner_add(struct hmap *owners, const struct uuid *uuid,
                              size_t size);

/* Drops 'o''s flows from 'hf''s flow table, removes it from 'owners' and
 * frees it; hf_owners_clear() does so for every owner of 'owners'. */
void hf_owner_remove(struct host_flows *hf, struct hmap *owners,
                     struct hf_owner *o);
void hf_owners_clear(struct host_flows *hf, struct hmap *owners);

/* What a module does with its owner 'uuid' when it is pending: drops it,
 * adds it, or recompiles it if its inputs on 'self' changed. */
typedef void hf_owner_update_func(struct host_flows *,
                                  const struct topology *,
                                  const struct topo_host *self,
                                  const struct simap *ofports,
                                  const struct uuid *);

/* Calls 'update' for every owner of 'kind' that 'self' has
 * (compile_host_owners()) if 'full', else for each owner in 'pending'. */
void hf_owners_update(struct host_flows *hf, const struct topology *topo,
                      const struct topo_host *self,
                      const struct simap *ofports, bool full,
                      enum weft_owner_kind kind, const struct uuidset *pending,
                      hf_owner_update_func *update);

/* Adds a copy of every flow of 'owners' to 'out'; the number of those
 * flows. */
void hf_owners_collect(const struct hmap *owners, struct weft_flows *out);
size_t hf_owners_count(const struct hmap *owners);

#endif /* controller/host-owners.h */

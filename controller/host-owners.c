/* host-owners: owners of one host's flows kept by UUID, shared by
 * host-services.c and host-sgs.c.  See host-owners.h. */
#include <config.h>

#include "host-owners.h"

#include <stdlib.h>

#include "host-flows.h"
#include "util.h"
#include "uuid.h"

struct hf_owner *
hf_owner_find(const struct hmap *owners, const struct uuid *uuid)
{
    struct hf_owner *o;
    HMAP_FOR_EACH_WITH_HASH (o, node, uuid_hash(uuid), owners) {
        if (uuid_equals(&o->uuid, uuid)) {
            return o;
        }
    }
    return NULL;
}

struct hf_owner *
hf_owner_add(struct hmap *owners, const struct uuid *uuid, size_t size)
{
    ovs_assert(size >= sizeof(struct hf_owner));
    struct hf_owner *o = xzalloc(size);
    o->uuid = *uuid;
    weft_flows_init(&o->flows);
    hmap_insert(owners, &o->node, uuid_hash(uuid));
    return o;
}

void
hf_owner_remove(struct host_flows *hf, struct hmap *owners,
                struct hf_owner *o)
{
    host_flows_drop_owner(hf, &o->flows);
    hmap_remove(owners, &o->node);
    weft_flows_destroy(&o->flows);
    free(o);        /* The subclass: 'o' is its first member. */
}

void
hf_owners_clear(struct host_flows *hf, struct hmap *owners)
{
    struct hf_owner *o;
    HMAP_FOR_EACH_SAFE (o, node, owners) {
        hf_owner_remove(hf, owners, o);
    }
}

void
hf_owners_update(struct host_flows *hf, const struct topology *topo,
                 const struct topo_host *self, const struct simap *ofports,
                 bool full, enum weft_owner_kind kind,
                 const struct uuidset *pending, hf_owner_update_func *update)
{
    if (full) {
        struct weft_owner_list owners = WEFT_OWNER_LIST_INITIALIZER;
        compile_host_owners(topo, self, &owners);
        for (size_t i = 0; i < owners.n; i++) {
            if (owners.owners[i].kind == kind) {
                update(hf, topo, self, ofports, &owners.owners[i].uuid);
            }
        }
        weft_owner_list_destroy(&owners);
        return;
    }
    const struct uuidset_node *un;
    UUIDSET_FOR_EACH (un, pending) {
        update(hf, topo, self, ofports, &un->uuid);
    }
}

void
hf_owners_collect(const struct hmap *owners, struct weft_flows *out)
{
    const struct hf_owner *o;
    HMAP_FOR_EACH (o, node, owners) {
        const struct weft_flow *f;
        HMAP_FOR_EACH (f, node, &o->flows.flows) {
            weft_flows_add_copy(out, f);
        }
    }
}

size_t
hf_owners_count(const struct hmap *owners)
{
    size_t n = 0;
    const struct hf_owner *o;
    HMAP_FOR_EACH (o, node, owners) {
        n += weft_flows_count(&o->flows);
    }
    return n;
}

/* changes: what one update of the desired state changed.  See changes.h. */
#include <config.h>

#include "changes.h"

void
topo_changes_init(struct topo_changes *c)
{
    c->all = false;
    uuidset_init(&c->hosts);
    uuidset_init(&c->tenants);
    uuidset_init(&c->networks);
    uuidset_init(&c->ports);
    uuidset_init(&c->port_hosts);
}

void
topo_changes_destroy(struct topo_changes *c)
{
    uuidset_destroy(&c->hosts);
    uuidset_destroy(&c->tenants);
    uuidset_destroy(&c->networks);
    uuidset_destroy(&c->ports);
    uuidset_destroy(&c->port_hosts);
}

void
topo_changes_clear(struct topo_changes *c)
{
    c->all = false;
    uuidset_clear(&c->hosts);
    uuidset_clear(&c->tenants);
    uuidset_clear(&c->networks);
    uuidset_clear(&c->ports);
    uuidset_clear(&c->port_hosts);
}

bool
topo_changes_is_empty(const struct topo_changes *c)
{
    return !c->all
           && uuidset_is_empty(&c->hosts) && uuidset_is_empty(&c->tenants)
           && uuidset_is_empty(&c->networks) && uuidset_is_empty(&c->ports)
           && uuidset_is_empty(&c->port_hosts);
}

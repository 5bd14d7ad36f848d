/* host-fixture: see host-fixture.h. */
#include <config.h>

#include "host-fixture.h"

#include <stdio.h>

struct topo_host *
host_fixture_add(struct topology *topo, const struct uuid *uuid, int i,
                 const char *uplink)
{
    char name[8], remote[32], tip[16];
    snprintf(name, sizeof name, "h%d", i);
    snprintf(remote, sizeof remote, "unix:/run/h%d/db.sock", i);
    snprintf(tip, sizeof tip, "192.0.2.%d", i);
    return topology_add_host(topo, uuid, name, remote, NULL, tip, "netdev",
                             uplink);
}

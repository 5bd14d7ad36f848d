/* host-fixture: the hosts of the flow compiler's multi-host tests
 * (test-overlay.c, test-wanted-ports.c), named the same way in each, so that
 * the flow text and port names they check read alike. */
#ifndef WEFT_HOST_FIXTURE_H
#define WEFT_HOST_FIXTURE_H 1

#include "topology.h"

/* Adds host number 'i' (1 to 9) to 'topo' with UUID 'uuid': "hI", OVSDB
 * remote unix:/run/hI/db.sock, tunnel IP 192.0.2.I, the netdev datapath,
 * and uplink 'uplink' (NULL for none). */
struct topo_host *host_fixture_add(struct topology *topo,
                                   const struct uuid *uuid, int i,
                                   const char *uplink);

#endif /* host-fixture.h */

/* compile-fixture: what the flow compiler's golden tests share
 * (test-compile-acl.c, test-compile-lb.c, test-compile-nat.c,
 * test-compile-ipv6.c, test-compile-router.c): a topology with hosts hv1..hvN
 * and each host's ofports, the flows one compile fills, the UUIDs of the
 * objects a test adds, and the check that every flow parses as ovs-ofctl
 * would parse it.  Each test's own fixture starts with a struct
 * compile_fixture, so that compile_fixture_teardown() is its cmocka
 * teardown.  Include after <cmocka.h>. */
#ifndef WEFT_COMPILE_FIXTURE_H
#define WEFT_COMPILE_FIXTURE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler.h"
#include "openvswitch/types.h"
#include "simap.h"
#include "topology.h"
#include "uuid.h"

#define COMPILE_FIXTURE_MAX_HOSTS 3

struct compile_fixture {
    struct topology topo;
    struct topo_host *hv[COMPILE_FIXTURE_MAX_HOSTS];
    struct simap ofports[COMPILE_FIXTURE_MAX_HOSTS]; /* Of hv[i]. */
    int n_hosts;
    struct weft_flows flows;
    uint32_t n_uuids;           /* UUIDs handed out so far. */
    uint32_t uuid_tag[3];       /* The other parts of every UUID. */
};

/* Initializes 'c' with 'n_hosts' hosts (2 or 3): host i is "hvI" (I = i + 1)
 * with OVSDB remote unix:/tmp/hvI.sock, tunnel IP 192.168.0.I and datapath
 * 'dp_types[i]' ("netdev" for all if 'dp_types' is NULL).  Its ofports are
 * the tunnel ports to the other hosts, "vx-hvJ": ofport 10 with 2 hosts,
 * 10 + J with 3.  The hosts take the first UUIDs; every UUID is
 * { n, 'tag0', 'tag1', 'tag2' } for n = 1, 2, ..., so that each test's
 * objects keep their own UUIDs. */
void compile_fixture_init(struct compile_fixture *c, int n_hosts,
                          const char *const dp_types[],
                          uint32_t tag0, uint32_t tag1, uint32_t tag2);

/* The next UUID of 'c' (see compile_fixture_init()). */
struct uuid compile_fixture_uuid(struct compile_fixture *c);

/* 's' parsed with ip_parse(), which must accept it. */
ovs_be32 ip(const char *s);

/* How many times 'needle' occurs in 'text'. */
size_t count_lines(const char *text, const char *needle);

/* Adds to 'c' network 'name' of tenant 't': VXLAN 100 + 'key', flow key
 * 'key', subnet 10.1.0.0/24 with gateway 10.1.0.1. */
struct topo_network *compile_fixture_add_net(struct compile_fixture *c,
                                             const struct topo_tenant *t,
                                             const char *name, uint32_t key);

/* Adds to 'c' port 'name' on 'net' and host 'h', with interface "tapNAME"
 * at ofport 'ofport' (in c->ofports[h]), MAC 'mac_s', the one IPv4 address
 * 'ip_s' and flow key 'key'. */
struct topo_port *compile_fixture_add_port(struct compile_fixture *c,
                                           const struct topo_network *net,
                                           int h, const char *name,
                                           const char *mac_s,
                                           const char *ip_s, uint32_t key,
                                           int ofport);

/* The flows of 'c->flows' for which 'keep' is true, as weft_flows_format()
 * writes them.  The caller frees the result. */
char *compile_fixture_format(const struct compile_fixture *c,
                             bool (*keep)(const struct weft_flow *));

/* Compiles host 'H' of 'C' whole (into C->flows) and owner by owner over
 * compile_host_owners(), asserts that the union of the owners' flows is the
 * whole (a failure is reported at the caller's line), and returns how many
 * of those owners are of kind 'KIND'. */
#define compile_fixture_check_owners(C, H, KIND)                        \
    compile_fixture_check_owners__(C, H, KIND, __FILE__, __LINE__)
size_t compile_fixture_check_owners__(struct compile_fixture *, int h,
                                      enum weft_owner_kind,
                                      const char *file, int line);

/* Compiles host 'h''s flows into 'c->flows' (which it replaces). */
void compile_fixture_run(struct compile_fixture *c, int h);

/* Every flow of 'c->flows' parses with OVS's parser (which also checks each
 * action's prerequisites against the match), as ovs-ofctl would. */
void compile_fixture_check_parses(const struct compile_fixture *c);

/* cmocka teardown of a test's fixture whose first member is a struct
 * compile_fixture: frees the flows, ofports and topology, then the fixture
 * itself. */
int compile_fixture_teardown(void **state);

/* A cmocka test of 'NAME' on a fresh fixture from the test file's setup(). */
#define COMPILE_TEST(NAME) \
    cmocka_unit_test_setup_teardown(NAME, setup, compile_fixture_teardown)

#endif /* compile-fixture.h */

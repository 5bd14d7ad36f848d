/* weftctl-commands: weftctl's one command table.  See weftctl-commands.h.
 *
 * Each row: name, synopsis, help text, argument count, options, and the
 * database and API backends.  "weftctl --help" lists the synopses of the
 * commands with a database backend, "weftctl --api=SOCKET --help" those with
 * an API backend, and "help COMMAND" prints the row's synopsis and help. */
#include "weftctl-commands.h"

#include <string.h>

#include "db-nat.h"
#include "db-read.h"
#include "db-services.h"
#include "db-sg.h"
#include "db-status.h"
#include "db-write.h"
#include "weftctl-api.h"

const char *const cmd_option_names[N_CMD_OPTIONS] = {
#define CMD_OPTION(ENUM, NAME) NAME,
    CMD_OPTIONS
#undef CMD_OPTION
};

/* The external side's options, in host-add's and host-set's help. */
#define EXTERNAL_HELP                                                   \
    "  --external-iface=IFACE   the host's external side (SNAT, port\n"  \
    "                           mappings, floating IPs): the interface\n" \
    "                           toward its LAN or the internet, which\n"  \
    "                           weftd attaches to br-int like the uplink\n" \
    "  --external-ip=A.B.C.D/LEN  the host's address on that LAN, and the\n" \
    "                           LAN's length\n"                           \
    "  --external-gateway=A.B.C.D  the next hop, in that LAN; weft\n"     \
    "                           resolves its MAC.  The three go together\n"

const struct ctl_command ctl_commands[] = {
    { "init", "init",
      "Creates weft's global row (Weft_Global) if there is none.  Every\n"
      "write does that too; init only makes it explicit.\n",
      0, 0, 0, 0, true,
      NULL, db_write_nothing, NULL },
    { "host-add", "host-add NAME --remote=REMOTE [--tunnel-ip=IP] "
      "[--datapath-type=netdev|system] [--uplink=IFACE] "
      "[--openflow-remote=TARGET] [--external-iface=IFACE "
      "--external-ip=A.B.C.D/LEN --external-gateway=A.B.C.D]",
      "Registers a host: a machine whose Open vSwitch weftd programs.\n"
      "\n"
      "  --remote=REMOTE          the host's OVSDB server: unix:PATH or\n"
      "                           tcp:IP:PORT\n"
      "  --tunnel-ip=IP           its tunnel endpoint (IPv4), needed for\n"
      "                           vxlan, gre and geneve networks\n"
      "  --datapath-type=TYPE     br-int's datapath: system (default) or\n"
      "                           netdev (OVS's userspace datapath)\n"
      "  --uplink=IFACE           the trunk interface for vlan networks\n"
      "  --openflow-remote=TARGET where weftd reaches br-int over OpenFlow\n"
      "                           (default: derived from --remote)\n"
      EXTERNAL_HELP,
      1, 1, CO_BIT(REMOTE) | CO_BIT(TUNNEL_IP) | CO_BIT(DATAPATH_TYPE)
      | CO_BIT(UPLINK) | CO_BIT(OPENFLOW_REMOTE) | CO_EXTERNAL_BITS,
      CO_BIT(REMOTE), true,
      db_parse_host_add, db_write_request, api_host_add },
    { "host-set", "host-set NAME [--external-iface=IFACE "
      "--external-ip=A.B.C.D/LEN --external-gateway=A.B.C.D] "
      "[--no-external]",
      "Sets or removes a host's external side (an administrator's\n"
      "command).\n"
      "\n"
      EXTERNAL_HELP
      "  --no-external            remove it; refused while a floating IP\n"
      "                           is homed on the host or a port on it has\n"
      "                           port mappings\n",
      1, 1, CO_EXTERNAL_BITS | CO_BIT(NO_EXTERNAL), 0, true,
      db_parse_host_set, db_write_request, api_host_set },
    { "host-show", "host-show NAME",
      "Prints a host: remotes, datapath type, tunnel IP, uplink, its\n"
      "external side with the next hop's MAC once weftd has resolved it\n"
      "(gateway-mac -: not yet), connection state and cur_cfg.\n"
      "--format=json prints the REST API's host object.\n",
      1, 1, 0, 0, false,
      db_parse_host_show, db_read_host_show, api_host_show },
    { "host-del", "host-del NAME",
      "Deletes a host.  It must have no ports left.\n",
      1, 1, 0, 0, true,
      db_parse_host_del, db_write_request, api_delete },
    { "host-list", "host-list",
      "Lists the hosts: remotes, datapath type, tunnel IP, uplink, and\n"
      "the external side of those that have one.\n"
      "--format=json prints the REST API's host objects.\n",
      0, 0, 0, 0, false,
      NULL, db_read_host_list, api_list },
    { "tenant-add", "tenant-add NAME",
      "Adds a tenant.  A tenant admin's token for the REST API comes from\n"
      "\"weftctl --api=SOCKET tenant-token NAME\".\n",
      1, 1, 0, 0, true,
      db_parse_tenant_add, db_write_request, api_tenant_add },
    { "tenant-del", "tenant-del NAME",
      "Deletes a tenant.  It must have no networks left.\n",
      1, 1, 0, 0, true,
      db_parse_tenant_del, db_write_request, api_delete },
    { "tenant-list", "tenant-list",
      "Lists the tenants and their keys (bits 55-40 of their flows'\n"
      "cookies).  --format=json prints the REST API's tenant objects.\n",
      0, 0, 0, 0, false,
      NULL, db_read_tenant_list, api_list },
    { "tenant-set", "tenant-set NAME [--max-ports=N|default] "
      "[--max-networks=N|default] [--max-ips-per-port=N|default]",
      "Sets a tenant's quotas (an administrator's command).  \"default\"\n"
      "gives a quota its default back; quotas not named keep their\n"
      "limits.  Lowering a limit below the usage deletes nothing; it only\n"
      "refuses new objects.\n"
      "  --max-ports=N            ports in all its networks (default 1000)\n"
      "  --max-networks=N         networks (default 100)\n"
      "  --max-ips-per-port=N     IPv4 addresses of one port (default 16)\n",
      1, 1, CO_BIT(MAX_PORTS) | CO_BIT(MAX_NETWORKS)
      | CO_BIT(MAX_IPS_PER_PORT), 0, true,
      db_parse_tenant_set, db_write_request, api_tenant_set },
    { "tenant-quota", "tenant-quota NAME",
      "Prints a tenant's quotas: each limit, its usage, and whether the\n"
      "limit is the default.\n",
      1, 1, 0, 0, false,
      db_parse_tenant_quota, db_read_tenant_quota, api_tenant_quota },
    { "tenant-token", "tenant-token NAME",
      "With --api only: issues a new token for tenant NAME and prints it\n"
      "(once); the old token stops working.\n",
      1, 1, 0, 0, true,
      NULL, NULL, api_tenant_token },
    { "net-add", "net-add TENANT/NET --type=vlan|vxlan|gre|geneve "
      "--segment=ID [--mtu=N] [--cidr=A.B.C.D/LEN] [--gateway=A.B.C.D]",
      "Adds a network to a tenant.\n"
      "\n"
      "  --type=TYPE      vlan (over the hosts' uplinks), or an overlay:\n"
      "                   vxlan, gre or geneve\n"
      "  --segment=ID     VLAN ID (1-4094), or VNI / GRE key\n"
      "                   (1-16777215); unique per type\n"
      "  --mtu=N          the endpoints' MTU (68-65535); default: the\n"
      "                   underlay MTU minus the encapsulation overhead\n"
      "  --cidr=A.B.C.D/LEN  its IPv4 subnet (length 8-30): ports' IPs\n"
      "                   must lie in it, a port added without one gets\n"
      "                   the lowest free address, and a router can be\n"
      "                   attached; without it the network is pure L2\n"
      "  --gateway=A.B.C.D  the subnet's gateway, which an attached router\n"
      "                   takes (default: the first host address)\n",
      1, 1, CO_BIT(TYPE) | CO_BIT(SEGMENT) | CO_BIT(MTU) | CO_BIT(CIDR)
      | CO_BIT(GATEWAY), CO_BIT(TYPE) | CO_BIT(SEGMENT), true,
      db_parse_net_add, db_write_request, api_net_add },
    { "net-del", "net-del TENANT/NET",
      "Deletes a network.  It must have no ports left.\n",
      1, 1, 0, 0, true,
      db_parse_net_del, db_write_request, api_delete },
    { "net-list", "net-list [TENANT]",
      "Lists the networks (of TENANT): type, segment, effective MTU, key,\n"
      "and with a subnet its cidr, gateway and router.\n"
      "--format=json prints the REST API's network objects.\n",
      0, 1, 0, 0, false,
      db_parse_net_list, db_read_net_list, api_list },
    { "net-flows", "net-flows TENANT/NET",
      "With --api only: the network's installed flows on each host.\n",
      1, 1, 0, 0, false,
      NULL, NULL, api_net_flows },
    { "port-add", "port-add TENANT/NET/PORT --host=HOST --iface=IFACE "
      "--mac=MAC [--ip=A.B.C.D|IPV6]...",
      "Adds a port: interface IFACE on HOST joins the network.  weftd adds\n"
      "IFACE to the host's br-int once it exists there.\n"
      "\n"
      "  --host=HOST      the host the interface is on\n"
      "  --iface=IFACE    the interface's name on that host\n"
      "  --mac=MAC        its MAC (unicast, unique in the network); frames\n"
      "                   from any other source MAC are dropped\n"
      "  --ip=ADDRESS     an IPv4 or IPv6 address it may use (repeat for\n"
      "                   more); the switch answers ARP (IPv6: neighbour\n"
      "                   solicitations) for it.  Without an IPv4 --ip, on\n"
      "                   a network with a cidr, the lowest free address\n"
      "                   is allocated and printed\n",
      1, 1, CO_BIT(HOST) | CO_BIT(IFACE) | CO_BIT(MAC) | CO_BIT(IP),
      CO_BIT(HOST) | CO_BIT(IFACE) | CO_BIT(MAC), true,
      db_parse_port_add, db_write_request, api_port_add,
      db_after_port_add },
    { "port-del", "port-del TENANT/NET/PORT",
      "Deletes a port; weftd removes its interface from br-int.\n",
      1, 1, 0, 0, true,
      db_parse_port_del, db_write_request, api_delete },
    { "port-list", "port-list [TENANT[/NET]]",
      "Lists the ports (of TENANT or TENANT/NET): host, interface, MAC, IPs\n"
      "(IPv4 and IPv6), key, and its security groups if any.\n"
      "--format=json prints the REST API's port objects.\n",
      0, 1, 0, 0, false,
      db_parse_port_list, db_read_port_list, api_list },
    { "port-show", "port-show TENANT/NET/PORT",
      "Prints a port as port-list does: host, interface, MAC, IPs (IPv4\n"
      "and IPv6), key, and its security groups (\"groups web,db\").\n"
      "--format=json prints the REST API's port object.\n",
      1, 1, 0, 0, false,
      db_parse_port_show, db_read_port_show, api_port_show },
    { "router-add", "router-add TENANT/ROUTER [--snat]",
      "Adds a distributed router to a tenant.  It routes between the\n"
      "tenant's networks attached to it (router-attach), on the host where\n"
      "a packet enters.\n"
      "\n"
      "  --snat           egress SNAT: traffic to destinations outside the\n"
      "                   tenant's networks leaves through the local host's\n"
      "                   external side, with its external IP as source\n",
      1, 1, CO_BIT(SNAT), 0, true,
      db_parse_router_add, db_write_request, api_router_add },
    { "router-set", "router-set TENANT/ROUTER --snat=true|false",
      "Turns a router's egress SNAT on or off (see router-add).\n",
      1, 1, CO_BIT(SNAT), CO_BIT(SNAT), true,
      db_parse_router_set, db_write_request, api_router_set },
    { "router-del", "router-del TENANT/ROUTER",
      "Deletes a router.  It must have no network and no route left.\n",
      1, 1, 0, 0, true,
      db_parse_router_del, db_write_request, api_router_del },
    { "router-attach", "router-attach TENANT/ROUTER NET [--mac=MAC]",
      "Attaches network NET of the router's tenant: the router takes the\n"
      "network's gateway address.  NET needs a cidr that overlaps no other\n"
      "network of the router, and no other router.\n"
      "\n"
      "  --mac=MAC        the router's MAC on NET (default: 02:57:...\n"
      "                   from the router's and the network's keys)\n",
      2, 2, CO_BIT(MAC), 0, true,
      db_parse_router_attach, db_write_request, api_router_attach },
    { "router-detach", "router-detach TENANT/ROUTER NET",
      "Detaches network NET from the router.  No route may go through it.\n",
      2, 2, 0, 0, true,
      db_parse_router_detach, db_write_request, api_router_detach },
    { "route-add", "route-add TENANT/ROUTER PREFIX --via=A.B.C.D",
      "Adds a static route: packets to PREFIX (A.B.C.D/LEN, 0.0.0.0/0 for a\n"
      "default route) go to the next hop, an address in one of the\n"
      "router's attached subnets.  The longest prefix wins; an attached\n"
      "subnet wins over a route of the same length.\n"
      "\n"
      "  --via=A.B.C.D    the next hop\n",
      2, 2, CO_BIT(VIA), CO_BIT(VIA), true,
      db_parse_route_add, db_write_request, api_route_add },
    { "route-del", "route-del TENANT/ROUTER PREFIX",
      "Deletes the router's static route to PREFIX.\n",
      2, 2, 0, 0, true,
      db_parse_route_del, db_write_request, api_route_del },
    { "router-list", "router-list [TENANT]",
      "Lists the routers (of TENANT): key, attached networks, number of\n"
      "routes.  --format=json prints the REST API's router objects.\n",
      0, 1, 0, 0, false,
      db_parse_router_list, db_read_router_list, api_router_list },
    { "router-show", "router-show TENANT/ROUTER",
      "Prints a router: each attached network with the router's IP (the\n"
      "network's gateway) and MAC there, and its static routes (and\n"
      "\"snat on\" if it has egress SNAT).\n"
      "--format=json prints the REST API's router object.\n",
      1, 1, 0, 0, false,
      db_parse_router_show, db_read_router_show, api_router_show },
    { "pool-add", "pool-add NAME A.B.C.D/LEN",
      "Defines an external address pool (an administrator's command), from\n"
      "which tenants take floating IPs.  Its cidr overlaps no other pool's.\n",
      2, 2, 0, 0, true,
      db_parse_pool_add, db_write_request, api_pool_add },
    { "pool-del", "pool-del NAME",
      "Deletes a pool.  No floating IP of it may be left.\n",
      1, 1, 0, 0, true,
      db_parse_pool_del, db_write_request, api_pool_del },
    { "pool-list", "pool-list",
      "Lists the pools: cidr and how many floating IPs are taken.\n"
      "--format=json prints the REST API's pool objects.\n",
      0, 0, 0, 0, false,
      NULL, db_read_pool_list, api_pool_list },
    { "fip-add", "fip-add TENANT --pool=POOL [--ip=A.B.C.D] "
      "[--port=NET/PORT]",
      "Takes a floating IP from a pool for the tenant and prints it: an\n"
      "external address dedicated to one endpoint, both ways.\n"
      "\n"
      "  --pool=POOL      the pool\n"
      "  --ip=A.B.C.D     this address of the pool (default: the lowest\n"
      "                   free one)\n"
      "  --port=NET/PORT  assign it to this port of the tenant at once; its\n"
      "                   host needs an external side on the address's LAN\n",
      1, 1, CO_BIT(POOL) | CO_BIT(IP) | CO_BIT(PORT), CO_BIT(POOL), true,
      db_parse_fip_add, db_write_fip_add, api_fip_add },
    { "fip-del", "fip-del TENANT A.B.C.D",
      "Gives a floating IP of the tenant back to its pool.\n",
      2, 2, 0, 0, true,
      db_parse_fip_del, db_write_request, api_fip_del },
    { "fip-set", "fip-set TENANT A.B.C.D --port=NET/PORT | --no-port",
      "Assigns a floating IP of the tenant to a port, or moves it there\n"
      "(--port=NET/PORT), or unassigns it (--no-port).\n",
      2, 2, CO_BIT(PORT) | CO_BIT(NO_PORT), 0, true,
      db_parse_fip_set, db_write_request, api_fip_set },
    { "fip-list", "fip-list [TENANT]",
      "Lists the floating IPs (of TENANT): tenant, pool, and the port it is\n"
      "assigned to and that port's host (-: unassigned).\n"
      "--format=json prints the REST API's floating IP objects.\n",
      0, 1, 0, 0, false,
      db_parse_tenant_filter, db_read_fip_list, api_fip_list },
    { "map-add", "map-add TENANT/NET/PORT HOST_PORT:PORT[/tcp|udp]",
      "Publishes a port of an endpoint on its host's external IP, like\n"
      "docker run -p: traffic from outside to HOST_PORT of the host's\n"
      "external IP goes to PORT of the endpoint's (first) IP.  Only mapped\n"
      "ports are reachable from outside.  The protocol defaults to tcp.\n"
      "A host port is mapped at most once per host and protocol.\n",
      2, 2, 0, 0, true,
      db_parse_map_add, db_write_request, api_map_add },
    { "map-del", "map-del TENANT/NET/PORT HOST_PORT[/tcp|udp]",
      "Deletes a port mapping of the port.\n",
      2, 2, 0, 0, true,
      db_parse_map_del, db_write_request, api_map_del },
    { "map-list", "map-list [TENANT]",
      "Lists the port mappings (of TENANT), one a line: host, its external\n"
      "IP, host port and protocol -> the endpoint port and its IP and\n"
      "port.  --format=json prints the REST API's port mapping objects.\n",
      0, 1, 0, 0, false,
      db_parse_tenant_filter, db_read_map_list, api_map_list },
    { "service-add", "service-add TENANT/SERVICE --router=ROUTER "
      "--vip=A.B.C.D --port=PORT [--proto=tcp|udp] [--node-port=N]",
      "Adds a service: a virtual IP whose connections the switches spread\n"
      "over its backends (backend-add), on the host of the client, with\n"
      "conntrack NAT in the router's zone.  The tenant's endpoints on\n"
      "networks attached to the router reach it.\n"
      "\n"
      "  --router=ROUTER  the tenant's router that serves it\n"
      "  --vip=A.B.C.D    the virtual IP: unicast, outside the router's\n"
      "                   subnets\n"
      "  --port=PORT      its port (1-65535); VIP, port and protocol are\n"
      "                   unique per router\n"
      "  --proto=PROTO    tcp (default) or udp\n"
      "  --node-port=N    also expose it on N of every host's external IP\n"
      "                   (hosts with a live local backend answer); unique\n"
      "                   per protocol, not a port mapping's host port\n",
      1, 1, CO_BIT(ROUTER) | CO_BIT(VIP) | CO_BIT(PORT) | CO_BIT(PROTO)
      | CO_BIT(NODE_PORT), CO_BIT(ROUTER) | CO_BIT(VIP) | CO_BIT(PORT), true,
      db_parse_service_add, db_write_request, api_service_add },
    { "service-del", "service-del TENANT/SERVICE",
      "Deletes a service.  Connections already made keep flowing until\n"
      "they end (conntrack keeps their NAT).\n",
      1, 1, 0, 0, true,
      db_parse_service_del, db_write_request, api_service_del },
    { "service-set", "service-set TENANT/SERVICE --node-port=N | "
      "--no-node-port",
      "Sets or removes a service's node port (see service-add).\n",
      1, 1, CO_BIT(NODE_PORT) | CO_BIT(NO_NODE_PORT), 0, true,
      db_parse_service_set, db_write_request, api_service_set },
    { "service-list", "service-list [TENANT]",
      "Lists the services (of TENANT): VIP, port and protocol, router,\n"
      "node port and number of backends.\n"
      "--format=json prints the REST API's service objects.\n",
      0, 1, 0, 0, false,
      db_parse_tenant_filter, db_read_service_list, api_service_list },
    { "service-show", "service-show TENANT/SERVICE",
      "Prints a service and each backend: endpoint, IP and port, weight,\n"
      "up or down, and its counters summed over the hosts, read from their\n"
      "switches: connections (new connections sent to it: its select\n"
      "group bucket's packets) and packets (to it through the VIP).\n"
      "--format=json prints the REST API's service object with \"stats\".\n",
      1, 1, 0, 0, false,
      db_parse_service_show, db_read_service_show, api_service_show },
    { "backend-add", "backend-add TENANT/SERVICE NET/PORT [--port=PORT] "
      "[--weight=W] [--down]",
      "Adds a backend to a service: port NET/PORT of the service's tenant,\n"
      "with an IPv4 address, on a network attached to the service's router.\n"
      "\n"
      "  --port=PORT      the port it listens on (default: the service's)\n"
      "  --weight=W       its share of new connections, 1-256 (default 1)\n"
      "  --down           marked down: it gets no new connection\n",
      2, 2, CO_BIT(PORT) | CO_BIT(WEIGHT) | CO_BIT(DOWN), 0, true,
      db_parse_backend_add, db_write_request, api_backend_add },
    { "backend-del", "backend-del TENANT/SERVICE NET/PORT",
      "Removes a backend from a service: it gets no new connection; its\n"
      "existing connections keep flowing until they end.\n",
      2, 2, 0, 0, true,
      db_parse_backend_del, db_write_request, api_backend_del },
    { "backend-set", "backend-set TENANT/SERVICE NET/PORT [--port=PORT] "
      "[--weight=W] [--down|--up]",
      "Changes a backend of a service: its port, its weight, or marks it\n"
      "down (no new connection; existing ones keep flowing) or up again.\n",
      2, 2, CO_BIT(PORT) | CO_BIT(WEIGHT) | CO_BIT(DOWN) | CO_BIT(UP), 0,
      true, db_parse_backend_set, db_write_request, api_backend_set },
    { "sg-add", "sg-add TENANT/GROUP",
      "Adds a security group to a tenant.  A port that is a member of a\n"
      "group with a rule of a direction (ingress: to the port; egress: from\n"
      "it) passes in that direction only the IP that a rule of one of its\n"
      "groups allows, and the replies (stateful, conntrack).\n",
      1, 1, 0, 0, true,
      db_parse_sg_add, db_write_request, api_sg_add },
    { "sg-del", "sg-del TENANT/GROUP",
      "Deletes a security group and its rules.  It must have no members\n"
      "and be no other rule's remote group.\n",
      1, 1, 0, 0, true,
      db_parse_sg_del, db_write_request, api_sg_del },
    { "sg-list", "sg-list [TENANT]",
      "Lists the security groups (of TENANT): number of rules and members.\n"
      "--format=json prints the REST API's security group objects.\n",
      0, 1, 0, 0, false,
      db_parse_tenant_filter, db_read_sg_list, api_sg_list },
    { "sg-show", "sg-show TENANT/GROUP",
      "Prints a security group: each rule (id, direction, protocol and\n"
      "ports, remote, the cookie of its flows: ovs-ofctl dump-flows\n"
      "cookie=C/-1) with its packets counter summed over the hosts, read\n"
      "from their switches; its members (NET/PORT); and the packets their\n"
      "default deny dropped, per direction.\n"
      "--format=json prints the REST API's object with \"stats\".\n",
      1, 1, 0, 0, false,
      db_parse_sg_show, db_read_sg_show, api_sg_show },
    { "sg-rule-add", "sg-rule-add TENANT/GROUP --direction=ingress|egress "
      "[--proto=tcp|udp|icmp|any] [--ports=N|N-M] "
      "[--remote-cidr=PREFIX | --remote-group=GROUP]",
      "Adds a rule to a security group and prints its id (unique in the\n"
      "tenant, in its flows' cookies).\n"
      "\n"
      "  --direction=D    ingress (to the members) or egress (from them)\n"
      "  --proto=P        tcp, udp, icmp or any (default)\n"
      "  --ports=N|N-M    destination ports, tcp and udp only (default:\n"
      "                   every port)\n"
      "  --remote-cidr=PREFIX  the other end's IPv4 or IPv6 prefix\n"
      "  --remote-group=GROUP  the other end is a member of GROUP of the\n"
      "                   tenant (may be the group itself)\n"
      "Without a remote, any address.\n",
      1, 1, CO_BIT(DIRECTION) | CO_BIT(PROTO) | CO_BIT(PORTS)
      | CO_BIT(REMOTE_CIDR) | CO_BIT(REMOTE_GROUP), CO_BIT(DIRECTION), true,
      db_parse_sg_rule_add, db_write_request, api_sg_rule_add,
      db_after_sg_rule_add },
    { "sg-rule-del", "sg-rule-del TENANT/GROUP ID",
      "Deletes rule ID of a security group.  Established connections that\n"
      "only it allowed stop: their next packets meet the default deny.\n",
      2, 2, 0, 0, true,
      db_parse_sg_rule_del, db_write_request, api_sg_rule_del },
    { "sg-member-add", "sg-member-add TENANT/GROUP NET/PORT",
      "Makes port NET/PORT of the group's tenant a member of the group.\n",
      2, 2, 0, 0, true,
      db_parse_sg_member_add, db_write_request, api_sg_member_add },
    { "sg-member-del", "sg-member-del TENANT/GROUP NET/PORT",
      "Removes port NET/PORT from the group.\n",
      2, 2, 0, 0, true,
      db_parse_sg_member_del, db_write_request, api_sg_member_del },
    { "show", "show",
      "Prints nb_cfg, every host with its connection state and cur_cfg,\n"
      "and every tenant's networks and ports with their OpenFlow port and\n"
      "link state, its routers, floating IPs, port mappings and services.\n"
      "--format=json prints what \"weftctl --api --json show\" prints:\n"
      "{\"status\": ..., \"networks\": [...], \"ports\": [...],\n"
      "\"routers\": [...], \"floating_ips\": [...], \"port_mappings\": [...],\n"
      "\"services\": [...]}.\n",
      0, 0, 0, 0, false,
      NULL, db_read_show, api_show },
    { "status", "status",
      "Prints the database: standalone or clustered, each member of the\n"
      "--db remote list (leader or follower, connected, or not\n"
      "answering) and the leader; the active weftd (controller: NAME,\n"
      "generation, since when), the last failover (previous -> active,\n"
      "or none); then nb_cfg and each host's connection state and\n"
      "cur_cfg.  With --api, the same from GET /v1/status (the members\n"
      "of weftd's own remote list).  --format=json prints /v1/status's\n"
      "object: {\"nb_cfg\", \"hosts\", \"cluster\", \"controller\"}.\n",
      0, 0, 0, 0, false,
      NULL, db_read_status, api_status },
    { "sync", "sync",
      "Waits until every host has installed the current configuration\n"
      "(Host.cur_cfg reaches nb_cfg), or until --timeout.\n",
      0, 0, 0, 0, true,
      NULL, db_write_nothing, NULL },
};

const size_t n_ctl_commands = sizeof ctl_commands / sizeof *ctl_commands;

const struct ctl_command *
ctl_command_find(const char *name)
{
    for (size_t i = 0; i < n_ctl_commands; i++) {
        if (!strcmp(ctl_commands[i].name, name)) {
            return &ctl_commands[i];
        }
    }
    return NULL;
}

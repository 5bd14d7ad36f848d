"""benchpolicy: the security groups of `bench/run --policy` (issue #15).

The policy variant of a size is the plain topology plus security groups on
its first M ports (--policy-ports, default 1,000; the ports rotate over
networks and hosts, so about M/H per host), in groups of --policy-group-size
(default 50) ports of one tenant.  Every group has the same four rules,
which exercise each kind of flow compile-acl.c makes:

  ingress tcp/22 from 10.0.0.0/8      a CIDR remote (member x remote x port)
  ingress tcp/8000-8999               a port range, no remote (member x
                                      port: bitwise prefixes of the range)
  ingress any from the group itself   a remote group (a row per address of
                                      every member, on every member's host)
  egress any                          the member dimension only (plain rows)

The rows go into weft's database in the topology's transaction, as the
writer would make them: rule_id unique within the tenant, flow_key unique
overall.  The port added by the port-add scenario joins the first group, so
its latency includes the remote-group rows it adds on every host that has a
member of that group.

Pipeline: weftbench.py -> benchlab (Topo.sgs, Weft.write_topology and
add_port call this) -> benchscen -> benchreport.
"""

MAX_RULE_KEYS = 60000   # Security_Rule.flow_key's range (weft.ovsschema)

# The rules of every group: (direction, proto, port_min, port_max,
# remote_cidr, remote_group is the group itself).
RULES = [("ingress", "tcp", 22, 22, "10.0.0.0/8", False),
         ("ingress", "tcp", 8000, 8999, None, False),
         ("ingress", "any", None, None, None, True),
         ("egress", "any", None, None, None, False)]


def make_groups(topo, n_ports=1000, group_size=50):
    """[(name, tenant idx, [port idx])]: the first n_ports ports of 'topo',
    each tenant's in port order cut into groups of group_size."""
    by_tenant = {}
    for i in range(min(n_ports, len(topo.ports))):
        tk = topo.nets[topo.ports[i][1]][1]
        by_tenant.setdefault(tk, []).append(i)
    groups = []
    for tk in sorted(by_tenant):
        ids = by_tenant[tk]
        for k in range(0, len(ids), group_size):
            groups.append(("sg%d" % (len(groups) + 1), tk, ids[k:k + group_size]))
    if len(groups) * len(RULES) > MAX_RULE_KEYS:
        raise SystemExit("weftbench: %d security rules exceed weft's %d"
                         % (len(groups) * len(RULES), MAX_RULE_KEYS))
    return groups


def port_groups(topo):
    """Port idx -> the index of its group in topo.sgs."""
    return {i: g for g, (_, _, ids) in enumerate(topo.sgs) for i in ids}


def group_ref(g):
    return ["named-uuid", "sg%d" % g]


def ops(topo):
    """OVSDB insert operations of topo.sgs and their rules (the tenants are
    the topology transaction's named rows "t<idx>"; the ports name their
    group with group_ref())."""
    res = []
    key = 0
    rule_ids = {}
    for g, (name, tk, _) in enumerate(topo.sgs):
        refs = []
        for direction, proto, lo, hi, cidr, own in RULES:
            key += 1
            rule_ids[tk] = rule_ids.get(tk, 0) + 1
            row = {"rule_id": rule_ids[tk], "flow_key": key, "direction": direction,
                   "proto": proto}
            if lo is not None:
                row["port_min"], row["port_max"] = lo, hi
            if cidr:
                row["remote_cidr"] = cidr
            if own:
                row["remote_group"] = group_ref(g)
            res.append({"op": "insert", "table": "Security_Rule",
                        "uuid-name": "sr%d" % key, "row": row})
            refs.append(["named-uuid", "sr%d" % key])
        res.append({"op": "insert", "table": "Security_Group", "uuid-name": "sg%d" % g,
                    "row": {"tenant": ["named-uuid", "t%d" % tk], "name": name,
                            "rules": ["set", refs]}})
    return res


def first_group_uuid(rpc):
    """The uuid of group sg1 (the port-add scenario's port joins it)."""
    res = rpc.transact("Weft", [{"op": "select", "table": "Security_Group",
                                 "where": [["name", "==", "sg1"]], "columns": ["_uuid"]}])
    rows = res[0]["rows"]
    return rows[0]["_uuid"] if rows else None


def describe(topo):
    return "policy=%d groups/%d ports" % (len(topo.sgs), sum(len(g[2]) for g in topo.sgs))

"""benchlab: the benchmark's lab -- helpers, daemons by PID, a minimal OVSDB
JSON-RPC client, the generated topology, simulated hosts (ovsdb-server +
dummy ovs-vswitchd each), weft's database and weftd, and OVN's daemons.

Pipeline: weftbench.py (sizes) -> benchlab (this: set-up) -> benchscen
(scenarios) + benchbase (baselines) -> benchreport (table, CSV, plot).
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import benchpolicy

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
SRC = os.path.dirname(HERE)
VSWITCH_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
OVN_NB_SCHEMA = "/usr/share/ovn/ovn-nb.ovsschema"
OVN_SB_SCHEMA = "/usr/share/ovn/ovn-sb.ovsschema"
TYPES = ["vxlan", "geneve", "gre", "vlan"]
CLK_TCK = os.sysconf("SC_CLK_TCK")
VERBOSE = False


def log(msg):
    if VERBOSE:
        sys.stderr.write("[%s] %s\n" % (time.strftime("%H:%M:%S"), msg))
        sys.stderr.flush()


def run(*args, env=None, check=True, capture=True, timeout=None):
    r = subprocess.run(list(args), env=env, timeout=timeout,
                       stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                       stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
                       universal_newlines=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), r.returncode,
                                                   (r.stderr or "").strip()))
    return r.stdout if capture else ""


def wait_until(pred, timeout, interval=0.01, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise TimeoutError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


# ---------------------------------------------------------------- processes

class Procs:
    """Every daemon the benchmark starts, by the PID its pidfile held right
    after it started, so that cleanup kills exactly those and nothing else
    (even if the run directory is gone)."""

    def __init__(self):
        self.pids = {}          # pidfile -> pid

    def add(self, pidfile):
        pid = self.pid(pidfile)
        if pid:
            self.pids[pidfile] = pid

    @staticmethod
    def pid(pidfile):
        try:
            with open(pidfile) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def kill_one(self, pidfile, sig=signal.SIGTERM, wait=5.0):
        self.kill_many([pidfile], wait)

    def kill_many(self, pidfiles, wait=5.0):
        """SIGTERM to all at once, then SIGKILL whatever is left."""
        pids = [p for p in (self.pids.pop(pf, None) or self.pid(pf) for pf in pidfiles) if p]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + wait
        while pids and time.monotonic() < deadline:
            alive = []
            for pid in pids:
                try:
                    os.kill(pid, 0)
                    alive.append(pid)
                except ProcessLookupError:
                    pass
            pids = alive
            time.sleep(0.02)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def cleanup(self):
        self.kill_many(list(self.pids))


PROCS = Procs()


def proc_stats(pid):
    """(peak RSS in KiB, CPU seconds user+system) of a live process."""
    m = proc_mem(pid)
    return m["hwm"], proc_cpu(pid)


def proc_cpu(pid):
    """CPU seconds (user + system) of a process, None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_mem(pid):
    """{"rss": VmRSS, "hwm": VmHWM} in KiB of a live process."""
    res = {"rss": 0, "hwm": 0}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                res["hwm"] = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                res["rss"] = int(line.split()[1])
    return res


def daemon_kind(pidfile):
    """Which CPU column a daemon counts in: "vswitchd", "ovsdb" (every
    ovsdb-server: the hosts', weft's database, OVN's NB and SB) or None."""
    base = os.path.basename(pidfile)
    if base == "ovs-vswitchd.pid":
        return "vswitchd"
    if base == "ovsdb-server.pid" or base.endswith("-db.pid"):
        return "ovsdb"
    return None


def cpu_snapshot():
    """CPU seconds of every live ovs-vswitchd and ovsdb-server the bench
    started: {pid: (kind, seconds)}."""
    snap = {}
    for pf, pid in list(PROCS.pids.items()):
        kind = daemon_kind(pf)
        cpu = proc_cpu(pid) if kind else None
        if cpu is not None:
            snap[pid] = (kind, cpu)
    return snap


def cpu_delta(before, after, kind):
    """CPU seconds that daemons of 'kind' used between two snapshots.  A
    daemon started in between counts from 0; one that died in between loses
    its last part (the vswitchd-restart scenario's killed switch)."""
    total = 0.0
    for pid, (k, cpu) in after.items():
        if k == kind:
            prev = before.get(pid)
            total += cpu - (prev[1] if prev else 0.0)
    return total


# ---------------------------------------------------------------- OVSDB JSON-RPC

class Rpc:
    """Minimal OVSDB JSON-RPC client over a unix socket."""

    def __init__(self, path, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.next_id = 0
        self.dec = json.JSONDecoder()

    def close(self):
        self.sock.close()

    def _recv(self):
        while True:
            s = self.buf.lstrip()
            if s:
                try:
                    obj, end = self.dec.raw_decode(s.decode())
                    self.buf = s.decode()[end:].encode()
                    return obj
                except ValueError:
                    pass
            data = self.sock.recv(1 << 20)
            if not data:
                raise EOFError("ovsdb connection closed")
            self.buf += data

    def call(self, method, params):
        self.next_id += 1
        my = self.next_id
        self.sock.sendall(json.dumps({"method": method, "params": params,
                                      "id": my}).encode())
        while True:
            msg = self._recv()
            if msg.get("method") == "echo":
                self.sock.sendall(json.dumps({"result": msg["params"],
                                              "error": None,
                                              "id": msg["id"]}).encode())
                continue
            if msg.get("id") == my:
                if msg.get("error"):
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg["result"]

    def transact(self, db, ops):
        res = self.call("transact", [db] + ops)
        for i, r in enumerate(res):
            if r and "error" in r:
                raise RuntimeError("transaction failed at op %d (%s): %s"
                                   % (i, json.dumps(ops[i])[:200] if i < len(ops) else "commit",
                                      json.dumps(r)))
        return res


def ovs_set(values):
    return ["set", list(values)]


# ---------------------------------------------------------------- topology

class Topo:
    """H hosts, T tenants, N networks (type mix), P ports.  Network n spans
    'span' consecutive hosts starting at n % H; its ports rotate over them.
    Each network has its own subnet (net_cidr()); with 'routers', each
    tenant has one router attached to all of its networks.  With 'services'
    (which needs the routers), each tenant's router gets one service per 10
    of the tenant's ports: a VIP (172.20.0.0/16, outside every subnet):80/tcp
    whose 3 backends are the first 3 of those 10 ports (port 80)."""

    def __init__(self, H, P, N=None, T=None, span=3, routers=False, services=False,
                 policy=None):
        self.H, self.P = H, P
        self.N = N or max(4, P // 25)
        self.T = T or max(1, self.N // 5)
        self.span = min(span, H)
        self.routers = routers or services
        # Ports per network, plus room for the extra ports of port-add
        # (.100 up) in network 0: a /24 each while that fits, else a /16.
        per_net = -(-P // self.N)
        self.plen = 24 if per_net + 2 < 100 else 16
        if self.plen == 16 and self.N > 250:
            raise SystemExit("weftbench: %d networks of %d ports do not fit "
                             "10.0.0.0/8 as /16s" % (self.N, per_net))
        if self.plen == 24 and self.N > 65000:
            raise SystemExit("weftbench: too many networks (%d)" % self.N)
        self.hosts = ["h%d" % (i + 1) for i in range(H)]
        self.tenants = ["t%d" % (t + 1) for t in range(self.T)]
        self.nets = []          # (name, tenant idx, type, segment, [host idx])
        per_type = {}
        for n in range(self.N):
            typ = TYPES[n % len(TYPES)]
            per_type[typ] = per_type.get(typ, 0) + 1
            seg = per_type[typ] + (100 if typ != "vlan" else 0)
            home = [(n + k) % H for k in range(self.span)]
            self.nets.append(("n%d" % (n + 1), n % self.T, typ, seg, home))
        self.ports = [self.port(i) for i in range(P)]
        self.services = self._services() if services else []
        # policy: (ports in groups, group size), see benchpolicy.py.
        self.sgs = benchpolicy.make_groups(self, *policy) if policy else []

    def _services(self):
        """[(name, tenant idx, vip, port, [backend port idx])]: per tenant,
        one service per 10 of its ports (in port order), backends the first
        3 of them (different networks of the tenant, so mostly different
        hosts)."""
        by_tenant = {}
        for i, p in enumerate(self.ports):
            by_tenant.setdefault(self.nets[p[1]][1], []).append(i)
        res = []
        for tk in sorted(by_tenant):
            ids = by_tenant[tk]
            for k in range(len(ids) // 10):
                x = len(res) + 1
                if x > 65535:
                    raise SystemExit("weftbench: more than 65535 services")
                res.append(("s%d" % x, tk, "172.20.%d.%d" % (x >> 8, x & 255), 80,
                            ids[10 * k:10 * k + 3]))
        return res

    def port(self, i):
        """(name, net idx, host idx, iface, mac, ip) of port i."""
        n = i % self.N
        j = i // self.N
        home = self.nets[n][4]
        h = home[j % len(home)]
        mac = "02:%02x:%02x:%02x:%02x:%02x" % ((i >> 32) & 255, (i >> 24) & 255,
                                               (i >> 16) & 255, (i >> 8) & 255, i & 255)
        return ("p%d" % (i + 1), n, h, "wp%d" % (i + 1), mac,
                self.net_ip(n, j + 2))

    def net_base(self, n):
        """The first three (/24) or two (/16) octets of network n's subnet."""
        if self.plen == 24:
            return "10.%d.%d" % (((n + 1) >> 8) & 255, (n + 1) & 255)
        return "10.%d" % (n + 1)

    def net_cidr(self, n):
        return "%s.%s/%d" % (self.net_base(n), "0" if self.plen == 24 else "0.0",
                             self.plen)

    def net_gateway(self, n):
        return self.net_ip(n, 1)

    def net_ip(self, n, k):
        """Host address k (1 = the gateway) of network n's subnet."""
        if self.plen == 24:
            return "%s.%d" % (self.net_base(n), k)
        return "%s.%d.%d" % (self.net_base(n), k >> 8, k & 255)

    def router_mac(self, t, n):
        return "02:57:%02x:%02x:%02x:%02x" % ((t + 1) >> 8, (t + 1) & 255,
                                              ((n + 1) >> 8) & 255, (n + 1) & 255)

    def served_hosts(self, n):
        """Hosts that get flows for network n: its own, or with routers every
        host of a network of its tenant."""
        if not self.routers:
            return sorted(set(self.nets[n][4]))
        tk = self.nets[n][1]
        return sorted({h for net in self.nets if net[1] == tk for h in net[4]})

    def extra_port(self, k=0):
        """Port k of the extra ones (not in the topology), on network 0,
        placed on its first host; each repetition of port-add uses its own
        name, interface, MAC and IP."""
        n = 0
        h = self.nets[0][4][0]
        mac = "02:ee:00:%02x:%02x:%02x" % ((k >> 16) & 255, (k >> 8) & 255, k & 255)
        return ("pextra%d" % k, n, h, "wpx%d" % k, mac, self.net_ip(0, 100 + k))

    def describe(self):
        return "H=%d T=%d N=%d P=%d span=%d routers=%d services=%d%s" % (
            self.H, self.T, self.N, self.P, self.span, self.T if self.routers else 0,
            len(self.services), " " + benchpolicy.describe(self) if self.sgs else "")


# ---------------------------------------------------------------- simulated host

class Switch:
    """One simulated host: ovsdb-server + ovs-vswitchd --enable-dummy=override,
    everything in its own directory (OVS_RUNDIR, so br-int.mgmt lands there)."""

    def __init__(self, d, name):
        self.dir = os.path.join(d, name)
        self.name = name
        os.makedirs(self.dir)
        self.env = dict(os.environ, OVS_RUNDIR=self.dir, OVS_DBDIR=self.dir,
                        OVS_LOGDIR=self.dir, OVN_RUNDIR=self.dir,
                        OVN_DBDIR=self.dir, OVN_LOGDIR=self.dir)
        self.db = "unix:%s/db.sock" % self.dir
        self.mgmt = "unix:%s/br-int.mgmt" % self.dir
        run("ovsdb-tool", "create", "%s/conf.db" % self.dir, VSWITCH_SCHEMA)
        self._daemon("ovsdb-server", "%s/conf.db" % self.dir,
                     "--remote=punix:%s/db.sock" % self.dir)
        run("ovs-vsctl", "--db=" + self.db, "--no-wait", "init")
        self.start_vswitchd()

    def _daemon(self, prog, *args):
        pf = "%s/%s.pid" % (self.dir, prog)
        run(prog, *args, "--pidfile=" + pf, "--unixctl=%s/%s.ctl" % (self.dir, prog),
            "--log-file=%s/%s.log" % (self.dir, prog), "--detach", env=self.env)
        PROCS.add(pf)
        return pf

    def start_vswitchd(self):
        self.vswitchd_pf = self._daemon("ovs-vswitchd", "--enable-dummy=override",
                                        self.db)

    def stop_vswitchd(self):
        PROCS.kill_one(self.vswitchd_pf)
        for f in ("br-int.mgmt", "ovs-vswitchd.ctl"):
            try:
                os.unlink(os.path.join(self.dir, f))
            except OSError:
                pass

    def vsctl(self, *args):
        return run("ovs-vsctl", "--db=" + self.db, *args)

    def flow_count(self):
        r = subprocess.run(["ovs-ofctl", "-O", "OpenFlow15", "dump-aggregate", self.mgmt],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True)
        m = re.search(r"flow_count=(\d+)", r.stdout)
        return int(m.group(1)) if r.returncode == 0 and m else None

    def group_count(self):
        """OpenFlow groups on br-int (services' select groups), None if the
        switch does not answer."""
        r = subprocess.run(["ovs-ofctl", "-O", "OpenFlow15", "dump-groups", self.mgmt],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True)
        return r.stdout.count("group_id=") if r.returncode == 0 else None

    def dump_flows(self, path):
        out = run("ovs-ofctl", "-O", "OpenFlow15", "--no-names", "dump-flows",
                  "--no-stats", self.mgmt)
        with open(path, "w") as f:
            for line in out.splitlines():
                if line.startswith(" ") or line.startswith("cookie") or "actions=" in line:
                    f.write(line.strip() + "\n")


# ---------------------------------------------------------------- weft

class Weft:
    def __init__(self, d, build, topo):
        self.d = os.path.join(d, "weft")
        os.makedirs(self.d)
        self.build = build
        self.topo = topo
        self.weftd = os.path.join(build, "controller", "weftd")
        self.weftctl = os.path.join(build, "controller", "weftctl")
        self.sock = "%s/weft.sock" % self.d
        self.ctl = "%s/weftd.ctl" % self.d
        run("ovsdb-tool", "create", "%s/weft.db" % self.d,
            os.path.join(SRC, "ovsdb", "weft.ovsschema"))
        pf = "%s/weft-db.pid" % self.d
        run("ovsdb-server", "%s/weft.db" % self.d, "--remote=punix:" + self.sock,
            "--pidfile=" + pf, "--unixctl=%s/weft-db.ctl" % self.d,
            "--log-file=%s/weft-db.log" % self.d, "--detach")
        PROCS.add(pf)
        run(self.weftctl, "--db=unix:" + self.sock, "init")
        self.rpc = Rpc(self.sock)
        self.switches = [Switch(self.d, h) for h in topo.hosts]
        self.host_uuid = {}
        self.net_uuid = {}
        self.weftd_pf = "%s/weftd.pid" % self.d
        self.weftd_args = []    # --ha: c1's --name and --api (benchha.py)

    def start_weftd(self):
        run(self.weftd, "--db=unix:" + self.sock, "--pidfile=" + self.weftd_pf,
            "--unixctl=" + self.ctl, "--log-file=%s/weftd.log" % self.d, "--detach",
            *self.weftd_args)
        PROCS.add(self.weftd_pf)
        self.pid = Procs.pid(self.weftd_pf)

    def stop_weftd(self):
        run("ovs-appctl", "-t", self.ctl, "exit", check=False)
        PROCS.kill_one(self.weftd_pf)

    def stats(self):
        return proc_stats(self.pid)

    def hosts(self):
        """weft/hosts parsed: name -> dict."""
        out = run("ovs-appctl", "-t", self.ctl, "weft/hosts")
        res = {}
        for line in out.splitlines()[1:]:
            f = line.split()
            if not f:
                continue
            d = {"name": f[0]}
            for kv in f[1:]:
                if "=" in kv:
                    k, v = kv.split("=", 1)
                    d[k] = int(v) if v.lstrip("-").isdigit() else v
            res[f[0]] = d
        return res

    def flow_mods(self):
        return sum(h.get("flow_mods", 0) for h in self.hosts().values())

    # --- writes

    def _bump(self):
        return [{"op": "mutate", "table": "Weft_Global", "where": [],
                 "mutations": [["nb_cfg", "+=", 1]]},
                {"op": "select", "table": "Weft_Global", "where": [],
                 "columns": ["nb_cfg"]}]

    def _port_row(self, p, fk, net_ref, host_ref):
        name, n, h, iface, mac, ip = p
        return {"network": net_ref, "host": host_ref, "name": name, "iface": iface,
                "mac": mac, "ips": ovs_set([ip]), "flow_key": fk}

    def _host_ops(self):
        return [{"op": "insert", "table": "Host", "uuid-name": "h%d" % i,
                 "row": {"name": h, "ovsdb_remote": self.switches[i].db,
                         "tunnel_ip": "172.31.%d.%d" % (i // 250, i % 250 + 1),
                         "datapath_type": "netdev", "uplink": "up0"}}
                for i, h in enumerate(self.topo.hosts)]

    def write_hosts(self):
        """Registers the hosts alone (weftd creates br-int and connects)."""
        res = self.rpc.transact("Weft", self._host_ops() + self._bump())
        for i in range(self.topo.H):
            self.host_uuid[i] = ["uuid", res[i]["uuid"][1]]
        return res[-1]["rows"][0]["nb_cfg"]

    def write_topology(self, with_hosts=False):
        """Tenants, networks, ports (and the hosts if 'with_hosts') and an
        nb_cfg bump in one transaction; returns the new nb_cfg."""
        t = self.topo
        ops = self._host_ops() if with_hosts else []

        def host_ref(i):
            return ["named-uuid", "h%d" % i] if with_hosts else self.host_uuid[i]
        for k, tn in enumerate(t.tenants):
            ops.append({"op": "insert", "table": "Tenant", "uuid-name": "t%d" % k,
                        "row": {"name": tn, "flow_key": k + 1}})
        for n, (name, tk, typ, seg, home) in enumerate(t.nets):
            row = {"tenant": ["named-uuid", "t%d" % tk], "name": name,
                   "type": typ, "segment_id": seg, "flow_key": n + 1}
            if t.routers:
                row["cidr"] = t.net_cidr(n)
                row["gateway"] = t.net_gateway(n)
            ops.append({"op": "insert", "table": "Network", "uuid-name": "n%d" % n,
                        "row": row})
        backend = {i for sv in t.services for i in sv[4]}
        member = benchpolicy.port_groups(t)
        for i, p in enumerate(t.ports):
            op = {"op": "insert", "table": "Port",
                  "row": self._port_row(p, i + 1, ["named-uuid", "n%d" % p[1]],
                                        host_ref(p[2]))}
            if i in member:
                op["row"]["security_groups"] = ovs_set([benchpolicy.group_ref(member[i])])
            if i in backend:
                op["uuid-name"] = "p%d" % i
            ops.append(op)
        if t.routers:
            for k in range(len(t.tenants)):
                attach = [[["named-uuid", "n%d" % n], t.router_mac(k, n)]
                          for n, net in enumerate(t.nets) if net[1] == k]
                ops.append({"op": "insert", "table": "Router", "uuid-name": "r%d" % k,
                            "row": {"tenant": ["named-uuid", "t%d" % k],
                                    "name": "r%d" % (k + 1), "flow_key": k + 1,
                                    "networks": ["map", attach]}})
        for s, (name, tk, vip, port, bks) in enumerate(t.services):
            ops.append({"op": "insert", "table": "Service",
                        "row": {"tenant": ["named-uuid", "t%d" % tk],
                                "router": ["named-uuid", "r%d" % tk], "name": name,
                                "flow_key": s + 1, "vip": vip, "port": port, "proto": "tcp",
                                "backends": ["map", [[["named-uuid", "p%d" % i], port]
                                                     for i in bks]]}})
        ops += benchpolicy.ops(t)
        ops += self._bump()
        res = self.rpc.transact("Weft", ops)
        base = 0
        if with_hosts:
            for i in range(t.H):
                self.host_uuid[i] = ["uuid", res[i]["uuid"][1]]
            base = t.H
        base += len(t.tenants)
        for n in range(len(t.nets)):
            self.net_uuid[n] = ["uuid", res[base + n]["uuid"][1]]
        return res[-1]["rows"][0]["nb_cfg"]

    def add_port(self, p, k=0):
        row = self._port_row(p, 16000000 + k, self.net_uuid[p[1]], self.host_uuid[p[2]])
        if self.topo.sgs:       # with --policy, it joins the first group
            if getattr(self, "sg1", None) is None:
                self.sg1 = benchpolicy.first_group_uuid(self.rpc)
            row["security_groups"] = ovs_set([self.sg1])
        ops = [{"op": "insert", "table": "Port", "row": row}] + self._bump()
        return self.rpc.transact("Weft", ops)[-1]["rows"][0]["nb_cfg"]

    def del_port(self, p):
        ops = [{"op": "delete", "table": "Port", "where": [["name", "==", p[0]]]}] \
            + self._bump()
        return self.rpc.transact("Weft", ops)[-1]["rows"][0]["nb_cfg"]

    def wait_cfg(self, nb_cfg, timeout=1800):
        """Blocks until every Host.cur_cfg >= nb_cfg (an OVSDB "wait" op, so
        the server answers as soon as the last host's status is written)."""
        rpc = Rpc(self.sock)
        try:
            rpc.transact("Weft", [{"op": "wait", "table": "Host",
                                   "where": [["cur_cfg", "<", nb_cfg]],
                                   "columns": ["name"], "until": "==", "rows": [],
                                   "timeout": int(timeout * 1000)}])
        finally:
            rpc.close()

    def wait_ports(self, timeout=1800):
        """Blocks until every Port row has an ofport (weftd writes it back
        once the host's ovs-vswitchd has the interface): the "ports ready"
        phase of the bring-up."""
        rpc = Rpc(self.sock)
        try:
            rpc.transact("Weft", [{"op": "wait", "table": "Port",
                                   "where": [["ofport", "==", ["set", []]]],
                                   "columns": ["name"], "until": "==", "rows": [],
                                   "timeout": int(timeout * 1000)}])
        finally:
            rpc.close()

    def flow_mods_by_host(self):
        """weft/hosts' flow_mods counters: host name -> flow_mods sent."""
        return {h: st.get("flow_mods", 0) for h, st in self.hosts().items()}

    def unresolved_ports(self):
        res = self.rpc.transact("Weft", [{"op": "select", "table": "Port", "where": [],
                                          "columns": ["_uuid", "ofport"]}])
        return sum(1 for r in res[0]["rows"]
                   if not isinstance(r["ofport"], int) or r["ofport"] < 1)


# ---------------------------------------------------------------- OVN

class Ovn:
    def __init__(self, d, topo, encap):
        self.d = os.path.join(d, "ovn")
        os.makedirs(self.d)
        self.topo = topo
        self.encap = encap
        self.env = dict(os.environ, OVN_RUNDIR=self.d, OVS_RUNDIR=self.d,
                        OVN_LOGDIR=self.d, OVN_DBDIR=self.d)
        self.nb = "%s/nb.sock" % self.d
        self.sb = "%s/sb.sock" % self.d
        for db, schema in (("nb", OVN_NB_SCHEMA), ("sb", OVN_SB_SCHEMA)):
            run("ovsdb-tool", "create", "%s/%s.db" % (self.d, db), schema)
            pf = "%s/%s-db.pid" % (self.d, db)
            run("ovsdb-server", "%s/%s.db" % (self.d, db),
                "--remote=punix:%s/%s.sock" % (self.d, db), "--pidfile=" + pf,
                "--unixctl=%s/%s-db.ctl" % (self.d, db),
                "--log-file=%s/%s-db.log" % (self.d, db), "--detach", env=self.env)
            PROCS.add(pf)
        run("ovn-nbctl", "--db=unix:" + self.nb, "init")
        run("ovn-sbctl", "--db=unix:" + self.sb, "init")
        pf = "%s/ovn-northd.pid" % self.d
        run("ovn-northd", "--ovnnb-db=unix:" + self.nb, "--ovnsb-db=unix:" + self.sb,
            "--pidfile=" + pf, "--unixctl=%s/ovn-northd.ctl" % self.d,
            "--log-file=%s/ovn-northd.log" % self.d, "--detach", env=self.env)
        PROCS.add(pf)
        self.northd_pid = Procs.pid(pf)
        self.rpc = Rpc(self.nb)
        self.switches = []
        self.ctrl_pids = []
        for i, h in enumerate(topo.hosts):
            sw = Switch(self.d, h)
            ip = "172.31.%d.%d" % (i // 250, i % 250 + 1)
            sw.vsctl("--", "add-br", "br-int",
                     "--", "set", "bridge", "br-int", "datapath_type=netdev",
                     "fail_mode=secure", "other_config:disable-in-band=true",
                     "--", "add-br", "br-phys",
                     "--", "set", "bridge", "br-phys", "datapath_type=netdev",
                     "--", "add-port", "br-phys", "up0",
                     "--", "set", "open", ".",
                     "external_ids:system-id=" + h,
                     "external_ids:ovn-remote=unix:" + self.sb,
                     "external_ids:ovn-encap-type=" + encap,
                     "external_ids:ovn-encap-ip=" + ip,
                     "external_ids:ovn-bridge-mappings=physnet:br-phys")
            pf = "%s/ovn-controller.pid" % sw.dir
            run("ovn-controller", sw.db, "--pidfile=" + pf,
                "--log-file=%s/ovn-controller.log" % sw.dir, "--detach", env=sw.env)
            PROCS.add(pf)
            self.ctrl_pids.append(Procs.pid(pf))
            self.switches.append(sw)
        # Wait for every chassis to register.
        wait_until(lambda: len(self._select("Chassis", ["_uuid"], db="OVN_Southbound"))
                   == topo.H, 60, 0.1, "OVN chassis")

    def _select(self, table, cols, db="OVN_Northbound"):
        if db == "OVN_Northbound":
            return self.rpc.transact(db, [{"op": "select", "table": table, "where": [],
                                           "columns": cols}])[0]["rows"]
        rpc = Rpc(self.sb)
        try:
            return rpc.transact(db, [{"op": "select", "table": table, "where": [],
                                      "columns": cols}])[0]["rows"]
        finally:
            rpc.close()

    def add_vifs(self):
        """The hypervisor's part: a VIF per port on its host's br-int with
        external_ids:iface-id, one ovs-vsctl call per host (not timed as OVN)."""
        per_host = {}
        for p in self.topo.ports:
            per_host.setdefault(p[2], []).append(p)
        procs = []
        for h, ports in per_host.items():
            args = ["ovs-vsctl", "--no-wait", "--db=" + self.switches[h].db]
            for (name, n, hh, iface, mac, ip) in ports:
                args += ["--", "add-port", "br-int", iface,
                         "--", "set", "interface", iface,
                         "external_ids:iface-id=" + self._lsp(name)]
            procs.append(subprocess.Popen(args, stdout=subprocess.DEVNULL))
        for pr in procs:
            if pr.wait() != 0:
                raise RuntimeError("ovs-vsctl add-port failed")

    def _lsp(self, name):
        return name

    def _lsp_op(self, p, ls_ref):
        name, n, h, iface, mac, ip = p
        return [{"op": "insert", "table": "Logical_Switch_Port", "uuid-name": "l" + name,
                 "row": {"name": self._lsp(name), "addresses": ovs_set(["%s %s" % (mac, ip)]),
                         "port_security": ovs_set(["%s %s" % (mac, ip)])}},
                {"op": "mutate", "table": "Logical_Switch",
                 "where": [["_uuid", "==", ls_ref]],
                 "mutations": [["ports", "insert", ovs_set([["named-uuid", "l" + name]])]]}]

    def _bump(self):
        return [{"op": "mutate", "table": "NB_Global", "where": [],
                 "mutations": [["nb_cfg", "+=", 1]]},
                {"op": "select", "table": "NB_Global", "where": [],
                 "columns": ["nb_cfg"]}]

    def write_topology(self):
        """Logical switch per network (a localnet port with the VLAN tag for
        vlan networks), LSPs with addresses and port security, nb_cfg bump,
        one transaction."""
        ops = []
        ports_of = {}
        for p in self.topo.ports:
            ports_of.setdefault(p[1], []).append(p)
        for n, (name, tk, typ, seg, home) in enumerate(self.topo.nets):
            lsps = []
            for p in ports_of.get(n, []):
                ops.append({"op": "insert", "table": "Logical_Switch_Port",
                            "uuid-name": "l" + p[0],
                            "row": {"name": self._lsp(p[0]),
                                    "addresses": ovs_set(["%s %s" % (p[4], p[5])]),
                                    "port_security": ovs_set(["%s %s" % (p[4], p[5])])}})
                lsps.append(["named-uuid", "l" + p[0]])
            if typ == "vlan":
                ops.append({"op": "insert", "table": "Logical_Switch_Port",
                            "uuid-name": "ln%d" % n,
                            "row": {"name": "ln-" + name, "type": "localnet",
                                    "addresses": ovs_set(["unknown"]), "tag": seg,
                                    "options": ["map", [["network_name", "physnet"]]]}})
                lsps.append(["named-uuid", "ln%d" % n])
            if self.topo.routers:
                # The tenant's router: an LSP of type router on the switch,
                # its peer LRP on the tenant's Logical_Router (below).
                ops.append({"op": "insert", "table": "Logical_Switch_Port",
                            "uuid-name": "rl%d" % n,
                            "row": {"name": "rl-" + name, "type": "router",
                                    "addresses": ovs_set(["router"]),
                                    "options": ["map", [["router-port", "rp-" + name]]]}})
                lsps.append(["named-uuid", "rl%d" % n])
            row = {"name": "%s-%s" % (self.topo.tenants[tk], name),
                   "ports": ovs_set(lsps), "other_config": ["map", [["weft-type", typ]]]}
            if self.topo.services:
                row["load_balancer_group"] = ovs_set([["named-uuid", "lbg%d" % tk]])
            ops.append({"op": "insert", "table": "Logical_Switch", "uuid-name": "s%d" % n,
                        "row": row})
        if self.topo.routers:
            ops += self._router_ops()
        if self.topo.services:
            ops += self._lb_ops()
        ops += self._bump()
        res = self.rpc.transact("OVN_Northbound", ops)
        self.ls_uuid = {}
        k = 0
        for n, net in enumerate(self.topo.nets):
            k += len(ports_of.get(n, [])) + (1 if net[2] == "vlan" else 0)
            k += 1 if self.topo.routers else 0
            self.ls_uuid[n] = res[k]["uuid"]
            k += 1
        return res[-1]["rows"][0]["nb_cfg"]

    def _router_ops(self):
        """One Logical_Router per tenant, an LRP per network with weft's
        router MAC and the network's gateway, as weft's bench routers."""
        t = self.topo
        ops = []
        for k in range(len(t.tenants)):
            lrps = []
            for n, (name, tk, typ, seg, home) in enumerate(t.nets):
                if tk != k:
                    continue
                ops.append({"op": "insert", "table": "Logical_Router_Port",
                            "uuid-name": "rp%d" % n,
                            "row": {"name": "rp-" + name, "mac": t.router_mac(k, n),
                                    "networks": ovs_set(["%s/%d" % (t.net_gateway(n),
                                                                    t.plen)])}})
                lrps.append(["named-uuid", "rp%d" % n])
            ops.append({"op": "insert", "table": "Logical_Router",
                        "row": {"name": "r%d" % (k + 1), "ports": ovs_set(lrps)}})
        return ops

    def _lb_ops(self):
        """Weft's services as OVN load balancers: one Load_Balancer per
        service (VIP:port -> the backends' IP:port, tcp), grouped per tenant
        in a Load_Balancer_Group that every switch of the tenant holds (OVN
        balances east-west traffic on the logical switch; a distributed
        router without a gateway port takes no load balancer)."""
        t = self.topo
        ops, per_tenant = [], {}
        for s, (name, tk, vip, port, bks) in enumerate(t.services):
            ops.append({"op": "insert", "table": "Load_Balancer", "uuid-name": "lb%d" % s,
                        "row": {"name": name, "protocol": "tcp",
                                "vips": ["map", [["%s:%d" % (vip, port), ",".join(
                                    "%s:%d" % (t.ports[i][5], port) for i in bks)]]]}})
            per_tenant.setdefault(tk, []).append(["named-uuid", "lb%d" % s])
        for tk in range(len(t.tenants)):
            ops.append({"op": "insert", "table": "Load_Balancer_Group",
                        "uuid-name": "lbg%d" % tk,
                        "row": {"name": "lbg-%s" % t.tenants[tk],
                                "load_balancer": ovs_set(per_tenant.get(tk, []))}})
        return ops

    def add_port(self, p):
        ops = self._lsp_op(p, self.ls_uuid[p[1]]) + self._bump()
        return self.rpc.transact("OVN_Northbound", ops)[-1]["rows"][0]["nb_cfg"]

    def del_port(self, p):
        res = self.rpc.transact("OVN_Northbound", [
            {"op": "select", "table": "Logical_Switch_Port",
             "where": [["name", "==", self._lsp(p[0])]], "columns": ["_uuid"]}])
        u = res[0]["rows"][0]["_uuid"]
        ops = [{"op": "mutate", "table": "Logical_Switch",
                "where": [["_uuid", "==", self.ls_uuid[p[1]]]],
                "mutations": [["ports", "delete", ovs_set([u])]]}] + self._bump()
        return self.rpc.transact("OVN_Northbound", ops)[-1]["rows"][0]["nb_cfg"]

    def bound_ports(self):
        # A select is "distinct" over its columns: include _uuid.
        rows = self._select("Port_Binding", ["_uuid", "chassis", "type"],
                            db="OVN_Southbound")
        return sum(1 for r in rows if r["type"] == "" and r["chassis"] != ["set", []])

    def wait_hv(self, nb_cfg, timeout=1800):
        rpc = Rpc(self.nb)
        try:
            rpc.transact("OVN_Northbound", [
                {"op": "wait", "table": "NB_Global", "where": [["hv_cfg", "<", nb_cfg]],
                 "columns": ["hv_cfg"], "until": "==", "rows": [],
                 "timeout": int(timeout * 1000)}])
        finally:
            rpc.close()

    def stats(self):
        """(sum of peak RSS KiB, sum CPU s) of northd + all ovn-controllers."""
        hwm = cpu = 0
        for pid in [self.northd_pid] + self.ctrl_pids:
            a, b = proc_stats(pid)
            hwm += a
            cpu += b
        return hwm, cpu

    def controller_stats(self):
        hwm = cpu = 0
        for pid in self.ctrl_pids:
            a, b = proc_stats(pid)
            hwm = max(hwm, a)
            cpu += b
        return hwm, cpu

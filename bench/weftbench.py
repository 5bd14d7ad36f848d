#!/usr/bin/python3
"""weftbench: weft vs the raw OVS limit vs OVN 23.03, same topology, same run.

Run it through bench/run (root).  For each size (H hosts, P ports) it builds
simulated hosts (one ovsdb-server + one `ovs-vswitchd --enable-dummy=override`
each, unix sockets in a temporary directory), writes a generated topology into
weft's database and measures:

  1 bring-up        empty switches, weftd running, topology written in one
                    transaction -> every Host.cur_cfg reaches nb_cfg
  2 port add / del  one port added, then removed, in the big topology
  3 weftd restart   unchanged state -> every host read back and synced
  4 vswitchd restart one host's ovs-vswitchd restarted -> its flows are back

Baselines in the same run: "limit" (the flows weft installed, dumped and
pushed with `ovs-ofctl --bundle add-flows` into fresh switches, all hosts in
parallel) and OVN (northd + NB/SB + one ovn-controller per host, the same
logical topology, timed from the NB write to NB_Global.hv_cfg, which is what
`ovn-nbctl --wait=hv` waits for).
"""

import argparse
import csv
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
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
    hwm = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1])
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return hwm, cpu


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
    'span' consecutive hosts starting at n % H; its ports rotate over them."""

    def __init__(self, H, P, N=None, T=None, span=3):
        self.H, self.P = H, P
        self.N = N or max(4, P // 25)
        self.T = T or max(1, self.N // 5)
        self.span = min(span, H)
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

    def port(self, i):
        """(name, net idx, host idx, iface, mac, ip) of port i."""
        n = i % self.N
        j = i // self.N
        home = self.nets[n][4]
        h = home[j % len(home)]
        mac = "02:%02x:%02x:%02x:%02x:%02x" % ((i >> 32) & 255, (i >> 24) & 255,
                                               (i >> 16) & 255, (i >> 8) & 255, i & 255)
        k = j + 1
        ip = "10.%d.%d.%d" % ((k >> 16) & 255, (k >> 8) & 255, k & 255)
        return ("p%d" % (i + 1), n, h, "wp%d" % (i + 1), mac, ip)

    def extra_port(self):
        """A port not in the topology, on network 0, placed on its first host."""
        i = self.P + 1000000
        n = 0
        h = self.nets[0][4][0]
        mac = "02:ee:00:%02x:%02x:%02x" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)
        return ("pextra", n, h, "wpx", mac, "10.250.0.1")

    def describe(self):
        return "H=%d T=%d N=%d P=%d span=%d" % (self.H, self.T, self.N, self.P, self.span)


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

    def start_weftd(self):
        run(self.weftd, "--db=unix:" + self.sock, "--pidfile=" + self.weftd_pf,
            "--unixctl=" + self.ctl, "--log-file=%s/weftd.log" % self.d, "--detach")
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
            ops.append({"op": "insert", "table": "Network", "uuid-name": "n%d" % n,
                        "row": {"tenant": ["named-uuid", "t%d" % tk], "name": name,
                                "type": typ, "segment_id": seg, "flow_key": n + 1}})
        for i, p in enumerate(t.ports):
            ops.append({"op": "insert", "table": "Port",
                        "row": self._port_row(p, i + 1, ["named-uuid", "n%d" % p[1]],
                                              host_ref(p[2]))})
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

    def add_port(self, p):
        ops = [{"op": "insert", "table": "Port",
                "row": self._port_row(p, 16000000, self.net_uuid[p[1]],
                                      self.host_uuid[p[2]])}] + self._bump()
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
            ops.append({"op": "insert", "table": "Logical_Switch", "uuid-name": "s%d" % n,
                        "row": {"name": "%s-%s" % (self.topo.tenants[tk], name),
                                "ports": ovs_set(lsps),
                                "other_config": ["map", [["weft-type", typ]]]}})
        ops += self._bump()
        res = self.rpc.transact("OVN_Northbound", ops)
        self.ls_uuid = {}
        k = 0
        for n, net in enumerate(self.topo.nets):
            k += len(ports_of.get(n, [])) + (1 if net[2] == "vlan" else 0)
            self.ls_uuid[n] = res[k]["uuid"]
            k += 1
        return res[-1]["rows"][0]["nb_cfg"]

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


# ---------------------------------------------------------------- the limit

def limit_push(d, weft, tag):
    """Dumps every weft host's flows, starts fresh switches and pushes each
    host's flow set with `ovs-ofctl --bundle add-flows`, all hosts in
    parallel.  Returns (wall seconds, [flows per host])."""
    ld = os.path.join(d, "limit-" + tag)
    os.makedirs(ld)
    files = []
    for sw in weft.switches:
        f = os.path.join(ld, sw.name + ".flows")
        sw.dump_flows(f)
        files.append(f)
    fresh = []
    for sw in weft.switches:
        s = Switch(ld, sw.name)
        s.vsctl("--", "add-br", "br-int", "--", "set", "bridge", "br-int",
                "datapath_type=netdev", "fail_mode=secure",
                "protocols=OpenFlow13,OpenFlow14,OpenFlow15")
        fresh.append(s)
    for s in fresh:
        wait_until(lambda: s.flow_count() is not None, 30, 0.05, "fresh br-int")
    t0 = time.monotonic()
    procs = [subprocess.Popen(["ovs-ofctl", "-O", "OpenFlow15", "--bundle", "add-flows",
                               s.mgmt, f], stderr=subprocess.PIPE)
             for s, f in zip(fresh, files)]
    for pr in procs:
        if pr.wait() != 0:
            raise RuntimeError("ovs-ofctl add-flows: " + pr.stderr.read().decode())
    wall = time.monotonic() - t0
    counts = [s.flow_count() for s in fresh]
    # One host alone, for the vswitchd-restart row: restart its switch (flows
    # gone) and time from the new ovs-vswitchd to the flows pushed.
    s = fresh[0]
    s.stop_vswitchd()
    t1 = time.monotonic()
    s.start_vswitchd()
    wait_until(lambda: s.flow_count() is not None, 30, 0.005, "restarted br-int")
    run("ovs-ofctl", "-O", "OpenFlow15", "--bundle", "add-flows", s.mgmt, files[0])
    one = time.monotonic() - t1
    PROCS.kill_many([p for s in fresh for p in
                     (s.vswitchd_pf, os.path.join(s.dir, "ovsdb-server.pid"))])
    return wall, counts, one


# ---------------------------------------------------------------- scenarios

class Row(dict):
    pass


def perf_start(args, w, topo, what):
    """With --perf: `perf record` of weftd until perf_stop()."""
    if not args.perf:
        return None
    base = os.path.join(args.out, "perf-%s-%dx%d" % (what, topo.H, topo.P))
    p = subprocess.Popen(["perf", "record", "-q", "-F", "499", "--call-graph",
                          "dwarf,32768", "-p", str(w.pid), "-o", base + ".data"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p.base = base
    time.sleep(0.5)
    return p


def perf_stop(p):
    """Stops the recording and writes BASE.txt: the share of weftd's samples
    under each function that host_run() (or main()) calls directly."""
    if not p:
        return
    p.send_signal(signal.SIGINT)
    p.wait()
    out = run("perf", "script", "-i", p.base + ".data", "-F", "ip,sym", check=False)
    counts, total, stack = {}, 0, []
    for line in out.splitlines() + [""]:
        line = line.strip()
        if line:
            parts = line.split(None, 1)
            stack.append(parts[1].split("+")[0] if len(parts) > 1 else "?")
            continue
        if not stack:
            continue
        total += 1
        for top in ("host_run", "main"):
            if top in stack:
                i = stack.index(top)
                key = "%s -> %s" % (top, stack[i - 1] if i > 0 else "(self)")
                break
        else:
            key = stack[-1]
        counts[key] = counts.get(key, 0) + 1
        stack = []
    with open(p.base + ".txt", "w") as f:
        f.write("weftd samples: %d (499 Hz)\n" % total)
        for k, v in sorted(counts.items(), key=lambda kv: -kv[1])[:25]:
            f.write("%5.1f%%  %s\n" % (100.0 * v / max(total, 1), k))
    print("perf profile of weftd: %s.txt" % p.base)


def measure_weft(args, d, topo, cold=False):
    """All weft scenarios on one topology; returns (rows, weft) with weft
    still running (the limit needs its switches)."""
    rows = []
    w = Weft(os.path.join(d, "cold") if cold else d, args.build, topo)
    w.start_weftd()
    wait_until(lambda: os.path.exists(w.ctl), 10, 0.02, "weftd control socket")

    def snap():
        hwm, cpu = w.stats()
        return {"fm": w.flow_mods(), "cpu": cpu, "hwm": hwm}

    def flows():
        return [sw.flow_count() for sw in w.switches]

    def row(scenario, t, before, after, **kw):
        r = Row(scenario=scenario, system="weft", seconds=t,
                flow_mods=after["fm"] - before["fm"], cpu=after["cpu"] - before["cpu"],
                rss_kib=after["hwm"], **kw)
        rows.append(r)
        log("weft %s: %.3f s, %d flow_mods" % (scenario, t, r["flow_mods"]))
        return r

    # 1 bring-up.  Cold: hosts, tenants, networks and ports in one
    # transaction (weftd creates br-int, then connects).  Otherwise the hosts
    # are registered first (br-int created, OpenFlow connected, base flows in,
    # as OVN's chassis are) and the timed write is tenants, networks, ports.
    if not cold:
        w.wait_cfg(w.write_hosts(), 60)
    perf = perf_start(args, w, topo, "bringup") if not cold else None
    s0 = snap()
    t0 = time.monotonic()
    cfg = w.write_topology(with_hosts=cold)
    t_write = time.monotonic() - t0
    w.wait_cfg(cfg)
    t = time.monotonic() - t0
    s1 = snap()
    perf_stop(perf)
    fl = flows()
    hs = w.hosts()
    bad = [h for h, st in hs.items() if st["desired"] != st["installed"]]
    unresolved = w.unresolved_ports()
    mism = [(sw.name, c, hs[sw.name]["installed"]) for sw, c in zip(w.switches, fl)
            if c != hs[sw.name]["installed"]]
    if bad or unresolved or mism:
        raise RuntimeError("weft bring-up not verified: desired!=installed on %s, "
                           "%d ports without ofport, switch/installed mismatch %s"
                           % (bad, unresolved, mism))
    row("cold-start" if cold else "bring-up", t, s0, s1, flows=fl, write_s=t_write)
    if cold:
        return rows, w

    # 2 one port added / removed
    p = topo.extra_port()
    affected = len(topo.nets[p[1]][4])
    s0 = snap()
    t0 = time.monotonic()
    cfg = w.add_port(p)
    w.wait_cfg(cfg)
    t = time.monotonic() - t0
    row("port-add", t, s0, snap(), flows=flows(), affected_hosts=affected)
    s0 = snap()
    t0 = time.monotonic()
    cfg = w.del_port(p)
    w.wait_cfg(cfg)
    t = time.monotonic() - t0
    fl2 = flows()
    row("port-del", t, s0, snap(), flows=fl2, affected_hosts=affected)
    if fl2 != fl:
        raise RuntimeError("flows after port add+del differ: %s vs %s" % (fl2, fl))

    # 3 weftd restart, unchanged state
    fm_before = w.flow_mods()
    w.stop_weftd()
    t0 = time.monotonic()
    w.start_weftd()

    def resynced():
        try:
            hs = w.hosts()
        except RuntimeError:
            return False
        return len(hs) == topo.H and all(
            h.get("openflow") == "synced" and h.get("dumps", 0) >= 1
            and h.get("desired") == h.get("installed") and h.get("desired", 0) > 0
            and h.get("cur_cfg") == h.get("nb_cfg")
            for h in hs.values())
    wait_until(resynced, 600, 0.01, "weftd resync")
    t = time.monotonic() - t0
    hwm, cpu = w.stats()
    r = Row(scenario="weftd-restart", system="weft", seconds=t, flow_mods=w.flow_mods(),
            cpu=cpu, rss_kib=hwm, flows=flows())
    rows.append(r)
    log("weft weftd-restart: %.3f s, %d flow_mods (before restart %d)"
        % (t, r["flow_mods"], fm_before))

    # 4 one host's ovs-vswitchd restarted
    sw = w.switches[0]
    want = fl[0]
    s0 = snap()
    sw.stop_vswitchd()
    perf = perf_start(args, w, topo, "vswitchd-restart")
    t0 = time.monotonic()
    sw.start_vswitchd()
    wait_until(lambda: sw.flow_count() == want, 600, 0.005, "flows back on " + sw.name)
    t = time.monotonic() - t0
    perf_stop(perf)

    def settled():
        st = w.hosts()[sw.name]
        return st.get("openflow") == "synced" and st.get("desired") == st.get("installed")
    wait_until(settled, 60, 0.01, "weft settled")
    row("vswitchd-restart", t, s0, snap(), flows=flows())
    return rows, w


class FlowPoller(threading.Thread):
    """Samples every switch's flow count every 'interval' s (dump-aggregate),
    to find when the flows were present on every chassis."""

    def __init__(self, switches, interval=0.1):
        super().__init__(daemon=True)
        self.switches = switches
        self.interval = interval
        self.samples = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            counts = [sw.flow_count() or 0 for sw in self.switches]
            self.samples.append((time.monotonic(), counts))
            self.stop.wait(self.interval)

    def first_reached(self, final):
        for t, counts in self.samples:
            if all(c >= f for c, f in zip(counts, final)):
                return t
        return None


def measure_ovn(args, d, topo):
    rows = []
    o = Ovn(d, topo, args.ovn_encap)
    t0 = time.monotonic()
    o.add_vifs()
    t_vif = time.monotonic() - t0
    # Let ovn-controllers see the VIFs (no bindings yet: no LSPs).
    time.sleep(1.0)

    def flows():
        return [sw.flow_count() for sw in o.switches]

    def snap():
        hwm, cpu = o.stats()
        return {"cpu": cpu, "hwm": hwm}

    def row(scenario, t, before, after, **kw):
        r = Row(scenario=scenario, system="ovn", seconds=t, flow_mods="",
                cpu=after["cpu"] - before["cpu"], rss_kib=after["hwm"], **kw)
        rows.append(r)
        log("ovn %s: %.3f s" % (scenario, t))
        return r

    s0 = snap()
    poller = FlowPoller(o.switches)
    t0 = time.monotonic()
    poller.start()
    cfg = o.write_topology()
    t_write = time.monotonic() - t0
    o.wait_hv(cfg)
    t = time.monotonic() - t0
    s1 = snap()
    log("ovn: hv_cfg %d reached after %.3f s (write %.3f s), %d ports bound"
        % (cfg, t, t_write, o.bound_ports()))
    # Every logical port bound, then the flows settled; the first sample with
    # the final counts on every chassis is when the flows were present.
    try:
        wait_until(lambda: o.bound_ports() >= topo.P, 600, 0.05, "OVN port bindings")
    except TimeoutError:
        raise RuntimeError("only %d of %d logical ports bound to a chassis"
                           % (o.bound_ports(), topo.P))
    t_bound = time.monotonic() - t0
    prev = None
    while True:
        time.sleep(1.0)
        fl = flows()
        if fl == prev:
            break
        prev = fl
    poller.stop.set()
    poller.join()
    tf = poller.first_reached(fl)
    t_flows = (tf - t0) if tf is not None else float("nan")
    log("ovn: all ports bound after %.3f s, flows present after %.3f s: %s"
        % (t_bound, t_flows, fl))
    row("bring-up", t, s0, s1, flows=fl, write_s=t_write, vif_s=t_vif,
        flows_s=t_flows)

    p = topo.extra_port()
    run("ovs-vsctl", "--no-wait", "--db=" + o.switches[p[2]].db, "--", "add-port",
        "br-int", p[3], "--", "set", "interface", p[3], "external_ids:iface-id=" + p[0])
    time.sleep(0.5)
    s0 = snap()
    t0 = time.monotonic()
    cfg = o.add_port(p)
    o.wait_hv(cfg)
    row("port-add", time.monotonic() - t0, s0, snap(), flows=flows(),
        affected_hosts=len(topo.nets[p[1]][4]))
    s0 = snap()
    t0 = time.monotonic()
    cfg = o.del_port(p)
    o.wait_hv(cfg)
    row("port-del", time.monotonic() - t0, s0, snap(), flows=flows(),
        affected_hosts=len(topo.nets[p[1]][4]))

    # vswitchd restart on one chassis: until its flow count is back.
    sw = o.switches[0]
    fl = flows()
    want = fl[0]
    s0 = snap()
    sw.stop_vswitchd()
    t0 = time.monotonic()
    sw.start_vswitchd()
    try:
        wait_until(lambda: (sw.flow_count() or 0) >= want, 120, 0.005,
                   "OVN flows back on " + sw.name)
        row("vswitchd-restart", time.monotonic() - t0, s0, snap(), flows=flows())
    except TimeoutError as e:
        log("ovn vswitchd-restart: %s" % e)
        row("vswitchd-restart", float("nan"), s0, snap(), flows=flows(), note=str(e))
    return rows, o


def stop_all():
    PROCS.cleanup()


# ---------------------------------------------------------------- output

COLS = ["H", "P", "N", "T", "scenario", "weft_s", "limit_s", "ovn_s", "ovn_flows_s",
        "weft/limit", "weft/ovn", "weft_flow_mods", "affected_hosts",
        "weft_flows_total", "weft_flows_min", "weft_flows_max", "ovn_flows_total",
        "weft_cpu_s", "weft_rss_mib", "ovn_cpu_s", "ovn_rss_mib", "weft_write_s",
        "ovn_write_s", "ovn_vif_s"]


def fmt(v, nd=3):
    if v is None or v == "":
        return "-"
    if isinstance(v, float):
        if v != v:
            return "n/a"
        return ("%%.%df" % nd) % v
    return str(v)


def combine(topo, wrows, limit, orows, ovn_err):
    by = {r["scenario"]: r for r in wrows}
    ob = {r["scenario"]: r for r in orows}
    out = []
    for sc in ["cold-start", "bring-up", "port-add", "port-del", "weftd-restart",
               "vswitchd-restart"]:
        w = by.get(sc)
        if not w:
            continue
        o = ob.get(sc)
        lim = None
        if limit and sc in ("bring-up", "cold-start"):
            lim = limit[0]
        elif limit and sc == "vswitchd-restart":
            lim = limit[2]
        r = {"H": topo.H, "P": topo.P, "N": topo.N, "T": topo.T, "scenario": sc,
             "weft_s": w["seconds"], "limit_s": lim,
             "ovn_s": o["seconds"] if o else (ovn_err if sc == "bring-up" else None),
             "weft_flow_mods": w["flow_mods"],
             "affected_hosts": w.get("affected_hosts"),
             "weft_flows_total": sum(w["flows"]), "weft_flows_min": min(w["flows"]),
             "weft_flows_max": max(w["flows"]),
             "ovn_flows_total": sum(o["flows"]) if o else None,
             "weft_cpu_s": w["cpu"], "weft_rss_mib": w["rss_kib"] / 1024.0,
             "ovn_cpu_s": o["cpu"] if o else None,
             "ovn_rss_mib": o["rss_kib"] / 1024.0 if o else None,
             "weft_write_s": w.get("write_s"), "ovn_write_s": o.get("write_s") if o else None,
             "ovn_vif_s": o.get("vif_s") if o else None,
             "ovn_flows_s": o.get("flows_s") if o else None}
        r["weft/limit"] = (w["seconds"] / lim) if lim else None
        r["weft/ovn"] = (w["seconds"] / o["seconds"]) if o and o["seconds"] else None
        out.append(r)
    return out


def print_table(rows, f=sys.stdout):
    hdr = ["H", "P", "scenario", "weft s", "limit s", "OVN s", "OVN flows s", "weft/limit",
           "weft/OVN",
           "flow_mods", "flows/host", "OVN flows/host", "weftd CPU s", "weftd RSS MiB"]
    lines = []
    for r in rows:
        fph = "%d-%d" % (r["weft_flows_min"], r["weft_flows_max"])
        ovf = fmt(r["ovn_flows_total"] // r["H"]) if isinstance(r["ovn_flows_total"], int) else "-"
        ovn_s = r["ovn_s"] if not isinstance(r["ovn_s"], str) else "failed"
        lines.append([str(r["H"]), str(r["P"]), r["scenario"], fmt(r["weft_s"]),
                      fmt(r["limit_s"]), fmt(ovn_s), fmt(r.get("ovn_flows_s"), 2),
                      fmt(r["weft/limit"], 2),
                      fmt(r["weft/ovn"], 3), str(r["weft_flow_mods"]), fph, ovf,
                      fmt(r["weft_cpu_s"], 2), fmt(r["weft_rss_mib"], 1)])
    widths = [max(len(x) for x in col) for col in zip(hdr, *lines)]
    f.write("  ".join(h.rjust(wd) for h, wd in zip(hdr, widths)) + "\n")
    f.write("  ".join("-" * wd for wd in widths) + "\n")
    for ln in lines:
        f.write("  ".join(x.rjust(wd) for x, wd in zip(ln, widths)) + "\n")
    f.flush()


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=COLS, extrasaction="ignore")
        wr.writeheader()
        for r in rows:
            wr.writerow({k: ("" if r.get(k) is None else
                             (round(r[k], 4) if isinstance(r[k], float) else r[k]))
                         for k in COLS})


def plot(path_png, rows):
    if not shutil.which("gnuplot"):
        sys.stderr.write("weftbench: gnuplot not found, no plot (bench/install-deps.sh)\n")
        return
    bring = [r for r in rows if r["scenario"] == "bring-up"]
    hs = sorted(set(r["H"] for r in bring))
    dat = path_png[:-4] + ".dat"
    with open(dat, "w") as f:
        for h in hs:
            f.write("# H=%d\n" % h)
            for r in sorted((r for r in bring if r["H"] == h), key=lambda r: r["P"]):
                o = r["ovn_s"] if isinstance(r["ovn_s"], float) else "NaN"
                lim = r["limit_s"] if r["limit_s"] is not None else "NaN"
                f.write("%d %s %s %s\n" % (r["P"], r["weft_s"], lim, o))
            f.write("\n\n")
    plots = []
    for i, h in enumerate(hs):
        plots.append("'%s' index %d using 1:2 with linespoints lw 2 lc %d pt 7 "
                     "title 'weft H=%d'" % (dat, i, i + 1, h))
        plots.append("'%s' index %d using 1:3 with linespoints lw 1 lc %d pt 4 dt 2 "
                     "title 'limit H=%d'" % (dat, i, i + 1, h))
        plots.append("'%s' index %d using 1:4 with linespoints lw 1 lc %d pt 9 dt 3 "
                     "title 'OVN H=%d'" % (dat, i, i + 1, h))
    script = """
set terminal pngcairo size 1000,650 noenhanced
set output '%s'
set title 'bring-up: topology written -> flows installed on all hosts'
set xlabel 'ports (P)'
set ylabel 'seconds'
set logscale xy
set grid
set key top left
plot %s
""" % (path_png, ", ".join(plots))
    r = subprocess.run(["gnuplot"], input=script, universal_newlines=True,
                       stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.stderr.write("weftbench: gnuplot failed: %s\n" % r.stderr)


# ---------------------------------------------------------------- main

def parse_sizes(s):
    sizes = []
    for item in s.split(","):
        h, p = item.lower().split("x")
        sizes.append((int(h), int(p)))
    return sizes


def main():
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="weft build directory")
    ap.add_argument("--sizes", default="3x100,3x1000,10x1000,10x3000,10x10000",
                    help="comma-separated HxP list (default: %(default)s)")
    ap.add_argument("--span", type=int, default=3,
                    help="hosts each network spans (default: %(default)s)")
    ap.add_argument("--ports-per-net", type=int, default=25,
                    help="N = max(4, P / this) (default: %(default)s)")
    ap.add_argument("--nets-per-tenant", type=int, default=5,
                    help="T = max(1, N / this) (default: %(default)s)")
    ap.add_argument("--no-ovn", action="store_true", help="skip the OVN baseline")
    ap.add_argument("--no-cold", action="store_true",
                    help="skip the cold-start row (hosts registered in the same "
                    "transaction as the topology)")
    ap.add_argument("--ovn-max-ports", type=int, default=10000,
                    help="skip OVN above this P (default: %(default)s)")
    ap.add_argument("--ovn-encap", default="geneve",
                    help="OVN chassis encapsulation (default: %(default)s)")
    ap.add_argument("--out", default=os.path.join(HERE, "results"),
                    help="results directory (default: bench/results)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the run directory (logs) after the run")
    ap.add_argument("--perf", action="store_true",
                    help="record weftd with perf during bring-up and vswitchd restart; "
                    "writes perf-SCENARIO-HxP.{data,txt} to the results directory")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    VERBOSE = args.verbose
    args.build = os.path.abspath(args.build)

    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    csv_path = os.path.join(args.out, "bench-%s.csv" % stamp)
    png_path = os.path.join(args.out, "bench-%s.png" % stamp)
    all_rows = []
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, f: sys.exit(128 + s))
    have_ovn = shutil.which("ovn-northd") and shutil.which("ovn-controller")
    if not args.no_ovn and not have_ovn:
        sys.stderr.write("weftbench: OVN not installed (bench/install-deps.sh); "
                         "running weft vs limit only\n")

    t_start = time.monotonic()
    try:
        for H, P in parse_sizes(args.sizes):
            N = max(4, P // args.ports_per_net)
            topo = Topo(H, P, N=N, T=max(1, N // args.nets_per_tenant), span=args.span)
            d = tempfile.mkdtemp(prefix="weft-bench.")
            log("size %s in %s" % (topo.describe(), d))
            try:
                wrows = []
                if not args.no_cold:
                    wrows, _ = measure_weft(args, d, topo, cold=True)
                    stop_all()
                more, w = measure_weft(args, d, topo)
                wrows += more
                limit = limit_push(d, w, "1")
                log("limit: %.3f s for %s flows; one host after restart %.3f s"
                    % (limit[0], limit[1], limit[2]))
                stop_all()
                orows, ovn_err = [], None
                if not args.no_ovn and have_ovn and P <= args.ovn_max_ports:
                    try:
                        orows, _ = measure_ovn(args, d, topo)
                    except Exception as e:  # report, keep weft vs limit
                        ovn_err = "OVN failed: %s" % e
                        sys.stderr.write("weftbench: %s\n" % ovn_err)
                    stop_all()
                rows = combine(topo, wrows, limit, orows, ovn_err)
                all_rows += rows
                print("\n%s" % topo.describe())
                print_table(rows)
                write_csv(csv_path, all_rows)
            finally:
                stop_all()
                if args.keep:
                    print("run directory kept: %s" % d)
                else:
                    shutil.rmtree(d, ignore_errors=True)
    finally:
        stop_all()
    print("\n== all sizes (%.0f s) ==" % (time.monotonic() - t_start))
    print_table(all_rows)
    plot(png_path, all_rows)
    for name, path in (("latest.csv", csv_path), ("latest.png", png_path)):
        link = os.path.join(args.out, name)
        if os.path.exists(path):
            shutil.copyfile(path, link)
    print("CSV: %s\nplot: %s" % (csv_path, png_path))


if __name__ == "__main__":
    main()

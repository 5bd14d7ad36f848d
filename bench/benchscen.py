"""benchscen: the timed scenarios -- weft's (bring-up, port add/del,
weftd restart, vswitchd restart) and OVN's on the same topology.

Pipeline: weftbench.py -> benchlab (set-up) -> benchscen (this) + benchbase
(baselines) -> benchreport.
"""

import os
import signal
import subprocess
import threading
import time

import benchha
from benchlab import (PROCS, Ovn, Weft, cpu_delta, cpu_snapshot, log, proc_mem, run,
                      wait_until)

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


def groups(switches):
    """OpenFlow groups per host (the services' select groups)."""
    return [sw.group_count() for sw in switches]


def median(xs):
    ys = sorted(xs)
    n = len(ys)
    return (ys[n // 2] if n % 2 else (ys[n // 2 - 1] + ys[n // 2]) / 2.0) if n else None


def p95(xs):
    """Nearest-rank 95th percentile."""
    ys = sorted(xs)
    return ys[max(0, -(-95 * len(ys) // 100) - 1)] if ys else None


def int_if_whole(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


class Probe:
    """Counters of one system before and after a scenario: its controller's
    CPU, RSS and peak RSS (weftd; OVN: northd + every ovn-controller), the
    CPU of every ovs-vswitchd and ovsdb-server, and weft's flow_mods per
    host."""

    def __init__(self, stats, pids, flow_mods=None):
        self.stats, self.pids, self.flow_mods = stats, pids, flow_mods

    def snap(self, before=False):
        """Reading flow_mods asks weftd over unixctl, which costs weftd CPU:
        a snapshot taken before a scenario reads them before the CPU, one
        taken after reads them after, so that the scenario's CPU leaves the
        probe's own requests out."""
        fm = self.flow_mods() if self.flow_mods and before else None
        hwm, cpu = self.stats()
        rss = sum(proc_mem(pid)["rss"] for pid in self.pids())
        sysc = cpu_snapshot()
        if self.flow_mods and not before:
            fm = self.flow_mods()
        return {"fm": fm or {}, "cpu": cpu, "hwm": hwm, "rss": rss, "sys": sysc}

    @staticmethod
    def delta(before, after):
        fm = {h: after["fm"].get(h, 0) - before["fm"].get(h, 0) for h in after["fm"]}
        return {"cpu": after["cpu"] - before["cpu"], "hwm": after["hwm"],
                "rss": after["rss"],
                "vswitchd_cpu": cpu_delta(before["sys"], after["sys"], "vswitchd"),
                "ovsdb_cpu": cpu_delta(before["sys"], after["sys"], "ovsdb"),
                "flow_mods": sum(fm.values()),
                "fm_hosts": sum(1 for v in fm.values() if v > 0)}


def make_row(rows, system, scenario, t, d, **kw):
    r = Row(scenario=scenario, system=system, seconds=t, cpu=d["cpu"],
            rss_kib=d["rss"], hwm_kib=d["hwm"], vswitchd_cpu=d["vswitchd_cpu"],
            ovsdb_cpu=d["ovsdb_cpu"], **kw)
    rows.append(r)
    log("%s %s: %.3f s, flow_mods %s" % (system, scenario, t, r.get("flow_mods", "-")))
    return r


def port_reps(rows, system, topo, probe, add, delete, reps, flows):
    """'reps' times: one extra port added, then removed; each operation
    timed to barrier-confirmed on every host.  Adds a port-add and a
    port-del row: median and p95 seconds, median flow_mods per operation,
    the most hosts that got flow_mods in one operation, CPU over all
    repetitions."""
    res = {"port-add": [], "port-del": []}
    first = probe.snap(before=True)
    for k in range(reps):
        p = topo.extra_port(k)
        for sc, fn in (("port-add", add), ("port-del", delete)):
            s0 = probe.snap(before=True)
            t0 = time.monotonic()
            fn(p, k)
            t = time.monotonic() - t0
            res[sc].append((t, Probe.delta(s0, probe.snap())))
    last = probe.delta(first, probe.snap())
    for sc, ops in res.items():
        ts = [t for t, _ in ops]
        # CPU: the mean per operation.
        d = dict(last, cpu=sum(x["cpu"] for _, x in ops) / len(ops),
                 vswitchd_cpu=sum(x["vswitchd_cpu"] for _, x in ops) / len(ops),
                 ovsdb_cpu=sum(x["ovsdb_cpu"] for _, x in ops) / len(ops))
        make_row(rows, system, sc, median(ts), d, p95=p95(ts), reps=len(ts),
                 flow_mods=int_if_whole(median([x["flow_mods"] for _, x in ops]))
                 if probe.flow_mods else "",
                 fm_min=min(x["flow_mods"] for _, x in ops),
                 fm_max=max(x["flow_mods"] for _, x in ops),
                 fm_hosts=max(x["fm_hosts"] for _, x in ops) if probe.flow_mods else "",
                 affected_hosts=len(topo.served_hosts(0)), flows=flows())


def measure_weft(args, d, topo, cold=False):
    """All weft scenarios on one topology; returns (rows, weft) with weft
    still running (the limit needs its switches)."""
    rows = []
    w = Weft(os.path.join(d, "cold") if cold else d, args.build, topo)
    ha = getattr(args, "ha", False) and not cold
    if ha:      # the measured weftd is c1 of the HA pair
        w.weftd_args = benchha.Controller(w, "c1").args()
    w.start_weftd()
    wait_until(lambda: os.path.exists(w.ctl), 10, 0.02, "weftd control socket")
    probe = Probe(w.stats, lambda: [w.pid], w.flow_mods_by_host)

    def flows():
        return [sw.flow_count() for sw in w.switches]

    def row(scenario, t, before, after, **kw):
        dl = Probe.delta(before, after)
        return make_row(rows, "weft", scenario, t, dl, flow_mods=dl["flow_mods"],
                        fm_hosts=dl["fm_hosts"], **kw)

    # 1 bring-up.  Cold: hosts, tenants, networks and ports in one
    # transaction (weftd creates br-int, then connects).  Otherwise the hosts
    # are registered first (br-int created, OpenFlow connected, base flows in,
    # as OVN's chassis are) and the timed write is tenants, networks, ports.
    if not cold:
        w.wait_cfg(w.write_hosts(), 60)
    perf = perf_start(args, w, topo, "bringup") if not cold else None
    s0 = probe.snap(before=True)
    t0 = time.monotonic()
    ports_at = []
    # "Ports ready": its own connection, so that it is timed even if every
    # ofport came after cur_cfg reached nb_cfg.
    pt = threading.Thread(target=lambda: (w.wait_ports(), ports_at.append(time.monotonic())),
                          daemon=True)
    cfg = w.write_topology(with_hosts=cold)
    t_write = time.monotonic() - t0
    pt.start()
    w.wait_cfg(cfg)
    t = time.monotonic() - t0
    s1 = probe.snap()
    pt.join(600)
    perf_stop(perf)
    fl = flows()
    gr = groups(w.switches)
    hs = w.hosts()
    bad = [h for h, st in hs.items() if st["desired"] != st["installed"]]
    unresolved = w.unresolved_ports()
    # weft may count a host's groups among its installed entries.
    mism = [(sw.name, c, hs[sw.name]["installed"]) for sw, c, g in zip(w.switches, fl, gr)
            if hs[sw.name]["installed"] not in (c, c + (g or 0))]
    if bad or unresolved or mism:
        raise RuntimeError("weft bring-up not verified: desired!=installed on %s, "
                           "%d ports without ofport, switch/installed mismatch %s"
                           % (bad, unresolved, mism))
    row("cold-start" if cold else "bring-up", t, s0, s1, flows=fl, groups=gr, write_s=t_write,
        ports_s=(ports_at[0] - t0) if ports_at else None, installed_s=t)
    if cold:
        return rows, w

    # 2 one port added / removed, args.reps times each
    def add(p, k):
        w.wait_cfg(w.add_port(p, k))

    def delete(p, k):
        w.wait_cfg(w.del_port(p))
    port_reps(rows, "weft", topo, probe, add, delete, args.reps, flows)
    fl2 = flows()
    if fl2 != fl:
        raise RuntimeError("flows after port add+del differ: %s vs %s" % (fl2, fl))

    # 3 weftd restart, unchanged state
    s0 = probe.snap(before=True)
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
    # The new weftd's counters start at 0: its flow_mods and CPU are totals.
    s0 = dict(s0, fm={}, cpu=0.0)
    row("weftd-restart", t, s0, probe.snap(), flows=flows())

    # 4 one host's ovs-vswitchd restarted
    sw = w.switches[0]
    want = fl[0]
    s0 = probe.snap(before=True)
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
    row("vswitchd-restart", t, s0, probe.snap(), flows=flows())

    # 5 idle: nothing changes for args.idle_window seconds; weftd's periodic
    # verify (every 30 s by default) falls inside a window of 30 s or more.
    if args.idle_window > 0:
        dumps0 = sum(h.get("dumps", 0) for h in w.hosts().values())
        s0 = probe.snap(before=True)
        time.sleep(args.idle_window)
        s1 = probe.snap()
        dumps = sum(h.get("dumps", 0) for h in w.hosts().values()) - dumps0
        row("idle", float(args.idle_window), s0, s1, flows=flows(), verifies=dumps)

    # 6 (--ha) a second weftd as a warm standby, kill -9 of the active.
    if ha:
        ha_row(rows, benchha.measure_ha(args, w, topo, flows))
    return rows, w


def ha_row(rows, h):
    """The ha-takeover row: median takeover seconds, the new active's
    flow_mods (median, spread), CPU (weftd, every ovs-vswitchd and
    ovsdb-server) per takeover as medians, the standby's RSS before the
    kill (the most), the time a restarted weftd took to be a warm standby
    again, weftd's own last_takeover_ms."""
    t, fm = h["takeover"], h["flow_mods"]
    d = {"cpu": median(h["cpu"]), "rss": h["active_rss"], "hwm": h["active_hwm"],
         "vswitchd_cpu": median(h["vswitchd_cpu"]), "ovsdb_cpu": median(h["ovsdb_cpu"])}
    make_row(rows, "weft", "ha-takeover", median(t), d, p95=p95(t), reps=len(t),
             flow_mods=int_if_whole(median(fm)), fm_min=min(fm), fm_max=max(fm),
             flows=h["flows"], ha_max_s=max(t), ha_standby_rss_kib=max(h["standby_rss"]),
             ha_warm_s=median(h["warm"]),
             ha_own_ms=int_if_whole(median(h["own_ms"])) if h["own_ms"] else None)


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
    probe = Probe(o.stats, lambda: [o.northd_pid] + o.ctrl_pids)

    def flows():
        return [sw.flow_count() for sw in o.switches]

    def row(scenario, t, before, after, **kw):
        return make_row(rows, "ovn", scenario, t, Probe.delta(before, after),
                        flow_mods="", **kw)

    s0 = probe.snap(before=True)
    poller = FlowPoller(o.switches)
    t0 = time.monotonic()
    poller.start()
    cfg = o.write_topology()
    t_write = time.monotonic() - t0
    o.wait_hv(cfg)
    t = time.monotonic() - t0
    s1 = probe.snap()
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
    row("bring-up", t, s0, s1, flows=fl, groups=groups(o.switches), write_s=t_write,
        vif_s=t_vif, flows_s=t_flows)

    # The extra ports' VIFs exist before their logical ports (untimed, the
    # hypervisor's part, as for the bring-up).
    for k in range(args.reps):
        p = topo.extra_port(k)
        run("ovs-vsctl", "--no-wait", "--db=" + o.switches[p[2]].db, "--", "add-port",
            "br-int", p[3], "--", "set", "interface", p[3],
            "external_ids:iface-id=" + p[0])
    time.sleep(0.5)

    def add(p, k):
        o.wait_hv(o.add_port(p))

    def delete(p, k):
        o.wait_hv(o.del_port(p))
    port_reps(rows, "ovn", topo, probe, add, delete, args.reps, flows)

    # vswitchd restart on one chassis: until its flow count is back.
    sw = o.switches[0]
    fl = flows()
    want = fl[0]
    s0 = probe.snap(before=True)
    sw.stop_vswitchd()
    t0 = time.monotonic()
    sw.start_vswitchd()
    try:
        wait_until(lambda: (sw.flow_count() or 0) >= want, 120, 0.005,
                   "OVN flows back on " + sw.name)
        row("vswitchd-restart", time.monotonic() - t0, s0, probe.snap(), flows=flows())
    except TimeoutError as e:
        log("ovn vswitchd-restart: %s" % e)
        row("vswitchd-restart", float("nan"), s0, probe.snap(), flows=flows(), note=str(e))
    return rows, o


def stop_all():
    PROCS.cleanup()

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

from benchlab import PROCS, Ovn, Weft, log, run, wait_until

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

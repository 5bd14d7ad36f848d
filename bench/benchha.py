"""benchha: the HA figures (--ha, issue #16) -- a second weftd as a warm
standby of the measured one, kill -9 of the active, and how long the
standby takes to be the active one with every host confirmed.

Each weftd runs with --name and files of its own (pidfile, unixctl, REST API
socket) against the same weft database; the OVSDB lock "weftd" makes one of
them active.  Per repetition: the standby's RSS, kill -9 of the active, the
takeover (until the survivor's weftd/ha-status says active with every host
primary, and weft/hosts shows every host synced at nb_cfg with desired ==
installed), the flow_mods it sent meanwhile (weft/hosts' counters, which
count per weftd process), then the killed one started again and waited for
until it is a warm standby (the next repetition's standby).

Pipeline: weftbench.py -> benchlab (set-up) -> benchscen (scenarios; calls
measure_ha() last) + benchbase -> benchreport.
"""

import json
import os
import signal
import time

from benchlab import (PROCS, Procs, Rpc, cpu_delta, cpu_snapshot, log, proc_cpu, proc_mem,
                      run, wait_until)


class Controller:
    """One weftd of the HA pair: its name and files.  c1's are the ones the
    other scenarios use (Weft's weftd.pid, weftd.ctl, weftd.log), c2's are in
    weft/c2/."""

    def __init__(self, w, name):
        self.w, self.name = w, name
        self.dir = w.d if name == "c1" else os.path.join(w.d, name)
        os.makedirs(self.dir, exist_ok=True)
        self.pidfile = os.path.join(self.dir, "weftd.pid")
        self.ctl = os.path.join(self.dir, "weftd.ctl")
        self.api = os.path.join(self.dir, "weft-api.sock")
        self.pid = None
        self._rpc = None

    def args(self):
        """What weftd needs beside --db, --pidfile, --unixctl, --log-file."""
        return ["--name=" + self.name, "--api=" + self.api]

    def start(self):
        for f in (self.ctl, self.api):      # a killed weftd's sockets
            try:
                os.unlink(f)
            except OSError:
                pass
        run(self.w.weftd, "--db=unix:" + self.w.sock, "--pidfile=" + self.pidfile,
            "--unixctl=" + self.ctl, "--log-file=%s/weftd.log" % self.dir,
            "--detach", *self.args())
        PROCS.add(self.pidfile)
        self.pid = Procs.pid(self.pidfile)

    def kill9(self):
        """kill -9 (the database server drops its session, and so its lock,
        as the process exits)."""
        self.close()
        PROCS.pids.pop(self.pidfile, None)
        os.kill(self.pid, signal.SIGKILL)

    def wait_gone(self):
        """Until the killed process has exited: gone, or a zombie (its
        reaper may take a while; a zombie holds no socket nor lock)."""
        def gone():
            try:
                with open("/proc/%d/stat" % self.pid) as f:
                    return f.read().rsplit(")", 1)[1].split()[0] == "Z"
            except OSError:
                return True
        wait_until(gone, 10, 0.005, "weftd %s gone" % self.name)
        self.pid = None

    def close(self):
        if self._rpc:
            self._rpc.close()
            self._rpc = None

    def call(self, method):
        """A unixctl command over one kept connection (cheaper to poll than
        ovs-appctl); None if weftd does not answer."""
        try:
            if not self._rpc:
                self._rpc = Rpc(self.ctl, timeout=0)
            return self._rpc.call(method, [])
        except (OSError, EOFError, RuntimeError):
            self.close()
            return None

    def status(self):
        """weftd/ha-status as a dict, None if it does not answer."""
        out = self.call("weftd/ha-status")
        try:
            return json.loads(out) if out else None
        except ValueError:
            return None

    def hosts(self):
        """weft/hosts parsed (as Weft.hosts()), None if it does not answer."""
        out = self.call("weft/hosts")
        if out is None:
            return None
        res = {}
        for line in out.splitlines()[1:]:
            f = line.split()
            if f:
                d = {}
                for kv in f[1:]:
                    k, _, v = kv.partition("=")
                    d[k] = int(v) if v.lstrip("-").isdigit() else v
                res[f[0]] = d
        return res

    def flow_mods(self):
        hs = self.hosts() or {}
        return sum(h.get("flow_mods", 0) for h in hs.values())


def hosts_ready(hs, n, synced_cfg):
    """Every one of the n hosts connected, its flows read back and equal to
    the compiled ones (and with synced_cfg: synced at nb_cfg)."""
    return hs is not None and len(hs) == n and all(
        h.get("ovsdb") == "connected" and h.get("dumps", 0) >= 1
        and h.get("desired", 0) > 0 and h.get("desired") == h.get("installed")
        and (not synced_cfg or (h.get("openflow") == "synced"
                                and h.get("cur_cfg") == h.get("nb_cfg")))
        for h in hs.values())


def is_active(c, n):
    st = c.status()
    return (st is not None and st.get("role") == "active" and st.get("hosts") == n
            and st.get("hosts_primary") == n and hosts_ready(c.hosts(), n, True))


def is_warm_standby(c, n):
    st = c.status()
    return (st is not None and st.get("role") == "standby" and st.get("hosts") == n
            and hosts_ready(c.hosts(), n, False))


def measure_ha(args, w, topo, flows):
    """The HA repetitions on weft 'w' whose weftd (c1, started with
    Controller.args()) is active and synced; returns the ha-takeover row's
    figures (benchscen.make_row()'s dict and keywords).  Ends with w.pid the
    active weftd."""
    n = topo.H
    c1, c2 = Controller(w, "c1"), Controller(w, "c2")
    c1.pid = w.pid
    wait_until(lambda: is_active(c1, n), 600, 0.05, "c1 active")
    active, standby = c1, c2
    t0 = time.monotonic()
    standby.start()
    wait_until(lambda: is_warm_standby(standby, n), 600, 0.02, "c2 a warm standby")
    warm = [time.monotonic() - t0]
    takeover, fms, rss, cpu, own_ms, vsw, odb = [], [], [], [], [], [], []
    for k in range(args.reps):
        rss.append(proc_mem(standby.pid)["rss"])
        fm0 = standby.flow_mods()
        cpu0, sys0 = proc_cpu(standby.pid), cpu_snapshot()
        t0 = time.monotonic()
        active.kill9()
        wait_until(lambda: is_active(standby, n), 600, 0.005,
                   "%s active after kill -9 of %s" % (standby.name, active.name))
        takeover.append(time.monotonic() - t0)
        sys1 = cpu_snapshot()
        cpu.append(proc_cpu(standby.pid) - cpu0)
        vsw.append(cpu_delta(sys0, sys1, "vswitchd"))
        odb.append(cpu_delta(sys0, sys1, "ovsdb"))
        fms.append(standby.flow_mods() - fm0)
        own_ms.append((standby.status() or {}).get("last_takeover_ms"))
        log("ha-takeover %d: %s -> %s in %.3f s, %d flow_mods, standby RSS %d KiB"
            % (k + 1, active.name, standby.name, takeover[-1], fms[-1], rss[-1]))
        active.wait_gone()
        active, standby = standby, active
        t0 = time.monotonic()
        standby.start()
        wait_until(lambda: is_warm_standby(standby, n), 600, 0.02,
                   "%s a warm standby again" % standby.name)
        warm.append(time.monotonic() - t0)
    w.pid = active.pid
    c1.close()
    c2.close()
    mem = proc_mem(active.pid)
    return {"takeover": takeover, "flow_mods": fms, "standby_rss": rss, "cpu": cpu,
            "vswitchd_cpu": vsw, "ovsdb_cpu": odb,
            "warm": warm, "own_ms": [x for x in own_ms if isinstance(x, int)],
            "active_rss": mem["rss"], "active_hwm": mem["hwm"], "flows": flows()}

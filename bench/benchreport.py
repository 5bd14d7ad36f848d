"""benchreport: what a run prints and writes -- the per-size rows that join
weft, the baselines and OVN, the table on stdout, the CSV and the plot.

Pipeline: weftbench.py -> benchlab -> benchscen + benchbase -> benchreport
(this).
"""

import csv
import shutil
import subprocess
import sys

# The first nine columns are fixed (older CSVs and scripts read them by
# position); new columns go after them.
COLS = ["H", "P", "scenario", "weft_s", "limit_s", "ovn_s", "weft_flow_mods",
        "weft_cpu_s", "weft_rss_mib",
        "p95_s", "reps", "vswitchd_cpu_s", "ovsdb_cpu_s", "rss_steady_mib",
        "flows", "flows_per_s", "write_s", "ports_s", "installed_s",
        "limit_e2e_s", "limit_e2e_ports_s", "limit_vswitchd_s",
        "flowmod_hosts", "affected_hosts", "flow_mods_min", "flow_mods_max",
        "verifies", "N", "T", "R", "S", "SG", "weft/limit", "weft/ovn",
        "weft_flows_min", "weft_flows_max", "groups", "weft_groups_min", "weft_groups_max",
        "ovn_p95_s", "ovn_flows_s", "ovn_flows_total", "ovn_groups_total", "ovn_cpu_s",
        "ovn_rss_mib",
        "ovn_rss_steady_mib", "ovn_vswitchd_cpu_s", "ovn_ovsdb_cpu_s",
        "ovn_write_s", "ovn_vif_s", "note",
        "ha_takeover_max_s", "ha_standby_rss_mib", "ha_warm_s", "ha_own_ms"]

SCENARIOS = ["cold-start", "bring-up", "port-add", "port-del", "weftd-restart",
             "vswitchd-restart", "idle", "ha-takeover"]


def fmt(v, nd=3):
    if v is None or v == "":
        return "-"
    if isinstance(v, float):
        if v != v:
            return "n/a"
        return ("%%.%df" % nd) % v
    return str(v)


def mib(kib):
    return kib / 1024.0 if isinstance(kib, (int, float)) else None


def ms(s):
    return s * 1000.0 if isinstance(s, (int, float)) else None


def gsum(gs):
    """Groups over the hosts (None: not counted, or a switch did not answer)."""
    return sum(gs) if gs and None not in gs else None


def gmin(gs):
    return min(gs) if gs and None not in gs else None


def gmax(gs):
    return max(gs) if gs and None not in gs else None


def combine(topo, wrows, limit, orows, ovn_err):
    """One row per scenario: weft's figures, the baseline that applies to
    it (limit: bring-up and cold-start get the flows-only limit and the e2e
    and vswitchd floors, vswitchd-restart gets one host's limit) and OVN's."""
    by = {r["scenario"]: r for r in wrows}
    ob = {r["scenario"]: r for r in orows}
    out = []
    for sc in SCENARIOS:
        w = by.get(sc)
        if not w:
            continue
        o = ob.get(sc)
        lim = None
        r = {"H": topo.H, "P": topo.P, "N": topo.N, "T": topo.T,
             "R": topo.T if topo.routers else 0, "S": len(topo.services), "SG": len(topo.sgs), "scenario": sc,
             "weft_s": w["seconds"], "p95_s": w.get("p95"), "reps": w.get("reps"),
             "weft_flow_mods": w.get("flow_mods"),
             "flowmod_hosts": w.get("fm_hosts"), "affected_hosts": w.get("affected_hosts"),
             "flow_mods_min": w.get("fm_min"), "flow_mods_max": w.get("fm_max"),
             "flows": sum(w["flows"]), "weft_flows_min": min(w["flows"]),
             "weft_flows_max": max(w["flows"]),
             "groups": gsum(w.get("groups")), "weft_groups_min": gmin(w.get("groups")),
             "weft_groups_max": gmax(w.get("groups")),
             "ovn_groups_total": gsum(o.get("groups")) if o else None,
             "weft_cpu_s": w["cpu"],
             # weft_rss_mib has always been the peak (VmHWM): the CSV's
             # first nine columns keep their meaning.
             "weft_rss_mib": mib(w["hwm_kib"]),
             "rss_steady_mib": mib(w["rss_kib"]),
             "vswitchd_cpu_s": w["vswitchd_cpu"], "ovsdb_cpu_s": w["ovsdb_cpu"],
             "write_s": w.get("write_s"), "ports_s": w.get("ports_s"),
             "installed_s": w.get("installed_s"), "verifies": w.get("verifies"),
             "ovn_s": o["seconds"] if o else (ovn_err if sc == "bring-up" else None),
             "ovn_p95_s": o.get("p95") if o else None,
             "ovn_flows_total": sum(o["flows"]) if o else None,
             "ovn_cpu_s": o["cpu"] if o else None,
             "ovn_rss_mib": mib(o["hwm_kib"]) if o else None,
             "ovn_rss_steady_mib": mib(o["rss_kib"]) if o else None,
             "ovn_vswitchd_cpu_s": o["vswitchd_cpu"] if o else None,
             "ovn_ovsdb_cpu_s": o["ovsdb_cpu"] if o else None,
             "ovn_write_s": o.get("write_s") if o else None,
             "ovn_vif_s": o.get("vif_s") if o else None,
             "ovn_flows_s": o.get("flows_s") if o else None,
             "note": w.get("note") or (o.get("note") if o else None),
             "ha_takeover_max_s": w.get("ha_max_s"),
             "ha_standby_rss_mib": mib(w.get("ha_standby_rss_kib")),
             "ha_warm_s": w.get("ha_warm_s"), "ha_own_ms": w.get("ha_own_ms")}
        if limit and sc in ("bring-up", "cold-start"):
            lim = limit["wall"]
            r.update(limit_e2e_s=limit["e2e"], limit_e2e_ports_s=limit["e2e_ports"],
                     limit_vswitchd_s=limit["vswitchd"])
        elif limit and sc == "vswitchd-restart":
            lim = limit["one"]
        if sc in ("bring-up", "cold-start") and w["seconds"]:
            r["flows_per_s"] = r["flows"] / w["seconds"]
        r["limit_s"] = lim
        r["weft/limit"] = (w["seconds"] / lim) if lim else None
        r["weft/ovn"] = (w["seconds"] / o["seconds"]) if o and o["seconds"] else None
        if sc == "bring-up" and isinstance(ovn_err, str) and ovn_err.startswith("OVN left out"):
            r["ovn_s"], r["note"] = None, ovn_err
        out.append(r)
    return out


TABLE = [  # header, how to print it from a combined row
    ("H", lambda r: str(r["H"])),
    ("P", lambda r: str(r["P"])),
    ("S", lambda r: str(r.get("S") or 0)),
    ("SG", lambda r: str(r.get("SG") or 0)),
    ("scenario", lambda r: r["scenario"]),
    ("weft s", lambda r: fmt(r["weft_s"])),
    ("p95 s", lambda r: fmt(r["p95_s"])),
    ("limit s", lambda r: fmt(r["limit_s"])),
    ("OVN s", lambda r: ("failed" if r["ovn_s"].startswith("OVN failed") else "-")
     if isinstance(r["ovn_s"], str) else fmt(r["ovn_s"])),
    ("weft/limit", lambda r: fmt(r["weft/limit"], 2)),
    ("weft/OVN", lambda r: fmt(r["weft/ovn"], 2)),
    ("flow_mods", lambda r: fmt(r["weft_flow_mods"])),
    ("fm hosts", lambda r: ("%s/%s" % (r["flowmod_hosts"], r["affected_hosts"])
                            if r["affected_hosts"] else fmt(r["flowmod_hosts"]))),
    ("flows/host", lambda r: "%d-%d" % (r["weft_flows_min"], r["weft_flows_max"])),
    ("groups/host", lambda r: "%s-%s" % (r["weft_groups_min"], r["weft_groups_max"])
     if r.get("weft_groups_min") is not None else "-"),
    ("weftd CPU s", lambda r: fmt(r["weft_cpu_s"], 2)),
    ("vswitchd CPU s", lambda r: fmt(r["vswitchd_cpu_s"], 2)),
    ("ovsdb CPU s", lambda r: fmt(r["ovsdb_cpu_s"], 2)),
    ("RSS MiB", lambda r: fmt(r["rss_steady_mib"], 1)),
    ("peak MiB", lambda r: fmt(r["weft_rss_mib"], 1)),
]


def print_table(rows, f=sys.stdout):
    hdr = [h for h, _ in TABLE]
    lines = [[get(r) for _, get in TABLE] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(hdr, *lines)]
    f.write("  ".join(h.rjust(wd) for h, wd in zip(hdr, widths)) + "\n")
    f.write("  ".join("-" * wd for wd in widths) + "\n")
    for ln in lines:
        f.write("  ".join(x.rjust(wd) for x, wd in zip(ln, widths)) + "\n")
    f.flush()


def print_details(rows, f=sys.stdout):
    """What does not fit the table: bring-up phases and floors, OVN's
    figures, idle CPU."""
    for r in rows:
        sc = r["scenario"]
        if sc in ("bring-up", "cold-start"):
            f.write("%s: DB write %s s, ports ready %s s, flows installed %s s; %d flows, "
                    "%s flows/s\n" % (sc, fmt(r["write_s"]), fmt(r["ports_s"]),
                                      fmt(r["installed_s"]), r["flows"],
                                      fmt(r.get("flows_per_s"), 0)))
            f.write("  floors: limit-e2e %s s (ports %s s), limit %s s, limit-vswitchd %s s\n"
                    % (fmt(r.get("limit_e2e_s")), fmt(r.get("limit_e2e_ports_s")),
                       fmt(r["limit_s"]), fmt(r.get("limit_vswitchd_s"))))
        if sc == "bring-up":
            if isinstance(r["ovn_s"], float):
                f.write("  OVN: hv_cfg %s s (NB write %s s), flows present %s s, "
                        "VIFs %s s (ovs-vsctl, not in OVN s); CPU northd+controllers %s s, "
                        "vswitchd %s s, ovsdb %s s; %s flows\n"
                        % (fmt(r["ovn_s"]), fmt(r["ovn_write_s"]), fmt(r["ovn_flows_s"]),
                           fmt(r["ovn_vif_s"]), fmt(r["ovn_cpu_s"], 2),
                           fmt(r["ovn_vswitchd_cpu_s"], 2), fmt(r["ovn_ovsdb_cpu_s"], 2),
                           fmt(r["ovn_flows_total"])))
            else:
                f.write("  %s\n" % (r["ovn_s"] or r["note"]))
        if sc in ("port-add", "port-del"):
            f.write("%s: %s reps, median %s s, p95 %s s, flow_mods %s-%s per op on up to "
                    "%s hosts (network spans %s)%s\n"
                    % (sc, r["reps"], fmt(r["weft_s"]), fmt(r["p95_s"]),
                       r["flow_mods_min"], r["flow_mods_max"], r["flowmod_hosts"],
                       r["affected_hosts"],
                       "; OVN median %s s, p95 %s s" % (fmt(r["ovn_s"]), fmt(r["ovn_p95_s"]))
                       if r["ovn_s"] is not None else ""))
        if sc == "idle":
            f.write("idle: weftd %s s CPU over %s s (%s verifies), %s flow_mods, RSS %s MiB\n"
                    % (fmt(r["weft_cpu_s"], 3), fmt(r["weft_s"], 0), r["verifies"],
                       r["weft_flow_mods"], fmt(r["weft_rss_mib"], 1)))
        if sc == "ha-takeover":
            f.write("ha-takeover: %s reps, kill -9 of the active -> the standby active, every "
                    "host primary and synced: median %s ms, max %s ms (weftd's own "
                    "last_takeover_ms median %s); flow_mods %s-%s; standby RSS %s MiB "
                    "before the kill; a restarted weftd warm again in %s s (median)\n"
                    % (r["reps"], fmt(ms(r["weft_s"]), 0), fmt(ms(r["ha_takeover_max_s"]), 0),
                       fmt(r["ha_own_ms"]), r["flow_mods_min"], r["flow_mods_max"],
                       fmt(r["ha_standby_rss_mib"], 1), fmt(r["ha_warm_s"])))
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
                lims = [r.get(k) if r.get(k) is not None else "NaN"
                        for k in ("limit_s", "limit_e2e_s", "limit_vswitchd_s")]
                f.write("%d %s %s %s %s %s\n" % (r["P"], r["weft_s"], lims[0], o,
                                                 lims[1], lims[2]))
            f.write("\n\n")
    plots = []
    for i, h in enumerate(hs):
        plots.append("'%s' index %d using 1:2 with linespoints lw 2 lc %d pt 7 "
                     "title 'weft H=%d'" % (dat, i, i + 1, h))
        plots.append("'%s' index %d using 1:3 with linespoints lw 1 lc %d pt 4 dt 2 "
                     "title 'limit H=%d'" % (dat, i, i + 1, h))
        plots.append("'%s' index %d using 1:4 with linespoints lw 1 lc %d pt 9 dt 3 "
                     "title 'OVN H=%d'" % (dat, i, i + 1, h))
        plots.append("'%s' index %d using 1:5 with linespoints lw 1 lc %d pt 6 dt 4 "
                     "title 'limit-e2e H=%d'" % (dat, i, i + 1, h))
        plots.append("'%s' index %d using 1:6 with linespoints lw 1 lc %d pt 1 dt 5 "
                     "title 'limit-vswitchd H=%d'" % (dat, i, i + 1, h))
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

"""benchreport: what a run prints and writes -- the per-size rows that join
weft, the baselines and OVN, the table on stdout, the CSV and the plot.

Pipeline: weftbench.py -> benchlab -> benchscen + benchbase -> benchreport
(this).
"""

import csv
import shutil
import subprocess
import sys

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

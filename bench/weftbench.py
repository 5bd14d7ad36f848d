#!/usr/bin/python3
"""weftbench: weft vs the raw OVS limits vs OVN 23.03, same topology, same run.

Run it through bench/run (root).  For each size (H hosts, P ports) it builds
simulated hosts (one ovsdb-server + one `ovs-vswitchd --enable-dummy=override`
each, unix sockets in a temporary directory), writes a generated topology into
weft's database and measures:

  cold-start        hosts and topology written in one transaction
  bring-up          hosts registered first; topology written in one
                    transaction -> every Host.cur_cfg reaches nb_cfg; phases:
                    DB write, ports ready (every Port.ofport set), installed
  port-add/del      one port added, then removed, --reps times each, each
                    operation timed to cur_cfg on every host: median, p95,
                    flow_mods per operation, hosts that got flow_mods
  weftd-restart     unchanged state -> every host read back and synced
                    (flow_mods must be 0)
  vswitchd-restart  one host's ovs-vswitchd restarted -> its flows are back
  idle              --idle-window seconds with nothing to do (weftd's 30 s
                    verify included)
  ha-takeover       (--ha) a second weftd as a warm standby; --reps times:
                    kill -9 of the active -> the standby active with every
                    host primary and synced; flow_mods, standby RSS
                    (benchha.py)

Every scenario reports the CPU seconds of weftd, of every ovs-vswitchd and
of every ovsdb-server (/proc/PID/stat), weftd's RSS and peak RSS (VmHWM).

Baselines in the same run (benchbase.py): "limit" (the flows weft installed,
dumped and pushed with `ovs-ofctl --bundle add-flows` into fresh switches,
all hosts in parallel), "limit-e2e" (the same ports over OVSDB with one
ovs-vsctl transaction per host, then the same flows), "limit-vswitchd" (a
pre-encoded bundle replayed raw, no text parsing) and OVN (northd + NB/SB +
one ovn-controller per host, the same logical topology, timed from the NB
write to NB_Global.hv_cfg, which is what `ovn-nbctl --wait=hv` waits for).

Pipeline: weftbench.py (this: options, sizes, the loop) -> benchlab (set-up)
-> benchscen (scenarios) + benchbase (baselines) -> benchreport (output).
"""

import argparse
import datetime
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlab  # noqa: E402
from benchbase import limits  # noqa: E402
from benchlab import HERE, Topo, log  # noqa: E402
from benchreport import (combine, fmt, plot, print_details, print_table,  # noqa: E402
                         write_csv)
from benchpolicy import RULES  # noqa: E402
from benchscen import measure_ovn, measure_weft, stop_all  # noqa: E402

DEFAULT_SIZES = "3x100,3x1000,10x1000,10x3000,10x10000"
# How each figure grows: ports 1,000 -> 10,000 -> 30,000 at 10 hosts, and
# hosts 3 -> 10 -> 30 at 10,000 ports (10x10000 is on both lines).
SCALING_SIZES = "10x1000,3x10000,10x10000,30x10000,10x30000"


def parse_sizes(s):
    sizes = []
    for item in s.split(","):
        try:
            h, p = item.lower().split("x")
            sizes.append((int(h), int(p)))
        except ValueError:
            raise SystemExit("weftbench: bad size %r (want HxP, e.g. 3x100)" % item)
        if sizes[-1][0] < 1 or sizes[-1][1] < 1:
            raise SystemExit("weftbench: bad size %r" % item)
    return sizes


def make_topo(args, H, P, services=False, policy=False):
    N = max(4, P // args.ports_per_net)
    return Topo(H, P, N=N, T=max(1, N // args.nets_per_tenant), span=args.span,
                routers=args.routers or args.services, services=services,
                policy=(args.policy_ports, args.policy_group_size) if policy else None)


def variants(args):
    """The topologies of each size: the plain one, and with --services or
    --policy the same with services or security groups beside it (same
    hosts, networks, routers, ports)."""
    return ([{}] + ([{"services": True}] if args.services else [])
            + ([{"policy": True}] if args.policy else []))


def ovn_in(args, have_ovn, P):
    return not args.no_ovn and have_ovn and P <= args.ovn_max_ports


def ovn_why(args, have_ovn):
    return ("--no-ovn" if args.no_ovn else "not installed: bench/install-deps.sh"
            if not have_ovn else "P > --ovn-max-ports %d" % args.ovn_max_ports)


def print_plan(args, sizes, have_ovn):
    """--dry-run: what a run would do, without starting anything."""
    print("bench plan (%d sizes, run directories %s.*, CSV and plot in %s):"
          % (len(sizes), os.path.join(tempfile.gettempdir(), args.prefix), args.out))
    for H, P, kw in [(H, P, kw) for H, P in sizes for kw in variants(args)]:
        t = make_topo(args, H, P, **kw)
        sv = bool(kw)
        sc = ([] if args.no_cold or sv else ["cold-start"]) + [
            "bring-up", "port-add x%d" % args.reps, "port-del x%d" % args.reps,
            "weftd-restart", "vswitchd-restart"]
        if args.idle_window > 0:
            sc.append("idle %gs" % args.idle_window)
        if args.ha:
            sc.append("ha-takeover x%d" % args.reps)
        print("  %dx%d: %s, about %d ports per host" % (H, P, t.describe(), -(-P // H)))
        print("    weft: %s" % ", ".join(sc))
        if sv:
            print("    baselines: left out with %s (the comparison is the plain topology)"
                  % ("services" if t.services else "policy"))
        else:
            print("    baselines: limit, limit-e2e, limit-vswitchd (bring-up); one-host "
                  "limit (vswitchd-restart)")
        if t.sgs:
            print("    OVN: left out with policy")
        elif ovn_in(args, have_ovn, P):
            print("    OVN: bring-up (VIFs timed apart), port-add/del x%d, vswitchd-restart%s"
                  % (args.reps, "; services as Load_Balancers on the tenant's switches"
                     if sv else ""))
        else:
            print("    OVN: left out (%s)" % ovn_why(args, have_ovn))


def run_size(args, H, P, have_ovn, csv_path, all_rows):
    size_rows = []
    for kw in variants(args):
        run_topo(args, make_topo(args, H, P, **kw), have_ovn, csv_path, all_rows, size_rows)
    if args.services:
        print_services(size_rows)
    if args.policy:
        print_policy(size_rows)


def run_topo(args, topo, have_ovn, csv_path, all_rows, size_rows):
    P = topo.P
    d = tempfile.mkdtemp(prefix=args.prefix + ".")
    log("size %s in %s" % (topo.describe(), d))
    try:
        wrows = []
        if not args.no_cold and not topo.services and not topo.sgs:
            wrows, _ = measure_weft(args, d, topo, cold=True)
            stop_all()
        more, w = measure_weft(args, d, topo)
        wrows += more
        # The limits push weft's flows into fresh switches, which lack the
        # services' groups: left out with services.
        # With policy, the comparison is the plain topology's run.
        limit = None if topo.services or topo.sgs else limits(d, w)
        stop_all()
        orows, ovn_err = [], None
        if topo.sgs:
            ovn_err = "OVN left out (policy)"
        elif not ovn_in(args, have_ovn, P):
            ovn_err = "OVN left out (%s)" % ovn_why(args, have_ovn)
        else:
            try:
                orows, _ = measure_ovn(args, d, topo)
            except Exception as e:  # report, keep weft vs limit
                ovn_err = "OVN failed: %s" % e
                sys.stderr.write("weftbench: %s\n" % ovn_err)
            stop_all()
        rows = combine(topo, wrows, limit, orows, ovn_err)
        all_rows += rows
        size_rows += rows
        print("\n%s" % topo.describe())
        print_table(rows)
        print_details(rows)
        write_csv(csv_path, all_rows)
    finally:
        stop_all()
        if args.keep:
            print("run directory kept: %s" % d)
        else:
            shutil.rmtree(d, ignore_errors=True)


def print_services(rows):
    """With --services: the services topology beside the plain one."""
    def get(sv, sc):
        return next((r for r in rows if r["scenario"] == sc and bool(r["S"]) == sv
                     and not r["SG"]), None)
    plain, svc = get(False, "bring-up"), get(True, "bring-up")
    if not plain or not svc:
        return
    print("services: S=%d (one VIP per 10 ports, 3 backends): weft flows/host %d-%d "
          "(plain %d-%d), groups/host %s-%s; bring-up %s s (plain %s s)"
          % (svc["S"], svc["weft_flows_min"], svc["weft_flows_max"],
             plain["weft_flows_min"], plain["weft_flows_max"], fmt(svc.get("weft_groups_min")),
             fmt(svc.get("weft_groups_max")), fmt(svc["weft_s"]), fmt(plain["weft_s"])))
    pa, sa = get(False, "port-add"), get(True, "port-add")
    if pa and sa:
        print("  port-add median %s s, p95 %s s, flow_mods %s (plain: %s s, p95 %s s, "
              "flow_mods %s)" % (fmt(sa["weft_s"]), fmt(sa["p95_s"]), fmt(sa["weft_flow_mods"]),
                                 fmt(pa["weft_s"]), fmt(pa["p95_s"]),
                                 fmt(pa["weft_flow_mods"])))
    if isinstance(svc.get("ovn_s"), float):
        print("  OVN (Load_Balancers): bring-up %s s (plain %s s), flows %s (plain %s), "
              "groups %s" % (fmt(svc["ovn_s"]), fmt(plain.get("ovn_s")),
                             fmt(svc.get("ovn_flows_total")), fmt(plain.get("ovn_flows_total")),
                             fmt(svc.get("ovn_groups_total"))))


def print_policy(rows):
    """With --policy: the topology with security groups beside the plain
    one (issue #15 asks for flows/host and port-add within 2x)."""
    def get(pol, sc):
        return next((r for r in rows if r["scenario"] == sc and bool(r["SG"]) == pol
                     and not r["S"]), None)
    plain, pol = get(False, "bring-up"), get(True, "bring-up")
    if not plain or not pol:
        return
    ratio = pol["weft_flows_max"] / max(1, plain["weft_flows_max"])
    print("policy: SG=%d groups (%d rules each: CIDR, port range, remote group, egress any): "
          "weft flows/host %d-%d (plain %d-%d, max %.2fx); bring-up %s s (plain %s s)"
          % (pol["SG"], len(RULES), pol["weft_flows_min"], pol["weft_flows_max"],
             plain["weft_flows_min"], plain["weft_flows_max"], ratio, fmt(pol["weft_s"]),
             fmt(plain["weft_s"])))
    pa, sa = get(False, "port-add"), get(True, "port-add")
    if pa and sa:
        print("  port-add median %s s (%.2fx), p95 %s s, flow_mods %s (plain: %s s, p95 %s s, "
              "flow_mods %s)" % (fmt(sa["weft_s"]), sa["weft_s"] / max(pa["weft_s"], 1e-9),
                                 fmt(sa["p95_s"]), fmt(sa["weft_flow_mods"]), fmt(pa["weft_s"]),
                                 fmt(pa["p95_s"]), fmt(pa["weft_flow_mods"])))


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", help="weft build directory (bench/run sets it)")
    ap.add_argument("--sizes", default=DEFAULT_SIZES,
                    help="comma-separated HxP list (default: %(default)s)")
    ap.add_argument("--scaling", action="store_true",
                    help="the scaling set instead of --sizes: " + SCALING_SIZES)
    ap.add_argument("--dry-run", "--list", dest="dry_run", action="store_true",
                    help="print the plan (sizes, topologies, scenarios) and exit")
    ap.add_argument("--reps", type=int, default=20,
                    help="port-add and port-del repetitions, and takeovers with --ha "
                    "(default: %(default)s)")
    ap.add_argument("--idle-window", type=float, default=35.0,
                    help="seconds of idle weftd measured, 0 to skip; weftd verifies "
                    "every 30 s (default: %(default)s)")
    ap.add_argument("--prefix", default="weft-bench",
                    help="name prefix of the run directories in $TMPDIR "
                    "(default: %(default)s)")
    ap.add_argument("--span", type=int, default=3,
                    help="hosts each network spans (default: %(default)s)")
    ap.add_argument("--ports-per-net", type=int, default=25,
                    help="N = max(4, P / this) (default: %(default)s)")
    ap.add_argument("--nets-per-tenant", type=int, default=5,
                    help="T = max(1, N / this) (default: %(default)s)")
    ap.add_argument("--routers", action="store_true",
                    help="give each network a subnet and each tenant a router "
                    "attached to all its networks (OVN: a Logical_Router likewise)")
    ap.add_argument("--services", action="store_true",
                    help="beside each size's plain topology, the same with services "
                    "(implies --routers): one VIP per 10 ports of a tenant, 3 backends "
                    "each, on the tenant's router (OVN: Load_Balancers on the tenant's "
                    "switches); reports flows and groups per host and port-add latency "
                    "of both")
    ap.add_argument("--policy", action="store_true",
                    help="beside each size's plain topology, the same with security "
                    "groups on its first --policy-ports ports (bench/benchpolicy.py); "
                    "reports flows per host and port-add latency of both (no OVN, no "
                    "limits for it)")
    ap.add_argument("--policy-ports", type=int, default=1000,
                    help="ports in security groups with --policy (default: %(default)s)")
    ap.add_argument("--policy-group-size", type=int, default=50,
                    help="ports per security group with --policy (default: %(default)s)")
    ap.add_argument("--ha", action="store_true",
                    help="HA figures (issue #16): after the other scenarios, a second "
                    "weftd (--name c2) as a warm standby; --reps times kill -9 of the "
                    "active, timed until the standby is active with every host primary "
                    "and synced; its flow_mods, the standby's RSS (bench/benchha.py)")
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
    if args.reps < 1:
        ap.error("--reps must be at least 1")
    if args.policy_ports < 1 or args.policy_group_size < 1:
        ap.error("--policy-ports and --policy-group-size must be at least 1")
    if "/" in args.prefix or not args.prefix:
        ap.error("--prefix must be a plain name")
    if not args.dry_run and not args.build:
        ap.error("--build is required (bench/run gives it)")
    return args


def main():
    args = parse_args()
    benchlab.VERBOSE = args.verbose
    sizes = parse_sizes(SCALING_SIZES if args.scaling else args.sizes)
    have_ovn = bool(shutil.which("ovn-northd") and shutil.which("ovn-controller"))
    if args.dry_run:
        print_plan(args, sizes, have_ovn)
        return
    args.build = os.path.abspath(args.build)
    os.makedirs(args.out, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    csv_path = os.path.join(args.out, "bench-%s.csv" % stamp)
    png_path = os.path.join(args.out, "bench-%s.png" % stamp)
    all_rows = []
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda s, f: sys.exit(128 + s))
    if not args.no_ovn and not have_ovn:
        sys.stderr.write("weftbench: OVN not installed (bench/install-deps.sh); "
                         "running weft vs the limits only\n")

    t_start = time.monotonic()
    try:
        for H, P in sizes:
            run_size(args, H, P, have_ovn, csv_path, all_rows)
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

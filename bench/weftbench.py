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
import datetime
import os
import shutil
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlab  # noqa: E402
from benchbase import limit_push  # noqa: E402
from benchlab import HERE, Topo, log  # noqa: E402
from benchreport import combine, plot, print_table, write_csv  # noqa: E402
from benchscen import measure_ovn, measure_weft, stop_all  # noqa: E402


def parse_sizes(s):
    sizes = []
    for item in s.split(","):
        h, p = item.lower().split("x")
        sizes.append((int(h), int(p)))
    return sizes


def main():

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
    benchlab.VERBOSE = args.verbose
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
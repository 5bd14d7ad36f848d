"""benchbase: the baselines weft is measured against -- the flows weft
installed, pushed by plain OVS tools into fresh switches.

Pipeline: weftbench.py -> benchlab (set-up) -> benchscen (scenarios) +
benchbase (this: baselines) -> benchreport.
"""

import os
import subprocess
import time

from benchlab import PROCS, Switch, run, wait_until

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

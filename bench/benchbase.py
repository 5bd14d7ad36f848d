"""benchbase: the baselines weft is measured against -- the flows weft
installed, pushed by plain OVS tools into fresh switches.

Pipeline: weftbench.py -> benchlab (set-up) -> benchscen (scenarios) +
benchbase (this: baselines) -> benchreport.

Three floors, from the most to the least work left to the switch's client:
  limit-e2e       the same ports created over OVSDB (ovs-vsctl, one
                  transaction per host, waiting for ovs-vswitchd to apply
                  it), then the same flows with `ovs-ofctl --bundle
                  add-flows`: what weft's bring-up does, with no controller.
  limit           the flows alone, `ovs-ofctl --bundle add-flows` into
                  switches whose br-int exists (text parsed and encoded by
                  ovs-ofctl on every push).
  limit-vswitchd  the switch-side floor: each host's bundle was encoded once
                  (ovs-ofctl, through a recording proxy) and the raw
                  OpenFlow bytes are replayed over br-int.mgmt from Python,
                  with no text parsing or encoding in the timed part.
Every baseline runs all hosts in parallel; the time ends when the last
host's bundle commit is acknowledged.
"""

import json
import os
import socket
import struct
import threading
import time

from benchlab import PROCS, Switch, log, run, wait_until

OFP_HDR = struct.Struct("!BBHI")        # version, type, length, xid
OFPT_ERROR, OFPT_ECHO_REQUEST, OFPT_ECHO_REPLY = 1, 2, 3
OFPT_BUNDLE_CONTROL = 33                # OpenFlow 1.4 and 1.5
OFPBCT_COMMIT_REQUEST = 4


def fresh_switches(ld, names):
    """One new ovsdb-server + ovs-vswitchd per host name, each with an empty
    br-int as weft's hosts have before the bring-up."""
    os.makedirs(ld)
    fresh = []
    for name in names:
        s = Switch(ld, name)
        s.vsctl("--", "add-br", "br-int", "--", "set", "bridge", "br-int",
                "datapath_type=netdev", "fail_mode=secure",
                "protocols=OpenFlow13,OpenFlow14,OpenFlow15")
        fresh.append(s)
    for s in fresh:
        wait_until(lambda: s.flow_count() is not None, 30, 0.05, "fresh br-int")
    return fresh


def kill_switches(switches):
    PROCS.kill_many([p for s in switches for p in
                     (s.vswitchd_pf, os.path.join(s.dir, "ovsdb-server.pid"))])


def push_flows(sw, path):
    run("ovs-ofctl", "-O", "OpenFlow15", "--bundle", "add-flows", sw.mgmt, path)


def parallel(fn, items):
    """fn(item) for every item in its own thread; returns the results, and
    raises the first exception any of them raised."""
    res = [None] * len(items)
    errs = []

    def one(i, it):
        try:
            res[i] = fn(it)
        except Exception as e:      # re-raised in the caller's thread
            errs.append(e)
    ths = [threading.Thread(target=one, args=(i, it)) for i, it in enumerate(items)]
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    if errs:
        raise errs[0]
    return res


def limits(d, weft):
    """All baselines for weft's installed state.  Returns a dict: wall (the
    flows-only limit), counts (flows per host), one (one host's flows back
    after its ovs-vswitchd restarted), e2e and e2e_ports (limit-e2e: total
    and when the last host had its ports), vswitchd (limit-vswitchd)."""
    ld = os.path.join(d, "limit")
    os.makedirs(ld)
    files = []
    for sw in weft.switches:
        f = os.path.join(ld, sw.name + ".flows")
        sw.dump_flows(f)
        files.append(f)
    names = [sw.name for sw in weft.switches]
    res = {}

    fresh = fresh_switches(os.path.join(ld, "flows"), names)
    t0 = time.monotonic()
    parallel(lambda sf: push_flows(*sf), list(zip(fresh, files)))
    res["wall"] = time.monotonic() - t0
    res["counts"] = [s.flow_count() for s in fresh]
    kill_switches(fresh)

    specs = [port_spec(sw) for sw in weft.switches]
    fresh = fresh_switches(os.path.join(ld, "e2e"), names)
    try:
        res["e2e"], res["e2e_ports"] = limit_e2e(fresh, specs, files)
        check_counts("limit-e2e", fresh, res["counts"])
        res["vswitchd"] = limit_vswitchd(ld, fresh, files)
        check_counts("limit-vswitchd", fresh, res["counts"])
        res["one"] = limit_one(fresh[0], files[0])
    finally:
        kill_switches(fresh)
    log("limits: flows %.3f s, e2e %.3f s (ports %.3f s), vswitchd %.3f s, one host %.3f s"
        % (res["wall"], res["e2e"], res["e2e_ports"], res["vswitchd"], res["one"]))
    return res


def limit_one(s, path):
    """The vswitchd-restart row's limit: restart one host's switch, which
    holds weft's ports (limit-e2e made them), so that the new ovs-vswitchd
    creates them again as weft's restarted host does, and time from the new
    process to its flows pushed."""
    s.stop_vswitchd()
    t1 = time.monotonic()
    s.start_vswitchd()
    wait_until(lambda: s.flow_count() is not None, 30, 0.005, "restarted br-int")
    push_flows(s, path)
    return time.monotonic() - t1


def check_counts(what, switches, want):
    got = [s.flow_count() for s in switches]
    if got != want:
        raise RuntimeError("%s: flows per host %s, weft installed %s" % (what, got, want))


# ---------------------------------------------------------------- limit-e2e

def port_spec(sw):
    """ovs-vsctl arguments that recreate weft's br-int interfaces on a host
    (name, type, options, and ofport_request = the ofport weft's flows use)."""
    ifaces = set(sw.vsctl("list-ifaces", "br-int").split())
    out = json.loads(sw.vsctl("-f", "json", "--columns=name,type,options,ofport",
                              "list", "Interface"))
    args = []
    for name, typ, options, ofport in out["data"]:
        if name not in ifaces:
            continue
        args += ["--", "add-port", "br-int", name, "--", "set", "interface", name]
        if typ:
            args.append("type=%s" % typ)
        if isinstance(ofport, int) and ofport > 0:
            args.append("ofport_request=%d" % ofport)
        for k, v in options[1]:
            args.append('options:%s="%s"' % (k, v))
    return args


def limit_e2e(fresh, specs, files):
    """Per host, in parallel: one ovs-vsctl transaction with every port
    (ovs-vsctl waits until ovs-vswitchd has applied it), then the flows.
    Returns (wall, when the last host had its ports)."""
    t0 = time.monotonic()

    def host(i):
        s = fresh[i]
        if specs[i]:
            s.vsctl("--timeout=600", *specs[i])
        t_ports = time.monotonic() - t0
        push_flows(s, files[i])
        return t_ports
    ports = parallel(host, list(range(len(fresh))))
    return time.monotonic() - t0, max(ports)


# ---------------------------------------------------------------- limit-vswitchd

def of_split(data):
    """Raw OpenFlow bytes -> [(type, xid, message bytes)]."""
    msgs, off = [], 0
    while off + OFP_HDR.size <= len(data):
        _, typ, length, xid = OFP_HDR.unpack_from(data, off)
        if length < OFP_HDR.size:
            raise RuntimeError("bad OpenFlow length %d" % length)
        msgs.append((typ, xid, bytes(data[off:off + length])))
        off += length
    return msgs


def record_bundle(ld, sw, path):
    """Runs `ovs-ofctl --bundle add-flows` for one host through a unix socket
    proxy in front of sw's br-int.mgmt and keeps what ovs-ofctl sent on the
    connection that committed the bundle: the encoded hello, bundle open,
    adds and commit.  (ovs-ofctl may open more than one connection: the
    proxy serves each.)  Returns (bytes to replay, xid of the commit)."""
    proxy = os.path.join(ld, "rec-%s.sock" % sw.name)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(proxy)
    srv.listen(8)
    srv.settimeout(0.1)
    recs = []
    stop = threading.Event()

    def pump(src, dst, keep):
        try:
            while True:
                data = src.recv(1 << 16)
                if not data:
                    break
                if keep is not None:
                    keep += data
                dst.sendall(data)
        except OSError:
            pass
        for so in (src, dst):
            try:
                so.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def one(c):
        rec = bytearray()
        recs.append(rec)
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        up.connect(sw.mgmt[len("unix:"):])
        back = threading.Thread(target=pump, args=(up, c, None), daemon=True)
        back.start()
        pump(c, up, rec)
        back.join(10)
        c.close()
        up.close()

    def serve():
        ths = []
        while not stop.is_set():
            try:
                c, _ = srv.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            ths.append(threading.Thread(target=one, args=(c,), daemon=True))
            ths[-1].start()
        for t in ths:
            t.join(10)
    th = threading.Thread(target=serve, daemon=True)
    th.start()
    try:
        run("ovs-ofctl", "-O", "OpenFlow15", "--bundle", "add-flows", "unix:" + proxy, path)
    finally:
        stop.set()
        th.join(30)
        srv.close()
        os.unlink(proxy)
    for rec in recs:
        keep = [m for m in of_split(rec) if m[0] not in (OFPT_ECHO_REQUEST, OFPT_ECHO_REPLY)]
        commits = [xid for typ, xid, m in keep if typ == OFPT_BUNDLE_CONTROL
                   and struct.unpack_from("!H", m, 12)[0] == OFPBCT_COMMIT_REQUEST]
        if commits:
            return b"".join(m for _, _, m in keep), commits[-1]
    raise RuntimeError("no bundle commit in what ovs-ofctl sent to " + sw.name)


def replay_bundle(mgmt, data, commit_xid, timeout=600):
    """Sends pre-encoded bytes to a switch (a writer thread, so that replies
    never block the send) and reads until the commit's reply."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(mgmt[len("unix:"):])
    s.settimeout(timeout)
    w = threading.Thread(target=s.sendall, args=(data,), daemon=True)
    w.start()
    buf = bytearray()
    try:
        while True:
            for typ, xid, m in of_split(buf):
                if xid == commit_xid and typ == OFPT_BUNDLE_CONTROL:
                    return
                if typ == OFPT_ERROR:
                    raise RuntimeError("switch answered an OpenFlow error (xid %d)" % xid)
            # Keep only an incomplete tail: whole messages were looked at.
            done = sum(len(m) for _, _, m in of_split(buf))
            del buf[:done]
            data_in = s.recv(1 << 16)
            if not data_in:
                raise RuntimeError("switch closed the connection before the commit reply")
            buf += data_in
    finally:
        w.join(timeout)
        s.close()


def limit_vswitchd(ld, fresh, files):
    """Records each host's bundle once, restarts every fresh ovs-vswitchd
    (flows gone, ports kept in its database), then replays the recorded
    bytes to all hosts in parallel.  Returns the wall time of the replay."""
    recs = [record_bundle(ld, s, f) for s, f in zip(fresh, files)]
    for s in fresh:
        s.stop_vswitchd()
        s.start_vswitchd()
    for s in fresh:
        wait_until(lambda: s.flow_count() == 0, 60, 0.02, "empty br-int on " + s.name)
    t0 = time.monotonic()
    parallel(lambda sr: replay_bundle(sr[0].mgmt, *sr[1]), list(zip(fresh, recs)))
    return time.monotonic() - t0

#!/usr/bin/python3
"""lab-server.py: the lab's small TCP/UDP servers and their client.

weft-lab (scripts/weft-lab-nat.sh, weft-lab-services.sh) and the lab tests
(tests/lab/test-nat.sh, test-services.sh) use it to see NAT and services from
both ends: what address a packet arrives from, and who answers.

  serve [--tcp PORT]... [--udp PORT] [--name NAME] [--pidfile FILE] [--log FILE]
      Answers each TCP connection (on every --tcp port given) and each UDP datagram with one line: the
      client's address as this side sees it, "IP:PORT" (the outside server),
      or "NAME IP:PORT" with --name (an endpoint's server, so that a caller
      learns which endpoint it reached).  A TCP connection then echoes every
      line it receives until the client closes it.  The pidfile is written
      once both sockets are bound (a caller waits for it); --log gets one
      line per connection or datagram.  SIGTERM ends it and removes the
      pidfile.

  ask tcp|udp IP PORT [--timeout S] [--sport PORT]
      Prints the server's first line; exits 1 if nothing came back within
      S seconds (default 3), or the connection was refused.

  session IP PORT --out FILE [--sport PORT] [--timeout S]
      A long-lived TCP connection: writes "reply LINE" and "local IP:PORT"
      to FILE once connected, then for each SIGUSR1 sends "ping N" and
      appends "echo ping N" (or "error ...") to FILE.  Held until killed.
"""

import argparse
import os
import signal
import socket
import socketserver
import sys
import threading


def log_line(path, text):
    if path:
        with open(path, "a") as f:
            f.write(text + "\n")


def answer_for(args, addr):
    peer = "%s:%d" % (addr[0], addr[1])
    return "%s %s" % (args.name, peer) if args.name else peer


def tcp_handler(args):
    class Handler(socketserver.StreamRequestHandler):
        def handle(self):
            log_line(args.log, "tcp %s:%d" % self.client_address)
            self.wfile.write((answer_for(args, self.client_address) + "\n").encode())
            for line in self.rfile:
                self.wfile.write(line)
    return Handler


def udp_loop(sock, args):
    while True:
        data, addr = sock.recvfrom(2048)
        log_line(args.log, "udp %s:%d" % addr)
        sock.sendto((answer_for(args, addr) + "\n").encode(), addr)


def cmd_serve(args):
    if args.tcp is None and args.udp is None:
        sys.exit("serve: --tcp or --udp required")
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.daemon_threads = True
    tcps, udp = [], None
    for port in args.tcp or []:
        tcps.append(socketserver.ThreadingTCPServer(("0.0.0.0", port), tcp_handler(args)))
    if args.udp is not None:
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind(("0.0.0.0", args.udp))

    def stop(signum, frame):
        if args.pidfile:
            try:
                os.unlink(args.pidfile)
            except OSError:
                pass
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.pidfile:
        tmp = args.pidfile + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(tmp, args.pidfile)
    if udp is not None:
        threading.Thread(target=udp_loop, args=(udp, args), daemon=True).start()
    for tcp in tcps[1:]:
        threading.Thread(target=tcp.serve_forever, daemon=True).start()
    if tcps:
        tcps[0].serve_forever()
    else:
        while True:
            signal.pause()


def connect(ip, port, sport, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if sport:
        s.bind(("0.0.0.0", sport))
    s.settimeout(timeout)
    s.connect((ip, port))
    return s


def read_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(2048)
        if not chunk:
            break
        buf += chunk
    return buf.decode(errors="replace").strip()


def cmd_ask(args):
    try:
        if args.proto == "tcp":
            s = connect(args.ip, args.port, args.sport, args.timeout)
            line = read_line(s)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            if args.sport:
                s.bind(("0.0.0.0", args.sport))
            s.settimeout(args.timeout)
            s.sendto(b"ask\n", (args.ip, args.port))
            line = s.recv(2048).decode(errors="replace").strip()
        s.close()
    except OSError as e:
        print("error: %s" % e, file=sys.stderr)
        sys.exit(1)
    if not line:
        sys.exit(1)
    print(line)


def cmd_session(args):
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
    try:
        s = connect(args.ip, args.port, args.sport, args.timeout)
        reply = read_line(s)
    except OSError as e:
        log_line(args.out, "error %s" % e)
        sys.exit(1)
    local = "%s:%d" % s.getsockname()
    with open(args.out, "a") as f:
        f.write("reply %s\nlocal %s\n" % (reply, local))
    n = 0
    while True:
        signal.sigwait([signal.SIGUSR1])
        n += 1
        try:
            s.sendall(b"ping %d\n" % n)
            log_line(args.out, "echo %s" % read_line(s))
        except OSError as e:
            log_line(args.out, "error %s" % e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("serve")
    p.add_argument("--tcp", type=int, action="append")
    p.add_argument("--udp", type=int)
    p.add_argument("--name")
    p.add_argument("--pidfile")
    p.add_argument("--log")
    p = sub.add_parser("ask")
    p.add_argument("proto", choices=["tcp", "udp"])
    p.add_argument("ip")
    p.add_argument("port", type=int)
    p.add_argument("--timeout", type=float, default=3)
    p.add_argument("--sport", type=int, default=0)
    p = sub.add_parser("session")
    p.add_argument("ip")
    p.add_argument("port", type=int)
    p.add_argument("--out", required=True)
    p.add_argument("--sport", type=int, default=0)
    p.add_argument("--timeout", type=float, default=10)
    args = ap.parse_args()
    {"serve": cmd_serve, "ask": cmd_ask, "session": cmd_session}[args.cmd](args)


if __name__ == "__main__":
    main()

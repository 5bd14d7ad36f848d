#!/usr/bin/env python3
"""of-relay.py: a unix-socket relay between weftd and one switch's OpenFlow
management socket, so that the fault suite (tests/faults/fault-lib.sh) can cut
weftd off from that switch alone: killing the relay closes every connection
through it at once, and while it is gone nothing listens on LISTEN.

Usage: of-relay.py LISTEN TARGET
  LISTEN  path of the unix socket to listen on (replaced if present)
  TARGET  path of the unix socket each accepted connection is relayed to
Prints one line per connection accepted (for the suite's log)."""

import os
import socket
import sys
import threading


def pump(src, dst):
    """Copies src to dst until either side closes, then closes both."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    listen, target = sys.argv[1], sys.argv[2]
    try:
        os.unlink(listen)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(listen)
    srv.listen(16)
    print("listening on %s -> %s" % (listen, target), flush=True)
    while True:
        conn, _ = srv.accept()
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            up.connect(target)
        except OSError as e:
            print("connect %s: %s" % (target, e), flush=True)
            conn.close()
            up.close()
            continue
        print("relaying a connection", flush=True)
        for a, b in ((conn, up), (up, conn)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()


if __name__ == "__main__":
    main()

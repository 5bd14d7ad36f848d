#!/usr/bin/python3
"""Send hand-made (possibly spoofed) IPv6 frames out of an interface, or
solicit a neighbour and check the advertisement that comes back.

Run inside an endpoint's netns (ip netns exec NS python3 spoof6.py ...).

  spoof6.py icmp6 --src-mac M --dst-mac M --src-ip A --dst-ip B [--id N]
  spoof6.py na --src-mac M --dst-mac M --src-ip A --dst-ip B --target T
               [--tll MAC]
  spoof6.py ra --src-mac M --src-ip A
  spoof6.py ns --src-mac M --src-ip A --target T [--dst-mac M] [--no-sll]
               [--timeout S]

ns prints one line, "answered SRC-MAC TARGET TLL csum-ok|csum-bad flags" for
each NA for T that came back (S and O flags, hop limit), or "unanswered".
Common: --iface (default eth0), --count (default 3; ns sends one).
"""
import argparse
import logging
import socket
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (AsyncSniffer, Ether, ICMPv6EchoRequest,  # noqa: E402
                       ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6ND_RA,
                       ICMPv6NDOptDstLLAddr, ICMPv6NDOptPrefixInfo,
                       ICMPv6NDOptSrcLLAddr, IPv6, Raw, in6_getnsma,
                       in6_getnsmac, inet_pton, inet_ntop, sendp)


def solicited_node(target):
    """The solicited-node multicast address of 'target' and its MAC."""
    nsma = in6_getnsma(inet_pton(socket.AF_INET6, target))
    return inet_ntop(socket.AF_INET6, nsma), in6_getnsmac(nsma)


def csum_ok(pkt):
    """Whether the ICMPv6 checksum of 'pkt' is what scapy computes."""
    ip6 = pkt[IPv6]
    got = ip6.payload.cksum
    fresh = IPv6(bytes(ip6))
    del fresh.payload.cksum
    return IPv6(bytes(fresh)).payload.cksum == got


def do_ns(a):
    dst_ip, dst_mac = solicited_node(a.target)
    if a.dst_mac:
        dst_mac = a.dst_mac
    ns = ICMPv6ND_NS(tgt=a.target)
    if not a.no_sll:
        ns = ns / ICMPv6NDOptSrcLLAddr(lladdr=a.src_mac)
    pkt = Ether(src=a.src_mac, dst=dst_mac) / IPv6(src=a.src_ip, dst=dst_ip,
                                                   hlim=255) / ns
    sniffer = AsyncSniffer(iface=a.iface, filter="icmp6 and ip6[40] == 136",
                           store=True)
    sniffer.start()
    # The sniffer's socket is open once start() returns; give its thread a
    # moment to reach the receive loop.
    sniffer.join(0.3)
    sendp(pkt, iface=a.iface, count=1, verbose=False)
    sniffer.join(a.timeout)
    if sniffer.running:
        got = sniffer.stop()
    else:
        got = sniffer.results
    answered = 0
    for p in got or []:
        if not p.haslayer(ICMPv6ND_NA) or p[ICMPv6ND_NA].tgt != a.target:
            continue
        na = p[ICMPv6ND_NA]
        tll = (p[ICMPv6NDOptDstLLAddr].lladdr
               if p.haslayer(ICMPv6NDOptDstLLAddr) else "none")
        flags = "%s%s%s hlim=%d dst=%s" % ("R" if na.R else "",
                                           "S" if na.S else "",
                                           "O" if na.O else "",
                                           p[IPv6].hlim, p[IPv6].dst)
        print("answered %s %s %s %s %s" % (
            p[Ether].src, na.tgt, tll,
            "csum-ok" if csum_ok(p) else "csum-bad", flags))
        answered += 1
    if not answered:
        print("unanswered")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["icmp6", "na", "ra", "ns"])
    ap.add_argument("--iface", default="eth0")
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--dst-mac")
    ap.add_argument("--src-ip", required=True)
    ap.add_argument("--dst-ip")
    ap.add_argument("--id", type=lambda s: int(s, 0), default=0x5eef)
    ap.add_argument("--target")
    ap.add_argument("--tll")
    ap.add_argument("--no-sll", action="store_true")
    ap.add_argument("--timeout", type=float, default=3.0)
    a = ap.parse_args()

    if a.kind == "ns":
        if not a.target:
            ap.error("ns needs --target")
        return do_ns(a)
    if a.kind == "icmp6":
        if not (a.dst_ip and a.dst_mac):
            ap.error("icmp6 needs --dst-ip and --dst-mac")
        pkt = (Ether(src=a.src_mac, dst=a.dst_mac)
               / IPv6(src=a.src_ip, dst=a.dst_ip)
               / ICMPv6EchoRequest(id=a.id, seq=1)
               / Raw(b"weft-lab-spoof6"))
    elif a.kind == "na":
        if not (a.dst_ip and a.dst_mac and a.target):
            ap.error("na needs --dst-ip, --dst-mac and --target")
        pkt = (Ether(src=a.src_mac, dst=a.dst_mac)
               / IPv6(src=a.src_ip, dst=a.dst_ip, hlim=255)
               / ICMPv6ND_NA(tgt=a.target, R=0, S=0, O=1)
               / ICMPv6NDOptDstLLAddr(lladdr=a.tll or a.src_mac))
    else:
        pkt = (Ether(src=a.src_mac, dst="33:33:00:00:00:01")
               / IPv6(src=a.src_ip, dst="ff02::1", hlim=255)
               / ICMPv6ND_RA(routerlifetime=1800)
               / ICMPv6NDOptSrcLLAddr(lladdr=a.src_mac)
               / ICMPv6NDOptPrefixInfo(prefix="2001:db8:66::", prefixlen=64))
    sendp(pkt, iface=a.iface, count=a.count, inter=0.05, verbose=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

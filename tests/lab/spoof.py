#!/usr/bin/python3
"""Send hand-made (possibly spoofed) frames out of an interface.

Run inside an endpoint's netns (weft-lab exec EP -- python3 spoof.py ...).

  spoof.py icmp --src-mac M --dst-mac M --src-ip A --dst-ip B [--id N]
  spoof.py arp  --src-mac M --psrc A --pdst B [--hwsrc M] [--dst-mac M]

Common: --iface (default eth0), --count (default 3).
"""
import argparse
import logging
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import ARP, ICMP, IP, Ether, Raw, sendp  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["icmp", "arp"])
    ap.add_argument("--iface", default="eth0")
    ap.add_argument("--count", type=int, default=3)
    ap.add_argument("--src-mac", required=True)
    ap.add_argument("--dst-mac", default="ff:ff:ff:ff:ff:ff")
    ap.add_argument("--src-ip")
    ap.add_argument("--dst-ip")
    ap.add_argument("--id", type=lambda s: int(s, 0), default=0x5eef)
    ap.add_argument("--psrc")
    ap.add_argument("--pdst")
    ap.add_argument("--hwsrc")
    a = ap.parse_args()

    if a.kind == "icmp":
        if not (a.src_ip and a.dst_ip):
            ap.error("icmp needs --src-ip and --dst-ip")
        pkt = (Ether(src=a.src_mac, dst=a.dst_mac)
               / IP(src=a.src_ip, dst=a.dst_ip)
               / ICMP(type=8, id=a.id, seq=1)
               / Raw(b"weft-lab-spoof"))
    else:
        if not (a.psrc and a.pdst):
            ap.error("arp needs --psrc and --pdst")
        pkt = (Ether(src=a.src_mac, dst=a.dst_mac)
               / ARP(op=1, hwsrc=a.hwsrc or a.src_mac, psrc=a.psrc,
                     hwdst="00:00:00:00:00:00", pdst=a.pdst))
    sendp(pkt, iface=a.iface, count=a.count, inter=0.05, verbose=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

/* test-compile-nat-golden: hv1's NAT flows in test-compile-nat.c's
 * topology (pipeline.h's tables 50..63, CLASSIFY from ext0 at ofport 30,
 * L3_ROUTE to the outside), as weft_flows_format() prints them: acme's r1
 * (key 7, zone 7, transit 100.64.0.7) and bolt's rb (key 8) side by side
 * on one subnet 10.1.0.0/24; a1 (port key 1) with floating IP
 * 192.168.100.100; b1 (port key 2) with mapping tcp/8080 -> 80.  Long
 * lines: each is one flow. */
static const char golden_hv1_nat[] =
"table=0, priority=100, cookie=0x5700000000000000, in_port=30 actions=goto_table:60\n"
"table=24, priority=99, cookie=0x5700010000000007, ip,reg11=0x7 actions=goto_table:50\n"
"table=24, priority=99, cookie=0x5700020000000008, ip,reg11=0x8 actions=goto_table:50\n"
"table=50, priority=100, cookie=0x5700010000000007, ip,reg11=0x7 actions=ct(table=51,zone=7,nat)\n"
"table=50, priority=100, cookie=0x5700020000000008, ip,reg11=0x8 actions=ct(table=51,zone=8,nat)\n"
"table=50, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=51, priority=120, cookie=0x5700010003000001, ct_state=+new-inv+trk,ip,reg11=0x7,nw_src=10.1.0.5 actions=ct(commit,table=53,zone=7,nat(src=192.168.100.100),exec(set_field:0x1->ct_mark))\n"
"table=51, priority=110, cookie=0x5700010000000007, ct_state=-new-inv+trk,ct_mark=0x1,ip,reg11=0x7 actions=goto_table:53\n"
"table=51, priority=110, cookie=0x5700020000000008, ct_state=-new-inv+trk,ct_mark=0x1,ip,reg11=0x8 actions=goto_table:53\n"
"table=51, priority=110, cookie=0x5700010000000007, ct_state=-new-inv+trk,ct_mark=0x2,ip,reg11=0x7 actions=goto_table:52\n"
"table=51, priority=110, cookie=0x5700020000000008, ct_state=-new-inv+trk,ct_mark=0x2,ip,reg11=0x8 actions=goto_table:52\n"
"table=51, priority=100, cookie=0x5700010000000007, ct_state=+new-inv+trk,ip,reg11=0x7 actions=ct(commit,table=52,zone=7,nat(src=100.64.0.7),exec(set_field:0x2->ct_mark))\n"
"table=51, priority=100, cookie=0x5700020000000008, ct_state=+new-inv+trk,ip,reg11=0x8 actions=ct(commit,table=52,zone=8,nat(src=100.64.0.8),exec(set_field:0x2->ct_mark))\n"
"table=51, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=52, priority=100, cookie=0x5700000000000000, ip actions=ct(commit,table=53,zone=65535,nat(src=192.168.100.11))\n"
"table=52, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=53, priority=110, cookie=0x5700010003000001, ip,nw_src=192.168.100.100 actions=set_field:0a:57:c0:a8:64:64->eth_src,set_field:52:54:00:00:01:01->eth_dst,output:30\n"
"table=53, priority=100, cookie=0x5700000000000000, ip actions=set_field:0a:57:c0:a8:64:0b->eth_src,set_field:52:54:00:00:01:01->eth_dst,output:30\n"
"table=53, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=60, priority=100, cookie=0x5700000000000000, arp,arp_spa=192.168.100.1,arp_tpa=192.168.100.11,arp_op=2 actions=CONTROLLER:65535\n"
"table=60, priority=100, cookie=0x5700010003000001, arp,arp_tpa=192.168.100.100,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:0a:57:c0:a8:64:64->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:0a:57:c0:a8:64:64->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:192.168.100.100->arp_spa,IN_PORT\n"
"table=60, priority=100, cookie=0x5700000000000000, arp,arp_tpa=192.168.100.11,arp_op=1 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:0a:57:c0:a8:64:0b->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],set_field:0a:57:c0:a8:64:0b->arp_sha,move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:192.168.100.11->arp_spa,IN_PORT\n"
"table=60, priority=100, cookie=0x5700010003000001, ip,nw_dst=192.168.100.100 actions=set_field:0x7->reg11,ct(table=62,zone=7,nat)\n"
"table=60, priority=100, cookie=0x5700000000000000, ip,nw_dst=192.168.100.11 actions=ct(table=61,zone=65535,nat)\n"
"table=60, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=61, priority=100, cookie=0x5700020004000002, ct_state=+new-inv+trk,tcp,tp_dst=8080 actions=set_field:0x8->reg11,ct(commit,table=63,zone=8,nat(dst=10.1.0.5:80),exec(set_field:0x1->ct_mark))\n"
"table=61, priority=100, cookie=0x5700010000000007, ct_state=-new-inv+trk,ip,nw_dst=100.64.0.7 actions=set_field:0x7->reg11,ct(table=62,zone=7,nat)\n"
"table=61, priority=100, cookie=0x5700020000000008, ct_state=-new-inv+trk,ip,nw_dst=100.64.0.8 actions=set_field:0x8->reg11,ct(table=62,zone=8,nat)\n"
"table=61, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=62, priority=100, cookie=0x5700010003000001, ct_state=+new-inv+trk,ip,reg11=0x7,nw_dst=192.168.100.100 actions=ct(commit,table=63,zone=7,nat(dst=10.1.0.5),exec(set_field:0x1->ct_mark))\n"
"table=62, priority=100, cookie=0x5700010000000007, ct_state=-new-inv+trk,ip,reg11=0x7 actions=goto_table:63\n"
"table=62, priority=100, cookie=0x5700020000000008, ct_state=-new-inv+trk,ip,reg11=0x8 actions=goto_table:63\n"
"table=62, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=63, priority=140, cookie=0x5700000000000000, ip,nw_ttl=0 actions=drop\n"
"table=63, priority=140, cookie=0x5700000000000000, ip,nw_ttl=1 actions=drop\n"
"table=63, priority=124, cookie=0x5700010000000007, ip,reg11=0x7,nw_dst=10.1.0.0/24 actions=dec_ttl,set_field:0x3->metadata,move:NXM_OF_IP_DST[]->NXM_NX_REG12[],set_field:02:57:00:07:00:03->eth_src,resubmit(,26)\n"
"table=63, priority=124, cookie=0x5700020000000008, ip,reg11=0x8,nw_dst=10.1.0.0/24 actions=dec_ttl,set_field:0x4->metadata,move:NXM_OF_IP_DST[]->NXM_NX_REG12[],set_field:02:57:00:08:00:04->eth_src,resubmit(,26)\n"
"table=63, priority=0, cookie=0x5700000000000000, actions=drop\n";

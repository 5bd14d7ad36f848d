/* test-compile-ipv6-golden: hv1's IPv6 flows in test-compile-ipv6.c's
 * topology (pipeline.h "IPv6"), as weft_flows_format() prints them: the
 * HOST's RA, Redirect and NA drops (PORT_SEC) and its DAD, no-SLL and
 * answer-TLL rows (ARP_RESPOND); a1 (port key 1, in_port 1, MAC
 * 02:00:00:00:00:05: link-local fe80::ff:fe00:5, own fd00::5) held to its
 * two addresses; a2 (key 2, no address) only its NA; the NS answers for a1
 * and for a3 (key 3, on hv2, fd00::7) in network 1.  Long lines: each is
 * one flow. */
static const char golden_hv1_ipv6[] =
"table=10, priority=120, cookie=0x5700000000000000, icmp6,icmp_type=134 actions=drop\n"
"table=10, priority=120, cookie=0x5700000000000000, icmp6,icmp_type=137 actions=drop\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,icmp_type=136,icmp_code=0,nd_target=fd00::5,nd_tll=00:00:00:00:00:00 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,icmp_type=136,icmp_code=0,nd_target=fd00::5,nd_tll=02:00:00:00:00:05 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:5,nd_tll=00:00:00:00:00:00 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,icmp_type=136,icmp_code=0,nd_target=fe80::ff:fe00:5,nd_tll=02:00:00:00:00:05 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,ipv6_src=::,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,ipv6_src=::,icmp_type=143 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,ipv6_src=fd00::5,icmp_type=133 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,ipv6_src=fd00::5,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,ipv6_src=fe80::ff:fe00:5,icmp_type=133 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000001, icmp6,in_port=1,ipv6_src=fe80::ff:fe00:5,icmp_type=135 actions=goto_table:20\n"
"table=10, priority=110, cookie=0x5700010001000002, icmp6,in_port=2,icmp_type=136 actions=goto_table:20\n"
"table=10, priority=105, cookie=0x5700000000000000, icmp6,icmp_type=136 actions=drop\n"
"table=10, priority=100, cookie=0x5700010001000001, ipv6,in_port=1,ipv6_src=fd00::5 actions=goto_table:20\n"
"table=10, priority=100, cookie=0x5700010001000001, ipv6,in_port=1,ipv6_src=fe80::ff:fe00:5 actions=goto_table:20\n"
"table=10, priority=90, cookie=0x5700010001000001, ipv6,in_port=1 actions=drop\n"
"table=20, priority=130, cookie=0x5700000000000000, icmp6,reg10=0x4/0x4,icmp_type=136,icmp_code=0 actions=move:NXM_OF_ETH_SRC[]->NXM_NX_ND_TLL[],IN_PORT\n"
"table=20, priority=120, cookie=0x5700000000000000, icmp6,icmp_type=135,icmp_code=0,nd_sll=00:00:00:00:00:00 actions=goto_table:22\n"
"table=20, priority=120, cookie=0x5700000000000000, icmp6,ipv6_src=::,icmp_type=135 actions=goto_table:22\n"
"table=20, priority=100, cookie=0x5700010001000001, icmp6,metadata=0x1,icmp_type=135,icmp_code=0,nd_target=fd00::5 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:05->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fd00::5->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n"
"table=20, priority=100, cookie=0x5700010001000003, icmp6,metadata=0x1,icmp_type=135,icmp_code=0,nd_target=fd00::7 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:07->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fd00::7->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n"
"table=20, priority=100, cookie=0x5700010001000001, icmp6,metadata=0x1,icmp_type=135,icmp_code=0,nd_target=fe80::ff:fe00:5 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:05->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fe80::ff:fe00:5->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n"
"table=20, priority=100, cookie=0x5700010001000003, icmp6,metadata=0x1,icmp_type=135,icmp_code=0,nd_target=fe80::ff:fe00:7 actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:00:00:00:00:07->eth_src,move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],set_field:fe80::ff:fe00:7->ipv6_src,set_field:136->icmpv6_type,set_field:1610612736->nd_reserved,set_field:2->nd_options_type,set_field:255->nw_ttl,set_field:0x4/0x4->reg10,resubmit(,20)\n";

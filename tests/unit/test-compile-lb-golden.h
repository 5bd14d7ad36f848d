/* test-compile-lb-golden: hv1's service rows and groups in
 * test-compile-lb.c's topology, as weft_flows_format() prints them: acme's
 * service (key 1, router ra key 7: zone 7, hairpin zone 16391, network 3)
 * and bolt's (key 2, router rb key 8, network 4) with the same VIP
 * 10.96.0.10:80/tcp and backends 10.1.0.5 (here) and 10.1.0.6 (hv2) at
 * 8080; acme's node port 30080 to its local backend (group 0x10001).  The
 * HOST owner's rows of tables 70..73 have cookie 0x57 alone.  Long lines:
 * each is one flow or group. */
static const char golden_hv1_lb[] =
"table=24, priority=310, cookie=0x5700010000010001, tcp,reg11=0x7,nw_src=10.1.0.5,nw_dst=10.96.0.10,tp_src=8080 actions=ct(table=72,zone=16391,nat)\n"
"table=24, priority=310, cookie=0x5700010000010001, tcp,reg11=0x7,nw_src=10.1.0.6,nw_dst=10.96.0.10,tp_src=8080 actions=ct(table=72,zone=16391,nat)\n"
"table=24, priority=310, cookie=0x5700020000010002, tcp,reg11=0x8,nw_src=10.1.0.5,nw_dst=10.96.0.10,tp_src=8080 actions=ct(table=72,zone=16392,nat)\n"
"table=24, priority=310, cookie=0x5700020000010002, tcp,reg11=0x8,nw_src=10.1.0.6,nw_dst=10.96.0.10,tp_src=8080 actions=ct(table=72,zone=16392,nat)\n"
"table=24, priority=300, cookie=0x5700010000010001, tcp,reg11=0x7,nw_dst=10.96.0.10,tp_dst=80 actions=ct(table=70,zone=7,nat)\n"
"table=24, priority=300, cookie=0x5700020000010002, tcp,reg11=0x8,nw_dst=10.96.0.10,tp_dst=80 actions=ct(table=70,zone=8,nat)\n"
"table=30, priority=200, cookie=0x5700010000010001, tcp,reg10=0/0x2,metadata=0x3,nw_src=10.1.0.5,tp_src=8080 actions=set_field:0x2/0x2->reg10,ct(table=30,zone=7,nat)\n"
"table=30, priority=200, cookie=0x5700010000010001, tcp,reg10=0/0x2,metadata=0x3,nw_src=10.1.0.6,tp_src=8080 actions=set_field:0x2/0x2->reg10,ct(table=30,zone=7,nat)\n"
"table=30, priority=200, cookie=0x5700020000010002, tcp,reg10=0/0x2,metadata=0x4,nw_src=10.1.0.5,tp_src=8080 actions=set_field:0x2/0x2->reg10,ct(table=30,zone=8,nat)\n"
"table=30, priority=200, cookie=0x5700020000010002, tcp,reg10=0/0x2,metadata=0x4,nw_src=10.1.0.6,tp_src=8080 actions=set_field:0x2/0x2->reg10,ct(table=30,zone=8,nat)\n"
"table=61, priority=100, cookie=0x5700010000010001, ct_state=+new-inv+trk,tcp,tp_dst=30080 actions=set_field:0x7->reg11,group:65537\n"
"table=70, priority=100, cookie=0x5700010000010001, ct_state=+new-inv+trk,tcp,reg11=0x7,nw_dst=10.96.0.10,tp_dst=80 actions=group:1\n"
"table=70, priority=100, cookie=0x5700020000010002, ct_state=+new-inv+trk,tcp,reg11=0x8,nw_dst=10.96.0.10,tp_dst=80 actions=group:2\n"
"table=70, priority=100, cookie=0x5700000000000000, ct_state=-new-inv+trk actions=goto_table:71\n"
"table=70, priority=0, cookie=0x5700000000000000, actions=drop\n"
"table=71, priority=110, cookie=0x5700010000010001, ct_state=-inv+trk,ct_nw_dst=10.96.0.10,ct_nw_proto=6,ct_tp_dst=80,tcp,reg11=0x7,nw_src=10.1.0.5,nw_dst=10.1.0.5,tp_dst=8080 actions=ct(commit,table=72,zone=16391,nat(src=10.96.0.10))\n"
"table=71, priority=110, cookie=0x5700010000010001, ct_state=-inv+trk,ct_nw_dst=10.96.0.10,ct_nw_proto=6,ct_tp_dst=80,tcp,reg11=0x7,nw_src=10.1.0.6,nw_dst=10.1.0.6,tp_dst=8080 actions=ct(commit,table=72,zone=16391,nat(src=10.96.0.10))\n"
"table=71, priority=110, cookie=0x5700020000010002, ct_state=-inv+trk,ct_nw_dst=10.96.0.10,ct_nw_proto=6,ct_tp_dst=80,tcp,reg11=0x8,nw_src=10.1.0.5,nw_dst=10.1.0.5,tp_dst=8080 actions=ct(commit,table=72,zone=16392,nat(src=10.96.0.10))\n"
"table=71, priority=110, cookie=0x5700020000010002, ct_state=-inv+trk,ct_nw_dst=10.96.0.10,ct_nw_proto=6,ct_tp_dst=80,tcp,reg11=0x8,nw_src=10.1.0.6,nw_dst=10.1.0.6,tp_dst=8080 actions=ct(commit,table=72,zone=16392,nat(src=10.96.0.10))\n"
"table=71, priority=100, cookie=0x5700010000010001, ct_state=-inv+trk,ct_nw_dst=10.96.0.10,ct_nw_proto=6,ct_tp_dst=80,tcp,reg11=0x7,nw_dst=10.1.0.5,tp_dst=8080 actions=resubmit(,24)\n"
"table=71, priority=100, cookie=0x5700010000010001, ct_state=-inv+trk,ct_nw_dst=10.96.0.10,ct_nw_proto=6,ct_tp_dst=80,tcp,reg11=0x7,nw_dst=10.1.0.6,tp_dst=8080 actions=resubmit(,24)\n"
"table=71, priority=100, cookie=0x5700020000010002, ct_state=-inv+trk,ct_nw_dst=10.96.0.10,ct_nw_proto=6,ct_tp_dst=80,tcp,reg11=0x8,nw_dst=10.1.0.5,tp_dst=8080 actions=resubmit(,24)\n"
"table=71, priority=100, cookie=0x5700020000010002, ct_state=-inv+trk,ct_nw_dst=10.96.0.10,ct_nw_proto=6,ct_tp_dst=80,tcp,reg11=0x8,nw_dst=10.1.0.6,tp_dst=8080 actions=resubmit(,24)\n"
"table=71, priority=0, cookie=0x5700000000000000, actions=resubmit(,24)\n"
"table=72, priority=100, cookie=0x5700000000000000, ct_state=+rpl+trk,ip actions=ct(table=73,zone=NXM_NX_REG11[0..15],nat)\n"
"table=72, priority=0, cookie=0x5700000000000000, actions=goto_table:73\n"
"table=73, priority=0, cookie=0x5700000000000000, actions=set_field:0->in_port,resubmit(,24)\n"
"group_id=1,type=select,bucket=bucket_id:1,weight:1,actions=ct(commit,table=71,zone=7,nat(dst=10.1.0.5:8080)),bucket=bucket_id:2,weight:2,actions=ct(commit,table=71,zone=7,nat(dst=10.1.0.6:8080))\n"
"group_id=2,type=select,bucket=bucket_id:4,weight:1,actions=ct(commit,table=71,zone=8,nat(dst=10.1.0.5:8080)),bucket=bucket_id:5,weight:1,actions=ct(commit,table=71,zone=8,nat(dst=10.1.0.6:8080))\n"
"group_id=65537,type=select,bucket=bucket_id:1,weight:1,actions=ct(commit,table=63,zone=7,nat(dst=10.1.0.5:8080),exec(set_field:0x1->ct_mark))\n";

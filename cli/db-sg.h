/* db-sg: database mode's commands for security groups (issue #15): sg-add,
 * sg-del, sg-list, sg-show, sg-rule-add, sg-rule-del, sg-member-add,
 * sg-member-del.  Step 1 (parse) and step 3 (run) as in db-write.h and
 * db-read.h; the list and show print tables or, with --format=json, the
 * REST API's objects, read through ovsdb/sg-rows.h as the API reads them.
 * sg-show reads each rule's counters from the switches
 * (ofproto/sg-counters.h).  Also port-show, which prints a port's groups
 * (and its IPv6 addresses). */
#ifndef DB_SG_H
#define DB_SG_H 1

struct ctl_context;
struct ctl_options;
struct ctl_parsed;

/* Step 1. */
char *db_parse_sg_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_sg_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_sg_show(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_sg_rule_add(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_sg_rule_del(const struct ctl_options *, struct ctl_parsed *);
char *db_parse_sg_member_add(const struct ctl_options *,
                             struct ctl_parsed *);
char *db_parse_sg_member_del(const struct ctl_options *,
                             struct ctl_parsed *);

/* Step 3: the list and show (with counters read from the switches). */
char *db_read_sg_list(struct ctl_context *);
char *db_read_sg_show(struct ctl_context *);

/* "port-show T/N/P": port-list's line of one port, which lists its groups
 * (db-read.c), or with --format=json its API object. */
char *db_read_port_show(struct ctl_context *);

/* After the commit of sg-rule-add: the new rule's id. */
char *db_after_sg_rule_add(struct ctl_context *);

#endif /* cli/db-sg.h */

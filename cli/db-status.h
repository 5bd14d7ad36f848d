/* db-status: weftctl's "status" in database mode (db-status.c): the
 * database's members and leader, the active weftd, the last failover,
 * nb_cfg and the hosts. */
#ifndef DB_STATUS_H
#define DB_STATUS_H 1

struct ctl_context;
struct ctl_options;

char *db_read_status(struct ctl_context *);

/* When weft's database cannot be read (say a cluster without a quorum):
 * prints to stdout what each member of 'remote' (a list) answers, the
 * database and member lines of db_read_status() ("controller": null in
 * JSON).  weftctl then still exits with its error. */
void db_status_unreachable(const char *remote, const struct ctl_options *);

#endif /* cli/db-status.h */

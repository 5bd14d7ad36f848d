/* db-status: weftctl's "status" in database mode (db-status.c): the
 * database's members and leader, the active weftd, the last failover,
 * nb_cfg and the hosts. */
#ifndef DB_STATUS_H
#define DB_STATUS_H 1

struct ctl_context;

char *db_read_status(struct ctl_context *);

#endif /* cli/db-status.h */

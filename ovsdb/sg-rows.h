/* sg-rows: security groups (issue #15) as the front ends show them, read
 * from IDL rows of weft's database (Security_Group, its Security_Rule rows
 * and the Port rows that name it in 'security_groups').
 *
 * weftctl (cli/db-sg.c) and the REST API's views (controller/rest/views-sg.c)
 * both read rows through here, as service-rows.h does for services, so that
 * "weftctl --format=json" and the API print the same objects:
 *
 *   - a group: tenant, name, its rules sorted by id, its members (network
 *     and port names) sorted;
 *   - a rule: id (what the tenant sees, in the cookie), direction, proto,
 *     ports ("80", "8000-8080" or NULL: every port), remote_cidr or
 *     remote_group (a group name of the same tenant), NULL when absent.
 *
 * OVS side; single-threaded (the caller's IDL).  Nothing here writes. */
#ifndef WEFT_SG_ROWS_H
#define WEFT_SG_ROWS_H 1

#include <stddef.h>
#include <stdint.h>

struct ovsdb_idl;
struct weft_request;
struct weftrec_port;
struct weftrec_security_group;
struct weftrec_tenant;

struct sg_rows_rule {
    int id;
    const char *direction;      /* Pointers into the rows. */
    const char *proto;          /* "any" when the row has none. */
    char *ports;                /* malloc'd "N" or "N-M", or NULL. */
    const char *remote_cidr;    /* NULL: none. */
    const char *remote_group;   /* NULL: none. */
};

struct sg_rows_member {
    const char *network;        /* Pointers into the rows ("?" if the row */
    const char *port;           /* is inconsistent). */
    uint32_t network_key;       /* For the port's cookie (default deny). */
    uint32_t port_key;
};

struct sg_rows_group {
    const struct weftrec_security_group *row;
    const char *tenant;
    const char *name;
    uint32_t tenant_key;
    struct sg_rows_rule *rules;         /* Sorted by id. */
    size_t n_rules;
    struct sg_rows_member *members;     /* Sorted by network, port. */
    size_t n_members;
};

/* The group 'name' of 'tenant', or NULL. */
const struct weftrec_security_group *sg_rows_find(
    struct ovsdb_idl *, const struct weftrec_tenant *, const char *name);

/* Fills 'g' from 'row' (its members from the Port rows of 'idl');
 * sg_rows_clear() frees what it allocated. */
void sg_rows_fill(struct sg_rows_group *g, struct ovsdb_idl *,
                  const struct weftrec_security_group *row);
void sg_rows_clear(struct sg_rows_group *);

/* The groups of 'tenant' (NULL: every tenant), sorted by tenant and name,
 * filled (malloc'd), their number in '*n'.  sg_rows_free() frees. */
struct sg_rows_group *sg_rows_list(struct ovsdb_idl *,
                                   const struct weftrec_tenant *, size_t *n);
void sg_rows_free(struct sg_rows_group *, size_t n);

/* The rule of 'g' that SG_RULE_ADD request 'req' describes (direction,
 * proto, ports and remote, compared by value: "80-80" is "80", a prefix is
 * compared as an address), or NULL.  Validation refuses a second identical
 * rule in a group, so after the request's commit this is the rule it
 * added. */
const struct sg_rows_rule *sg_rows_find_rule(const struct sg_rows_group *g,
                                             const struct weft_request *req);

/* The names of the groups of 'port', sorted, into '*namesp' (malloc'd array
 * of pointers into the rows); returns their number. */
size_t sg_rows_port_groups(const struct weftrec_port *, const char ***namesp);

#endif /* ovsdb/sg-rows.h */

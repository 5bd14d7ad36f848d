/* weftctl-api: "weftctl --api PATH ...", weftctl's commands over weftd's
 * REST API (HTTP/1.1 on a unix socket, through libcurl) instead of weft's
 * database.
 *
 * For a tenant admin, who has a token and no database access.  The token
 * comes from --token or $WEFT_TOKEN; root needs none (SO_PEERCRED).  Same
 * command names and options as database mode (one command table,
 * weftctl-commands.h, and one command line, weftctl-options.h); --json
 * prints the API's JSON; --wait maps to ?wait=installed.  Each function
 * below is the API backend of the commands named, and returns the exit
 * status: 0, 1 for an error the API reported (its detail is printed), 2 for
 * a bad command line.
 *
 * jansson side: weftctl-api.c includes no OVS headers. */
#ifndef WEFT_WEFTCTL_API_H
#define WEFT_WEFTCTL_API_H 1

struct ctl_options;

/* Sets the program name for messages and starts libcurl: before any
 * command below. */
void weftctl_api_init(const char *program);

/* "weftctl --api=SOCKET --help": the commands that have an API backend. */
void weftctl_api_usage(const char *program);

int api_list(const struct ctl_options *);         /* *-list */
int api_show(const struct ctl_options *);
int api_status(const struct ctl_options *);
int api_host_add(const struct ctl_options *);
int api_tenant_add(const struct ctl_options *);
int api_net_add(const struct ctl_options *);
int api_port_add(const struct ctl_options *);
int api_delete(const struct ctl_options *);       /* *-del */
int api_tenant_token(const struct ctl_options *);
int api_tenant_quota(const struct ctl_options *);
int api_tenant_set(const struct ctl_options *);
int api_net_flows(const struct ctl_options *);

/* The routing commands (weftctl-api-routers.c). */
int api_router_add(const struct ctl_options *);
int api_router_del(const struct ctl_options *);
int api_router_attach(const struct ctl_options *);
int api_router_detach(const struct ctl_options *);
int api_route_add(const struct ctl_options *);
int api_route_del(const struct ctl_options *);
int api_router_list(const struct ctl_options *);
int api_router_show(const struct ctl_options *);

/* The ways in and out (weftctl-api-nat.c). */
int api_host_set(const struct ctl_options *);
int api_host_show(const struct ctl_options *);
int api_router_set(const struct ctl_options *);
int api_pool_add(const struct ctl_options *);
int api_pool_del(const struct ctl_options *);
int api_pool_list(const struct ctl_options *);
int api_fip_add(const struct ctl_options *);
int api_fip_del(const struct ctl_options *);
int api_fip_set(const struct ctl_options *);
int api_fip_list(const struct ctl_options *);
int api_map_add(const struct ctl_options *);
int api_map_del(const struct ctl_options *);
int api_map_list(const struct ctl_options *);

/* Security groups (weftctl-api-sg.c); port-show. */
int api_sg_add(const struct ctl_options *);
int api_sg_del(const struct ctl_options *);
int api_sg_list(const struct ctl_options *);
int api_sg_show(const struct ctl_options *);
int api_sg_rule_add(const struct ctl_options *);
int api_sg_rule_del(const struct ctl_options *);
int api_sg_member_add(const struct ctl_options *);
int api_sg_member_del(const struct ctl_options *);
int api_port_show(const struct ctl_options *);

/* Services (weftctl-api-services.c). */
int api_service_add(const struct ctl_options *);
int api_service_del(const struct ctl_options *);
int api_service_set(const struct ctl_options *);
int api_service_list(const struct ctl_options *);
int api_service_show(const struct ctl_options *);
int api_backend_add(const struct ctl_options *);
int api_backend_del(const struct ctl_options *);
int api_backend_set(const struct ctl_options *);

#endif /* cli/weftctl-api.h */

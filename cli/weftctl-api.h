/* weftctl-api: "weftctl --api PATH ...", weftctl's commands over weftd's
 * REST API (HTTP/1.1 on a unix socket) instead of weft's database.
 *
 * For a tenant admin, who has a token and no database access.  The token
 * comes from --token or $WEFT_TOKEN; root needs none (SO_PEERCRED).  Same
 * command names and options as database mode; --json prints the API's JSON;
 * --wait maps to ?wait=installed.  Exit status: 0, 1 for an error the API
 * reported (its detail is printed), 2 for a bad command line.
 *
 * jansson side: weftctl-api.c includes no OVS headers. */
#ifndef WEFT_WEFTCTL_API_H
#define WEFT_WEFTCTL_API_H 1

#include <stdbool.h>

/* If 'argv' has --api, runs the command through the REST API, stores the
 * exit status in '*statusp' and returns true.  Otherwise returns false. */
bool weftctl_api_main(int argc, char *argv[], int *statusp);

#endif /* cli/weftctl-api.h */

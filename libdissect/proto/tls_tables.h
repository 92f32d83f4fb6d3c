/* Value-name tables shared by the TLS dissector (tls.c): cipher suites,
 * groups, extension types, versions, signature schemes, handshake types and
 * alert descriptions. The data lives in tls_tables.c. */
#ifndef LIBDISSECT_PROTO_TLS_TABLES_H
#define LIBDISSECT_PROTO_TLS_TABLES_H

#include "../core/dx.h"

extern const dx_vals dx_tls_cipher_vals[];
extern const dx_vals dx_tls_group_vals[];
extern const dx_vals dx_tls_ext_vals[];
extern const dx_vals dx_tls_version_vals[];
extern const dx_vals dx_tls_sigalg_vals[];
extern const dx_vals dx_tls_hs_vals[];
extern const dx_vals dx_tls_alert_vals[];
extern const dx_vals dx_tls_heartbeat_type_vals[];

#endif

/* Every protocol libdissect knows, in one list. Adding a protocol: write
 * proto/NAME.c with its dx_protocol and add it here. */
#include "../core/session.h"

extern const dx_protocol dx_proto_data;
extern const dx_protocol dx_proto_multipart;
extern const dx_protocol dx_proto_eth;
extern const dx_protocol dx_proto_vlan;
extern const dx_protocol dx_proto_arp;
extern const dx_protocol dx_proto_sll;
extern const dx_protocol dx_proto_null;
extern const dx_protocol dx_proto_raw;
extern const dx_protocol dx_proto_ppp;
extern const dx_protocol dx_proto_chdlc;
extern const dx_protocol dx_proto_fr;
extern const dx_protocol dx_proto_slarp;
extern const dx_protocol dx_proto_nflog;
extern const dx_protocol dx_proto_radiotap;
extern const dx_protocol dx_proto_wlan_radio;
extern const dx_protocol dx_proto_wlan;
extern const dx_protocol dx_proto_llc;
extern const dx_protocol dx_proto_ip;
extern const dx_protocol dx_proto_ipv6;
extern const dx_protocol dx_proto_icmp;
extern const dx_protocol dx_proto_icmpv6;
extern const dx_protocol dx_proto_udp;
extern const dx_protocol dx_proto_tcp;
extern const dx_protocol dx_proto_dns;
extern const dx_protocol dx_proto_mdns;
extern const dx_protocol dx_proto_llmnr;
extern const dx_protocol dx_proto_tls;
extern const dx_protocol dx_proto_dtls;
extern const dx_protocol dx_proto_x509;
extern const dx_protocol dx_proto_pkix_cert;
extern const dx_protocol dx_proto_ocsp;
extern const dx_protocol dx_proto_http;
extern const dx_protocol dx_proto_ssdp;
extern const dx_protocol dx_proto_dhcp;
extern const dx_protocol dx_proto_http2;
extern const dx_protocol dx_proto_trust;
extern const dx_protocol dx_proto_quic;
extern const dx_protocol dx_proto_http3;
extern const dx_protocol dx_proto_esp;
extern const dx_protocol dx_proto_udpencap;
extern const dx_protocol dx_proto_gre;
extern const dx_protocol dx_proto_erspan;
extern const dx_protocol dx_proto_mpls;
extern const dx_protocol dx_proto_macsec;
extern const dx_protocol dx_proto_geneve;
extern const dx_protocol dx_proto_gtp;
extern const dx_protocol dx_proto_teredo;
extern const dx_protocol dx_proto_imap;
extern const dx_protocol dx_proto_imf;
extern const dx_protocol dx_proto_pop;
extern const dx_protocol dx_proto_smtp;
extern const dx_protocol dx_proto_stp;
extern const dx_protocol dx_proto_cfp;
extern const dx_protocol dx_proto_capwap_data;
extern const dx_protocol dx_proto_capwap_control;
extern const dx_protocol dx_proto_json;
extern const dx_protocol dx_proto_xml;
extern const dx_protocol dx_proto_wg;
extern const dx_protocol dx_proto_ntp;
extern const dx_protocol dx_proto_dblsp_disc;
extern const dx_protocol dx_proto_igmp;
extern const dx_protocol dx_proto_ftp;
extern const dx_protocol dx_proto_ftp_data;
extern const dx_protocol dx_proto_ssh;
extern const dx_protocol dx_proto_vnc;
extern const dx_protocol dx_proto_stun;
extern const dx_protocol dx_proto_jfif;
extern const dx_protocol dx_proto_png;
extern const dx_protocol dx_proto_gif;

const dx_protocol *const dx_protocols[] = {
    &dx_proto_frame,     &dx_proto_expert,
    &dx_proto_data,      &dx_proto_eth,
    &dx_proto_vlan,      &dx_proto_arp,
    &dx_proto_sll,       &dx_proto_null,
    &dx_proto_raw,       &dx_proto_ppp,
    &dx_proto_chdlc,     &dx_proto_slarp,
    &dx_proto_fr,        &dx_proto_nflog,
    &dx_proto_radiotap,  &dx_proto_wlan_radio,
    &dx_proto_wlan,      &dx_proto_llc,
    &dx_proto_ip,        &dx_proto_ipv6,
    &dx_proto_icmp,      &dx_proto_icmpv6,
    &dx_proto_udp,       &dx_proto_tcp,
    &dx_proto_dns,       &dx_proto_mdns,
    &dx_proto_llmnr,     &dx_proto_tls,
    &dx_proto_x509,      &dx_proto_http,
    &dx_proto_http2,     &dx_proto_trust,
    &dx_proto_quic,      &dx_proto_http3,
    &dx_proto_esp,       &dx_proto_udpencap,
    &dx_proto_gre,       &dx_proto_erspan,
    &dx_proto_mpls,      &dx_proto_macsec,
    &dx_proto_geneve,    &dx_proto_gtp,
    &dx_proto_teredo,    &dx_proto_imap,
    &dx_proto_imf,       &dx_proto_pop,
    &dx_proto_smtp,      &dx_proto_stp,
    &dx_proto_cfp,       &dx_proto_capwap_data,
    &dx_proto_json,      &dx_proto_xml,
    &dx_proto_multipart, &dx_proto_pkix_cert,
    &dx_proto_ssdp,      &dx_proto_wg,
    &dx_proto_ntp,       &dx_proto_dblsp_disc,
    &dx_proto_dhcp,      &dx_proto_igmp,
    &dx_proto_dtls,      &dx_proto_capwap_control,
    &dx_proto_ftp,       &dx_proto_ftp_data,
    &dx_proto_ssh,       &dx_proto_vnc,
    &dx_proto_ocsp,      &dx_proto_stun,
    &dx_proto_jfif,      &dx_proto_png,
    &dx_proto_gif,
};
const size_t dx_nprotocols = DX_ARRAY_LEN(dx_protocols);

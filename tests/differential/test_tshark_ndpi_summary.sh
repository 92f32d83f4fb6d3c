#!/usr/bin/env bash
# Differential test of the summary lines (`dissect -n -r F` against
# `tshark -n -r F`: number, time, addresses, Protocol, length and Info
# columns) on nDPI's test captures (tests/thirdparty/fetch-ndpi-captures.sh;
# third-party, never committed) whose every line dissect writes as tshark
# 4.0 does. The one difference allowed everywhere: dissect ends a Client
# Hello's Info with " (SNI=name)", as Wireshark 4.2 and later do; it is
# taken out before comparing. The other captures differ in lines of
# protocols dissect does not decode (VNC, RDP, STUN, ...) or for
# the reasons test_tshark_ndpi.sh lists; a capture made equal joins EQUAL.
# A mismatch is a bug on one of the two sides: find out which before
# changing anything. Skipped (77) when the captures have not been fetched.
# Usage: test_tshark_ndpi_summary.sh BIN_DIR SRC_DIR
set -uo pipefail
BIN=${1:?usage: test_tshark_ndpi_summary.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test_tshark_ndpi_summary.sh BIN_DIR SRC_DIR}
. "$SRC/tests/integration/lib.sh"
D=$BIN/dissect
ndpi_captures
tshark_capture_test

EQUAL=(
  443-chrome.pcap 443-curl.pcap 443-firefox.pcap 443-git.pcap 443-safari.pcap 4in4tunnel.pcap
  4in6tunnel.pcap 6in4tunnel.pcap 6in6tunnel.pcap EAQ.pcap NTPv2.pcap NTPv3.pcap NTPv4.pcap
  avast_securedns.pcapng dnscrypt-v1-and-resolver-pings.pcap dnscrypt_skype_false_positive.pcapng
  Oscar.pcap WebattackRCE.pcap WebattackSQLinj.pcap WebattackXSS.pcap aimini-http.pcap among_us.pcap anydesk-2.pcap
  bad-dns-traffic.pcap badpackets.pcap bittorrent_ip.pcap check_mk_new.pcap chrome.pcap dhcp-fuzz.pcapng
  dlt_ppp.pcap dns-invalid-chars.pcap doq_adguard.pcapng dns_ambiguous_names.pcap dns_doh.pcap dns_dot.pcap
  dns_exfiltration.pcap dns_fragmented.pcap dns_invert_query.pcapng dns_long_domainname.pcap
  dnscrypt-v2-doh.pcap dropbox.pcap dtls.pcap dtls2.pcap dtls_certificate_fragments.pcap
  dtls_session_id_and_coockie_both.pcap encrypted_sni.pcap ethereum.pcap exe_download.pcap
  exe_download_as_png.pcap facebook.pcap firefox.pcap forticlient.pcap ftp-start-tls.pcap ftp.pcap
  ftp_failed.pcap genshin-impact.pcap
  google_ssl.pcap googledns_android10.pcap h323-overflow.pcap hangout.pcap hpvirtgrp.pcap
  http-crash-content-disposition.pcap http-lines-split.pcap http-manipulated.pcap http_auth.pcap
  imap-starttls.pcap imap.pcap imaps.pcap ip_fragmented_garbage.pcap ipv6_in_gtp.pcap irc.pcap
  ja3_lots_of_cipher_suites.pcap ja3_lots_of_cipher_suites_2_anon.pcap kerberos_fuzz.pcapng
  long_tls_certificate.pcap malformed_icmp.pcap malware.pcap monero.pcap mpeg.pcap nats.pcap
  nest_log_sink.pcap netflix.pcap netbios_wildcard_dns_query.pcap netflowv9.pcap nintendo.pcap no_sni.pcap
  ocs.pcap openvpn.pcap os_detected.pcapng pinterest.pcap pop3.pcap quic-23.pcap quic-24.pcap
  quic-27.pcap quic-28.pcap quic-29.pcap quic-fuzz-overflow.pcapng quic-mvfst-22.pcap
  quic-mvfst-22_decryption_error.pcap quic-mvfst-27.pcapng quic-mvfst-exp.pcap quic-v2-00.pcapng
  quic_0RTT.pcap quic_frags_ch_in_multiple_packets.pcapng
  quic_frags_ch_out_of_order_same_packet_craziness.pcapng quic_t50.pcap quic_t51.pcap
  radius_false_positive.pcapng reasm_crash_anon.pcapng reasm_segv_anon.pcapng reddit.pcap
  safari.pcap salesforce.pcap selfsigned.pcap signal.pcap simple-dnscrypt.pcap
  skype-conference-call.pcap skype_udp.pcap
  smtp-starttls.pcap smtp.pcap snapchat.pcap ssdp-m-search.pcap ssh.pcap ssl-cert-name-mismatch.pcap
  steam.pcap steam_datagram_relay_ping.pcapng stun_facebook.pcapng synscan.pcap teamspeak3.pcap
  teredo.pcap tinc.pcap
  tk.pcap tls-esni-fuzzed.pcap tls-rdn-extract.pcap tls_alert.pcap tls_certificate_too_long.pcap
  tls_cipher_lens.pcap tls_esni_sni_both.pcap tls_long_cert.pcap tls_port_80.pcapng
  tls_torrent.pcapng tls_verylong_certificate.pcap trickbot.pcap tumblr.pcap ubntac2.pcap upnp.pcap
  viber.pcap vnc.pcap websocket.pcap whatsappfiles.pcap wireguard.pcap zabbix.pcap zattoo.pcap
  zcash.pcap zoom2.pcap
)

for cap in "${EQUAL[@]}"; do
  if [[ ! -f $N/$cap ]]; then
    fail "$cap: listed in EQUAL but not in $N"
    continue
  fi
  tshark -n -r "$N/$cap" >"$T_TMP/ts" 2>/dev/null
  "$D" -n -r "$N/$cap" 2>"$T_TMP/err" | sed -E 's/ \(SNI=[^)]*\)//' >"$T_TMP/ours"
  if cmp -s "$T_TMP/ts" "$T_TMP/ours"; then
    pass "$cap: $(wc -l <"$T_TMP/ts") summary lines equal"
  else
    mapfile -t d < <(diff "$T_TMP/ts" "$T_TMP/ours" | head -6)
    fail "$cap: summary lines differ (< tshark, > dissect)" "${d[@]}"
  fi
done
finish

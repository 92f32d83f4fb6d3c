/* QUIC (RFC 8999, RFC 9000, RFC 9001, RFC 9369 v2).
 *
 * Each UDP datagram holds one or more QUIC packets (coalesced, RFC 9000
 * 12.2). For each packet:
 *   - the header is read (long: Initial, 0-RTT, Handshake, Retry, Version
 *     Negotiation; short: 1-RTT);
 *   - the connection is found by its connection ids (every id either side
 *     announced, so a migrated path is still found), or by the UDP flow;
 *   - header protection is removed and the packet number decoded (RFC 9001
 *     5.4, RFC 9000 A.3);
 *   - the payload is decrypted (AEAD, RFC 9001 5.3): Initial packets with
 *     keys derived from the client's first Destination Connection ID (no
 *     secret needed), Handshake, 0-RTT and 1-RTT packets with the TLS 1.3
 *     secrets of a key log (the same labels as TLS), key updates followed
 *     (RFC 9001 6);
 *   - the frames are dissected; CRYPTO data goes to the TLS handshake
 *     dissector (tls.h) per encryption level as tshark 4.0 hands it: a frame
 *     in order at once, frames beyond a gap together once it is filled
 *     (qcdir); STREAM data through a byte stream per QUIC stream to the
 *     application named by the ALPN (HTTP/3). Every buffer counts against
 *     the session's byte budget.
 * All cryptography is OpenSSL's (EVP). Tables are bounded and keyed.
 */
#include "quic.h"

#include "../core/keylog.h"
#include "../core/stream.h"
#include "tls.h"
#include "tls_decrypt.h"
#include <inttypes.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- fields ------------------------------------------------------------- */
enum {
  F_QUIC,
  F_CONNINFO,
  F_CONNNUM,
  F_PKTLEN,
  F_HFORM,
  F_FIXED,
  F_LTYPE,
  F_LTYPE2,
  F_LRES,
  F_PNLEN,
  F_VERSION,
  F_SUPVER,
  F_VNUNUSED,
  F_DCIL,
  F_DCID,
  F_SCIL,
  F_SCID,
  F_TOKLEN,
  F_TOKEN,
  F_LENGTH,
  F_PN,
  F_SHORT,
  F_SPIN,
  F_SRES,
  F_KEYPHASE,
  F_PAYLOAD,
  F_PROTECTED,
  F_REMAINING,
  F_RETRY_TOKEN,
  F_RETRY_TAG,
  F_ODCIL,
  F_ODCID,
  F_FRAME,
  F_FTYPE,
  F_PADLEN,
  F_ACK_LARGEST,
  F_ACK_DELAY,
  F_ACK_COUNT,
  F_ACK_FIRST,
  F_ACK_GAP,
  F_ACK_RANGE,
  F_ACK_ECT0,
  F_ACK_ECT1,
  F_ACK_CE,
  F_RS_ID,
  F_RS_ERR,
  F_RS_FINAL,
  F_SS_ID,
  F_SS_ERR,
  F_CRYPTO_OFF,
  F_CRYPTO_LEN,
  F_CRYPTO_DATA,
  F_NT_LEN,
  F_NT_TOKEN,
  F_STREAM_FIN,
  F_STREAM_LENBIT,
  F_STREAM_OFFBIT,
  F_STREAM_ID,
  F_STREAM_INIT,
  F_STREAM_DIR,
  F_STREAM_OFF,
  F_STREAM_LEN,
  F_STREAM_DATA,
  F_MD,
  F_MSD_ID,
  F_MSD,
  F_MS,
  F_DB,
  F_SDB_ID,
  F_SB,
  F_NCI_RETIRE,
  F_NCI_SEQ,
  F_NCI_LEN,
  F_NCI_CID,
  F_NCI_SRT,
  F_RCI_SEQ,
  F_PC_DATA,
  F_PR_DATA,
  F_CC_ERR,
  F_CC_APPERR,
  F_CC_FTYPE,
  F_CC_REASON_LEN,
  F_CC_REASON,
  F_DG_LEN,
  F_DG,
  F_MP_UNIFLOW,
  F_AF_SEQ,
  F_AF_THRESH,
  F_AF_DELAY,
  F_AF_LAST,
  F_AF_RES,
  F_AF_ICE,
  F_AF_IORDER,
  F_TS,
  F_MP_FIRST,
  F_MP_RES,
  F_MP_PORTBIT,
  F_MP_IPVER,
  F_MP_ADDR_ID,
  F_MP_SEQ,
  F_MP_IFTYPE,
  F_MP_IP4,
  F_MP_IP6,
  F_MP_PORT,
  F_MP_RECV,
  F_MP_ACTSEND,
  F_MP_RECV_SEC,
  F_MP_ACTSEND_SEC,
  F_MP_UF_SEC,
  F_MP_LOCAL_ID,
  F_FRAGMENTS,
  F_FRAGMENT,
  F_FRAG_COUNT,
  F_REASM_LEN,
  F_REASM_DATA,
  F_CFRAGMENTS,
  F_CFRAGMENT,
  F_CFRAG_COUNT,
  F_UNKNOWN_CONN,
  F_FT_UNKNOWN,
  F_DECRYPT_FAILED,
  F_VIOLATION,
  F_BAD_RETRY,
  F_COALESCED_PAD,
  F_RETRANS,
  F_OVERLAP,
  F_DECRYPTION,
};

static const dx_vals hform_vals[] = {{0, "Short Header"}, {1, "Long Header"}, {0, NULL}};
static const dx_vals ltype_vals[] = {
    {0, "Initial"}, {1, "0-RTT"}, {2, "Handshake"}, {3, "Retry"}, {0, NULL}};
static const dx_vals ltype2_vals[] = {
    {0, "Retry"}, {1, "Initial"}, {2, "0-RTT"}, {3, "Handshake"}, {0, NULL}};
static const dx_vals pnlen_vals[] = {
    {0, "1 bytes"}, {1, "2 bytes"}, {2, "3 bytes"}, {3, "4 bytes"}, {0, NULL}};
static const dx_vals initiator_vals[] = {
    {0, "Client-initiated"}, {1, "Server-initiated"}, {0, NULL}};
static const dx_vals direction_vals[] = {{0, "Bidirectional"}, {1, "Unidirectional"}, {0, NULL}};
static const dx_vals tf_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};
/* RFC 9000 20.1 transport error codes */
static const dx_vals cc_err_vals[] = {{0x0, "NO_ERROR"},
                                      {0x1, "INTERNAL_ERROR"},
                                      {0x2, "CONNECTION_REFUSED"},
                                      {0x3, "FLOW_CONTROL_ERROR"},
                                      {0x4, "STREAM_LIMIT_ERROR"},
                                      {0x5, "STREAM_STATE_ERROR"},
                                      {0x6, "FINAL_SIZE_ERROR"},
                                      {0x7, "FRAME_ENCODING_ERROR"},
                                      {0x8, "TRANSPORT_PARAMETER_ERROR"},
                                      {0x9, "CONNECTION_ID_LIMIT_ERROR"},
                                      {0xa, "PROTOCOL_VIOLATION"},
                                      {0xb, "INVALID_TOKEN"},
                                      {0xc, "APPLICATION_ERROR"},
                                      {0xd, "CRYPTO_BUFFER_EXCEEDED"},
                                      {0xe, "KEY_UPDATE_ERROR"},
                                      {0xf, "AEAD_LIMIT_REACHED"},
                                      {0x10, "NO_VIABLE_PATH"},
                                      {0x11, "VERSION_NEGOTIATION_ERROR"},
                                      {0, NULL}};

/* Frame types (RFC 9000 19, RFC 9221 4) and their short names in Info. */
static const dx_vals ftype_vals[] = {{0x00, "PADDING"},
                                     {0x01, "PING"},
                                     {0x02, "ACK"},
                                     {0x03, "ACK"},
                                     {0x04, "RESET_STREAM"},
                                     {0x05, "STOP_SENDING"},
                                     {0x06, "CRYPTO"},
                                     {0x07, "NEW_TOKEN"},
                                     {0x08, "STREAM"},
                                     {0x09, "STREAM"},
                                     {0x0a, "STREAM"},
                                     {0x0b, "STREAM"},
                                     {0x0c, "STREAM"},
                                     {0x0d, "STREAM"},
                                     {0x0e, "STREAM"},
                                     {0x0f, "STREAM"},
                                     {0x10, "MAX_DATA"},
                                     {0x11, "MAX_STREAM_DATA"},
                                     {0x12, "MAX_STREAMS (BIDI)"},
                                     {0x13, "MAX_STREAMS (UNI)"},
                                     {0x14, "DATA_BLOCKED"},
                                     {0x15, "STREAM_DATA_BLOCKED"},
                                     {0x16, "STREAMS_BLOCKED (BIDI)"},
                                     {0x17, "STREAMS_BLOCKED (UNI)"},
                                     {0x18, "NEW_CONNECTION_ID"},
                                     {0x19, "RETIRE_CONNECTION_ID"},
                                     {0x1a, "PATH_CHALLENGE"},
                                     {0x1b, "PATH_RESPONSE"},
                                     {0x1c, "CONNECTION_CLOSE (Transport)"},
                                     {0x1d, "CONNECTION_CLOSE (Application)"},
                                     {0x1e, "HANDSHAKE_DONE"},
                                     {0x30, "DATAGRAM"},
                                     {0x31, "DATAGRAM"},
                                     /* draft-ietf-quic-multipath-00 (tshark 4.0) */
                                     {0x40, "MP_NEW_CONNECTION_ID"},
                                     {0x41, "MP_RETIRE_CONNECTION_ID"},
                                     {0x42, "MP_ACK"},
                                     {0x43, "MP_ACK"},
                                     {0x44, "ADD_ADDRESS"},
                                     {0x45, "REMOVE_ADDRESS"},
                                     {0x46, "UNIFLOWS"},
                                     /* draft-ietf-quic-ack-frequency-01 */
                                     {0xac, "IMMEDIATE_ACK"},
                                     {0xaf, "ACK_FREQUENCY"},
                                     /* draft-huitema-quic-ts-06 */
                                     {0x2f5, "TIME_STAMP"},
                                     {0, NULL}};

#define FU8(a, l) DX_F(a, l, DX_FT_UINT8, DX_BASE_DEC)
#define FU32(a, l) DX_F(a, l, DX_FT_UINT32, DX_BASE_DEC)
#define FU64(a, l) DX_F(a, l, DX_FT_UINT64, DX_BASE_DEC)
#define FB(a, l) DX_F(a, l, DX_FT_BYTES, DX_BASE_NONE)
#define FN(a, l) DX_F(a, l, DX_FT_NONE, DX_BASE_NONE)

static const dx_field quic_fields[] = {
    [F_QUIC] = DX_F("quic", "QUIC IETF", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_CONNINFO] = FN("quic.connection", "QUIC Connection information"),
    [F_CONNNUM] = FU32("quic.connection.number", "Connection Number"),
    [F_PKTLEN] = FU32("quic.packet_length", "Packet Length"),
    [F_HFORM] =
        DX_FM("quic.header_form", "Header Form", DX_FT_UINT8, DX_BASE_DEC, hform_vals, 0x80, 8),
    [F_FIXED] = DX_FM("quic.fixed_bit", "Fixed Bit", DX_FT_BOOL, DX_BASE_NONE, tf_vals, 0x40, 8),
    [F_LTYPE] = DX_FM("quic.long.packet_type", "Packet Type", DX_FT_UINT8, DX_BASE_DEC, ltype_vals,
                      0x30, 8),
    [F_LTYPE2] = DX_FM("quic.long.packet_type_v2", "Packet Type", DX_FT_UINT8, DX_BASE_DEC,
                       ltype2_vals, 0x30, 8),
    [F_LRES] = DX_FM("quic.long.reserved", "Reserved", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x0c, 8),
    [F_PNLEN] = DX_FM("quic.packet_number_length", "Packet Number Length", DX_FT_UINT8, DX_BASE_DEC,
                      pnlen_vals, 0x03, 8),
    [F_VERSION] = DX_F("quic.version", "Version", DX_FT_UINT32, DX_BASE_HEX),
    [F_SUPVER] = DX_F("quic.supported_version", "Supported Version", DX_FT_UINT32, DX_BASE_HEX),
    [F_VNUNUSED] = DX_FM("quic.vn.unused", "Unused", DX_FT_UINT8, DX_BASE_HEX, NULL, 0x7f, 8),
    [F_DCIL] = FU8("quic.dcil", "Destination Connection ID Length"),
    [F_DCID] = FB("quic.dcid", "Destination Connection ID"),
    [F_SCIL] = FU8("quic.scil", "Source Connection ID Length"),
    [F_SCID] = FB("quic.scid", "Source Connection ID"),
    [F_TOKLEN] = FU64("quic.token_length", "Token Length"),
    [F_TOKEN] = FB("quic.token", "Token"),
    [F_LENGTH] = FU64("quic.length", "Length"),
    [F_PN] = FU64("quic.packet_number", "Packet Number"),
    [F_SHORT] = FN("quic.short", "QUIC Short Header"),
    [F_SPIN] = DX_FM("quic.spin_bit", "Spin Bit", DX_FT_BOOL, DX_BASE_NONE, tf_vals, 0x20, 8),
    [F_SRES] = DX_FM("quic.short.reserved", "Reserved", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x18, 8),
    [F_KEYPHASE] =
        DX_FM("quic.key_phase", "Key Phase Bit", DX_FT_BOOL, DX_BASE_NONE, tf_vals, 0x04, 8),
    [F_PAYLOAD] = FB("quic.payload", "Payload"),
    [F_PROTECTED] = FB("quic.protected_payload", "Protected Payload"),
    [F_REMAINING] = FB("quic.remaining_payload", "Remaining Payload"),
    [F_RETRY_TOKEN] = FB("quic.retry_token", "Retry Token"),
    [F_RETRY_TAG] = FB("quic.retry_integrity_tag", "Retry Integrity Tag"),
    [F_ODCIL] = FU8("quic.odcil", "Original Destination Connection ID Length"),
    [F_ODCID] = FB("quic.odcid", "Original Destination Connection ID"),
    [F_FRAME] = FN("quic.frame", "Frame"),
    [F_FTYPE] = DX_FV("quic.frame_type", "Frame Type", DX_FT_UINT64, DX_BASE_HEX, ftype_vals),
    [F_PADLEN] = FU32("quic.padding_length", "Padding Length"),
    [F_ACK_LARGEST] = FU64("quic.ack.largest_acknowledged", "Largest Acknowledged"),
    [F_ACK_DELAY] = FU64("quic.ack.ack_delay", "ACK Delay"),
    [F_ACK_COUNT] = FU64("quic.ack.ack_range_count", "ACK Range Count"),
    [F_ACK_FIRST] = FU64("quic.ack.first_ack_range", "First ACK Range"),
    [F_ACK_GAP] = FU64("quic.ack.gap", "Gap"),
    [F_ACK_RANGE] = FU64("quic.ack.ack_range", "ACK Range"),
    [F_ACK_ECT0] = FU64("quic.ack.ect0_count", "ECT(0) Count"),
    [F_ACK_ECT1] = FU64("quic.ack.ect1_count", "ECT(1) Count"),
    [F_ACK_CE] = FU64("quic.ack.ecn_ce_count", "ECN-CE Count"),
    [F_RS_ID] = FU64("quic.rsts.stream_id", "Stream ID"),
    [F_RS_ERR] = FU64("quic.rsts.application_error_code", "Application Error code"),
    [F_RS_FINAL] = FU64("quic.rsts.final_size", "Final Size"),
    [F_SS_ID] = FU64("quic.ss.stream_id", "Stream ID"),
    [F_SS_ERR] = FU64("quic.ss.application_error_code", "Application Error code"),
    [F_CRYPTO_OFF] = FU64("quic.crypto.offset", "Offset"),
    [F_CRYPTO_LEN] = FU64("quic.crypto.length", "Length"),
    [F_CRYPTO_DATA] = FN("quic.crypto.crypto_data", "Crypto Data"),
    [F_NT_LEN] = FU64("quic.nt.length", "(Token) Length"),
    [F_NT_TOKEN] = FB("quic.nt.token", "Token"),
    [F_STREAM_FIN] = DX_FM("quic.stream.fin", "Fin", DX_FT_BOOL, DX_BASE_NONE, tf_vals, 0x01, 8),
    [F_STREAM_LENBIT] =
        DX_FM("quic.stream.len", "Len(gth)", DX_FT_BOOL, DX_BASE_NONE, tf_vals, 0x02, 8),
    [F_STREAM_OFFBIT] =
        DX_FM("quic.stream.off", "Off(set)", DX_FT_BOOL, DX_BASE_NONE, tf_vals, 0x04, 8),
    [F_STREAM_ID] = FU64("quic.stream.stream_id", "Stream ID"),
    [F_STREAM_INIT] = DX_FM("quic.stream.initiator", "Stream initiator", DX_FT_UINT64, DX_BASE_DEC,
                            initiator_vals, 0x01, 64),
    [F_STREAM_DIR] = DX_FM("quic.stream.direction", "Stream direction", DX_FT_UINT64, DX_BASE_DEC,
                           direction_vals, 0x02, 64),
    [F_STREAM_OFF] = FU64("quic.stream.offset", "Offset"),
    [F_STREAM_LEN] = FU64("quic.stream.length", "Length"),
    [F_STREAM_DATA] = FB("quic.stream_data", "Stream Data"),
    [F_MD] = FU64("quic.md.maximum_data", "Maximum Data"),
    [F_MSD_ID] = FU64("quic.msd.stream_id", "Stream ID"),
    [F_MSD] = FU64("quic.msd.maximum_stream_data", "Maximum Stream Data"),
    [F_MS] = FU64("quic.ms.max_streams", "Max Streams"),
    [F_DB] = FU64("quic.sb.stream_data_limit", "Stream Data Limit"),
    [F_SDB_ID] = FU64("quic.sdb.stream_id", "Stream ID"),
    [F_SB] = FU64("quic.sib.stream_limit", "Stream Limit"),
    [F_NCI_RETIRE] = FU64("quic.nci.retire_prior_to", "Retire Prior To"),
    [F_NCI_SEQ] = FU64("quic.nci.sequence", "Sequence"),
    [F_NCI_LEN] = FU8("quic.nci.connection_id.length", "Connection ID Length"),
    [F_NCI_CID] = FB("quic.nci.connection_id", "Connection ID"),
    [F_NCI_SRT] = FB("quic.nci.stateless_reset_token", "Stateless Reset Token"),
    [F_RCI_SEQ] = FU64("quic.rci.sequence", "Sequence"),
    [F_PC_DATA] = FB("quic.path_challenge.data", "Data"),
    [F_PR_DATA] = FB("quic.path_response.data", "Data"),
    [F_CC_ERR] = DX_FV("quic.cc.error_code", "Error code", DX_FT_UINT64, DX_BASE_DEC, cc_err_vals),
    [F_CC_APPERR] = FU64("quic.cc.error_code.app", "Application Error code"),
    [F_CC_FTYPE] = FU64("quic.cc.frame_type", "Frame Type"),
    [F_CC_REASON_LEN] = FU64("quic.cc.reason_phrase.length", "Reason phrase Length"),
    [F_CC_REASON] = DX_F("quic.cc.reason_phrase", "Reason phrase", DX_FT_STRING, DX_BASE_NONE),
    [F_DG_LEN] = FU64("quic.dg.length", "Datagram Length"),
    [F_DG] = FB("quic.dg", "Datagram"),
    [F_MP_UNIFLOW] = FU64("quic.mp_uniflow_id", "Uniflow ID"),
    [F_AF_SEQ] = FU64("quic.af.sequence_number", "Sequence Number"),
    [F_AF_THRESH] = FU64("quic.af.ack_eliciting_threshold", "Ack-Eliciting Threshold"),
    [F_AF_DELAY] = FU64("quic.af.request_max_ack_delay", "Request Max Ack Delay"),
    [F_AF_LAST] = DX_F("quic.af.last_byte", "Last Byte", DX_FT_UINT8, DX_BASE_HEX),
    [F_AF_RES] = DX_FM("quic.af.reserved", "Reserved", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xfc, 8),
    [F_AF_ICE] =
        DX_FM("quic.af.ignore_ce", "Ignore CE", DX_FT_BOOL, DX_BASE_NONE, tf_vals, 0x01, 8),
    [F_AF_IORDER] =
        DX_FM("quic.af.ignore_order", "Ignore Order", DX_FT_BOOL, DX_BASE_NONE, tf_vals, 0x02, 8),
    [F_TS] = FU64("quic.ts", "Time Stamp"),
    [F_MP_FIRST] = DX_F("quic.mp_first_byte", "Config", DX_FT_UINT8, DX_BASE_HEX),
    [F_MP_RES] = DX_FM("quic.mp_reserved_bit", "Reserved", DX_FT_UINT8, DX_BASE_DEC, NULL, 0xe0, 8),
    [F_MP_PORTBIT] = DX_FM("quic.port_presence_bit", "Port presence", DX_FT_BOOL, DX_BASE_NONE,
                           tf_vals, 0x10, 8),
    [F_MP_IPVER] = DX_FM("quic.ip_version", "IP Version", DX_FT_UINT8, DX_BASE_DEC, NULL, 0x0f, 8),
    [F_MP_ADDR_ID] = FU64("quic.mp_address_id", "Address ID"),
    [F_MP_SEQ] = FU64("quic.mp_sequence_number", "Sequence Number"),
    [F_MP_IFTYPE] = FU64("quic.mp_interface_type", "Interface Type"),
    [F_MP_IP4] = DX_F("quic.mp_ip_address", "IP Address", DX_FT_IPV4, DX_BASE_NONE),
    [F_MP_IP6] = DX_F("quic.mp_ip_address_v6", "IP Address", DX_FT_IPV6, DX_BASE_NONE),
    [F_MP_PORT] = FU32("quic.mp_port", "Port"),
    [F_MP_RECV] = FU64("quic.mp_receiving_uniflows", "Receiving uniflows"),
    [F_MP_ACTSEND] = FU64("quic.mp_act_send_uf", "Active sending uniflows"),
    [F_MP_RECV_SEC] = FN("quic.mp_receiving_uniflows_section", "Receiving uniflows"),
    [F_MP_ACTSEND_SEC] = FN("quic.mp_act_send_uf_section", "Active sending uniflows"),
    [F_MP_UF_SEC] = FN("quic.mp_uniflow_info_section", "Uniflow Info Section"),
    [F_MP_LOCAL_ID] = FU64("quic.mp_add_local_address_id", "Local address id"),
    [F_FRAGMENTS] = FN("quic.fragments", "Reassembled QUIC STREAM Data Fragments"),
    [F_FRAGMENT] = DX_F("quic.fragment", "QUIC STREAM Data Fragment", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_FRAG_COUNT] = FU32("quic.fragment.count", "Fragment count"),
    [F_REASM_LEN] = FU32("quic.reassembled.length", "Reassembled QUIC STREAM Data length"),
    [F_REASM_DATA] = FB("quic.reassembled.data", "Reassembled QUIC STREAM Data"),
    [F_CFRAGMENTS] = FN("quic.crypto.fragments", "Reassembled QUIC CRYPTO Data Fragments"),
    [F_CFRAGMENT] =
        DX_F("quic.crypto.fragment", "QUIC CRYPTO Data Fragment", DX_FT_FRAMENUM, DX_BASE_NONE),
    [F_CFRAG_COUNT] = FU32("quic.crypto.fragment.count", "Fragment count"),
    [F_UNKNOWN_CONN] =
        FN("quic.connection.unknown",
           "Unknown QUIC connection. Missing Initial Packet or migrated connection?"),
    [F_FT_UNKNOWN] = FN("quic.ft.unknown", "Unknown Frame Type"),
    [F_DECRYPT_FAILED] = FN("quic.decryption_failed", "Failed to decrypt handshake"),
    [F_VIOLATION] = FN("quic.protocol_violation", "Invalid data according to the protocol"),
    [F_BAD_RETRY] = FN("quic.bad_retry", "Retry Integrity Tag verification failure"),
    [F_COALESCED_PAD] = FN("quic.coalesced_padding_data", "Coalesced Padding Data"),
    [F_RETRANS] =
        FN("quic.retransmission", "This QUIC frame has a reused stream offset (retransmission?)"),
    [F_OVERLAP] = FN("quic.overlap", "This QUIC frame overlaps a previous frame in the stream"),
    [F_DECRYPTION] = FN("quic.decryption", "Decryption"),
};
#define FL(i) (&quic_fields[(i)])

extern const dx_protocol dx_proto_quic;

/* ---- versions ------------------------------------------------------------ */
/* The versions whose Initial packets can be read, grouped by the constants
 * they use (tshark 4.0 groups them the same way, quic_draft_version() and
 * is_quic_draft_max() in its packet-quic.c):
 *   - drafts up to 22 and mvfst's draft-22 version: the draft-22 salt;
 *   - drafts 23 to 28 and mvfst's draft-27 and experimental versions: the
 *     salt of draft-ietf-quic-tls-23 5.2, the Retry key of -25 5.8;
 *   - drafts 29 to 32, and the reserved 0x?a?a?a?a versions a client sends
 *     to force a version negotiation (RFC 9000 15; read as draft-29);
 *   - drafts 33 and 34: v1's constants (RFC 9001 5.2);
 *   - Google's Q050, T050 and T051: their own salts (Chromium's
 *     quic_crypto_stream / quic_versions), gQUIC frames inside;
 *   - other draft numbers tshark reads with v2's salt and v1's labels (it
 *     never decrypts them; dissect shows what it shows). */
enum {
  V_1,
  V_2,
  V_DRAFT29,
  V_2DRAFT,
  V_DRAFT23,
  V_DRAFT22,
  V_Q050,
  V_T050,
  V_T051,
  V_DRAFTX,
  V_COUNT
};
typedef struct qversion {
  const char *label_prefix;               /* "quic " or "quicv2 " (RFC 9369 3.3.2) */
  uint8_t salt[20];                       /* initial_salt (RFC 9001 5.2, RFC 9369 3.3.1) */
  uint8_t retry_key[16], retry_nonce[12]; /* RFC 9001 5.8, RFC 9369 3.3.3 */
  bool v2_types;                          /* long packet types of RFC 9369 3.2 */
  bool gquic;                             /* gQUIC frames in the payload (Q050, T05x) */
} qversion;

#define RETRY_V1                                                                                   \
  {                                                                                                \
      0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,                                              \
      0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e},                                             \
  {                                                                                                \
    0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63, 0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb                         \
  }
/* draft-ietf-quic-tls-25 5.8 (drafts 25 to 28) */
#define RETRY_D25                                                                                  \
  {                                                                                                \
      0x4d, 0x32, 0xec, 0xdb, 0x2a, 0x21, 0x33, 0xc8,                                              \
      0x41, 0xe4, 0x04, 0x3d, 0xf2, 0x7d, 0x44, 0x30},                                             \
  {                                                                                                \
    0x4d, 0x16, 0x11, 0xd0, 0x55, 0x13, 0xa5, 0x52, 0xc5, 0x87, 0xd5, 0x75                         \
  }
#define RETRY_V2                                                                                   \
  {                                                                                                \
      0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2,                                              \
      0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7b, 0xa5, 0xdd},                                             \
  {                                                                                                \
    0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c, 0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a                         \
  }

static const qversion versions[V_COUNT] = {
    [V_1] = {"quic ",
             {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
              0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a},
             RETRY_V1,
             false,
             false},
    [V_2] = {"quicv2 ",
             {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
              0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9},
             RETRY_V2,
             true,
             false},
    [V_DRAFT29] = {"quic ",
                   {0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
                    0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99},
                   {0xcc, 0xce, 0x18, 0x7e, 0xd0, 0x9a, 0x09, 0xd0, 0x57, 0x28, 0x15, 0x5a, 0x6c,
                    0xb9, 0x6b, 0xe1},
                   {0xe5, 0x49, 0x30, 0xf9, 0x7f, 0x21, 0x36, 0xf0, 0x53, 0x0a, 0x8c, 0x1c},
                   false,
                   false},
    /* draft-ietf-quic-v2-01 as ngtcp2 0.12 sends it */
    [V_2DRAFT] = {"quicv2 ",
                  {0xa7, 0x07, 0xc2, 0x03, 0xa5, 0x9b, 0x47, 0x18, 0x4a, 0x1d,
                   0x62, 0xca, 0x57, 0x04, 0x06, 0xea, 0x7a, 0xe3, 0xe5, 0xd3},
                  {0xba, 0x85, 0x8d, 0xc7, 0xb4, 0x3d, 0xe5, 0xdb, 0xf8, 0x76, 0x17, 0xff, 0x4a,
                   0xb2, 0x53, 0xdb},
                  {0x14, 0x1b, 0x99, 0xc2, 0x39, 0xb0, 0x3e, 0x78, 0x5d, 0x6a, 0x2e, 0x9f},
                  true,
                  false},
    /* draft-ietf-quic-tls-23 5.2 */
    [V_DRAFT23] = {"quic ",
                   {0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
                    0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02},
                   RETRY_D25,
                   false,
                   false},
    /* draft-ietf-quic-tls-22 5.2 (a Retry then has no integrity tag) */
    [V_DRAFT22] = {"quic ",
                   {0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a,
                    0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a},
                   RETRY_D25,
                   false,
                   false},
    [V_Q050] = {"quic ",
                {0x50, 0x45, 0x74, 0xef, 0xd0, 0x66, 0xfe, 0x2f, 0x9d, 0x94,
                 0x5c, 0xfc, 0xdb, 0xd3, 0xa7, 0xf0, 0xd3, 0xb5, 0x6b, 0x45},
                RETRY_D25,
                false,
                true},
    [V_T050] = {"quic ",
                {0x7f, 0xf5, 0x79, 0xe5, 0xac, 0xd0, 0x72, 0x91, 0x55, 0x80,
                 0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c, 0x60, 0x48, 0x83, 0x10},
                RETRY_D25,
                false,
                true},
    [V_T051] = {"quic ",
                {0x7a, 0x4e, 0xde, 0xf4, 0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50,
                 0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc, 0xda, 0x6e, 0x03, 0x3d},
                RETRY_D25,
                false,
                true},
    [V_DRAFTX] = {"quic ",
                  {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
                   0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9},
                  RETRY_V2,
                  false,
                  false},
};

#define Q050 0x51303530u
#define T050 0x54303530u
#define T051 0x54303531u

/* The IETF draft a version follows, as tshark 4.0 numbers it (34 for v1,
 * 100 for v2, 27 for gQUIC's Q050/T05x, 29 for 0x?a?a?a?a), 0 if none. */
static unsigned draft_of(uint32_t v) {
  if ((v >> 8) == 0xff0000)
    return v & 0xff;
  if (v == 0xfaceb001)
    return 22;
  if (v == 0xfaceb002 || v == 0xfaceb00e || v == Q050 || v == T050 || v == T051)
    return 27;
  if ((v & 0x0f0f0f0f) == 0x0a0a0a0a)
    return 29;
  if (v == 0x00000001)
    return 34;
  if (v == 0x6b3343cf)
    return 100;
  return 0;
}

static int version_index(uint32_t v) {
  switch (v) {
  case 0x00000001: return V_1;
  case 0x6b3343cf: return V_2;
  case 0x709a50c4: return V_2DRAFT;
  case Q050: return V_Q050;
  case T050: return V_T050;
  case T051: return V_T051;
  default: break;
  }
  unsigned d = draft_of(v);
  return d == 0    ? -1
         : d <= 22 ? V_DRAFT22
         : d <= 28 ? V_DRAFT23
         : d <= 32 ? V_DRAFT29
         : d <= 34 ? V_1
                   : V_DRAFTX;
}

/* Packet types, whatever their wire value in the version. */
enum { T_INITIAL, T_0RTT, T_HANDSHAKE, T_RETRY, T_VN, T_SHORT };
static const char *const type_names[] = {
    "Initial", "0-RTT", "Handshake", "Retry", "Version Negotiation", "Protected Payload"};

/* ---- keys --------------------------------------------------------------- */
enum { AEAD_GCM, AEAD_CHACHA, AEAD_CCM };
typedef struct qkeys {
  bool ok;
  uint8_t aead;
  uint8_t key_len, secret_len;
  const char *cipher; /* OpenSSL name of the AEAD */
  const char *md;     /* HKDF hash */
  uint8_t key[32], iv[12], hp[32];
  uint8_t secret[64]; /* for key updates (RFC 9001 6.1) */
} qkeys;

static bool hkdf_extract(const char *md, const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
                         size_t ikmlen, uint8_t *out, size_t outlen) {
  return dx_hkdf_extract(md, salt, saltlen, ikm, ikmlen, out, outlen) == DX_TLS_DEC_OK;
}

static bool label_expand(const char *md, const uint8_t *secret, size_t slen, const char *prefix,
                         const char *label, uint8_t *out, size_t outlen) {
  char full[32];
  snprintf(full, sizeof full, "%s%s", prefix, label);
  return dx_tls13_expand_label(md, secret, slen, full, NULL, 0, out, outlen) == DX_TLS_DEC_OK;
}

/* Packet protection keys from a traffic secret (RFC 9001 5.1). */
static bool keys_from_secret(qkeys *k, uint16_t suite, const uint8_t *secret, size_t slen,
                             const char *prefix) {
  memset(k, 0, sizeof *k);
  const dx_tls_suite *cs = dx_tls_suite_find(suite);
  if (!cs || (suite >> 8) != 0x13 || slen > sizeof k->secret)
    return false;
  k->aead = cs->mode == DX_TLS_M_CHACHA ? AEAD_CHACHA
            : cs->mode == DX_TLS_M_CCM  ? AEAD_CCM
                                        : AEAD_GCM;
  if (cs->mode != DX_TLS_M_GCM && cs->mode != DX_TLS_M_CHACHA && cs->mode != DX_TLS_M_CCM)
    return false;
  k->cipher = cs->cipher;
  k->md = cs->prf_md;
  k->key_len = cs->key_len;
  k->secret_len = (uint8_t)slen;
  memcpy(k->secret, secret, slen);
  if (!label_expand(k->md, secret, slen, prefix, "key", k->key, k->key_len) ||
      !label_expand(k->md, secret, slen, prefix, "iv", k->iv, 12) ||
      !label_expand(k->md, secret, slen, prefix, "hp", k->hp, k->key_len)) {
    OPENSSL_cleanse(k, sizeof *k);
    return false;
  }
  k->ok = true;
  return true;
}

/* The next generation of 1-RTT keys (RFC 9001 6.1): new secret, key and
 * iv; the header protection key stays. Drafts up to 23 named the secret's
 * label "traffic upd" (draft-ietf-quic-tls-23 6), later ones "quic ku". */
static bool keys_update(const qkeys *cur, qkeys *next, const char *prefix, bool old_label) {
  uint8_t ns[64];
  if (!cur->ok || !label_expand(cur->md, cur->secret, cur->secret_len, old_label ? "" : prefix,
                                old_label ? "traffic upd" : "ku", ns, cur->secret_len))
    return false;
  *next = *cur;
  memcpy(next->secret, ns, cur->secret_len);
  bool ok = label_expand(next->md, ns, cur->secret_len, prefix, "key", next->key, next->key_len) &&
            label_expand(next->md, ns, cur->secret_len, prefix, "iv", next->iv, 12);
  OPENSSL_cleanse(ns, sizeof ns);
  next->ok = ok;
  return ok;
}

static bool initial_secret(int vi, const uint8_t *dcid, size_t dcid_len, int server, qkeys *k) {
  uint8_t is[32], sec[32];
  if (!hkdf_extract("SHA256", versions[vi].salt, 20, dcid, dcid_len, is, 32))
    return false;
  bool ok = dx_tls13_expand_label("SHA256", is, 32, server ? "server in" : "client in", NULL, 0,
                                  sec, 32) == DX_TLS_DEC_OK &&
            keys_from_secret(k, 0x1301, sec, 32, versions[vi].label_prefix);
  OPENSSL_cleanse(is, sizeof is);
  OPENSSL_cleanse(sec, sizeof sec);
  return ok;
}

bool dx_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len, int server,
                          uint8_t key[16], uint8_t iv[12], uint8_t hp[16]) {
  int vi = version_index(version);
  qkeys k;
  if (vi < 0 || !initial_secret(vi, dcid, dcid_len, server, &k))
    return false;
  memcpy(key, k.key, 16);
  memcpy(iv, k.iv, 12);
  memcpy(hp, k.hp, 16);
  OPENSSL_cleanse(&k, sizeof k);
  return true;
}

/* Header protection mask (RFC 9001 5.4.3 AES, 5.4.4 ChaCha20). */
static bool hp_mask(const qkeys *k, const uint8_t sample[16], uint8_t mask[5]) {
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  if (!c)
    return false;
  bool ok = false;
  int outl = 0;
  if (k->aead == AEAD_CHACHA) {
    static const uint8_t zeros[5] = {0};
    EVP_CIPHER *ch = dx_cipher_fetch("ChaCha20");
    /* OpenSSL's ChaCha20 IV is the 4-byte little-endian counter then the
     * 12-byte nonce: exactly the sample */
    ok = ch && EVP_EncryptInit_ex(c, ch, NULL, k->hp, sample) &&
         EVP_EncryptUpdate(c, mask, &outl, zeros, 5) && outl == 5;
    EVP_CIPHER_free(ch);
  } else {
    uint8_t out[32];
    EVP_CIPHER *ecb = dx_cipher_fetch(k->key_len == 32 ? "AES-256-ECB" : "AES-128-ECB");
    ok = ecb && EVP_EncryptInit_ex(c, ecb, NULL, k->hp, NULL) && EVP_CIPHER_CTX_set_padding(c, 0) &&
         EVP_EncryptUpdate(c, out, &outl, sample, 16) && outl == 16;
    if (ok)
      memcpy(mask, out, 5);
    EVP_CIPHER_free(ecb);
  }
  EVP_CIPHER_CTX_free(c);
  return ok;
}

/* AEAD open (RFC 9001 5.3): nonce = iv XOR packet number; the tag is the
 * last 16 bytes of in. */
static bool aead_open(const qkeys *k, uint64_t pn, const uint8_t *aad, size_t aadlen,
                      const uint8_t *in, size_t inlen, uint8_t *out) {
  if (inlen < 16 || inlen > 0x10000)
    return false;
  uint8_t nonce[12];
  memcpy(nonce, k->iv, 12);
  for (int i = 0; i < 8; i++)
    nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
  size_t ctlen = inlen - 16;
  EVP_CIPHER *ci = dx_cipher_fetch(k->cipher);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  bool ok = false;
  int outl = 0, fl = 0;
  if (!ci || !c)
    goto done;
  if (!EVP_DecryptInit_ex(c, ci, NULL, NULL, NULL) ||
      !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL))
    goto done;
  if (k->aead == AEAD_CCM &&
      !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(in + ctlen)))
    goto done;
  if (!EVP_DecryptInit_ex(c, NULL, NULL, k->key, nonce))
    goto done;
  if (k->aead == AEAD_CCM && !EVP_DecryptUpdate(c, NULL, &outl, NULL, (int)ctlen))
    goto done;
  if (aadlen && !EVP_DecryptUpdate(c, NULL, &outl, aad, (int)aadlen))
    goto done;
  if (!EVP_DecryptUpdate(c, out, &outl, in, (int)ctlen))
    goto done;
  if (k->aead == AEAD_CCM) {
    ok = true; /* CCM checks the tag in the update */
    goto done;
  }
  if (!EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, 16, (void *)(in + ctlen)))
    goto done;
  ok = EVP_DecryptFinal_ex(c, out + outl, &fl) > 0;
done:
  EVP_CIPHER_CTX_free(c);
  EVP_CIPHER_free(ci);
  return ok;
}

/* Retry Integrity Tag (RFC 9001 5.8): AES-128-GCM over the pseudo-packet
 * (ODCID length, ODCID, Retry packet without the tag), empty plaintext. */
static bool retry_tag_ok(int vi, const uint8_t *odcid, uint8_t odcid_len, const uint8_t *pkt,
                         size_t len_without_tag, const uint8_t tag[16]) {
  uint8_t pseudo[1 + 20 + 1500];
  if (len_without_tag > 1500 || odcid_len > 20)
    return false;
  pseudo[0] = odcid_len;
  memcpy(pseudo + 1, odcid, odcid_len);
  memcpy(pseudo + 1 + odcid_len, pkt, len_without_tag);
  EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
  uint8_t out[16];
  int outl = 0;
  bool ok = c &&
            EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, versions[vi].retry_key,
                               versions[vi].retry_nonce) &&
            EVP_EncryptUpdate(c, NULL, &outl, pseudo, (int)(1 + odcid_len + len_without_tag)) &&
            EVP_EncryptFinal_ex(c, out, &outl) &&
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, 16, out);
  EVP_CIPHER_CTX_free(c);
  return ok && CRYPTO_memcmp(out, tag, 16) == 0;
}

/* ---- connections ---------------------------------------------------------- */
#define QUIC_MAX_CONNS 4096    /* connections tracked per session */
#define QUIC_MAX_CIDS 32768    /* connection ids remembered per session */
#define QUIC_CIDS_PER_CONN 32  /* and per connection */
#define QUIC_CID_BUCKETS 4096  /* keyed hash buckets of the id table */
#define QUIC_MAX_STREAMS 512   /* live QUIC streams per connection */
#define QUIC_STREAM_BUCKETS 64 /* per connection */
#define QUIC_CLOSED_RING 128   /* ended streams remembered per connection */
#define QUIC_MAX_OOO 32        /* pieces kept per stream direction, CRYPTO frames per level */
#define QUIC_MAX_PACKETS 16    /* coalesced packets per datagram */

enum { SP_INITIAL, SP_HANDSHAKE, SP_APP }; /* packet number spaces / CRYPTO levels */

typedef struct qchunk {
  struct qchunk *next;
  uint64_t off, frame;
  uint32_t len;
  uint8_t data[];
} qchunk;

/* In-order delivery of one direction of a QUIC stream (STREAM data). */
typedef struct qdir {
  uint64_t next; /* offset of the next byte expected */
  qchunk *ooo;   /* pieces beyond next, sorted by offset */
  uint32_t nooo;
  bool fin, fin_known;
  uint64_t fin_off;
} qdir;

typedef struct qconn qconn;

typedef struct qstream {
  struct qstream *hnext;
  qconn *conn;
  uint64_t id;
  dx_stream bs;
  qdir d[2]; /* by sender: 0 client, 1 server */
} qstream;

/* The CRYPTO data of one encryption level and sender, handed to TLS as
 * tshark 4.0 hands it (packet-quic.c, desegment_quic_crypto), in two steps:
 *   - a CRYPTO frame whose bytes come next in order, with no reassembly
 *     open, goes to TLS at once, under its own frame item;
 *   - a frame beyond a gap opens a reassembly of [start, end): it and every
 *     later frame (in order or not, end growing to cover each) are kept
 *     until the bytes from start to end are all there; the frame that
 *     completes them hands them to TLS in one piece, with their list
 *     ("[N Reassembled QUIC CRYPTO Data Fragments (B bytes): ...]").
 * TLS then puts together the handshake messages cut across its calls (its
 * own "Reassembled Handshake Fragments", tls.c). The kept frames count
 * against the session's byte budget, at most QUIC_MAX_OOO of them. */
typedef struct qcdir {
  uint64_t next;       /* the offset up to which every byte came */
  bool open;           /* a reassembly is open */
  uint64_t start, end; /* its range */
  qchunk *chunks;      /* its frames, sorted by offset (equal ones in arrival order) */
  uint32_t nchunks;
} qcdir;

struct qconn {
  struct qcid *cids; /* the ids of this connection (qcid.conn_next) */
  uint32_t ncids;
  uint32_t number;
  int vi;
  uint32_t version;
  dx_addr caddr;
  uint16_t cport;
  bool have_client_addr;
  uint8_t odcid[20], odcid_len;         /* the client's first DCID */
  uint8_t init_dcid[20], init_dcid_len; /* DCID the current Initial keys came from */
  bool retried;
  /* [side]: that side (0 client, 1 server) chose a zero-length id in its
   * long headers, so short header packets to it carry no DCID and are
   * found by their UDP flow */
  bool zero_cid[2];
  uint8_t retry_scid[20], retry_scid_len; /* the Retry's SCID: the next Initials' keys */
  qkeys initial[2], handshake[2], zerortt;
  qkeys app[2][2];      /* [sender][key phase] */
  uint8_t app_phase[2]; /* current key phase per sender */
  bool app_tried[2], hs_tried[2], zerortt_tried;
  int why_hs, why_app;    /* reason when keys are missing */
  uint64_t largest[3][2]; /* largest packet number per space and sender, +1 (0: none) */
  dx_tls_quic *tls;
  qcdir cdir[3][2]; /* CRYPTO data per level and sender */
  char alpn[32];
  qstream **streams; /* QUIC_STREAM_BUCKETS chains, allocated on first use */
  uint32_t nstreams;
  /* the ids of the last streams that ended (a ring): data for one of
   * them now is a retransmission, not a new stream */
  uint64_t closed[QUIC_CLOSED_RING];
  uint32_t nclosed;
  bool stream_cap_noted, short_fail_noted;
  void *app_conn; /* HTTP/3's per-connection state */
  void (*app_conn_free)(void *);
};

typedef struct qcid {
  struct qcid *next;      /* in its bucket */
  struct qcid *conn_next; /* in its connection's list */
  qconn *conn;
  uint8_t owner; /* 0: the client chose it (server sends to it), 1: the server */
  /* the DCID of the client's first Initial, which no packet of the server
   * has used yet as its own id: it finds long header packets (the client's
   * next Initials, its 0-RTT), not short header ones (as tshark, whose map
   * of Initial DCIDs is apart from the connection ids) */
  bool initial_only;
  uint8_t len;
  uint8_t cid[20];
} qcid;

/* Connections live in a ring of QUIC_MAX_CONNS slots, by number: when a
 * new one needs the slot of the oldest, the oldest is forgotten (its state
 * and ids freed), so memory stays bounded however many connections a
 * capture holds, at O(1) per connection. A UDP flow knows its connection
 * by number (flow.app_data), valid while the slot still holds it. */
typedef struct quic_state {
  qconn *slots[QUIC_MAX_CONNS];
  uint32_t nconns;
  qcid *buckets[QUIC_CID_BUCKETS];
  /* bit b: bucket b was given an id since the last clear (it may be empty
   * again), so clearing visits those buckets, not all of them */
  uint64_t bucket_used[QUIC_CID_BUCKETS / 64];
  uint32_t ncids;
  uint32_t cid_lens; /* bit n: a connection id of n bytes was seen (n <= 20) */
  bool cid_cap_noted;
  struct qctx *cur; /* the packet being dissected, for dx_quic_info_append */
} quic_state;

static void qdir_free(qdir *d, uint64_t *budget) {
  for (qchunk *c = d->ooo, *n; c; c = n) {
    n = c->next;
    if (budget)
      *budget -= c->len;
    free(c);
  }
  d->ooo = NULL;
  d->nooo = 0;
}

static void qcdir_free(qcdir *d, uint64_t *budget) {
  for (qchunk *c = d->chunks, *n; c; c = n) {
    n = c->next;
    if (budget)
      *budget -= c->len;
    free(c);
  }
  d->chunks = NULL;
  d->nchunks = 0;
  d->open = false;
}

static void crypto_owner(void *data) {
  DX_UNUSED(data); /* marks the CRYPTO streams' state: the connection owns it */
}

static void stream_free(qstream *s, uint64_t *budget) {
  dx_stream_free(&s->bs);
  qdir_free(&s->d[0], budget);
  qdir_free(&s->d[1], budget);
  free(s);
}

static void conn_free(qconn *c, uint64_t *budget) {
  if (c->streams) {
    for (unsigned b = 0; b < QUIC_STREAM_BUCKETS; b++)
      for (qstream *s = c->streams[b], *n; s; s = n) {
        n = s->hnext;
        stream_free(s, budget);
      }
    free(c->streams);
  }
  for (int l = 0; l < 3; l++) {
    qcdir_free(&c->cdir[l][0], budget);
    qcdir_free(&c->cdir[l][1], budget);
  }
  if (c->app_conn && c->app_conn_free)
    c->app_conn_free(c->app_conn);
  dx_tls_quic_free(c->tls);
  OPENSSL_cleanse(c, sizeof *c);
  free(c);
}

static void *quic_state_new(struct dx_session *s) {
  DX_UNUSED(s);
  return calloc(1, sizeof(quic_state));
}

/* Frees the connections and ids and empties their tables. Slots are filled
 * in order of nconns; ids only in the buckets bucket_used marks (a
 * session reset for every input of a fuzzer visits the few buckets its
 * ids went to, not the 4096). */
static void quic_state_clear(quic_state *st) {
  uint32_t used = st->nconns < QUIC_MAX_CONNS ? st->nconns : QUIC_MAX_CONNS;
  for (unsigned i = 0; i < used; i++)
    if (st->slots[i]) {
      conn_free(st->slots[i], NULL); /* the session (and its budget) goes too */
      st->slots[i] = NULL;
    }
  for (unsigned w = 0; st->ncids && w < QUIC_CID_BUCKETS / 64; w++) {
    for (uint64_t m = st->bucket_used[w]; m; m &= m - 1) {
      unsigned b = w * 64 + (unsigned)__builtin_ctzll(m);
      for (qcid *e = st->buckets[b], *n; e; e = n) {
        n = e->next;
        free(e);
      }
      st->buckets[b] = NULL;
    }
  }
  memset(st->bucket_used, 0, sizeof st->bucket_used);
  st->nconns = 0;
  st->ncids = 0;
  st->cid_lens = 0;
  st->cid_cap_noted = false;
  st->cur = NULL;
}

static void quic_state_free(void *p) {
  quic_state *st = p;
  if (!st)
    return;
  quic_state_clear(st);
  free(st);
}

/* dx_session_reset(): the 64 KiB of tables are kept, emptied in time of
 * the connections and ids used (not freed, made and zeroed again). */
static void quic_state_reset(void *p, struct dx_session *s) {
  DX_UNUSED(s);
  quic_state_clear(p);
}

static uint32_t cid_bucket(dx_packet *p, const uint8_t *cid, uint8_t len) {
  return (uint32_t)(dx_hash_keyed(p, cid, len) & (QUIC_CID_BUCKETS - 1));
}

static qcid *cid_find(dx_packet *p, quic_state *st, const uint8_t *cid, uint8_t len) {
  if (len == 0 || len > 20)
    return NULL;
  for (qcid *e = st->buckets[cid_bucket(p, cid, len)]; e; e = e->next)
    if (e->len == len && memcmp(e->cid, cid, len) == 0)
      return e;
  return NULL;
}

static qcid *cid_add(dx_packet *p, quic_state *st, qconn *c, const uint8_t *cid, uint8_t len,
                     uint8_t owner, dx_node *where) {
  if (len == 0 || len > 20)
    return NULL;
  qcid *old = cid_find(p, st, cid, len);
  if (old) {
    if (old->initial_only && old->conn == c && owner == 1) {
      old->initial_only = false; /* the server took the client's first DCID as its id */
      st->cid_lens |= 1u << len;
    }
    return NULL;
  }
  if (c->ncids >= QUIC_CIDS_PER_CONN || st->ncids >= QUIC_MAX_CIDS) {
    if (!st->cid_cap_noted && where)
      dx_expert(p, where, dx_field_limit(), DX_SEV_WARN,
                "[QUIC connection id limit reached (%u per connection, %u in all): later ids "
                "are not tracked]",
                QUIC_CIDS_PER_CONN, QUIC_MAX_CIDS);
    st->cid_cap_noted = true;
    return NULL;
  }
  qcid *e = calloc(1, sizeof *e);
  if (!e)
    return NULL;
  e->conn = c;
  e->owner = owner;
  e->len = len;
  memcpy(e->cid, cid, len);
  uint32_t b = cid_bucket(p, cid, len);
  e->next = st->buckets[b];
  st->buckets[b] = e;
  st->bucket_used[b / 64] |= (uint64_t)1 << (b % 64);
  e->conn_next = c->cids;
  c->cids = e;
  c->ncids++;
  st->ncids++;
  st->cid_lens |= 1u << len;
  return e;
}

/* The connection of a short header packet: its DCID is one of the ids
 * seen, of any length seen. */
static qcid *cid_match_prefix(dx_packet *p, quic_state *st, const uint8_t *b, uint32_t avail) {
  for (uint8_t len = 1; len <= 20; len++) {
    if (!(st->cid_lens & (1u << len)) || len > avail)
      continue;
    qcid *e = cid_find(p, st, b, len);
    if (e && !e->initial_only)
      return e;
  }
  return NULL;
}

/* Forgets a connection: its ids leave the table, its state is freed. */
static void conn_forget(dx_packet *p, quic_state *st, qconn *c) {
  for (qcid *e = c->cids, *n; e; e = n) {
    n = e->conn_next;
    for (qcid **pp = &st->buckets[cid_bucket(p, e->cid, e->len)]; *pp; pp = &(*pp)->next)
      if (*pp == e) {
        *pp = e->next;
        break;
      }
    st->ncids--;
    free(e);
  }
  st->slots[c->number % QUIC_MAX_CONNS] = NULL;
  conn_free(c, dx_packet_stream_budget(p));
}

static qconn *conn_new(dx_packet *p, quic_state *st, dx_node *where) {
  if (st->nconns == UINT32_MAX)
    return NULL;
  qconn *old = st->slots[st->nconns % QUIC_MAX_CONNS];
  if (old) {
    if (where)
      dx_expert(p, where, dx_field_limit(), DX_SEV_NOTE,
                "[QUIC connection table full (%u connections): connection %u, the oldest, is "
                "forgotten]",
                QUIC_MAX_CONNS, old->number);
    conn_forget(p, st, old);
  }
  qconn *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->number = st->nconns++;
  st->slots[c->number % QUIC_MAX_CONNS] = c;
  c->tls = dx_tls_quic_new(p);
  return c;
}

/* The connection of the packet's UDP flow, if it is still followed. */
static qconn *conn_by_flow(dx_packet *p, quic_state *st) {
  int dir = 0;
  dx_flow *fl = dx_flow_find(p, &dir);
  if (!fl || fl->app_free != crypto_owner || !fl->app_data)
    return NULL;
  uint32_t n = (uint32_t)((uintptr_t)fl->app_data - 1);
  qconn *c = st->slots[n % QUIC_MAX_CONNS];
  return c && c->number == n ? c : NULL;
}

/* ---- packet numbers (RFC 9000 A.3) ------------------------------------------ */
static uint64_t pn_decode(uint64_t largest_plus1, uint64_t truncated, unsigned nbits) {
  uint64_t expected = largest_plus1; /* largest + 1, or 0 if none yet */
  uint64_t win = 1ull << nbits, hwin = win / 2, mask = win - 1;
  uint64_t cand = (expected & ~mask) | truncated;
  if (cand + hwin <= expected && cand < (1ull << 62) - win)
    return cand + win;
  if (cand > expected + hwin && cand >= win)
    return cand - win;
  return cand;
}

/* ---- varints ------------------------------------------------------------- */
bool dx_quic_varint(const dx_tvb *t, uint32_t off, uint64_t *v, uint32_t *n) {
  uint8_t b0 = 0;
  if (!dx_get_u8(t, off, &b0))
    return false;
  uint32_t len = 1u << (b0 >> 6);
  const uint8_t *b = dx_get_ptr(t, off, len);
  if (!b)
    return false;
  uint64_t r = b0 & 0x3f;
  for (uint32_t i = 1; i < len; i++)
    r = r << 8 | b[i];
  *v = r;
  *n = len;
  return true;
}

/* ---- dissection context ------------------------------------------------------ */
typedef struct qctx qctx;
struct qctx {
  dx_packet *p;
  quic_state *st;
  qconn *c;
  int sender; /* 0 client, 1 server, -1 unknown */
  int level;  /* SP_* of the packet */
  dx_node *pkt;
  dx_node *sh; /* the short header's item of the packet (NULL: a long header) */
  dx_tvb pt;   /* decrypted payload */
  bool first_in_dgram;
  bool retry; /* the packet is a Retry */
  bool vn;    /* the packet is a Version Negotiation */
  bool http3_seen;
  char info[512];
  size_t ilen;
};

static void info_add(qctx *x, const char *fmt, ...) DX_PRINTF(2, 3);
static void info_add(qctx *x, const char *fmt, ...) {
  if (!x->p->want_columns)
    return;
  dx_sb b = {x->info, sizeof x->info, x->ilen};
  va_list ap;
  va_start(ap, fmt);
  dx_sb_vprintf(&b, fmt, ap);
  va_end(ap);
  x->ilen = b.len;
}

/* "Initial, DCID=..., SCID=..." with the empty ids left out, as tshark. */
static void info_ids(qctx *x, const char *name, const char *dh, const char *sh) {
  info_add(x, "%s%s%s%s%s", name, dh[0] ? ", DCID=" : "", dh, sh[0] ? ", SCID=" : "", sh);
}

void dx_quic_info_append(dx_packet *p, const char *fmt, ...) {
  quic_state *st = dx_proto_state(p, &dx_proto_quic);
  qctx *x = st ? st->cur : NULL;
  if (!x || !p->want_columns || x->ilen >= sizeof x->info - 1)
    return;
  va_list ap;
  va_start(ap, fmt);
  int w = vsnprintf(x->info + x->ilen, sizeof x->info - x->ilen, fmt, ap);
  va_end(ap);
  if (w > 0)
    x->ilen += (size_t)w;
  if (x->ilen >= sizeof x->info)
    x->ilen = sizeof x->info - 1;
}

void dx_quic_mark_app(dx_packet *p) {
  quic_state *st = dx_proto_state(p, &dx_proto_quic);
  if (st && st->cur)
    st->cur->http3_seen = true;
}

static int varint_item(qctx *x, dx_node *parent, int f, const dx_tvb *t, uint32_t *off,
                       uint64_t *out) {
  uint64_t v = 0;
  uint32_t n = 0;
  if (!dx_quic_varint(t, *off, &v, &n)) {
    dx_node *tn = dx_add_none(x->p, parent, FL(f), t, *off, dx_tvb_avail(t, *off));
    dx_mark_truncated(x->p, tn, FL(f)->label);
    return -1;
  }
  dx_add_uint(x->p, parent, FL(f), t, *off, n, v);
  *off += n;
  if (out)
    *out = v;
  return 0;
}

/* ---- CRYPTO and STREAM data: in-order delivery --------------------------------- */
static const dx_stream_kind stream_kind = {.name = "QUIC",
                                           .port_table = DX_TABLE_NONE,
                                           .segments = &quic_fields[F_FRAGMENTS],
                                           .segment = &quic_fields[F_FRAGMENT],
                                           .seg_count = &quic_fields[F_FRAG_COUNT],
                                           .reasm_len = &quic_fields[F_REASM_LEN],
                                           .reasm_data = &quic_fields[F_REASM_DATA],
                                           .piece_word = "Fragments"};

/* TLS on the CRYPTO bytes t sent by `sender` (0 client, 1 server) */
static void crypto_tls(dx_packet *p, qconn *c, int sender, const dx_tvb *t, dx_node *parent) {
  if (!t->len)
    return;
  /* tshark 4.0 reads the transport parameters of drafts before 27 (and
   * Google's T050) in their older form */
  unsigned d = draft_of(c->version);
  dx_tls_quic_set_old_tp(c->tls, (d && d <= 26) || c->version == T050);
  dx_tls_quic_handshake(p, c->tls, sender, t, parent);
  const char *a = dx_tls_quic_alpn(c->tls);
  if (a && a[0] && strcmp(a, c->alpn) != 0)
    snprintf(c->alpn, sizeof c->alpn, "%s", a); /* offered, then chosen */
}

static dx_reasm_limits limits(dx_packet *p) {
  const dx_config *cfg = dx_packet_config(p);
  dx_reasm_limits lim = {cfg->max_stream_bytes, cfg->max_total_stream_bytes,
                         dx_packet_stream_budget(p)};
  return lim;
}

/* Hands the bytes [off, off+len) of one direction to the byte stream bs,
 * in order: bytes already delivered are skipped (a retransmission), bytes
 * beyond a gap wait (bounded) until the gap is filled. data lies at
 * frame_off in the tvb ft of this packet. Returns false if the bytes were
 * a retransmission. */
static bool qdir_feed(qctx *x, qdir *d, dx_stream *bs, int dir, uint64_t off, const dx_tvb *ft,
                      uint32_t frame_off, uint32_t len, dx_node *owner, dx_node *parent) {
  dx_packet *p = x->p;
  const uint8_t *data = dx_get_ptr(ft, frame_off, len);
  if (!data || len == 0)
    return true;
  if (off + len <= d->next)
    return false;
  if (off > d->next) {
    /* beyond a gap: keep a copy, in offset order */
    uint64_t *budget = dx_packet_stream_budget(p);
    const dx_config *cfg = dx_packet_config(p);
    if (d->nooo >= QUIC_MAX_OOO || (budget && *budget + len > cfg->max_total_stream_bytes)) {
      dx_expert(p, owner, dx_field_limit(), DX_SEV_WARN,
                "[QUIC reassembly limit reached: %u bytes at offset %" PRIu64
                " beyond a gap were not kept]",
                len, off);
      return true;
    }
    qchunk *ch = malloc(sizeof *ch + len);
    if (!ch)
      return true;
    ch->off = off;
    ch->len = len;
    ch->frame = p->num;
    memcpy(ch->data, data, len);
    qchunk **pp = &d->ooo;
    while (*pp && (*pp)->off < off)
      pp = &(*pp)->next;
    ch->next = *pp;
    *pp = ch;
    d->nooo++;
    if (budget)
      *budget += len;
    return true;
  }
  uint32_t skip = (uint32_t)(d->next - off);
  dx_reasm_piece piece = {p->num, len - skip, 0, 0};
  dx_stream_input in = {dir,    data + skip, len - skip, ft,     frame_off + skip,
                        &piece, 1,           owner,      parent, 0};
  dx_stream_result res;
  dx_stream_deliver(p, bs, &in, &res);
  d->next = off + len;
  /* pieces that the new bytes make contiguous */
  uint64_t *budget = dx_packet_stream_budget(p);
  while (d->ooo && d->ooo->off <= d->next) {
    qchunk *ch = d->ooo;
    d->ooo = ch->next;
    d->nooo--;
    if (budget)
      *budget -= ch->len;
    if (ch->off + ch->len > d->next) {
      uint32_t k = (uint32_t)(d->next - ch->off);
      dx_reasm_piece pc = {ch->frame, ch->len - k, 0, 0};
      dx_stream_input in2 = {dir, ch->data + k, ch->len - k, NULL, 0, &pc, 1, owner, parent, 0};
      dx_stream_deliver(p, bs, &in2, &res);
      d->next = ch->off + ch->len;
    }
    free(ch);
  }
  return true;
}

static qstream *stream_get(qctx *x, uint64_t id, dx_node *owner, bool *closed) {
  qconn *c = x->c;
  if (!c->streams) {
    c->streams = calloc(QUIC_STREAM_BUCKETS, sizeof *c->streams);
    if (!c->streams)
      return NULL;
  }
  uint32_t b = (uint32_t)(dx_hash_keyed(x->p, &id, sizeof id) & (QUIC_STREAM_BUCKETS - 1));
  for (qstream *s = c->streams[b]; s; s = s->hnext)
    if (s->id == id)
      return s;
  for (uint32_t i = 0; i < QUIC_CLOSED_RING && i < c->nclosed; i++)
    if (c->closed[i] == id) {
      *closed = true;
      return NULL;
    }
  if (c->nstreams >= QUIC_MAX_STREAMS) {
    if (!c->stream_cap_noted)
      dx_expert(x->p, owner, dx_field_limit(), DX_SEV_WARN,
                "[QUIC stream limit reached (%u live streams in this connection): the data of "
                "new streams is not reassembled]",
                QUIC_MAX_STREAMS);
    c->stream_cap_noted = true;
    return NULL;
  }
  qstream *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->id = id;
  s->conn = c;
  dx_reasm_limits lim = limits(x->p);
  dx_stream_init(&s->bs, &stream_kind, dx_flow_find(x->p, &(int){0}), NULL, &lim, NULL, NULL);
  s->bs.port[0] = c->cport;
  s->bs.port[1] = 443;
  s->bs.alpn = c->alpn[0] ? c->alpn : NULL;
  s->hnext = c->streams[b];
  c->streams[b] = s;
  c->nstreams++;
  return s;
}

/* A stream whose every direction has ended is forgotten (RFC 9000 3). */
static void stream_maybe_close(qctx *x, qstream *s) {
  qconn *c = x->c;
  bool uni = s->id & 2;
  int from = (int)(s->id & 1);
  bool done = uni ? s->d[from].fin && s->d[from].next >= s->d[from].fin_off
                  : s->d[0].fin && s->d[1].fin && s->d[0].next >= s->d[0].fin_off &&
                        s->d[1].next >= s->d[1].fin_off;
  if (!done || !c->streams)
    return;
  uint32_t b = (uint32_t)(dx_hash_keyed(x->p, &s->id, sizeof s->id) & (QUIC_STREAM_BUCKETS - 1));
  for (qstream **pp = &c->streams[b]; *pp; pp = &(*pp)->hnext)
    if (*pp == s) {
      *pp = s->hnext;
      c->nstreams--;
      c->closed[c->nclosed % QUIC_CLOSED_RING] = s->id;
      if (++c->nclosed == 2 * QUIC_CLOSED_RING)
        c->nclosed = QUIC_CLOSED_RING; /* the ring stays full, the counter bounded */
      stream_free(s, dx_packet_stream_budget(x->p));
      return;
    }
}

bool dx_quic_stream(const dx_packet *p, uint64_t *id, void ***conn_data,
                    void (***conn_free)(void *)) {
  dx_stream *bs = p->bstream;
  if (!bs || bs->kind != &stream_kind)
    return false;
  qstream *s = (qstream *)((char *)bs - offsetof(qstream, bs));
  if (id)
    *id = s->id;
  if (conn_data)
    *conn_data = &s->conn->app_conn;
  if (conn_free)
    *conn_free = &s->conn->app_conn_free;
  return true;
}

/* ---- CRYPTO frames: TLS per frame, out-of-order bytes reassembled first ---- */
/* Keeps the CRYPTO bytes data[0, len) at stream offset off, of this frame,
 * in d's open reassembly. False (with a note) when the limits say no. */
static bool crypto_keep(qctx *x, qcdir *d, uint64_t off, const uint8_t *data, uint32_t len,
                        dx_node *owner) {
  dx_packet *p = x->p;
  uint64_t *budget = dx_packet_stream_budget(p);
  const dx_config *cfg = dx_packet_config(p);
  if (d->nchunks >= QUIC_MAX_OOO || (budget && *budget + len > cfg->max_total_stream_bytes)) {
    dx_expert(p, owner, dx_field_limit(), DX_SEV_WARN,
              "[QUIC reassembly limit reached: %u CRYPTO byte%s at offset %" PRIu64
              " beyond a gap were not kept]",
              len, len == 1 ? "" : "s", off);
    return false;
  }
  qchunk *ch = malloc(sizeof *ch + len);
  if (!ch)
    return false;
  ch->off = off;
  ch->len = len;
  ch->frame = p->num;
  memcpy(ch->data, data, len);
  qchunk **pp = &d->chunks;
  while (*pp && (*pp)->off <= off)
    pp = &(*pp)->next;
  ch->next = *pp;
  *pp = ch;
  d->nchunks++;
  if (budget)
    *budget += len;
  return true;
}

/* "[N Reassembled QUIC CRYPTO Data Fragments (B bytes): #f(len), ...]" over
 * rt, the reassembled bytes, under parent (tshark's show_fragment_tree):
 * the kept frames in offset order. */
static void crypto_fragments(qctx *x, const qcdir *d, const dx_tvb *rt, dx_node *parent) {
  dx_packet *p = x->p;
  dx_node *fl = dx_add_none(p, parent, FL(F_CFRAGMENTS), rt, 0, rt->len);
  dx_node_set_flags(fl, DX_NODE_GENERATED);
  bool label = dx_label_wanted(p, fl);
  char buf[256];
  dx_sb sb;
  dx_sb_init(&sb, buf, sizeof buf);
  if (label)
    dx_sb_printf(&sb, "%u Reassembled QUIC CRYPTO Data Fragments (%u byte%s): ", d->nchunks,
                 rt->len, rt->len == 1 ? "" : "s");
  bool full = !label;
  uint32_t i = 0;
  for (const qchunk *ch = d->chunks; ch; ch = ch->next, i++) {
    uint32_t at = (uint32_t)(ch->off - d->start);
    if (!full) {
      /* whole items only, within tshark's 240-character label */
      char item[48];
      int w = snprintf(item, sizeof item, "%s#%" PRIu64 "(%u)", i ? ", " : "", ch->frame, ch->len);
      if (w > 0 && sb.len + (size_t)w <= 239)
        dx_sb_str(&sb, item);
      else
        full = true;
    }
    dx_node *f = dx_add_uint(p, fl, FL(F_CFRAGMENT), rt, at, ch->len, ch->frame);
    dx_node_set_text(p, f, "Frame: %" PRIu64 ", payload: %u-%u (%u byte%s)", ch->frame, at,
                     at + ch->len - 1, ch->len, ch->len == 1 ? "" : "s");
    dx_node_set_flags(f, DX_NODE_GENERATED);
  }
  if (label)
    dx_node_set_text(p, fl, "%s", buf);
  dx_node *c = dx_add_uint(p, fl, FL(F_CFRAG_COUNT), rt, 0, 0, d->nchunks);
  dx_node_set_flags(c, DX_NODE_GENERATED);
}

/* The kept bytes [start, end) are all there: to TLS in one piece, from a
 * data source of their own ("Reassembled QUIC CRYPTO"), under fr. */
static void crypto_complete(qctx *x, qcdir *d, dx_node *fr) {
  dx_packet *p = x->p;
  uint64_t total = d->end - d->start;
  uint8_t *buf = total && total <= UINT32_MAX ? malloc(total) : NULL;
  if (buf) {
    for (const qchunk *ch = d->chunks; ch; ch = ch->next)
      memcpy(buf + (ch->off - d->start), ch->data, ch->len);
    dx_tvb rt =
        dx_packet_add_source_kind(p, DX_SRC_REASSEMBLED, "QUIC CRYPTO", buf, (uint32_t)total);
    free(buf);
    if (rt.len == total) {
      crypto_fragments(x, d, &rt, fr);
      crypto_tls(p, x->c, x->sender, &rt, fr);
    } else {
      dx_expert(p, fr, dx_field_limit(), DX_SEV_WARN,
                "[Too many data sources in one packet: reassembled CRYPTO data not shown]");
    }
  }
  qcdir_free(d, dx_packet_stream_budget(p));
}

/* The CRYPTO bytes [coff, coff+len) of this frame, at data_off in t, to
 * TLS as tshark 4.0 hands them (see qcdir). */
static void crypto_feed(qctx *x, dx_node *fr, const dx_tvb *t, uint32_t data_off, uint64_t coff,
                        uint32_t len) {
  dx_packet *p = x->p;
  qcdir *d = &x->c->cdir[x->level][x->sender];
  if (coff + len <= d->next) {
    /* (tshark's proto_tree_add_expert(): an item with its note under it) */
    dx_tvb none = {0};
    dx_node *it = dx_add_none(p, fr, FL(F_RETRANS), &none, 0, 0);
    dx_node_set_text(p, it, "%s", FL(F_RETRANS)->label);
    dx_expert(p, it, dx_field_expert(), DX_SEV_NOTE, "%s", FL(F_RETRANS)->label);
    return;
  }
  if (len == 0)
    return;
  uint32_t skip = 0;
  if (coff < d->next) {
    dx_expert(p, fr, FL(F_OVERLAP), DX_SEV_NOTE,
              "This QUIC frame overlaps a previous frame in the stream");
    skip = (uint32_t)(d->next - coff);
  }
  uint64_t seq = coff + skip, nxt = coff + len;
  uint32_t n = len - skip;
  if (!d->open && seq == d->next) {
    dx_tvb tt = dx_tvb_sub(t, data_off + skip, n);
    d->next = nxt;
    crypto_tls(p, x->c, x->sender, &tt, fr);
    return;
  }
  const uint8_t *data = dx_get_ptr(t, data_off + skip, n);
  if (!data || !crypto_keep(x, d, seq, data, n, fr))
    return;
  if (!d->open) { /* beyond a gap: the reassembly starts where the gap does */
    d->open = true;
    d->start = d->next;
    d->end = nxt;
    return;
  }
  if (nxt > d->end)
    d->end = nxt;
  if (seq != d->next)
    return;
  for (const qchunk *ch = d->chunks; ch; ch = ch->next) /* by offset */
    if (ch->off <= d->next && d->next < ch->off + ch->len)
      d->next = ch->off + ch->len;
  if (d->next >= d->end)
    crypto_complete(x, d, fr);
}

/* ---- frames (RFC 9000 19) --------------------------------------------------- */
static void frame_crypto(qctx *x, dx_node *fr, const dx_tvb *t, uint32_t *off) {
  dx_packet *p = x->p;
  uint64_t coff = 0, clen = 0;
  if (varint_item(x, fr, F_CRYPTO_OFF, t, off, &coff) ||
      varint_item(x, fr, F_CRYPTO_LEN, t, off, &clen))
    return;
  uint32_t avail = dx_tvb_avail(t, *off);
  if (clen > avail) {
    dx_node *d = dx_add_none(p, fr, FL(F_CRYPTO_DATA), t, *off, avail);
    dx_mark_truncated(p, d, "CRYPTO data");
    *off = t->len;
    return;
  }
  dx_add_none(p, fr, FL(F_CRYPTO_DATA), t, *off, (uint32_t)clen);
  info_add(x, ", CRYPTO");
  if (x->c && x->sender >= 0 && x->c->tls)
    crypto_feed(x, fr, t, *off, coff, (uint32_t)clen);
  *off += (uint32_t)clen;
}

/* tn: the frame's Frame Type item, which holds the type's flag bits (as
 * tshark's tree) */
static void frame_stream(qctx *x, dx_node *fr, dx_node *tn, const dx_tvb *t, uint32_t *off,
                         uint64_t type, uint32_t fstart) {
  dx_packet *p = x->p;
  uint8_t tb = (uint8_t)type;
  dx_tvb tt = dx_tvb_sub(t, fstart, 1);
  dx_add_uint(p, tn, FL(F_STREAM_FIN), &tt, 0, 1, tb & 1);
  dx_add_uint(p, tn, FL(F_STREAM_LENBIT), &tt, 0, 1, (tb >> 1) & 1);
  dx_add_uint(p, tn, FL(F_STREAM_OFFBIT), &tt, 0, 1, (tb >> 2) & 1);
  uint64_t id = 0, soff = 0, slen = 0;
  uint32_t idoff = *off;
  if (varint_item(x, fr, F_STREAM_ID, t, off, &id))
    return;
  dx_node *idn = fr->last_child;
  dx_add_uint(p, idn, FL(F_STREAM_INIT), t, idoff, *off - idoff, id & 1);
  dx_add_uint(p, idn, FL(F_STREAM_DIR), t, idoff, *off - idoff, (id >> 1) & 1);
  if ((tb & 4) && varint_item(x, fr, F_STREAM_OFF, t, off, &soff))
    return;
  if (tb & 2) {
    if (varint_item(x, fr, F_STREAM_LEN, t, off, &slen))
      return;
  } else {
    slen = dx_tvb_avail(t, *off);
  }
  uint32_t avail = dx_tvb_avail(t, *off);
  bool cut = slen > avail;
  if (cut)
    slen = avail;
  dx_node_set_text(p, fr,
                   "STREAM id=%" PRIu64 " fin=%u off=%" PRIu64 " len=%" PRIu64 " dir=%s origin=%s",
                   id, tb & 1, soff, slen, id & 2 ? "Unidirectional" : "Bidirectional",
                   id & 1 ? "Server-initiated" : "Client-initiated");
  /* as tshark, also when empty ("Stream Data: <MISSING>": a FIN alone) */
  dx_add_bytes(p, fr, FL(F_STREAM_DATA), t, *off, (uint32_t)slen);
  if (cut) {
    dx_mark_truncated(p, fr, "STREAM data");
    *off = t->len;
    return;
  }
  info_add(x, ", STREAM(%" PRIu64 ")", id);
  if (x->c && x->sender >= 0 && x->level == SP_APP) {
    bool closed = false;
    qstream *s = stream_get(x, id, fr, &closed);
    if (closed && slen)
      dx_expert(p, fr, FL(F_RETRANS), DX_SEV_NOTE,
                "This QUIC frame has a reused stream offset (retransmission?): the stream had "
                "already ended");
    if (s) {
      qdir *d = &s->d[x->sender];
      if (tb & 1) {
        d->fin = true;
        d->fin_off = soff + slen;
      }
      dx_node *parent = x->pkt ? x->pkt->parent : NULL;
      if (!s->bs.alpn && x->c->alpn[0])
        s->bs.alpn = x->c->alpn; /* the stream began before the ALPN was known */
      /* the UDP flow of this packet: the one the stream began on may have
       * been released (idle, migration) while the connection lives on */
      s->bs.flow = dx_flow_find(p, &(int){0});
      if (slen && !qdir_feed(x, d, &s->bs, x->sender, soff, t, *off, (uint32_t)slen, fr,
                             parent ? parent : fr))
        dx_expert(p, fr, FL(F_RETRANS), DX_SEV_NOTE,
                  "This QUIC frame has a reused stream offset (retransmission?): its bytes "
                  "were dissected when they first came");
      if (p->col_proto && strcmp(p->col_proto, "HTTP3") == 0)
        x->http3_seen = true;
      stream_maybe_close(x, s);
    }
  }
  *off += (uint32_t)slen;
}

/* ACK (0x02), ACK_ECN (0x03) and the multipath draft's MP_ACK (0x42) and
 * MP_ACK_ECN (0x43), which start with a Uniflow ID. As tshark 4.0, an
 * MP_ACK_ECN's ECN counts are not read (they then read as frames). */
static void frame_ack(qctx *x, dx_node *fr, const dx_tvb *t, uint32_t *off, uint64_t type) {
  bool ecn = type == 0x03, mp = type >= 0x40;
  uint64_t count = 0;
  if (mp && varint_item(x, fr, F_MP_UNIFLOW, t, off, NULL))
    return;
  if (varint_item(x, fr, F_ACK_LARGEST, t, off, NULL) ||
      varint_item(x, fr, F_ACK_DELAY, t, off, NULL) ||
      varint_item(x, fr, F_ACK_COUNT, t, off, &count) ||
      varint_item(x, fr, F_ACK_FIRST, t, off, NULL))
    return;
  for (uint64_t i = 0; i < count; i++) {
    if (i >= 4096 || *off >= t->len) {
      dx_mark_malformed(x->p, fr, "ACK Range Count %" PRIu64 " exceeds the frame", count);
      *off = t->len;
      return;
    }
    if (varint_item(x, fr, F_ACK_GAP, t, off, NULL) ||
        varint_item(x, fr, F_ACK_RANGE, t, off, NULL))
      return;
  }
  if (ecn) {
    if (varint_item(x, fr, F_ACK_ECT0, t, off, NULL) ||
        varint_item(x, fr, F_ACK_ECT1, t, off, NULL) || varint_item(x, fr, F_ACK_CE, t, off, NULL))
      return;
  }
  info_add(x, ", %sACK%s", mp ? "MP_" : "", type & 1 ? "_ECN" : "");
}

/* NEW_CONNECTION_ID (0x18), or MP_NEW_CONNECTION_ID (0x40, a Uniflow ID
 * first) */
static void frame_new_cid(qctx *x, dx_node *fr, const dx_tvb *t, uint32_t *off, bool mp) {
  dx_packet *p = x->p;
  uint8_t len = 0;
  if (mp && varint_item(x, fr, F_MP_UNIFLOW, t, off, NULL))
    return;
  if (varint_item(x, fr, F_NCI_SEQ, t, off, NULL) || varint_item(x, fr, F_NCI_RETIRE, t, off, NULL))
    return;
  dx_node *ln = dx_add_item(p, fr, FL(F_NCI_LEN), t, *off, 1);
  if (!dx_node_ok(ln))
    return;
  dx_get_u8(t, *off, &len);
  *off += 1;
  if (len < 1 || len > 20)
    dx_mark_malformed(p, ln, "Connection ID Length %u is not in 1..20", len);
  dx_node *cn = dx_add_item(p, fr, FL(F_NCI_CID), t, *off, len);
  bool cn_ok = dx_node_ok(cn); /* before cid_add() may add nodes */
  const uint8_t *cid = dx_get_ptr(t, *off, len);
  if (cid && x->c && x->sender >= 0 && len >= 1 && len <= 20)
    cid_add(p, x->st, x->c, cid, len, (uint8_t)x->sender, fr);
  *off += len;
  if (!cn_ok)
    return;
  dx_add_item(p, fr, FL(F_NCI_SRT), t, *off, 16);
  *off += 16;
  info_add(x, mp ? ", MP_NCI" : ", NCI");
}

/* A one-byte field whose item is a 64-bit number (as tshark's). */
static int byte_item(qctx *x, dx_node *parent, int f, const dx_tvb *t, uint32_t *off,
                     uint8_t *out) {
  uint8_t b = 0;
  if (!dx_get_u8(t, *off, &b)) {
    dx_node *tn = dx_add_none(x->p, parent, FL(f), t, *off, 0);
    dx_mark_truncated(x->p, tn, FL(f)->label);
    return -1;
  }
  dx_add_uint(x->p, parent, FL(f), t, *off, 1, b);
  *off += 1;
  if (out)
    *out = b;
  return 0;
}

/* ACK_FREQUENCY (draft-ietf-quic-ack-frequency-01 3): sequence number,
 * threshold, requested max_ack_delay, then a byte of flags. */
static void frame_ack_frequency(qctx *x, dx_node *fr, const dx_tvb *t, uint32_t *off) {
  dx_packet *p = x->p;
  info_add(x, ", AF");
  if (varint_item(x, fr, F_AF_SEQ, t, off, NULL) || varint_item(x, fr, F_AF_THRESH, t, off, NULL) ||
      varint_item(x, fr, F_AF_DELAY, t, off, NULL))
    return;
  uint8_t b = 0;
  dx_node *lb = dx_add_item(p, fr, FL(F_AF_LAST), t, *off, 1);
  if (!dx_node_ok(lb) || !dx_get_u8(t, *off, &b))
    return;
  /* tshark's bitmask label: the flags set, by name */
  dx_node_set_text(p, lb, "Last Byte: 0x%02x%s%s", b, b & 1 ? ", Ignore CE" : "",
                   b & 2 ? ", Ignore Order" : "");
  dx_add_item(p, lb, FL(F_AF_RES), t, *off, 1);
  dx_add_item(p, lb, FL(F_AF_ICE), t, *off, 1);
  dx_add_item(p, lb, FL(F_AF_IORDER), t, *off, 1);
  *off += 1;
}

/* ADD_ADDRESS (0x44) of draft-ietf-quic-multipath-00 as tshark 4.0 reads
 * it: a config byte, address id, sequence number, interface type, the
 * address (IPv6 when both bits 0x06 are set) and the port if bit 0x10. */
static void frame_add_address(qctx *x, dx_node *fr, const dx_tvb *t, uint32_t *off) {
  dx_packet *p = x->p;
  info_add(x, ", ADD_ADDRESS");
  uint8_t cfg = 0;
  dx_node *cn = dx_add_item(p, fr, FL(F_MP_FIRST), t, *off, 1);
  if (!dx_node_ok(cn) || !dx_get_u8(t, *off, &cfg))
    return;
  dx_node_set_text(p, cn, "Config: 0x%02x%s", cfg, cfg & 0x10 ? ", Port presence" : "");
  dx_add_item(p, cn, FL(F_MP_RES), t, *off, 1);
  dx_add_item(p, cn, FL(F_MP_PORTBIT), t, *off, 1);
  dx_add_item(p, cn, FL(F_MP_IPVER), t, *off, 1);
  *off += 1;
  if (byte_item(x, fr, F_MP_ADDR_ID, t, off, NULL) || varint_item(x, fr, F_MP_SEQ, t, off, NULL) ||
      byte_item(x, fr, F_MP_IFTYPE, t, off, NULL))
    return;
  bool v6 = (cfg & 0x06) == 0x06;
  dx_node *an = dx_add_item(p, fr, FL(v6 ? F_MP_IP6 : F_MP_IP4), t, *off, v6 ? 16 : 4);
  if (!dx_node_ok(an))
    return;
  *off += v6 ? 16 : 4;
  if (cfg & 0x10) {
    dx_node *pn = dx_add_item(p, fr, FL(F_MP_PORT), t, *off, 2);
    if (dx_node_ok(pn))
      *off += 2;
  }
}

/* UNIFLOWS (0x46): a sequence number, the numbers of receiving and active
 * sending uniflows, then each one's id and local address id. */
static void frame_uniflows(qctx *x, dx_node *fr, const dx_tvb *t, uint32_t *off) {
  dx_packet *p = x->p;
  info_add(x, ", UNIFLOWS");
  uint64_t nrecv = 0, nsend = 0;
  if (varint_item(x, fr, F_MP_SEQ, t, off, NULL) || varint_item(x, fr, F_MP_RECV, t, off, &nrecv) ||
      varint_item(x, fr, F_MP_ACTSEND, t, off, &nsend))
    return;
  for (int k = 0; k < 2; k++) {
    uint64_t n = k ? nsend : nrecv;
    dx_node *sec = dx_add_none(p, fr, FL(k ? F_MP_ACTSEND_SEC : F_MP_RECV_SEC), t, *off, 1);
    for (uint64_t i = 0; i < n; i++) {
      if (*off >= t->len) {
        dx_mark_malformed(p, sec, "%" PRIu64 " uniflows exceed the frame", n);
        *off = t->len;
        return;
      }
      dx_node *u = dx_add_none(p, sec, FL(F_MP_UF_SEC), t, *off, 1);
      if (varint_item(x, u, F_MP_UNIFLOW, t, off, NULL) ||
          byte_item(x, u, F_MP_LOCAL_ID, t, off, NULL))
        return;
    }
  }
}

static void frame_close(qctx *x, dx_node *fr, const dx_tvb *t, uint32_t *off, bool app) {
  dx_packet *p = x->p;
  uint64_t rlen = 0, err = 0;
  if (varint_item(x, fr, app ? F_CC_APPERR : F_CC_ERR, t, off, &err))
    return;
  /* tshark's frame line names the error */
  if (app) {
    dx_node_append_text(p, fr, " Error code: %#" PRIx64, err);
  } else {
    const char *en = dx_val_name(cc_err_vals, err);
    dx_node_append_text(p, fr, " Error code: %s",
                        en                             ? en
                        : err >= 0x100 && err <= 0x1ff ? "CRYPTO_ERROR"
                                                       : "Unknown");
  }
  if (!app && varint_item(x, fr, F_CC_FTYPE, t, off, NULL))
    return;
  if (varint_item(x, fr, F_CC_REASON_LEN, t, off, &rlen))
    return;
  uint32_t avail = dx_tvb_avail(t, *off);
  if (rlen > avail) {
    dx_node *r = dx_add_none(p, fr, FL(F_CC_REASON), t, *off, avail);
    dx_mark_truncated(p, r, "reason phrase");
    *off = t->len;
    return;
  }
  dx_add_item(p, fr, FL(F_CC_REASON), t, *off, (uint32_t)rlen); /* empty too, as tshark */
  *off += (uint32_t)rlen;
  info_add(x, ", CC");
}

static void frames(qctx *x, const dx_tvb *t, dx_node *parent) {
  dx_packet *p = x->p;
  uint32_t off = 0;
  for (unsigned i = 0; off < t->len && i < 65536; i++) {
    uint32_t start = off;
    uint64_t type = 0;
    uint32_t n = 0;
    if (!dx_quic_varint(t, off, &type, &n)) {
      dx_node *fr = dx_add_none(p, parent, FL(F_FRAME), t, off, t->len - off);
      dx_mark_truncated(p, fr, "frame type");
      return;
    }
    if (type == 0) { /* a run of PADDING is one frame */
      /* from after the type: a type 0 of more than one byte (40 00, ...)
       * made no progress here, and every byte of its packet then became
       * a PADDING frame of length 0, up to the 65536 frames of the loop */
      uint32_t e = off + n;
      uint8_t b = 0;
      while (e < t->len && dx_get_u8(t, e, &b) && b == 0)
        e++;
      dx_node *fr = dx_add_none(p, parent, FL(F_FRAME), t, off, e - off);
      dx_node_set_text(p, fr, "PADDING Length: %u", e - off);
      dx_node *tn = dx_add_uint(p, fr, FL(F_FTYPE), t, off, n, 0);
      dx_node_set_text(p, tn, "Frame Type: PADDING (0x%016x)", 0);
      dx_node *pn = dx_add_uint(p, fr, FL(F_PADLEN), t, off, e - off, e - off);
      dx_node_set_flags(pn, DX_NODE_GENERATED);
      info_add(x, ", PADDING");
      off = e;
      continue;
    }
    dx_node *fr = dx_add_none(p, parent, FL(F_FRAME), t, off, 0);
    const char *name = dx_val_name(ftype_vals, type);
    dx_node_set_text(p, fr, "%s", name ? name : "Unknown");
    dx_node *tn = dx_add_uint(p, fr, FL(F_FTYPE), t, off, n, type);
    dx_node_set_text(p, tn, "Frame Type: %s (0x%016" PRIx64 ")", name ? name : "Unknown", type);
    off += n;
    switch (type) {
    case 0x01: info_add(x, ", PING"); break;
    case 0x02:
    case 0x03:
    case 0x42:
    case 0x43: frame_ack(x, fr, t, &off, type); break;
    case 0x04:
    case 0x05: {
      /* tshark: "RESET_STREAM id=4 Error code: 0x10c", Info ", RS(4)" */
      uint64_t id = 0, err = 0;
      bool rs = type == 0x04;
      info_add(x, rs ? ", RS" : ", SS");
      if (varint_item(x, fr, rs ? F_RS_ID : F_SS_ID, t, &off, &id))
        break;
      dx_node_append_text(p, fr, " id=%" PRIu64, id);
      info_add(x, "(%" PRIu64 ")", id);
      if (varint_item(x, fr, rs ? F_RS_ERR : F_SS_ERR, t, &off, &err))
        break;
      if (rs)
        varint_item(x, fr, F_RS_FINAL, t, &off, NULL);
      dx_node_append_text(p, fr, " Error code: %#" PRIx64, err);
      break;
    }
    case 0x06: frame_crypto(x, fr, t, &off); break;
    case 0x07: {
      uint64_t len = 0;
      if (!varint_item(x, fr, F_NT_LEN, t, &off, &len)) {
        dx_node *tk =
            dx_add_item(p, fr, FL(F_NT_TOKEN), t, off, (uint32_t)(len < t->len ? len : t->len));
        off = dx_node_ok(tk) && len <= t->len - off ? off + (uint32_t)len : t->len;
      }
      info_add(x, ", NT");
      break;
    }
    case 0x08:
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x0e:
    case 0x0f: frame_stream(x, fr, tn, t, &off, type, start); break;
    case 0x10:
      varint_item(x, fr, F_MD, t, &off, NULL);
      info_add(x, ", MD");
      break;
    case 0x11:
    case 0x15: {
      uint64_t id = 0;
      bool msd = type == 0x11;
      info_add(x, msd ? ", MSD" : ", SDB");
      if (varint_item(x, fr, msd ? F_MSD_ID : F_SDB_ID, t, &off, &id))
        break;
      dx_node_append_text(p, fr, " id=%" PRIu64, id);
      info_add(x, "(%" PRIu64 ")", id);
      varint_item(x, fr, msd ? F_MSD : F_DB, t, &off, NULL);
      break;
    }
    case 0x12:
    case 0x13:
      varint_item(x, fr, F_MS, t, &off, NULL);
      info_add(x, ", MS");
      break;
    case 0x14:
      varint_item(x, fr, F_DB, t, &off, NULL);
      info_add(x, ", DB");
      break;
    case 0x16:
    case 0x17:
      varint_item(x, fr, F_SB, t, &off, NULL);
      info_add(x, ", SB");
      break;
    case 0x18:
    case 0x40: frame_new_cid(x, fr, t, &off, type == 0x40); break;
    case 0x19:
    case 0x41:
      if (type == 0x41 && varint_item(x, fr, F_MP_UNIFLOW, t, &off, NULL))
        break;
      varint_item(x, fr, F_RCI_SEQ, t, &off, NULL);
      info_add(x, type == 0x41 ? ", MP_RC" : ", RC");
      break;
    case 0x44: frame_add_address(x, fr, t, &off); break;
    case 0x45:
      info_add(x, ", REMOVE_ADDRESS");
      if (!byte_item(x, fr, F_MP_ADDR_ID, t, &off, NULL))
        varint_item(x, fr, F_MP_SEQ, t, &off, NULL);
      break;
    case 0x46: frame_uniflows(x, fr, t, &off); break;
    case 0xac: info_add(x, ", IA"); break;
    case 0xaf: frame_ack_frequency(x, fr, t, &off); break;
    case 0x2f5:
      info_add(x, ", TS");
      varint_item(x, fr, F_TS, t, &off, NULL);
      break;
    case 0x1a:
    case 0x1b: {
      dx_node *d = dx_add_item(p, fr, FL(type == 0x1a ? F_PC_DATA : F_PR_DATA), t, off, 8);
      off = dx_node_ok(d) ? off + 8 : t->len;
      info_add(x, type == 0x1a ? ", PC" : ", PR");
      break;
    }
    case 0x1c:
    case 0x1d: frame_close(x, fr, t, &off, type == 0x1d); break;
    case 0x1e: info_add(x, ", DONE"); break;
    case 0x30:
    case 0x31: {
      uint64_t len = t->len - off;
      if (type == 0x31 && varint_item(x, fr, F_DG_LEN, t, &off, &len))
        break;
      if (len > dx_tvb_avail(t, off)) {
        dx_node *d = dx_add_none(p, fr, FL(F_DG), t, off, dx_tvb_avail(t, off));
        dx_mark_truncated(p, d, "DATAGRAM data");
        off = t->len;
      } else {
        dx_add_bytes(p, fr, FL(F_DG), t, off, (uint32_t)len);
        off += (uint32_t)len;
      }
      info_add(x, ", DG");
      break;
    }
    default:
      /* as tshark 4.0: the frame is its type alone, and what follows is
       * read as the next frames (its length is unknown) */
      dx_expert(p, fr, FL(F_FT_UNKNOWN), DX_SEV_NOTE, "Unknown Frame Type 0x%" PRIx64, type);
      break;
    }
    dx_node_set_len(fr, (off > t->len ? t->len : off) - start);
  }
}

/* ---- gQUIC frames (Q050, T050, T051) -------------------------------------------
 * Google's versions with IETF QUIC's long header carry gQUIC's frames
 * (draft-ietf-quic-... never described them; tshark 4.0 reads them with
 * packet-gquic.c's dissect_gquic_frame_type). Here they are walked to find
 * the CRYPTO frames (type 0x08: varint offset and length, as IETF QUIC's):
 * T050 and T051 carry TLS 1.3 in them, handed to TLS as IETF QUIC's CRYPTO
 * data; Q050 carries gQUIC's own handshake messages (CHLO tags), not
 * decoded. The frames themselves get no items yet (tshark's gquic.*). */
static uint32_t gquic_len_code(unsigned code) { /* 1, 2, 4 or 6 bytes */
  static const uint8_t n[4] = {1, 2, 4, 6};
  return n[code & 3];
}

static void gquic_frames(qctx *x, const dx_tvb *t, dx_node *parent, unsigned pnlen) {
  uint32_t off = 0;
  bool tls = x->c && x->c->version != Q050;
  for (unsigned i = 0; off < t->len && i < 65536; i++) {
    uint8_t ft = 0, b = 0;
    uint16_t w = 0;
    dx_get_u8(t, off, &ft);
    off++;
    if (ft == 0x08) { /* CRYPTO */
      uint64_t coff = 0, clen = 0;
      uint32_t n1 = 0, n2 = 0;
      if (!dx_quic_varint(t, off, &coff, &n1) || !dx_quic_varint(t, off + n1, &clen, &n2))
        return;
      off += n1 + n2;
      if (clen > dx_tvb_avail(t, off))
        return;
      info_add(x, ", CRYPTO");
      if (tls && x->sender >= 0 && x->c->tls)
        crypto_feed(x, parent, t, off, coff, (uint32_t)clen);
      off += (uint32_t)clen;
    } else if (ft & 0x80) { /* STREAM: F, D, offset length, id length */
      unsigned oc = (ft >> 2) & 7;
      uint32_t idl = (ft & 3) + 1u, offl = oc ? oc + 1u : 0;
      off += idl + offl;
      if (ft & 0x20) {
        if (!dx_get_u16(t, off, &w))
          return;
        off += 2u + w;
      } else {
        off = t->len;
      }
    } else if (ft & 0x40) { /* ACK (since Q034) */
      uint32_t mm = gquic_len_code(ft), nblocks = 0;
      off += gquic_len_code(ft >> 2) + 2;
      if (ft & 0x20) {
        if (!dx_get_u8(t, off, &b))
          return;
        nblocks = b;
        off++;
      }
      off += mm + nblocks * (1 + mm);
      if (!dx_get_u8(t, off, &b))
        return;
      off++;
      if (b)
        off += 5 + (b - 1u) * 3;
    } else if (ft & 0xe0) {
      /* no known type: tshark steps over its byte */
    } else {
      switch (ft) {
      case 0x00: off = t->len; break; /* PADDING: the rest */
      case 0x01: off += 16; break;    /* RST_STREAM */
      case 0x02:                      /* CONNECTION_CLOSE */
      case 0x03:                      /* GOAWAY */
        off += ft == 0x02 ? 4 : 8;
        if (!dx_get_u16(t, off, &w))
          return;
        off += 2u + w;
        break;
      case 0x04: off += 12; break;    /* WINDOW_UPDATE */
      case 0x05: off += 4; break;     /* BLOCKED */
      case 0x06: off += pnlen; break; /* STOP_WAITING */
      default: break;                 /* PING and others: the type alone */
      }
    }
  }
}

/* ---- keys for a packet ------------------------------------------------------ */
static const char *why_text(int why) {
  switch (why) {
  case 1: return "not decrypted: no key log given (--keylog FILE, or SSLKEYLOGFILE)";
  case 2: return "not decrypted: the key log has no secret for this connection's client random";
  case 3:
    return "not decrypted: the handshake (the client's Initial with its ClientHello) is not in "
           "the capture";
  case 4: return "not decrypted: the cipher suite is not known yet (no ServerHello seen)";
  case 5: return "not decrypted: key derivation failed";
  default: return "not decrypted: no connection state";
  }
}

static int secret_keys(qctx *x, int label, qkeys *k) {
  qconn *c = x->c;
  struct dx_keylog *kl = dx_packet_keylog(x->p);
  if (!kl)
    return 1;
  uint8_t cr[32];
  if (!dx_tls_quic_client_random(c->tls, cr))
    return 3;
  uint16_t suite = dx_tls_quic_suite(c->tls);
  uint8_t sec[DX_KL_MAX_SECRET];
  size_t n = dx_packet_keylog_find(x->p, label, cr, 32, sec, sizeof sec);
  if (n == 0)
    return 2;
  if (label == DX_KL_CLIENT_EARLY_TRAFFIC_SECRET && !suite)
    suite = n == 48 ? 0x1302 : 0x1301;
  if (!suite)
    return 4;
  bool ok = keys_from_secret(k, suite, sec, n, versions[c->vi].label_prefix);
  OPENSSL_cleanse(sec, sizeof sec);
  return ok ? 0 : 5;
}

/* The keys for a packet of this type from this sender, or NULL with *why. */
static qkeys *packet_keys(qctx *x, int type, const uint8_t *dcid, uint8_t dcid_len, int *why) {
  qconn *c = x->c;
  int s = x->sender;
  *why = 0;
  if (!c || s < 0)
    return NULL;
  switch (type) {
  case T_INITIAL:
    if (s == 0 && dcid_len && dcid_len <= sizeof c->init_dcid &&
        (c->init_dcid_len == 0 ||
         (c->retry_scid_len && dcid_len == c->retry_scid_len &&
          memcmp(dcid, c->retry_scid, dcid_len) == 0 &&
          (dcid_len != c->init_dcid_len || memcmp(dcid, c->init_dcid, dcid_len))))) {
      /* the client's (first, or after a Retry) Destination Connection ID */
      memcpy(c->init_dcid, dcid, dcid_len);
      c->init_dcid_len = dcid_len;
      c->initial[0].ok = c->initial[1].ok = false;
      if (!initial_secret(c->vi, dcid, dcid_len, 0, &c->initial[0]) ||
          !initial_secret(c->vi, dcid, dcid_len, 1, &c->initial[1]))
        *why = 5;
    }
    if (!c->initial[s].ok && !*why)
      *why = 3;
    return c->initial[s].ok ? &c->initial[s] : NULL;
  case T_HANDSHAKE:
    if (!c->handshake[s].ok && !c->hs_tried[s]) {
      int w = secret_keys(
          x, s ? DX_KL_SERVER_HANDSHAKE_TRAFFIC_SECRET : DX_KL_CLIENT_HANDSHAKE_TRAFFIC_SECRET,
          &c->handshake[s]);
      if (w != 4)
        c->hs_tried[s] = true;
      c->why_hs = w;
    }
    *why = c->why_hs;
    return c->handshake[s].ok ? &c->handshake[s] : NULL;
  case T_0RTT:
    if (!c->zerortt.ok && !c->zerortt_tried) {
      c->zerortt_tried = true;
      *why = secret_keys(x, DX_KL_CLIENT_EARLY_TRAFFIC_SECRET, &c->zerortt);
    }
    if (!c->zerortt.ok && !*why)
      *why = dx_packet_keylog(x->p) ? 2 : 1;
    return c->zerortt.ok ? &c->zerortt : NULL;
  default:
    if (!c->app[s][0].ok && !c->app_tried[s]) {
      int w = secret_keys(x, s ? DX_KL_SERVER_TRAFFIC_SECRET_0 : DX_KL_CLIENT_TRAFFIC_SECRET_0,
                          &c->app[s][0]);
      if (w != 4)
        c->app_tried[s] = true;
      c->why_app = w;
      c->app_phase[s] = 0;
    }
    *why = c->why_app;
    return c->app[s][c->app_phase[s]].ok ? &c->app[s][c->app_phase[s]] : NULL;
  }
}

/* ---- one QUIC packet ------------------------------------------------------- */
/* tshark's "QUIC Connection information" (a text item, not generated),
 * first in the packet's tree; returns it (NULL: none). */
static dx_node *conn_info(qctx *x, dx_node *q, const dx_tvb *t, uint32_t off) {
  if (!x->c || !x->first_in_dgram) /* as tshark: once per datagram */
    return NULL;
  dx_node *ci = dx_add_none(x->p, q, FL(F_CONNINFO), t, off, 0);
  dx_node *cn = dx_add_uint(x->p, ci, FL(F_CONNNUM), t, off, 0, x->c->number);
  dx_node_set_flags(cn, DX_NODE_GENERATED);
  dx_node_move_after(x->p, ci, NULL);
  return ci;
}

const char *dx_quic_version_name(uint32_t v) {
  static const struct {
    uint32_t lo, hi;
    const char *name;
  } r[] = {{0x00000000, 0x00000000, "Version Negotiation"},
           {0x00000001, 0x00000001, "1"},
           {0x45474700, 0x454747ff, "Quant"},
           {0x50435130, 0x50435131, "Picoquic internal"},
           {0x50524f58, 0x50524f58, "Proxied QUIC (PROX)"},
           {0x51303433, 0x51303433, "Google Q043"},
           {0x51303434, 0x51303434, "Google Q044"},
           {0x51303436, 0x51303436, "Google Q046"},
           {0x51303530, 0x51303530, "Google Q050"},
           {0x51474f00, 0x51474fff, "QGO (QUIC GO)"},
           {0x54303530, 0x54303530, "Google T050"},
           {0x54303531, 0x54303531, "Google T051"},
           {0x91c17000, 0x91c170ff, "Quicly"},
           {0xabcd0000, 0xabcd000f, "MsQuic"},
           {0xf0f0f0f0, 0xf0f0f0ff, "ETH Z\xc3\xbcrich (Measurability experiments)"},
           {0xf0f0f1f0, 0xf0f0f1ff, "Telecom Italia (Measurability experiments)"},
           {0xf123f0c0, 0xf123f0cf, "MozQuic"},
           {0xfaceb001, 0xfaceb001, "Facebook mvfst (draft-22)"},
           {0xfaceb002, 0xfaceb002, "Facebook mvfst (draft-27)"},
           {0xfaceb003, 0xfaceb00d, "Facebook mvfst"},
           {0xfaceb00e, 0xfaceb00e, "Facebook mvfst (Experimental)"},
           {0xfaceb00f, 0xfaceb00f, "Facebook mvfst"},
           {0xff000004, 0xff000004, "draft-04"},
           {0xff000005, 0xff000005, "draft-05"},
           {0xff000006, 0xff000006, "draft-06"},
           {0xff000007, 0xff000007, "draft-07"},
           {0xff000008, 0xff000008, "draft-08"},
           {0xff000009, 0xff000009, "draft-09"},
           {0xff00000a, 0xff00000a, "draft-10"},
           {0xff00000b, 0xff00000b, "draft-11"},
           {0xff00000c, 0xff00000c, "draft-12"},
           {0xff00000d, 0xff00000d, "draft-13"},
           {0xff00000e, 0xff00000e, "draft-14"},
           {0xff00000f, 0xff00000f, "draft-15"},
           {0xff000010, 0xff000010, "draft-16"},
           {0xff000011, 0xff000011, "draft-17"},
           {0xff000012, 0xff000012, "draft-18"},
           {0xff000013, 0xff000013, "draft-19"},
           {0xff000014, 0xff000014, "draft-20"},
           {0xff000015, 0xff000015, "draft-21"},
           {0xff000016, 0xff000016, "draft-22"},
           {0xff000017, 0xff000017, "draft-23"},
           {0xff000018, 0xff000018, "draft-24"},
           {0xff000019, 0xff000019, "draft-25"},
           {0xff00001a, 0xff00001a, "draft-26"},
           {0xff00001b, 0xff00001b, "draft-27"},
           {0xff00001c, 0xff00001c, "draft-28"},
           {0xff00001d, 0xff00001d, "draft-29"},
           {0xff00001e, 0xff00001e, "draft-30"},
           {0xff00001f, 0xff00001f, "draft-31"},
           {0xff000020, 0xff000020, "draft-32"},
           {0xff000021, 0xff000021, "draft-33"},
           {0xff000022, 0xff000022, "draft-34"},
           {0xff020000, 0xff020000, "v2-draft-00"},
           {0x709a50c4, 0x709a50c4, "v2-draft-01"}};
  for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
    if (v >= r[i].lo && v <= r[i].hi)
      return r[i].name;
  return "Unknown";
}

/* A version item labelled as tshark labels it: "1 (0x00000001)", a
 * reserved 0x?a?a?a?a one (RFC 9000 15) said to force a version negotiation
 * in a header, GREASE in a list of supported versions. */
static void version_item(dx_packet *p, dx_node *parent, int fi, const dx_tvb *t, uint32_t off) {
  dx_node *n = dx_add_item(p, parent, FL(fi), t, off, 4);
  uint32_t v = 0;
  if (n && dx_get_u32(t, off, &v))
    dx_node_set_text(p, n, "%s: %s (0x%08x)%s", quic_fields[fi].label, dx_quic_version_name(v), v,
                     (v & 0x0f0f0f0fu) != 0x0a0a0a0au ? ""
                     : fi == F_VERSION                ? " (Forcing Version Negotiation)"
                                                      : " (GREASE)");
}

static void hexid(char *out, size_t cap, const uint8_t *b, uint32_t n) {
  size_t k = 0;
  out[0] = 0;
  for (uint32_t i = 0; i < n && k + 3 <= cap; i++)
    k += (size_t)snprintf(out + k, cap - k, "%02x", b[i]);
}

/* Header protection removed and payload decrypted (RFC 9001 5.3, 5.4). */
typedef struct qopen {
  bool hp_ok; /* the header fields below are known */
  bool ok;    /* the payload was decrypted */
  uint8_t first;
  unsigned pnlen;
  uint64_t pn;
  const uint8_t *pt; /* plaintext (arena), ptlen bytes */
  uint32_t ptlen, ctlen;
  const char *err;
} qopen;

static void unprotect(qctx *x, const dx_tvb *t, uint32_t start, uint32_t pn_off, uint32_t end,
                      int type, qkeys *k, bool is_long, qopen *o) {
  dx_packet *p = x->p;
  memset(o, 0, sizeof *o);
  const uint8_t *hdr = dx_get_ptr(t, start, end - start);
  if (!hdr || pn_off + 4 + 16 > end) {
    o->err = "packet too short for header protection (RFC 9001 5.4.2)";
    return;
  }
  uint8_t mask[5];
  if (!hp_mask(k, hdr + (pn_off - start) + 4, mask)) {
    o->err = "header protection could not be removed";
    return;
  }
  uint8_t first = hdr[0] ^ (mask[0] & (is_long ? 0x0f : 0x1f));
  unsigned pnlen = (first & 3) + 1;
  uint64_t trunc = 0;
  uint32_t hlen = pn_off - start + pnlen;
  uint8_t *aad = dx_arena_alloc(&p->arena, hlen);
  if (!aad)
    return;
  memcpy(aad, hdr, hlen);
  aad[0] = first;
  for (unsigned i = 0; i < pnlen; i++) {
    aad[pn_off - start + i] ^= mask[1 + i];
    trunc = trunc << 8 | aad[pn_off - start + i];
  }
  int space = type == T_INITIAL ? SP_INITIAL : type == T_HANDSHAKE ? SP_HANDSHAKE : SP_APP;
  uint64_t *largest = &x->c->largest[space][x->sender];
  uint64_t pn = pn_decode(*largest, trunc, pnlen * 8);
  o->hp_ok = true;
  o->first = first;
  o->pn = pn;
  o->pnlen = pnlen;
  uint32_t ctlen = end - pn_off - pnlen;
  o->ctlen = ctlen;
  if (ctlen < 16) {
    o->err = "payload shorter than the AEAD tag";
    return;
  }
  const uint8_t *ct = hdr + hlen;
  uint8_t *pt = dx_arena_alloc(&p->arena, ctlen);
  bool ok = pt && aead_open(k, pn, aad, hlen, ct, ctlen, pt);
  if (!ok && type == T_SHORT && pt) {
    /* a key update (RFC 9001 6): try the next generation of keys */
    int s = x->sender;
    unsigned kp = (first >> 2) & 1;
    qconn *c = x->c;
    if (kp != c->app_phase[s]) {
      qkeys next;
      if (keys_update(&c->app[s][c->app_phase[s]], &next, versions[c->vi].label_prefix,
                      draft_of(c->version) && draft_of(c->version) <= 23) &&
          aead_open(&next, pn, aad, hlen, ct, ctlen, pt)) {
        ok = true;
        c->app[s][kp] = next;
        c->app_phase[s] = (uint8_t)kp;
      }
      OPENSSL_cleanse(&next, sizeof next);
    }
  }
  if (!ok) {
    o->err = "Decryption (packet protection) failed: authentication tag mismatch (wrong key "
             "or damaged packet)";
    return;
  }
  if (pn + 1 > *largest)
    *largest = pn + 1;
  o->ok = true;
  o->pt = pt;
  o->ptlen = ctlen - 16;
}

/* The payload of a packet: decrypted frames, or why it is not. */
static void payload(qctx *x, dx_node *q, const dx_tvb *t, uint32_t poff, uint32_t end, int type,
                    const qopen *o, int why) {
  dx_packet *p = x->p;
  if (!o || !o->ok) {
    /* as tshark: a long header packet without keys gets its expert
     * warning; every undecrypted packet says why in quic.decryption */
    bool note = type != T_SHORT;
    if (type == T_SHORT && x->c && !x->c->short_fail_noted) {
      /* tshark reports the missing 1-RTT secrets once per connection */
      note = true;
      x->c->short_fail_noted = true;
    }
    if (!o && note)
      dx_expert(p, q, FL(F_DECRYPT_FAILED), DX_SEV_WARN,
                "Failed to create decryption context: Secrets are not available");
    dx_node *pp = dx_add_bytes(p, q, FL(F_REMAINING), t, poff, end - poff);
    dx_node *why_n = dx_add_none(p, pp, FL(F_DECRYPTION), t, poff, 0);
    dx_node_set_text(p, why_n, "[%s]", o && o->err ? o->err : why_text(why));
    dx_node_set_flags(why_n, DX_NODE_GENERATED);
    if (o && o->err)
      dx_expert(p, pp, FL(F_DECRYPT_FAILED), DX_SEV_WARN, "%s", o->err);
    return;
  }
  /* a short header's protected payload inside its header item, as tshark's */
  dx_add_bytes(p, type == T_SHORT && x->sh ? x->sh : q,
               FL(type == T_SHORT ? F_PROTECTED : F_PAYLOAD), t, poff, end - poff);
  x->pt = dx_packet_add_source_kind(p, DX_SRC_DECRYPTED, "QUIC", o->pt, o->ptlen);
  x->level = type == T_INITIAL ? SP_INITIAL : type == T_HANDSHAKE ? SP_HANDSHAKE : SP_APP;
  if (x->c && x->c->vi >= 0 && versions[x->c->vi].gquic)
    gquic_frames(x, &x->pt, q, o->pnlen);
  else
    frames(x, &x->pt, q);
}

/* The first byte's bits; returns the long header's Packet Type item (after
 * which the protected bits go, once known). */
static dx_node *add_header_bits(qctx *x, dx_node *q, const dx_tvb *t, uint32_t start, uint8_t first,
                                bool is_long, bool have_first) {
  dx_packet *p = x->p;
  dx_tvb b = dx_tvb_sub(t, start, 1);
  dx_node *last = dx_add_uint(p, q, FL(F_HFORM), &b, 0, 1, is_long);
  if (x->vn)
    return last; /* Version Negotiation: the other bits are unused (RFC 9000 17.2.1) */
  if (!x->retry) /* tshark shows no fixed bit in a Retry */
    dx_add_uint(p, q, FL(F_FIXED), &b, 0, 1, (first >> 6) & 1);
  if (is_long) {
    const qversion *v = x->c && x->c->vi >= 0 ? &versions[x->c->vi] : NULL;
    last = dx_add_uint(p, q, FL(v && v->v2_types ? F_LTYPE2 : F_LTYPE), &b, 0, 1, (first >> 4) & 3);
    if (have_first && !x->retry) {
      dx_add_uint(p, q, FL(F_LRES), &b, 0, 1, (first >> 2) & 3);
      last = dx_add_uint(p, q, FL(F_PNLEN), &b, 0, 1, first & 3);
    }
  }
  return last;
}

/* One packet at [start, ...) of the datagram t; returns its end. */
static uint32_t one_packet(qctx *x, const dx_tvb *t, uint32_t start, dx_node *parent) {
  dx_packet *p = x->p;
  uint8_t b0 = 0;
  dx_get_u8(t, start, &b0);
  bool is_long = b0 & 0x80;
  dx_node *q = dx_add_proto(p, parent, FL(F_QUIC), t, start, t->len - start);
  x->pkt = q;
  x->sh = NULL;
  x->level = SP_APP;
  if (is_long) {
    uint32_t version = 0;
    uint8_t dcil = 0, scil = 0;
    uint32_t off = start + 1;
    if (!dx_get_u32(t, off, &version) || !dx_get_u8(t, off + 4, &dcil)) {
      dx_mark_truncated(p, q, "long header");
      return t->len;
    }
    const uint8_t *dcid = dx_get_ptr(t, off + 5, dcil);
    if (!dcid || !dx_get_u8(t, off + 5 + dcil, &scil)) {
      dx_mark_truncated(p, q, "long header");
      return t->len;
    }
    const uint8_t *scid = dx_get_ptr(t, off + 6 + dcil, scil);
    if (!scid) {
      dx_mark_truncated(p, q, "long header");
      return t->len;
    }
    int vi = version_index(version);
    int type = version == 0 ? T_VN : -1;
    if (vi >= 0) {
      unsigned wt = (b0 >> 4) & 3;
      type = versions[vi].v2_types ? (wt == 0 ? T_RETRY : (int)wt - 1) : (int)wt;
    }
    /* the connection: by the ids, or a new one for a client's Initial */
    qcid *e = NULL;
    if (dcil <= 20 && scil <= 20) {
      e = cid_find(p, x->st, dcid, dcil);
      if (!e)
        e = cid_find(p, x->st, scid, scil);
    }
    qconn *byflow = NULL;
    if (!e) {
      /* zero-length ids, or the server's first packet (its own new id):
       * the connection of the UDP flow */
      byflow = conn_by_flow(p, x->st);
    }
    if (e) {
      x->c = e->conn;
      /* a packet sent to an id the client chose comes from the server */
      qcid *d = cid_find(p, x->st, dcid, dcil);
      if (d)
        x->sender = d->owner == 0 ? 1 : 0;
      else
        x->sender = e->owner; /* found by its source id: the sender chose it */
    } else if (byflow && !(type == T_INITIAL && dcil >= 8 && p->srcport == byflow->cport &&
                           dx_addr_eq(&p->net_src, &byflow->caddr) && byflow->init_dcid_len == 0)) {
      x->c = byflow;
      x->sender = dx_addr_eq(&p->net_src, &byflow->caddr) && p->srcport == byflow->cport ? 0 : 1;
    } else if ((type == T_INITIAL || (vi < 0 && version != 0)) && dcil >= 8 && dcil <= 20 &&
               scil <= 20) {
      /* a client's first packet: its Initial, or a packet of a version we
       * do not know that starts a version negotiation (RFC 9000 6) */
      x->c = conn_new(p, x->st, q);
      if (x->c) {
        x->c->vi = vi >= 0 ? vi : V_1; /* the version the negotiation will settle */
        x->c->version = version;
        memcpy(x->c->odcid, dcid, dcil);
        x->c->odcid_len = dcil;
        x->c->caddr = p->net_src;
        x->c->cport = p->srcport;
        x->c->have_client_addr = true;
        qcid *ie = cid_add(p, x->st, x->c, dcid, dcil, 1, q);
        if (ie)
          ie->initial_only = true;
        cid_add(p, x->st, x->c, scid, scil, 0, q);
        x->sender = 0;
      }
    }
    if (x->c && scil && x->sender >= 0)
      cid_add(p, x->st, x->c, scid, scil, (uint8_t)x->sender, q);
    if (x->c && !scil && x->sender >= 0 && type != T_VN)
      x->c->zero_cid[x->sender] = true;
    if (x->c && vi >= 0 && x->c->vi < 0) {
      x->c->vi = vi;
      x->c->version = version;
    }
    if (x->c) {
      int dir = 0;
      dx_flow *fl = dx_flow_find(p, &dir);
      if (fl && (!fl->app_data || fl->app_free == crypto_owner)) {
        fl->app_data = (void *)(uintptr_t)(x->c->number + 1);
        fl->app_free = crypto_owner;
      }
    }
    dx_node *ci = conn_info(x, q, t, start);
    uint8_t first = b0;
    x->retry = type == T_RETRY;
    x->vn = type == T_VN;
    if (x->retry) {
      dx_node *rl = dx_add_uint(p, q, FL(F_PKTLEN), t, start, 0, t->reported - start);
      dx_node_set_flags(rl, DX_NODE_GENERATED);
    }
    dx_node *tyn = add_header_bits(x, q, t, start, first, true, type == T_RETRY);
    if (type == T_VN) {
      dx_tvb bt = dx_tvb_sub(t, start, 1);
      dx_add_uint(p, q, FL(F_VNUNUSED), &bt, 0, 1, b0 & 0x7f);
      dx_node *vl = dx_add_uint(p, q, FL(F_PKTLEN), t, start, 0, t->reported - start);
      dx_node_set_flags(vl, DX_NODE_GENERATED);
      dx_node_move_after(p, vl, ci); /* tshark's place: before the header */
    }
    version_item(p, q, F_VERSION, t, off);
    dx_add_item(p, q, FL(F_DCIL), t, off + 4, 1);
    if (dcil)
      dx_add_item(p, q, FL(F_DCID), t, off + 5, dcil);
    dx_add_item(p, q, FL(F_SCIL), t, off + 5 + dcil, 1);
    if (scil)
      dx_add_item(p, q, FL(F_SCID), t, off + 6 + dcil, scil);
    off += 6u + dcil + scil;
    char dh[48], sh[48];
    hexid(dh, sizeof dh, dcid, dcil);
    hexid(sh, sizeof sh, scid, scil);
    if (type == T_VN) {
      info_ids(x, "Version Negotiation", dh, sh);
      for (unsigned i = 0; off + 4 <= t->len && i < 512; i++, off += 4)
        version_item(p, q, F_SUPVER, t, off);
      dx_node_set_len(q, t->len - start);
      return t->len;
    }
    if (vi < 0) {
      /* as tshark: named by the v1 type bits, not decrypted */
      info_ids(x, type_names[(b0 >> 4) & 3], dh, sh);
      dx_add_bytes(p, q, FL(F_REMAINING), t, off, t->len - off);
      return t->len;
    }
    if (type == T_RETRY && draft_of(version) && draft_of(version) <= 24) {
      /* drafts up to 24: the original DCID in the packet, no integrity tag
       * (draft-ietf-quic-transport-24 17.2.5) */
      info_ids(x, "Retry", dh, sh);
      uint8_t odcil = 0;
      dx_node *on = dx_add_item(p, q, FL(F_ODCIL), t, off, 1);
      if (!dx_node_ok(on) || !dx_get_u8(t, off, &odcil))
        return t->len;
      off++;
      dx_node *od = dx_add_item(p, q, FL(F_ODCID), t, off, odcil);
      if (!dx_node_ok(od))
        return t->len;
      off += odcil;
      dx_add_bytes(p, q, FL(F_RETRY_TOKEN), t, off, t->len - off);
      if (x->c && scil <= sizeof x->c->retry_scid) {
        cid_add(p, x->st, x->c, scid, scil, 1, q);
        x->c->retried = true;
        memcpy(x->c->retry_scid, scid, scil);
        x->c->retry_scid_len = scil;
      }
      dx_node_set_len(q, t->len - start);
      return t->len;
    }
    if (type == T_RETRY) {
      info_ids(x, "Retry", dh, sh);
      if (t->len < off + 16) {
        dx_mark_truncated(p, q, "Retry Integrity Tag");
        return t->len;
      }
      uint32_t tlen = t->len - off - 16;
      if (tlen)
        dx_add_bytes(p, q, FL(F_RETRY_TOKEN), t, off, tlen);
      dx_node *tg = dx_add_bytes(p, q, FL(F_RETRY_TAG), t, off + tlen, 16);
      if (x->c) {
        const uint8_t *pkt = dx_get_ptr(t, start, t->len - start);
        if (pkt && !retry_tag_ok(vi, x->c->odcid, x->c->odcid_len, pkt, t->len - start - 16,
                                 pkt + (t->len - start - 16)))
          dx_expert(p, tg, FL(F_BAD_RETRY), DX_SEV_WARN,
                    "Retry Integrity Tag verification failure");
        else if (pkt)
          dx_node_append_text(p, tg, " [verified]"); /* as tshark's label */
        cid_add(p, x->st, x->c, scid, scil, 1, q);
        x->c->retried = true;
        /* a v1/v2 connection id holds at most 20 bytes; a longer one (a
         * version-independent header allows 255) cannot key the Initials */
        if (scil <= sizeof x->c->retry_scid) {
          memcpy(x->c->retry_scid, scid, scil);
          x->c->retry_scid_len = scil;
        }
      }
      dx_node_set_len(q, t->len - start);
      return t->len;
    }
    uint64_t toklen = 0, plen = 0;
    uint32_t n = 0;
    if (type == T_INITIAL) {
      if (!dx_quic_varint(t, off, &toklen, &n)) {
        dx_mark_truncated(p, q, "Token Length");
        return t->len;
      }
      dx_add_uint(p, q, FL(F_TOKLEN), t, off, n, toklen);
      off += n;
      if (toklen > dx_tvb_avail(t, off)) {
        dx_mark_truncated(p, q, "Token");
        return t->len;
      }
      if (toklen)
        dx_add_bytes(p, q, FL(F_TOKEN), t, off, (uint32_t)toklen);
      off += (uint32_t)toklen;
    }
    if (!dx_quic_varint(t, off, &plen, &n)) {
      dx_mark_truncated(p, q, "Length");
      return t->len;
    }
    dx_node *ln = dx_add_uint(p, q, FL(F_LENGTH), t, off, n, plen);
    off += n;
    uint32_t end = t->len;
    bool cut = false;
    if (plen > t->reported - off)
      dx_mark_malformed(p, ln, "Length %" PRIu64 " exceeds the %u bytes left in the datagram", plen,
                        t->reported - off);
    else if (plen > t->len - off)
      cut = true; /* the capture kept less than the packet */
    else
      end = off + (uint32_t)plen;
    dx_node_set_len(q, end - start);
    /* as tshark: the packet's length on the wire (a cut capture has less) */
    uint32_t wire_end = plen <= t->reported - off ? off + (uint32_t)plen : t->reported;
    dx_node *pl = dx_add_uint(p, q, FL(F_PKTLEN), t, start, 0, wire_end - start);
    dx_node_set_flags(pl, DX_NODE_GENERATED);
    dx_node_move_after(p, pl, ci); /* tshark's place: before the header */
    if (x->c && type == T_INITIAL && version != x->c->version && x->sender >= 0) {
      /* the connection changes its version: the client's Initial after a
       * Version Negotiation (RFC 9000 6; its keys come from this packet's
       * DCID), or the server's in a compatible negotiation (RFC 9368; the
       * keys of the client's first DCID in the new version) */
      x->c->vi = vi;
      x->c->version = version;
      x->c->initial[0].ok = x->c->initial[1].ok = false;
      if (x->sender == 0)
        x->c->init_dcid_len = 0;
      else if (x->c->init_dcid_len &&
               (!initial_secret(vi, x->c->init_dcid, x->c->init_dcid_len, 0, &x->c->initial[0]) ||
                !initial_secret(vi, x->c->init_dcid, x->c->init_dcid_len, 1, &x->c->initial[1])))
        x->c->initial[0].ok = x->c->initial[1].ok = false;
    }
    int why = 0;
    qkeys *k = packet_keys(x, type, dcid, dcil, &why);
    info_ids(x, type_names[type], dh, sh);
    qopen o;
    memset(&o, 0, sizeof o);
    if (k) /* a cut packet: header protection only (its sample is there) */
      unprotect(x, t, start, off, end, type, k, true, &o);
    uint32_t poff = off;
    if (o.hp_ok) {
      dx_tvb bt = dx_tvb_sub(t, start, 1);
      /* the protected bits, known now, where tshark shows them: after the
       * Packet Type */
      dx_node *rn = dx_add_uint(p, q, FL(F_LRES), &bt, 0, 1, (o.first >> 2) & 3);
      dx_node *nn = dx_add_uint(p, q, FL(F_PNLEN), &bt, 0, 1, o.first & 3);
      dx_node_move_after(p, rn, tyn);
      dx_node_move_after(p, nn, rn);
      dx_add_uint(p, q, FL(F_PN), t, off, o.pnlen, o.pn);
      info_add(x, ", PKN: %" PRIu64, o.pn);
      poff = off + o.pnlen;
    }
    if (cut && k) {
      dx_node *pp = dx_add_bytes(p, q, FL(F_PAYLOAD), t, poff, end - poff);
      dx_mark_truncated(p, pp, "packet cut by the capture length: not decrypted");
      dx_expert(p, q, FL(F_DECRYPT_FAILED), DX_SEV_WARN,
                "Decryption (packet protection) failed: the capture kept only part of the packet");
      return end;
    }
    payload(x, q, t, poff, end, type, k ? &o : NULL, why);
    return end;
  }

  /* short header (RFC 9000 17.3.1) */
  uint32_t avail = t->len - start - 1;
  const uint8_t *dc = dx_get_ptr(t, start + 1, avail);
  qcid *e = dc ? cid_match_prefix(p, x->st, dc, avail) : NULL;
  uint8_t dcil = 0;
  if (e) {
    x->c = e->conn;
    x->sender = e->owner == 0 ? 1 : 0;
    dcil = e->len;
  } else {
    qconn *fc = conn_by_flow(p, x->st);
    int sender =
        fc && fc->have_client_addr && dx_addr_eq(&p->net_src, &fc->caddr) && p->srcport == fc->cport
            ? 0
            : 1;
    if (fc && fc->zero_cid[!sender]) {
      /* zero-length ids: the UDP flow's connection */
      x->c = fc;
      x->sender = sender;
    }
    /* else an id of the flow's connection that no packet we read announced
     * (NEW_CONNECTION_ID is encrypted): as tshark, a packet of an unknown
     * connection, its DCID's length unknown */
  }
  dx_node *sh = dx_add_none(p, q, FL(F_SHORT), t, start, 1 + dcil);
  x->sh = sh;
  dx_node *ci = conn_info(x, q, t, start);
  if (!x->c) {
    if (x->first_in_dgram) { /* as tshark: the connection information holds the note */
      ci = dx_add_none(p, q, FL(F_CONNINFO), t, start, 0);
      dx_node_move_after(p, ci, NULL);
    }
    dx_expert(p, ci ? ci : q, FL(F_UNKNOWN_CONN), DX_SEV_NOTE,
              "Unknown QUIC connection. Missing Initial Packet or migrated connection?");
  }
  dx_node *pl = dx_add_uint(p, q, FL(F_PKTLEN), t, start, 0, t->reported - start);
  dx_node_set_flags(pl, DX_NODE_GENERATED);
  dx_node_move_after(p, pl, ci); /* tshark's place: before the header */
  add_header_bits(x, sh, t, start, b0, false, false);
  dx_tvb bt0 = dx_tvb_sub(t, start, 1);
  dx_node *spin = dx_add_uint(p, sh, FL(F_SPIN), &bt0, 0, 1, (b0 >> 5) & 1); /* not protected */
  if (dcil)
    dx_add_item(p, sh, FL(F_DCID), t, start + 1, dcil);
  char dh[48];
  hexid(dh, sizeof dh, dc, dcil);
  dx_node_set_len(q, t->len - start);
  int why = 0;
  qkeys *k = x->c ? packet_keys(x, T_SHORT, NULL, 0, &why) : NULL;
  uint32_t pn_off = start + 1 + dcil;
  qopen o;
  memset(&o, 0, sizeof o);
  if (k)
    unprotect(x, t, start, pn_off, t->len, T_SHORT, k, false, &o);
  if (!o.hp_ok) {
    dx_node_set_text(p, sh, "QUIC Short Header%s%s", dcil ? " DCID=" : "", dh);
    /* the key phase bit is protected: unknown here (tshark shows KP0) */
    info_add(x, "Protected Payload (KP0)%s%s", dcil ? ", DCID=" : "", dh);
    payload(x, q, t, pn_off, t->len, T_SHORT, k ? &o : NULL, why);
    return t->len;
  }
  uint8_t first = o.first;
  dx_tvb bt = dx_tvb_sub(t, start, 1);
  /* the protected bits, known now, before the DCID as tshark shows them */
  dx_node *rn = dx_add_uint(p, sh, FL(F_SRES), &bt, 0, 1, (first >> 3) & 3);
  dx_node *kn = dx_add_uint(p, sh, FL(F_KEYPHASE), &bt, 0, 1, (first >> 2) & 1);
  dx_node *nn = dx_add_uint(p, sh, FL(F_PNLEN), &bt, 0, 1, first & 3);
  dx_node_move_after(p, rn, spin);
  dx_node_move_after(p, kn, rn);
  dx_node_move_after(p, nn, kn);
  dx_add_uint(p, sh, FL(F_PN), t, pn_off, o.pnlen, o.pn);
  dx_node_set_len(sh, 1 + dcil + o.pnlen);
  dx_node_set_text(p, sh, "QUIC Short Header%s%s PKN=%" PRIu64, dcil ? " DCID=" : "", dh, o.pn);
  info_add(x, "Protected Payload (KP%u)%s%s, PKN: %" PRIu64, (first >> 2) & 1,
           dcil ? ", DCID=" : "", dh, o.pn);
  payload(x, q, t, pn_off + o.pnlen, t->len, T_SHORT, &o, why);
  return t->len;
}

static bool known_long(const dx_tvb *t, uint32_t off) {
  uint8_t b0 = 0;
  uint32_t v = 0;
  if (!dx_get_u8(t, off, &b0) || !(b0 & 0x80) || !dx_get_u32(t, off + 1, &v))
    return false;
  unsigned d = draft_of(v);
  return v == 0 || (version_index(v) >= 0 && (d == 0 || d >= 11)); /* as tshark: drafts from 11 */
}

/* Google QUIC (gQUIC) before Q050 ("Q043", "Q046" long headers; the old
 * public header, without the long header bit, never reaches here as it
 * belongs to no connection followed) is another protocol: refused, so it
 * is not shown as IETF QUIC. Q050, T050 and T051 have IETF QUIC's long
 * header and are QUIC here, as in tshark. */
static bool looks_gquic(const dx_tvb *t) {
  uint8_t v0 = 0;
  uint32_t v = 0;
  return dx_get_u8(t, 1, &v0) && (v0 == 'Q' || v0 == 'T') && dx_get_u32(t, 1, &v) &&
         version_index(v) < 0;
}

/* A short header packet belongs to a connection we follow: its DCID is an
 * id seen, or its UDP flow is a connection's (zero-length ids). */
static bool short_known(dx_packet *p, quic_state *st, const dx_tvb *t) {
  const uint8_t *dc = t->len > 1 ? dx_get_ptr(t, 1, t->len - 1) : NULL;
  if (dc && cid_match_prefix(p, st, dc, t->len - 1))
    return true;
  return conn_by_flow(p, st) != NULL;
}

static uint32_t dissect_quic(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  quic_state *st = dx_proto_state(p, &dx_proto_quic);
  if (!st || t->len == 0)
    return 0;
  uint8_t b0 = 0;
  dx_get_u8(t, 0, &b0);
  /* as tshark: a short header of no connection we follow (its ids were
   * announced in packets we could not read, or the capture starts late)
   * is left to UDP; one of a connection we follow is QUIC even when its
   * greased fixed bit (RFC 9287) and its bytes look like gQUIC's */
  if (!(b0 & 0x80) ? !short_known(p, st, t) : looks_gquic(t) || !known_long(t, 0))
    return 0;
  dx_col_set_proto(p, "QUIC");
  char info[1024];
  size_t ilen = 0; /* length of info */
  info[0] = 0;
  bool http3 = false;
  uint32_t off = 0;
  for (unsigned i = 0; off < t->len && i < QUIC_MAX_PACKETS; i++) {
    qctx x;
    memset(&x, 0, sizeof x);
    x.p = p;
    x.st = st;
    x.sender = -1;
    x.first_in_dgram = i == 0;
    if (i > 0) {
      uint8_t b = 0;
      dx_get_u8(t, off, &b);
      if (b == 0) { /* padding after the coalesced packets (RFC 9000 12.2) */
        uint32_t e = off;
        while (e < t->len && dx_get_u8(t, e, &b) && b == 0)
          e++;
        dx_node *pd = dx_add_none(p, parent, FL(F_COALESCED_PAD), t, off, t->len - off);
        dx_node_set_text(p, pd, "[Coalesced Padding Data: %u bytes]", t->len - off);
        off = t->len;
        break;
      }
    }
    dx_tvb rest = dx_tvb_sub(t, off, UINT32_MAX);
    const char *proto_before = p->col_proto;
    st->cur = &x;
    uint32_t end = one_packet(&x, &rest, 0, parent);
    st->cur = NULL;
    if (p->col_proto != proto_before && p->col_proto && strcmp(p->col_proto, "HTTP3") == 0)
      http3 = true;
    if (x.http3_seen)
      http3 = true;
    if (p->want_columns && x.ilen) {
      /* as tshark: the Info column tells the last packet of the datagram */
      memcpy(info, x.info, x.ilen + 1);
      ilen = x.ilen;
    }
    off += end;
    if (end == 0)
      break;
  }
  dx_col_set_proto(p, http3 ? "HTTP3" : "QUIC");
  if (p->want_columns)
    dx_col_info_set(p, "%.*s", (int)ilen, info);
  return t->len;
}

/* A QUIC long header of a version we know, or a short header whose
 * destination id belongs to a connection we follow. */
static uint32_t heur_quic(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  quic_state *st = dx_proto_state(p, &dx_proto_quic);
  if (!st)
    return 0;
  uint8_t b0 = 0;
  if (!dx_get_u8(t, 0, &b0))
    return 0;
  if (b0 & 0x80) {
    uint32_t v = 0;
    if (!known_long(t, 0) || !dx_get_u32(t, 1, &v))
      return 0;
    if (v == 0 && !st->nconns)
      return 0;
    /* the fixed bit may be 0: a peer that allows it greases it (RFC 9287) */
    return dissect_quic(p, t, parent);
  }
  /* (as tshark, whose heuristic gives the UDP conversation to QUIC: later
   * packets of the flow are QUIC too, even to an id it never saw) */
  if (!st->nconns || t->len < 2 || !short_known(p, st, t))
    return 0;
  return dissect_quic(p, t, parent);
}

static const dx_reg quic_regs[] = {{DX_TABLE_UDP_PORT, 443}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_quic = {
    .name = "quic",
    .label = "QUIC IETF",
    .fields = quic_fields,
    .nfields = DX_ARRAY_LEN(quic_fields),
    .dissect = dissect_quic,
    .regs = quic_regs,
    .heuristic_udp = heur_quic,
    .state_new = quic_state_new,
    .state_free = quic_state_free,
    .state_reset = quic_state_reset,
};

/* SSH (RFC 4250-4254, RFC 4419 group exchange, RFC 5656 ECDH; TCP ports 22
 * and 29418) as tshark 4.0's packet-ssh.c shows it without keys: the
 * version exchange line ("Protocol (SSH-2.0-...)"), the binary packets of
 * the key exchange (packet and padding lengths, the message code, KEXINIT's
 * cookie and name-lists with its HASSH, the DH, DH group exchange and ECDH
 * messages with the host key and its signature, NEWKEYS), each with the
 * sequence number tshark counts for it; after a direction's NEWKEYS, the
 * rest of each of its segments as one "Encrypted packet (len=N)".
 *
 * A binary packet cut across segments is reassembled through the byte
 * stream ("need N more bytes"). What tshark reads past the end of the bytes
 * (it throws an exception) ends the dissection here too: the packet is
 * marked malformed, and neither the "Client: "/"Server: " prefix of Info
 * nor the direction is added, as in tshark.
 *
 * Per-connection state (the frames where each side's version line and key
 * exchange were, its sequence numbers and its KEXINIT's kex_algorithms list,
 * to choose the key exchange method) is charged to the session's stream
 * byte budget.
 *
 * Without keys tshark 4.0 still chooses the cipher, MAC and compression
 * after a DH or ECDH reply and sets up the ciphers it can decrypt
 * (AES-CTR, AES-CBC, AES-GCM, ChaCha20-Poly1305) with keys it never got:
 * their packets then show nothing (an empty Info after "Client: "), as
 * here. Not as tshark: an AES-GCM packet whose length fits its segment
 * (tshark 4.0.17 crashes), one whose length does not ("[Packet size limited
 * during capture]" there, "[Malformed Packet]" here); a length past the
 * reassembly cap (the bytes then go out as data, where tshark waits). */
#include "../core/dx.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
  F_SSH,
  F_PROTOCOL,
  F_PKT_LEN,
  F_PKT_LEN_ENC,
  F_PAD_LEN,
  F_PAYLOAD,
  F_ENC_PKT,
  F_PAD_STR,
  F_SEQ,
  F_MAC,
  F_DIR,
  F_MSG,
  F_MSG1,
  F_MSG_DH,
  F_MSG_GEX,
  F_MSG_ECDH,
  F_COOKIE,
  F_KEX_ALGS,
  F_HOSTKEY_ALGS,
  F_ENC_C2S,
  F_ENC_S2C,
  F_MAC_C2S,
  F_MAC_S2C,
  F_COMP_C2S,
  F_COMP_S2C,
  F_LANG_C2S,
  F_LANG_S2C,
  F_KEX_ALGS_LEN,
  F_HOSTKEY_ALGS_LEN,
  F_ENC_C2S_LEN,
  F_ENC_S2C_LEN,
  F_MAC_C2S_LEN,
  F_MAC_S2C_LEN,
  F_COMP_C2S_LEN,
  F_COMP_S2C_LEN,
  F_LANG_C2S_LEN,
  F_LANG_S2C_LEN,
  F_FIRST_KEX,
  F_RESERVED,
  F_HASSH_ALGS,
  F_HASSH,
  F_HASSHS_ALGS,
  F_HASSHS,
  F_HK_LEN,
  F_HK_TYPE_LEN,
  F_HK_TYPE,
  F_HK_DATA,
  F_HK_RSA_N,
  F_HK_RSA_E,
  F_HK_DSA_P,
  F_HK_DSA_Q,
  F_HK_DSA_G,
  F_HK_DSA_Y,
  F_HK_ECDSA_ID,
  F_HK_ECDSA_ID_LEN,
  F_HK_ECDSA_Q,
  F_HK_ECDSA_Q_LEN,
  F_HK_EDDSA,
  F_HK_EDDSA_LEN,
  F_HS_LEN,
  F_HS_TYPE_LEN,
  F_HS_TYPE,
  F_HS_DATA,
  F_HS_RSA,
  F_HS_DSA,
  F_DH_E,
  F_DH_F,
  F_GEX_MIN,
  F_GEX_NBITS,
  F_GEX_MAX,
  F_GEX_P,
  F_GEX_G,
  F_ECDH_QC,
  F_ECDH_QC_LEN,
  F_ECDH_QS,
  F_ECDH_QS_LEN,
  F_MPINT_LEN,
  F_LEN_ERROR,
  F_DECODE_ERROR,
  /* text-only subtrees in tshark (no field of theirs): names of ours */
  F_V1,
  F_V2,
  F_KEX,
  F_ALGS,
  F_HOSTKEY,
  F_HOSTSIG,
};

static const dx_vals ssh2_msg_vals[] = {{1, "Disconnect"},
                                        {2, "Ignore"},
                                        {3, "Unimplemented"},
                                        {4, "Debug"},
                                        {5, "Service Request"},
                                        {6, "Service Accept"},
                                        {20, "Key Exchange Init"},
                                        {21, "New Keys"},
                                        {50, "User Authentication Request"},
                                        {51, "User Authentication Failure"},
                                        {52, "User Authentication Success"},
                                        {53, "User Authentication Banner"},
                                        {80, "Global Request"},
                                        {81, "Request Success"},
                                        {82, "Request Failure"},
                                        {90, "Channel Open"},
                                        {91, "Channel Open Confirmation"},
                                        {92, "Channel Open Failure"},
                                        {93, "Window Adjust"},
                                        {94, "Channel Data"},
                                        {95, "Channel Extended Data"},
                                        {96, "Channel EOF"},
                                        {97, "Channel Close"},
                                        {98, "Channel Request"},
                                        {99, "Channel Success"},
                                        {100, "Channel Failure"},
                                        {60, "Public Key algorithm accepted"},
                                        {0, NULL}};

static const dx_vals ssh2_kex_dh_vals[] = {
    {30, "Diffie-Hellman Key Exchange Init"}, {31, "Diffie-Hellman Key Exchange Reply"}, {0, NULL}};

static const dx_vals ssh2_kex_gex_vals[] = {{30, "Diffie-Hellman Group Exchange Request (Old)"},
                                            {31, "Diffie-Hellman Group Exchange Group"},
                                            {32, "Diffie-Hellman Group Exchange Init"},
                                            {33, "Diffie-Hellman Group Exchange Reply"},
                                            {34, "Diffie-Hellman Group Exchange Request"},
                                            {0, NULL}};

static const dx_vals ssh2_kex_ecdh_vals[] = {
    {30, "Elliptic Curve Diffie-Hellman Key Exchange Init"},
    {31, "Elliptic Curve Diffie-Hellman Key Exchange Reply"},
    {0, NULL}};

static const dx_vals ssh1_msg_vals[] = {{0, "No Message"},  {1, "Disconnect"}, {2, "Public Key"},
                                        {3, "Session Key"}, {4, "User"},       {0, NULL}};

static const dx_vals dir_vals[] = {{0, "client-to-server"}, {1, "server-to-client"}, {0, NULL}};

#define STR(a, l) DX_F(a, l, DX_FT_STRING, DX_BASE_ASCII)
#define U32(a, l) DX_F(a, l, DX_FT_UINT32, DX_BASE_DEC)
#define BYT(a, l) DX_F(a, l, DX_FT_BYTES, DX_BASE_NONE)

static const dx_field ssh_fields[];
#define MSG_ALIAS(v)                                                                               \
  {                                                                                                \
    "ssh.message_code", "Message Code", DX_FT_UINT8, DX_BASE_DEC, v, 0, 0, NULL,                   \
        &ssh_fields[F_MSG]                                                                         \
  }

static const dx_field ssh_fields[] = {
    [F_SSH] = DX_F("ssh", "SSH Protocol", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_PROTOCOL] = STR("ssh.protocol", "Protocol"),
    [F_PKT_LEN] = U32("ssh.packet_length", "Packet Length"),
    [F_PKT_LEN_ENC] = BYT("ssh.packet_length_encrypted", "Packet Length (encrypted)"),
    [F_PAD_LEN] = DX_F("ssh.padding_length", "Padding Length", DX_FT_UINT8, DX_BASE_DEC),
    [F_PAYLOAD] = BYT("ssh.payload", "Payload"),
    [F_ENC_PKT] = BYT("ssh.encrypted_packet", "Encrypted Packet"),
    [F_PAD_STR] = BYT("ssh.padding_string", "Padding String"),
    [F_SEQ] = U32("ssh.seq_num", "Sequence number"),
    [F_MAC] = DX_F("ssh.mac", "MAC", DX_FT_BYTES, DX_BASE_NONE),
    [F_DIR] = DX_FV("ssh.direction", "Direction", DX_FT_BOOL, DX_BASE_NONE, dir_vals),
    [F_MSG] = DX_FV("ssh.message_code", "Message Code", DX_FT_UINT8, DX_BASE_DEC, ssh2_msg_vals),
    [F_MSG1] = MSG_ALIAS(ssh1_msg_vals),
    [F_MSG_DH] = MSG_ALIAS(ssh2_kex_dh_vals),
    [F_MSG_GEX] = MSG_ALIAS(ssh2_kex_gex_vals),
    [F_MSG_ECDH] = MSG_ALIAS(ssh2_kex_ecdh_vals),
    [F_COOKIE] = BYT("ssh.cookie", "Cookie"),
    [F_KEX_ALGS] = STR("ssh.kex_algorithms", "kex_algorithms string"),
    [F_HOSTKEY_ALGS] = STR("ssh.server_host_key_algorithms", "server_host_key_algorithms string"),
    [F_ENC_C2S] = STR("ssh.encryption_algorithms_client_to_server",
                      "encryption_algorithms_client_to_server string"),
    [F_ENC_S2C] = STR("ssh.encryption_algorithms_server_to_client",
                      "encryption_algorithms_server_to_client string"),
    [F_MAC_C2S] =
        STR("ssh.mac_algorithms_client_to_server", "mac_algorithms_client_to_server string"),
    [F_MAC_S2C] =
        STR("ssh.mac_algorithms_server_to_client", "mac_algorithms_server_to_client string"),
    [F_COMP_C2S] = STR("ssh.compression_algorithms_client_to_server",
                       "compression_algorithms_client_to_server string"),
    [F_COMP_S2C] = STR("ssh.compression_algorithms_server_to_client",
                       "compression_algorithms_server_to_client string"),
    [F_LANG_C2S] = STR("ssh.languages_client_to_server", "languages_client_to_server string"),
    [F_LANG_S2C] = STR("ssh.languages_server_to_client", "languages_server_to_client string"),
    [F_KEX_ALGS_LEN] = U32("ssh.kex_algorithms_length", "kex_algorithms length"),
    [F_HOSTKEY_ALGS_LEN] =
        U32("ssh.server_host_key_algorithms_length", "server_host_key_algorithms length"),
    [F_ENC_C2S_LEN] = U32("ssh.encryption_algorithms_client_to_server_length",
                          "encryption_algorithms_client_to_server length"),
    [F_ENC_S2C_LEN] = U32("ssh.encryption_algorithms_server_to_client_length",
                          "encryption_algorithms_server_to_client length"),
    [F_MAC_C2S_LEN] =
        U32("ssh.mac_algorithms_client_to_server_length", "mac_algorithms_client_to_server length"),
    [F_MAC_S2C_LEN] =
        U32("ssh.mac_algorithms_server_to_client_length", "mac_algorithms_server_to_client length"),
    [F_COMP_C2S_LEN] = U32("ssh.compression_algorithms_client_to_server_length",
                           "compression_algorithms_client_to_server length"),
    [F_COMP_S2C_LEN] = U32("ssh.compression_algorithms_server_to_client_length",
                           "compression_algorithms_server_to_client length"),
    [F_LANG_C2S_LEN] =
        U32("ssh.languages_client_to_server_length", "languages_client_to_server length"),
    [F_LANG_S2C_LEN] =
        U32("ssh.languages_server_to_client_length", "languages_server_to_client length"),
    [F_FIRST_KEX] =
        DX_F("ssh.first_kex_packet_follows", "First KEX Packet Follows", DX_FT_UINT8, DX_BASE_DEC),
    [F_RESERVED] = BYT("ssh.kex.reserved", "Reserved"),
    [F_HASSH_ALGS] =
        DX_F("ssh.kex.hassh_algorithms", "hasshAlgorithms", DX_FT_STRING, DX_BASE_NONE),
    [F_HASSH] = DX_F("ssh.kex.hassh", "hassh", DX_FT_STRING, DX_BASE_NONE),
    [F_HASSHS_ALGS] =
        DX_F("ssh.kex.hasshserver_algorithms", "hasshServerAlgorithms", DX_FT_STRING, DX_BASE_NONE),
    [F_HASSHS] = DX_F("ssh.kex.hasshserver", "hasshServer", DX_FT_STRING, DX_BASE_NONE),
    [F_HK_LEN] = U32("ssh.host_key.length", "Host key length"),
    [F_HK_TYPE_LEN] = U32("ssh.host_key.type_length", "Host key type length"),
    [F_HK_TYPE] = DX_F("ssh.host_key.type", "Host key type", DX_FT_STRING, DX_BASE_NONE),
    [F_HK_DATA] = BYT("ssh.host_key.data", "Host key data"),
    [F_HK_RSA_N] = BYT("ssh.host_key.rsa.n", "RSA modulus (N)"),
    [F_HK_RSA_E] = BYT("ssh.host_key.rsa.e", "RSA public exponent (e)"),
    [F_HK_DSA_P] = BYT("ssh.host_key.dsa.p", "DSA prime modulus (p)"),
    [F_HK_DSA_Q] = BYT("ssh.host_key.dsa.q", "DSA prime divisor (q)"),
    [F_HK_DSA_G] = BYT("ssh.host_key.dsa.g", "DSA subgroup generator (g)"),
    [F_HK_DSA_Y] = BYT("ssh.host_key.dsa.y", "DSA public key (y)"),
    [F_HK_ECDSA_ID] = BYT("ssh.host_key.ecdsa.id", "ECDSA elliptic curve identifier"),
    [F_HK_ECDSA_ID_LEN] =
        U32("ssh.host_key.ecdsa.id_length", "ECDSA elliptic curve identifier length"),
    [F_HK_ECDSA_Q] = BYT("ssh.host_key.ecdsa.q", "ECDSA public key (Q)"),
    [F_HK_ECDSA_Q_LEN] = U32("ssh.host_key.ecdsa.q_length", "ECDSA public key length"),
    [F_HK_EDDSA] = BYT("ssh.host_key.eddsa.key", "EdDSA public key"),
    [F_HK_EDDSA_LEN] = U32("ssh.host_key.eddsa.key_length", "EdDSA public key length"),
    [F_HS_LEN] = U32("ssh.host_sig.length", "Host signature length"),
    [F_HS_TYPE_LEN] = U32("ssh.host_sig.type_length", "Host signature type length"),
    [F_HS_TYPE] = DX_F("ssh.host_sig.type", "Host signature type", DX_FT_STRING, DX_BASE_NONE),
    [F_HS_DATA] = BYT("ssh.host_sig.data", "Host signature data"),
    [F_HS_RSA] = BYT("ssh.host_sig.rsa", "RSA signature"),
    [F_HS_DSA] = BYT("ssh.host_sig.dsa", "DSA signature"),
    [F_DH_E] = BYT("ssh.dh.e", "DH client e"),
    [F_DH_F] = BYT("ssh.dh.f", "DH server f"),
    [F_GEX_MIN] = U32("ssh.dh_gex.min", "DH GEX Min"),
    [F_GEX_NBITS] = U32("ssh.dh_gex.nbits", "DH GEX Number of Bits"),
    [F_GEX_MAX] = U32("ssh.dh_gex.max", "DH GEX Max"),
    [F_GEX_P] = BYT("ssh.dh_gex.p", "DH GEX modulus (P)"),
    [F_GEX_G] = BYT("ssh.dh_gex.g", "DH GEX base (G)"),
    [F_ECDH_QC] = BYT("ssh.ecdh.q_c", "ECDH client's ephemeral public key (Q_C)"),
    [F_ECDH_QC_LEN] = U32("ssh.ecdh.q_c_length", "ECDH client's ephemeral public key length"),
    [F_ECDH_QS] = BYT("ssh.ecdh.q_s", "ECDH server's ephemeral public key (Q_S)"),
    [F_ECDH_QS_LEN] = U32("ssh.ecdh.q_s_length", "ECDH server's ephemeral public key length"),
    [F_MPINT_LEN] = U32("ssh.mpint_length", "Multi Precision Integer Length"),
    [F_LEN_ERROR] =
        DX_F("ssh.packet_length.error", "Overly large number", DX_FT_NONE, DX_BASE_NONE),
    [F_DECODE_ERROR] =
        DX_F("ssh.packet_decode.error", "Packet decoded length not equal to packet length",
             DX_FT_NONE, DX_BASE_NONE),
    [F_V1] = DX_F("ssh.version1", "SSH Version 1", DX_FT_NONE, DX_BASE_NONE),
    [F_V2] = DX_F("ssh.version2", "SSH Version 2", DX_FT_NONE, DX_BASE_NONE),
    [F_KEX] = DX_F("ssh.key_exchange", "Key Exchange", DX_FT_NONE, DX_BASE_NONE),
    [F_ALGS] = DX_F("ssh.algorithms", "Algorithms", DX_FT_NONE, DX_BASE_NONE),
    [F_HOSTKEY] = DX_F("ssh.kex_host_key", "KEX host key", DX_FT_NONE, DX_BASE_NONE),
    [F_HOSTSIG] = DX_F("ssh.kex_host_sig", "KEX host signature", DX_FT_NONE, DX_BASE_NONE),
};

#define FL(i) (&ssh_fields[(i)])

enum { V_UNKNOWN, V_1, V_2 };
enum { KEX_DH, KEX_GEX, KEX_ECDH };

/* A kex_algorithms list kept for choosing the method: longer ones are not
 * kept (the method then stays unknown, where tshark would choose one). */
#define SSH_MAX_KEEP 16384

typedef struct ssh_peer {
  uint64_t version_start, version_end; /* frame numbers + 1; 0: none yet */
  uint64_t key_start, key_end;
  uint32_t key_end_offset;
  /* the KEXINIT's lists, NUL-terminated as tshark's ENC_ASCII strings:
   * kex_algorithms, then encryption, mac and compression of each direction
   * (client to server, server to client) */
  char *prop[7];
  size_t prop_cost[7];
  /* what tshark 4.0 chooses after a DH or ECDH reply (NULL: nothing) */
  char *enc, *mac, *comp;
  size_t enc_cost, mac_cost, comp_cost;
  bool decrypt;             /* tshark tries to decrypt after NEWKEYS (with no keys) */
  int mac_length;           /* the chosen MAC's length, -1: unknown */
  bool length_is_plaintext; /* an encrypt-then-MAC MAC */
  uint32_t seq, seq_kex_init, seq_gex_req, seq_gex_grp, seq_gex_ini, seq_gex_rep;
  uint32_t seq_ecdh_ini, seq_ecdh_rep, seq_dh_ini, seq_dh_rep, seq_new_key;
} ssh_peer;

typedef struct ssh_conv {
  uint64_t info_frame; /* the frame (+ 1) of the last call */
  uint32_t skip[2];    /* bytes of a version line cut short, to skip */
  int version;
  int kex_kind;
  char *kex; /* the chosen method, or NULL */
  size_t kex_cost;
  ssh_peer peer[2]; /* [0] client, [1] server */
  uint64_t *budget, budget_max;
} ssh_conv;

#define CONV_COST dx_heap_cost(sizeof(ssh_conv))

static void conv_free(void *v) {
  ssh_conv *c = v;
  if (!c)
    return;
  for (int i = 0; i < 2; i++) {
    ssh_peer *pe = &c->peer[i];
    for (int j = 0; j < 7; j++) {
      free(pe->prop[j]);
      dx_budget_give(c->budget, pe->prop_cost[j]);
    }
    free(pe->enc);
    free(pe->mac);
    free(pe->comp);
    dx_budget_give(c->budget, pe->enc_cost + pe->mac_cost + pe->comp_cost);
  }
  free(c->kex);
  dx_budget_give(c->budget, c->kex_cost);
  dx_budget_give(c->budget, CONV_COST);
  free(c);
}

static ssh_conv *conv_get(dx_packet *p, ssh_conv *tmp) {
  ssh_conv *c = dx_app_data(p, conv_free);
  if (c)
    return c;
  uint64_t *budget = dx_packet_stream_budget(p);
  uint64_t max = dx_packet_config(p)->max_total_stream_bytes;
  if (dx_in_stream(p) && dx_budget_take(budget, max, CONV_COST)) {
    c = calloc(1, sizeof *c);
    if (c) {
      c->peer[0].mac_length = c->peer[1].mac_length = -1;
      c->budget = budget;
      c->budget_max = max;
      if (dx_app_data_set(p, c, conv_free))
        return c;
      free(c);
    }
    dx_budget_give(budget, CONV_COST);
  }
  memset(tmp, 0, sizeof *tmp);
  tmp->peer[0].mac_length = tmp->peer[1].mac_length = -1;
  return tmp;
}

/* A copy of s[0..n) kept in the connection (charged to the budget), or
 * NULL when there is no room. */
static char *keep(ssh_conv *c, bool stateful, const char *s, size_t n, size_t *cost) {
  *cost = 0;
  if (!stateful || n > SSH_MAX_KEEP)
    return NULL;
  uint64_t k = dx_heap_cost(n + 1);
  if (!dx_budget_take(c->budget, c->budget_max, k))
    return NULL;
  char *d = malloc(n + 1);
  if (!d) {
    dx_budget_give(c->budget, k);
    return NULL;
  }
  memcpy(d, s, n);
  d[n] = 0;
  *cost = k;
  return d;
}

/* ---- dissection context ---------------------------------------------- */
typedef struct sx {
  dx_packet *p;
  const dx_tvb *t;
  ssh_conv *c;
  bool stateful;
  int resp;        /* 0: client, 1: server */
  uint64_t num;    /* frame number + 1 */
  bool can_deseg;  /* the stream can give more bytes */
  bool need_deseg; /* asked for them */
  bool stop;       /* tshark would have thrown: nothing more */
  dx_node *ssh;    /* the layer */
} sx;

/* tshark's exception when bytes [off, off+len) are not there: the layer is
 * marked (truncated when the capture cut them, malformed otherwise) and the
 * dissection stops. */
static bool need(sx *x, uint32_t off, uint64_t len) {
  if (x->stop)
    return false;
  if (off <= x->t->len && len <= x->t->len - off)
    return true;
  x->stop = true;
  dx_packet *p = x->p;
  if ((uint64_t)off + len <= x->t->reported) { /* the capture cut the bytes */
    dx_mark_truncated(p, x->ssh, "SSH");
    return false;
  }
  /* as tshark: "[Malformed Packet: SSH]" after the layer */
  dx_node_set_flags(x->ssh, DX_NODE_MALFORMED);
  p->bad |= DX_BAD_MALFORMED;
  dx_node *m = dx_add_none(p, dx_packet_root_mut(p), dx_field_malformed(), x->t, 0, 0);
  if (dx_label_wanted(p, m))
    dx_node_set_text(p, m, "[Malformed Packet: SSH]");
  dx_expert(p, m, dx_field_malformed(), DX_SEV_ERROR, "Malformed Packet (Exception occurred)");
  return false;
}

static bool get32(sx *x, uint32_t off, uint32_t *v) {
  if (!need(x, off, 4))
    return false;
  dx_get_u32(x->t, off, v);
  return true;
}

/* Info: tshark's col_append_sep_str(..., NULL, s) */
#define info_add(x, ...) dx_col_info_append_sep((x)->p, ", ", __VA_ARGS__)

/* The bytes as tshark's tvb_get_string_enc(ENC_ASCII) reads them: up to
 * the first NUL, each byte of 0x80 or more as U+FFFD. Arena copy. */
static char *ascii_str(dx_packet *p, const uint8_t *s, uint32_t n, size_t *outlen) {
  size_t cap = 3 * (size_t)n + 1;
  char *o = dx_arena_alloc(&p->arena, cap);
  size_t k = 0;
  if (!o) {
    *outlen = 0;
    return (char *)"";
  }
  for (uint32_t i = 0; i < n && s[i]; i++) {
    if (s[i] < 0x80) {
      o[k++] = (char)s[i];
    } else {
      o[k++] = (char)0xef;
      o[k++] = (char)0xbf;
      o[k++] = (char)0xbd;
    }
  }
  o[k] = 0;
  *outlen = k;
  return o;
}

/* Text for a label: escaped as tshark's format_text() shows it. */
static const char *label_text(dx_packet *p, const char *s, size_t n) {
  size_t cap = 4 * n + 1;
  char *o = dx_arena_alloc(&p->arena, cap);
  if (!o)
    return "";
  dx_escape((const uint8_t *)s, n, o, cap);
  return o;
}

/* ---- the version exchange ---------------------------------------------- */
static uint32_t protocol_line(sx *x, uint32_t off, int *version) {
  const dx_tvb *t = x->t;
  uint32_t remain = t->len - off;
  const uint8_t *s = t->data + off;
  if (!x->resp) {
    if (remain >= 6 && !strncasecmp((const char *)s, "SSH-2.", 6))
      *version = V_2;
    else if (remain >= 9 && !strncasecmp((const char *)s, "SSH-1.99-", 9))
      *version = V_2;
    else if (remain >= 6 && !strncasecmp((const char *)s, "SSH-1.", 6))
      *version = V_1;
  }
  const uint8_t *nl = memchr(s, '\n', remain);
  if (!nl && x->can_deseg) {
    /* tshark asks for -1 - remain bytes, an unsigned number that wraps
     * TCP's sequence arithmetic: these bytes are never seen again, the
     * next segment comes alone. Here they are held and skipped then. */
    x->p->desegment_offset = off;
    x->p->desegment_len = DX_DESEGMENT_ONE_MORE;
    x->c->skip[x->resp] = off + remain;
    x->need_deseg = true;
    return off;
  }
  uint32_t linelen, protolen;
  if (!nl) {
    linelen = protolen = remain;
  } else {
    linelen = (uint32_t)(nl - s) + 1;
    protolen = linelen > 1 && s[linelen - 2] == '\r' ? linelen - 2 : linelen - 1;
  }
  if (x->p->want_columns) {
    size_t cap = 4 * (size_t)protolen + 1;
    char *o = dx_arena_alloc(&x->p->arena, cap);
    if (o) {
      dx_escape(s, protolen, o, cap);
      info_add(x, "Protocol (%s)", o);
    }
  }
  dx_add_item(x->p, x->ssh, FL(F_PROTOCOL), t, off, protolen);
  return off + linelen;
}

/* ---- key exchange helpers -------------------------------------------- */
/* ssh_tree_add_mpint / ssh_tree_add_string: a length and the bytes. */
static uint32_t add_lv(sx *x, dx_node *tree, uint32_t off, int f_len, int f_val) {
  uint32_t len = 0;
  if (!get32(x, off, &len))
    return 0;
  dx_add_uint(x->p, tree, FL(f_len), x->t, off, 4, len);
  if (!need(x, off + 4, len))
    return 0;
  dx_add_item(x->p, tree, FL(f_val), x->t, off + 4, len);
  return 4 + len;
}

static uint32_t add_mpint(sx *x, dx_node *tree, uint32_t off, int f_val) {
  return add_lv(x, tree, off, F_MPINT_LEN, f_val);
}

/* The key or signature's length and type name, read before its subtree. */
static bool blob_head(sx *x, uint32_t off, uint32_t *blen, uint32_t *tlen, const char **type,
                      size_t *typelen) {
  if (!get32(x, off, blen) || !get32(x, off + 4, tlen) || !need(x, off + 8, *tlen))
    return false;
  *type = ascii_str(x->p, x->t->data + off + 8, *tlen, typelen);
  return true;
}

static bool has_prefix(const char *s, const char *pre) {
  return strncmp(s, pre, strlen(pre)) == 0;
}

static uint32_t hostkey(sx *x, dx_node *parent, uint32_t off) {
  dx_packet *p = x->p;
  uint32_t klen = 0, tlen = 0;
  const char *type;
  size_t typelen;
  if (!blob_head(x, off, &klen, &tlen, &type, &typelen))
    return 0;
  dx_node *tree = dx_add_none(p, parent, FL(F_HOSTKEY), x->t, off, 0);
  if (!need(x, off, (uint64_t)klen + 4))
    return 0;
  dx_node_set_len(tree, klen + 4);
  dx_node_set_text(p, tree, "KEX host key (type: %s)", label_text(p, type, typelen));
  dx_add_uint(p, tree, FL(F_HK_LEN), x->t, off, 4, klen);
  dx_add_uint(p, tree, FL(F_HK_TYPE_LEN), x->t, off + 4, 4, tlen);
  dx_add_string(p, tree, FL(F_HK_TYPE), x->t, off + 8, tlen, type, typelen);
  uint32_t o = off + 8 + tlen;
  if (!strcmp(type, "ssh-rsa")) {
    uint32_t n = add_mpint(x, tree, o, F_HK_RSA_E);
    if (!x->stop)
      add_mpint(x, tree, o + n, F_HK_RSA_N);
  } else if (!strcmp(type, "ssh-dss")) {
    static const int f[4] = {F_HK_DSA_P, F_HK_DSA_Q, F_HK_DSA_G, F_HK_DSA_Y};
    for (int i = 0; i < 4 && !x->stop; i++)
      o += add_mpint(x, tree, o, f[i]);
  } else if (has_prefix(type, "ecdsa-sha2-")) {
    uint32_t n = add_lv(x, tree, o, F_HK_ECDSA_ID_LEN, F_HK_ECDSA_ID);
    if (!x->stop)
      add_lv(x, tree, o + n, F_HK_ECDSA_Q_LEN, F_HK_ECDSA_Q);
  } else if (has_prefix(type, "ssh-ed")) {
    add_lv(x, tree, o, F_HK_EDDSA_LEN, F_HK_EDDSA);
  } else {
    uint32_t rem = klen - (tlen + 4); /* (a negative length in tshark: an exception) */
    if (tlen + 4 < tlen || tlen + 4 > klen) {
      need(x, o, (uint64_t)UINT32_MAX + 1);
      return 0;
    }
    if (need(x, o, rem))
      dx_add_item(p, tree, FL(F_HK_DATA), x->t, o, rem);
  }
  return 4 + klen;
}

static uint32_t hostsig(sx *x, dx_node *parent, uint32_t off) {
  dx_packet *p = x->p;
  uint32_t slen = 0, tlen = 0;
  const char *type;
  size_t typelen;
  if (!blob_head(x, off, &slen, &tlen, &type, &typelen))
    return 0;
  dx_node *tree = dx_add_none(p, parent, FL(F_HOSTSIG), x->t, off, 0);
  if (!need(x, off, (uint64_t)slen + 4))
    return 0;
  dx_node_set_len(tree, slen + 4);
  dx_node_set_text(p, tree, "KEX host signature (type: %s)", label_text(p, type, typelen));
  dx_node *ln = dx_add_uint(p, tree, FL(F_HS_LEN), x->t, off, 4, slen);
  dx_add_uint(p, tree, FL(F_HS_TYPE_LEN), x->t, off + 4, 4, tlen);
  dx_add_string(p, tree, FL(F_HS_TYPE), x->t, off + 8, tlen, type, typelen);
  uint32_t o = off + 8 + tlen;
  if (!strcmp(type, "ssh-rsa")) {
    o += add_mpint(x, tree, o, F_HS_RSA);
  } else if (!strcmp(type, "ssh-dss")) {
    o += add_mpint(x, tree, o, F_HS_DSA);
  } else if (has_prefix(type, "ecdsa-sha2-") || has_prefix(type, "ssh-ed")) {
    /* (tshark 4.0 reads nothing of these) */
  } else {
    if (tlen + 4 < tlen || tlen + 4 > slen) {
      need(x, o, (uint64_t)UINT32_MAX + 1);
      return 0;
    }
    uint32_t rem = slen - (tlen + 4);
    if (need(x, o, rem))
      dx_add_item(p, tree, FL(F_HS_DATA), x->t, o, rem);
  }
  if (x->stop)
    return 0;
  /* (int)(4+sig_len) in tshark: the sums wrap as C's ints do there */
  int dec = (int)(o - off), want = (int)(4u + slen);
  if (dec != want)
    dx_expert(p, ln, FL(F_DECODE_ERROR), DX_SEV_WARN,
              "Decoded %d bytes, but packet legnth is %d bytes", dec, (int)slen);
  return 4 + slen;
}

/* tshark's ssh_choose_algo(): the first of the client's names that the
 * server lists too. */
static const char *choose(const char *client, const char *server, size_t *len) {
  if (!*client || !*server)
    return NULL;
  const char *c = client;
  for (;;) {
    const char *ce = strchr(c, ',');
    size_t cl = ce ? (size_t)(ce - c) : strlen(c);
    const char *s = server;
    for (;;) {
      const char *se = strchr(s, ',');
      size_t sl = se ? (size_t)(se - s) : strlen(s);
      if (sl == cl && !memcmp(s, c, cl)) {
        *len = cl;
        return c;
      }
      if (!se)
        break;
      s = se + 1;
    }
    if (!ce)
      return NULL;
    c = ce + 1;
  }
}

/* A name chosen from the client's and the server's lists (prop index j),
 * kept in *dst. */
static void choose_into(sx *x, int j, char **dst, size_t *cost) {
  ssh_conv *c = x->c;
  if (*dst || !c->peer[0].prop[j] || !c->peer[1].prop[j])
    return;
  size_t n = 0;
  const char *k = choose(c->peer[0].prop[j], c->peer[1].prop[j], &n);
  if (k)
    *dst = keep(c, x->stateful, k, n, cost);
}

static bool is_aead(const char *enc) {
  return enc && (!strcmp(enc, "aes128-gcm@openssh.com") || !strcmp(enc, "aes256-gcm@openssh.com") ||
                 !strcmp(enc, "chacha20-poly1305@openssh.com"));
}

/* tshark's ssh_set_mac_length(): the MAC's length from its name. */
static void set_mac_length(ssh_peer *pe, const char *name) {
  char m[128];
  if (strlen(name) >= sizeof m)
    return;
  strcpy(m, name);
  char *strip = strstr(m, "-etm@openssh.com");
  if (strip) {
    pe->length_is_plaintext = true;
    *strip = 0;
  } else if ((strip = strstr(m, "@openssh.com")) != NULL) {
    *strip = 0;
  }
  const char *dash = strrchr(m, '-');
  uint64_t size = 0;
  bool num = dash && dash[1] >= '0' && dash[1] <= '9';
  for (const char *q = dash ? dash + 1 : ""; num && *q; q++) {
    if (*q < '0' || *q > '9' || size > 0xffffffffu / 10)
      num = false;
    else
      size = size * 10 + (uint64_t)(*q - '0');
  }
  if (num && size > 0 && size <= 0xffffffffu && size % 8 == 0)
    pe->mac_length = (int)(size / 8);
  else if (!strcmp(m, "hmac-sha1") || !strcmp(m, "hmac-ripemd160"))
    pe->mac_length = 20;
  else if (!strcmp(m, "hmac-md5"))
    pe->mac_length = 16;
  else if (!strcmp(m, "none"))
    pe->mac_length = 0;
}

/* What tshark 4.0 chooses for both directions when a DH or ECDH reply
 * comes (where it would derive the keys): the cipher, the MAC where it is
 * one it can check (hmac-sha2-256; none with an AEAD cipher), the
 * compression. */
static void choose_enc_mac(sx *x) {
  for (int d = 0; d < 2; d++) {
    ssh_peer *pe = &x->c->peer[d];
    choose_into(x, 1 + d, &pe->enc, &pe->enc_cost);
    if (is_aead(pe->enc)) {
      pe->mac_length = 16;
      if (strstr(pe->enc, "gcm"))
        pe->length_is_plaintext = true;
    } else if (!pe->mac) {
      char *m = NULL;
      size_t mc = 0;
      choose_into(x, 3 + d, &m, &mc);
      if (m)
        set_mac_length(pe, m);
      if (m && !strcmp(m, "hmac-sha2-256")) {
        pe->mac = m;
        pe->mac_cost = mc;
      } else {
        free(m);
        dx_budget_give(x->c->budget, mc);
      }
    }
    choose_into(x, 5 + d, &pe->comp, &pe->comp_cost);
  }
}

/* The ciphers tshark 4.0 sets up for decryption at NEWKEYS (keys or not). */
static bool can_decrypt(const char *enc) {
  static const char *const names[] = {"chacha20-poly1305@openssh.com",
                                      "aes128-gcm@openssh.com",
                                      "aes256-gcm@openssh.com",
                                      "aes128-cbc",
                                      "aes192-cbc",
                                      "aes256-cbc",
                                      "aes128-ctr",
                                      "aes192-ctr",
                                      "aes256-ctr"};
  for (size_t i = 0; enc && i < DX_ARRAY_LEN(names); i++)
    if (!strcmp(enc, names[i]))
      return true;
  return false;
}

/* The key exchange method's own messages (codes 30 to 39). */
static uint32_t kex_specific(sx *x, uint8_t code, uint32_t off, dx_node *tree, uint32_t *seq) {
  dx_packet *p = x->p;
  ssh_conv *c = x->c;
  ssh_peer *cl = &c->peer[0], *sv = &c->peer[1];
  const dx_tvb *t = x->t;
  int kind = c->kex_kind;
  const dx_vals *vals = kind == KEX_GEX    ? ssh2_kex_gex_vals
                        : kind == KEX_ECDH ? ssh2_kex_ecdh_vals
                                           : ssh2_kex_dh_vals;
  int fmsg = kind == KEX_GEX ? F_MSG_GEX : kind == KEX_ECDH ? F_MSG_ECDH : F_MSG_DH;
  dx_add_item(p, tree, FL(fmsg), t, off, 1);
  off += 1;
  const char *name = dx_val_name(vals, code);
  char unk[24];
  if (!name) {
    snprintf(unk, sizeof unk, "Unknown (%u)", code);
    name = unk;
  }
  info_add(x, "%s", name);
  if (kind == KEX_DH) {
    *seq = 0;
    if (code == 30) {
      off += add_mpint(x, tree, off, F_DH_E);
      if (x->stop)
        return off;
      if (cl->seq_dh_ini == 0)
        cl->seq_dh_ini = ++cl->seq;
      *seq = cl->seq_dh_ini;
    } else if (code == 31) {
      off += hostkey(x, tree, off);
      if (!x->stop)
        choose_enc_mac(x);
      if (!x->stop)
        off += add_mpint(x, tree, off, F_DH_F);
      if (!x->stop)
        off += hostsig(x, tree, off);
      if (x->stop)
        return off;
      if (sv->seq_dh_rep == 0)
        sv->seq_dh_rep = ++sv->seq;
      *seq = sv->seq_dh_rep;
    }
  } else if (kind == KEX_GEX) {
    *seq = 0;
    switch (code) {
    case 30:
      if (need(x, off, 4))
        dx_add_item(p, tree, FL(F_GEX_NBITS), t, off, 4);
      off += 4;
      break;
    case 31:
      off += add_mpint(x, tree, off, F_GEX_P);
      if (!x->stop)
        off += add_mpint(x, tree, off, F_GEX_G);
      if (x->stop)
        return off;
      if (sv->seq_gex_grp == 0)
        sv->seq_gex_grp = ++sv->seq;
      *seq = sv->seq_gex_grp;
      break;
    case 32:
      off += add_mpint(x, tree, off, F_DH_E);
      if (x->stop)
        return off;
      if (cl->seq_gex_ini == 0)
        cl->seq_gex_ini = ++cl->seq;
      *seq = cl->seq_gex_ini;
      break;
    case 33:
      off += hostkey(x, tree, off);
      if (!x->stop)
        off += add_mpint(x, tree, off, F_DH_F);
      if (!x->stop)
        off += hostsig(x, tree, off);
      if (x->stop)
        return off;
      if (sv->seq_gex_rep == 0)
        sv->seq_gex_rep = ++sv->seq;
      *seq = sv->seq_gex_rep;
      break;
    case 34:
      if (!need(x, off, 12))
        return off;
      dx_add_item(p, tree, FL(F_GEX_MIN), t, off, 4);
      dx_add_item(p, tree, FL(F_GEX_NBITS), t, off + 4, 4);
      dx_add_item(p, tree, FL(F_GEX_MAX), t, off + 8, 4);
      off += 12;
      if (cl->seq_gex_req == 0)
        cl->seq_gex_req = ++cl->seq;
      *seq = cl->seq_gex_req;
      break;
    }
  } else {
    if (code == 30) {
      if (cl->seq_ecdh_ini == 0)
        cl->seq_ecdh_ini = cl->seq++;
      *seq = cl->seq_ecdh_ini;
      off += add_lv(x, tree, off, F_ECDH_QC_LEN, F_ECDH_QC);
    } else if (code == 31) {
      off += hostkey(x, tree, off);
      if (x->stop)
        return off;
      choose_enc_mac(x);
      if (sv->seq_ecdh_rep == 0)
        sv->seq_ecdh_rep = sv->seq++;
      *seq = sv->seq_ecdh_rep;
      off += add_lv(x, tree, off, F_ECDH_QS_LEN, F_ECDH_QS);
      if (!x->stop)
        off += hostsig(x, tree, off);
    }
  }
  return off;
}

static void md5_hex(const char *s, size_t n, char out[33]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  out[0] = 0;
  if (EVP_Digest(s, n, md, &mdlen, EVP_md5(), NULL) != 1 || mdlen != 16)
    return;
  static const char hx[] = "0123456789abcdef";
  for (int i = 0; i < 16; i++) {
    out[2 * i] = hx[md[i] >> 4];
    out[2 * i + 1] = hx[md[i] & 15];
  }
  out[32] = 0;
}

static uint32_t key_init(sx *x, uint32_t off, dx_node *tree) {
  dx_packet *p = x->p;
  const dx_tvb *t = x->t;
  uint32_t start = off;
  dx_node *algs = dx_add_none(p, tree, FL(F_ALGS), t, off, 0);
  if (!need(x, off, 16))
    return off;
  dx_add_item(p, algs, FL(F_COOKIE), t, off, 16);
  off += 16;
  static const int lens[10] = {F_KEX_ALGS_LEN, F_HOSTKEY_ALGS_LEN, F_ENC_C2S_LEN,  F_ENC_S2C_LEN,
                               F_MAC_C2S_LEN,  F_MAC_S2C_LEN,      F_COMP_C2S_LEN, F_COMP_S2C_LEN,
                               F_LANG_C2S_LEN, F_LANG_S2C_LEN};
  const char *str[10] = {0};
  size_t slen[10] = {0};
  for (int i = 0; i < 10; i++) {
    uint32_t len = 0;
    if (!get32(x, off, &len))
      return off;
    dx_add_uint(p, algs, FL(lens[i]), t, off, 4, len);
    off += 4;
    if (!need(x, off, len))
      return off;
    dx_add_item(p, algs, FL(F_KEX_ALGS + i), t, off, len);
    str[i] = ascii_str(p, t->data + off, len, &slen[i]);
    /* kept as soon as read, as tshark keeps them (a list after it may
     * still run past the bytes): kex, encryption, mac, compression */
    int j = i == 0 ? 0 : i >= 2 && i <= 7 ? i - 1 : -1;
    if (j >= 0) {
      ssh_peer *pe = &x->c->peer[x->resp];
      free(pe->prop[j]);
      dx_budget_give(x->c->budget, pe->prop_cost[j]);
      pe->prop[j] = keep(x->c, x->stateful, str[i], slen[i], &pe->prop_cost[j]);
    }
    off += len;
  }
  if (!need(x, off, 1))
    return off;
  dx_add_item(p, algs, FL(F_FIRST_KEX), t, off, 1);
  off += 1;
  if (!need(x, off, 4))
    return off;
  dx_add_item(p, algs, FL(F_RESERVED), t, off, 4);
  off += 4;
  /* HASSH: kex;encryption;mac;compression of the sender's direction */
  int d = x->resp; /* 0: the client-to-server lists, 1: server-to-client */
  size_t hl = slen[0] + slen[2 + d] + slen[4 + d] + slen[6 + d] + 3;
  char *h = dx_arena_alloc(&p->arena, hl + 1);
  if (h) {
    snprintf(h, hl + 1, "%s;%s;%s;%s", str[0], str[2 + d], str[4 + d], str[6 + d]);
    char md[33];
    md5_hex(h, hl, md);
    dx_node *a = dx_add_string(p, algs, FL(d ? F_HASSHS_ALGS : F_HASSH_ALGS), t, off, 0, h, hl);
    dx_node_set_flags(a, DX_NODE_GENERATED);
    dx_node *m = dx_add_string(p, algs, FL(d ? F_HASSHS : F_HASSH), t, off, 0, md, strlen(md));
    dx_node_set_flags(m, DX_NODE_GENERATED);
  }
  ssh_conv *c = x->c;
  if (c->peer[0].prop[0] && c->peer[1].prop[0] && !c->kex) {
    size_t kl = 0;
    const char *k = choose(c->peer[0].prop[0], c->peer[1].prop[0], &kl);
    if (k) {
      c->kex = keep(c, x->stateful, k, kl, &c->kex_cost);
      if (c->kex) {
        if (!strcmp(c->kex, "diffie-hellman-group-exchange-sha1") ||
            !strcmp(c->kex, "diffie-hellman-group-exchange-sha256"))
          c->kex_kind = KEX_GEX;
        else if (has_prefix(c->kex, "ecdh-sha2-") ||
                 !strcmp(c->kex, "curve25519-sha256@libssh.org") ||
                 !strcmp(c->kex, "curve25519-sha256") || !strcmp(c->kex, "curve448-sha512"))
          c->kex_kind = KEX_ECDH;
      }
    }
  }
  dx_node_set_len(algs, off - start);
  return off;
}

/* One binary packet of the key exchange (ssh_dissect_key_exchange). */
static uint32_t key_exchange(sx *x, uint32_t off, dx_node *tree) {
  dx_packet *p = x->p;
  const dx_tvb *t = x->t;
  ssh_conv *c = x->c;
  ssh_peer *pe = &c->peer[x->resp];
  uint32_t last = off;
  uint32_t remain = t->len - off;
  if (remain < 4 && x->can_deseg) {
    p->desegment_offset = off;
    p->desegment_len = DX_DESEGMENT_ONE_MORE;
    x->need_deseg = true;
    return off;
  }
  uint32_t plen = 0;
  if (!get32(x, off, &plen))
    return off;
  if (x->can_deseg && plen + 4u > remain) { /* (wraps as tshark's guint sum) */
    p->desegment_offset = off;
    p->desegment_len = plen + 4u - remain;
    x->need_deseg = true;
    return off;
  }
  dx_node *ln = dx_add_uint(p, tree, FL(F_PKT_LEN), t, off, 4, plen);
  if (plen >= 0xffff) {
    dx_expert(p, ln, FL(F_LEN_ERROR), DX_SEV_WARN, "Overly large number %d", (int)plen);
    plen = remain - 4; /* (wraps when fewer than 4 bytes remain, as in tshark) */
  }
  off += 4;
  if (!need(x, off, 1))
    return off;
  uint8_t padlen = t->data[off];
  dx_add_uint(p, tree, FL(F_PAD_LEN), t, off, 1, padlen);
  off += 1;
  dx_node *kt = dx_add_none(p, tree, FL(F_KEX), t, off, 0);
  if (c->kex)
    dx_node_set_text(p, kt, "Key Exchange (method:%s)", label_text(p, c->kex, strlen(c->kex)));
  /* (tshark's subtree length plen-1: -1, to the end, when plen is 0) */
  dx_node_set_len(kt, plen && plen - 1 <= t->len - off ? plen - 1 : t->len - off);
  if (!need(x, off, 1))
    return off;
  uint8_t code = t->data[off];
  uint32_t seq = 0;
  if (code >= 30 && code < 40) {
    off = kex_specific(x, code, off, kt, &seq);
  } else {
    dx_add_item(p, kt, FL(F_MSG), t, off, 1);
    off += 1;
    const char *name = dx_val_name(ssh2_msg_vals, code);
    char unk[24];
    if (!name) {
      snprintf(unk, sizeof unk, "Unknown (%u)", code);
      name = unk;
    }
    info_add(x, "%s", name);
    if (code == 20) {
      off = key_init(x, off, kt);
      if (x->stop)
        return off;
      if (pe->key_start == 0 || pe->key_start == x->num) {
        pe->key_start = x->num;
        if (pe->seq_kex_init == 0)
          pe->seq_kex_init = pe->seq++;
      }
      seq = pe->seq_kex_init;
    } else if (code == 21) {
      if (pe->key_end == 0) {
        pe->key_end = x->num;
        pe->key_end_offset = off;
        if (pe->seq_new_key == 0)
          pe->seq_new_key = pe->seq++;
        pe->decrypt = can_decrypt(pe->enc);
      }
      seq = pe->seq_new_key;
    }
  }
  if (x->stop)
    return off;
  uint32_t used = off - last;
  uint32_t len = plen + 4u - padlen - used; /* (guint arithmetic, as tshark's) */
  if (len > 0) {
    if (!need(x, off, len))
      return off;
    dx_add_item(p, kt, FL(F_PAYLOAD), t, off, len);
  }
  off += len;
  if (!need(x, off, padlen))
    return off;
  dx_add_item(p, tree, FL(F_PAD_STR), t, off, padlen);
  off += padlen;
  dx_add_uint(p, tree, FL(F_SEQ), t, off, 0, seq);
  return off;
}

/* The rest of the bytes as one encrypted packet. */
static uint32_t encrypted(sx *x, uint32_t off, dx_node *tree) {
  dx_packet *p = x->p;
  ssh_peer *pe = &x->c->peer[x->resp];
  const dx_tvb *t = x->t;
  uint32_t len = t->reported - off;
  if (p->want_columns)
    dx_col_info_append_sep(p, ", ", "Encrypted packet (len=%d)", (int)len);
  int64_t enc = len;
  if (!dx_layer_built(p, x->ssh))
    return off + len; /* (tshark reads the rest only for a tree) */
  if (len > 4) {
    if (!need(x, off, 4))
      return off;
    dx_add_item(p, tree, FL(pe->length_is_plaintext ? F_PKT_LEN : F_PKT_LEN_ENC), t, off, 4);
    enc -= 4;
  }
  if (pe->mac_length > 0)
    enc -= pe->mac_length;
  if (enc < 0) { /* (a negative length: tshark's exception) */
    need(x, off, (uint64_t)UINT32_MAX + 1);
    return off;
  }
  if (!need(x, off + 4, (uint64_t)enc))
    return off;
  dx_add_item(p, tree, FL(F_ENC_PKT), t, off + 4, (uint32_t)enc);
  if (pe->mac_length > 0) {
    if (!need(x, off + 4 + (uint32_t)enc, (uint32_t)pe->mac_length))
      return off;
    dx_add_item(p, tree, FL(F_MAC), t, off + 4 + (uint32_t)enc, (uint32_t)pe->mac_length);
  }
  return off + len;
}

/* SSH version 1 (ssh_dissect_ssh1). */
static uint32_t ssh1_packet(sx *x, uint32_t off) {
  dx_packet *p = x->p;
  const dx_tvb *t = x->t;
  ssh_peer *pe = &x->c->peer[x->resp];
  dx_node *tree = dx_add_none(p, x->ssh, FL(F_V1), t, off, t->len - off);
  uint32_t remain = t->len - off;
  if (remain < 4 && x->can_deseg) {
    p->desegment_offset = off;
    p->desegment_len = DX_DESEGMENT_ONE_MORE;
    x->need_deseg = true;
    return off;
  }
  uint32_t plen = 0;
  if (!get32(x, off, &plen))
    return off;
  uint32_t padlen = 8 - plen % 8;
  if (x->can_deseg && plen + 4 + padlen > remain) {
    p->desegment_offset = off;
    p->desegment_len = plen + padlen - remain;
    x->need_deseg = true;
    return off;
  }
  if (plen >= 0xffff) {
    dx_node *n = dx_add_uint(p, tree, FL(F_PKT_LEN), t, off, 4, plen);
    dx_node_set_text(p, n, "Overly large length %x", plen);
    plen = remain - 4 - padlen;
  } else if (plen > 0) {
    dx_add_uint(p, tree, FL(F_PKT_LEN), t, off, 4, plen);
  }
  off += 4;
  if (!need(x, off, padlen))
    return off;
  dx_add_uint(p, tree, FL(F_PAD_LEN), t, off, padlen, padlen);
  off += padlen;
  uint32_t len;
  if (pe->key_start == 0 || (pe->key_start >= x->num && x->num <= pe->key_end)) {
    if (!need(x, off, 1))
      return off;
    uint8_t code = t->data[off];
    dx_add_item(p, tree, FL(F_MSG1), t, off, 1);
    const char *name = dx_val_name(ssh1_msg_vals, code);
    char unk[24];
    if (!name) {
      snprintf(unk, sizeof unk, "Unknown (%u)", code);
      name = unk;
    }
    info_add(x, "%s", name);
    off += 1;
    len = plen - 1;
    if (pe->key_start == 0)
      pe->key_start = x->num;
    pe->key_end = x->num;
  } else {
    len = plen;
    if (p->want_columns)
      dx_col_info_append_sep(p, ", ", "Encrypted packet (len=%d)", (int)len);
  }
  if (!need(x, off, len))
    return off;
  dx_add_item(p, tree, FL(F_PAYLOAD), t, off, len);
  return off + len;
}

/* SSH version 2 (ssh_dissect_ssh2): binary packets until the bytes end. */
static uint32_t ssh2_packets(sx *x, uint32_t off) {
  dx_packet *p = x->p;
  const dx_tvb *t = x->t;
  ssh_peer *pe = &x->c->peer[x->resp];
  while (off < t->len && !x->stop) {
    uint32_t last = off;
    dx_node *tree = dx_add_none(p, x->ssh, FL(F_V2), t, off, t->len - off);
    if (tree && (pe->enc || pe->mac || pe->comp) && dx_label_wanted(p, tree)) {
      /* "SSH Version 2 (encryption:E mac:M compression:C)" */
      const char *e = pe->enc ? label_text(p, pe->enc, strlen(pe->enc)) : NULL;
      const char *m = pe->mac ? label_text(p, pe->mac, strlen(pe->mac)) : NULL;
      const char *z = pe->comp ? label_text(p, pe->comp, strlen(pe->comp)) : NULL;
      dx_node_set_text(p, tree, "SSH Version 2 (%s%s%s%s%s%s%s%s)", e ? "encryption:" : "",
                       e ? e : "", e && (m || z) ? " " : "", m ? "mac:" : "", m ? m : "",
                       m && z ? " " : "", z ? "compression:" : "", z ? z : "");
    }
    if (pe->key_start == 0 ||
        (pe->key_start <= x->num && (pe->key_end == 0 || x->num < pe->key_end ||
                                     (x->num == pe->key_end && off < pe->key_end_offset)))) {
      off = key_exchange(x, off, tree);
      if (x->need_deseg)
        break;
    } else if (pe->decrypt) {
      /* tshark 4.0 decrypts with the keys it derived (none without a key
       * log): the length it reads is then beyond any packet, and it shows
       * nothing of the rest of the bytes. It reads first the 4 bytes of
       * ChaCha20's length, AES-GCM's length (in the clear) and the packet
       * it gives, an AES block otherwise: fewer bytes end the dissection
       * (AES-GCM's packet that fits makes tshark 4.0.17 crash; here it is
       * shown as the others). */
      const char *e = pe->enc;
      if (!strcmp(e, "chacha20-poly1305@openssh.com")) {
        need(x, off, 4);
      } else if (strstr(e, "-gcm@")) {
        uint32_t ml = 0;
        if (get32(x, off, &ml))
          need(x, off, (uint64_t)ml + 4);
      } else {
        need(x, off, 16);
      }
      if (x->stop)
        break;
      off = t->len;
    } else {
      off = encrypted(x, off, tree);
    }
    if (x->stop)
      break;
    dx_node_set_len(tree, off - last);
    if (off <= last) /* (cannot happen: each packet takes 5 bytes at least) */
      break;
  }
  return off;
}

/* tshark's match_uint: the lower port first, then the higher, in TCP's
 * port table (22, 29418); a decode-as rule otherwise (then the direction
 * of the connection's first packet is the client's). */
static int is_response(const dx_packet *p) {
  uint16_t lo = p->srcport < p->dstport ? p->srcport : p->dstport;
  uint16_t hi = p->srcport < p->dstport ? p->dstport : p->srcport;
  uint16_t m;
  if (lo == 22 || lo == 29418)
    m = lo;
  else if (hi == 22 || hi == 29418)
    m = hi;
  else
    return p->flow_dir & 1;
  return p->dstport != m;
}

static uint32_t dissect_ssh(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  ssh_conv tmp;
  ssh_conv *c = conv_get(p, &tmp);
  sx x;
  memset(&x, 0, sizeof x);
  x.p = p;
  x.t = t;
  x.c = c;
  x.stateful = c != &tmp;
  x.resp = is_response(p);
  x.num = p->num + 1;
  x.can_deseg = dx_in_stream(p) && t->reported <= t->len;
  ssh_peer *pe = &c->peer[x.resp];
  uint32_t off = 0;
  if (c->skip[x.resp]) {
    off = c->skip[x.resp] < t->len ? c->skip[x.resp] : 0;
    c->skip[x.resp] = 0;
  }
  x.ssh = dx_add_proto(p, parent, FL(F_SSH), t, off, t->len - off);
  int version = c->version;
  dx_col_set_proto(p, version == V_1 ? "SSHv1" : version == V_2 ? "SSHv2" : "SSH");
  /* As tshark: Info is cleared on the first call in a frame; a later one
   * (the bytes after a reassembled packet) appends to it, behind TCP's
   * fence, and its "Client: " prefix goes before the whole. */
  if (p->want_columns && c->info_frame != x.num)
    dx_col_info_clear(p);
  c->info_frame = x.num;
  for (unsigned i = 0; off < t->reported && i < 65536; i++) {
    bool after_start = pe->version_start == 0 || x.num >= pe->version_start;
    bool before_end = pe->version_end == 0 || x.num <= pe->version_end;
    uint32_t last = off;
    if (after_start && before_end && off < t->len && t->len - off >= 4 &&
        !strncasecmp((const char *)t->data + off, "SSH-", 4)) {
      if (pe->version_start == 0)
        pe->version_start = x.num;
      off = protocol_line(&x, off, &version);
      if (!x.need_deseg) {
        pe->version_end = x.num;
        c->version = version;
      }
    } else if (version == V_1) {
      off = ssh1_packet(&x, off);
    } else if (version == V_2) {
      off = ssh2_packets(&x, off);
    } else {
      off = encrypted(&x, off, x.ssh);
    }
    if (x.need_deseg || x.stop)
      return t->len;
    if (off <= last)
      break;
  }
  if (p->want_columns) {
    char *cur = dx_arena_printf(&p->arena, "%s: %.*s", x.resp ? "Server" : "Client",
                                (int)p->col_info_len, p->col_info ? p->col_info : "");
    if (cur)
      dx_col_info_restore(p, cur, strlen(cur));
  }
  dx_node *d = dx_add_uint(p, x.ssh, FL(F_DIR), t, 0, 0, (uint64_t)x.resp);
  dx_node_set_flags(d, DX_NODE_GENERATED);
  dx_node_set_text(p, d, "Direction: %s", x.resp ? "server-to-client" : "client-to-server");
  return t->len;
}

static const dx_reg ssh_regs[] = {
    {DX_TABLE_TCP_PORT, 22}, {DX_TABLE_TCP_PORT, 29418}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_ssh = {
    .name = "ssh",
    .label = "SSH Protocol",
    .fields = ssh_fields,
    .nfields = DX_ARRAY_LEN(ssh_fields),
    .dissect = dissect_ssh,
    .regs = ssh_regs,
};

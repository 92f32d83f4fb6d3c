/* Radiotap (LINKTYPE_IEEE802_11_RADIOTAP, 127), the radio header of
 * 802.11 monitor-mode captures, as radiotap.org defines it: version, pad,
 * a little-endian length of the whole header, one or more 32-bit
 * "present" bitmaps (bit 31 says another follows; bit 29 starts the
 * radiotap namespace again, bit 30 a vendor namespace), then the fields
 * of the set bits in bit order, each aligned to its natural size from the
 * start of the header. Every read is bounded by the header length; a field
 * whose size is unknown (a bit this code does not know) ends the walk, as
 * its successors cannot be found. A vendor namespace's data is skipped by
 * its skip_length. After the header come the 802.11 frame (ieee80211.c)
 * and, if the Flags field says so, its 4-byte FCS.
 *
 * "802.11 radio information" (wlan_radio) is tshark's summary of the radio
 * fields, whatever header carried them; it is added here with the fields
 * radiotap gave (rate, channel, frequency, signal, noise, TSF). */
#include "../core/dx.h"

enum {
  F_RT,
  F_VERSION,
  F_PAD,
  F_LENGTH,
  F_PRESENT,
  F_PWORD,
  F_P_TSFT,
  F_P_FLAGS,
  F_P_RATE,
  F_P_CHANNEL,
  F_P_FHSS,
  F_P_ANTSIG,
  F_P_ANTNOISE,
  F_P_LOCKQ,
  F_P_ANTENNA,
  F_P_DBANTSIG,
  F_P_RXFLAGS,
  F_P_MCS,
  F_P_AMPDU,
  F_P_VHT,
  F_P_HE,
  F_P_TLV,
  F_P_RTNS,
  F_P_VNS,
  F_P_EXT,
  F_MACTIME,
  F_FLAGS,
  F_FLAGS_CFP,
  F_FLAGS_PREAMBLE,
  F_FLAGS_WEP,
  F_FLAGS_FRAG,
  F_FLAGS_FCS,
  F_FLAGS_DATAPAD,
  F_FLAGS_BADFCS,
  F_FLAGS_SHORTGI,
  F_DATARATE,
  F_FREQ,
  F_CHFLAGS,
  F_ANTSIG,
  F_ANTNOISE,
  F_ANTENNA,
  F_DBANTSIG,
  F_RXFLAGS,
  F_VENDOR_OUI,
  F_VENDOR_SKIP,
};

static const dx_vals present_vals[] = {{0, "Absent"}, {1, "Present"}, {0, NULL}};
static const dx_vals tf_vals[] = {{0, "False"}, {1, "True"}, {0, NULL}};
static const dx_vals preamble_vals[] = {{0, "Long"}, {1, "Short"}, {0, NULL}};

#define PBIT(abbr, lbl, m) DX_FM(abbr, lbl, DX_FT_BOOL, DX_BASE_NONE, present_vals, m, 32)
#define FBIT(abbr, lbl, m) DX_FM(abbr, lbl, DX_FT_BOOL, DX_BASE_NONE, tf_vals, m, 8)

static const dx_field rt_fields[] = {
    [F_RT] = DX_F("radiotap", "Radiotap Header", DX_FT_PROTOCOL, DX_BASE_NONE),
    [F_VERSION] = DX_F("radiotap.version", "Header revision", DX_FT_UINT8, DX_BASE_DEC),
    [F_PAD] = DX_F("radiotap.pad", "Header pad", DX_FT_UINT8, DX_BASE_DEC),
    [F_LENGTH] = DX_F("radiotap.length", "Header length", DX_FT_UINT16, DX_BASE_DEC),
    [F_PRESENT] = DX_F("radiotap.present", "Present flags", DX_FT_NONE, DX_BASE_NONE),
    [F_PWORD] = DX_F("radiotap.present.word", "Present flags word", DX_FT_UINT32, DX_BASE_HEX),
    [F_P_TSFT] = PBIT("radiotap.present.tsft", "TSFT", 0x1),
    [F_P_FLAGS] = PBIT("radiotap.present.flags", "Flags", 0x2),
    [F_P_RATE] = PBIT("radiotap.present.rate", "Rate", 0x4),
    [F_P_CHANNEL] = PBIT("radiotap.present.channel", "Channel", 0x8),
    [F_P_FHSS] = PBIT("radiotap.present.fhss", "FHSS", 0x10),
    [F_P_ANTSIG] = PBIT("radiotap.present.dbm_antsignal", "dBm Antenna Signal", 0x20),
    [F_P_ANTNOISE] = PBIT("radiotap.present.dbm_antnoise", "dBm Antenna Noise", 0x40),
    [F_P_LOCKQ] = PBIT("radiotap.present.lock_quality", "Lock Quality", 0x80),
    [F_P_ANTENNA] = PBIT("radiotap.present.antenna", "Antenna", 0x800),
    [F_P_DBANTSIG] = PBIT("radiotap.present.db_antsignal", "dB Antenna Signal", 0x1000),
    [F_P_RXFLAGS] = PBIT("radiotap.present.rxflags", "RX flags", 0x4000),
    [F_P_MCS] = PBIT("radiotap.present.mcs", "MCS information", 0x80000),
    [F_P_AMPDU] = PBIT("radiotap.present.ampdu", "A-MPDU Status", 0x100000),
    [F_P_VHT] = PBIT("radiotap.present.vht", "VHT information", 0x200000),
    [F_P_HE] = PBIT("radiotap.present.he", "HE information", 0x800000),
    [F_P_TLV] = PBIT("radiotap.present.tlv", "TLVs", 0x10000000),
    [F_P_RTNS] = DX_FM("radiotap.present.rtap_ns", "Radiotap NS next", DX_FT_BOOL, DX_BASE_NONE,
                       tf_vals, 0x20000000, 32),
    [F_P_VNS] = DX_FM("radiotap.present.vendor_ns", "Vendor NS next", DX_FT_BOOL, DX_BASE_NONE,
                      tf_vals, 0x40000000, 32),
    [F_P_EXT] = PBIT("radiotap.present.ext", "Ext", 0x80000000),
    [F_MACTIME] = DX_F("radiotap.mactime", "MAC timestamp", DX_FT_UINT64, DX_BASE_DEC),
    [F_FLAGS] = DX_F("radiotap.flags", "Flags", DX_FT_UINT8, DX_BASE_HEX),
    [F_FLAGS_CFP] = FBIT("radiotap.flags.cfp", "CFP", 0x01),
    [F_FLAGS_PREAMBLE] = DX_FM("radiotap.flags.preamble", "Preamble", DX_FT_BOOL, DX_BASE_NONE,
                               preamble_vals, 0x02, 8),
    [F_FLAGS_WEP] = FBIT("radiotap.flags.wep", "WEP", 0x04),
    [F_FLAGS_FRAG] = FBIT("radiotap.flags.frag", "Fragmentation", 0x08),
    [F_FLAGS_FCS] = FBIT("radiotap.flags.fcs", "FCS at end", 0x10),
    [F_FLAGS_DATAPAD] = FBIT("radiotap.flags.datapad", "Data Pad", 0x20),
    [F_FLAGS_BADFCS] = FBIT("radiotap.flags.badfcs", "Bad FCS", 0x40),
    [F_FLAGS_SHORTGI] = FBIT("radiotap.flags.shortgi", "Short GI", 0x80),
    [F_DATARATE] = DX_F("radiotap.datarate", "Data rate (Mb/s)", DX_FT_DOUBLE, DX_BASE_NONE),
    [F_FREQ] = DX_F("radiotap.channel.freq", "Channel frequency", DX_FT_UINT32, DX_BASE_DEC),
    [F_CHFLAGS] = DX_F("radiotap.channel.flags", "Channel flags", DX_FT_UINT16, DX_BASE_HEX),
    [F_ANTSIG] = DX_F("radiotap.dbm_antsignal", "Antenna signal", DX_FT_INT32, DX_BASE_DEC),
    [F_ANTNOISE] = DX_F("radiotap.dbm_antnoise", "Antenna noise", DX_FT_INT32, DX_BASE_DEC),
    [F_ANTENNA] = DX_F("radiotap.antenna", "Antenna", DX_FT_UINT32, DX_BASE_DEC),
    [F_DBANTSIG] = DX_F("radiotap.db_antsignal", "dB antenna signal", DX_FT_UINT32, DX_BASE_DEC),
    [F_RXFLAGS] = DX_F("radiotap.rxflags", "RX flags", DX_FT_UINT16, DX_BASE_HEX),
    [F_VENDOR_OUI] = DX_F("radiotap.vendor_oui", "Vendor OUI", DX_FT_BYTES, DX_BASE_NONE),
    [F_VENDOR_SKIP] =
        DX_F("radiotap.vendor_data_len", "Vendor data length", DX_FT_UINT16, DX_BASE_DEC),
};

enum { R_RADIO, R_DATARATE, R_CHANNEL, R_FREQ, R_SIGNAL, R_NOISE, R_TSF };

static const dx_field radio_fields[] = {
    [R_RADIO] = DX_F("wlan_radio", "802.11 radio information", DX_FT_PROTOCOL, DX_BASE_NONE),
    [R_DATARATE] = DX_F("wlan_radio.data_rate", "Data rate", DX_FT_DOUBLE, DX_BASE_NONE),
    [R_CHANNEL] = DX_F("wlan_radio.channel", "Channel", DX_FT_UINT32, DX_BASE_DEC),
    [R_FREQ] = DX_F("wlan_radio.frequency", "Frequency", DX_FT_UINT16, DX_BASE_DEC),
    [R_SIGNAL] = DX_F("wlan_radio.signal_dbm", "Signal strength (dBm)", DX_FT_INT32, DX_BASE_DEC),
    [R_NOISE] = DX_F("wlan_radio.noise_dbm", "Noise level (dBm)", DX_FT_INT32, DX_BASE_DEC),
    [R_TSF] = DX_F("wlan_radio.timestamp", "TSF timestamp", DX_FT_UINT64, DX_BASE_DEC),
};

#define FL(i) (&rt_fields[(i)])
#define RL(i) (&radio_fields[(i)])

/* Alignment and size of the fields of the first radiotap-namespace word,
 * from radiotap.org's "defined fields"; 0 = not known here. */
static const uint8_t field_align[29] = {8, 1, 1, 2, 2, 1, 1, 2, 2, 2, 1, 1, 1, 1, 2,
                                        2, 1, 1, 4, 1, 4, 2, 8, 2, 2, 2, 1, 2, 0};
static const uint8_t field_size[29] = {8, 1, 1, 4, 2, 1, 1,  2,  2,  2,  1, 1, 1, 1, 2,
                                       2, 1, 1, 8, 3, 8, 12, 12, 12, 12, 6, 1, 4, 0};

/* What the 802.11 layer and wlan_radio need from the header. */
typedef struct {
  bool has_flags, has_rate, has_freq, has_signal, has_noise, has_tsft;
  uint8_t flags;
  double rate; /* Mb/s */
  uint16_t freq;
  int8_t signal, noise;
  uint64_t tsft;
} rt_info;

/* The channel number tshark shows for a frequency (MHz), 0 if none. */
static unsigned freq_channel(unsigned f) {
  if (f == 2484)
    return 14;
  if (f >= 2412 && f < 2484)
    return (f - 2407) / 5;
  if (f >= 4910 && f <= 4980)
    return (f - 4000) / 5;
  if (f > 5000 && f < 5900)
    return (f - 5000) / 5;
  return 0;
}

/* The HT (802.11n) data rate of MCS 0-31 in Mb/s, rounded to 0.1 as
 * tshark's table: streams x data subcarriers (52 at 20 MHz, 108 at 40) x
 * coded bits per subcarrier x coding rate / symbol time (4 us, 3.6 with the
 * short guard interval). IEEE 802.11-2020 19.5. */
static double ht_rate(unsigned mcs, bool bw40, bool sgi) {
  static const double bits[8] = {0.5, 1, 1.5, 2, 3, 4, 4.5, 5}; /* Nbpscs x R */
  double r = (mcs / 8 + 1) * (bw40 ? 108 : 52) * bits[mcs % 8] / (sgi ? 3.6 : 4.0);
  return (double)(long)(r * 10 + 0.5) / 10;
}

static void add_field(dx_packet *p, dx_node *rt, const dx_tvb *h, unsigned bit, uint32_t off,
                      rt_info *ri) {
  switch (bit) {
  case 0: {
    uint32_t lo = 0, hi = 0;
    dx_get_u32_le(h, off, &lo);
    dx_get_u32_le(h, off + 4, &hi);
    ri->tsft = (uint64_t)hi << 32 | lo;
    ri->has_tsft = true;
    dx_add_uint(p, rt, FL(F_MACTIME), h, off, 8, ri->tsft);
    break;
  }
  case 1: {
    dx_node *f = dx_add_item(p, rt, FL(F_FLAGS), h, off, 1);
    for (int i = F_FLAGS_CFP; i <= F_FLAGS_SHORTGI; i++)
      dx_add_item(p, f, FL(i), h, off, 1);
    dx_get_u8(h, off, &ri->flags);
    ri->has_flags = true;
    break;
  }
  case 2: {
    uint8_t r = 0;
    dx_get_u8(h, off, &r);
    ri->rate = r * 0.5;
    ri->has_rate = true;
    dx_node *n = dx_add_double(p, rt, FL(F_DATARATE), h, off, 1, ri->rate);
    dx_node_set_text(p, n, "Data Rate: %.1f Mb/s", ri->rate);
    break;
  }
  case 19: { /* MCS: known, flags, index (802.11n HT) */
    uint8_t known = 0, fl = 0, mcs = 0;
    dx_get_u8(h, off, &known);
    dx_get_u8(h, off + 1, &fl);
    dx_get_u8(h, off + 2, &mcs);
    if (!(known & 0x02) || mcs > 31)
      break;
    bool bw40 = (known & 0x01) && (fl & 3) == 1, sgi = (known & 0x04) && (fl & 4);
    ri->rate = ht_rate(mcs, bw40, sgi);
    ri->has_rate = true;
    dx_node *n = dx_add_double(p, rt, FL(F_DATARATE), h, off, 3, ri->rate);
    dx_node_set_flags(n, DX_NODE_GENERATED);
    dx_node_set_text(p, n, "Data Rate: %.1f Mb/s", ri->rate);
    break;
  }
  case 3: {
    dx_get_u16_le(h, off, &ri->freq);
    ri->has_freq = true;
    dx_add_item_le(p, rt, FL(F_FREQ), h, off, 2);
    dx_add_item_le(p, rt, FL(F_CHFLAGS), h, off + 2, 2);
    break;
  }
  case 5:
  case 6: {
    uint8_t v;
    dx_get_u8(h, off, &v);
    dx_node *n = dx_add_int(p, rt, FL(bit == 5 ? F_ANTSIG : F_ANTNOISE), h, off, 1, (int8_t)v);
    dx_node_set_text(p, n, "Antenna %s: %d dBm", bit == 5 ? "signal" : "noise", (int8_t)v);
    if (bit == 5) {
      ri->signal = (int8_t)v;
      ri->has_signal = true;
    } else {
      ri->noise = (int8_t)v;
      ri->has_noise = true;
    }
    break;
  }
  case 11: dx_add_item(p, rt, FL(F_ANTENNA), h, off, 1); break;
  case 12: dx_add_item(p, rt, FL(F_DBANTSIG), h, off, 1); break;
  case 14: dx_add_item_le(p, rt, FL(F_RXFLAGS), h, off, 2); break;
  default: break; /* known size, not shown */
  }
}

static void add_radio(dx_packet *p, dx_node *parent, const dx_tvb *t, const rt_info *ri) {
  dx_node *r = dx_add_proto(p, parent, RL(R_RADIO), t, 0, 0);
  if (ri->has_rate) {
    dx_node *n = dx_add_double(p, r, RL(R_DATARATE), t, 0, 0, ri->rate);
    dx_node_set_text(p, n, "Data rate: %.1f Mb/s", ri->rate);
  }
  if (ri->has_freq) {
    unsigned ch = freq_channel(ri->freq);
    if (ch)
      dx_add_uint(p, r, RL(R_CHANNEL), t, 0, 0, ch);
    dx_node *n = dx_add_uint(p, r, RL(R_FREQ), t, 0, 0, ri->freq);
    dx_node_set_text(p, n, "Frequency: %uMHz", ri->freq);
  }
  if (ri->has_signal) {
    dx_node *n = dx_add_int(p, r, RL(R_SIGNAL), t, 0, 0, ri->signal);
    dx_node_set_text(p, n, "Signal strength (dBm): %d dBm", ri->signal);
  }
  if (ri->has_noise) {
    dx_node *n = dx_add_int(p, r, RL(R_NOISE), t, 0, 0, ri->noise);
    dx_node_set_text(p, n, "Noise level (dBm): %d dBm", ri->noise);
  }
  if (ri->has_tsft)
    dx_add_uint(p, r, RL(R_TSF), t, 0, 0, ri->tsft);
}

/* 802.11 frame after the header; fcs: the last 4 bytes are the FCS. */
uint32_t dx_ieee80211_dissect(dx_packet *p, const dx_tvb *t, dx_node *parent, bool fcs,
                              bool datapad);

static uint32_t dissect_radiotap(dx_packet *p, const dx_tvb *t, dx_node *parent) {
  dx_node *rt = dx_add_proto(p, parent, FL(F_RT), t, 0, 0);
  dx_col_set_proto(p, "802.11");
  uint16_t hlen;
  if (!dx_get_u16_le(t, 2, &hlen)) {
    dx_add_item(p, rt, FL(F_VERSION), t, 0, 1);
    dx_node_set_len(rt, t->len);
    dx_mark_truncated(p, rt, "radiotap header needs 8 bytes");
    return t->len;
  }
  dx_node_set_len(rt, hlen);
  dx_node_set_text(p, rt, "Radiotap Header v%u, Length %u", t->data[0], hlen);
  dx_add_item(p, rt, FL(F_VERSION), t, 0, 1);
  dx_add_item(p, rt, FL(F_PAD), t, 1, 1);
  dx_add_item_le(p, rt, FL(F_LENGTH), t, 2, 2);
  if (hlen < 8) {
    dx_mark_malformed(p, rt, "radiotap header length %u is shorter than 8", hlen);
    return t->len;
  }
  rt_info ri = {0};
  if (t->data[0] != 0) {
    /* Only version 0 is defined: its fields cannot be trusted, but the
     * length still says where the 802.11 frame starts (as tshark). */
    dx_mark_malformed(p, rt, "radiotap version %u is not 0", t->data[0]);
    dx_node_append_text(p, rt, " (invalid)");
    if (!dx_tvb_has(t, 0, hlen)) {
      dx_mark_truncated(p, rt, "radiotap header cut short");
      return t->len;
    }
    add_radio(p, parent, t, &ri);
    dx_tvb pl = dx_tvb_sub(t, hlen, UINT32_MAX);
    dx_ieee80211_dissect(p, &pl, parent, false, false);
    return t->len;
  }
  /* Everything below reads inside the header only. */
  dx_tvb h = dx_tvb_sub(t, 0, hlen);
  bool cut = h.len < hlen;
  /* The present words: at most as many as fit in the header. */
  dx_node *pr = dx_add_none(p, rt, FL(F_PRESENT), &h, 4, 4);
  uint32_t nwords = 0, woff = 4;
  bool ns_start = true;
  for (;;) {
    uint32_t w;
    if (!dx_get_u32_le(&h, woff, &w)) {
      dx_node_set_len(pr, woff - 4);
      if (cut)
        dx_mark_truncated(p, rt, "radiotap present flags cut short");
      else
        dx_mark_malformed(p, rt, "radiotap present flags run past the header length");
      return t->len;
    }
    dx_node *wn = dx_add_item_le(p, pr, FL(F_PWORD), &h, woff, 4);
    /* The named bits of a word that starts the radiotap namespace; only
     * the namespace bits of extension and vendor words (as tshark). */
    for (int i = ns_start ? F_P_TSFT : F_P_RTNS; i <= F_P_EXT; i++)
      dx_add_item_le(p, wn, FL(i), &h, woff, 4);
    ns_start = (w & 0x20000000u) != 0;
    nwords++;
    woff += 4;
    if (!(w & 0x80000000u))
      break;
  }
  dx_node_set_len(pr, woff - 4);
  /* The fields, word by word. */
  uint32_t off = woff;
  bool radiotap_ns = true, stop = false;
  unsigned base = 0; /* bit number of bit 0 of this word in its namespace */
  for (uint32_t k = 0; k < nwords && !stop; k++) {
    uint32_t w;
    dx_get_u32_le(&h, 4 + 4 * k, &w);
    if (radiotap_ns) {
      for (unsigned b = 0; b < 29 && !stop; b++) {
        if (!(w & (1u << b)))
          continue;
        if (base != 0 || b == 28 || field_size[b] == 0) {
          stop = true; /* TLVs, or a field of unknown size: the rest is opaque */
          break;
        }
        uint32_t a = field_align[b];
        off = (off + a - 1) & ~(a - 1);
        if (!dx_tvb_has(&h, off, field_size[b])) {
          if (cut)
            dx_mark_truncated(p, rt, "radiotap field cut short");
          else
            dx_mark_malformed(p, rt, "radiotap field runs past the header length");
          return t->len;
        }
        add_field(p, rt, &h, b, off, &ri);
        off += field_size[b];
      }
    }
    if (stop)
      break;
    if (w & 0x20000000u) { /* radiotap namespace next */
      radiotap_ns = true;
      base = 0;
    } else if (w & 0x40000000u) { /* vendor namespace next: OUI, sub ns, skip length */
      off = (off + 1) & ~1u;
      uint16_t skip;
      if (!dx_get_u16_le(&h, off + 4, &skip)) {
        if (cut)
          dx_mark_truncated(p, rt, "radiotap vendor namespace cut short");
        else
          dx_mark_malformed(p, rt, "radiotap vendor namespace runs past the header length");
        return t->len;
      }
      dx_add_item(p, rt, FL(F_VENDOR_OUI), &h, off, 3);
      dx_add_item_le(p, rt, FL(F_VENDOR_SKIP), &h, off + 4, 2);
      off += 6u + skip;
      radiotap_ns = false;
      base = 0;
    } else {
      base += 32;
    }
  }
  if (cut) {
    dx_mark_truncated(p, rt, "radiotap header cut short");
    return t->len;
  }
  add_radio(p, parent, t, &ri);
  dx_tvb pl = dx_tvb_sub(t, hlen, UINT32_MAX);
  bool fcs = ri.has_flags && (ri.flags & 0x10);
  bool pad = ri.has_flags && (ri.flags & 0x20);
  dx_ieee80211_dissect(p, &pl, parent, fcs, pad);
  return t->len;
}

static const dx_reg rt_regs[] = {{DX_TABLE_LINKTYPE, 127}, {DX_TABLE_NONE, 0}};

const dx_protocol dx_proto_radiotap = {
    .name = "radiotap",
    .label = "Radiotap Header",
    .fields = rt_fields,
    .nfields = DX_ARRAY_LEN(rt_fields),
    .dissect = dissect_radiotap,
    .regs = rt_regs,
};

const dx_protocol dx_proto_wlan_radio = {
    .name = "wlan_radio",
    .label = "802.11 radio information",
    .fields = radio_fields,
    .nfields = DX_ARRAY_LEN(radio_fields),
};

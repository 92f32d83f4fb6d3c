/* pcapng files whose sections differ in byte order (libpcap 1.10 stops at
 * the second; core/pcapng.c reads on, as tshark does), with the blocks and
 * timestamp resolutions that reader handles: Enhanced and Simple Packet
 * Blocks, if_tsresol in powers of ten finer than nanoseconds and in powers
 * of two, a snapshot length that cuts a Simple Packet Block; and files
 * damaged inside the second section.
 *
 * The files are written here byte by byte from the pcapng specification
 * (draft-ietf-opsawg-pcapng: SHB 0x0A0D0D0A with byte-order magic
 * 0x1A2B3C4D, IDB 1, SPB 3, EPB 6, option 9 if_tsresol). The expected
 * frames are what tshark 4.0 reads from the same bytes (TU_DUMP_PCAPNG=FILE
 * writes them): `tshark -r FILE -T fields -e frame.number
 * -e frame.time_epoch -e frame.len -e frame.cap_len`:
 *   1  1795335943.332411000  42  42
 *   2  1795335943.500000000  42  42      (2^19 / 2^20 s)
 *   3  (no time)             42  40      (an SPB has no timestamp: 0 here)
 *   4  1000000.012776324     42  42
 * except frame 4's fraction, counted by hand: 1000000123456789012 units of
 * 10^-12 s are 1000000 s and 123456789012 ps, 123456789 ns. (tshark 4.0
 * multiplies the 123456789012 by 10^9 in 64 bits, which overflows:
 * 1.23456789012e20 mod 2^64 / 10^12 = 12776324 ns.) */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Ethernet / IPv4 / UDP 44808 -> 53, no payload (42 bytes). */
static const uint8_t udp_frame[] = {
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x1c, 0xf1, 0x1f, 0x00, 0x00, 0x40, 0x11, 0x8b, 0xb1, 0x7f, 0x00,
    0x00, 0x01, 0x7f, 0x00, 0x00, 0x01, 0xaf, 0x08, 0x00, 0x35, 0x00, 0x08, 0xfe, 0x3d};

typedef struct {
  uint8_t b[4096];
  size_t n;
  int be; /* the current section's byte order */
} buf;

static void u8(buf *w, uint8_t v) {
  w->b[w->n++] = v;
}
static void u16(buf *w, uint16_t v) {
  if (w->be) {
    u8(w, (uint8_t)(v >> 8));
    u8(w, (uint8_t)v);
  } else {
    u8(w, (uint8_t)v);
    u8(w, (uint8_t)(v >> 8));
  }
}
static void u32(buf *w, uint32_t v) {
  if (w->be) {
    u16(w, (uint16_t)(v >> 16));
    u16(w, (uint16_t)v);
  } else {
    u16(w, (uint16_t)v);
    u16(w, (uint16_t)(v >> 16));
  }
}
static void bytes(buf *w, const uint8_t *d, size_t n) {
  memcpy(w->b + w->n, d, n);
  w->n += n;
  while (w->n % 4)
    u8(w, 0);
}
/* Starts a block: returns where its length goes. */
static size_t block(buf *w, uint32_t type) {
  u32(w, type);
  size_t at = w->n;
  u32(w, 0);
  return at;
}
static void end_block(buf *w, size_t at) {
  uint32_t len = (uint32_t)(w->n - at + 4 + 4);
  size_t save = w->n;
  w->n = at;
  u32(w, len);
  w->n = save;
  u32(w, len);
}
static void shb(buf *w, int be) {
  w->be = be;
  size_t at = block(w, 0x0A0D0D0Au);
  u32(w, 0x1A2B3C4Du);
  u16(w, 1);
  u16(w, 0);
  u32(w, 0xffffffffu); /* section length: not given */
  u32(w, 0xffffffffu);
  end_block(w, at);
}
/* tsresol < 0: no if_tsresol option (microseconds). */
static void idb(buf *w, uint32_t snaplen, int tsresol) {
  size_t at = block(w, 1);
  u16(w, 1); /* LINKTYPE_ETHERNET */
  u16(w, 0);
  u32(w, snaplen);
  if (tsresol >= 0) {
    u16(w, 9);
    u16(w, 1);
    uint8_t r = (uint8_t)tsresol;
    bytes(w, &r, 1);
    u16(w, 0); /* opt_endofopt */
    u16(w, 0);
  }
  end_block(w, at);
}
static void epb(buf *w, uint32_t ifid, uint64_t ts) {
  size_t at = block(w, 6);
  u32(w, ifid);
  u32(w, (uint32_t)(ts >> 32));
  u32(w, (uint32_t)ts);
  u32(w, sizeof udp_frame);
  u32(w, sizeof udp_frame);
  bytes(w, udp_frame, sizeof udp_frame);
  end_block(w, at);
}
/* The packet's first `snaplen` bytes: a Simple Packet Block holds no more
 * than the snapshot length of interface 0 (its captured length). */
static void spb(buf *w, uint32_t snaplen) {
  size_t at = block(w, 3);
  u32(w, sizeof udp_frame);
  bytes(w, udp_frame, snaplen < sizeof udp_frame ? snaplen : sizeof udp_frame);
  end_block(w, at);
}

/* Where the blocks of the second section start. */
static size_t at_spb, at_idb2, at_epb2;

/* The file: a little-endian section (one EPB in microseconds), then a
 * big-endian one (an EPB at 2^-20 s, an SPB cut to the snapshot length
 * 40, an EPB in picoseconds on a second interface). */
static void build(buf *w) {
  memset(w, 0, sizeof *w);
  shb(w, 0);
  idb(w, 0, -1);
  epb(w, 0, 1795335943332411ull);
  shb(w, 1);
  idb(w, 40, 0x80 | 20);
  epb(w, 0, (1795335943ull << 20) | (1ull << 19));
  at_spb = w->n;
  spb(w, 40);
  at_idb2 = w->n;
  idb(w, 0, 12);
  at_epb2 = w->n;
  epb(w, 1, 1000000123456789012ull);
}

static char *write_file(const buf *w, size_t n) {
  static char path[64];
  snprintf(path, sizeof path, "/tmp/dx-test-pcapng-XXXXXX");
  int fd = mkstemp(path);
  CU_ASSERT_FATAL(fd >= 0);
  CU_ASSERT_FATAL(write(fd, w->b, n) == (ssize_t)n);
  close(fd);
  return path;
}

/* The file into path (a test's TU_DUMP_* variable), for tshark. */
static void dump_to(const char *path, const buf *w) {
  FILE *f = path ? fopen(path, "wb") : NULL;
  if (f) {
    fwrite(w->b, 1, w->n, f);
    fclose(f);
  }
}

/* An EPB with an epb_flags option (code 2, 4 bytes): outbound, broadcast,
 * a 4-byte FCS, a CRC error (0x0100008e), in a little-endian and in a
 * big-endian section. dx_capture_packet_flags() gives it, and the frame
 * shows it as tshark 4.0.17 shows the same file (TU_DUMP_PCAPNG, tshark
 * -V): "Packet flags: 0x8100000e", "Direction: Outbound (0x2)",
 * "Reception type: Broadcast (3)", "FCS length: 4", "CRC error: Set". */
static void epb_flags(buf *w, uint32_t flags) {
  size_t at = block(w, 6);
  u32(w, 0);
  u32(w, 0);
  u32(w, 1000000);
  u32(w, sizeof udp_frame);
  u32(w, sizeof udp_frame);
  bytes(w, udp_frame, sizeof udp_frame);
  u16(w, 2); /* epb_flags */
  u16(w, 4);
  u32(w, flags);
  u16(w, 0); /* opt_endofopt */
  u16(w, 0);
  end_block(w, at);
}

static void test_packet_flags(void) {
  buf w;
  memset(&w, 0, sizeof w);
  shb(&w, 0);
  idb(&w, 0, -1);
  epb_flags(&w, 0x8100000eu);
  epb(&w, 0, 1795335943332411ull); /* no flags */
  shb(&w, 1);
  idb(&w, 0, -1);
  epb_flags(&w, 0x8100000eu);
  dump_to(getenv("TU_DUMP_PCAPNG"), &w);
  char *path = write_file(&w, w.n);
  dx_capture *c = NULL;
  char err[512];
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, err, sizeof err), DX_OK);
  dx_session *s = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
  static const int have[] = {1, 0, 1};
  for (int i = 0; i < 3; i++) {
    dx_frame f;
    CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
    uint32_t pf = 0;
    int h = dx_capture_packet_flags(c, &pf);
    CU_ASSERT_EQUAL(h, have[i]);
    CU_ASSERT_EQUAL(pf, have[i] ? 0x8100000eu : 0);
    dx_session_set_packet_flags(s, h == 1, pf);
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
    CU_ASSERT_EQUAL(tu_count(p, "frame.packet_flags"), have[i]);
    if (have[i]) {
      CU_ASSERT_STRING_EQUAL(tu_label(p, "frame.packet_flags"), "Packet flags: 0x8100000e");
      CU_ASSERT_STRING_EQUAL(tu_label(p, "frame.packet_flags_direction"),
                             ".... .... .... .... .... .... .... ..10 = Direction: Outbound (0x2)");
      CU_ASSERT_STRING_EQUAL(
          tu_label(p, "frame.packet_flags_reception_type"),
          ".... .... .... .... .... .... ...0 11.. = Reception type: Broadcast (3)");
      CU_ASSERT_STRING_EQUAL(tu_label(p, "frame.packet_flags_fcs_length"),
                             ".... .... .... .... .... ...0 000. .... = FCS length: 0");
      CU_ASSERT_STRING_EQUAL(tu_label(p, "frame.packet_flags_symbol_error"),
                             "1... .... .... .... .... .... .... .... = Symbol error: Set");
      CU_ASSERT_STRING_EQUAL(tu_label(p, "frame.p2p_dir"), "Point-to-Point Direction: Sent (0)");
      CU_ASSERT_STRING_EQUAL(tu_label(p, "frame.packet_flags_crc_error"),
                             ".... ...1 .... .... .... .... .... .... = CRC error: Set");
    }
    dx_packet_free(p);
  }
  dx_session_free(s);
  dx_capture_close(c);
  unlink(path);
  CU_ASSERT_EQUAL(dx_capture_packet_flags(NULL, NULL), DX_EINVAL);
}

static void test_sections(void) {
  buf w;
  build(&w);
  dump_to(getenv("TU_DUMP_PCAPNG"), &w);
  char *path = write_file(&w, w.n);
  dx_capture *c = NULL;
  char err[512];
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, err, sizeof err), DX_OK);
  static const struct {
    int64_t sec;
    uint32_t nsec, wirelen, caplen;
  } want[] = {{1795335943, 332411000, 42, 42},
              {1795335943, 500000000, 42, 42},
              {0, 0, 42, 40},
              {1000000, 123456789, 42, 42}};
  dx_frame f;
  int64_t pos[4];
  for (int i = 0; i < 4; i++) {
    pos[i] = dx_capture_tell(c);
    CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
    CU_ASSERT_EQUAL(f.ts_sec, want[i].sec);
    CU_ASSERT_EQUAL(f.ts_nsec, want[i].nsec);
    CU_ASSERT_EQUAL(f.wirelen, want[i].wirelen);
    CU_ASSERT_EQUAL(f.caplen, want[i].caplen);
    CU_ASSERT_EQUAL(f.linktype, 1);
    CU_ASSERT_EQUAL(memcmp(f.data, udp_frame, f.caplen), 0);
  }
  CU_ASSERT_EQUAL(dx_capture_next(c, &f), 0);
  /* back to the picosecond frame, then to the first frame of the second
   * section, through the positions told */
  CU_ASSERT_EQUAL(dx_capture_seek(c, pos[3]), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
  CU_ASSERT_EQUAL(f.ts_nsec, 123456789);
  CU_ASSERT_EQUAL(dx_capture_seek(c, pos[1]), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
  CU_ASSERT_EQUAL(f.ts_nsec, 500000000);
  dx_capture_close(c);
  unlink(path);
}

/* Damage in the second section, past its first frame (libpcap has
 * stopped, this reader has taken over): the read ends with an error naming
 * the capture and what is wrong, after the frames before it; never a
 * crash. Offsets from the blocks' starts (big-endian section). */
static void test_damaged(void) {
  buf w;
  build(&w);
  struct {
    size_t cut; /* length of the file (0: whole) */
    size_t at;  /* offset of a byte to change (0: none) */
    uint8_t v;
    int frames, rc;
    const char *what;
  } cases[] = {
      /* cut inside the SPB */
      {at_spb + 20, 0, 0, 2, DX_ETRUNC, "cut short in a block"},
      /* cut inside the header of the second IDB */
      {at_idb2 + 5, 0, 0, 3, DX_ETRUNC, "cut short in a block header"},
      /* the SPB's trailing length differs from its leading one */
      {0, at_idb2 - 1, 0x99, 2, DX_EFORMAT, "block length and trailer differ"},
      /* the second IDB's length (its low byte, big-endian) not a multiple
       * of 4 */
      {0, at_idb2 + 7, 0x21, 3, DX_EFORMAT, "bad block length"},
      /* the last EPB names interface 7 */
      {0, at_epb2 + 11, 7, 3, DX_EFORMAT, "undescribed interface"},
      /* a third section whose byte-order magic is neither */
      {0, 0, 0, 4, DX_EFORMAT, "bad byte-order magic"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    buf d = w;
    if (cases[k].at)
      d.b[cases[k].at] = cases[k].v;
    if (k == 5) {
      shb(&d, 0);
      d.b[d.n - 28 + 8] = 0x55;
    }
    char *path = write_file(&d, cases[k].cut ? cases[k].cut : d.n);
    dx_capture *c = NULL;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, err, sizeof err), DX_OK);
    dx_frame f;
    int rc, n = 0;
    while ((rc = dx_capture_next(c, &f)) == 1)
      n++;
    if (rc != cases[k].rc || n != cases[k].frames)
      fprintf(stderr, "\ncase %zu: %d frames, rc %d, %s\n", k, n, rc, dx_capture_error(c));
    CU_ASSERT_EQUAL(n, cases[k].frames);
    CU_ASSERT_EQUAL(rc, cases[k].rc);
    CU_ASSERT_PTR_NOT_NULL(strstr(dx_capture_error(c), path));
    CU_ASSERT_PTR_NOT_NULL(strstr(dx_capture_error(c), cases[k].what));
    dx_capture_close(c);
    unlink(path);
  }
}

/* ---- interfaces: names, descriptions, sections ----------------------------
 * An IDB with if_name (2) and/or if_description (3). */
static void idb_named(buf *w, const char *name, const char *desc, uint32_t snaplen) {
  size_t at = block(w, 1);
  u16(w, 1); /* LINKTYPE_ETHERNET */
  u16(w, 0);
  u32(w, snaplen);
  if (name) {
    u16(w, 2);
    u16(w, (uint16_t)strlen(name));
    bytes(w, (const uint8_t *)name, strlen(name));
  }
  if (desc) {
    u16(w, 3);
    u16(w, (uint16_t)strlen(desc));
    bytes(w, (const uint8_t *)desc, strlen(desc));
  }
  u16(w, 0);
  u16(w, 0);
  end_block(w, at);
}

/* Two sections; variant 1: the second one big-endian, variant 2: its
 * interfaces of another snapshot length (libpcap stops at either, and
 * core/pcapng.c reads on: from the file again, or from standard input with
 * what capture.c's walks met), variant 0: libpcap reads it all and capture.c
 * walks its blocks:
 *   section 1: IDB 0 "eth0" / "First port", IDB 1 "wlan0"; frames on
 *              interfaces 1, 0;
 *   section 2: IDB 0 with a description only, "Only described"; a frame on
 *              it; then IDB 1 with neither; a frame on it; an SPB.
 * Frames 1-2 as tshark 4.0 shows them (TU_DUMP_PCAPNG_IF=FILE writes the
 * file; tshark -r FILE -T fields -e frame.section_number
 * -e frame.interface_id -e frame.interface_name
 * -e frame.interface_description):
 *   1  1  wlan0
 *   1  0  eth0  First port
 * Frames 3-5 by hand from the pcapng specification (interface ids count
 * from 0 in each section): tshark 4.0 takes the names of the second
 * section's interfaces from the first section's list (frame 3: "eth0"),
 * and newer Wireshark numbers interfaces across sections. Ours: the name
 * of the interface the block names, in its own section, if_name else
 * if_description else "unknown", as tshark does within one section. */
static void build_named(buf *w, int variant) {
  memset(w, 0, sizeof *w);
  uint32_t snap2 = variant == 2 ? 65535 : 262144;
  shb(w, 0);
  idb_named(w, "eth0", "First port", 262144);
  idb_named(w, "wlan0", NULL, 262144);
  epb(w, 1, 1795335943332411ull);
  epb(w, 0, 1795335943332412ull);
  shb(w, variant == 1);
  idb_named(w, NULL, "Only described", snap2);
  epb(w, 0, 1795335943332413ull);
  idb_named(w, NULL, NULL, snap2);
  epb(w, 1, 1795335943332414ull);
  spb(w, snap2);
}

static void test_interfaces(void) {
  static const struct {
    uint32_t section, id;
    const char *name, *desc, *shown;
  } want[] = {{1, 1, "wlan0", NULL, "wlan0"},
              {1, 0, "eth0", "First port", "eth0"},
              {2, 0, NULL, "Only described", "Only described"},
              {2, 1, NULL, NULL, "unknown"},
              {2, 0, NULL, "Only described", "Only described"}};
  for (int mode = 0; mode < 6; mode++) {
    int variant = mode % 3, in = mode / 3; /* in: from standard input */
    buf w;
    build_named(&w, variant);
    if (!mode)
      dump_to(getenv("TU_DUMP_PCAPNG_IF"), &w);
    char *path = write_file(&w, w.n);
    dx_capture *c = NULL;
    char err[512];
    int saved = -1;
    if (in) {
      int fd = open(path, O_RDONLY);
      CU_ASSERT_FATAL(fd >= 0);
      saved = dup(0);
      CU_ASSERT_FATAL(saved >= 0 && dup2(fd, 0) == 0);
      close(fd);
    }
    CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, in ? "-" : path, err, sizeof err), DX_OK);
    dx_session *s = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_new(&s, NULL), DX_OK);
    dx_frame f;
    int64_t pos[5];
    for (int pass = 0; pass < 2 - in; pass++) {
      /* pass 1: every frame again, each after a seek to it, last first */
      for (int k = 0; k < 5; k++) {
        int i = pass ? 4 - k : k;
        if (pass) {
          CU_ASSERT_EQUAL(dx_capture_seek(c, pos[i]), DX_OK);
        } else {
          pos[i] = dx_capture_tell(c);
        }
        if (dx_capture_next(c, &f) != 1)
          fprintf(stderr, "\nmode %d frame %d: %s\n", mode, i + 1, dx_capture_error(c));
        CU_ASSERT_EQUAL_FATAL(f.caplen, 42);
        CU_ASSERT_EQUAL(f.ts_sec, i == 4 ? 0 : 1795335943);
        CU_ASSERT_EQUAL(f.ts_nsec, i == 4 ? 0 : 332411000u + (uint32_t)i * 1000u);
        dx_iface_info ii;
        CU_ASSERT_EQUAL_FATAL(dx_capture_iface(c, &ii), 1);
        CU_ASSERT_EQUAL(ii.section, want[i].section);
        CU_ASSERT_EQUAL(ii.id, want[i].id);
        CU_ASSERT((ii.name == NULL) == (want[i].name == NULL));
        if (ii.name && want[i].name)
          CU_ASSERT_STRING_EQUAL(ii.name, want[i].name);
        CU_ASSERT((ii.description == NULL) == (want[i].desc == NULL));
        if (ii.description && want[i].desc)
          CU_ASSERT_STRING_EQUAL(ii.description, want[i].desc);
        if (pass)
          continue;
        /* the frame as dissected with it */
        CU_ASSERT_EQUAL(dx_session_set_iface(s, &ii), DX_OK);
        dx_packet *p = NULL;
        CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
        char v[32];
        snprintf(v, sizeof v, "%u", want[i].section);
        CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.section_number"), v);
        snprintf(v, sizeof v, "%u", want[i].id);
        CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.interface_id"), v);
        CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.interface_name"), want[i].shown);
        CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.interface_description"),
                               want[i].desc ? want[i].desc : "");
        char lab[160];
        snprintf(lab, sizeof lab, "Interface id: %u (%s)", want[i].id, want[i].shown);
        CU_ASSERT_STRING_EQUAL(tu_label(p, "frame.interface_id"), lab);
        snprintf(lab, sizeof lab,
                 "Frame %d: 42 bytes on wire (336 bits), %u bytes captured (%u bits) on "
                 "interface %s, id %u",
                 i + 1, f.caplen, f.caplen * 8, want[i].shown, want[i].id);
        CU_ASSERT_STRING_EQUAL(tu_label(p, "frame"), lab);
        dx_packet_free(p);
      }
      if (!pass) {
        CU_ASSERT_EQUAL(dx_capture_next(c, &f), 0);
      }
    }
    /* a frame without one: no interface lines */
    CU_ASSERT_EQUAL(dx_session_set_iface(s, NULL), DX_OK);
    dx_packet *p = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(s, &f, &p), DX_OK);
    CU_ASSERT_STRING_EQUAL(tu_value(p, "frame.interface_id"), "");
    CU_ASSERT_PTR_NULL(strstr(tu_label(p, "frame"), "interface"));
    dx_packet_free(p);
    dx_session_free(s);
    dx_capture_close(c);
    if (in) {
      dup2(saved, 0);
      close(saved);
    }
    unlink(path);
  }
  /* a pcap file has none */
  char path[700];
  snprintf(path, sizeof path, "%s/samples/dns.pcap", tu_src_dir());
  dx_capture *c = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, NULL, 0), DX_OK);
  dx_frame f;
  dx_iface_info ii;
  CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
  CU_ASSERT_EQUAL(dx_capture_iface(c, &ii), 0);
  CU_ASSERT_EQUAL(dx_capture_iface(NULL, &ii), DX_EINVAL);
  CU_ASSERT_EQUAL(dx_session_set_iface(NULL, &ii), DX_EINVAL);
  dx_capture_close(c);
}

/* ---- Decryption Secrets Blocks between frames ------------------------------
 * A DSB (type 0x0000000A: secrets type 0x544c534b "TLSK", length, the key
 * log text, padding). Wireshark reads each where it stands in the file,
 * before the frames that follow it (tls12-dsb.pcapng of its test suite has
 * its second block after frame 9); the text here is arbitrary (the capture
 * API hands it over as it is, a newline after each block). */
static void dsb(buf *w, const char *text) {
  size_t at = block(w, 10);
  u32(w, 0x544c534bu);
  u32(w, (uint32_t)strlen(text));
  bytes(w, (const uint8_t *)text, strlen(text));
  end_block(w, at);
}

/* Variant 0: one little-endian section, read by libpcap with capture.c's
 * walk from frame to frame; variant 1: a second, big-endian section (the own
 * reader takes over after frame 2). Read from the file and from standard
 * input. Blocks: DSB "A", frame 1, frame 2, DSB "B", DSB "C", [SHB, IDB,]
 * frame 3, DSB "D" [in the big-endian section], frame 4, a DSB of another
 * secrets type (ignored), frame 5. */
static void test_secrets_between_frames(void) {
  for (int variant = 0; variant < 2; variant++) {
    for (int in = 0; in < 2; in++) {
      buf w;
      memset(&w, 0, sizeof w);
      shb(&w, 0);
      idb(&w, 0, -1);
      dsb(&w, "A");
      epb(&w, 0, 1);
      epb(&w, 0, 2);
      dsb(&w, "BB");
      dsb(&w, "CCC");
      if (variant) {
        shb(&w, 1);
        idb(&w, 0, -1);
      }
      epb(&w, 0, 3);
      dsb(&w, "DDDD");
      epb(&w, 0, 4);
      size_t at = block(&w, 10);
      u32(&w, 0x57474b4cu); /* "WGKL": WireGuard keys, not TLS */
      u32(&w, 4);
      bytes(&w, (const uint8_t *)"EEEE", 4);
      end_block(&w, at);
      epb(&w, 0, 5);
      char *path = write_file(&w, w.n);
      int saved = -1;
      if (in) {
        int fd = open(path, O_RDONLY);
        CU_ASSERT_FATAL(fd >= 0);
        saved = dup(0);
        CU_ASSERT_FATAL(saved >= 0 && dup2(fd, 0) == 0);
        close(fd);
      }
      dx_capture *c = NULL;
      char err[512];
      CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, in ? "-" : path, err, sizeof err), DX_OK);
      const char *t = NULL;
      size_t n = 9;
      CU_ASSERT_EQUAL(dx_capture_secrets(c, &t, &n), DX_OK);
      CU_ASSERT(n == 2 && memcmp(t, "A\n", 2) == 0);
      static const char *want[] = {"", "", "BB\nCCC\n", "DDDD\n", ""};
      dx_frame f;
      for (int k = 0; k < 5; k++) {
        CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
        CU_ASSERT_EQUAL(f.ts_nsec, (uint32_t)(k + 1) * 1000u);
        n = 99;
        CU_ASSERT_EQUAL(dx_capture_frame_secrets(c, &t, &n), DX_OK);
        if (n != strlen(want[k]) || (n && memcmp(t, want[k], n) != 0))
          fprintf(stderr, "\nvariant %d stdin %d frame %d: %zu bytes of secrets\n", variant, in,
                  k + 1, n);
        CU_ASSERT_EQUAL(n, strlen(want[k]));
        CU_ASSERT(n == 0 || memcmp(t, want[k], n) == 0);
      }
      CU_ASSERT_EQUAL(dx_capture_next(c, &f), 0);
      CU_ASSERT_EQUAL(dx_capture_frame_secrets(NULL, &t, &n), DX_EINVAL);
      dx_capture_close(c);
      if (in) {
        dup2(saved, 0);
        close(saved);
      }
      unlink(path);
    }
  }
}

int main(void) {
  CU_TestInfo tests[] = {{"pcapng: sections of both byte orders, resolutions, SPB", test_sections},
                         {"pcapng: secrets blocks between frames", test_secrets_between_frames},
                         {"pcapng: damage in a later section", test_damaged},
                         {"pcapng: interface names, descriptions, sections", test_interfaces},
                         {"pcapng: packet flags (epb_flags)", test_packet_flags},
                         CU_TEST_INFO_NULL};
  return tu_run("pcapng_sections", tests);
}

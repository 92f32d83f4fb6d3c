/* What the dissecting harnesses share: sessions reused from input to input
 * (dx_session_reset after each input, so a run costs what dissecting costs,
 * not building a session: the field index, dispatch tables and trust
 * stores are made once), and one output form per packet instead of all
 * of them.
 *
 * A harness keeps one session per configuration it uses (the dx_config
 * members it sets from its mode byte are fixed when a session is made) in
 * a static slot: fz_session() makes it on first use, fz_done() resets it
 * at the end of every input. Resetting at the end, not the start, keeps
 * libFuzzer's leak check meaningful: what an input allocated is freed by
 * the same input. A reset session dissects as a new one does
 * (tests/unit/test_reset.c); FUZZ_FRESH=1 in the environment makes and
 * frees a new session for every input instead, to check that a finding
 * does not depend on the reuse.
 *
 * Output: fz_write() writes a packet in one of FZ_FORMS forms (summary,
 * tree, hex, JSON compact/pretty/tree/EK, -T fields, the json-c object).
 * Harnesses hand every packet to fz_packet(), which writes ONE packet per
 * input: the packet number fz_begin() picked (from the input), or the last
 * one if the input has fewer, in form (a base from the input + its index).
 * The others only have their summary columns read. Writing every packet
 * (9 forms in turn) took about half of the harnesses' own time, JSON the
 * most; the writers still see every kind of packet over a run, since the
 * packet picked varies with the input. The last packet is held (not yet
 * freed) while the next is dissected, as an API user may hold packets, and
 * is written at fz_flush() (fz_done() calls it) if no packet was. */
#ifndef DX_FUZZ_FUZZUTIL_H
#define DX_FUZZ_FUZZUTIL_H

#include <dissect/dissect.h>
#include <dissect/json.h>
#include <dissect/output.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *fz_sink_f;
static char *fz_sink_buf;
static size_t fz_sink_len;

/* The memory stream packets are written to (rewound after each). */
static inline FILE *fz_sink(void) {
  if (!fz_sink_f) {
    fz_sink_f = open_memstream(&fz_sink_buf, &fz_sink_len);
    if (!fz_sink_f)
      abort();
  }
  return fz_sink_f;
}

static inline int fz_fresh(void) {
  static int fresh = -1;
  if (fresh < 0) {
    const char *e = getenv("FUZZ_FRESH");
    fresh = e && *e && *e != '0';
  }
  return fresh;
}

/* The session of *slot, made with cfg (NULL: defaults) on first use. */
static inline dx_session *fz_session(dx_session **slot, const dx_config *cfg) {
  if (!*slot && dx_session_new(slot, cfg) != DX_OK)
    abort();
  return *slot;
}

/* End of an input: the session is reset for the next one (or freed with
 * FUZZ_FRESH). */
static inline void fz_flush(void);
static inline void fz_done(dx_session **slot) {
  fz_flush();
  if (!*slot)
    return;
  if (fz_fresh()) {
    dx_session_free(*slot);
    *slot = NULL;
    return;
  }
  if (dx_session_reset(*slot) != DX_OK)
    abort();
}

#define FZ_FORMS 9

/* Set by a harness for an input: the last form (json-c objects, by far the
 * dearest for large trees) is written as the tree's JSON text instead. */
static int fz_no_jsonc;

/* Writes p in form `form` % FZ_FORMS into the sink, and reads the packet's
 * summary through the API. flds may be NULL (-T fields then writes JSON). */
static inline void fz_write(const dx_packet *p, unsigned form, const dx_fields *flds) {
  FILE *o = fz_sink();
  if (fz_no_jsonc && form % FZ_FORMS == FZ_FORMS - 1)
    form = 5; /* the tree's JSON text instead of its json-c objects */
  switch (form % FZ_FORMS) {
  case 0: dx_write_summary(o, p); break;
  case 1: dx_write_tree(o, p); break;
  case 2: dx_write_hex(o, p); break;
  case 3: dx_write_json_form(o, p, DX_JSON_PACKETS, 0); break;
  case 4: dx_write_json_form(o, p, DX_JSON_PACKETS, DX_JSON_PRETTY); break;
  case 5: dx_write_json(o, p, 1); break;
  case 6: dx_write_ek(o, p); break;
  case 7:
    if (flds)
      dx_fields_write(o, flds, p);
    else
      dx_write_json(o, p, 0);
    break;
  default: {
    json_object *j = dx_packet_to_json(p);
    if (j) {
      fputs(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), o);
      json_object_put(j);
    }
    break;
  }
  }
  (void)dx_packet_src(p);
  (void)dx_packet_dst(p);
  (void)dx_packet_protocol(p);
  (void)dx_packet_info(p);
  (void)dx_packet_severity(p);
  fflush(o);
  rewind(o);
}

/* The packet written for the current input (see the top). */
static struct {
  dx_packet *held; /* the last packet, not written yet */
  unsigned held_form;
  const dx_fields *held_flds;
  unsigned n;    /* packets seen in this input */
  unsigned pick; /* the one to write */
  int done;      /* written (or flushed): the rest are only read */
} fz_out;

/* Start of an input: packet number `pick` (from 0) will be written. */
static inline void fz_begin(unsigned pick) {
  fz_out.n = 0;
  fz_out.pick = pick;
  fz_out.done = 0;
}

/* Takes p: reads its summary columns, writes it if it is the one picked
 * (or holds it as the last one so far), frees it. */
static inline void fz_packet(dx_packet *p, unsigned form, const dx_fields *flds) {
  (void)dx_packet_src(p);
  (void)dx_packet_dst(p);
  (void)dx_packet_protocol(p);
  (void)dx_packet_info(p);
  (void)dx_packet_severity(p);
  if (!fz_out.done && fz_out.n++ == fz_out.pick) {
    fz_write(p, form, flds);
    fz_out.done = 1;
  }
  dx_packet_free(fz_out.held);
  fz_out.held = NULL;
  if (fz_out.done) {
    dx_packet_free(p);
    return;
  }
  fz_out.held = p;
  fz_out.held_form = form;
  fz_out.held_flds = flds;
}

/* No packet picked yet: the last one held is written. Later packets of the
 * input are only read. */
static inline void fz_flush(void) {
  if (fz_out.held && !fz_out.done)
    fz_write(fz_out.held, fz_out.held_form, fz_out.held_flds);
  dx_packet_free(fz_out.held);
  fz_out.held = NULL;
  fz_out.done = 1;
}

/* Interest (terse packets) on the names given, or full packets (n == 0). */
static inline void fz_interest(dx_session *s, const char *const *names, size_t n, unsigned flags) {
  if (!n) {
    dx_session_clear_interest(s);
    return;
  }
  const dx_field *fs[16];
  size_t k = 0;
  for (size_t i = 0; i < n && k < 16; i++)
    if ((fs[k] = dx_field_lookup(s, names[i])) != NULL)
      k++;
  if (dx_session_set_interest(s, fs, k, flags) != DX_OK)
    abort();
}

#endif

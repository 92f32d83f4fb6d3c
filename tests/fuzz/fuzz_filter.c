/* libFuzzer harness for the display-filter compiler: the input is the
 * filter text. A filter that compiles is also listed and evaluated against
 * a few packets, with and without the other packet as the reference of
 * ${field} references, so the evaluator is fuzzed too; one that does not
 * has its error rendered. */
#include <dissect/dissect.h>
#include <dissect/filter.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Ethernet + IPv4 + TCP 51514 -> 80 with "GET / HTTP/1.1\r\n\r\n", and a
 * short Ethernet frame of an unknown type. */
static const uint8_t frame_tcp[] = {
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45,
    0x00, 0x00, 0x3a, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 0xc0, 0xa8, 0x01, 0x0a,
    0x0a, 0x00, 0x00, 0x01, 0xc9, 0x3a, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x01, 0x50, 0x18, 0x01, 0xf6, 0x00, 0x00, 0x00, 0x00, 'G',  'E',  'T',  ' ',  '/',  ' ',
    'H',  'T',  'T',  'P',  '/',  '1',  '.',  '1',  '\r', '\n', '\r', '\n'};
static const uint8_t frame_raw[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00,
                                    0x00, 0x02, 0x88, 0xb5, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x2a};

static dx_session *sess;
static dx_packet *pkts[2];

static void setup(void) {
  if (sess)
    return;
  if (dx_session_new(&sess, NULL) != DX_OK)
    abort();
  const uint8_t *data[2] = {frame_tcp, frame_raw};
  size_t lens[2] = {sizeof frame_tcp, sizeof frame_raw};
  for (int i = 0; i < 2; i++) {
    dx_frame f = {.ts_sec = 1700000000,
                  .ts_nsec = (uint32_t)i * 1000,
                  .caplen = (uint32_t)lens[i],
                  .wirelen = (uint32_t)lens[i],
                  .linktype = 1,
                  .data = data[i]};
    if (dx_session_dissect(sess, &f, &pkts[i]) != DX_OK)
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  setup();
  char *text = malloc(size + 1);
  if (!text)
    return 0;
  memcpy(text, data, size);
  text[size] = 0;
  dx_filter *f = NULL;
  dx_filter_error err;
  char buf[1024];
  int rc = dx_filter_compile(sess, text, &f, &err);
  if (rc == DX_OK) {
    for (int i = 0; i < 2; i++) {
      int r = dx_filter_match(f, pkts[i]);
      if (r != 0 && r != 1)
        abort();
      /* ${field} references read from the other packet */
      r = dx_filter_match_ref(f, pkts[i], pkts[1 - i]);
      if (r != 0 && r != 1)
        abort();
    }
    (void)dx_filter_limit_hits(f);
    const dx_field *fields[16];
    size_t n = dx_filter_fields(f, fields, 16);
    for (size_t i = 0; i < n && i < 16; i++)
      if (!dx_field_name(fields[i]))
        abort();
    dx_filter_free(f);
  } else {
    if (f != NULL || (rc != DX_EFILTER && rc != DX_ENOMEM))
      abort();
    size_t need = dx_filter_error_format(text, &err, buf, sizeof buf);
    if (need < sizeof buf && strlen(buf) != need)
      abort();
    if (err.pos < 0 || (size_t)err.pos > size + 1 || err.len < 0 ||
        (size_t)err.pos + (size_t)err.len > size + 1)
      abort();
  }
  free(text);
  return 0;
}

/* Content-Encoding decoding for HTTP bodies with zlib, bounded in memory. */
#include "http_body.h"

#include <brotli/decode.h>

#include <stdlib.h>
#include <string.h>

#ifdef DX_HAVE_ZLIB
#include <zlib.h>
#endif

uint32_t dx_http_decompress_cap(const dx_config *cfg) {
  uint32_t cap = DX_HTTP_MAX_DECOMPRESSED;
  /* A larger configured stream cap allows larger bodies. */
  if (cfg && cfg->max_stream_bytes > cap)
    cap = cfg->max_stream_bytes;
  return cap;
}

void dx_http_inflated_free(http_inflated *out) {
  if (!out)
    return;
  free(out->data);
  out->data = NULL;
}

#ifdef DX_HAVE_ZLIB
/* One inflate run with the given window bits. */
static int run_inflate(const uint8_t *in, uint32_t n, int wbits, uint32_t cap, http_inflated *out) {
  memset(out, 0, sizeof *out);
  z_stream z;
  memset(&z, 0, sizeof z);
  if (inflateInit2(&z, wbits) != Z_OK) {
    out->error = "zlib could not be initialised";
    return -1;
  }
  size_t size = n < 4096 ? 8192 : (size_t)n * 4;
  if (size > cap)
    size = cap;
  if (size == 0)
    size = 1;
  uint8_t *buf = malloc(size);
  if (!buf) {
    inflateEnd(&z);
    out->error = "out of memory";
    return -1;
  }
  z.next_in = (Bytef *)(uintptr_t)in;
  z.avail_in = n;
  size_t used = 0;
  int rc = Z_OK;
  /* Each pass either produces output, consumes input, or stops. */
  for (;;) {
    if (used == size) {
      if (size >= cap) {
        out->capped = true;
        break;
      }
      size_t ns = size * 2 > cap ? cap : size * 2;
      uint8_t *nb = realloc(buf, ns);
      if (!nb) {
        free(buf);
        inflateEnd(&z);
        out->error = "out of memory";
        return -1;
      }
      buf = nb;
      size = ns;
    }
    z.next_out = buf + used;
    z.avail_out = (uInt)(size - used);
    rc = inflate(&z, Z_NO_FLUSH);
    used = size - z.avail_out;
    if (rc == Z_STREAM_END)
      break;
    if (rc == Z_BUF_ERROR && z.avail_in == 0)
      break; /* input ended before the stream did: keep what came out */
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      free(buf);
      inflateEnd(&z);
      out->error = rc == Z_DATA_ERROR ? "invalid compressed data" : "zlib error";
      return -1;
    }
    if (rc == Z_BUF_ERROR && z.avail_out != 0)
      break;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END && !out->capped && used == 0) {
    free(buf);
    out->error = "compressed data ended early";
    return -1;
  }
  out->data = buf;
  out->len = (uint32_t)used;
  return 0;
}
#endif

int dx_http_inflate(const uint8_t *in, uint32_t n, bool gzip, uint32_t cap, http_inflated *out) {
  memset(out, 0, sizeof *out);
#ifdef DX_HAVE_ZLIB
  if (gzip)
    return run_inflate(in, n, 15 + 16, cap, out);
  if (run_inflate(in, n, 15, cap, out) == 0)
    return 0;
  return run_inflate(in, n, -15, cap, out);
#else
  (void)in;
  (void)n;
  (void)gzip;
  (void)cap;
  out->error = "built without zlib";
  return -1;
#endif
}

/* ---- Content-Encoding: br (RFC 7932), bounded ------------------------------------ */

int dx_http_unbrotli(const uint8_t *in, uint32_t n, uint32_t cap, http_inflated *out) {
  memset(out, 0, sizeof *out);
  BrotliDecoderState *st = BrotliDecoderCreateInstance(NULL, NULL, NULL);
  if (!st) {
    out->error = "brotli decoder could not be created";
    return -1;
  }
  size_t size = n < 4096 ? 8192 : (size_t)n * 4;
  if (size > cap)
    size = cap;
  if (size == 0)
    size = 1;
  uint8_t *buf = malloc(size);
  size_t used = 0, avail_in = n;
  const uint8_t *next_in = in;
  int rc = -1;
  while (buf) {
    size_t avail_out = size - used;
    uint8_t *next_out = buf + used;
    BrotliDecoderResult r =
        BrotliDecoderDecompressStream(st, &avail_in, &next_in, &avail_out, &next_out, NULL);
    used = size - avail_out;
    if (r == BROTLI_DECODER_RESULT_SUCCESS) {
      rc = 0;
      break;
    }
    if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
      if (size >= cap) {
        out->capped = true;
        rc = 0;
        break;
      }
      size_t ns = size * 2 > cap ? cap : size * 2;
      uint8_t *nb = realloc(buf, ns);
      if (!nb) {
        out->error = "out of memory";
        break;
      }
      buf = nb;
      size = ns;
      continue;
    }
    out->error = r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT
                     ? "the brotli stream ends early"
                     : BrotliDecoderErrorString(BrotliDecoderGetErrorCode(st));
    break;
  }
  BrotliDecoderDestroyInstance(st);
  if (rc != 0) {
    free(buf);
    if (!out->error)
      out->error = "out of memory";
    return -1;
  }
  out->data = buf;
  out->len = (uint32_t)used;
  return 0;
}

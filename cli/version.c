/* dissect -v: the version and the libraries it was built with, as tshark -v
 * names them ("Compiled ... with", "Running ... with"). */
#include "cli.h"

#include <json-c/json.h>
#include <pcap/pcap.h>
#include <stdio.h>
#if __has_include(<openssl/crypto.h>)
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#define HAVE_OPENSSL_H 1
#endif
#if __has_include(<nghttp2/nghttp2.h>)
#include <nghttp2/nghttp2.h>
#define HAVE_NGHTTP2_H 1
#endif
#if __has_include(<zlib.h>)
#include <zlib.h>
#define HAVE_ZLIB_H 1
#endif
#if __has_include(<brotli/decode.h>)
#include <brotli/decode.h>
#define HAVE_BROTLI_H 1
#endif

void cli_print_version(FILE *out) {
  fprintf(out, "dissect %s (libdissect %s)\n\n", DX_VERSION_STRING, dx_version());
  fputs("Compiled with", out);
#ifdef HAVE_OPENSSL_H
  fprintf(out, " %s,", OPENSSL_VERSION_TEXT);
#endif
#ifdef HAVE_NGHTTP2_H
  fprintf(out, " nghttp2 %s,", NGHTTP2_VERSION);
#endif
#ifdef HAVE_ZLIB_H
  fprintf(out, " zlib %s,", ZLIB_VERSION);
#endif
  fprintf(out, " json-c %s, libpcap.\n\n", JSON_C_VERSION);
  fprintf(out, "Running with %s, json-c %s", pcap_lib_version(), json_c_version());
#ifdef HAVE_OPENSSL_H
  fprintf(out, ", %s", OpenSSL_version(OPENSSL_VERSION));
#endif
#ifdef HAVE_NGHTTP2_H
  {
    nghttp2_info *ni = nghttp2_version(0);
    if (ni)
      fprintf(out, ", nghttp2 %s", ni->version_str);
  }
#endif
#ifdef HAVE_ZLIB_H
  fprintf(out, ", zlib %s", zlibVersion());
#endif
#ifdef HAVE_BROTLI_H
  {
    uint32_t v = BrotliDecoderVersion();
    fprintf(out, ", brotli %u.%u.%u", v >> 24, (v >> 12) & 0xfff, v & 0xfff);
  }
#endif
  fputs(".\n", out);
}

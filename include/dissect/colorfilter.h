/*
 * libdissect colouring rules: Wireshark's "colorfilters" as data.
 *
 * A rule is a name, a display filter and two colours (background and
 * foreground, 16 bits per channel as Wireshark writes them). A packet takes
 * the colours of the first enabled rule whose filter matches it. The text
 * format is Wireshark's colorfilters file, one rule a line, the background
 * colour first (here dark red behind pale yellow text):
 *
 *   # a comment
 *   @TCP RST@tcp.flags.reset eq 1@[42148,0,0][65535,64764,40092]
 *   !@UDP@udp@[56026,61166,65535][4718,10030,11796]      (disabled: "!")
 *
 * dx_colorfilters_default_text() holds Wireshark 4.0's default rules, in
 * its order. Filters are compiled with DX_FILTER_UNKNOWN_ABSENT, so a rule
 * that reads fields this library does not dissect (hsrp.state, sctp.*,
 * smb...) compiles and those tests are false ("!pim" is true), as for a
 * capture without those protocols in Wireshark.
 *
 *   dx_colorfilters *cf;
 *   char err[256];
 *   if (dx_colorfilters_parse(sess, dx_colorfilters_default_text(), -1, &cf, err, sizeof err)
 *       == DX_OK) {
 *     int r = dx_colorfilters_match(cf, pkt);   // -1: no rule
 *     ...
 *     dx_colorfilters_free(cf);
 *   }
 *
 * The rules refer to the session's field registry: free them before the
 * session. dx_colorfilters_match() changes nothing and may run in several
 * threads at once on packets of sessions they own.
 */
#ifndef DISSECT_COLORFILTER_H
#define DISSECT_COLORFILTER_H

#include <dissect/dissect.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DX_COLORFILTERS_MAX_RULES 256       /* rules one set holds; more is an error */
#define DX_COLORFILTERS_MAX_TEXT (1u << 20) /* bytes of a colorfilters file */
#define DX_COLORFILTERS_MAX_LINE 65536u     /* bytes of one line */

typedef struct dx_colorfilters dx_colorfilters;

/* One colour, 16 bits per channel (0..65535) as in a colorfilters file. */
typedef struct dx_color {
  uint16_t r, g, b;
} dx_color;

/* One rule as dx_colorfilters_rule() shows it. The strings belong to the
 * rule set. error is NULL, or why the rule never matches (its filter did
 * not compile: Wireshark disables such a rule too). */
typedef struct dx_colorfilter_rule {
  const char *name;
  const char *filter;
  dx_color fg, bg;
  int enabled; /* 0: the line began with "!" */
  const char *error;
  /* The names of its filter that are no field of this library (tests on
   * them are false: a protocol it does not dissect, or a misspelling), at
   * most 16 (dx_filter_unknown()). */
  const char *unknown[16];
  size_t nunknown;
} dx_colorfilter_rule;

/* Wireshark 4.0's default colouring rules in the colorfilters format. */
const char *dx_colorfilters_default_text(void);

/* Parses len bytes of colorfilters text (len (size_t)-1: up to the NUL) and
 * compiles each rule against session s. Returns DX_OK and a rule set in
 * *out; a rule whose filter does not compile is kept, disabled, with its
 * error (the first such error is also written to err). Blank lines and
 * lines starting with "#" are skipped; the last line needs no newline.
 * Returns DX_EFILTER when a line is not a rule, or a rule has an empty name
 * or filter (err names the line and what is wrong), DX_ELIMIT beyond
 * DX_COLORFILTERS_MAX_RULES rules, DX_COLORFILTERS_MAX_TEXT bytes or a line
 * of more than DX_COLORFILTERS_MAX_LINE bytes, DX_ENOMEM, DX_EINVAL. err may
 * be NULL. */
int dx_colorfilters_parse(const dx_session *s, const char *text, size_t len, dx_colorfilters **out,
                          char *err, size_t errlen);

/* As dx_colorfilters_parse() on the contents of a file (err is prefixed
 * with the path); DX_ENOFILE if it cannot be opened, DX_EIO if reading it
 * fails. */
int dx_colorfilters_load(const dx_session *s, const char *path, dx_colorfilters **out, char *err,
                         size_t errlen);

/* Reads a colorfilters file whole into *text (NUL-terminated, *len bytes
 * before the NUL; free() it), for a caller that parses it again later (for
 * each session). err is prefixed with the path. DX_ENOFILE if it cannot be
 * opened, DX_EIO if reading fails, DX_ELIMIT past DX_COLORFILTERS_MAX_TEXT
 * bytes, DX_ENOMEM, DX_EINVAL. */
int dx_colorfilters_read(const char *path, char **text, size_t *len, char *err, size_t errlen);

/* Number of rules (enabled or not). */
size_t dx_colorfilters_count(const dx_colorfilters *cf);

/* Rule i (0-based, file order) in *out; DX_EINVAL if there is none. */
int dx_colorfilters_rule(const dx_colorfilters *cf, size_t i, dx_colorfilter_rule *out);

/* The index of the first enabled rule that matches p, or -1. */
int dx_colorfilters_match(const dx_colorfilters *cf, const dx_packet *p);

/* The distinct fields the enabled rules read (for dx_session_set_interest,
 * so that a terse session still builds them): stores up to n in out and
 * returns how many there are in all. */
size_t dx_colorfilters_fields(const dx_colorfilters *cf, const dx_field **out, size_t n);
/* What the enabled rules need of each field of dx_colorfilters_fields(), in
 * the same order (the largest need of any rule: dx_filter_field_needs()),
 * for dx_session_set_interest_needs(): stores up to n in out and returns
 * how many there are in all. */
size_t dx_colorfilters_field_needs(const dx_colorfilters *cf, uint32_t *out, size_t n);

/* Frees a rule set (NULL is fine). */
void dx_colorfilters_free(dx_colorfilters *cf);

#ifdef __cplusplus
}
#endif

#endif /* DISSECT_COLORFILTER_H */

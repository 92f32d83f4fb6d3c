/* Times as tshark shows them: the time column in each of tshark's -t
 * formats (with -u hms), and absolute times with the local date and zone
 * (frame.time: "Nov 22, 2026 08:25:43.332411000 UTC"). */
#include "../core/session.h"

#include <dissect/dissect.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const uint32_t pow10_[10] = {1,      10,      100,      1000,      10000,
                                    100000, 1000000, 10000000, 100000000, 1000000000};

/* ".%0*u" of the first digits of the nanoseconds (cut, not rounded, as
 * Wireshark cuts them), or nothing for digits 0. */
static size_t put_frac(char *q, uint32_t nsec, int digits) {
  if (digits <= 0)
    return 0;
  uint32_t v = nsec / pow10_[9 - digits];
  q[0] = '.';
  for (int i = digits; i > 0; i--, v /= 10)
    q[i] = (char)('0' + v % 10);
  return (size_t)digits + 1;
}

/* Relative and delta times: "-1.250000" as tshark's display_signed_time
 * writes them, or "1h 2m 3.250000s" with -u hms. */
static size_t fmt_signed(char *buf, size_t len, int64_t sec, int32_t nsec, bool hms, int digits) {
  /* Seconds and nanoseconds apart: times of captures centuries apart
   * (64-bit pcapng timestamps) overflow 64 bits of nanoseconds. */
  sec += nsec / 1000000000;
  nsec %= 1000000000;
  if (nsec < 0 && sec > INT64_MIN) {
    nsec += 1000000000;
    sec--;
  }
  uint64_t s = (uint64_t)sec;
  int32_t frac = nsec < 0 ? -nsec : nsec;
  bool neg = false;
  if (sec < 0) { /* -(sec + nsec / 1e9), nsec >= 0 */
    s = frac ? (uint64_t) - (sec + 1) : 0 - (uint64_t)sec;
    frac = frac ? 1000000000 - frac : 0;
    /* tshark signs what it shows: "-0.000" of -0.0001 s is "0.000",
     * except in -u hms, where any negative time is "- " */
    neg = s != 0 || hms || (digits > 0 && (uint32_t)frac / pow10_[9 - digits] != 0);
  }
  char f[12];
  size_t fl = put_frac(f, (uint32_t)frac, digits);
  f[fl] = '\0';
  int n;
  if (!hms) { /* "%s%" PRIu64 "%s" without a format: once a frame */
    char t[48], *q = t + sizeof t - fl;
    memcpy(q, f, fl);
    uint64_t v = s;
    do
      *--q = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    if (neg)
      *--q = '-';
    size_t k = (size_t)(t + sizeof t - q);
    if (len) {
      size_t w = k < len ? k : len - 1;
      memcpy(buf, q, w);
      buf[w] = '\0';
    }
    return k;
  }
  const char *sign = neg ? "- " : "";
  if (s >= 3600)
    n = snprintf(buf, len, "%s%" PRIu64 "h %2dm %2d%ss", sign, s / 3600, (int)(s / 60 % 60),
                 (int)(s % 60), f);
  else if (s >= 60)
    n = snprintf(buf, len, "%s%dm %2d%ss", sign, (int)(s / 60), (int)(s % 60), f);
  else
    n = snprintf(buf, len, "%s%d%ss", sign, (int)s, f);
  return n < 0 ? 0 : (size_t)n;
}

static bool to_tm(int64_t sec, bool utc, struct tm *tm) {
  time_t t = (time_t)sec;
  return utc ? gmtime_r(&t, tm) != NULL : localtime_r(&t, tm) != NULL;
}

/* Digits of the fraction: the session's fixed precision, else the frame's
 * own (0: unknown, six as a pcap file's). */
static int column_digits(const dx_packet *p) {
  if (p->sess && p->sess->time_fixed)
    return p->sess->time_digits;
  int d = p->ts_prec;
  return d == 0 ? 6 : d < 0 ? 0 : d > 9 ? 9 : d;
}

size_t dx_packet_time_column(const dx_packet *p, char *buf, size_t len) {
  if (len)
    buf[0] = 0;
  if (!p)
    return 0;
  const dx_session *s = p->sess;
  int fmt = s ? s->time_format : DX_TIME_RELATIVE;
  bool hms = s && s->time_hms;
  int digits = column_digits(p);
  int64_t sec = p->frame.ts_sec;
  char f[12];
  size_t fl = put_frac(f, p->frame.ts_nsec % 1000000000u, digits);
  f[fl] = '\0';
  struct tm tm;
  int n = 0;
  switch (fmt) {
  case DX_TIME_DELTA: return fmt_signed(buf, len, p->delta_sec, p->delta_nsec, hms, digits);
  case DX_TIME_DELTA_DISPLAYED: return fmt_signed(buf, len, p->disp_sec, p->disp_nsec, hms, digits);
  case DX_TIME_EPOCH: n = snprintf(buf, len, "%" PRId64 "%s", sec, f); break;
  case DX_TIME_ABSOLUTE:
  case DX_TIME_UTC:
    if (!to_tm(sec, fmt == DX_TIME_UTC, &tm))
      return 0;
    n = snprintf(buf, len, "%02d:%02d:%02d%s", tm.tm_hour, tm.tm_min, tm.tm_sec, f);
    break;
  case DX_TIME_ABSOLUTE_YMD:
  case DX_TIME_UTC_YMD:
    if (!to_tm(sec, fmt == DX_TIME_UTC_YMD, &tm))
      return 0;
    n = snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, f);
    break;
  case DX_TIME_ABSOLUTE_YDOY:
  case DX_TIME_UTC_YDOY:
    if (!to_tm(sec, fmt == DX_TIME_UTC_YDOY, &tm))
      return 0;
    n = snprintf(buf, len, "%04d/%03d %02d:%02d:%02d%s", tm.tm_year + 1900, tm.tm_yday + 1,
                 tm.tm_hour, tm.tm_min, tm.tm_sec, f);
    break;
  default: return fmt_signed(buf, len, p->rel_sec, p->rel_nsec, hms, digits);
  }
  return n < 0 ? 0 : (size_t)n;
}

/* "Nov 22, 2026 08:25:43.332411000 UTC": local time and the zone's
 * abbreviation, as tshark prints an ABSOLUTE_TIME_LOCAL field. */
size_t dx_format_local_time(int64_t sec, int32_t nsec, char *buf, size_t len) {
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  /* The date and zone of the last second asked for, per thread: frames
   * come many to a second, and localtime_r() is slow. */
  static _Thread_local struct {
    bool ok;
    int64_t sec;
    char date[96], zone[64];
  } last;
  if (len)
    buf[0] = 0;
  if (!last.ok || last.sec != sec) {
    struct tm tm;
    last.ok = false;
    if (!to_tm(sec, false, &tm) || tm.tm_mon < 0 || tm.tm_mon > 11)
      return 0;
    snprintf(last.date, sizeof last.date, "%s %2d, %d %02d:%02d:%02d", mon[tm.tm_mon], tm.tm_mday,
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    snprintf(last.zone, sizeof last.zone, "%s", tm.tm_zone ? tm.tm_zone : "");
    last.sec = sec;
    last.ok = true;
  }
  /* "%s.%09d %s" of the date, nsec and zone, put together by hand (a
   * line of every frame's -V) */
  char out[96 + 11 + 64];
  size_t dl = strlen(last.date), zl = strlen(last.zone), n = dl;
  memcpy(out, last.date, dl);
  out[n++] = '.';
  uint32_t ns = nsec < 0 ? 0 : (uint32_t)nsec;
  if (ns > 999999999u) { /* (more than nine digits: as the format) */
    int w = snprintf(buf, len, "%s.%09d %s", last.date, nsec, last.zone);
    return w < 0 ? 0 : (size_t)w;
  }
  for (int i = 8; i >= 0; i--, ns /= 10)
    out[n + (size_t)i] = (char)('0' + ns % 10);
  n += 9;
  out[n++] = ' ';
  memcpy(out + n, last.zone, zl);
  n += zl;
  if (len) {
    size_t k = n < len - 1 ? n : len - 1;
    memcpy(buf, out, k);
    buf[k] = 0;
  }
  return n;
}

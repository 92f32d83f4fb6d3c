/* -z io,stat,INTERVAL[,FILTER...]: frames and bytes per interval, one
 * column per filter (an empty filter counts every frame), laid out as
 * tshark 4.0's tap-iostat lays its table out: the widths follow the
 * magnitudes of the duration and of the largest counts, the interval's
 * decimals are those the user wrote, and the duration is rounded to them.
 * Calculated columns as tshark 4.0 computes them: FRAMES, BYTES,
 * COUNT(field), SUM(), MIN(), MAX(), AVG() of integer and relative-time
 * fields and LOAD() of relative-time fields, each followed by an optional
 * filter (COUNT(tcp.len)tcp.len). As in tshark 4.0, a field is only seen
 * when a -z filter names it (COUNT(tcp.len) alone counts 0). Rows by
 * relative time (-t r), or by clock time (whole seconds) for -t a|ad|adoy|
 * u|ud|udoy as tshark 4.0 prints them. Floating-point fields (icmp.resptime)
 * with six decimals, as tshark 4.0 prints them. */
#include "stats_int.h"

#include <dissect/filter.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_COLS 64
#define MAX_ROWS (1u << 20) /* intervals in a table */

typedef struct bucket {
  uint64_t frames;
  uint64_t counter; /* bytes, or the calculation's value */
  uint32_t num;     /* values seen (AVG) */
  double d;         /* the calculation's value for a floating-point field */
} bucket;

enum { C_FRAMES, C_BYTES, C_FRAMES_BYTES, C_COUNT, C_SUM, C_MIN, C_MAX, C_AVG, C_LOAD };
static const char *const calc_names[] = {"FRAMES", "BYTES", "FRAMES BYTES", "COUNT", "SUM",
                                         "MIN",    "MAX",   "AVG",          "LOAD"};

typedef struct column {
  char *filter_text; /* NULL: every frame */
  dx_filter *filter;
  int calc;
  const dx_field *field; /* of the calculation */
  int visible;           /* named by one of the filters (tshark primes only those) */
  const char *flt;       /* the filter part of filter_text */
  int reltime, is_signed, dbl;
  uint64_t max_val;
  uint64_t max_frame;
  bucket *b;
  size_t nb;
} column;

struct st_iostat {
  uint64_t interval; /* microseconds; 0 = the whole capture */
  int prec;          /* decimals of the interval as written */
  column cols[MAX_COLS];
  int ncols;
  uint64_t last_us; /* relative time of the last frame */
  int any;
  dx_time_format tfmt; /* -t: relative, or absolute rows (a, ad, adoy, u, ud, udoy) */
  int have_start;
  int64_t start_sec; /* the first tapped frame's second, less its relative seconds */
};

static void free_cols(st_iostat *io) {
  for (int j = 0; j < io->ncols; j++) {
    free(io->cols[j].filter_text);
    dx_filter_free(io->cols[j].filter);
    free(io->cols[j].b);
  }
}

void st_iostat_free(st_iostat *io) {
  if (!io)
    return;
  free_cols(io);
  free(io);
}

/* tshark's register_io_tap(): FUNC(field)filter, FRAMES, BYTES */
static int parse_calc(dx_session *s, column *col) {
  const char *t = col->filter_text;
  col->calc = C_FRAMES_BYTES;
  col->flt = t;
  for (int j = 0; j < (int)(sizeof calc_names / sizeof calc_names[0]); j++) {
    size_t nl = strlen(calc_names[j]);
    if (strncmp(t, calc_names[j], nl) != 0) {
      if (col->calc == C_FRAMES || col->calc == C_BYTES)
        col->flt = "";
      continue;
    }
    col->calc = j;
    if (t[nl] != '(')
      continue;
    const char *f = t + nl + 1, *close = strchr(f, ')');
    if (!close) {
      fprintf(stderr, "dissect: -z io,stat: closing parenthesis missing from %s\n", t);
      return -1;
    }
    if ((j == C_FRAMES || j == C_BYTES) != (close == f)) {
      fprintf(stderr, "dissect: -z io,stat: %s %s\n", calc_names[j],
              close == f ? "needs a field name within the parentheses"
                         : "takes no field name within the parentheses");
      return -1;
    }
    col->flt = close + 1;
    if (j == C_FRAMES || j == C_BYTES)
      break;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(close - f) < 255 ? (int)(close - f) : 255, f);
    col->field = dx_field_lookup(s, name);
    if (!col->field) {
      fprintf(stderr, "dissect: -z io,stat: there is no field named '%s'\n", name);
      return -1;
    }
    dx_ftype ft = dx_field_type(col->field);
    col->reltime = ft == DX_FT_RELTIME;
    col->dbl = ft == DX_FT_DOUBLE && j != C_COUNT;
    col->is_signed = ft == DX_FT_INT32 || ft == DX_FT_INT64;
    int integral = ft == DX_FT_UINT8 || ft == DX_FT_UINT16 || ft == DX_FT_UINT24 ||
                   ft == DX_FT_UINT32 || ft == DX_FT_UINT64 || ft == DX_FT_FRAMENUM ||
                   col->is_signed;
    if (!integral && !col->reltime && !col->dbl && j != C_COUNT) {
      fprintf(stderr,
              "dissect: -z io,stat: %s doesn't have integral values, so %s(*) calculations are "
              "not supported on it\n",
              name, calc_names[j]);
      return -1;
    }
    if (j == C_LOAD && !col->reltime) { /* (a double too, as tshark) */
      fprintf(stderr,
              "dissect: -z io,stat: LOAD() is only supported for relative-time fields such as "
              "smb.time\n");
      return -1;
    }
    break;
  }
  return 0;
}

int st_iostat_new(dx_session *s, const char *args, st_iostat **out) {
  *out = NULL;
  st_iostat *io = calloc(1, sizeof *io);
  if (!io)
    return -1;
  /* INTERVAL: seconds, with up to six decimals */
  size_t il = strcspn(args, ",");
  char num[32];
  if (il == 0 || il >= sizeof num) {
    fprintf(stderr, "dissect: -z io,stat,%s: invalid interval\n", args);
    free(io);
    return -1;
  }
  memcpy(num, args, il);
  num[il] = 0;
  uint64_t whole = 0, frac = 0;
  int digits = 0, ok = 1;
  const char *c = num;
  for (; *c >= '0' && *c <= '9'; c++)
    whole = whole * 10 + (uint64_t)(*c - '0'), ok = whole < 100000000;
  if (*c == '.')
    for (c++; *c >= '0' && *c <= '9'; c++, digits++)
      if (digits < 6)
        frac = frac * 10 + (uint64_t)(*c - '0');
  if (*c || !ok || digits > 6) {
    fprintf(stderr, "dissect: -z io,stat,%s: invalid interval (seconds, at most six decimals)\n",
            args);
    free(io);
    return -1;
  }
  for (int d = digits; d < 6; d++)
    frac *= 10;
  io->interval = whole * 1000000 + frac;
  io->prec = digits;
  /* the columns */
  const char *p = args + il;
  do {
    if (io->ncols == MAX_COLS) {
      fprintf(stderr, "dissect: -z io,stat: at most %d columns\n", MAX_COLS);
      st_iostat_free(io);
      return -1;
    }
    column *col = &io->cols[io->ncols++];
    col->calc = C_FRAMES_BYTES;
    if (*p == ',')
      p++;
    size_t fl = strcspn(p, ",");
    /* a filter may hold commas inside quotes or braces: take up to the
     * next comma outside them */
    int depth = 0, quote = 0;
    fl = 0;
    for (; p[fl]; fl++) {
      char ch = p[fl];
      if (quote) {
        if (ch == '\\' && p[fl + 1])
          fl++;
        else if (ch == '"')
          quote = 0;
      } else if (ch == '"') {
        quote = 1;
      } else if (ch == '{' || ch == '(' || ch == '[') {
        depth++;
      } else if (ch == '}' || ch == ')' || ch == ']') {
        depth--;
      } else if (ch == ',' && depth <= 0) {
        break;
      }
    }
    if (fl) {
      col->filter_text = strndup(p, fl);
      if (!col->filter_text) {
        st_iostat_free(io);
        return -1;
      }
      if (parse_calc(s, col) != 0) {
        st_iostat_free(io);
        return -1;
      }
      if (!*col->flt) { /* FRAMES, COUNT(f) ...: every frame */
        p += fl;
        continue;
      }
      dx_filter_error err;
      memset(&err, 0, sizeof err);
      if (dx_filter_compile(s, col->flt, &col->filter, &err) != DX_OK) {
        char msg[2048];
        dx_filter_error_format(col->flt, &err, msg, sizeof msg);
        fprintf(stderr, "dissect: -z io,stat: invalid filter:\n%s\n", msg);
        st_iostat_free(io);
        return -1;
      }
    }
    p += fl;
  } while (*p == ',');
  *out = io;
  return 0;
}

/* One value of the column's field (the i-th of the packet) into bucket idx. */
static void calc_value(st_iostat *io, column *col, size_t idx, const dx_node *n, uint32_t i) {
  bucket *it = &col->b[idx];
  if (col->dbl) { /* a floating-point field (icmp.resptime): as tshark 4.0 */
    double d = dx_node_double(n);
    switch (col->calc) {
    case C_SUM: it->d += d; break;
    case C_MIN:
      if ((it->frames == 1 && i == 0) || d < it->d)
        it->d = d;
      break;
    case C_MAX:
      if (d > it->d)
        it->d = d;
      break;
    case C_AVG:
      it->num++;
      it->d += d;
      break;
    default: break;
    }
    return;
  }
  uint64_t v;
  if (col->reltime) {
    double d = dx_node_double(n) * 1e9;
    v = d > 0 ? (uint64_t)(d + 0.5) : 0;
  } else if (col->is_signed) {
    v = (uint64_t)dx_node_int(n);
  } else {
    v = dx_node_uint(n);
  }
  int first = it->frames == 1 && i == 0;
  switch (col->calc) {
  case C_COUNT: it->counter++; break;
  case C_SUM: it->counter += v; break;
  case C_MIN:
    if (first || (col->is_signed ? (int64_t)v < (int64_t)it->counter : v < it->counter))
      it->counter = v;
    break;
  case C_MAX:
    if (col->is_signed ? (int64_t)v > (int64_t)it->counter : v > it->counter)
      it->counter = v;
    break;
  case C_AVG:
    it->num++;
    it->counter += v;
    break;
  case C_LOAD: {
    /* the time spread back over the intervals it covers (microseconds) */
    uint64_t us = v / 1000, invl = io->interval ? io->interval : UINT64_MAX;
    uint64_t tival = us % invl;
    it->counter += tival;
    us -= tival;
    for (size_t k = idx; us > 0 && k-- > 0;) {
      if (us < invl) {
        col->b[k].counter += us;
        break;
      }
      col->b[k].counter += invl;
      us -= invl;
    }
    break;
  }
  default: break;
  }
}

int st_iostat_set_time_format(st_iostat *io, dx_time_format fmt) {
  if (fmt == DX_TIME_DELTA || fmt == DX_TIME_DELTA_DISPLAYED || fmt == DX_TIME_EPOCH) {
    fprintf(stderr,
            "dissect: invalid -t operand. io,stat only supports -t <r|a|ad|adoy|u|ud|udoy>\n");
    return -1;
  }
  io->tfmt = fmt;
  return 0;
}

size_t st_iostat_filter_fields(const st_iostat *io, const dx_field **out, size_t n) {
  size_t k = 0;
  for (int j = 0; j < io->ncols && k < n; j++) {
    if (!io->cols[j].filter)
      continue;
    size_t m = dx_filter_fields(io->cols[j].filter, out + k, n - k);
    k += m < n - k ? m : n - k;
  }
  return k;
}

/* tshark 4.0 builds only the fields some filter names (any -z filter):
 * COUNT(tcp.len) alone counts 0, beside a filter naming tcp.len it counts */
void st_iostat_prime(st_iostat *io, const dx_field *const *fields, size_t n) {
  for (int j = 0; j < io->ncols; j++)
    for (size_t u = 0; u < n; u++)
      if (io->cols[j].field && fields[u] == io->cols[j].field)
        io->cols[j].visible = 1;
}

void st_iostat_packet(st_iostat *io, const dx_packet *p, int64_t rel_ns) {
  uint64_t us = rel_ns > 0 ? (uint64_t)(rel_ns + 500) / 1000 : 0;
  io->last_us = us;
  io->any = 1;
  size_t idx = io->interval ? (size_t)(us / io->interval) : 0;
  if (idx > MAX_ROWS) /* a corrupt time stamp must not make a huge table */
    return;
  for (int j = 0; j < io->ncols; j++) {
    column *col = &io->cols[j];
    if (col->filter && !dx_filter_match(col->filter, p))
      continue;
    if (!io->have_start) {
      io->have_start = 1;
      io->start_sec = dx_packet_frame(p)->ts_sec - (rel_ns > 0 ? rel_ns / 1000000000 : 0);
    }
    if (idx >= col->nb) {
      size_t nb = col->nb ? col->nb : 16;
      while (nb <= idx)
        nb *= 2;
      bucket *b = realloc(col->b, nb * sizeof *b);
      if (!b)
        return;
      memset(b + col->nb, 0, (nb - col->nb) * sizeof *b);
      col->b = b;
      col->nb = nb;
    }
    bucket *it = &col->b[idx];
    it->frames++;
    if (col->calc <= C_FRAMES_BYTES) {
      it->counter += dx_packet_frame(p)->wirelen;
    } else if (col->visible) {
      uint32_t i = 0;
      for (const dx_node *n = dx_packet_find(p, col->field); n; n = dx_packet_find_next(p, n), i++)
        calc_value(io, col, idx, n, i);
    }
    /* the widest value so far, as tshark tracks it (of a floating-point
     * value, its integer part rounded) */
    if (col->dbl) {
      double d = col->calc == C_AVG ? (it->num ? it->d / it->num : 0) : it->d;
      uint64_t v = d > 0 && d < 1.8e19 ? (uint64_t)(d + 0.5) : 0;
      if (v > col->max_val)
        col->max_val = v;
      continue;
    }
    switch (col->calc) {
    case C_FRAMES:
    case C_FRAMES_BYTES:
      if (it->frames > col->max_frame)
        col->max_frame = it->frames;
      if (col->calc == C_FRAMES_BYTES && it->counter > col->max_val)
        col->max_val = it->counter;
      break;
    case C_AVG:
      if (it->num) {
        uint64_t v =
            col->reltime ? (it->counter / it->num + 500000000) / 1000000000 : it->counter / it->num;
        if (v > col->max_val)
          col->max_val = v;
      }
      break;
    default:
      if (it->counter > col->max_val)
        col->max_val = it->counter;
      break;
    }
  }
}

static int magnitude(uint64_t v, int max_w) {
  int mag = 0;
  for (int i = 0; i < max_w; i++) {
    mag++;
    if ((v /= 10) == 0)
      break;
  }
  return mag;
}

static void spaces(FILE *out, int n) {
  for (; n > 0; n--)
    fputc(' ', out);
}

static void chars(FILE *out, int c, int n) {
  for (; n > 0; n--)
    fputc(c, out);
}

/* tshark's printcenter() */
static void printcenter(FILE *out, const char *label, int lenval, int numpad) {
  int lenlab = (int)strlen(label);
  int len = 6 - (((lenval - lenlab) / 2) + numpad);
  if (len > 0 && len < 6) {
    int sp = 6 - len;
    if ((lenval - lenlab) % 2 == 0) {
      spaces(out, sp);
      fputs(label, out);
      spaces(out, sp);
    } else {
      spaces(out, sp + 1);
      fputs(label, out);
      spaces(out, sp);
    }
    fputc('|', out);
  } else if (len > 0 && len <= 15) {
    fprintf(out, "%s|", label);
  }
}

/* One cell of a row, as tshark's iostat_draw() prints it; span is the
 * length of the row's interval (the last one may be shorter). */
static void print_cell(FILE *out, const column *col, const bucket *b, int fr_w, int val_w,
                       uint64_t span, int has_item, double *stale) {
  uint64_t v = b->counter;
  if (col->dbl) {
    /* tshark 4.0 prints a floating-point cell from one variable kept from
     * cell to cell: past the column's last value-bearing interval (no item
     * there) it prints whatever the last such cell computed */
    if (has_item)
      *stale = col->calc == C_AVG ? (b->num ? b->d / b->num : 0) : b->d;
    fprintf(out, " %*.6f |", val_w, *stale);
    return;
  }
  switch (col->calc) {
  case C_FRAMES: fprintf(out, " %*" PRIu64 " |", fr_w, b->frames); return;
  case C_FRAMES_BYTES:
    fprintf(out, " %*" PRIu64 " | %*" PRIu64 " |", fr_w, b->frames, val_w, v);
    return;
  case C_BYTES:
  case C_COUNT: fprintf(out, " %*" PRIu64 " |", val_w, v); return;
  case C_AVG:
    v = b->num ? v / b->num : v;
    if (col->reltime)
      v = (v + 500) / 1000;
    break;
  case C_LOAD:
    span = span ? span : 1;
    fprintf(out, " %*d.%06d |", val_w - 7, (int)(v / span), (int)(v % span * 1000000 / span));
    return;
  default:
    if (col->reltime)
      v = (v + 500) / 1000;
    break;
  }
  if (col->reltime)
    fprintf(out, " %*d.%06d |", val_w - 7, (int)(v / 1000000), (int)(v % 1000000));
  else if (col->is_signed)
    fprintf(out, " %*" PRId64 " |", val_w, (int64_t)v);
  else
    fprintf(out, " %*" PRIu64 " |", val_w, v);
}

int st_iostat_print(st_iostat *io, FILE *out) {
  uint64_t duration = io->last_us;
  uint64_t interval = io->interval;
  if (interval && duration / interval >= MAX_ROWS) {
    /* a capture spanning years (or a corrupt time stamp) with a short
     * interval would print billions of rows */
    fprintf(stderr,
            "dissect: -z io,stat: the capture lasts %" PRIu64 " s: more than %u intervals of "
            "this length; give a longer interval\n",
            duration / 1000000, MAX_ROWS);
    return -1;
  }
  int whole = interval > duration || interval == 0;
  if (whole)
    interval = duration;
  int dur_secs_orig = (int)(duration / 1000000), dur_nsecs_orig = (int)(duration % 1000000);
  int dur_mag = magnitude((uint64_t)dur_secs_orig, 5);
  int invl_mag = magnitude(interval / 1000000, 5);
  int prec, borderlen;
  if (interval == duration) {
    prec = dur_mag >= 2 ? 1 : dur_mag == 1 ? 3 : 4;
    borderlen = 30 + dur_mag + (prec == 0 ? 0 : prec + 1);
  } else {
    prec = io->prec;
    borderlen = 25 + (invl_mag > dur_mag ? invl_mag : dur_mag) + (prec == 0 ? 0 : prec + 1);
  }
  uint64_t dv = 1000000;
  for (int i = 0; i < prec; i++)
    dv /= 10;
  if (duration % dv > 5 * (dv / 10)) {
    duration += 5 * (dv / 10);
    duration = duration / dv * dv;
  }
  if (whole)
    interval = duration;
  int dur_secs = (int)(duration / 1000000), dur_nsecs = (int)(duration % 1000000);
  dur_mag = magnitude((uint64_t)dur_secs, 5);
  int invl_col_w = prec == 0 ? 2 * dur_mag + 8 : 2 * dur_mag + 2 * prec + 10;
  int dated = io->tfmt == DX_TIME_ABSOLUTE_YMD || io->tfmt == DX_TIME_ABSOLUTE_YDOY ||
              io->tfmt == DX_TIME_UTC_YMD || io->tfmt == DX_TIME_UTC_YDOY;
  if (invl_col_w < (dated ? 23 : 12))
    invl_col_w = dated ? 23 : 12;
  if (borderlen < invl_col_w)
    borderlen = invl_col_w;

  int ncols = io->ncols;
  int fr_w[MAX_COLS], val_w[MAX_COLS];
  int tabrow_w = invl_col_w;
  for (int j = 0; j < ncols; j++) {
    const column *col = &io->cols[j];
    int c = col->calc;
    int namelen = c == C_FRAMES_BYTES ? 5 : (int)strlen(calc_names[c]);
    fr_w[j] = val_w[j] = 0;
    if (c == C_FRAMES || c == C_FRAMES_BYTES) {
      fr_w[j] = magnitude(col->max_frame, 15);
      if (fr_w[j] < 6)
        fr_w[j] = 6;
      tabrow_w += fr_w[j] + 3;
      if (c == C_FRAMES_BYTES) {
        val_w[j] = magnitude(col->max_val, 15);
        if (val_w[j] < 5)
          val_w[j] = 5;
        tabrow_w += val_w[j] + 3;
      }
      continue;
    }
    if (c == C_BYTES || c == C_COUNT) {
      val_w[j] = magnitude(col->max_val, 15);
      if (val_w[j] < 5)
        val_w[j] = 5;
    } else if (col->dbl) {
      val_w[j] = magnitude(col->max_val, 15) + 7;
    } else if (col->reltime) {
      uint64_t mv = col->max_val;
      if (c == C_LOAD)
        mv = interval ? mv / interval : 0;
      else if (c != C_AVG)
        mv = (mv + 500000000) / 1000000000;
      val_w[j] = magnitude(mv, 15) + 7;
    } else {
      val_w[j] = magnitude(col->max_val, 15);
      if (val_w[j] < namelen)
        val_w[j] = namelen;
    }
    tabrow_w += val_w[j] + 3;
  }
  if (borderlen < tabrow_w)
    borderlen = tabrow_w;
  int maxfltr_w = 0;
  for (int j = 0; j < ncols; j++) {
    int k = io->cols[j].filter_text ? (int)strlen(io->cols[j].filter_text) + 11 : 26;
    if (k > maxfltr_w)
      maxfltr_w = k;
  }
  if (borderlen < maxfltr_w)
    borderlen = maxfltr_w;

  fputc('\n', out);
  chars(out, '=', borderlen);
  fputs("\n| IO Statistics", out);
  spaces(out, borderlen - 16);
  fputs("|\n|", out);
  spaces(out, borderlen - 2);
  fputs("|\n", out);
  if (prec == 0) {
    fprintf(out, "| Duration: %*d.%6d secs", dur_mag, dur_secs_orig, dur_nsecs_orig);
    spaces(out, borderlen - (25 + dur_mag));
    fputs("|\n", out);
    fprintf(out, "| Interval: %*d secs", dur_mag, (int)(interval / 1000000));
    spaces(out, borderlen - (18 + dur_mag));
    fputs("|\n", out);
  } else {
    fprintf(out, "| Duration: %*d.%0*d secs", dur_mag, dur_secs, prec, (int)(dur_nsecs / (int)dv));
    spaces(out, borderlen - (19 + dur_mag + prec));
    fputs("|\n", out);
    fprintf(out, "| Interval: %*d.%0*d secs", dur_mag, (int)(interval / 1000000), prec,
            (int)(interval % 1000000 / dv));
    spaces(out, borderlen - (19 + dur_mag + prec));
    fputs("|\n", out);
  }
  fputc('|', out);
  spaces(out, borderlen - 2);
  fputs("|\n| Col", out);
  for (int j = 0; j < ncols; j++) {
    fprintf(out, j == 0 ? "%2d: " : "|    %2d: ", j + 1);
    const char *ft = io->cols[j].filter_text;
    if (!ft) {
      fputs("Frames and bytes", out);
      spaces(out, borderlen - 26);
    } else {
      fputs(ft, out);
      spaces(out, borderlen - ((int)strlen(ft) + 10));
    }
    fputs("|\n", out);
  }
  fputs("|-", out);
  chars(out, '-', borderlen - 3);
  fputs("|\n|", out);
  spaces(out, invl_col_w - 2);
  fputc('|', out);
  for (int j = 0; j < ncols; j++) {
    int c = io->cols[j].calc;
    fprintf(out, "%-2d", j + 1);
    spaces(out, c == C_FRAMES_BYTES ? fr_w[j] + val_w[j] + 3 : c == C_FRAMES ? fr_w[j] : val_w[j]);
    fputc('|', out);
  }
  int filler = tabrow_w < borderlen ? borderlen - tabrow_w - 1 : -1;
  if (filler >= 0) {
    spaces(out, filler);
    fputc('|', out);
  }
  /* tshark 4.0 prints no label (not even the line break) for -t u */
  const char *label = io->tfmt == DX_TIME_RELATIVE   ? "\n| Interval"
                      : io->tfmt == DX_TIME_ABSOLUTE ? "\n| Time"
                      : io->tfmt == DX_TIME_UTC      ? ""
                                                     : "\n| Date and time";
  fputs(label, out);
  spaces(out, invl_col_w - (int)(*label ? strlen(label) : 11));
  fputc('|', out);
  for (int j = 0; j < ncols; j++) {
    int c = io->cols[j].calc;
    if (c == C_FRAMES_BYTES) {
      printcenter(out, "Frames", fr_w[j], 1);
      printcenter(out, "Bytes", val_w[j], 1);
    } else {
      printcenter(out, calc_names[c], c == C_FRAMES ? fr_w[j] : val_w[j], 1);
    }
  }
  if (filler >= 0) {
    spaces(out, filler);
    fputc('|', out);
  }
  fputs("\n|-", out);
  chars(out, '-', tabrow_w - 3);
  fputc('|', out);
  if (filler >= 0) {
    spaces(out, filler);
    fputc('|', out);
  }
  fputc('\n', out);

  uint64_t num_rows = 0;
  if (interval && duration)
    num_rows = duration / interval + (duration % interval > 0 ? 1 : 0);
  uint64_t t = 0;
  double stale = 0;
  size_t last_item[MAX_COLS]; /* per column: its last interval with an item (tshark's) */
  for (int j = 0; j < ncols; j++) {
    const column *col = &io->cols[j];
    last_item[j] = 0;
    for (size_t k = col->nb; k-- > 0;)
      if (col->b[k].frames) {
        last_item[j] = k;
        break;
      }
  }
  for (uint64_t i = 0; i < num_rows; i++) {
    int last = i == num_rows - 1;
    uint64_t end = last ? duration : t + interval;
    if (io->tfmt != DX_TIME_RELATIVE) {
      /* the row's start as a clock time, whole seconds */
      time_t tt = (time_t)(io->start_sec + (int64_t)(t / 1000000));
      struct tm tm;
      int utc =
          io->tfmt == DX_TIME_UTC || io->tfmt == DX_TIME_UTC_YMD || io->tfmt == DX_TIME_UTC_YDOY;
      if (!(utc ? gmtime_r(&tt, &tm) : localtime_r(&tt, &tm)))
        fputs("| XX:XX:XX |", out);
      else if (io->tfmt == DX_TIME_ABSOLUTE || io->tfmt == DX_TIME_UTC)
        fprintf(out, "| %02d:%02d:%02d |", tm.tm_hour, tm.tm_min, tm.tm_sec);
      else if (io->tfmt == DX_TIME_ABSOLUTE_YMD || io->tfmt == DX_TIME_UTC_YMD)
        fprintf(out, "| %04d-%02d-%02d %02d:%02d:%02d |", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
      else
        fprintf(out, "| %04d/%03d %02d:%02d:%02d |", tm.tm_year + 1900, tm.tm_yday + 1, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
    } else if (prec == 0) {
      const char *lead = dur_mag == 1 ? "|  " : "| ";
      if (last)
        fprintf(out, "%s%*d <> %-*s|", lead, dur_mag, (int)(t / 1000000),
                dur_mag >= 3 ? dur_mag + 1 : 3, "Dur");
      else
        fprintf(out, "%s%*d <> %*d%s", lead, dur_mag, (int)(t / 1000000), dur_mag,
                (int)(end / 1000000), dur_mag == 1 ? "  |" : " |");
    } else {
      fprintf(out, "| %*d.%0*d <> %*d.%0*d |", dur_mag, (int)(t / 1000000), prec,
              (int)(t % 1000000 / dv), dur_mag, (int)(end / 1000000), prec,
              (int)(end % 1000000 / dv));
    }
    for (int j = 0; j < ncols; j++) {
      const column *col = &io->cols[j];
      bucket b = {0, 0, 0, 0};
      if (i < col->nb)
        b = col->b[i];
      print_cell(out, col, &b, fr_w[j], val_w[j], last ? end - t : interval, i <= last_item[j],
                 &stale);
    }
    if (filler >= 0) {
      spaces(out, filler);
      fputc('|', out);
    }
    fputc('\n', out);
    t += interval;
  }
  chars(out, '=', borderlen);
  fputc('\n', out);
  return 0;
}

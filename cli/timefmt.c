/* tshark's -t and -u options: the format of the time column. */
#include "cli.h"

#include <string.h>

static const struct {
  const char *name;
  dx_time_format fmt;
  const char *what;
} formats[] = {
    {"a", DX_TIME_ABSOLUTE, "absolute"},
    {"ad", DX_TIME_ABSOLUTE_YMD, "absolute with YYYY-MM-DD date"},
    {"adoy", DX_TIME_ABSOLUTE_YDOY, "absolute with YYYY/DOY date"},
    {"d", DX_TIME_DELTA, "delta"},
    {"dd", DX_TIME_DELTA_DISPLAYED, "delta displayed"},
    {"e", DX_TIME_EPOCH, "epoch"},
    {"r", DX_TIME_RELATIVE, "relative"},
    {"u", DX_TIME_UTC, "absolute UTC"},
    {"ud", DX_TIME_UTC_YMD, "absolute UTC with YYYY-MM-DD date"},
    {"udoy", DX_TIME_UTC_YDOY, "absolute UTC with YYYY/DOY date"},
};

static void put_escaped(const char *arg) {
  for (const unsigned char *c = (const unsigned char *)arg; *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      fprintf(stderr, "\\x%02x", *c);
    else
      fputc(*c, stderr);
}

/* FORMAT[.[N]] (Wireshark 4.2's form; tshark 4.0 takes FORMAT only):
 * FORMAT may be left out (".3" keeps the format), N is 0 to 9 digits of
 * the fraction, "." alone is automatic (each capture's own precision).
 * *digits is changed only when a "." is given. */
int cli_parse_time_format(const char *arg, dx_time_format *out, int *digits) {
  const char *dot = strchr(arg, '.');
  size_t nlen = dot ? (size_t)(dot - arg) : strlen(arg);
  int prec = DX_TIME_PREC_AUTO;
  if (dot && dot[1]) {
    if (dot[1] < '0' || dot[1] > '9' || dot[2]) {
      fputs("dissect: Invalid time stamp precision \"", stderr);
      put_escaped(dot);
      fputs("\"; after the \".\" comes a number of digits from 0 to 9, or nothing for\n"
            "the capture's own precision\n",
            stderr);
      return -1;
    }
    prec = dot[1] - '0';
  }
  size_t i = 0;
  if (nlen) {
    for (; i < sizeof formats / sizeof formats[0]; i++)
      if (strlen(formats[i].name) == nlen && strncmp(arg, formats[i].name, nlen) == 0)
        break;
  } else if (!dot)
    i = sizeof formats / sizeof formats[0]; /* "" */
  if (i == sizeof formats / sizeof formats[0]) {
    /* tshark's message, word for word (the argument escaped) */
    fputs("dissect: Invalid time stamp type \"", stderr);
    put_escaped(arg);
    fputs("\"; it must be one of:\n", stderr);
    for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++)
      fprintf(stderr, "\t\"%s\"%*sfor %s\n", formats[k].name, (int)(5 - strlen(formats[k].name)),
              "", formats[k].what);
    fputs("\toptionally followed by .N (N digits of the fraction, 0-9) or \".\" (automatic)\n",
          stderr);
    return -1;
  }
  if (nlen)
    *out = formats[i].fmt;
  if (dot)
    *digits = prec;
  return 0;
}

int cli_parse_seconds_format(const char *arg, int *hms) {
  if (strcmp(arg, "s") == 0 || strcmp(arg, "hms") == 0) {
    *hms = arg[0] == 'h';
    return 0;
  }
  fputs("dissect: Invalid seconds type; it must be one of:\n"
        "\t\"s\"   for seconds\n"
        "\t\"hms\" for hours, minutes and seconds\n",
        stderr);
  return -1;
}

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

int cli_parse_time_format(const char *arg, dx_time_format *out) {
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    if (strcmp(arg, formats[i].name) == 0) {
      *out = formats[i].fmt;
      return 0;
    }
  /* tshark's message, word for word (the argument escaped) */
  fputs("dissect: Invalid time stamp type \"", stderr);
  for (const unsigned char *c = (const unsigned char *)arg; *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      fprintf(stderr, "\\x%02x", *c);
    else
      fputc(*c, stderr);
  fputs("\"; it must be one of:\n", stderr);
  for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
    fprintf(stderr, "\t\"%s\"%*sfor %s\n", formats[i].name, (int)(5 - strlen(formats[i].name)), "",
            formats[i].what);
  return -1;
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

/*
 * The colouring rules of the packet list: Wireshark's colorfilters format,
 * from --colorfilters FILE, else the user's file
 * ($XDG_CONFIG_HOME/dissect/colorfilters, else ~/.config/dissect/colorfilters),
 * else the library's copy of Wireshark's defaults. The text is kept and
 * compiled again for each scanner session (filters belong to a session);
 * the rules' names and colours are copied for drawing.
 */
#include "ui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The file's text, the error prefixed "colorfilters " as the TUI's other
 * messages about it. */
static int read_file(const char *path, char **out, size_t *len, char *err, size_t errlen) {
  char e[600] = "";
  int rc = dx_colorfilters_read(path, out, len, e, sizeof e);
  if (rc != DX_OK)
    snprintf(err, errlen, "colorfilters %s", e);
  return rc;
}

/* The user's colorfilters file, if there is one. */
static int user_file(char *path, size_t len) {
  const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
  int w;
  if (xdg && *xdg)
    w = snprintf(path, len, "%s/dissect/colorfilters", xdg);
  else if (home && *home)
    w = snprintf(path, len, "%s/.config/dissect/colorfilters", home);
  else
    return 0;
  struct stat st;
  return w > 0 && (size_t)w < len && stat(path, &st) == 0;
}

int colors_load(const char *path, char *warn, size_t warnlen, char *err, size_t errlen) {
  char upath[1024];
  warn[0] = err[0] = 0;
  colors_free();
  if (!path && user_file(upath, sizeof upath))
    path = upath;
  int rc;
  if (path) {
    rc = read_file(path, &g_tui_opts.cf_text, &g_tui_opts.cf_len, err, errlen);
    if (rc != DX_OK)
      return rc;
  } else {
    g_tui_opts.cf_text = strdup(dx_colorfilters_default_text());
    if (!g_tui_opts.cf_text) {
      snprintf(err, errlen, "out of memory");
      return DX_ENOMEM;
    }
    g_tui_opts.cf_len = strlen(g_tui_opts.cf_text);
  }
  /* compile once here, to report errors before the screen and keep the
   * colours */
  dx_session *s = NULL;
  dx_colorfilters *cf = NULL;
  char e[512] = "";
  rc = dx_session_new(&s, NULL);
  if (rc == DX_OK)
    rc = dx_colorfilters_parse(s, g_tui_opts.cf_text, g_tui_opts.cf_len, &cf, e, sizeof e);
  if (rc != DX_OK) {
    snprintf(err, errlen, "colorfilters%s%s: %s", path ? " " : "", path ? path : "",
             e[0] ? e : dx_strerror(rc));
    dx_session_free(s);
    colors_free();
    return rc;
  }
  if (e[0])
    snprintf(warn, warnlen, "colorfilters%s%s: %s", path ? " " : "", path ? path : "", e);
  /* a user's rule naming a field dissect does not know is said (as
   * Wireshark says a rule it cannot compile), not silently never true;
   * Wireshark's own default rules name protocols dissect lacks on purpose */
  if (path && !warn[0]) {
    size_t nrules = 0, first = (size_t)-1;
    dx_colorfilter_rule r0;
    for (size_t i = 0; i < dx_colorfilters_count(cf); i++) {
      dx_colorfilter_rule r;
      if (dx_colorfilters_rule(cf, i, &r) != DX_OK || !r.nunknown)
        continue;
      nrules++;
      if (first == (size_t)-1) {
        first = i;
        r0 = r;
      }
    }
    if (nrules) {
      /* (the file's text: no control byte reaches the terminal) */
      char rname[64];
      snprintf(rname, sizeof rname, "%s", r0.name);
      for (char *q = rname; *q; q++)
        if ((unsigned char)*q < 0x20 || *q == 0x7f)
          *q = '?';
      char names[200] = "";
      size_t k = 0;
      for (size_t j = 0; j < r0.nunknown && k + 1 < sizeof names; j++)
        k +=
            (size_t)snprintf(names + k, sizeof names - k, "%s\"%s\"", j ? ", " : "", r0.unknown[j]);
      snprintf(warn, warnlen,
               "colorfilters %s: rule \"%s\" names %s, no field dissect knows (those tests are "
               "false)%s",
               path, rname, names, nrules > 1 ? "; other rules name such fields too" : "");
    }
  }
  size_t n = dx_colorfilters_count(cf);
  if (n > CC_MAX_RULES) {
    if (!warn[0])
      snprintf(warn, warnlen, "colorfilters: only the first %d rules colour the list",
               CC_MAX_RULES);
    n = CC_MAX_RULES;
  }
  for (size_t i = 0; i < n; i++) {
    dx_colorfilter_rule r;
    if (dx_colorfilters_rule(cf, i, &r) != DX_OK)
      break;
    tui_color_rule *t = &g_tui_opts.rules[i];
    snprintf(t->name, sizeof t->name, "%s", r.name);
    t->fg = r.fg;
    t->bg = r.bg;
  }
  g_tui_opts.nrules = (int)n;
  dx_colorfilters_free(cf);
  dx_session_free(s);
  return DX_OK;
}

void colors_free(void) {
  free(g_tui_opts.cf_text);
  g_tui_opts.cf_text = NULL;
  g_tui_opts.cf_len = 0;
  g_tui_opts.nrules = 0;
}

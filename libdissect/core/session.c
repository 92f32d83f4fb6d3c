/* Sessions: the field registry, dispatch tables, per-protocol state, and the
 * entry point that turns a frame into a packet. */
#include "session.h"
#include "../proto/tls_decrypt.h"
#include "keylog.h"
#include "share.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const dx_config defaults = {
    .max_flows = 65536,
    .max_frag_datagrams = 1024,
    .max_frag_bytes = 65535,
    .frag_timeout_ms = 30000,
    .max_stream_bytes = 16u << 20,
    .max_total_stream_bytes = 64ull << 20,
    .max_dns_pending = 65536,
    .check_checksums = 0,
    .keylog_file = NULL,
};

const char *dx_version(void) {
  return DX_VERSION_STRING;
}

unsigned dx_version_number(void) {
  return DX_VERSION_NUMBER;
}

void dx_config_init(dx_config *cfg) {
  if (cfg)
    *cfg = defaults;
}

const char *dx_strerror(int status) {
  switch (status) {
  case DX_OK: return "success";
  case DX_ENOMEM: return "out of memory";
  case DX_EINVAL: return "invalid argument";
  case DX_EIO: return "read error";
  case DX_ENOFILE: return "file missing or unreadable";
  case DX_EFORMAT: return "not a capture file, or corrupt";
  case DX_ELINKTYPE: return "unsupported link type";
  case DX_ETRUNC: return "capture file cut short";
  case DX_ENOFIELD: return "unknown field";
  case DX_ELIMIT: return "a configured limit was reached";
  case DX_ECAPTURE: return "capture error";
  case DX_EFILTER: return "display filter error";
  default: return "unknown error";
  }
}

static int cmp_field(const void *a, const void *b) {
  const dx_field *fa = *(const dx_field *const *)a, *fb = *(const dx_field *const *)b;
  return strcmp(fa->abbrev, fb->abbrev);
}

static int cmp_dispatch(const void *a, const void *b) {
  const dx_dispatch *x = a, *y = b;
  return x->key < y->key ? -1 : x->key > y->key;
}

static int build_index(dx_session *s) {
  size_t n = 0;
  for (size_t i = 0; i < dx_nprotocols; i++)
    n += dx_protocols[i]->nfields;
  s->index = calloc(n ? n : 1, sizeof *s->index);
  if (!s->index)
    return DX_ENOMEM;
  size_t na = 0;
  for (size_t i = 0; i < dx_nprotocols; i++)
    for (size_t j = 0; j < dx_protocols[i]->nfields; j++)
      na += dx_protocols[i]->fields[j].alias_of != NULL;
  s->aliases = calloc(na ? na : 1, sizeof *s->aliases);
  if (!s->aliases)
    return DX_ENOMEM;
  for (size_t i = 0; i < dx_nprotocols; i++)
    for (size_t j = 0; j < dx_protocols[i]->nfields; j++)
      if (dx_protocols[i]->fields[j].alias_of) /* known by its original's name */
        s->aliases[s->naliases++] = &dx_protocols[i]->fields[j];
      else
        s->index[s->nindex++] = &dx_protocols[i]->fields[j];
  qsort(s->index, s->nindex, sizeof *s->index, cmp_field);
  /* Keep the first of duplicate names (a protocol may reuse a name). */
  size_t w = 0;
  for (size_t r = 0; r < s->nindex; r++)
    if (w == 0 || strcmp(s->index[w - 1]->abbrev, s->index[r]->abbrev) != 0)
      s->index[w++] = s->index[r];
  s->nindex = w;
  return DX_OK;
}

/* A protocol's first slot in the session's pslot_key. */
static size_t pslot_hash(const dx_protocol *proto) {
  return (size_t)(((uint64_t)(uintptr_t)proto * 0x9e3779b97f4a7c15ull) >> 57); /* 128 slots */
}

static int build_tables(dx_session *s) {
  size_t counts[DX_TABLE_COUNT] = {0};
  for (size_t i = 0; i < dx_nprotocols; i++) {
    const dx_protocol *pr = dx_protocols[i];
    for (const dx_reg *r = pr->regs; r && r->table != DX_TABLE_NONE; r++)
      counts[r->table]++;
    if (pr->heuristic_tcp)
      s->nheur_tcp++;
    if (pr->heuristic_udp)
      s->nheur_udp++;
  }
  for (int t = 0; t < DX_TABLE_COUNT; t++) {
    s->tables[t] = calloc(counts[t] ? counts[t] : 1, sizeof(dx_dispatch));
    if (!s->tables[t])
      return DX_ENOMEM;
  }
  s->heur_tcp = calloc(s->nheur_tcp + 1, sizeof *s->heur_tcp);
  s->heur_udp = calloc(s->nheur_udp + 1, sizeof *s->heur_udp);
  if (!s->heur_tcp || !s->heur_udp)
    return DX_ENOMEM;
  s->nheur_tcp = s->nheur_udp = 0;
  for (size_t i = 0; i < dx_nprotocols; i++) {
    const dx_protocol *pr = dx_protocols[i];
    for (const dx_reg *r = pr->regs; r && r->table != DX_TABLE_NONE; r++) {
      dx_dispatch *d = &s->tables[r->table][s->ntables[r->table]++];
      d->key = r->key;
      d->proto = pr;
    }
    if (pr->heuristic_tcp)
      s->heur_tcp[s->nheur_tcp++] = pr;
    if (pr->heuristic_udp)
      s->heur_udp[s->nheur_udp++] = pr;
  }
  for (int t = 0; t < DX_TABLE_COUNT; t++)
    qsort(s->tables[t], s->ntables[t], sizeof(dx_dispatch), cmp_dispatch);
  return DX_OK;
}

int dx_session_new(dx_session **out, const dx_config *cfg) {
  if (!out)
    return DX_EINVAL;
  *out = NULL;
  dx_session *s = calloc(1, sizeof *s);
  if (!s)
    return DX_ENOMEM;
  s->cfg = defaults;
  if (cfg) {
#define TAKE(m)                                                                                    \
  if (cfg->m)                                                                                      \
  s->cfg.m = cfg->m
    TAKE(max_flows);
    TAKE(max_frag_datagrams);
    TAKE(max_frag_bytes);
    TAKE(frag_timeout_ms);
    TAKE(max_stream_bytes);
    TAKE(max_total_stream_bytes);
    TAKE(max_dns_pending);
    TAKE(check_checksums);
#undef TAKE
    if (cfg->keylog_file) {
      s->keylog_file = strdup(cfg->keylog_file);
      if (!s->keylog_file) {
        free(s);
        return DX_ENOMEM;
      }
      s->cfg.keylog_file = s->keylog_file;
    }
    if (cfg->rsa_key_file) {
      s->rsa_key_file = strdup(cfg->rsa_key_file);
      if (!s->rsa_key_file) {
        free(s->keylog_file);
        free(s);
        return DX_ENOMEM;
      }
      s->cfg.rsa_key_file = s->rsa_key_file;
    }
  }
  dx_hashkey_random(&s->hashkey);
  int rc = build_index(s);
  if (rc == DX_OK)
    rc = build_tables(s);
  if (rc == DX_OK)
    rc = dx_flow_table_init(&s->flows, s->cfg.max_flows);
  s->flows.budget = &s->stream_bytes;
  s->pslots_ok = dx_nprotocols < DX_PSLOTS;
  for (size_t i = 0; s->pslots_ok && i < dx_nprotocols; i++) {
    size_t h = pslot_hash(dx_protocols[i]);
    while (s->pslot_key[h])
      h = (h + 1) & (DX_PSLOTS - 1);
    s->pslot_key[h] = dx_protocols[i];
    s->pslot_idx[h] = (uint8_t)i;
  }
  if (rc == DX_OK) {
    s->states = calloc(dx_nprotocols + 1, sizeof *s->states);
    if (!s->states)
      rc = DX_ENOMEM;
  }
  for (size_t i = 0; rc == DX_OK && i < dx_nprotocols; i++) {
    if (dx_protocols[i]->state_new) {
      s->states[i] = dx_protocols[i]->state_new(s);
      if (!s->states[i])
        rc = DX_ENOMEM;
    }
  }
  if (rc == DX_OK && s->keylog_file)
    rc = dx_session_load_keylog(s, s->keylog_file, NULL, 0);
  if (rc == DX_OK && s->rsa_key_file)
    rc = dx_session_load_rsa_key(s, s->rsa_key_file, NULL, 0);
  if (rc != DX_OK) {
    dx_session_free(s);
    return rc;
  }
  *out = s;
  return DX_OK;
}

/* ---- TLS secrets ---- */
static int keylog_ensure(dx_session *s) {
  if (!s->keylog)
    s->keylog = dx_keylog_new(0);
  return s->keylog ? DX_OK : DX_ENOMEM;
}

/* Where the complete lines of the regular file f of size bytes end (after
 * its last newline), read from its last 4 KiB at most; 0 if none there. */
static long long complete_lines_end(FILE *f, long long size) {
  char buf[4096];
  long long from = size > (long long)sizeof buf ? size - (long long)sizeof buf : 0;
  if (fseeko(f, (off_t)from, SEEK_SET) != 0)
    return 0;
  size_t n = fread(buf, 1, (size_t)(size - from), f);
  while (n && buf[n - 1] != '\n')
    n--;
  return n ? from + (long long)n : from;
}

int dx_session_load_keylog(dx_session *s, const char *path, char *err, size_t errlen) {
  if (err && errlen)
    err[0] = 0;
  if (!s || !path)
    return DX_EINVAL;
  int rc = keylog_ensure(s);
  if (rc != DX_OK)
    return rc;
  /* a regular file is watched from where its complete lines end now (lines
   * written while it is read are read again later: the same secrets) */
  struct stat st;
  long long off = -1;
  if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
    FILE *f = fopen(path, "rb");
    if (f) {
      off = complete_lines_end(f, (long long)st.st_size);
      fclose(f);
    }
  }
  rc = dx_keylog_load_file(s->keylog, path, err, errlen);
  if (rc == DX_OK && off >= 0) {
    char *w = strdup(path);
    if (w) {
      free(s->keylog_watch);
      s->keylog_watch = w;
      s->keylog_off = off;
      s->keylog_size = (long long)st.st_size;
      s->keylog_mtime = (long long)st.st_mtime;
    }
  }
  return rc;
}

/* The key log file watched grew: its new complete lines (at most 16 MiB at
 * a time) added to the store. Looked at no more than once a millisecond,
 * so a capture whose key log lacks many connections pays little. */
static void keylog_read_on(dx_session *s) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long ms = (long long)(now.tv_sec - s->keylog_checked.tv_sec) * 1000 +
                 (now.tv_nsec - s->keylog_checked.tv_nsec) / 1000000;
  if (ms < 1 && ms > -1)
    return;
  s->keylog_checked = now;
  struct stat st;
  if (stat(s->keylog_watch, &st) != 0 || !S_ISREG(st.st_mode))
    return;
  if ((long long)st.st_size == s->keylog_size && (long long)st.st_mtime == s->keylog_mtime)
    return;
  s->keylog_size = (long long)st.st_size;
  s->keylog_mtime = (long long)st.st_mtime;
  if (s->keylog_size < s->keylog_off) /* cut short or written anew: from the start */
    s->keylog_off = 0;
  long long want = s->keylog_size - s->keylog_off;
  if (want <= 0)
    return;
  if (want > (16ll << 20))
    want = 16ll << 20;
  FILE *f = fopen(s->keylog_watch, "rb");
  char *buf = f ? malloc((size_t)want) : NULL;
  size_t n = 0;
  if (buf && fseeko(f, (off_t)s->keylog_off, SEEK_SET) == 0)
    n = fread(buf, 1, (size_t)want, f);
  while (n && buf[n - 1] != '\n') /* a line still being written waits */
    n--;
  if (n && keylog_ensure(s) == DX_OK) {
    dx_keylog_add_text(s->keylog, buf, n);
    s->keylog_off += (long long)n;
  }
  free(buf);
  if (f)
    fclose(f);
}

size_t dx_packet_keylog_find(const dx_packet *p, int label, const uint8_t *key, size_t keylen,
                             uint8_t *out, size_t cap) {
  dx_session *s = p->sess;
  size_t n = s->keylog ? dx_keylog_find(s->keylog, label, key, keylen, out, cap) : 0;
  if (n || !s->keylog_watch)
    return n;
  keylog_read_on(s);
  return s->keylog ? dx_keylog_find(s->keylog, label, key, keylen, out, cap) : 0;
}

int dx_session_set_comments(dx_session *s, const char *texts, size_t len) {
  if (!s || (len && !texts) || len > ((size_t)1 << 20))
    return DX_EINVAL;
  free(s->next_comments);
  s->next_comments = NULL;
  s->next_comments_len = 0;
  if (!len)
    return DX_OK;
  s->next_comments = malloc(len + 1);
  if (!s->next_comments)
    return DX_ENOMEM;
  memcpy(s->next_comments, texts, len);
  s->next_comments[len] = 0;
  s->next_comments_len = len;
  return DX_OK;
}

void dx_session_set_packet_flags(dx_session *s, int have, uint32_t flags) {
  if (!s)
    return;
  s->next_pflags_set = have != 0;
  s->next_pflags = flags;
}

int dx_session_set_iface(dx_session *s, const dx_iface_info *info) {
  if (!s)
    return DX_EINVAL;
  s->next_iface_set = false;
  if (!info)
    return DX_OK;
  /* the strings, cut to 4 KiB each, into one buffer kept from frame to
   * frame (grown, never per frame) */
  size_t nl = info->name ? strnlen(info->name, 4096) : 0;
  size_t dl = info->description ? strnlen(info->description, 4096) : 0;
  if (nl + dl + 2 > s->iface_cap) {
    char *nb = realloc(s->iface_buf, nl + dl + 2);
    if (!nb)
      return DX_ENOMEM;
    s->iface_buf = nb;
    s->iface_cap = nl + dl + 2;
  }
  s->next_iface = *info;
  if (info->name) {
    memcpy(s->iface_buf, info->name, nl);
    s->iface_buf[nl] = 0;
    s->next_iface.name = s->iface_buf;
  }
  if (info->description) {
    memcpy(s->iface_buf + nl + 1, info->description, dl);
    s->iface_buf[nl + 1 + dl] = 0;
    s->next_iface.description = s->iface_buf + nl + 1;
  }
  s->next_iface_set = true;
  return DX_OK;
}

int dx_session_add_secrets(dx_session *s, const char *text, size_t len) {
  if (!s || (!text && len))
    return DX_EINVAL;
  int rc = keylog_ensure(s);
  if (rc != DX_OK)
    return rc;
  dx_keylog_add_text(s->keylog, text, len);
  return DX_OK;
}

int dx_session_copy_secrets(dx_session *dst, const dx_session *src) {
  if (!dst || !src || dst == src)
    return DX_EINVAL;
  dx_keylog *c = NULL;
  char *w = NULL;
  if ((src->keylog && !(c = dx_keylog_clone(src->keylog))) ||
      (src->keylog_watch && !(w = strdup(src->keylog_watch)))) {
    dx_keylog_free(c);
    return DX_ENOMEM;
  }
  dx_keylog_free(dst->keylog);
  dst->keylog = c;
  /* and the file it reads on from, where src is in it */
  free(dst->keylog_watch);
  dst->keylog_watch = w;
  dst->keylog_off = src->keylog_off;
  dst->keylog_size = src->keylog_size;
  dst->keylog_mtime = src->keylog_mtime;
  return DX_OK;
}

int dx_session_clear_secrets(dx_session *s) {
  if (!s)
    return DX_EINVAL;
  dx_keylog_free(s->keylog); /* nothing keeps a pointer to it: looked up per packet */
  s->keylog = NULL;
  free(s->keylog_watch);
  s->keylog_watch = NULL;
  return DX_OK;
}

void dx_session_keylog_stats(const dx_session *s, size_t *entries, size_t *bad,
                             unsigned long *first_bad_line) {
  unsigned long fl = 0;
  size_t n = s && s->keylog ? dx_keylog_count(s->keylog) : 0;
  size_t b = s && s->keylog ? dx_keylog_bad_lines(s->keylog, &fl) : 0;
  if (entries)
    *entries = n;
  if (bad)
    *bad = b;
  if (first_bad_line)
    *first_bad_line = fl;
}

int dx_session_load_rsa_key(dx_session *s, const char *path, char *err, size_t errlen) {
  if (err && errlen)
    err[0] = 0;
  if (!s || !path)
    return DX_EINVAL;
  char tmp[256];
  EVP_PKEY *k = dx_tls_rsa_load(path, err ? err : tmp, err ? errlen : sizeof tmp);
  if (!k)
    return DX_ENOFILE;
  if (s->rsa_key)
    EVP_PKEY_free(s->rsa_key);
  s->rsa_key = k;
  return DX_OK;
}

int dx_session_set_tls_psk(dx_session *s, const uint8_t *psk, size_t len) {
  if (!s || (len && !psk) || len > 65535)
    return DX_EINVAL;
  uint8_t *copy = NULL;
  if (len) {
    copy = malloc(len);
    if (!copy)
      return DX_ENOMEM;
    memcpy(copy, psk, len);
  }
  if (s->tls_psk)
    OPENSSL_clear_free(s->tls_psk, s->tls_psk_len);
  s->tls_psk = copy;
  s->tls_psk_len = len;
  return DX_OK;
}

int dx_session_set_tcp_reorder(dx_session *s, int on) {
  if (!s)
    return DX_EINVAL;
  s->tcp_reorder = on != 0;
  return DX_OK;
}

bool dx_packet_tcp_reorder(const dx_packet *p) {
  return p->sess->tcp_reorder;
}

int dx_session_reset(dx_session *s) {
  if (!s)
    return DX_EINVAL;
  /* The protocols' new states first, so that running out of memory leaves
   * the session as it was. */
  void **fresh = calloc(dx_nprotocols + 1, sizeof *fresh);
  if (!fresh)
    return DX_ENOMEM;
  dx_hashkey old_key = s->hashkey;
  dx_hashkey_random(&s->hashkey); /* states copy the key when made */
  for (size_t i = 0; i < dx_nprotocols; i++) {
    const dx_protocol *pr = dx_protocols[i];
    if (!pr->state_new || pr->state_reset)
      continue;
    fresh[i] = pr->state_new(s);
    if (!fresh[i]) {
      for (size_t k = 0; k < i; k++)
        if (fresh[k] && dx_protocols[k]->state_free)
          dx_protocols[k]->state_free(fresh[k]);
      free(fresh);
      s->hashkey = old_key;
      return DX_ENOMEM;
    }
  }
  /* Flows first: their free callbacks may use protocol state. */
  dx_flow_table_clear(&s->flows);
  for (size_t i = 0; i < dx_nprotocols; i++) {
    const dx_protocol *pr = dx_protocols[i];
    if (pr->state_reset) {
      if (s->states[i])
        pr->state_reset(s->states[i], s);
    } else if (pr->state_new) {
      if (s->states[i] && pr->state_free)
        pr->state_free(s->states[i]);
      s->states[i] = fresh[i];
    }
  }
  free(fresh);
  s->reset_residue = s->stream_bytes;
  s->stream_bytes = 0;
  free(s->next_comments);
  s->next_comments = NULL;
  s->next_comments_len = 0;
  s->next_iface_set = false;
  s->next_pflags_set = false;
  s->nframes = 0;
  s->have_first = false;
  s->first_sec = s->prev_sec = 0;
  s->first_nsec = s->prev_nsec = 0;
  s->disp_manual = s->have_disp = false;
  s->disp_sec = 0;
  s->disp_nsec = 0;
  return DX_OK;
}

struct dx_keylog *dx_packet_keylog(const dx_packet *p) {
  return p->sess->keylog;
}

void *dx_packet_rsa_key(const dx_packet *p) {
  return p->sess->rsa_key;
}

const uint8_t *dx_packet_tls_psk(const dx_packet *p, size_t *len) {
  *len = p->sess->tls_psk_len;
  return p->sess->tls_psk;
}

uint64_t *dx_packet_stream_budget(const dx_packet *p) {
  return &p->sess->stream_bytes;
}

void dx_session_free(dx_session *s) {
  if (!s)
    return;
  free(s->next_comments);
  free(s->iface_buf);
  /* Flows first: their free callbacks may use protocol state. */
  dx_flow_table_free(&s->flows);
  if (s->states) {
    for (size_t i = 0; i < dx_nprotocols; i++)
      if (s->states[i] && dx_protocols[i]->state_free)
        dx_protocols[i]->state_free(s->states[i]);
    free(s->states);
  }
  for (int t = 0; t < DX_TABLE_COUNT; t++)
    free(s->tables[t]);
  free(s->heur_tcp);
  free(s->heur_udp);
  free(s->index);
  free(s->aliases);
  free(s->interest);
  free(s->layers);
  free(s->pneeds);
  free(s->keylog_file);
  free(s->keylog_watch);
  free(s->rsa_key_file);
  dx_keylog_free(s->keylog);
  if (s->rsa_key)
    EVP_PKEY_free(s->rsa_key);
  if (s->tls_psk)
    OPENSSL_clear_free(s->tls_psk, s->tls_psk_len);
  for (dx_packet *p = atomic_load(&s->spare), *next; p; p = next) {
    next = p->spare_next;
    dx_arena_destroy(&p->arena);
    free(p);
  }
  free(s);
}

const dx_config *dx_packet_config(const dx_packet *p) {
  return &p->sess->cfg;
}

const dx_hashkey *dx_session_hashkey(const dx_session *s) {
  return &s->hashkey;
}

const dx_hashkey *dx_packet_hashkey(const dx_packet *p) {
  return &p->sess->hashkey;
}

uint64_t dx_hash_keyed(const dx_packet *p, const void *data, size_t n) {
  return dx_siphash13(&p->sess->hashkey, data, n);
}

void *dx_proto_state(const dx_packet *p, const dx_protocol *proto) {
  const dx_session *s = p->sess;
  if (s->pslots_ok) {
    for (size_t h = pslot_hash(proto);; h = (h + 1) & (DX_PSLOTS - 1)) {
      if (s->pslot_key[h] == proto)
        return s->states[s->pslot_idx[h]];
      if (!s->pslot_key[h]) /* (the table is never full) */
        return NULL;
    }
  }
  for (size_t i = 0; i < dx_nprotocols; i++)
    if (dx_protocols[i] == proto)
      return s->states[i];
  return NULL;
}

/* ---- field registry lookups ---- */
static int cmp_name(const void *key, const void *elem) {
  return strcmp((const char *)key, (*(const dx_field *const *)elem)->abbrev);
}

const dx_field *dx_field_lookup(const dx_session *s, const char *name) {
  if (!s || !name)
    return NULL;
  const dx_field *const *f = bsearch(name, s->index, s->nindex, sizeof *s->index, cmp_name);
  return f ? *f : NULL;
}

const dx_field *dx_field_at(const dx_session *s, size_t i) {
  return s && i < s->nindex ? s->index[i] : NULL;
}

const char *dx_field_name(const dx_field *f) {
  return f ? f->abbrev : NULL;
}
const char *dx_field_label(const dx_field *f) {
  return f ? f->label : NULL;
}
dx_ftype dx_field_type(const dx_field *f) {
  return f ? f->type : DX_FT_NONE;
}

const char *dx_ftype_name(dx_ftype t) {
  static const char *const names[] = {"none",   "protocol", "bool",    "uint8",   "uint16",
                                      "uint24", "uint32",   "uint64",  "int32",   "int64",
                                      "double", "string",   "bytes",   "ipv4",    "ipv6",
                                      "ether",  "abstime",  "reltime", "framenum"};
  return (size_t)t < DX_ARRAY_LEN(names) ? names[t] : "none";
}

/* Damerau-free Levenshtein distance, bounded to short names. */
/* Levenshtein distance of a and b if it is at most limit, else limit + 1:
 * strings whose lengths differ by more than limit are not compared, and a
 * row whose every cell is above limit ends the work (the distance only
 * grows from there). Suggestions want limit <= 3. */
static size_t edit_distance_within(const char *a, const char *b, size_t limit) {
  size_t la = strlen(a), lb = strlen(b);
  if (la > 63 || lb > 63)
    return limit + 1;
  if ((la > lb ? la - lb : lb - la) > limit)
    return limit + 1;
  size_t prev[64], cur[64];
  for (size_t j = 0; j <= lb; j++)
    prev[j] = j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= lb; j++) {
      size_t c = prev[j - 1] + (a[i - 1] != b[j - 1]);
      if (prev[j] + 1 < c)
        c = prev[j] + 1;
      if (cur[j - 1] + 1 < c)
        c = cur[j - 1] + 1;
      cur[j] = c;
      if (c < row_min)
        row_min = c;
    }
    if (row_min > limit)
      return limit + 1;
    memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
  }
  return prev[lb] <= limit ? prev[lb] : limit + 1;
}

size_t dx_field_suggest(const dx_session *s, const char *name, const char **out, size_t n) {
  if (!s || !name || !out || n == 0)
    return 0;
  size_t best_d[8];
  size_t got = 0;
  if (n > 8)
    n = 8;
  size_t limit = strlen(name) / 3 + 1;
  if (limit > 3)
    limit = 3;
  for (size_t i = 0; i < s->nindex; i++) {
    size_t d = edit_distance_within(name, s->index[i]->abbrev, limit);
    if (d > limit)
      continue;
    size_t k = got < n ? got++ : n;
    if (k == n && d >= best_d[n - 1])
      continue;
    if (k == n)
      k = n - 1;
    while (k > 0 && best_d[k - 1] > d) {
      best_d[k] = best_d[k - 1];
      out[k] = out[k - 1];
      k--;
    }
    best_d[k] = d;
    out[k] = s->index[i]->abbrev;
  }
  return got;
}

/* ---- dispatch ---- */
const dx_protocol *dx_decode_as_proto(const dx_session *s, dx_table table, uint32_t port) {
  for (size_t i = s->ndecode_as; i-- > 0;)
    if (s->decode_as[i].table == table && port >= s->decode_as[i].lo && port <= s->decode_as[i].hi)
      return s->decode_as[i].proto;
  return NULL;
}

static void da_err(char *err, size_t errlen, const char *fmt, ...) DX_PRINTF(3, 4);
static void da_err(char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
}

int dx_session_decode_as(dx_session *s, const char *rule, char *err, size_t errlen) {
  if (err && errlen)
    err[0] = 0;
  if (!s || !rule) {
    da_err(err, errlen, "%s", "no decode-as rule given");
    return DX_EINVAL;
  }
  static const struct {
    const char *name;
    dx_table table;
  } layers[] = {{"tcp.port", DX_TABLE_TCP_PORT},
                {"udp.port", DX_TABLE_UDP_PORT},
                {"tls.port", DX_TABLE_TLS_PORT},
                {"ssl.port", DX_TABLE_TLS_PORT}};
  const char *eq = strstr(rule, "==");
  const char *comma = strchr(rule, ',');
  if (!eq || !comma || comma < eq) {
    da_err(err, errlen,
           "decode-as rule \"%s\": expected LAYER.port==PORT,PROTOCOL "
           "(e.g. tcp.port==8443,tls)",
           rule);
    return DX_EINVAL;
  }
  size_t ll = (size_t)(eq - rule);
  dx_table table = DX_TABLE_NONE;
  for (size_t i = 0; i < DX_ARRAY_LEN(layers); i++)
    if (strlen(layers[i].name) == ll && strncmp(rule, layers[i].name, ll) == 0)
      table = layers[i].table;
  if (table == DX_TABLE_NONE) {
    da_err(err, errlen,
           "decode-as rule \"%s\": unknown selector (known: tcp.port, udp.port, tls.port)", rule);
    return DX_EINVAL;
  }
  const char *q = eq + 2;
  unsigned long lo = 0, hi = 0;
  char *end;
  if (*q < '0' || *q > '9') {
    da_err(err, errlen, "decode-as rule \"%s\": the port is not a number", rule);
    return DX_EINVAL;
  }
  lo = strtoul(q, &end, 10);
  hi = lo;
  if (*end == '-') {
    if (end[1] < '0' || end[1] > '9') {
      da_err(err, errlen, "decode-as rule \"%s\": bad port range", rule);
      return DX_EINVAL;
    }
    hi = strtoul(end + 1, &end, 10);
  }
  if (end != comma || lo == 0 || lo > 65535 || hi > 65535 || hi < lo) {
    da_err(err, errlen, "decode-as rule \"%s\": ports must be 1 to 65535 (PORT or FIRST-LAST)",
           rule);
    return DX_EINVAL;
  }
  const char *name = comma + 1;
  const dx_protocol *pr = NULL;
  for (size_t i = 0; i < dx_nprotocols; i++)
    if (strcmp(dx_protocols[i]->name, name) == 0 ||
        (strcmp(name, "ssl") == 0 && strcmp(dx_protocols[i]->name, "tls") == 0))
      pr = dx_protocols[i];
  if (!pr || !pr->dissect || pr == &dx_proto_frame) {
    if (err && errlen) {
      size_t u =
          (size_t)snprintf(err, errlen, "decode-as rule \"%s\": unknown protocol (known:", rule);
      for (size_t i = 0; i < dx_nprotocols && u < errlen; i++)
        if (dx_protocols[i]->dissect && dx_protocols[i] != &dx_proto_frame &&
            dx_protocols[i]->name[0] != '_')
          u += (size_t)snprintf(err + u, errlen - u, " %s", dx_protocols[i]->name);
      if (u < errlen)
        snprintf(err + u, errlen - u, ")");
    }
    return DX_EINVAL;
  }
  if (s->ndecode_as >= DX_MAX_DECODE_AS) {
    da_err(err, errlen, "decode-as rule \"%s\": too many rules (at most 64)", rule);
    return DX_EINVAL;
  }
  dx_decode_as *d = &s->decode_as[s->ndecode_as++];
  d->table = table;
  d->lo = (uint16_t)lo;
  d->hi = (uint16_t)hi;
  d->proto = pr;
  return DX_OK;
}

uint32_t dx_dissect_table(dx_packet *p, dx_table table, uint32_t key, const dx_tvb *t,
                          dx_node *parent) {
  const dx_session *s = p->sess;
  if ((unsigned)table >= DX_TABLE_COUNT || p->depth > 24)
    return 0;
  p->dispatch_key = key;
  if (table == DX_TABLE_UDP_PORT || table == DX_TABLE_TCP_PORT) {
    const dx_protocol *da = dx_decode_as_proto(s, table, key);
    if (da && da->dissect) {
      p->depth++;
      uint32_t r = da->dissect(p, t, parent);
      p->depth--;
      return r;
    }
  }
  dx_dispatch k = {key, NULL};
  const dx_dispatch *d =
      bsearch(&k, s->tables[table], s->ntables[table], sizeof(dx_dispatch), cmp_dispatch);
  if (!d || !d->proto->dissect)
    return 0;
  p->depth++;
  uint32_t r = d->proto->dissect(p, t, parent);
  p->depth--;
  return r;
}

uint32_t dx_dissect_heuristic(dx_packet *p, bool tcp, const dx_tvb *t, dx_node *parent) {
  const dx_session *s = p->sess;
  const dx_protocol **list = tcp ? s->heur_tcp : s->heur_udp;
  size_t n = tcp ? s->nheur_tcp : s->nheur_udp;
  if (p->depth > 24)
    return 0;
  for (size_t i = 0; i < n; i++) {
    dx_dissect_fn fn = tcp ? list[i]->heuristic_tcp : list[i]->heuristic_udp;
    p->depth++;
    uint32_t r = fn(p, t, parent);
    p->depth--;
    if (r)
      return r;
  }
  return 0;
}

/* ---- interest ---- */

bool dx_session_interested(const dx_session *s, const dx_field *f) {
  return s->interest && f && dx_session_interested_inline(s, f);
}

static inline bool interested(const dx_session *s, const dx_field *f) {
  return dx_session_interested_inline(s, f);
}

bool dx_session_layer_wanted(const dx_session *s, const dx_field *f) {
  if (!s->layers)
    return false;
  size_t h = dx_interest_hash(f) & s->layers_mask;
  while (s->layers[h]) {
    if (s->layers[h] == f)
      return true;
    h = (h + 1) & s->layers_mask;
  }
  return false;
}

/* The protocol whose field table holds f, or NULL. */
static const dx_protocol *field_owner(const dx_field *f) {
  for (size_t i = 0; i < dx_nprotocols; i++) {
    const dx_protocol *P = dx_protocols[i];
    if (P->fields && f >= P->fields && f < P->fields + P->nfields)
      return P;
  }
  return NULL;
}

static const dx_protocol *proto_by_name(const char *name) {
  for (size_t i = 0; i < dx_nprotocols; i++)
    if (strcmp(dx_protocols[i]->name, name) == 0)
      return dx_protocols[i];
  return NULL;
}

/* Which layers terse packets build (dx.h, dx_packet.skip): those of the
 * protocols that own a field of interest. A protocol's fields live under
 * the layer nodes of its own protocol fields (IPv6 extension headers, the
 * 802.1ad tag, HTTP's media layers are its own), except for the fields
 * that another protocol places in its layer: IPv4's ip.version (that one
 * field only) in an IPv6 header, HTTP/2 SETTINGS in HTTP's Upgrade, X.509 under TLS, DTLS, OCSP
 * (a response's certificates) and PKIX CERT, the trust verdicts under
 * TLS, DNS's fields in mDNS and LLMNR, HTTP's in SSDP (a protocol may have
 * several hosts); those protocols bring the host's layers along (and the
 * frame brings Ethernet's: frame.protocols says "ethertype" after an
 * Ethernet header that has a type). Expert fields
 * (_ws.*) live in every layer: they turn skipping off. Checked on the
 * samples by tests/unit/test_interest.c (every filter of filters.tsv, in
 * both modes, the same values). */
static int plan_layers(dx_session *s, const dx_field *const *fields, size_t n) {
  /* {owner, host, the one field of the owner the host holds (NULL: any)}:
   * of IPv4's fields only ip.version is in an IPv6 header, so ip.src
   * alone leaves IPv6 layers unbuilt */
  static const char *const hosts[][3] = {
      {"ip", "ipv6", "ip.version"}, {"http2", "http", NULL},  {"x509af", "tls", NULL},
      {"x509af", "dtls", NULL},     {"x509af", "ocsp", NULL}, {"x509af", "pkix-cert", NULL},
      {"tls.trust", "tls", NULL},   {"frame", "eth", NULL},   {"dns", "mdns", NULL},
      {"dns", "llmnr", NULL},       {"http", "ssdp", NULL}};
  const dx_protocol *own[64];
  size_t nown = 0;
  bool skip = true;
  for (size_t i = 0; i < n && skip; i++) {
    if (!fields[i])
      continue;
    const dx_protocol *P = field_owner(fields[i]);
    /* frame.protocols names every layer (and X.509's sub-layers): all built */
    if (!P || P->fields[0].type != DX_FT_PROTOCOL || strcmp(P->name, "_ws") == 0 ||
        strcmp(fields[i]->abbrev, "frame.protocols") == 0) {
      skip = false;
      break;
    }
    /* the owner, then each protocol that hosts its fields */
    size_t h = 0;
    for (const dx_protocol *Q = P; Q;) {
      bool dup = false;
      for (size_t k = 0; k < nown; k++)
        dup = dup || own[k] == Q;
      if (!dup) {
        if (nown == DX_ARRAY_LEN(own)) {
          skip = false;
          break;
        }
        own[nown++] = Q;
      }
      const dx_protocol *next = NULL;
      for (; h < DX_ARRAY_LEN(hosts) && !next; h++)
        if (strcmp(P->name, hosts[h][0]) == 0 &&
            (!hosts[h][2] || strcmp(fields[i]->abbrev, hosts[h][2]) == 0))
          next = proto_by_name(hosts[h][1]);
      Q = next;
    }
  }
  free(s->layers);
  s->layers = NULL;
  s->layers_mask = 0;
  s->skip_layers = false;
  if (!skip)
    return DX_OK;
  size_t nl = 0;
  for (size_t k = 0; k < nown; k++)
    for (size_t j = 0; j < own[k]->nfields; j++)
      nl += own[k]->fields[j].type == DX_FT_PROTOCOL;
  size_t size = 8;
  while (size < 2 * nl)
    size <<= 1;
  const dx_field **set = calloc(size, sizeof *set);
  if (!set)
    return DX_ENOMEM;
  for (size_t k = 0; k < nown; k++)
    for (size_t j = 0; j < own[k]->nfields; j++) {
      const dx_field *f = &own[k]->fields[j];
      if (f->type != DX_FT_PROTOCOL)
        continue;
      size_t h = dx_interest_hash(f) & (size - 1);
      while (set[h] && set[h] != f)
        h = (h + 1) & (size - 1);
      set[h] = f;
    }
  s->layers = set;
  s->layers_mask = size - 1;
  s->skip_layers = true;
  return DX_OK;
}

int dx_session_set_interest(dx_session *s, const dx_field *const *fields, size_t n,
                            unsigned flags) {
  if (!s || (n && !fields) || n > ((size_t)1 << 24))
    return DX_EINVAL;
  /* the fields, and the aliases (dx_field.alias_of) of those among them
   * that have some: a node of an alias is one of its original's */
  size_t nalias = s->naliases;
  size_t size = 8;
  while (size < 2 * (n + nalias))
    size <<= 1;
  const dx_field **set = calloc(size, sizeof *set);
  if (!set)
    return DX_ENOMEM;
  if (plan_layers(s, fields, n) != DX_OK) {
    free(set);
    return DX_ENOMEM;
  }
  memset(s->interest_bloom, 0, sizeof s->interest_bloom);
  for (size_t i = 0; i < n + nalias; i++) {
    const dx_field *f = NULL;
    if (i < n) {
      f = fields[i];
    } else { /* the (i - n)th alias, if its original is of interest */
      f = s->aliases[i - n];
      bool in = false;
      for (size_t h = f ? dx_interest_hash(f->alias_of) & (size - 1) : 0; f && set[h] && !in;
           h = (h + 1) & (size - 1))
        in = set[h] == f->alias_of;
      if (!in)
        f = NULL;
    }
    if (!f)
      continue;
    size_t h = dx_interest_hash(f) & (size - 1);
    while (set[h] && set[h] != f)
      h = (h + 1) & (size - 1);
    set[h] = f;
    h = dx_interest_hash(f);
    s->interest_bloom[(h >> 6) & 3] |= 1ull << (h & 63);
  }
  free(s->interest);
  s->interest = set;
  s->interest_mask = size - 1;
  s->ninterest = n;
  free(s->pneeds);
  s->pneeds = NULL;
  s->npneeds = 0;
  s->terse = true;
  s->terse_columns = (flags & DX_INTEREST_COLUMNS) != 0;
  /* a column read as a field (_ws.col.Info) needs the columns filled; a
   * protocol read as a field (-e ip) its label */
  s->proto_labels = false;
  s->col_fields = false;
  memset(s->group_cache, 0, sizeof s->group_cache);
  for (size_t i = 0; i < n; i++) {
    if (fields[i] && strncmp(fields[i]->abbrev, "_ws.col.", 8) == 0)
      s->terse_columns = s->col_fields = true;
    if (fields[i] && fields[i]->type == DX_FT_PROTOCOL)
      s->proto_labels = true;
  }
  return DX_OK;
}

int dx_session_set_interest_needs(dx_session *s, const dx_field *const *fields,
                                  const uint32_t *needs, size_t n, unsigned flags) {
  if (!s || (n && !fields) || n > ((size_t)1 << 24))
    return DX_EINVAL;
  /* every protocol listed, with the largest need it is listed with (a
   * protocol appears once: at most one entry per protocol field, so the
   * search is bounded by the number of protocols); then only those needed
   * for less than their value are kept */
  struct dx_proto_need *pn = NULL;
  size_t npn = 0;
  for (size_t i = 0; needs && i < n; i++) {
    if (!fields[i] || fields[i]->type != DX_FT_PROTOCOL)
      continue;
    size_t k = 0;
    while (k < npn && pn[k].f != fields[i])
      k++;
    if (k == npn) {
      if (!pn && !(pn = malloc(n * sizeof *pn)))
        return DX_ENOMEM;
      pn[npn].f = fields[i];
      pn[npn++].need = needs[i];
    } else if (needs[i] > pn[k].need) {
      pn[k].need = needs[i];
    }
  }
  size_t kept = 0;
  for (size_t k = 0; k < npn; k++)
    if (pn[k].need != DX_NEED_VALUE)
      pn[kept++] = pn[k];
  npn = kept;
  int rc = dx_session_set_interest(s, fields, n, flags);
  if (rc != DX_OK) {
    free(pn);
    return rc;
  }
  s->pneeds = pn;
  s->npneeds = npn;
  /* labels are read only from a protocol needed for its value (-e ip
   * prints the label; a filter that tests for "ip" reads none) */
  s->proto_labels = false;
  for (size_t i = 0; i < n; i++)
    if (fields[i] && fields[i]->type == DX_FT_PROTOCOL &&
        dx_session_proto_need(s, fields[i]) == DX_NEED_VALUE)
      s->proto_labels = true;
  return DX_OK;
}

uint32_t dx_session_proto_need(const dx_session *s, const dx_field *f) {
  for (size_t i = 0; i < s->npneeds; i++)
    if (s->pneeds[i].f == f)
      return s->pneeds[i].need;
  return DX_NEED_VALUE;
}

void dx_session_clear_interest(dx_session *s) {
  if (!s)
    return;
  free(s->pneeds);
  s->pneeds = NULL;
  s->npneeds = 0;
  free(s->interest);
  s->interest = NULL;
  s->interest_mask = 0;
  memset(s->interest_bloom, 0, sizeof s->interest_bloom);
  s->ninterest = 0;
  s->terse = s->terse_columns = false;
  memset(s->group_cache, 0, sizeof s->group_cache);
  free(s->layers);
  s->layers = NULL;
  s->layers_mask = 0;
  s->skip_layers = false;
}

void dx_session_set_labels(dx_session *s, int on) {
  if (s)
    s->labels_off = !on;
}

bool dx_packet_wants(const dx_packet *p, const dx_field *f) {
  return !p->terse || dx_session_interested(p->sess, f);
}

/* Drops from the children of `parent` every subtree that holds no node of
 * interest. A node of interest keeps its ancestors. A protocol of interest
 * keeps its whole subtree and those of the siblings after it: a protocol's
 * value (its bytes, for "contains" and "matches") runs to the furthest end
 * of the nodes under it and of the layers after it (filter/eval.c); but
 * not one needed only for its node, whose
 * layer was left unbuilt (DX_PROTO_NODE_ONLY, tree.c): the nodes of
 * interest under it are kept as any others. Returns
 * true if any child is kept. The walk is bounded by the tree's depth, which
 * the dissectors bound; past `depth` 200 everything is kept. */
static bool prune(const dx_session *s, dx_node *parent, bool keep_all, int depth) {
  dx_node *kept_last = NULL;
  bool any = false;
  for (dx_node *c = parent->first_child, *next; c; c = next) {
    next = c->next;
    bool wanted = interested(s, c->field);
    if (wanted && c->field->type == DX_FT_PROTOCOL && !(c->v.u & DX_PROTO_NODE_ONLY))
      keep_all = true; /* this layer and the ones after it, in full */
    bool keep = keep_all || wanted;
    if (c->first_child) {
      if (keep_all || depth >= 200)
        keep = true;
      else if (prune(s, c, false, depth + 1))
        keep = true;
    }
    if (!keep)
      continue;
    if (kept_last)
      kept_last->next = c;
    else
      parent->first_child = c;
    kept_last = c;
    any = true;
  }
  if (kept_last)
    kept_last->next = NULL;
  else
    parent->first_child = NULL;
  parent->last_child = kept_last;
  return any;
}

/* ---- packets ---- */
/* Freed packets kept by a session; one is enough for a program that frees
 * each packet before dissecting the next, more keep two threads (one
 * dissecting, one printing and freeing in batches) from going through
 * malloc for every packet. */
#define DX_SPARE_PACKETS 32

static dx_packet *packet_alloc(dx_session *s) {
  dx_packet *p = atomic_load_explicit(&s->spare, memory_order_acquire);
  while (p && !atomic_compare_exchange_weak_explicit(&s->spare, &p, p->spare_next,
                                                     memory_order_acquire, memory_order_acquire))
    ;
  if (p) {
    atomic_fetch_sub_explicit(&s->nspare, 1, memory_order_relaxed);
    dx_arena sv = p->arena;
    memset(p, 0, offsetof(dx_packet, ghosts)); /* dx_ghost() sets the ghosts */
    p->arena = sv;
    p->ghost.field = dx_field_expert();
    return p;
  }
  p = calloc(1, sizeof *p);
  if (p) {
    dx_arena_init(&p->arena);
    p->ghost.field = dx_field_expert(); /* kept: dx_ghost() sets the rest */
    for (size_t i = 0; i < DX_GHOSTS; i++)
      p->ghosts[i].field = dx_field_expert();
  }
  return p;
}

void dx_packet_free(dx_packet *p) {
  if (!p)
    return;
  dx_session *s = p->sess;
  dx_arena_reset(&p->arena);
  if (s) {
    if (atomic_fetch_add_explicit(&s->nspare, 1, memory_order_relaxed) < DX_SPARE_PACKETS) {
      dx_packet *head = atomic_load_explicit(&s->spare, memory_order_relaxed);
      do
        p->spare_next = head;
      while (!atomic_compare_exchange_weak_explicit(&s->spare, &head, p, memory_order_release,
                                                    memory_order_relaxed));
      return;
    }
    atomic_fetch_sub_explicit(&s->nspare, 1, memory_order_relaxed);
  }
  dx_arena_destroy(&p->arena);
  free(p);
}

static void time_sub(int64_t as, int32_t an, int64_t bs, int32_t bn, int64_t *rs, int32_t *rn) {
  dx_time_sub(as, an, bs, bn, rs, rn);
}

int dx_session_dissect(dx_session *s, const dx_frame *f, dx_packet **out) {
  if (!s || !f || !out || (!f->data && f->caplen))
    return DX_EINVAL;
  *out = NULL;
  dx_packet *p = packet_alloc(s);
  if (!p)
    return DX_ENOMEM;
  p->sess = s;
  p->terse = s->terse;
  p->no_labels = s->terse || s->labels_off;
  p->proto_labels = s->terse && s->proto_labels;
  p->skip = s->terse && s->skip_layers;
  memcpy(p->interest_bloom, s->interest_bloom, sizeof p->interest_bloom);
  p->want_columns = !s->terse || s->terse_columns;
  p->frame = *f;
  p->ts_prec = s->frame_prec;
  if (p->frame.wirelen < p->frame.caplen)
    p->frame.wirelen = p->frame.caplen;
  /* Nanoseconds of 1e9 or more (a corrupt record) carry into the seconds,
   * so that every layer sees a normal time. */
  if (p->frame.ts_nsec >= 1000000000u) {
    p->frame.ts_sec += p->frame.ts_nsec / 1000000000u;
    p->frame.ts_nsec %= 1000000000u;
  }
  p->num = ++s->nframes;
  if (!s->have_first) {
    s->have_first = true;
    s->first_sec = s->prev_sec = p->frame.ts_sec;
    s->first_nsec = s->prev_nsec = (int32_t)p->frame.ts_nsec;
  }
  time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, s->first_sec, s->first_nsec, &p->rel_sec,
           &p->rel_nsec);
  time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, s->prev_sec, s->prev_nsec, &p->delta_sec,
           &p->delta_nsec);
  if (s->have_disp)
    time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, s->disp_sec, s->disp_nsec, &p->disp_sec,
             &p->disp_nsec);
  else
    p->disp_sec = 0, p->disp_nsec = 0;
  char name[64];
  dx_sb nb;
  dx_sb_init(&nb, name, sizeof name);
  dx_sb_kv(&nb, "Frame (", f->caplen);
  dx_sb_str(&nb, " bytes)");
  p->nsources = 0;
  dx_tvb ft = dx_packet_add_source(p, name, f->data, f->caplen);
  if (f->caplen && !ft.data) {
    dx_packet_free(p);
    return DX_ENOMEM;
  }
  p->frame.data = p->sources[0].data;
  p->root.offset = 0;
  p->root.length = f->caplen;
  p->col_src = p->col_dst = "";
  p->col_proto = "";
  dx_dissect_frame(p);
  if (s->next_comments) { /* they were for this frame */
    free(s->next_comments);
    s->next_comments = NULL;
    s->next_comments_len = 0;
  }
  s->next_iface_set = false;
  s->next_pflags_set = false;
  /* As tshark ends the Info of a packet whose dissection ran out of bytes
   * or met an impossible value: a capture cut by its snapshot length is
   * not the packet's fault. */
  if (p->bad && p->want_columns && !p->info_bad_done)
    dx_col_info_append(p, "%s",
                       (p->bad & DX_BAD_TRUNCATED) && f->caplen < f->wirelen
                           ? "[Packet size limited during capture]"
                       : p->bad_contained ? "[Malformed Packet: length of contained item exceeds "
                                            "length of containing item]"
                                          : "[Malformed Packet]");
  dx_frame_add_columns(p);
  if (p->terse) {
    if (s->ninterest) {
      prune(s, &p->root, false, 0);
    } else {
      p->root.first_child = p->root.last_child = NULL;
    }
    p->findex = NULL;
  }
  s->prev_sec = p->frame.ts_sec;
  s->prev_nsec = (int32_t)p->frame.ts_nsec;
  if (!s->disp_manual) {
    s->have_disp = true;
    s->disp_sec = p->frame.ts_sec;
    s->disp_nsec = (int32_t)p->frame.ts_nsec;
  }
  dx_share_progress(s);
  *out = p;
  return DX_OK;
}

void dx_session_skip_frame(dx_session *s, const dx_frame *f) {
  if (!s || !f)
    return;
  int64_t sec = f->ts_sec;
  uint32_t nsec = f->ts_nsec;
  if (nsec >= 1000000000u) { /* as dx_session_dissect() reads it */
    sec += nsec / 1000000000u;
    nsec %= 1000000000u;
  }
  s->nframes++;
  if (!s->have_first) {
    s->have_first = true;
    s->first_sec = sec;
    s->first_nsec = (int32_t)nsec;
  }
  s->prev_sec = sec;
  s->prev_nsec = (int32_t)nsec;
  if (!s->disp_manual) {
    s->have_disp = true;
    s->disp_sec = sec;
    s->disp_nsec = (int32_t)nsec;
  }
  dx_share_progress(s);
}

void dx_session_set_next_number(dx_session *s, uint64_t number) {
  if (s && number > 0)
    s->nframes = number - 1;
}

void dx_session_set_next_stream(dx_session *s, int ipproto, uint32_t index) {
  if (s && ipproto >= 0 && ipproto < 256)
    s->flows.next_index[ipproto] = index;
}

void dx_session_set_time_reference(dx_session *s, int64_t sec, uint32_t nsec) {
  if (!s)
    return;
  s->first_sec = sec;
  s->first_nsec = (int32_t)nsec;
  if (!s->have_first) {
    s->prev_sec = sec;
    s->prev_nsec = (int32_t)nsec;
  }
  s->have_first = true;
}

void dx_session_set_displayed(dx_session *s, const dx_packet *p) {
  if (!s)
    return;
  s->disp_manual = true;
  if (p) {
    s->have_disp = true;
    s->disp_sec = p->frame.ts_sec;
    s->disp_nsec = (int32_t)p->frame.ts_nsec;
  }
}

int dx_session_set_time_format(dx_session *s, dx_time_format fmt, int hms) {
  if (!s || (int)fmt < DX_TIME_RELATIVE || (int)fmt > DX_TIME_UTC_YDOY)
    return DX_EINVAL;
  s->time_format = (int)fmt;
  s->time_hms = hms != 0;
  return DX_OK;
}

int dx_session_set_time_precision(dx_session *s, int digits) {
  if (!s || digits < DX_TIME_PREC_AUTO || digits > 9)
    return DX_EINVAL;
  s->time_fixed = digits != DX_TIME_PREC_AUTO;
  s->time_digits = s->time_fixed ? digits : 0;
  return DX_OK;
}

int dx_session_set_frame_precision(dx_session *s, int prec) {
  if (!s || prec < DX_TSPREC_SECONDS || prec > 9)
    return DX_EINVAL;
  s->frame_prec = (int8_t)prec;
  return DX_OK;
}

/* Time since the previous frame, for frame.time_delta. */
void dx_session_prev_time(const dx_packet *p, int64_t *sec, int32_t *nsec) {
  time_sub(p->frame.ts_sec, (int32_t)p->frame.ts_nsec, p->sess->prev_sec, p->sess->prev_nsec, sec,
           nsec);
}

/* The name of a data source of this kind (dx_packet_add_source_kind). */
static void source_name(char *name, size_t cap, dx_source_kind kind, const char *what,
                        uint32_t len) {
  switch (kind) {
  case DX_SRC_REASSEMBLED:
    dx_snprintf(name, cap, "Reassembled %s (%u bytes)", what ? what : "data", len);
    break;
  case DX_SRC_DECRYPTED:
    dx_snprintf(name, cap, "Decrypted %s (%u bytes)", what ? what : "data", len);
    break;
  case DX_SRC_DECHUNKED: dx_snprintf(name, cap, "De-chunked entity body (%u bytes)", len); break;
  case DX_SRC_UNCOMPRESSED:
    dx_snprintf(name, cap, "Uncompressed entity body (%u bytes)", len);
    break;
  case DX_SRC_DECOMPRESSED_HEADER:
    dx_snprintf(name, cap, "Decompressed Header (%u bytes)", len);
    break;
  case DX_SRC_DECODED:
    dx_snprintf(name, cap, "Decoded %s (%u bytes)", what ? what : "data", len);
    break;
  case DX_SRC_REASSEMBLED_BODY:
  default: dx_snprintf(name, cap, "Reassembled body (%u bytes)", len); break;
  }
}

/* The next data source of p (room checked by the caller): name and len
 * bytes at data, both the packet's. */
static dx_tvb source_put(dx_packet *p, const char *nm, const uint8_t *data, uint32_t len) {
  dx_source *src = &p->sources[p->nsources];
  src->name = nm;
  src->data = data;
  src->len = len;
  dx_tvb t = {data, len, len, 0, 0};
  t.src = p->nsources++;
  return t;
}

dx_tvb dx_packet_add_source_kind(dx_packet *p, dx_source_kind kind, const char *what,
                                 const uint8_t *data, uint32_t len) {
  char name[96];
  source_name(name, sizeof name, kind, what, len);
  return dx_packet_add_source(p, name, data, len);
}

dx_tvb dx_packet_adopt_source_kind(dx_packet *p, dx_source_kind kind, const char *what,
                                   uint8_t *buf, uint32_t len) {
  dx_tvb t = {(const uint8_t *)"", 0, 0, 0, 0};
  if (!buf || !len) { /* (nothing to take: an empty source as ever) */
    free(buf);
    return dx_packet_add_source_kind(p, kind, what, (const uint8_t *)"", 0);
  }
  char name[96];
  source_name(name, sizeof name, kind, what, len);
  char *nm = p->nsources < DX_MAX_SOURCES ? dx_arena_strndup(&p->arena, name, strlen(name)) : NULL;
  if (!nm || !dx_arena_adopt(&p->arena, buf)) {
    free(buf);
    return t;
  }
  return source_put(p, nm, buf, len);
}

dx_tvb dx_packet_add_source(dx_packet *p, const char *name, const uint8_t *data, uint32_t len) {
  dx_tvb t = {(const uint8_t *)"", 0, 0, 0, 0};
  if (p->nsources >= DX_MAX_SOURCES)
    return t;
  uint8_t *copy = dx_arena_alloc(&p->arena, (size_t)len + 1);
  char *nm = dx_arena_strndup(&p->arena, name, strlen(name));
  if (!copy || !nm)
    return t;
  if (len)
    memcpy(copy, data, len);
  return source_put(p, nm, copy, len);
}

dx_tvb dx_packet_frame_tvb(const dx_packet *p) {
  dx_tvb t = {p->sources[0].data, p->sources[0].len, p->frame.wirelen, 0, 0};
  if (t.reported < t.len)
    t.reported = t.len;
  return t;
}

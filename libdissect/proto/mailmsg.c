/* The message reassembly and connection state the mail protocols share
 * (see mailmsg.h). */
#include "mailmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *dx_mail_conv_get(dx_packet *p, size_t size, void (*app_free)(void *)) {
  if (!dx_in_stream(p))
    return NULL;
  void *c = dx_app_data(p, app_free);
  if (c)
    return c;
  uint64_t *budget = dx_packet_stream_budget(p);
  uint64_t max = dx_packet_config(p)->max_total_stream_bytes;
  if (!dx_budget_take(budget, max, dx_heap_cost(size)))
    return NULL;
  c = calloc(1, size);
  if (!c) {
    dx_budget_give(budget, dx_heap_cost(size));
    return NULL;
  }
  dx_mail_msg *m = c;
  m->budget = budget;
  m->max = max;
  if (!dx_app_data_set(p, c, app_free)) {
    app_free(c);
    return NULL;
  }
  return c;
}

void dx_mail_conv_free(void *conv, size_t size) {
  dx_mail_msg *m = conv;
  if (!m)
    return;
  dx_mail_msg_reset(m);
  dx_budget_give(m->budget, dx_heap_cost(size));
  free(conv);
}

void dx_mail_msg_reset(dx_mail_msg *m) {
  free(m->buf);
  free(m->frags);
  m->buf = NULL;
  m->frags = NULL;
  m->blen = m->nfrags = 0;
  m->off = false;
  dx_budget_give(m->budget, m->charged);
  m->charged = 0;
}

void dx_mail_msg_add(dx_packet *p, dx_mail_msg *m, dx_node *owner, const uint8_t *d, uint32_t n,
                     uint32_t max_frags) {
  if (m->off)
    return;
  uint64_t cost = (uint64_t)n + sizeof(dx_mail_frag);
  dx_mail_frag *nf = NULL;
  if (m->nfrags < max_frags && dx_budget_take(m->budget, m->max, cost)) {
    uint8_t *nb = realloc(m->buf, (size_t)m->blen + n + 1);
    if (nb)
      m->buf = nb;
    nf = nb ? realloc(m->frags, (m->nfrags + 1) * sizeof *nf) : NULL;
    if (!nf)
      dx_budget_give(m->budget, cost);
  }
  if (!nf) {
    dx_expert(p, owner, dx_field_limit(), DX_SEV_WARN,
              "[Mail message reassembly limit reached: this message is not reassembled]");
    dx_mail_msg_reset(m);
    m->off = true;
    return;
  }
  m->frags = nf;
  m->charged += cost;
  if (n)
    memcpy(m->buf + m->blen, d, n);
  m->blen += n;
  m->frags[m->nfrags++] = (dx_mail_frag){p->num, n};
}

dx_tvb dx_mail_msg_source(dx_packet *p, dx_mail_msg *m, dx_node *owner, const dx_mail_fields *f,
                          const char *source) {
  dx_tvb rt = dx_packet_add_source(p, source, m->buf, m->blen);
  if (m->nfrags <= 1 && (m->nfrags == 0 || m->frags[0].frame == p->num))
    return rt;
  dx_node *fr = dx_add_none(p, owner, f->fragments, &rt, 0, rt.len);
  char lab[256];
  int u = snprintf(lab, sizeof lab, "%u DATA fragments (%u bytes): ", m->nfrags, m->blen);
  uint32_t pos = 0;
  for (uint32_t i = 0; i < m->nfrags; i++) {
    const dx_mail_frag *g = &m->frags[i];
    if (u > 0 && (size_t)u < sizeof lab - 40)
      u += snprintf(lab + u, sizeof lab - (size_t)u, "%s#%llu(%u)", i ? ", " : "",
                    (unsigned long long)g->frame, g->len);
    dx_node *fn = dx_add_uint(p, fr, f->fragment, &rt, pos, g->len, g->frame);
    if (g->len)
      dx_node_set_text(p, fn, "[Frame: %llu, payload: %u-%u (%u bytes)]",
                       (unsigned long long)g->frame, pos, pos + g->len - 1, g->len);
    else
      dx_node_set_text(p, fn, "[Frame: %llu (no data)]", (unsigned long long)g->frame);
    pos += g->len;
  }
  dx_node_set_text(p, fr, "[%s]", lab);
  dx_node_set_flags(dx_add_uint(p, fr, f->count, &rt, 0, 0, m->nfrags), DX_NODE_GENERATED);
  dx_node_set_flags(dx_add_uint(p, fr, f->length, &rt, 0, 0, m->blen), DX_NODE_GENERATED);
  return rt;
}

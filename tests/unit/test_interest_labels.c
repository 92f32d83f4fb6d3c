/* Unit tests of labels off (dx_session_set_labels(s, 0)), the mode of
 * dissect -T json and -T ek: every node is built as in full mode, but the
 * label text of a node with a value is not formatted. The compact JSON and
 * ek forms, the columns and every node's field, flags, place and value
 * must be those of full mode, on every sample and on every third-party
 * capture of ../shared/corpus when it is there (the first 3000 packets of
 * each); the labels that are formatted are those of nodes without a value
 * and of expert notes, the ones these forms print. */
#include "core/dx.h"
#include "testutil.h"

#include <dissect/output.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mismatches;
static unsigned long custom_full, custom_off, packets;

static void report(const char *path, size_t frame, const char *what) {
  if (mismatches++ < 10)
    fprintf(stderr, "\n  labels off differs: %s frame %zu: %s", path, frame, what);
}

/* The packet in `form`, in a malloc'ed string. */
static char *json_of(const dx_packet *p, dx_json_form form) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (!f)
    return NULL;
  CU_ASSERT_EQUAL(dx_write_json_form(f, p, form, 0), DX_OK);
  fclose(f);
  return buf;
}

static bool visible_child(const dx_node *n) {
  for (const dx_node *c = n->first_child; c; c = c->next)
    if (!(c->flags & DX_NODE_HIDDEN))
      return true;
  return false;
}

/* Walks both trees: the same nodes with the same values; labels the same
 * where the JSON forms print them (an expert note; a node without a value
 * and without a visible child: a dissector may skip the label of a subtree
 * with dx_packet_labels()), no label formatted for a node with a value. */
static bool same_tree(const dx_node *a, const dx_node *b, int depth) {
  for (; a && b; a = a->next, b = b->next) {
    if (a->field != b->field || a->flags != b->flags || a->offset != b->offset ||
        a->length != b->length || a->src != b->src || a->severity != b->severity)
      return false;
    char va[512], vb[512];
    dx_node_value(a, va, sizeof va);
    dx_node_value(b, vb, sizeof vb);
    if (strcmp(va, vb) != 0)
      return false;
    bool kept = (a->field->type == DX_FT_NONE && !visible_child(a)) || (a->flags & DX_NODE_EXPERT);
    custom_full += a->text != NULL;
    custom_off += b->text != NULL;
    if (kept) {
      char la[1024], lb[1024];
      dx_node_label(a, la, sizeof la);
      dx_node_label(b, lb, sizeof lb);
      if (strcmp(la, lb) != 0)
        return false;
    } else if (b->text && a->field->type != DX_FT_NONE) {
      return false; /* formatted for nobody */
    }
    if (depth < 200 && !same_tree(a->first_child, b->first_child, depth + 1))
      return false;
  }
  return !a && !b;
}

static void compare_file(const char *path, const char *keylog) {
  dx_capture *c = NULL;
  if (dx_capture_open_file(&c, path, NULL, 0) != DX_OK)
    return; /* not a capture (README, ...) */
  dx_config cfg;
  dx_config_init(&cfg);
  cfg.keylog_file = keylog;
  dx_session *full = NULL, *off = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&full, &cfg), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&off, &cfg), DX_OK);
  dx_session_set_labels(off, 0);
  dx_frame f;
  for (size_t i = 0; i < 3000 && dx_capture_next(c, &f) == 1; i++) {
    dx_packet *pf = NULL, *po = NULL;
    CU_ASSERT_EQUAL(dx_session_dissect(full, &f, &pf), DX_OK);
    CU_ASSERT_EQUAL(dx_session_dissect(off, &f, &po), DX_OK);
    if (!pf || !po) {
      dx_packet_free(pf);
      dx_packet_free(po);
      break;
    }
    packets++;
    if (!same_tree(dx_packet_root(pf)->first_child, dx_packet_root(po)->first_child, 0))
      report(path, i + 1, "the trees");
    if (strcmp(dx_packet_info(pf), dx_packet_info(po)) != 0 ||
        strcmp(dx_packet_protocol(pf), dx_packet_protocol(po)) != 0 ||
        strcmp(dx_packet_src(pf), dx_packet_src(po)) != 0 ||
        dx_packet_severity(pf) != dx_packet_severity(po))
      report(path, i + 1, "the columns");
    static const dx_json_form forms[] = {DX_JSON_PACKETS, DX_JSON_EK};
    for (size_t k = 0; k < 2; k++) {
      char *ja = json_of(pf, forms[k]), *jb = json_of(po, forms[k]);
      if (!ja || !jb || strcmp(ja, jb) != 0)
        report(path, i + 1, k ? "-T ek" : "-T json");
      free(ja);
      free(jb);
    }
    dx_packet_free(pf);
    dx_packet_free(po);
  }
  dx_capture_close(c);
  dx_session_free(full);
  dx_session_free(off);
}

static void test_labels_off_samples(void) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/samples", tu_src_dir());
  mismatches = 0;
  custom_full = custom_off = packets = 0;
  CU_ASSERT(tu_walk_captures(dir, compare_file) >= 20);
  snprintf(dir, sizeof dir, "%s/../shared/corpus", tu_src_dir());
  tu_walk_captures(dir, compare_file); /* when it is there */
  CU_ASSERT_EQUAL(mismatches, 0);
  /* the mode does something: most custom labels are not made */
  fprintf(stderr, "\n  %lu packets; custom labels: full %lu, labels off %lu ", packets, custom_full,
          custom_off);
  CU_ASSERT(packets > 1000);
  CU_ASSERT(custom_off * 3 < custom_full);
}

/* A hand-made check of what is kept: TCP's flags (a value: its label is
 * "Flags: 0x002 (SYN)" in full mode) get the default label; a
 * value-less node's label and an expert note's message stay. */
static void test_labels_off_what(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/samples/tcp-anomalies.pcap", tu_src_dir());
  dx_capture *c = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, NULL, 0), DX_OK);
  dx_session *off = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&off, NULL), DX_OK);
  dx_session_set_labels(off, 0);
  dx_frame f;
  CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
  dx_packet *p = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_dissect(off, &f, &p), DX_OK);
  const dx_node *fl = dx_packet_find_name(p, "tcp.flags");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fl);
  char lab[256];
  dx_node_label(fl, lab, sizeof lab);
  /* the default label (hex as wide as the 12-bit mask, as tshark writes it) */
  CU_ASSERT_STRING_EQUAL(lab, "0000 0000 0010 = Flags: 0x002");
  /* labels on again: the custom one */
  dx_packet_free(p);
  dx_session_set_labels(off, 1);
  dx_capture_close(c);
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, NULL, 0), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_capture_next(c, &f), 1);
  CU_ASSERT_EQUAL_FATAL(dx_session_dissect(off, &f, &p), DX_OK);
  fl = dx_packet_find_name(p, "tcp.flags");
  CU_ASSERT_PTR_NOT_NULL_FATAL(fl);
  dx_node_label(fl, lab, sizeof lab);
  CU_ASSERT_STRING_EQUAL(lab, "Flags: 0x002 (SYN)");
  dx_packet_free(p);
  dx_capture_close(c);
  dx_session_free(off);
}

/* Terse packets format no label but those of the layers of interest, which
 * -T fields prints for -e ip, -e tcp as tshark does: the same as in full
 * mode, on every frame of a sample. */
static void test_terse_protocol_labels(void) {
  char path[1024];
  snprintf(path, sizeof path, "%s/samples/tcp-anomalies.pcap", tu_src_dir());
  dx_capture *c = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_capture_open_file(&c, path, NULL, 0), DX_OK);
  dx_session *full = NULL, *terse = NULL;
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&full, NULL), DX_OK);
  CU_ASSERT_EQUAL_FATAL(dx_session_new(&terse, NULL), DX_OK);
  const dx_field *want[2] = {dx_field_lookup(terse, "ip"), dx_field_lookup(terse, "tcp")};
  CU_ASSERT_EQUAL_FATAL(dx_session_set_interest(terse, want, 2, 0), DX_OK);
  dx_frame f;
  int n = 0, custom = 0;
  while (dx_capture_next(c, &f) == 1 && n < 400) {
    dx_packet *pf = NULL, *pt = NULL;
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(full, &f, &pf), DX_OK);
    CU_ASSERT_EQUAL_FATAL(dx_session_dissect(terse, &f, &pt), DX_OK);
    for (int k = 0; k < 2; k++) {
      const dx_node *a = dx_packet_find(pf, want[k]), *b = dx_packet_find(pt, want[k]);
      CU_ASSERT((a == NULL) == (b == NULL));
      if (!a || !b)
        continue;
      char la[1024], lb[1024];
      dx_node_label(a, la, sizeof la);
      dx_node_label(b, lb, sizeof lb);
      CU_ASSERT_STRING_EQUAL(la, lb);
      custom += strcmp(lb, dx_field_label(want[k])) != 0;
    }
    /* and no other label: the flags have their default one */
    const dx_node *fl = dx_packet_find_name(pt, "tcp.flags");
    if (fl)
      CU_ASSERT_PTR_NULL(fl->text);
    dx_packet_free(pf);
    dx_packet_free(pt);
    n++;
  }
  CU_ASSERT(n > 100);
  CU_ASSERT(custom > 100); /* "Internet Protocol Version 4, Src: ...", not "Internet Protocol..." */
  dx_capture_close(c);
  dx_session_free(full);
  dx_session_free(terse);
}

int main(void) {
  CU_TestInfo tests[] = {{"labels off: what is kept", test_labels_off_what},
                         {"labels off: json, ek, trees == full", test_labels_off_samples},
                         {"terse: labels of the layers of interest", test_terse_protocol_labels},
                         CU_TEST_INFO_NULL};
  return tu_run("interest_labels", tests);
}

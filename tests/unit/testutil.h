/* Helpers for unit tests: build frames from hand-made bytes and look at the
 * resulting tree. */
#ifndef DX_TESTUTIL_H
#define DX_TESTUTIL_H

#include <CUnit/Basic.h>
#include <dissect/dissect.h>
#include <stddef.h>
#include <stdint.h>

/* Dissects `len` bytes as one frame of link type `linktype` in session s
 * (created on first use if *s is NULL). Caller frees the packet. */
dx_packet *tu_dissect(dx_session **s, int linktype, const uint8_t *bytes, size_t len);
/* Value of the first node named `name` formatted as tshark -T fields does,
 * into a static buffer; "" if absent. */
const char *tu_value(const dx_packet *p, const char *name);
/* Value (as tu_value) of the i-th node named `name`, from 0; "" if none. */
const char *tu_nth(const dx_packet *p, const char *name, int i);
/* Label (as tshark -V shows it) of the first node named `name`; "" if none. */
const char *tu_label(const dx_packet *p, const char *name);
/* Number of nodes named `name`. */
int tu_count(const dx_packet *p, const char *name);
/* Non-zero if any node in the tree has `flag` (DX_NODE_TRUNCATED, ...). */
int tu_any_flag(const dx_packet *p, unsigned flag);
/* Dissects every prefix (0..len-1 bytes) of a frame, each in a fresh session,
 * checking that nothing crashes and that each short prefix is marked
 * truncated or malformed somewhere. Returns the number of prefixes that were
 * NOT marked (0 is the expected answer). */
int tu_truncate_all(int linktype, const uint8_t *bytes, size_t len);
/* Calls fn(path, keylog) for every file under dir (three levels of
 * subdirectories at most), keylog being the "NAME.keylog" beside the file
 * "NAME.ext" when there is one, else NULL; key logs themselves are skipped.
 * Returns the number of files visited. */
int tu_walk_captures(const char *dir, void (*fn)(const char *path, const char *keylog));
/* The source tree's top directory (samples/, tests/ below it), from where
 * this file was compiled; "../.." if that cannot be told. */
const char *tu_src_dir(void);
/* Opens samples/NAME.pcap into *c and returns a new session given the key
 * log samples/NAME.keylog (both checked with fatal CUnit asserts). */
dx_session *tu_open_sample(const char *name, dx_capture **c);
/* Runs a CUnit suite array; returns the process exit status. */
int tu_run(const char *suite, CU_TestInfo *tests);

#endif

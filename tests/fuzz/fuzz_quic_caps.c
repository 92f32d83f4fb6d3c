/* libFuzzer harness for QUIC, TLS in QUIC, HTTP/3 and QPACK under small
 * byte budgets: fuzz_quic.c's harness with one byte in front of its input
 * that picks the session's total byte budget, 1 to 128 KiB (and with its
 * bit 7 a per-stream budget of a quarter of that), so the fuzzer explores
 * what runs when an allocation is refused: nghttp3's QPACK decoder aborted
 * the program once when our budgeted allocator refused a block inside it
 * (http3.c, settle; tests/unit/test_reset.c, "HTTP/3 under small budgets").
 *
 * Input format: byte 0 the budget, then fuzz_quic.c's records. Seeds:
 * make_quic_seeds.py (fuzz_quic's seeds under a few budgets). */
#define FUZZ_QUIC_CAPS 1
#include "fuzz_quic.c"

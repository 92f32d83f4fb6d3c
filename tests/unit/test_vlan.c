/* IEEE 802.1Q tags and 802.1ad (Q-in-Q) stacks: tag fields worked out by
 * hand from the TCI bytes, inner EtherType dispatch, truncation. */
#include "netframe.h"
#include "testutil.h"

#define EXPECT(p, name, val) CU_ASSERT_STRING_EQUAL(tu_value((p), (name)), (val))

static uint8_t fb[256];

/* Ethernet, then the tags (TPID, TCI) given, then IPv4 + ICMP echo. */
static size_t tagged(uint8_t *b, const uint16_t *tags, int ntags) {
  size_t n = nf_eth(b, tags[0]);
  for (int i = 0; i < ntags; i++) {
    uint16_t tci = tags[2 * i + 1];
    uint16_t next = i + 1 < ntags ? tags[2 * (i + 1)] : 0x0800;
    b[n] = (uint8_t)(tci >> 8);
    b[n + 1] = (uint8_t)tci;
    b[n + 2] = (uint8_t)(next >> 8);
    b[n + 3] = (uint8_t)next;
    n += 4;
  }
  n += nf_ip4(b + n, 1, 1, 0, NULL, 0, 12);
  n += nf_icmp_echo(b + n, 8, 1, 1, 4);
  return n;
}

static void test_single(void) {
  /* TCI 0xb064: priority 5 (101), DEI 1, ID 0x064 = 100 */
  const uint16_t tags[] = {0x8100, 0xb064};
  size_t n = tagged(fb, tags, 1);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  EXPECT(p, "eth.type", "0x8100");
  EXPECT(p, "vlan.priority", "5");
  EXPECT(p, "vlan.dei", "1");
  EXPECT(p, "vlan.id", "100");
  EXPECT(p, "vlan.etype", "0x0800");
  EXPECT(p, "ip.src", "10.0.0.1");
  EXPECT(p, "icmp.type", "8");
  CU_ASSERT(!tu_any_flag(p, DX_NODE_MALFORMED | DX_NODE_TRUNCATED));
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

static void test_qinq(void) {
  /* outer 802.1ad S-tag ID 200 (0x0c8), inner C-tag ID 100, priority 0 */
  const uint16_t tags[] = {0x88a8, 0x00c8, 0x8100, 0x0064};
  size_t n = tagged(fb, tags, 2);
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  /* as tshark 4.0: the S-tag is shown with the ieee8021ad fields */
  CU_ASSERT_EQUAL(tu_count(p, "ieee8021ad"), 1);
  EXPECT(p, "ieee8021ad.id", "200");
  CU_ASSERT_EQUAL(tu_count(p, "vlan"), 1);
  EXPECT(p, "vlan.id", "100");
  EXPECT(p, "vlan.etype", "0x8100");
  EXPECT(p, "icmp.type", "8");
  dx_packet_free(p);
  dx_session_free(s);
  CU_ASSERT_EQUAL(tu_truncate_all(1, fb, n), 0);
}

/* Tags nested 40 deep: bounded by the dispatch depth, no crash. */
static void test_deep(void) {
  size_t n = nf_eth(fb, 0x8100);
  for (int i = 0; i < 40; i++) {
    const uint8_t t[4] = {0, 1, 0x81, 0x00};
    memcpy(fb + n, t, 4);
    n += 4;
  }
  dx_session *s = NULL;
  dx_packet *p = tu_dissect(&s, 1, fb, n);
  CU_ASSERT_PTR_NOT_NULL(p);
  CU_ASSERT(tu_count(p, "vlan") < 40);
  dx_packet_free(p);
  dx_session_free(s);
}

static CU_TestInfo tests[] = {
    {"single", test_single}, {"qinq", test_qinq}, {"deep", test_deep}, CU_TEST_INFO_NULL};

int main(void) {
  return tu_run("vlan", tests);
}

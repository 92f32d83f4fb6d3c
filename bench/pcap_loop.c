/* The floor for any capture reader: a raw libpcap read loop that touches
 * every byte and does nothing else. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv) {
  char err[PCAP_ERRBUF_SIZE];
  if (argc != 2) {
    fprintf(stderr, "usage: pcap_loop FILE\n");
    return 1;
  }
  pcap_t *p = pcap_open_offline(argv[1], err);
  if (!p) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  struct pcap_pkthdr *h;
  const u_char *d;
  unsigned long n = 0, sum = 0;
  while (pcap_next_ex(p, &h, &d) == 1) {
    for (unsigned i = 0; i < h->caplen; i++)
      sum += d[i];
    n++;
  }
  printf("%lu packets (checksum %lu)\n", n, sum);
  pcap_close(p);
  return 0;
}

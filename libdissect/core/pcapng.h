/* A small pcapng reader for what libpcap 1.10 refuses: a file whose
 * sections differ in byte order (each Section Header Block says its own).
 * Reads Enhanced, Simple and obsolete Packet Blocks of every section, with
 * each interface's link type and time resolution; skips other blocks.
 * Bounds-checked: a block longer than PCAPNG_MAX_BLOCK, a length that does
 * not match its trailer, a packet that points outside its block or names an
 * interface that was not described is an error. */
#ifndef LIBDISSECT_CORE_PCAPNG_H
#define LIBDISSECT_CORE_PCAPNG_H

#include <dissect/dissect.h>
#include <stdio.h>

#define PCAPNG_MAX_BLOCK (16u << 20) /* as libpcap's default maximum */
#define PCAPNG_MAX_IFACES 4096       /* interfaces per section */
#define PCAPNG_MAX_SECTIONS 65536    /* sections remembered for seeks */

typedef struct dx_pcapng dx_pcapng;

/* Reads from fp (positioned at the first Section Header Block), which it
 * then owns (closed by dx_pcapng_close, also on failure). */
int dx_pcapng_open(dx_pcapng **out, FILE *fp);
/* 1 and the next frame (valid until the next call), 0 at the end, or a
 * negative status with a message in err. */
int dx_pcapng_next(dx_pcapng *r, dx_frame *f, char *err, size_t errlen);
/* The opt_comment options of the frame dx_pcapng_next() returned last,
 * each handed to add(arg, bytes, length) in order; their number. */
size_t dx_pcapng_comments(dx_pcapng *r, void (*add)(void *arg, const uint8_t *s, size_t n),
                          void *arg);
/* Offset of the next block, and going back to one such offset. */
int64_t dx_pcapng_tell(dx_pcapng *r);
int dx_pcapng_seek(dx_pcapng *r, int64_t pos);
void dx_pcapng_close(dx_pcapng *r);

#endif /* LIBDISSECT_CORE_PCAPNG_H */

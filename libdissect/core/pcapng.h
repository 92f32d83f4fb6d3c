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
#include <stdbool.h>
#include <stdio.h>

#define PCAPNG_MAX_BLOCK (16u << 20) /* as libpcap's default maximum */
#define PCAPNG_MAX_IFACES 4096       /* interfaces per section */
#define PCAPNG_MAX_SECTIONS 65536    /* sections remembered for seeks */
#define PCAPNG_MAX_IFACES_ALL 65536  /* interfaces of all sections */
#define PCAPNG_MAX_NAME 4096         /* bytes of an interface's name kept */
#define PCAPNG_MAX_NAMES (1u << 20)  /* bytes of all names kept */

typedef struct dx_pcapng dx_pcapng;

/* Reads from fp (positioned at the first Section Header Block), which it
 * then owns (closed by dx_pcapng_close, also on failure). */
int dx_pcapng_open(dx_pcapng **out, FILE *fp);
/* 1 and the next frame (valid until the next call), 0 at the end, or a
 * negative status with a message in err. */
int dx_pcapng_next(dx_pcapng *r, dx_frame *f, char *err, size_t errlen);
/* The opt_comment options of the frame dx_pcapng_next() returned last,
 * each handed to add(arg, bytes, length) in order; their number. */
/* The epb_flags option of the last frame's block: 1 and *flags, or 0. */
int dx_pcapng_packet_flags(dx_pcapng *r, uint32_t *flags);
size_t dx_pcapng_comments(dx_pcapng *r, void (*add)(void *arg, const uint8_t *s, size_t n),
                          void *arg);
/* fn(arg, text, n, at) for each TLS key log (a Decryption Secrets Block of
 * type "TLSK" at offset at) dx_pcapng_next() passes over from then on. */
void dx_pcapng_on_secrets(dx_pcapng *r,
                          void (*fn)(void *arg, const uint8_t *text, size_t n, int64_t at),
                          void *arg);
/* Offset of the next block, and going back to one such offset. */
int64_t dx_pcapng_tell(dx_pcapng *r);
int dx_pcapng_seek(dx_pcapng *r, int64_t pos);
void dx_pcapng_close(dx_pcapng *r);
/* The interface of the frame dx_pcapng_next() returned last: 1, or 0 if
 * unknown. The strings belong to the reader. */
int dx_pcapng_iface(const dx_pcapng *r, dx_iface_info *out);

/* A reader without a file, as a book of the sections and interfaces that
 * somebody else's walk over the blocks meets (capture.c beside libpcap):
 * dx_pcapng_book_section() for a Section Header Block at offset at (found
 * again if known), dx_pcapng_book_idb() for an Interface Description
 * Block's body (from LinkType on, n bytes; read again after a seek back, it
 * adds nothing), dx_pcapng_book_at() to go to the section holding offset
 * pos after a seek, dx_pcapng_iface_of() for a frame of interface ifid of
 * the current section (1, or 0 if no section is known). Closed by
 * dx_pcapng_close(). */
dx_pcapng *dx_pcapng_book(void);
int dx_pcapng_book_section(dx_pcapng *r, int64_t at, bool swap);
int dx_pcapng_book_idb(dx_pcapng *r, int64_t at, const uint8_t *b, uint32_t n);
void dx_pcapng_book_at(dx_pcapng *r, int64_t pos);
int dx_pcapng_iface_of(const dx_pcapng *r, uint32_t ifid, dx_iface_info *out);
/* The precision (dx_capture_time_precision()) of interface ifid of the
 * current section; 0 if unknown. */
int8_t dx_pcapng_iface_prec(const dx_pcapng *r, uint32_t ifid);
/* The same of the interface of the last frame dx_pcapng_next() gave. */
int8_t dx_pcapng_last_prec(const dx_pcapng *r);
/* A book becomes a reader: of fp (owned from then on; NULL: none), from
 * its position on, in the section the book holds that position in. */
int dx_pcapng_attach(dx_pcapng *r, FILE *fp);

#endif /* LIBDISSECT_CORE_PCAPNG_H */

/* What the mail protocols (POP3, SMTP) share: a message reassembled from
 * the data segments of one connection, charged to the session's byte
 * budget, listed as tshark's "DATA fragments" and handed to the Internet
 * Message Format; and their per-connection state, kept as the stream's
 * application data (mailmsg.c). */
#ifndef LIBDISSECT_PROTO_MAILMSG_H
#define LIBDISSECT_PROTO_MAILMSG_H

#include "../core/dx.h"

typedef struct dx_mail_frag {
  uint64_t frame;
  uint32_t len;
} dx_mail_frag;

typedef struct dx_mail_msg {
  uint8_t *buf;
  uint32_t blen;
  dx_mail_frag *frags;
  uint32_t nfrags;
  bool off; /* the budget said no: this message is not reassembled */
  uint64_t *budget, max, charged;
} dx_mail_msg;

/* The fields of a protocol's fragment tree ("pop.data.fragments", ...). */
typedef struct dx_mail_fields {
  const dx_field *fragments, *fragment, *count, *length;
} dx_mail_fields;

/* The connection state of a mail protocol: a zeroed struct of size bytes
 * whose first member is a dx_mail_msg, charged to the byte budget and
 * stored as the stream's application data with app_free (which calls
 * dx_mail_conv_free); NULL without a stream or room. */
void *dx_mail_conv_get(dx_packet *p, size_t size, void (*app_free)(void *));
void dx_mail_conv_free(void *conv, size_t size);

/* Forgets the message being reassembled (its bytes go back to the budget). */
void dx_mail_msg_reset(dx_mail_msg *m);
/* n bytes of this frame join the message (fragment_add_seq_next()); past
 * the budget or max_frags the message is given up, with a note on owner
 * (m->off until the next reset). */
void dx_mail_msg_add(dx_packet *p, dx_mail_msg *m, dx_node *owner, const uint8_t *d, uint32_t n,
                     uint32_t max_frags);
/* The message as a data source named `source`, its fragments listed under
 * owner when it came from more than one or from another frame than this
 * one (tshark's process_reassembled_data()); an empty tvb when it cannot
 * be shown. The message stays: reset it after use. */
dx_tvb dx_mail_msg_source(dx_packet *p, dx_mail_msg *m, dx_node *owner, const dx_mail_fields *f,
                          const char *source);

#endif

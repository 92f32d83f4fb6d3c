/* dx_node_value_name(): the name of an enumerated value, the "Name" of the
 * "Name (N)" labels format.c writes (from the field's value-name table). */
#include "../core/dx.h"

#include <dissect/dissect.h>

const char *dx_node_value_name(const dx_node *n) {
  if (!n || !n->field || !n->field->vals)
    return NULL;
  const dx_field *f = n->field;
  switch (f->type) {
  case DX_FT_BOOL: return dx_val_name(f->vals, n->v.u ? 1 : 0);
  case DX_FT_UINT8:
  case DX_FT_UINT16:
  case DX_FT_UINT24:
  case DX_FT_UINT32:
  case DX_FT_UINT64:
  case DX_FT_FRAMENUM: return dx_val_name(f->vals, n->v.u);
  case DX_FT_INT32:
  case DX_FT_INT64: return dx_val_name(f->vals, (uint64_t)n->v.i);
  default: return NULL; /* strings, bytes, addresses, times: no value names */
  }
}

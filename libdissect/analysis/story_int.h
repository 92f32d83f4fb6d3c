/* Private to analysis/story*.c. */
#ifndef LIBDISSECT_ANALYSIS_STORY_INT_H
#define LIBDISSECT_ANALYSIS_STORY_INT_H

#include <dissect/story.h>

/* Non-zero once dx_story_finish() ran. */
int dx_story_finished(const dx_story *st);
/* The name of an HTTP/3 error code (RFC 9114 section 8.1), NULL if unknown. */
const char *dx_story_h3_error_name(uint64_t e);

#endif

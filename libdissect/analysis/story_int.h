/* Private to analysis/story*.c. */
#ifndef LIBDISSECT_ANALYSIS_STORY_INT_H
#define LIBDISSECT_ANALYSIS_STORY_INT_H

#include <dissect/story.h>

/* Non-zero once dx_story_finish() ran. */
int dx_story_finished(const dx_story *st);

#endif

/* A Makefile-syntax dependency file (like gcc -MD -MP writes), for make's include and
   meson's custom_target(depfile:): the targets, then what they were made from. */
#ifndef MODELGEN_DEPFILE_H
#define MODELGEN_DEPFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Appends "T1 T2 ...: P1 P2 ..." and, so that make does not stop when a prerequisite is
   deleted, an empty rule for each prerequisite after the first. Returns false, writing
   nothing, when a path cannot be written in the syntax (a newline in it). */
bool depfile_rules(struct buf *out, const char *const *targets, size_t ntargets,
                   const char *const *prereqs, size_t nprereqs);

#endif

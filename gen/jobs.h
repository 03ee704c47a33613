/* Running independent pieces of generation side by side. */
#ifndef MODELGEN_JOBS_H
#define MODELGEN_JOBS_H

#include <stddef.h>

struct job {
    void (*run)(void *arg);
    void *arg;
};

/* Runs every job, on up to `threads` threads (the caller's among them), and returns when
   all are done. Jobs must not depend on each other's results; each writes only to what
   its arg points at. With threads <= 1, or if a thread cannot be started, the jobs run
   one after the other on the caller's thread: the result is the same. */
void jobs_run(struct job *jobs, size_t n, int threads);

/* How many threads are worth using here: the processors online, or MODELGEN_THREADS when
   it is set; at most 8. */
int jobs_threads(void);

#endif

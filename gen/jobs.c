/* A tiny pool for the generators: the jobs sit in an array and each thread takes the next
   one not yet taken, so a big job does not hold up the small ones behind it. What the
   generators share is read-only by then (the model, the templates, the keyword tables);
   what they change (scratch buffers, the template cache) belongs to each thread. */
#include "jobs.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "cgen.h"
#include "names.h"
#include "sql.h"
#include "template.h"
#include "util.h"

enum { MAX_THREADS = 8 };

struct pool {
    pthread_mutex_t lock;
    struct job *jobs;
    size_t n, next;
};

static struct job *take(struct pool *p)
{
    pthread_mutex_lock(&p->lock);
    struct job *j = p->next < p->n ? &p->jobs[p->next++] : NULL;
    pthread_mutex_unlock(&p->lock);
    return j;
}

static void work(struct pool *p)
{
    struct job *j;
    while ((j = take(p)) != NULL)
        j->run(j->arg);
}

static void *worker(void *arg)
{
    work(arg);
    /* the main thread's buffers live until exit; a worker's go with it */
    arena_scratch_release();
    cgen_scratch_release();
    sql_scratch_release();
    return NULL;
}

int jobs_threads(void)
{
    const char *env = getenv("MODELGEN_THREADS");
    long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

void jobs_run(struct job *jobs, size_t n, int threads)
{
    struct pool p = {.jobs = jobs, .n = n, .next = 0};
    pthread_t ids[MAX_THREADS];
    int started = 0;

    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if ((size_t)threads > n)
        threads = (int)n;
    /* shared state is built before anyone reads it */
    tmpl_load();
    names_load();
    pthread_mutex_init(&p.lock, NULL);
    for (int i = 1; i < threads; i++) {
        if (pthread_create(&ids[started], NULL, worker, &p) != 0)
            break;   /* fewer threads: the jobs still all run */
        started++;
    }
    work(&p);
    for (int i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    pthread_mutex_destroy(&p.lock);
}

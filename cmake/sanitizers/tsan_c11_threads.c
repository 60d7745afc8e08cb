/* ThreadSanitizer builds only (ES_SANITIZE_THREAD): C11 threads on top of pthreads.
 *
 * Debian 12's librdkafka runs its threads and locks with C11 <threads.h> (thrd_create,
 * mtx_lock, cnd_wait...). glibc 2.36 implements those by calling its internal pthread
 * functions, which clang 14's TSan does not intercept: a thread started by thrd_create has no
 * TSan state, and the first allocation in it crashes (SEGV in the TSan allocator). Linked into
 * every target of a TSan build, these definitions come before libc's in symbol lookup, so
 * librdkafka's threads, mutexes and condition variables go through the intercepted pthread
 * calls and TSan sees them as it sees ours. glibc's mtx_t and cnd_t have the size and layout
 * of pthread_mutex_t and pthread_cond_t (threads.h defines them as unions of those sizes).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

_Static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t), "mtx_t is a pthread_mutex_t");
_Static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t), "cnd_t is a pthread_cond_t");
_Static_assert(sizeof(thrd_t) == sizeof(pthread_t), "thrd_t is a pthread_t");

static int result(int rc) {
  switch (rc) {
    case 0: return thrd_success;
    case ETIMEDOUT: return thrd_timedout;
    case EBUSY: return thrd_busy;
    case ENOMEM: return thrd_nomem;
    default: return thrd_error;
  }
}

struct start {
  thrd_start_t func;
  void* arg;
};

static void* trampoline(void* p) {
  struct start s = *(struct start*)p;
  free(p);
  return (void*)(intptr_t)s.func(s.arg);
}

int thrd_create(thrd_t* thr, thrd_start_t func, void* arg) {
  struct start* s = malloc(sizeof *s);
  if (s == NULL) return thrd_nomem;
  s->func = func;
  s->arg = arg;
  const int rc = pthread_create((pthread_t*)thr, NULL, trampoline, s);
  if (rc != 0) free(s);
  return result(rc);
}

int thrd_join(thrd_t thr, int* res) {
  void* value = NULL;
  const int rc = pthread_join((pthread_t)thr, &value);
  if (rc == 0 && res != NULL) *res = (int)(intptr_t)value;
  return result(rc);
}

int thrd_detach(thrd_t thr) { return result(pthread_detach((pthread_t)thr)); }

int mtx_init(mtx_t* mtx, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  const int rc = pthread_mutex_init((pthread_mutex_t*)mtx, &attr);
  pthread_mutexattr_destroy(&attr);
  return result(rc);
}

int mtx_lock(mtx_t* mtx) { return result(pthread_mutex_lock((pthread_mutex_t*)mtx)); }
int mtx_trylock(mtx_t* mtx) { return result(pthread_mutex_trylock((pthread_mutex_t*)mtx)); }
int mtx_timedlock(mtx_t* restrict mtx, const struct timespec* restrict ts) {
  return result(pthread_mutex_timedlock((pthread_mutex_t*)mtx, ts));
}
int mtx_unlock(mtx_t* mtx) { return result(pthread_mutex_unlock((pthread_mutex_t*)mtx)); }
void mtx_destroy(mtx_t* mtx) { pthread_mutex_destroy((pthread_mutex_t*)mtx); }

int cnd_init(cnd_t* cnd) { return result(pthread_cond_init((pthread_cond_t*)cnd, NULL)); }
int cnd_signal(cnd_t* cnd) { return result(pthread_cond_signal((pthread_cond_t*)cnd)); }
int cnd_broadcast(cnd_t* cnd) { return result(pthread_cond_broadcast((pthread_cond_t*)cnd)); }
int cnd_wait(cnd_t* cnd, mtx_t* mtx) {
  return result(pthread_cond_wait((pthread_cond_t*)cnd, (pthread_mutex_t*)mtx));
}
int cnd_timedwait(cnd_t* restrict cnd, mtx_t* restrict mtx, const struct timespec* restrict ts) {
  return result(pthread_cond_timedwait((pthread_cond_t*)cnd, (pthread_mutex_t*)mtx, ts));
}
void cnd_destroy(cnd_t* cnd) { pthread_cond_destroy((pthread_cond_t*)cnd); }

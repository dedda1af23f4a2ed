/*
 * testlib.c - the native test library of the ffm project (built as libffmtest.so with -O0).
 * See testlib.h for the documentation of every exported symbol.
 */
#define _POSIX_C_SOURCE 200809L

#include "testlib.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* 1. Structs passed and returned by value                                                    */
/* ------------------------------------------------------------------------------------------ */

/* {a + 1} */
struct ffm_i1 ffm_i1_bump(struct ffm_i1 v) {
    struct ffm_i1 r = {v.a + 1};
    return r;
}

/* {a * 2, b * 2} */
struct ffm_f2 ffm_f2_bump(struct ffm_f2 v) {
    struct ffm_f2 r = {v.a * 2.0f, v.b * 2.0f};
    return r;
}

/* {a + k, b * 2} */
struct ffm_id ffm_id_bump(struct ffm_id v, int k) {
    struct ffm_id r = {v.a + k, v.b * 2.0};
    return r;
}

/* {a * 2, b + 1} */
struct ffm_fi ffm_fi_bump(struct ffm_fi v) {
    struct ffm_fi r = {v.a * 2.0f, v.b + 1};
    return r;
}

/* {a * 2, b * 2} */
struct ffm_dd ffm_dd_bump(struct ffm_dd v) {
    struct ffm_dd r = {v.a * 2.0, v.b * 2.0};
    return r;
}

/* {a + 1 byte, b + 1 byte} */
struct ffm_pp ffm_pp_bump(struct ffm_pp v) {
    struct ffm_pp r = {(char *)v.a + 1, (char *)v.b + 1};
    return r;
}

/* {a + k, b * 2, c * 2, p + 1 byte} */
struct ffm_ifdp ffm_ifdp_bump(struct ffm_ifdp v, int k) {
    struct ffm_ifdp r = {v.a + k, v.b * 2.0f, v.c * 2.0, (char *)v.p + 1};
    return r;
}

/* {a * 2, b * 2, c * 2, d * 2} */
struct ffm_dddd ffm_dddd_bump(struct ffm_dddd v) {
    struct ffm_dddd r = {v.a * 2.0, v.b * 2.0, v.c * 2.0, v.d * 2.0};
    return r;
}

/* {a + 1, b + 1, c + 1, d + 1} */
struct ffm_iiii ffm_iiii_bump(struct ffm_iiii v) {
    struct ffm_iiii r = {v.a + 1, v.b + 1, v.c + 1, v.d + 1};
    return r;
}

/* {a * 2, b * 2, c * 2} */
struct ffm_fff ffm_fff_bump(struct ffm_fff v) {
    struct ffm_fff r = {v.a * 2.0f, v.b * 2.0f, v.c * 2.0f};
    return r;
}

/* {a * 2, p + 1 byte} */
struct ffm_dp ffm_dp_bump(struct ffm_dp v) {
    struct ffm_dp r = {v.a * 2.0, (char *)v.p + 1};
    return r;
}

/* {a, b} */
struct ffm_id ffm_id_make(int a, double b) {
    struct ffm_id r = {a, b};
    return r;
}

/* {a, b, c, d} */
struct ffm_dddd ffm_dddd_make(double a, double b, double c, double d) {
    struct ffm_dddd r = {a, b, c, d};
    return r;
}

/* a + b */
double ffm_id_sum(struct ffm_id v) {
    return v.a + v.b;
}

/* a + b + c + d */
double ffm_dddd_sum(struct ffm_dddd v) {
    return v.a + v.b + v.c + v.d;
}

/* a + b + c + d, without overflow */
long long ffm_iiii_sum(struct ffm_iiii v) {
    return (long long)v.a + v.b + v.c + v.d;
}

/* Sum of every field of the three structs. */
double ffm_mix_structs(struct ffm_id x, struct ffm_dddd y, struct ffm_fi z) {
    return x.a + x.b + y.a + y.b + y.c + y.d + z.a + z.b;
}

/* Sum of all scalars and both fields of s; s is passed on the stack. */
double ffm_id_spill(int a, int b, int c, int d, int e, int f, struct ffm_id s, double g) {
    return (double)a + b + c + d + e + f + s.a + s.b + g;
}

/* Sum of ten doubles; the last two are passed on the stack. */
double ffm_sum_10_doubles(double a, double b, double c, double d, double e, double f,
                          double g, double h, double i, double j) {
    return a + b + c + d + e + f + g + h + i + j;
}

/* ------------------------------------------------------------------------------------------ */
/* 2. char[N] structs, N = 1..16                                                              */
/* ------------------------------------------------------------------------------------------ */

/* Defines ffm_cN_rev: returns the N chars of v in reverse order. */
#define FFM_CHARS_DEF(N)                                                                     \
    struct ffm_c##N ffm_c##N##_rev(struct ffm_c##N v) {                                      \
        struct ffm_c##N r;                                                                   \
        for (int i = 0; i < (N); i++) {                                                      \
            r.c[i] = v.c[(N) - 1 - i];                                                       \
        }                                                                                    \
        return r;                                                                            \
    }

FFM_CHARS_DEF(1)
FFM_CHARS_DEF(2)
FFM_CHARS_DEF(3)
FFM_CHARS_DEF(4)
FFM_CHARS_DEF(5)
FFM_CHARS_DEF(6)
FFM_CHARS_DEF(7)
FFM_CHARS_DEF(8)
FFM_CHARS_DEF(9)
FFM_CHARS_DEF(10)
FFM_CHARS_DEF(11)
FFM_CHARS_DEF(12)
FFM_CHARS_DEF(13)
FFM_CHARS_DEF(14)
FFM_CHARS_DEF(15)
FFM_CHARS_DEF(16)

/* ------------------------------------------------------------------------------------------ */
/* 3. Unions                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* Identity. */
union ffm_u ffm_u_pass(union ffm_u u) {
    return u;
}

/* Reads the double member. */
double ffm_u_as_double(union ffm_u u) {
    return u.d;
}

/* Identity. */
union ffm_uif ffm_uif_pass(union ffm_uif u) {
    return u;
}

/* Reads the int member. */
int ffm_uif_as_int(union ffm_uif u) {
    return u.i;
}

/* ------------------------------------------------------------------------------------------ */
/* 4. Nested structs                                                                          */
/* ------------------------------------------------------------------------------------------ */

/* {{a + 1, b + 1}, d * 2, {arr[0] + 10, arr[1] + 10}} */
struct ffm_outer ffm_outer_bump(struct ffm_outer o) {
    struct ffm_outer r;
    r.in.a = (short)(o.in.a + 1);
    r.in.b = (char)(o.in.b + 1);
    r.d = o.d * 2.0;
    r.arr[0] = o.arr[0] + 10;
    r.arr[1] = o.arr[1] + 10;
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* 5. Callbacks (upcalls)                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* cb(a, b) */
int ffm_call_int_cb(int (*cb)(int, int), int a, int b) {
    return cb(a, b);
}

/* cb(v, k) */
struct ffm_id ffm_call_struct_cb(struct ffm_id (*cb)(struct ffm_id, int), struct ffm_id v,
                                 int k) {
    return cb(v, k);
}

/* cb(v) */
struct ffm_dddd ffm_call_big_cb(struct ffm_dddd (*cb)(struct ffm_dddd), struct ffm_dddd v) {
    return cb(v);
}

/* cb(0) + cb(1) + ... + cb(n - 1), called in that order */
int ffm_call_cb_n(int (*cb)(int), int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
        sum += cb(i);
    }
    return sum;
}

/* cb(1.0, ..., 10.0) */
double ffm_call_cb_10_doubles(double (*cb)(double, double, double, double, double, double,
                                           double, double, double, double)) {
    return cb(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
}

/* ------------------------------------------------------------------------------------------ */
/* 6. Callback from a thread created in C                                                     */
/* ------------------------------------------------------------------------------------------ */

/* What the thread started by ffm_call_on_thread needs: the callback, its argument, its result. */
struct ffm_thread_job {
    int (*cb)(int);
    int arg;
    int result;
};

/* Thread entry point: runs the job's callback and stores its result. */
static void *ffm_thread_main(void *p) {
    struct ffm_thread_job *job = p;
    job->result = job->cb(job->arg);
    return NULL;
}

/* Runs cb(v) on a new pthread and returns its result (-1 if no thread could be created). */
int ffm_call_on_thread(int (*cb)(int), int v) {
    struct ffm_thread_job job = {cb, v, 0};
    pthread_t thread;
    if (pthread_create(&thread, NULL, ffm_thread_main, &job) != 0) {
        return -1;
    }
    if (pthread_join(thread, NULL) != 0) {
        return -1;
    }
    return job.result;
}

/* ------------------------------------------------------------------------------------------ */
/* 7. va_list                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/* Hands this call's variadic arguments to cb as a va_list. */
void ffm_call_with_va(void (*cb)(int n, va_list ap), int n, ...) {
    va_list ap;
    va_start(ap, n);
    cb(n, ap);
    va_end(ap);
}

/* Sum of n ints read from ap. */
long long ffm_vsum_ints(int n, va_list ap) {
    long long sum = 0;
    for (int i = 0; i < n; i++) {
        sum += va_arg(ap, int);
    }
    return sum;
}

/* Sum of the n int variadic arguments. */
long long ffm_sum_ints(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long long sum = ffm_vsum_ints(n, ap);
    va_end(ap);
    return sum;
}

/* Reads one argument per tag char from ap (see testlib.h) and returns their total. */
double ffm_vsum_tagged(const char *tags, va_list ap) {
    double total = 0.0;
    for (const char *t = tags; *t != '\0'; t++) {
        switch (*t) {
        case 'i':
            total += va_arg(ap, int);
            break;
        case 'l':
            total += (double)va_arg(ap, long long);
            break;
        case 'd':
            total += va_arg(ap, double);
            break;
        case 'p':
            total += (double)(uintptr_t)va_arg(ap, void *);
            break;
        case 's': {
            struct ffm_id s = va_arg(ap, struct ffm_id);
            total += s.a + s.b;
            break;
        }
        case 'D': {
            struct ffm_dddd d = va_arg(ap, struct ffm_dddd);
            total += d.a + d.b + d.c + d.d;
            break;
        }
        default:
            return NAN;
        }
    }
    return total;
}

/* Variadic twin of ffm_vsum_tagged. */
double ffm_sum_tagged(const char *tags, ...) {
    va_list ap;
    va_start(ap, tags);
    double total = ffm_vsum_tagged(tags, ap);
    va_end(ap);
    return total;
}

/* {number of tags, total of the variadic arguments}, returned in registers. */
struct ffm_id ffm_tagged_id(const char *tags, ...) {
    va_list ap;
    va_start(ap, tags);
    struct ffm_id r = {(int)strlen(tags), ffm_vsum_tagged(tags, ap)};
    va_end(ap);
    return r;
}

/* {total, number of tags, 2 * total, -1}, returned through the hidden pointer. */
struct ffm_dddd ffm_tagged_dddd(const char *tags, ...) {
    va_list ap;
    va_start(ap, tags);
    double total = ffm_vsum_tagged(tags, ap);
    va_end(ap);
    struct ffm_dddd r = {total, (double)strlen(tags), 2 * total, -1.0};
    return r;
}

/* ------------------------------------------------------------------------------------------ */
/* 8. Globals                                                                                 */
/* ------------------------------------------------------------------------------------------ */

int ffm_global_counter = 42;
struct ffm_id ffm_global_pair = {7, 2.5};

/* Current value of ffm_global_counter. */
int ffm_read_counter(void) {
    return ffm_global_counter;
}

/* ffm_global_pair.a + ffm_global_pair.b */
double ffm_read_pair_sum(void) {
    return ffm_global_pair.a + ffm_global_pair.b;
}

/* ------------------------------------------------------------------------------------------ */
/* 9. Small scalars                                                                           */
/* ------------------------------------------------------------------------------------------ */

/* -v, wrapping */
signed char ffm_neg_schar(signed char v) {
    return (signed char)-v;
}

/* v + 1, wrapping */
unsigned char ffm_inc_uchar(unsigned char v) {
    return (unsigned char)(v + 1);
}

/* -v, wrapping */
short ffm_neg_short(short v) {
    return (short)-v;
}

/* v + 1, wrapping */
unsigned short ffm_inc_ushort(unsigned short v) {
    return (unsigned short)(v + 1);
}

/* !v */
_Bool ffm_not(_Bool v) {
    return !v;
}

/* v + 1 */
int ffm_inc_int(int v) {
    return v + 1;
}

/* v + 1 */
long long ffm_inc_llong(long long v) {
    return v + 1;
}

/* v + 1, wrapping */
unsigned long long ffm_inc_ullong(unsigned long long v) {
    return v + 1;
}

/* v * 2 */
float ffm_twice_float(float v) {
    return v * 2.0f;
}

/* v * 2 */
double ffm_twice_double(double v) {
    return v * 2.0;
}

/* v + 1, wrapping */
size_t ffm_inc_size(size_t v) {
    return v + 1;
}

/* Sum of every argument as a double. */
double ffm_sum_scalars(signed char a, unsigned char b, short c, unsigned short d, _Bool e,
                       int f, long long g, float h, double i) {
    return (double)a + b + c + d + e + f + (double)g + h + i;
}

/* ------------------------------------------------------------------------------------------ */
/* 10. errno                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* errno = value; returns -1 */
int ffm_set_errno(int value) {
    errno = value;
    return -1;
}

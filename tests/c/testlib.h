/*
 * testlib.h - the native test library of the ffm project (built as libffmtest.so).
 *
 * Target: x86-64 Linux, System V AMD64 ABI. Every exported symbol is prefixed `ffm_`.
 * The library is compiled with -O0 so that every call really crosses the ABI boundary.
 *
 * Conventions for the "bump" functions, which take a struct by value and return a new one:
 * integer fields are incremented (by 1, or by the extra `k` argument where there is one),
 * floating-point fields are doubled and pointer fields are advanced by one byte
 * ((char *)p + 1). Each note "class:" gives the System V classification of the struct's
 * eightbytes: INTEGER (general-purpose register), SSE (xmm register) or MEMORY (passed on the
 * stack / returned through a hidden pointer in rdi).
 */
#ifndef FFM_TESTLIB_H
#define FFM_TESTLIB_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FFM_EXPORT __attribute__((visibility("default")))

/* ------------------------------------------------------------------------------------------ */
/* 1. Structs passed and returned by value                                                    */
/* ------------------------------------------------------------------------------------------ */

/* size 4, align 4; class: INTEGER */
struct ffm_i1 { int a; };
/* size 8, align 4; class: SSE (both floats share one xmm register) */
struct ffm_f2 { float a, b; };
/* size 16, align 8; class: INTEGER, SSE */
struct ffm_id { int a; double b; };
/* size 8, align 4; class: INTEGER (float and int share one eightbyte, INTEGER wins) */
struct ffm_fi { float a; int b; };
/* size 16, align 8; class: SSE, SSE */
struct ffm_dd { double a, b; };
/* size 16, align 8; class: INTEGER, INTEGER */
struct ffm_pp { void *a, *b; };
/* size 24, align 8; class: MEMORY (larger than 16 bytes) */
struct ffm_ifdp { int a; float b; double c; void *p; };
/* size 32, align 8; class: MEMORY (larger than 16 bytes) */
struct ffm_dddd { double a, b, c, d; };
/* size 16, align 4; class: INTEGER, INTEGER */
struct ffm_iiii { int a, b, c, d; };
/* size 12, align 4; class: SSE, SSE (the second eightbyte is only 4 bytes) */
struct ffm_fff { float a, b, c; };
/* size 16, align 8; class: SSE, INTEGER */
struct ffm_dp { double a; void *p; };

/* Returns {v.a + 1}. */
FFM_EXPORT struct ffm_i1 ffm_i1_bump(struct ffm_i1 v);
/* Returns {v.a * 2, v.b * 2}. */
FFM_EXPORT struct ffm_f2 ffm_f2_bump(struct ffm_f2 v);
/* Returns {v.a + k, v.b * 2}. */
FFM_EXPORT struct ffm_id ffm_id_bump(struct ffm_id v, int k);
/* Returns {v.a * 2, v.b + 1}. */
FFM_EXPORT struct ffm_fi ffm_fi_bump(struct ffm_fi v);
/* Returns {v.a * 2, v.b * 2}. */
FFM_EXPORT struct ffm_dd ffm_dd_bump(struct ffm_dd v);
/* Returns {(char *)v.a + 1, (char *)v.b + 1}. */
FFM_EXPORT struct ffm_pp ffm_pp_bump(struct ffm_pp v);
/* Returns {v.a + k, v.b * 2, v.c * 2, (char *)v.p + 1}. */
FFM_EXPORT struct ffm_ifdp ffm_ifdp_bump(struct ffm_ifdp v, int k);
/* Returns {v.a * 2, v.b * 2, v.c * 2, v.d * 2}. */
FFM_EXPORT struct ffm_dddd ffm_dddd_bump(struct ffm_dddd v);
/* Returns {v.a + 1, v.b + 1, v.c + 1, v.d + 1}. */
FFM_EXPORT struct ffm_iiii ffm_iiii_bump(struct ffm_iiii v);
/* Returns {v.a * 2, v.b * 2, v.c * 2}. */
FFM_EXPORT struct ffm_fff ffm_fff_bump(struct ffm_fff v);
/* Returns {v.a * 2, (char *)v.p + 1}. */
FFM_EXPORT struct ffm_dp ffm_dp_bump(struct ffm_dp v);

/* Builds a struct from scalars (tests struct returns independently of struct arguments). */
FFM_EXPORT struct ffm_id ffm_id_make(int a, double b);
/* Builds a struct from scalars; the result is returned through a hidden pointer (MEMORY). */
FFM_EXPORT struct ffm_dddd ffm_dddd_make(double a, double b, double c, double d);
/* Returns v.a + v.b (tests struct arguments independently of struct returns). */
FFM_EXPORT double ffm_id_sum(struct ffm_id v);
/* Returns v.a + v.b + v.c + v.d. */
FFM_EXPORT double ffm_dddd_sum(struct ffm_dddd v);
/* Returns v.a + v.b + v.c + v.d. */
FFM_EXPORT long long ffm_iiii_sum(struct ffm_iiii v);

/* Returns x.a + x.b + y.a + y.b + y.c + y.d + z.a + z.b. */
FFM_EXPORT double ffm_mix_structs(struct ffm_id x, struct ffm_dddd y, struct ffm_fi z);

/*
 * Register exhaustion: the six ints use up every integer argument register, so `s` (which
 * needs one INTEGER and one SSE register) is passed entirely on the stack, while `g` still
 * goes in xmm. Returns a + b + c + d + e + f + s.a + s.b + g.
 */
FFM_EXPORT double ffm_id_spill(int a, int b, int c, int d, int e, int f, struct ffm_id s,
                               double g);
/*
 * Register exhaustion for SSE: the eight doubles use xmm0-xmm7, so the ninth and tenth go on
 * the stack. Returns the sum of all ten.
 */
FFM_EXPORT double ffm_sum_10_doubles(double a, double b, double c, double d, double e,
                                     double f, double g, double h, double i, double j);

/* ------------------------------------------------------------------------------------------ */
/* 2. char[N] structs, N = 1..16                                                              */
/* ------------------------------------------------------------------------------------------ */

/*
 * struct ffm_cN { char c[N]; } has size N and align 1. N <= 8 is one INTEGER eightbyte,
 * 9 <= N <= 16 two INTEGER eightbytes. ffm_cN_rev returns the chars in reverse order:
 * result.c[i] == v.c[N - 1 - i].
 */
#define FFM_CHARS_DECL(N)                                                                    \
    struct ffm_c##N { char c[N]; };                                                          \
    FFM_EXPORT struct ffm_c##N ffm_c##N##_rev(struct ffm_c##N v);

FFM_CHARS_DECL(1)
FFM_CHARS_DECL(2)
FFM_CHARS_DECL(3)
FFM_CHARS_DECL(4)
FFM_CHARS_DECL(5)
FFM_CHARS_DECL(6)
FFM_CHARS_DECL(7)
FFM_CHARS_DECL(8)
FFM_CHARS_DECL(9)
FFM_CHARS_DECL(10)
FFM_CHARS_DECL(11)
FFM_CHARS_DECL(12)
FFM_CHARS_DECL(13)
FFM_CHARS_DECL(14)
FFM_CHARS_DECL(15)
FFM_CHARS_DECL(16)

/* ------------------------------------------------------------------------------------------ */
/* 3. Unions                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* size 8, align 8; class: INTEGER (int merges with the SSE members and wins) */
union ffm_u { int i; float f; double d; };
/* size 4, align 4; class: INTEGER */
union ffm_uif { int i; float f; };

/* Returns u unchanged (all 8 bytes). */
FFM_EXPORT union ffm_u ffm_u_pass(union ffm_u u);
/* Returns u.d. */
FFM_EXPORT double ffm_u_as_double(union ffm_u u);
/* Returns u unchanged. */
FFM_EXPORT union ffm_uif ffm_uif_pass(union ffm_uif u);
/* Returns u.i (the bit pattern of u.f when a float was stored). */
FFM_EXPORT int ffm_uif_as_int(union ffm_uif u);

/* ------------------------------------------------------------------------------------------ */
/* 4. Nested structs                                                                          */
/* ------------------------------------------------------------------------------------------ */

/* size 4, align 2 (a at 0, b at 2, 1 byte of tail padding) */
struct ffm_inner { short a; char b; };
/* size 24, align 8 (in at 0, 4 bytes padding, d at 8, arr at 16); class: MEMORY */
struct ffm_outer { struct ffm_inner in; double d; int arr[2]; };

/* Returns {{o.in.a + 1, o.in.b + 1}, o.d * 2, {o.arr[0] + 10, o.arr[1] + 10}}. */
FFM_EXPORT struct ffm_outer ffm_outer_bump(struct ffm_outer o);

/* ------------------------------------------------------------------------------------------ */
/* 5. Callbacks (upcalls)                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* Returns cb(a, b). */
FFM_EXPORT int ffm_call_int_cb(int (*cb)(int, int), int a, int b);
/* Returns cb(v, k). */
FFM_EXPORT struct ffm_id ffm_call_struct_cb(struct ffm_id (*cb)(struct ffm_id, int),
                                            struct ffm_id v, int k);
/* Returns cb(v); both the argument and the result are MEMORY-class. */
FFM_EXPORT struct ffm_dddd ffm_call_big_cb(struct ffm_dddd (*cb)(struct ffm_dddd),
                                           struct ffm_dddd v);
/* Calls cb(i) for i = 0 .. n-1 in order and returns the sum of the results. */
FFM_EXPORT int ffm_call_cb_n(int (*cb)(int), int n);
/* Returns cb(1.0, 2.0, ..., 10.0): an upcall whose last two arguments are on the stack. */
FFM_EXPORT double ffm_call_cb_10_doubles(double (*cb)(double, double, double, double, double,
                                                      double, double, double, double, double));

/* ------------------------------------------------------------------------------------------ */
/* 6. Callback from a thread created in C                                                     */
/* ------------------------------------------------------------------------------------------ */

/*
 * Creates a pthread, calls cb(v) on it, joins it and returns the result. Returns -1 without
 * calling cb if the thread cannot be created.
 */
FFM_EXPORT int ffm_call_on_thread(int (*cb)(int), int v);

/* ------------------------------------------------------------------------------------------ */
/* 7. va_list                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/*
 * va_start()s over the variadic arguments, calls cb(n, ap) and va_end()s. Lets an upcall read
 * a va_list. (On x86-64, va_list is an array type, so cb receives a pointer to the
 * 24-byte __va_list_tag.)
 */
FFM_EXPORT void ffm_call_with_va(void (*cb)(int n, va_list ap), int n, ...);
/* Reads n `int`s from ap with va_arg and returns their sum. */
FFM_EXPORT long long ffm_vsum_ints(int n, va_list ap);
/* Variadic twin of ffm_vsum_ints: returns the sum of the n `int` variadic arguments. */
FFM_EXPORT long long ffm_sum_ints(int n, ...);
/*
 * Reads one argument from ap per char of tags and returns the total as a double:
 *   'i' int (adds it), 'l' long long (adds it), 'd' double (adds it),
 *   'p' pointer (adds the address value, (double)(uintptr_t)p),
 *   's' struct ffm_id (adds a + b), 'D' struct ffm_dddd (adds a + b + c + d).
 * Stops at the first unknown tag char and returns NaN.
 */
FFM_EXPORT double ffm_vsum_tagged(const char *tags, va_list ap);
/* Variadic twin of ffm_vsum_tagged: ffm_sum_tagged("ids", 1, 2.5, s) == 3.5 + s.a + s.b. */
FFM_EXPORT double ffm_sum_tagged(const char *tags, ...);
/*
 * Variadic functions returning structs: the arguments are read as by ffm_vsum_tagged.
 * ffm_tagged_id returns {number of tags, total} in registers (INTEGER and SSE);
 * ffm_tagged_dddd returns {total, number of tags, 2 * total, -1} in memory (hidden pointer).
 */
FFM_EXPORT struct ffm_id ffm_tagged_id(const char *tags, ...);
FFM_EXPORT struct ffm_dddd ffm_tagged_dddd(const char *tags, ...);

/* ------------------------------------------------------------------------------------------ */
/* 8. Globals                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/* Initially 42. */
FFM_EXPORT extern int ffm_global_counter;
/* Initially {7, 2.5}. */
FFM_EXPORT extern struct ffm_id ffm_global_pair;
/* Returns ffm_global_counter (lets tests observe writes made through a symbol lookup). */
FFM_EXPORT int ffm_read_counter(void);
/* Returns ffm_global_pair.a + ffm_global_pair.b. */
FFM_EXPORT double ffm_read_pair_sum(void);

/* ------------------------------------------------------------------------------------------ */
/* 9. Small scalars                                                                           */
/* ------------------------------------------------------------------------------------------ */

/* Returns -v (wrapping: -(-128) == -128). */
FFM_EXPORT signed char ffm_neg_schar(signed char v);
/* Returns v + 1 (wrapping: 255 -> 0). */
FFM_EXPORT unsigned char ffm_inc_uchar(unsigned char v);
/* Returns -v (wrapping: -(-32768) == -32768). */
FFM_EXPORT short ffm_neg_short(short v);
/* Returns v + 1 (wrapping: 65535 -> 0). */
FFM_EXPORT unsigned short ffm_inc_ushort(unsigned short v);
/* Returns !v. */
FFM_EXPORT _Bool ffm_not(_Bool v);
/* Returns v + 1. */
FFM_EXPORT int ffm_inc_int(int v);
/* Returns v + 1. */
FFM_EXPORT long long ffm_inc_llong(long long v);
/* Returns v + 1 (wrapping: ULLONG_MAX -> 0). */
FFM_EXPORT unsigned long long ffm_inc_ullong(unsigned long long v);
/* Returns v * 2. */
FFM_EXPORT float ffm_twice_float(float v);
/* Returns v * 2. */
FFM_EXPORT double ffm_twice_double(double v);
/* Returns v + 1 (wrapping: SIZE_MAX -> 0). */
FFM_EXPORT size_t ffm_inc_size(size_t v);
/* Returns the sum of all arguments, each converted to double. */
FFM_EXPORT double ffm_sum_scalars(signed char a, unsigned char b, short c, unsigned short d,
                                  _Bool e, int f, long long g, float h, double i);

/* ------------------------------------------------------------------------------------------ */
/* 10. errno                                                                                  */
/* ------------------------------------------------------------------------------------------ */

/* Sets errno to value and returns -1. */
FFM_EXPORT int ffm_set_errno(int value);

#ifdef __cplusplus
}
#endif

#endif /* FFM_TESTLIB_H */

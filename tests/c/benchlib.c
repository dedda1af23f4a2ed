/*
 * benchlib.c - small functions for the ffm call-overhead benchmarks (built as libffmbench.so
 * with -O2). Every exported symbol is prefixed `bl_`. x86-64 Linux, System V ABI.
 */
#include <stddef.h>

#define BL_EXPORT __attribute__((visibility("default")))

/* Two ints; size 8, one INTEGER eightbyte. */
struct bl_point { int x, y; };

/* Four doubles; size 32, MEMORY class (passed on the stack, returned via hidden pointer). */
struct bl_big { double a, b, c, d; };

/* Does nothing: measures the bare cost of a call. */
BL_EXPORT void bl_noop(void) {}

/* Returns a + b. */
BL_EXPORT int bl_add(int a, int b) {
    return a + b;
}

/* Returns a + b. */
BL_EXPORT double bl_addd(double a, double b) {
    return a + b;
}

/* Returns a + b + (long)c + (long)d + (e ? e[0] : 0) + f: mixed integer, float and pointer
 * arguments. */
BL_EXPORT long bl_mix6(int a, long b, double c, float d, char *e, long f) {
    return a + b + (long)c + (long)d + (e ? e[0] : 0) + f;
}

/* Returns {p.x + q.x, p.y + q.y}: a small struct in registers both ways. */
BL_EXPORT struct bl_point bl_point_add(struct bl_point p, struct bl_point q) {
    struct bl_point r = {p.x + q.x, p.y + q.y};
    return r;
}

/* Returns {v.a * k, v.b * k, v.c * k, v.d * k}: a large struct in memory both ways. */
BL_EXPORT struct bl_big bl_big_scale(struct bl_big v, double k) {
    struct bl_big r = {v.a * k, v.b * k, v.c * k, v.d * k};
    return r;
}

/* Calls cb(i) for i = 0 .. n-1 and returns the sum of the results: measures upcall cost. */
BL_EXPORT int bl_call_cb(int (*cb)(int), int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
        sum += cb(i);
    }
    return sum;
}

/* Returns the sum of the n ints at p: measures passing a pointer to native memory. */
BL_EXPORT long bl_sum_i32(const int *p, size_t n) {
    long sum = 0;
    for (size_t i = 0; i < n; i++) {
        sum += p[i];
    }
    return sum;
}

/* qsort comparator for int: negative, zero or positive as *a <, == or > *b. */
BL_EXPORT int bl_cmp_i32(const void *a, const void *b) {
    int x = *(const int *)a;
    int y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Returns v + 1: the C callback for the C-to-C baseline of bl_call_cb. */
BL_EXPORT int bl_inc(int v) {
    return v + 1;
}

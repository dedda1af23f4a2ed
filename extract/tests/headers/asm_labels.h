// Asm labels rename the symbol: `int f(int) __asm__("real_f");` binds `real_f` under the name
// `f`, as glibc does for `__isoc99_*` and the 64-bit file functions; globals too.
// `absolute_value` binds libc's `abs` (the test calls it).

int renamed(int x) __asm__("real_renamed");
extern int renamed_global __asm__("real_global");
int plain(int x);
int absolute_value(int x) __asm__("abs");

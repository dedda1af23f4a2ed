// `static` and `static inline` functions have no symbol to bind: they are listed as skipped.
// `extern inline`/plain declarations next to them are bound.

static inline int square(int x) { return x * x; }
static int helper(int x);
static int helper(int x) { return x + 1; }
inline int maybe_inline(int x);
int exported(int x);

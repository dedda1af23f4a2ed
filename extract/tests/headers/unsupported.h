// What Rust cannot express is left out with a warning that names the declaration and the
// reason: `long double`, `__int128`, `_Float128` (clang 14 knows it as `__float128`, which is
// what glibc's headers make `_Float128` for clang), `_Complex`; a struct with such a field
// becomes an opaque blob of the right size and alignment; what uses a skipped typedef goes too
// (behind a pointer, it becomes `void`).

long double ld_function(long double x);
__int128 int128_function(void);
unsigned __int128 uint128_function(unsigned __int128 x);
__float128 float128_function(__float128 x);
double _Complex complex_function(double _Complex z);
extern long double ld_global;

struct has_long_double {
    int tag;
    long double value;
};

typedef long double real_t;
real_t uses_skipped_typedef(void);
void takes_pointer(real_t *p);
typedef real_t (*real_callback)(real_t);

struct has_long_double *make_has_long_double(void);
int still_fine(int x);

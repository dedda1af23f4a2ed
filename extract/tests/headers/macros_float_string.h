// Object-like macros with floating-point and string values: `float` and `double` constants,
// exponents (kept as exponents), negative values, strings (also concatenated and with
// escapes) as `&CStr`.

#define HALF 0.5
#define FLOAT_HALF 0.5f
#define FLOAT_TENTH 0.1f
#define NEGATIVE_HALF (-0.5)
#define HUGE_FLOAT 3.0e38f
#define LARGE 1e300
#define TINY 1.5e-10
#define DIVIDED (1.0 / 3.0)
#define GREETING "hello"
#define JOINED "hello, " "world"
#define ESCAPES "tab\there\nnewline \"quoted\""
#define EMPTY_STRING ""
#define VERSION_STRING "1.2." "3"

// Object-like macros with integer values, each with the C type clang gives it: suffixes,
// casts, characters, negative values, expressions over other macros, `sizeof`. Function-like
// macros, flag macros (no value) and macros that are not expressions are left out.

#define INT_VALUE 42
#define UNSIGNED_VALUE 42u
#define LONG_VALUE 42L
#define ULL_VALUE 18446744073709551615ULL
#define NEGATIVE (-17)
#define HEX_MASK 0xFFFFFFFF
#define SHIFTED (1 << 4)
#define COMBINED (INT_VALUE + SHIFTED)
#define SHORT_CAST ((short)3)
#define UCHAR_CAST ((unsigned char)255)
#define CHAR_LITERAL 'a'
#define SIZE_OF_INT sizeof(int)
#define BOOL_TRUE ((_Bool)1)
#define SQUARE(x) ((x) * (x))
#define FLAG_ONLY
#define NOT_AN_EXPRESSION int x;
#define KEYWORD_ONLY static

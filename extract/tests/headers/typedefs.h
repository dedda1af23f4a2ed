// Typedefs: of scalars, chains of typedefs, of pointers, of arrays, of a struct with a
// different tag, of a function type (not a pointer: `handler_fn *` is its callback type, and
// `handler_fn default_handler;` declares a function), and a struct that uses them.

typedef int my_int;
typedef my_int another_int;
typedef unsigned long length_t;
typedef char *string;
typedef const char *const_string;
typedef double matrix[4][4];
typedef struct point_s {
    int x, y;
} point_t;
typedef point_t *point_ptr;
typedef int handler_fn(int code);

struct uses_typedefs {
    another_int count;
    length_t length;
    string name;
    matrix m;
    point_t where;
    handler_fn *handler;
};

another_int measure(const_string s, length_t max);
void transform(matrix m);
handler_fn default_handler;
point_ptr locate(point_t *p);

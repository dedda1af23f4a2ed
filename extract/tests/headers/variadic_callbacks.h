// A variadic callback type cannot be a Rust closure: it becomes an untyped pointer, with a
// warning. Anonymous variadic function pointers stay typed (`unsafe extern "C" fn(…, ...)`).

typedef int (*printf_like)(const char *format, ...);
typedef void (*plain_callback)(int);

struct logger {
    printf_like print;
    plain_callback done;
    int (*anonymous_print)(const char *format, ...);
};

void set_printer(printf_like p);

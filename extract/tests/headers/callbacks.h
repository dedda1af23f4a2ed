// Function-pointer types become callback types with a closure constructor (`new`), `invoke`,
// `NULL`; callbacks as parameters, as struct fields, returning pointers, and anonymous ones.

typedef int (*compare_fn)(const void *a, const void *b);
typedef void (*notify_fn)(void *user_data);
typedef double (*unary_fn)(double);
typedef const char *(*name_fn)(int index, void *context);

struct handlers {
    notify_fn on_change;
    compare_fn order;
    void (*anonymous)(int code);
};

void sort_items(void *items, unsigned long count, unsigned long size, compare_fn compare);
void subscribe(notify_fn callback, void *user_data);
double apply(unary_fn f, double x);
unary_fn pick(int which);
void walk(int (*visit)(int depth, const char *name));

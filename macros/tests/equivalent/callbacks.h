/* Callback types: a typedef of a function pointer, a parameter of that type, a struct that
   holds one. */

typedef int (*compare_fn)(const void *a, const void *b);
typedef void (*visit_fn)(void *user, int value);

struct visitor {
    visit_fn visit;
    void *user;
};

void sort(void *base, unsigned long count, unsigned long size, compare_fn compare);
int walk(const int *values, int count, struct visitor *v);

// Structs: scalars and padding, nested named structs by value, arrays of structs, pointers to
// themselves (linked lists), a struct declared inside another (C gives it file scope).

struct point {
    int x;
    int y;
};

struct rect {
    struct point origin;
    struct point size;
};

struct padded {
    char tag;
    double value;
    short small;
};

struct node {
    int value;
    struct node *next;
    struct node *children[4];
};

struct polygon {
    unsigned int count;
    struct point points[8];
    const char *name;
};

struct outer {
    struct inner {
        int a;
        char b;
    } first;
    struct inner second;
};

struct empty_tail {
    long long big;
    char c;
};

double area(const struct rect *r);
struct point midpoint(struct point a, struct point b);

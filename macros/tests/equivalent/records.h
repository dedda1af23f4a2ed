/* Structs and unions: scalars, a nested struct, an array, pointers, a union. */

/** A point. */
struct point {
    /** Across. */
    int x;
    int y;
};

struct segment {
    struct point from;
    struct point to;
    double weights[4];
    struct segment *next;
    const char *label;
};

union bits {
    unsigned int word;
    unsigned char bytes[4];
};

double length(struct segment s);
struct point midpoint(const struct segment *s);

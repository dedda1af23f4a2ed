// Alignment: aligned structs and unions, an aligned field (padding before it), and a struct
// containing an aligned one.

struct __attribute__((aligned(16))) vec4 {
    float x, y, z, w;
};

struct small_aligned {
    char c;
} __attribute__((aligned(8)));

struct aligned_field {
    char tag;
    int value __attribute__((aligned(16)));
    char tail;
};

struct contains_vec {
    char tag;
    struct vec4 v;
};

union __attribute__((aligned(32))) wide {
    int i;
    char c;
};

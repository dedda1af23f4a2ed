// Enums: a named enum, an anonymous enum (plain constants), a typedef'd anonymous enum, a
// typedef whose name differs from the tag, negative values, an unsigned 64-bit enum, and enums
// used as fields and parameters.

enum color {
    RED,
    GREEN = 5,
    BLUE,
};

enum {
    ANON_FIRST = 1,
    ANON_SECOND = 2,
};

typedef enum {
    MODE_READ = 1,
    MODE_WRITE = 2,
    MODE_BOTH = MODE_READ | MODE_WRITE,
} mode;

typedef enum status_tag {
    STATUS_ERROR = -1,
    STATUS_OK = 0,
} status;

enum big {
    BIG_MAX = 0xFFFFFFFFFFFFFFFFULL,
};

enum negative_only {
    NEG_A = -100,
    NEG_B = -200,
};

struct painted {
    enum color color;
    mode mode;
};

status paint(struct painted *p, enum color c);

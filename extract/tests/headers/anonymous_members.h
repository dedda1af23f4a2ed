// C11 anonymous struct and union members: their members are reachable from the parent
// through generated accessors (offsets added up), also two levels deep.

struct event {
    int type;
    union {
        struct {
            int x;
            int y;
        };
        struct {
            unsigned int key;
            unsigned char pressed;
        };
    };
    double time;
};

union value {
    struct {
        unsigned short low;
        unsigned short high;
    };
    unsigned int whole;
};

struct with_bits {
    char tag;
    struct {
        unsigned int a : 4;
        unsigned int b : 4;
    };
    long after;
};

// Packed structs: `__attribute__((packed))`, `#pragma pack(2)`, a packed struct inside a
// normal one, and a packed union.

struct __attribute__((packed)) header {
    unsigned char version;
    unsigned int length;
    unsigned short flags;
};

#pragma pack(push, 2)
struct two_packed {
    char c;
    int i;
    double d;
};
#pragma pack(pop)

struct holder {
    char before;
    struct header h;
    int after;
};

union __attribute__((packed)) packed_union {
    char c;
    int i;
};

unsigned int header_length(const struct header *h);

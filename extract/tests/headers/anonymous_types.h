// Fields whose type has no name: the type is named after its parent and field
// (`config__limits`), also for arrays of them and a type shared by two fields.

struct config {
    struct {
        int soft;
        int hard;
    } limits;
    struct {
        char name[8];
        int weight;
    } items[3];
    union {
        int as_int;
        float as_float;
    } value, backup;
};

typedef struct {
    int red;
    int green;
    int blue;
} color;

typedef union {
    color rgb;
    unsigned int packed;
} pixel;

color mix(color a, color b);

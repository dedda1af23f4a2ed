// Unions: of scalars, of structs, inside structs, with arrays; a tagged-union pattern.

union number {
    int i;
    float f;
    double d;
    unsigned char bytes[8];
};

struct pair {
    short first;
    short second;
};

union word {
    unsigned int whole;
    struct pair halves;
};

enum kind { KIND_INT, KIND_TEXT };

struct tagged {
    enum kind kind;
    union number value;
    union {
        const char *text;
        long code;
    } extra;
};

union number negate_number(union number n);

// Bitfields: accessors that get and set each field, signed ones sign-extended, `_Bool` ones,
// a zero-width field that starts a new unit, unnamed padding bits, fields spanning bytes,
// bitfields between ordinary fields.

struct flags {
    unsigned int readable : 1;
    unsigned int writable : 1;
    unsigned int mode : 3;
    int delta : 4;
    _Bool enabled : 1;
};

struct mixed {
    char tag;
    unsigned short low : 5;
    unsigned short high : 11;
    int value;
    unsigned int : 3;
    unsigned int after_gap : 7;
    unsigned int : 0;
    unsigned int next_unit : 2;
};

struct wide_bits {
    unsigned long long small : 3;
    unsigned long long large : 40;
    long long negative : 21;
};

struct flags toggle(struct flags f);

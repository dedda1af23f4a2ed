// Flexible array members: a zero-length array at the end, aligned as its element.

struct message {
    unsigned int length;
    char data[];
};

struct samples {
    char tag;
    double values[];
};

struct samples *make_samples(unsigned int count);

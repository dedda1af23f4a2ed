// C keeps struct tags apart from other names; Rust does not. A function or global named like a
// type (`struct stat` and `stat()`, `struct timezone` and `timezone`) becomes `stat_`, bound
// to the same symbol. A parameter named like a constant or a callback type gets a `_` too.

struct stat {
    long size;
};

struct timezone {
    int minutes_west;
};

typedef void (*handler)(int);

int stat(const char *path, struct stat *buffer);
extern long timezone;
void install(handler handler, int signal);

// Global variables: scalars, const ones (no setter), arrays, pointers, structs; a `static`
// one (no symbol: left out) and a function-pointer global.

struct settings {
    int level;
    double ratio;
};

extern int counter;
extern const double ratio;
extern char buffer[64];
extern const char *name;
extern struct settings current_settings;
extern void (*on_exit_hook)(int);
static int hidden_counter;

// ffm-extract-flags: --include-function wanted --include-struct chosen --include-typedef picked_t --include-constant KEPT --include-constant KEPT_B --include-var kept_global
// The include options narrow the output to the named declarations and what they need:
// `wanted` pulls in `needed` (a parameter type) and `needed_too` (a field of it).

struct needed_too {
    int a;
};

struct needed {
    struct needed_too inner;
};

struct not_needed {
    int b;
};

struct chosen {
    long c;
};

typedef unsigned int picked_t;
typedef unsigned int dropped_t;

int wanted(struct needed *n);
int unwanted(void);

extern int kept_global;
extern int dropped_global;

#define KEPT 1
#define DROPPED 2

enum dropped_enum { DROPPED_A };
enum kept_enum { KEPT_A, KEPT_B };

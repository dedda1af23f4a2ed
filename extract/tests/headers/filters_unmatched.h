// ffm-extract-flags: --include-function area --include-function close --include-struct shape --include-struct handle --include-union value --include-typedef length --include-var counter --include-constant LIMIT --include-constant INITIALIZER --include-constant FLAG --include-constant MISSING --include-constant BLUE
// An include option that matches nothing is reported, not silently dropped: a name that no
// header declares (`close`, declared by a header these do not include), a struct that is only
// declared (`handle`), and a macro that is not a constant (`INITIALIZER`, `FLAG`).

struct shape {
    double width;
    double height;
};

struct handle;

enum color { RED, BLUE };

#define LIMIT 16
#define INITIALIZER { 0, 0 }
#define FLAG

double area(const struct shape *s);

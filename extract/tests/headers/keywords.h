// C names that are Rust keywords: raw identifiers (`r#type`), or a trailing `_` for the few
// that cannot be raw (`self`, `Self`, `crate`, `super`). Field names that clash with the
// generated accessors (`read`, `write`, `layout`, `allocate`) get `_field` accessors.

struct impl {
    int type;
    int loop;
    char *ref;
    int self;
    int read;
    int layout;
};

enum match {
    move,
    Self,
};

typedef int mod;
typedef struct impl crate;

int type(int fn, int match, int self);
mod trait(struct impl *super);
extern int dyn;
#define async 1

// ffm-extract-flags: --module-name inner --crate-path ::ffm
// `--module-name` wraps the bindings in `pub mod inner { … }`; `--crate-path` names the
// runtime crate.

struct thing {
    int id;
};

int thing_id(const struct thing *t);

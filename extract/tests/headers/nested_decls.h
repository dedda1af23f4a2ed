// Types declared inside other declarations have file scope in C: a struct declared in a
// field and an enum declared in a field are generated as top-level types.

struct container {
    struct nested_point {
        int x;
        int y;
    } where;
    enum nested_state {
        NESTED_IDLE,
        NESTED_BUSY,
    } state;
};

struct nested_point shift(struct nested_point p);

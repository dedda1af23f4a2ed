/* Found through `-I`: its declarations are generated only where the main header needs them. */
struct dependency {
    int level;
};
struct unused_dependency {
    int nothing;
};
#define DEPENDENCY_MACRO 7

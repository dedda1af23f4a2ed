// A declaration without a prototype (K&R style) cannot be bound: it is skipped with a warning.
// `f(void)` is a prototype with no parameters and is bound.

int old_style();
int no_parameters(void);

// ffm-extract-flags: --library m --library-handle LIBM
// Functions looked up in a library (`-l m`) under a handle of a chosen name; the test calls
// them through the generated bindings.

double cos(double x);
double sqrt(double x);
double pow(double base, double exponent);
float fabsf(float x);

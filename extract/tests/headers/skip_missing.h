// ffm-extract-flags: -l m --skip-missing
// With `--library`, symbols the library lacks are reported; `--skip-missing` leaves them out.

double floor(double x);
double ffm_no_such_function_in_libm(double x);

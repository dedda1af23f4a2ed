// ffm-extract-flags: --include-function cos --include-function frexp --include-constant M_PI --library m
// Named declarations are found in the headers a header includes too: `cos` and `frexp` are
// declared by `bits/mathcalls.h`, which `math.h` includes.
#include <math.h>

// ffm-extract-flags: -D WITH_EXTRA=1 --define-macro LEVEL=3 -I tests/headers/include --clang-arg -DFROM_CLANG_ARG
// `-D`, `-I` and `--clang-arg` reach clang: conditional declarations, macros defined on the
// command line, a header found through the search path.
#include "dependency.h"

#if WITH_EXTRA
int extra(struct dependency *d);
#endif

#ifdef FROM_CLANG_ARG
int from_clang_arg(void);
#endif

#ifdef NOT_DEFINED
int never(void);
#endif

#define CURRENT_LEVEL LEVEL

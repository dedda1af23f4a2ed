// Array parameters whose length is another parameter (C99 variable-length arrays, as glibc's
// regex.h declares `regexec`'s `regmatch_t pmatch[restrict nmatch]`) decay to pointers like any
// array parameter. A pointer to a variable-length row is still a pointer.

typedef struct {
    int start;
    int end;
} match;

int execute(const char *text, unsigned long count, match matches[restrict count], int flags);
double sum(int n, const double values[n]);
void fill(int rows, int columns, double grid[rows][columns]);

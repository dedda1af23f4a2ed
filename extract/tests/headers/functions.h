// Plain functions: scalars, pointers (const and not), no parameters, unnamed parameters,
// arrays as parameters (they decay to pointers), `void` returns.

int add(int a, int b);
double scale(double value, float factor);
void reset(void);
unsigned long count_bytes(const char *text);
char *duplicate(const char *text, unsigned long length);
void fill(int values[16], int n);
long sum(const long values[], int n);
int unnamed(int, char *);
_Bool is_even(long long n);
unsigned char low_byte(unsigned short value);
signed char negate(signed char value);
void *allocate(unsigned long size);
void release(void *pointer);
const void **pointers(int ***triple);

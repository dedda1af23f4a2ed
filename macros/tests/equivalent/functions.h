/* Functions from the default lookup: scalars, pointers, a variadic one, no parameters. */

/** Adds two numbers. */
int add(int a, int b);
double scale(double value, float factor);
void reset(void);
unsigned long count_bytes(const char *text);
char *duplicate(const char *text, unsigned long length);
int print(const char *format, ...);

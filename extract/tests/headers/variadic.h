// Variadic functions, and the `va_list` forms that take the arguments as one value.
#include <stdarg.h>

int format(char *buffer, unsigned long size, const char *fmt, ...);
void log_message(int level, ...);
int vformat(char *buffer, unsigned long size, const char *fmt, va_list args);

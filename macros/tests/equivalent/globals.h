/* Globals and opaque types: a mutable and a const global, an incomplete struct used through
   pointers. */

struct handle;

extern int counter;
extern const double scale_factor;

struct handle *open_handle(const char *name);
void close_handle(struct handle *h);

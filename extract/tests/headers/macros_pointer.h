// Pointer-valued macros become addresses: a null pointer, sentinel function pointers
// (`((destructor)-1)`, as sqlite3's SQLITE_TRANSIENT), an integer cast to a pointer.

typedef void (*destructor)(void *);

#define NULL_POINTER ((void *)0)
#define STATIC_DESTRUCTOR ((destructor)0)
#define TRANSIENT_DESTRUCTOR ((destructor)-1)
#define MAGIC_ADDRESS ((char *)0x1000)

void bind_text(const char *text, destructor d);

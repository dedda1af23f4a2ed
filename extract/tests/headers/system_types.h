// Types from system headers: `size_t`, `ssize_t`, the `<stdint.h>` types and `uintptr_t` map
// to Rust's fixed types; `bool` from `<stdbool.h>`; `FILE` with glibc's definition of
// `struct _IO_FILE`.
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct buffer {
    uint8_t *data;
    size_t length;
    int64_t offset;
    uint16_t flags;
    bool owned;
    uintptr_t cookie;
};

size_t buffer_write(struct buffer *b, const void *data, size_t length);
ssize_t buffer_read(struct buffer *b, void *out, size_t length);
int32_t buffer_checksum(const struct buffer *b, uint32_t seed, int8_t a, uint64_t c);
void buffer_dump(const struct buffer *b, FILE *stream);

/**
 * Documentation comments carry over as rustdoc. C code in them, indented or fenced, becomes
 * a ```c block, so rustdoc never runs it as a doctest.
 */

/**
 * Computes a checksum.
 *
 * Example:
 *
 *     unsigned int c = checksum(data, 16);
 *     if (c != 0) { return c; }
 *
 * Returns zero for an empty buffer.
 */
unsigned int checksum(const unsigned char *data, unsigned long length);

/// A documented struct.
///
/// ```
/// struct entry e = { 1, 2 };
/// ```
struct entry {
    /// The key.
    int key;
    int value; /**< The value, documented after it. */
};

/*! Qt-style comment on an enum. */
enum level {
    LEVEL_LOW,  ///< The lowest level.
    LEVEL_HIGH, ///< The highest level.
};

/** The maximum, documented. */
#define MAX_ENTRIES 64

/** A documented global. */
extern int verbosity;

/* A plain comment, also carried over. */
typedef int documented_int;

/**
 * Prose that rustdoc would misread, as expat's, gcrypt's and freetype's comments have it:
 * sets map[b] for each byte b, writes a <n>.<suffix> file, and is described at
 * https://example.org/docs/table.html. A `code[span] <here>` stays as it is.
 */
int fill_table(int *map);

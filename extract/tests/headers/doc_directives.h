// Comments that instruct tools are not documentation: OpenSSL's opensslv.h wraps each version
// macro in `/* clang-format off */` … `/* clang-format on */`, and a declaration may follow a
// `// NOLINT` line. Only real comments become docs.

/* clang-format off */
# define VERSION_MAJOR 3
/* clang-format on */

/* clang-format off */
/* The version as a string. */
# define VERSION_STR "3.0"
/* clang-format on */

// NOLINTNEXTLINE(readability-identifier-naming)
struct point {
    int x; // NOLINT
    int y; /**< The ordinate. */
};

/* IWYU pragma: export */
int version_major(void);

/* Constants and type aliases: integer, negative, float and string macros, typedefs. */

#define VERSION 3
#define LIMIT -40
#define RATIO 2.5
#define NAME "ffm"

typedef unsigned int flags_t;
typedef long long offset_t;

flags_t set_flags(flags_t old, offset_t at);

// Incomplete types become opaque handles, used behind pointers: a struct never defined,
// typedef'd handles, a union never defined.

struct database;
typedef struct database database;
typedef struct statement_impl *statement;
union never_defined;

database *db_open(const char *path);
int db_close(database *db);
statement db_prepare(database *db, const char *sql);
void db_finalize(statement s);
void use_union(union never_defined *u);

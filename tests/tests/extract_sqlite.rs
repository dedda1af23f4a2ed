//! SQLite through the bindings ffm-extract generates from `/usr/include/sqlite3.h` at build
//! time (`extract_build.rs`: the functions and constants used here, with what they need,
//! looked up in `libsqlite3`): an in-memory database, a table filled through prepared
//! statements with bound parameters, read back with `sqlite3_step` and `sqlite3_column_*`,
//! and `sqlite3_exec` calling a Rust closure made into the generated `sqlite3_callback` type.
//!
//! Built only when `extract_build.rs` could generate the bindings (cfg `ffm_extract_sqlite3`).
#![cfg(ffm_extract_sqlite3)]

use std::ffi::{CStr, c_char, c_int, c_void};
use std::sync::{Arc, Mutex};

use ffm::prelude::*;

#[allow(dead_code)]
mod sqlite {
    include!(concat!(env!("OUT_DIR"), "/extract_sqlite3.rs"));
}

use sqlite::{SQLITE_DONE, SQLITE_OK, SQLITE_ROW, sqlite3, sqlite3_stmt};

/// An open in-memory database, closed on drop.
struct Db(*mut sqlite3);

impl Db {
    fn open() -> Db {
        let mut db: *mut sqlite3 = std::ptr::null_mut();
        // Where SQLite stores the handle. (Bound first: a raw pointer is `Addressable` itself,
        // and clippy would take `&raw mut db` for a needless borrow of one.)
        let out: *mut *mut sqlite3 = &raw mut db;
        // SAFETY: a C string and a pointer to where SQLite stores the handle.
        let status = unsafe { sqlite::sqlite3_open(c":memory:", out) };
        assert_eq!(status, SQLITE_OK);
        assert!(!db.is_null());
        Db(db)
    }

    fn error(&self) -> String {
        // SAFETY: the handle is open; the message is a C string SQLite owns.
        let message = unsafe { CStr::from_ptr(sqlite::sqlite3_errmsg(self.0)) };
        message.to_string_lossy().into_owned()
    }

    /// Prepares one statement.
    fn prepare(&self, sql: &CStr) -> *mut sqlite3_stmt {
        let mut stmt: *mut sqlite3_stmt = std::ptr::null_mut();
        let out: *mut *mut sqlite3_stmt = &raw mut stmt;
        // SAFETY: the handle is open, `sql` is terminated (-1: read to the terminator), and
        // `stmt` receives the statement; no tail is asked for.
        let status = unsafe { sqlite::sqlite3_prepare_v2(self.0, sql, -1, out, Address::NULL) };
        assert_eq!(status, SQLITE_OK, "{}", self.error());
        stmt
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // SAFETY: opened by `open`, closed once, every statement finalized.
        let status = unsafe { sqlite::sqlite3_close(self.0) };
        assert_eq!(status, SQLITE_OK);
    }
}

#[test]
fn the_library_is_the_header_version() {
    sqlite::LIBRARY_SQLITE3.check().unwrap();
    // SAFETY: a static C string.
    let version = unsafe { CStr::from_ptr(sqlite::sqlite3_libversion()) };
    let header = sqlite::SQLITE_VERSION.to_str().unwrap();
    assert_eq!(
        version.to_str().unwrap().split('.').next(),
        header.split('.').next()
    );
}

#[test]
fn create_insert_and_select_through_prepared_statements() {
    let db = Db::open();
    let create =
        db.prepare(c"CREATE TABLE animals (id INTEGER PRIMARY KEY, name TEXT, legs INTEGER)");
    // SAFETY: a prepared statement of this database, stepped then finalized.
    let (step, finalize) = unsafe {
        (
            sqlite::sqlite3_step(create),
            sqlite::sqlite3_finalize(create),
        )
    };
    assert_eq!((step, finalize), (SQLITE_DONE, SQLITE_OK));

    // SQLITE_TRANSIENT, `((sqlite3_destructor_type)-1)`: SQLite copies the text at once.
    // SAFETY: -1 is not a function, but SQLite never calls this sentinel: it compares it.
    let transient =
        unsafe { sqlite::sqlite3_destructor_type::from_address(sqlite::SQLITE_TRANSIENT) };
    assert_eq!(transient.address().addr(), usize::MAX);
    let insert = db.prepare(c"INSERT INTO animals (name, legs) VALUES (?1, ?2)");
    let arena = Arena::new();
    for (name, legs) in [("spider", 8), ("bird", 2), ("cat", 4), ("snake", 0)] {
        let text = arena.allocate_str(name).unwrap();
        // SAFETY: parameters 1 and 2 of the statement; the text is terminated (-1) and copied.
        let (a, b, step, reset) = unsafe {
            (
                sqlite::sqlite3_bind_text(insert, 1, &*text, -1, transient.0),
                sqlite::sqlite3_bind_int(insert, 2, legs),
                sqlite::sqlite3_step(insert),
                sqlite::sqlite3_reset(insert),
            )
        };
        assert_eq!(
            (a, b, step, reset),
            (SQLITE_OK, SQLITE_OK, SQLITE_DONE, SQLITE_OK)
        );
    }
    // SAFETY: finalized once.
    let status = unsafe { sqlite::sqlite3_finalize(insert) };
    assert_eq!(status, SQLITE_OK);

    let select = db.prepare(c"SELECT name, legs FROM animals WHERE legs > 0 ORDER BY legs");
    // SAFETY: a prepared statement.
    let columns = unsafe { sqlite::sqlite3_column_count(select) };
    assert_eq!(columns, 2);
    // SAFETY: column 1's name, a C string the statement owns.
    let name = unsafe { CStr::from_ptr(sqlite::sqlite3_column_name(select, 1)) };
    assert_eq!(name, c"legs");
    let mut rows = Vec::new();
    loop {
        // SAFETY: stepping a live statement.
        let status = unsafe { sqlite::sqlite3_step(select) };
        if status == SQLITE_DONE {
            break;
        }
        assert_eq!(status, SQLITE_ROW, "{}", db.error());
        // SAFETY: a row is current: column 0 is text (a C string valid until the next step),
        // column 1 an integer.
        let (text, legs) = unsafe {
            (
                CStr::from_ptr(sqlite::sqlite3_column_text(select, 0).cast::<c_char>()),
                sqlite::sqlite3_column_int(select, 1),
            )
        };
        rows.push((text.to_str().unwrap().to_owned(), legs));
    }
    // SAFETY: finalized once.
    let status = unsafe { sqlite::sqlite3_finalize(select) };
    assert_eq!(status, SQLITE_OK);
    assert_eq!(
        rows,
        [
            ("bird".to_owned(), 2),
            ("cat".to_owned(), 4),
            ("spider".to_owned(), 8)
        ]
    );
}

/// A row as `sqlite3_exec` passes it: (column name, value) pairs.
type Row = Vec<(String, String)>;

#[test]
fn exec_calls_a_rust_closure_for_each_row() {
    let db = Db::open();
    let arena = Arena::new();
    let rows: Arc<Mutex<Vec<Row>>> = Arc::default();
    let seen = Arc::clone(&rows);
    let callback = sqlite::sqlite3_callback::new(
        &arena,
        move |_data: *mut c_void,
              argc: c_int,
              values: *mut *mut c_char,
              names: *mut *mut c_char| {
            let mut row = Vec::new();
            for i in 0..argc as usize {
                // SAFETY: SQLite passes `argc` column names and values (C strings, or null for
                // NULL values), valid during the call.
                let (name, value) = unsafe {
                    let value = *values.add(i);
                    (
                        CStr::from_ptr(*names.add(i)).to_string_lossy().into_owned(),
                        if value.is_null() {
                            "NULL".to_owned()
                        } else {
                            CStr::from_ptr(value).to_string_lossy().into_owned()
                        },
                    )
                };
                row.push((name, value));
            }
            seen.lock().unwrap().push(row);
            0
        },
    )
    .unwrap();

    let sql = c"CREATE TABLE t (k INTEGER, v TEXT);
        INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, NULL);
        SELECT k, v FROM t ORDER BY k;";
    let mut error: *mut c_char = std::ptr::null_mut();
    let error_out: *mut *mut c_char = &raw mut error;
    // SAFETY: the handle is open, the SQL terminated, the callback lives in `arena` (open for
    // the call) and takes SQLite's arguments; `error` receives a message SQLite allocates.
    let status = unsafe { sqlite::sqlite3_exec(db.0, sql, callback.0, Address::NULL, error_out) };
    assert_eq!(status, SQLITE_OK);
    assert!(error.is_null());
    let rows = rows.lock().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        rows[0],
        [
            ("k".to_owned(), "1".to_owned()),
            ("v".to_owned(), "one".to_owned())
        ]
    );
    assert_eq!(rows[2][1], ("v".to_owned(), "NULL".to_owned()));

    // A callback that asks to stop: exec reports SQLITE_ABORT (4) and an error message.
    let stop = sqlite::sqlite3_callback::new(&arena, |_, _, _, _| 1).unwrap();
    // SAFETY: as above.
    let status =
        unsafe { sqlite::sqlite3_exec(db.0, c"SELECT 1", stop.0, Address::NULL, error_out) };
    assert_eq!(status, 4);
    assert!(!error.is_null());
    // SAFETY: a message SQLite allocated, freed once with sqlite3_free.
    let message = unsafe { CStr::from_ptr(error) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: as above.
    unsafe { sqlite::sqlite3_free(error) };
    assert!(message.contains("abort"), "{message}");

    // Invalid SQL: an error code and a message naming the problem.
    // SAFETY: as above, with no callback.
    let status = unsafe { sqlite::sqlite3_exec(db.0, c"SELEKT 1", None, Address::NULL, error_out) };
    assert_eq!(status, sqlite::SQLITE_ERROR);
    // SAFETY: as above.
    let message = unsafe { CStr::from_ptr(error) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: as above.
    unsafe { sqlite::sqlite3_free(error) };
    assert!(message.contains("SELEKT"), "{message}");
}

//! The extractor's options, from one table: the [`Options`] struct, the `ffm-extract` command
//! line (feature `cli`), the [`Builder`](crate::Builder) methods and [`Options::to_args`] all
//! come from the `options!` invocation below, so they cannot drift apart.

use std::path::PathBuf;

/// Defines the options table. Each row: doc, field, kind (`list`, `flag`, `value`), the long
/// flag, an optional short flag, and the value's name in help text.
macro_rules! options {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident: $kind:ident, long = $long:literal $(, short = $short:literal)?, value = $value:literal;
    )*) => {
        /// Everything the extractor can be told. Build it with the [`Builder`](crate::Builder)
        /// or from the command line.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct Options {
            /// The headers to extract, in order.
            pub headers: Vec<PathBuf>,
            $(
                $(#[doc = $doc])*
                pub $field: options!(@type $kind),
            )*
        }

        impl Options {
            /// The command-line arguments that give these options (the headers last).
            pub fn to_args(&self) -> Vec<String> {
                let mut args = Vec::new();
                $( options!(@to_args $kind, self.$field, $long, args); )*
                args.extend(self.headers.iter().map(|h| h.display().to_string()));
                args
            }

            /// The clap command for these options.
            #[cfg(feature = "cli")]
            pub fn command() -> clap::Command {
                clap::Command::new("ffm-extract")
                    .version(env!("CARGO_PKG_VERSION"))
                    .about("Generates Rust bindings (using the ffm runtime) from C headers, through libclang.")
                    .arg(
                        clap::Arg::new("headers")
                            .value_name("HEADER")
                            .num_args(1..)
                            .required(true)
                            .value_parser(clap::value_parser!(PathBuf))
                            .help("The C headers to extract"),
                    )
                    $(
                        .arg(options!(@arg $kind, $long, $value, [$($doc),*] $(, $short)?))
                    )*
            }

            /// Options from parsed command-line matches.
            #[cfg(feature = "cli")]
            pub fn from_matches(m: &clap::ArgMatches) -> Options {
                Options {
                    headers: m
                        .get_many::<PathBuf>("headers")
                        .map(|v| v.cloned().collect())
                        .unwrap_or_default(),
                    $( $field: options!(@from $kind, m, $long), )*
                }
            }
        }

        /// Builder methods, one per option.
        impl crate::Builder {
            $(
                options!(@builder $kind, $field, [$($doc),*]);
            )*
        }
    };

    (@type list) => { Vec<String> };
    (@type flag) => { bool };
    (@type path) => { Option<PathBuf> };
    (@type value) => { Option<String> };

    // Values go in the `--name=value` form, so that one starting with `-` stays a value.
    (@to_args list, $v:expr, $long:literal, $args:ident) => {
        for x in &$v {
            $args.push(format!(concat!("--", $long, "={}"), x));
        }
    };
    (@to_args flag, $v:expr, $long:literal, $args:ident) => {
        if $v {
            $args.push(concat!("--", $long).to_string());
        }
    };
    (@to_args path, $v:expr, $long:literal, $args:ident) => {
        if let Some(x) = &$v {
            $args.push(format!(concat!("--", $long, "={}"), x.display()));
        }
    };
    (@to_args value, $v:expr, $long:literal, $args:ident) => {
        if let Some(x) = &$v {
            $args.push(format!(concat!("--", $long, "={}"), x));
        }
    };

    (@arg $kind:ident, $long:literal, $value:literal, [$($doc:literal),*] $(, $short:literal)?) => {{
        let arg = clap::Arg::new($long).long($long).help(concat!($($doc),*).trim());
        $( let arg = arg.short($short); )?
        options!(@arg_kind $kind, arg, $value)
    }};
    // A list value may start with `-` (`--clang-arg -DX`).
    (@arg_kind list, $arg:ident, $value:literal) => {
        $arg.value_name($value)
            .action(clap::ArgAction::Append)
            .allow_hyphen_values(true)
    };
    (@arg_kind flag, $arg:ident, $value:literal) => {
        $arg.action(clap::ArgAction::SetTrue)
    };
    (@arg_kind path, $arg:ident, $value:literal) => {
        $arg.value_name($value).value_parser(clap::value_parser!(PathBuf))
    };
    (@arg_kind value, $arg:ident, $value:literal) => {
        $arg.value_name($value)
    };

    (@from list, $m:ident, $long:literal) => {
        $m.get_many::<String>($long).map(|v| v.cloned().collect()).unwrap_or_default()
    };
    (@from flag, $m:ident, $long:literal) => { $m.get_flag($long) };
    (@from path, $m:ident, $long:literal) => { $m.get_one::<PathBuf>($long).cloned() };
    (@from value, $m:ident, $long:literal) => { $m.get_one::<String>($long).cloned() };

    (@builder list, $field:ident, [$($doc:literal),*]) => {
        $(#[doc = $doc])*
        ///
        /// May be given several times.
        pub fn $field(mut self, value: impl Into<String>) -> Self {
            self.options.$field.push(value.into());
            self
        }
    };
    (@builder flag, $field:ident, [$($doc:literal),*]) => {
        $(#[doc = $doc])*
        pub fn $field(mut self, on: bool) -> Self {
            self.options.$field = on;
            self
        }
    };
    (@builder path, $field:ident, [$($doc:literal),*]) => {
        $(#[doc = $doc])*
        pub fn $field(mut self, path: impl Into<PathBuf>) -> Self {
            self.options.$field = Some(path.into());
            self
        }
    };
    (@builder value, $field:ident, [$($doc:literal),*]) => {
        $(#[doc = $doc])*
        pub fn $field(mut self, value: impl Into<String>) -> Self {
            self.options.$field = Some(value.into());
            self
        }
    };
}

options! {
    /// Adds a directory to the header search path (`-I`).
    include_dir: list, long = "include-dir", short = 'I', value = "DIR";
    /// Defines a preprocessor macro: `NAME` or `NAME=VALUE` (`-D`).
    define: list, long = "define-macro", short = 'D', value = "MACRO";
    /// Passes an argument to clang as is.
    clang_arg: list, long = "clang-arg", value = "ARG";
    /// A library the functions are looked up in at run time: a short name (`z`), a file name
    /// or a path. Without one, the default lookup (libc, libm, the process) is used.
    library: list, long = "library", short = 'l', value = "LIB";
    /// Links the library at build time instead of looking it up at run time.
    link: value, long = "link", value = "LIB";
    /// With `--library`: leave out functions whose symbol is not in the libraries (they are
    /// reported either way).
    skip_missing: flag, long = "skip-missing", value = "";
    /// Writes the bindings to this file (default: standard output).
    output: path, long = "output", short = 'o', value = "FILE";
    /// Wraps the bindings in `pub mod NAME { … }`.
    module_name: value, long = "module-name", value = "NAME";
    /// The name of the generated `static` that holds the libraries.
    library_handle: value, long = "library-handle", value = "NAME";
    /// The path of the ffm runtime crate in generated code (default `::ffm`).
    crate_path: value, long = "crate-path", value = "PATH";
    /// Generates only these functions (and what they need). With any include option, the named
    /// declarations are looked for in the headers the named headers include, too.
    include_function: list, long = "include-function", value = "NAME";
    /// Generates only these structs (and what they need).
    include_struct: list, long = "include-struct", value = "NAME";
    /// Generates only these unions (and what they need).
    include_union: list, long = "include-union", value = "NAME";
    /// Generates only these typedefs (and what they need).
    include_typedef: list, long = "include-typedef", value = "NAME";
    /// Generates only these global variables (and what they need).
    include_var: list, long = "include-var", value = "NAME";
    /// Generates only these constants (macros and enum constants).
    include_constant: list, long = "include-constant", value = "NAME";
    /// Writes every declaration that could be included, as include options, to FILE.
    dump_includes: path, long = "dump-includes", value = "FILE";
    /// Writes the IR as JSON instead of Rust.
    dump_ir: flag, long = "dump-ir", value = "";
}

impl Options {
    /// The clang arguments: language, the search path and macros, then the raw arguments.
    ///
    /// `-fno-builtin`: clang gives its library builtins (`strlen`, `snprintf`, `memcpy` …) the
    /// builtin's type, without the header's typedefs (`size_t` would become `unsigned long`).
    /// `-fparse-all-comments`: plain comments document declarations too.
    pub fn clang_args(&self) -> Vec<String> {
        let mut args = vec![
            "-x".to_string(),
            "c".to_string(),
            "-fno-builtin".to_string(),
            "-fparse-all-comments".to_string(),
        ];
        for d in &self.include_dir {
            args.push(format!("-I{d}"));
        }
        for d in &self.define {
            args.push(format!("-D{d}"));
        }
        args.extend(self.clang_arg.iter().cloned());
        args
    }
}

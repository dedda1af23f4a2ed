//! Compiles every expectation (`expectations/NAME.rs`) in a module of its own, so that the
//! layout assertions of the generated code run (`const _: () = assert!(…)`, evaluated at
//! compile time) and `cargo clippy --all-targets` lints it; then calls a few of the bound
//! functions. `expectations.rs` checks that the expectations are what the extractor produces.

use std::path::Path;

/// Compiles each expectation in a module named after its header.
macro_rules! expectations {
    ($($name:ident),* $(,)?) => {
        $(
            #[allow(dead_code)]
            mod $name {
                include!(concat!("expectations/", stringify!($name), ".rs"));
            }
        )*

        /// The headers that have a compiled module.
        const COMPILED: &[&str] = &[$(stringify!($name)),*];
    };
}

expectations! {
    aligned,
    anonymous_members,
    anonymous_types,
    arrays,
    asm_labels,
    bitfields,
    callbacks,
    defines_and_includes,
    doc_directives,
    docs,
    enums,
    field_case,
    filters,
    filters_included,
    filters_unmatched,
    flexible_arrays,
    functions,
    globals,
    keywords,
    knr,
    libm,
    macros_float_string,
    macros_int,
    macros_pointer,
    module_name,
    name_clashes,
    nested_decls,
    opaque,
    packed,
    skip_missing,
    static_inline,
    structs,
    system_types,
    typedef_lists,
    typedefs,
    unions,
    unsupported,
    variadic,
    variadic_callbacks,
    vla_params,
}

#[test]
fn every_header_has_a_compiled_module() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/headers");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "h"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names, COMPILED,
        "tests/headers and the expectations! list in tests/expectations_compiled.rs must agree"
    );
    assert!(names.len() >= 25, "{} headers", names.len());
}

/// Functions bound from a library through the generated wrappers (`-l m`, a chosen handle).
#[test]
fn libm_functions_are_called_through_the_bindings() {
    libm::LIBM.check().unwrap();
    // SAFETY: libm's functions take and return plain numbers.
    let (c, s, p, a) = unsafe {
        (
            libm::cos(0.0),
            libm::sqrt(16.0),
            libm::pow(2.0, 10.0),
            libm::fabsf(-1.5),
        )
    };
    assert_eq!((c, s, p, a), (1.0, 4.0, 1024.0, 1.5));
    assert!(!libm::cos::address().unwrap().is_null());
    // Found through math.h's own includes (`--include-function`).
    // SAFETY: as above.
    let cos = unsafe { filters_included::cos(0.0) };
    let mut exponent = 0;
    // SAFETY: as above; `frexp` writes the exponent.
    let mantissa = unsafe { filters_included::frexp(8.0, &raw mut exponent) };
    assert_eq!((cos, mantissa, exponent), (1.0, 0.5, 4));
    assert_eq!(filters_included::M_PI, std::f64::consts::PI);
    // SAFETY: as above.
    let f = unsafe { skip_missing::floor(2.5) };
    assert_eq!(f, 2.0);
    skip_missing::LIBRARY_M.check().unwrap();
}

#[test]
fn bitfield_accessors_get_and_set_each_field() {
    let arena = ffm::Arena::new();
    let mut f = bitfields::flags::read(bitfields::flags::allocate(&arena).unwrap()).unwrap();
    f.set_readable(1);
    f.set_mode(5);
    f.set_delta(-3);
    f.set_enabled(true);
    assert_eq!(
        (f.readable(), f.writable(), f.mode(), f.delta(), f.enabled()),
        (1, 0, 5, -3, true)
    );
    // Higher bits are dropped; signed fields are sign-extended.
    f.set_mode(0b1111);
    f.set_delta(7);
    assert_eq!((f.mode(), f.delta(), f.readable()), (0b111, 7, 1));
    f.set_delta(8);
    assert_eq!(f.delta(), -8);

    let mut w =
        bitfields::wide_bits::read(bitfields::wide_bits::allocate(&arena).unwrap()).unwrap();
    w.set_large((1 << 40) - 1);
    w.set_negative(-(1 << 20));
    w.set_small(6);
    assert_eq!(
        (w.small(), w.large(), w.negative()),
        (6, (1 << 40) - 1, -(1 << 20))
    );
}

#[test]
fn anonymous_members_are_reachable_from_the_parent() {
    use anonymous_members::event;
    let arena = ffm::Arena::new();
    let segment = event::allocate(&arena).unwrap();
    event::set_type(segment, 1);
    event::set_x(segment, 10);
    event::set_y(segment, 20);
    event::set_time(segment, 2.5);
    // The members overlap as C's union does: `key` is `x`'s storage.
    assert_eq!(event::key(segment), 10);
    let whole = event::read(segment).unwrap();
    assert_eq!((whole.r#type, whole.time), (1, 2.5));
    // SAFETY: `x` and `y` are the members just written.
    let (x, y) = unsafe { (whole.__anon1.__anon1.x, whole.__anon1.__anon1.y) };
    assert_eq!((x, y), (10, 20));
    assert_eq!(std::mem::offset_of!(event, __anon1), 4);

    use anonymous_members::value;
    let arena = ffm::Arena::new();
    let v = value::allocate(&arena).unwrap();
    value::set_whole(v, 0x0002_0001);
    assert_eq!((value::low(v), value::high(v)), (1, 2));
}

#[test]
fn layouts_match_c() {
    use std::mem::{align_of, offset_of, size_of};
    assert_eq!(size_of::<packed::header>(), 7);
    assert_eq!(size_of::<packed::two_packed>(), 14);
    assert_eq!(align_of::<aligned::vec4>(), 16);
    assert_eq!(offset_of!(aligned::aligned_field, value), 16);
    assert_eq!(align_of::<aligned::wide>(), 32);
    assert_eq!(size_of::<flexible_arrays::message>(), 4);
    assert_eq!(offset_of!(flexible_arrays::samples, values), 8);
    assert_eq!(size_of::<unsupported::has_long_double>(), 32);
    assert_eq!(align_of::<unsupported::has_long_double>(), 16);
    assert_eq!(size_of::<anonymous_types::config>(), 8 + 3 * 12 + 8);
    assert_eq!(structs::node::LAYOUT.byte_size(), 48);
}

#[test]
fn enums_constants_and_names() {
    assert_eq!(enums::color::BLUE.0, 6);
    assert_eq!(format!("{:?}", enums::color::GREEN), "GREEN");
    assert_eq!(format!("{:?}", enums::color(42)), "color(42)");
    assert_eq!(enums::status_tag::STATUS_ERROR.0, -1);
    assert_eq!(enums::mode::MODE_BOTH.0, 3);
    assert_eq!(enums::ANON_SECOND, 2);
    assert_eq!(macros_int::COMBINED, 58);
    assert_eq!(
        macros_float_string::ESCAPES,
        c"tab\there\nnewline \"quoted\""
    );
    assert_eq!(macros_float_string::JOINED, c"hello, world");
    assert_eq!(
        macros_pointer::TRANSIENT_DESTRUCTOR.addr(),
        usize::MAX,
        "((destructor)-1)"
    );
    assert!(macros_pointer::NULL_POINTER.is_null());
    assert_eq!(keywords::r#async, 1);
    assert_eq!(keywords::r#match::Self_.0, 1);
}

#[test]
fn a_callback_type_wraps_a_rust_closure() {
    let arena = ffm::Arena::new();
    let twice = callbacks::unary_fn::new(&arena, |x: f64| x * 2.0).unwrap();
    // SAFETY: the stub lives in `arena`, which is open.
    let y = unsafe { twice.invoke(21.0) };
    assert_eq!(y, 42.0);
    assert!(!twice.address().is_null());
    assert!(callbacks::unary_fn::NULL.address().is_null());
    // A struct field of a callback type.
    let h = callbacks::handlers::allocate(&arena).unwrap();
    callbacks::handlers::set_order(h, callbacks::compare_fn::NULL);
    assert!(callbacks::handlers::order(h).address().is_null());
}

/// `int absolute_value(int) __asm__("abs")` binds libc's `abs`.
#[test]
fn an_asm_label_names_the_symbol() {
    // SAFETY: `abs` takes and returns an int.
    let a = unsafe { asm_labels::absolute_value(-5) };
    assert_eq!(a, 5);
}

#[ffm::foreign]
mod bindings {
    /// A point.
    #[repr(C)]
    pub struct point {
        /// Across.
        pub x: c_int,
        pub y: c_int,
    }

    #[repr(C)]
    pub struct segment {
        pub from: point,
        pub to: point,
        pub weights: [f64; 4],
        pub next: *mut segment,
        pub label: *const c_char,
    }

    #[repr(C)]
    pub union bits {
        pub word: c_uint,
        pub bytes: [c_uchar; 4],
    }

    unsafe extern "C" {
        pub fn length(s: segment) -> f64;
        pub fn midpoint(s: *const segment) -> point;
    }
}

//! The interner that gives run-time layouts and names a `'static` home.
//!
//! Layouts hold `&'static` references so that they can be `Copy` and built in `const`s. A layout
//! built at run time is stored here once per distinct value (equal layouts share one copy), and
//! lives until the process exits: memory grows with the number of distinct layouts, never with
//! the number of times one is built.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex, PoisonError};

use super::MemoryLayout;

#[derive(Default)]
struct Interner {
    strs: HashSet<&'static str>,
    layouts: HashSet<&'static MemoryLayout>,
    slices: HashSet<&'static [MemoryLayout]>,
}

static INTERNER: LazyLock<Mutex<Interner>> = LazyLock::new(Default::default);

fn with<R>(f: impl FnOnce(&mut Interner) -> R) -> R {
    // The interner's sets are valid after any panic (an insert either happened or not).
    let mut guard = INTERNER.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard)
}

/// Returns a `'static` copy of `s`, shared with every earlier call for an equal string.
pub fn intern_str(s: &str) -> &'static str {
    with(|i| match i.strs.get(s) {
        Some(&found) => found,
        None => {
            let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
            i.strs.insert(leaked);
            leaked
        }
    })
}

/// Returns a `'static` copy of `layout`, shared with every earlier call for an equal layout.
pub fn intern_layout(layout: MemoryLayout) -> &'static MemoryLayout {
    with(|i| match i.layouts.get(&layout) {
        Some(&found) => found,
        None => {
            let leaked: &'static MemoryLayout = Box::leak(Box::new(layout));
            i.layouts.insert(leaked);
            leaked
        }
    })
}

/// Returns a `'static` copy of `layouts`, shared with every earlier call for an equal slice.
pub fn intern_layouts(layouts: &[MemoryLayout]) -> &'static [MemoryLayout] {
    if layouts.is_empty() {
        return &[];
    }
    with(|i| match i.slices.get(layouts) {
        Some(&found) => found,
        None => {
            let leaked: &'static [MemoryLayout] = Box::leak(layouts.to_vec().into_boxed_slice());
            i.slices.insert(leaked);
            leaked
        }
    })
}

//! The loom shim: every atomic, lock and cell that takes part in a
//! concurrent protocol of this crate is imported from here, so that
//! `RUSTFLAGS="--cfg rt_loom"` swaps the whole crate onto loom's
//! model-checked types.

#[cfg(not(rt_loom))]
mod imp {
    pub(crate) mod sync {
        pub(crate) use std::sync::{Mutex, MutexGuard};
        pub(crate) mod atomic {
            pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
        }
    }
    pub(crate) mod cell {
        /// `UnsafeCell` with loom's closure-based access API.
        #[derive(Debug)]
        pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

        impl<T> UnsafeCell<T> {
            pub(crate) const fn new(v: T) -> Self {
                UnsafeCell(std::cell::UnsafeCell::new(v))
            }
            #[inline(always)]
            #[allow(dead_code)] // part of the shim's API, mirrors loom's
            pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
                f(self.0.get())
            }
            #[inline(always)]
            pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
                f(self.0.get())
            }
        }
    }
}

#[cfg(rt_loom)]
mod imp {
    pub(crate) mod sync {
        pub(crate) use loom::sync::{Mutex, MutexGuard};
        pub(crate) mod atomic {
            pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
        }
    }
    pub(crate) mod cell {
        pub(crate) use loom::cell::UnsafeCell;
    }
}

pub(crate) use imp::*;

/// Locks `m`, ignoring poisoning: every critical section of this crate
/// leaves its data consistent before anything that can panic runs.
#[inline]
pub(crate) fn lock<T>(m: &sync::Mutex<T>) -> sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(e) => e.into_inner(),
    }
}

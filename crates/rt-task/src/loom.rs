//! The loom shim: every atomic, lock and cell used by a lock-free protocol in
//! this crate is imported from here, so that `RUSTFLAGS="--cfg rt_loom"` swaps
//! the whole crate onto loom's model-checked types.

#[cfg(not(rt_loom))]
mod imp {
    pub(crate) mod sync {
        pub(crate) use std::sync::{Arc, Condvar, Mutex};
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
        pub(crate) use loom::sync::{Arc, Condvar, Mutex};
        pub(crate) mod atomic {
            pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
        }
    }
    pub(crate) mod cell {
        pub(crate) use loom::cell::UnsafeCell;
    }
}

pub(crate) use imp::*;

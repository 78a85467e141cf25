//! The loom shim: every atomic, lock, cell and queue used by a protocol in
//! this crate is imported from here, so that `RUSTFLAGS="--cfg rt_loom"`
//! swaps the whole crate onto loom's model-checked types.
//!
//! One thing differs from a plain re-export: `Mutex` and `RwLock` ignore
//! poisoning: a panic in user code never runs while one of our locks is
//! held, and a poisoned lock would otherwise turn one panic into a cascade.

#[cfg(not(rt_loom))]
mod imp {
    pub(crate) mod sync {
        pub(crate) use std::sync::Arc;

        pub(crate) mod atomic {
            pub(crate) use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
        }

        /// A mutex that ignores poisoning.
        #[derive(Debug, Default)]
        pub(crate) struct Mutex<T: ?Sized>(std::sync::Mutex<T>);

        pub(crate) type MutexGuard<'a, T> = std::sync::MutexGuard<'a, T>;

        impl<T> Mutex<T> {
            pub(crate) const fn new(t: T) -> Self {
                Mutex(std::sync::Mutex::new(t))
            }
        }

        impl<T: ?Sized> Mutex<T> {
            #[inline]
            pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
                self.0.lock().unwrap_or_else(|e| e.into_inner())
            }
        }

        /// A reader-writer lock that ignores poisoning.
        #[derive(Debug, Default)]
        pub(crate) struct RwLock<T: ?Sized>(std::sync::RwLock<T>);

        pub(crate) type RwLockReadGuard<'a, T> = std::sync::RwLockReadGuard<'a, T>;
        pub(crate) type RwLockWriteGuard<'a, T> = std::sync::RwLockWriteGuard<'a, T>;

        impl<T> RwLock<T> {
            pub(crate) const fn new(t: T) -> Self {
                RwLock(std::sync::RwLock::new(t))
            }
        }

        impl<T: ?Sized> RwLock<T> {
            #[inline]
            pub(crate) fn read(&self) -> RwLockReadGuard<'_, T> {
                self.0.read().unwrap_or_else(|e| e.into_inner())
            }
            #[inline]
            pub(crate) fn write(&self) -> RwLockWriteGuard<'_, T> {
                self.0.write().unwrap_or_else(|e| e.into_inner())
            }
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

    /// Called where a thread would otherwise spin until another makes
    /// progress (a no-op outside loom, where the OS preempts spinners).
    #[inline(always)]
    pub(crate) fn spin_hint() {}
}

#[cfg(rt_loom)]
mod imp {
    pub(crate) mod sync {
        pub(crate) use loom::sync::Arc;

        pub(crate) mod atomic {
            pub(crate) use loom::sync::atomic::{
                fence, AtomicBool, AtomicPtr, AtomicUsize, Ordering,
            };
        }

        /// A mutex that ignores poisoning.
        #[derive(Debug)]
        pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

        pub(crate) type MutexGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

        impl<T> Mutex<T> {
            pub(crate) fn new(t: T) -> Self {
                Mutex(loom::sync::Mutex::new(t))
            }
            pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
                self.0.lock().unwrap_or_else(|e| e.into_inner())
            }
        }

        /// A reader-writer lock that ignores poisoning.
        #[derive(Debug)]
        pub(crate) struct RwLock<T>(loom::sync::RwLock<T>);

        pub(crate) type RwLockReadGuard<'a, T> = loom::sync::RwLockReadGuard<'a, T>;
        pub(crate) type RwLockWriteGuard<'a, T> = loom::sync::RwLockWriteGuard<'a, T>;

        impl<T> RwLock<T> {
            pub(crate) fn new(t: T) -> Self {
                RwLock(loom::sync::RwLock::new(t))
            }
            pub(crate) fn read(&self) -> RwLockReadGuard<'_, T> {
                self.0.read().unwrap_or_else(|e| e.into_inner())
            }
            pub(crate) fn write(&self) -> RwLockWriteGuard<'_, T> {
                self.0.write().unwrap_or_else(|e| e.into_inner())
            }
        }
    }

    pub(crate) mod cell {
        pub(crate) use loom::cell::UnsafeCell;
    }

    /// Called where a thread would otherwise spin until another makes
    /// progress: tells loom to schedule someone else.
    pub(crate) fn spin_hint() {
        loom::thread::yield_now();
    }
}

pub(crate) use imp::*;

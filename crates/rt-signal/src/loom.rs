//! The loom shim: the atomics and locks of the per-signal protocol
//! (`slot.rs`) come from here, so that `RUSTFLAGS="--cfg rt_loom"` swaps
//! them for loom's model-checked types.

#[cfg(not(rt_loom))]
mod imp {
    pub(crate) mod sync {
        pub(crate) use std::sync::{Mutex, MutexGuard};
        pub(crate) mod atomic {
            pub(crate) use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        }
    }
}

#[cfg(rt_loom)]
mod imp {
    pub(crate) mod sync {
        pub(crate) use loom::sync::{Mutex, MutexGuard};
        pub(crate) mod atomic {
            pub(crate) use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        }
    }
}

pub(crate) use imp::*;

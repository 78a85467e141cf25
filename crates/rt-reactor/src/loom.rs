//! The loom shim: the atomics, locks and `Arc` of the readiness protocol
//! (`scheduled_io.rs`) come from here, so that `RUSTFLAGS="--cfg rt_loom"`
//! swaps them for loom's model-checked types.

#[cfg(not(rt_loom))]
mod imp {
    pub(crate) mod sync {
        pub(crate) use std::sync::{Arc, Mutex, MutexGuard};
        pub(crate) mod atomic {
            pub(crate) use std::sync::atomic::{AtomicUsize, Ordering};
        }
    }
}

#[cfg(rt_loom)]
mod imp {
    pub(crate) mod sync {
        pub(crate) use loom::sync::{Arc, Mutex, MutexGuard};
        pub(crate) mod atomic {
            pub(crate) use loom::sync::atomic::{AtomicUsize, Ordering};
        }
    }
}

pub(crate) use imp::*;

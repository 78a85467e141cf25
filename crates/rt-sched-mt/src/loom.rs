//! The loom shim: every atomic, lock and condition variable used by the
//! idle/notify protocol ([`crate::idle`]) and the worker parker
//! ([`crate::park`]) is imported from here, so that
//! `RUSTFLAGS="--cfg rt_loom"` swaps them onto loom's model-checked types.
//!
//! The run queues (crossbeam-deque) and the LIFO slots (crossbeam-utils'
//! `AtomicCell`) are not loom-aware; the models exercise the protocol that
//! decides who sleeps and who is woken, with a stand-in queue.

#[cfg(not(rt_loom))]
mod imp {
    pub(crate) mod sync {
        pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};
        pub(crate) mod atomic {
            pub(crate) use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        }
    }
}

#[cfg(rt_loom)]
mod imp {
    pub(crate) mod sync {
        pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};
        pub(crate) mod atomic {
            pub(crate) use loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        }
    }
}

pub(crate) use imp::*;

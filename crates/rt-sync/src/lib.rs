//! `rt-sync`: asynchronous synchronization primitives that work under any
//! executor (and, through the `blocking_*` methods, from plain threads).
//!
//! This crate mirrors `tokio::sync`: the same types, names and semantics.
//!
//! | primitive | what it is |
//! |---|---|
//! | [`mpsc`] | multi-producer, single-consumer channels (bounded, unbounded) |
//! | [`oneshot`] | a single value from one task to another |
//! | [`broadcast`] | multi-producer, multi-consumer; every receiver sees every value |
//! | [`watch`] | multi-producer, multi-consumer; only the latest value is kept |
//! | [`Mutex`], [`RwLock`] | fair (FIFO) async locks, guards may be held across `.await` |
//! | [`Semaphore`] | fair counting semaphore with batch acquires |
//! | [`Notify`] | wakes one task, the newest task, or all waiting tasks |
//! | [`Barrier`] | lets `n` tasks wait for each other |
//! | [`OnceCell`] | a value initialized once, asynchronously |
//! | [`SetOnce`] | a value set once by anyone, that tasks can wait for |
//!
//! Waiting never allocates: waiters are nodes of intrusive lists stored in
//! the futures themselves. Receiving from a channel and acquiring a
//! semaphore consume the cooperative budget of `rt-task`, so a task that
//! always finds work ready still yields under an rt runtime (under other
//! executors the budget is unconstrained).
//!
//! # Example
//!
//! ```
//! use rt_sync::{mpsc, Mutex};
//! use std::sync::Arc;
//!
//! # futures::executor::block_on(async {
//! let counter = Arc::new(Mutex::new(0));
//! let (tx, mut rx) = mpsc::channel(8);
//! for _ in 0..4 {
//!     let (counter, tx) = (counter.clone(), tx.clone());
//!     std::thread::spawn(move || {
//!         *counter.blocking_lock() += 1;
//!         tx.blocking_send(()).unwrap();
//!     });
//! }
//! drop(tx);
//! while rx.recv().await.is_some() {}
//! assert_eq!(*counter.lock().await, 4);
//! # });
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod loom;
mod util;

mod barrier;
mod batch_semaphore;
pub mod broadcast;
pub mod mpsc;
mod mutex;
mod notify;
mod once_cell;
pub mod oneshot;
mod rwlock;
mod semaphore;
mod set_once;
pub mod watch;

pub use barrier::{Barrier, BarrierWaitResult};
pub use mutex::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};
pub use notify::Notify;
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
pub use semaphore::{
    AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
pub use set_once::{SetOnce, SetOnceError};

/// Named future types returned by some of the primitives.
pub mod futures {
    pub use crate::notify::{Notified, OwnedNotified};
}

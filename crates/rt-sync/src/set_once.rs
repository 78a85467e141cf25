//! `SetOnce`: a cell written at most once, whose value tasks can wait for.
//!
//! # Protocol
//!
//! `state` is `EMPTY`, `SETTING` or `SET`, and only ever moves forward.
//!
//! * `set`: CAS `EMPTY -> SETTING` (`Acquire`). The winner is the only
//!   writer: it writes the value, stores `SET` (`Release`, publishing the
//!   value) and calls `notify_waiters`. Losers (the CAS failed: the cell is
//!   set or being set) get their value back in a [`SetOnceError`].
//! * `get`: `SET` loaded with `Acquire` means the value is written and is
//!   never written again while the cell is shared.
//! * `wait`: check; create a `Notified` (it records the `notify_waiters`
//!   count); check again; await. A `set` whose `SET` store the second check
//!   missed calls `notify_waiters` after that check, and the `Notified`
//!   created before it completes (its recorded count moved, or it is linked
//!   and woken). No wake-up is lost, and every waiter is woken at once.

use std::error::Error;
use std::fmt;
use std::mem::MaybeUninit;
use std::pin::pin;

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::notify::Notify;

const EMPTY: usize = 0;
const SETTING: usize = 1;
const SET: usize = 2;

/// A thread-safe cell that can be written to only once.
///
/// A `SetOnce` is inspired from python's `asyncio.Event` type. It can be
/// used to wait until the value of the `SetOnce` is set like an "event"
/// mechanism: [`wait`](SetOnce::wait) completes once some task or thread
/// calls [`set`](SetOnce::set).
///
/// A `SetOnce` is typically used for global variables that need to be
/// initialized once on first use, but need no further changes. Unlike
/// [`OnceCell`](crate::OnceCell), the initialization is not driven by the
/// readers: they wait for somebody else to provide the value.
///
/// # Examples
///
/// ```
/// use rt_sync::{SetOnce, SetOnceError};
///
/// static ONCE: SetOnce<u32> = SetOnce::const_new();
///
/// # futures::executor::block_on(async {
/// let setter = std::thread::spawn(|| ONCE.set(20));
/// // waits until the value is set
/// assert_eq!(*ONCE.wait().await, 20);
/// setter.join().unwrap().unwrap();
/// // subsequent set calls fail and give the value back
/// assert_eq!(ONCE.set(30), Err(SetOnceError(30)));
/// assert_eq!(ONCE.get(), Some(&20));
/// # });
/// ```
pub struct SetOnce<T> {
    state: AtomicUsize,
    value: UnsafeCell<MaybeUninit<T>>,
    notify: Notify,
}

// SAFETY: the value is written once by the `set` caller that won the
// `EMPTY -> SETTING` CAS, before `SET` is published, and only shared
// (`&T`, hence `T: Sync`) afterwards; it may be dropped or taken on another
// thread than the one that set it (`T: Send`).
unsafe impl<T: Sync + Send> Sync for SetOnce<T> {}
// SAFETY: moving the cell moves the value.
unsafe impl<T: Send> Send for SetOnce<T> {}

/// Error that can be returned from [`SetOnce::set`].
///
/// This error means that the `SetOnce` was already initialized (or was
/// being initialized) when `set` was called; it hands the value back.
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SetOnceError")
    }
}

impl<T: fmt::Debug> Error for SetOnceError<T> {}

impl<T> Default for SetOnce<T> {
    fn default() -> SetOnce<T> {
        SetOnce::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("SetOnce")
            .field("value", &self.get())
            .finish()
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> SetOnce<T> {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &SetOnce<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> SetOnce<T> {
        SetOnce::new_with(Some(value))
    }
}

impl<T> Drop for SetOnce<T> {
    fn drop(&mut self) {
        if self.state.load(Acquire) == SET {
            // SAFETY: the value is set, and `&mut self` gives exclusive
            // access; it is dropped exactly once (here).
            self.value.with_mut(|v| unsafe { (*v).assume_init_drop() });
        }
    }
}

impl<T> SetOnce<T> {
    /// Creates a new empty `SetOnce` instance.
    pub fn new() -> SetOnce<T> {
        SetOnce {
            state: AtomicUsize::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            notify: Notify::new(),
        }
    }

    /// Creates a new empty `SetOnce` instance.
    ///
    /// Equivalent to [`SetOnce::new`], except that it can be used in
    /// static variables.
    ///
    /// ```
    /// use rt_sync::{SetOnce, SetOnceError};
    ///
    /// static ONCE: SetOnce<u32> = SetOnce::const_new();
    ///
    /// fn get_global_integer() -> Result<Option<&'static u32>, SetOnceError<u32>> {
    ///     ONCE.set(2)?;
    ///     Ok(ONCE.get())
    /// }
    ///
    /// assert_eq!(get_global_integer(), Ok(Some(&2)));
    /// ```
    #[cfg(not(rt_loom))]
    pub const fn const_new() -> SetOnce<T> {
        SetOnce {
            state: AtomicUsize::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            notify: Notify::const_new(),
        }
    }

    /// Creates a new `SetOnce` that contains the provided value, if any.
    ///
    /// If the `Option` is `None`, this is equivalent to [`SetOnce::new`].
    pub fn new_with(value: Option<T>) -> SetOnce<T> {
        match value {
            Some(value) => SetOnce {
                state: AtomicUsize::new(SET),
                value: UnsafeCell::new(MaybeUninit::new(value)),
                notify: Notify::new(),
            },
            None => SetOnce::new(),
        }
    }

    /// Creates a new `SetOnce` that contains the provided value.
    ///
    /// Equivalent to `SetOnce::new_with(Some(value))`, except that it can
    /// be used in static variables.
    ///
    /// ```
    /// use rt_sync::SetOnce;
    ///
    /// static ONCE: SetOnce<u32> = SetOnce::const_new_with(1);
    ///
    /// assert_eq!(ONCE.get(), Some(&1));
    /// assert!(ONCE.set(2).is_err());
    /// ```
    #[cfg(not(rt_loom))]
    pub const fn const_new_with(value: T) -> SetOnce<T> {
        SetOnce {
            state: AtomicUsize::new(SET),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            notify: Notify::const_new(),
        }
    }

    /// Returns `true` if the `SetOnce` currently contains a value, and
    /// `false` otherwise.
    pub fn initialized(&self) -> bool {
        self.state.load(Acquire) == SET
    }

    /// Returns a reference to the value currently stored in the `SetOnce`,
    /// or `None` if the `SetOnce` is empty (or its value is being set right
    /// now).
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `SET` was observed with `Acquire`: the value is
            // written, and it is never written or dropped while `self` is
            // borrowed.
            Some(self.value.with(|v| unsafe { (*v).assume_init_ref() }))
        } else {
            None
        }
    }

    /// Sets the value of the `SetOnce` to the given value if the `SetOnce`
    /// is empty, and wakes every task waiting in [`wait`](SetOnce::wait).
    ///
    /// # Errors
    ///
    /// [`SetOnceError`] holding `value` if the `SetOnce` already holds a
    /// value or another caller is setting it concurrently.
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        if self
            .state
            .compare_exchange(EMPTY, SETTING, Acquire, Relaxed)
            .is_err()
        {
            return Err(SetOnceError(value));
        }
        // SAFETY: winning the CAS makes us the only writer, and nobody
        // reads the cell before `SET` is published below.
        self.value.with_mut(|v| unsafe {
            (*v).write(value);
        });
        self.state.store(SET, Release);
        self.notify.notify_waiters();
        Ok(())
    }

    /// Takes the value from the cell, destroying the cell in the process.
    /// Returns `None` if the cell is empty.
    pub fn into_inner(self) -> Option<T> {
        let this = self;
        if this.state.load(Acquire) != SET {
            return None;
        }
        // The value moves out: `Drop` must not drop it again.
        this.state.store(EMPTY, Relaxed);
        // SAFETY: the value is set and we own the cell; the state no longer
        // says `SET`, so this is the only read that moves it out.
        Some(this.value.with_mut(|v| unsafe { (*v).assume_init_read() }))
    }

    /// Waits until the value is set, then returns a reference to it.
    ///
    /// If the `SetOnce` is already initialized, this returns immediately.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    pub async fn wait(&self) -> &T {
        loop {
            if let Some(value) = self.get() {
                return value;
            }
            // Created before the second check: a `notify_waiters` issued
            // after it completes this future (see the protocol above).
            let notified = pin!(self.notify.notified());
            if let Some(value) = self.get() {
                return value;
            }
            notified.await;
        }
    }
}

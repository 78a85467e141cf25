//! `OnceCell`: a thread-safe cell that can be written to only once.
//!
//! Protocol: `value_set` (`Release` store after the value is written,
//! `Acquire` loads before it is read) publishes the value. Writers are
//! serialized by a one-permit [`Semaphore`]: the holder of the permit is
//! the only one that may write the cell. Once the value is set the
//! semaphore is closed, so waiting initializers fail to acquire and read
//! the value instead; if an initializer fails, is cancelled or panics, its
//! permit is released and the next waiter (FIFO) tries.

use std::cell::UnsafeCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::mem::MaybeUninit;

use crate::loom::sync::atomic::{AtomicBool, Ordering::*};
use crate::semaphore::{Semaphore, SemaphorePermit, TryAcquireError};

/// A thread-safe cell that can be written to only once.
///
/// A `OnceCell` is typically used for global variables that need to be
/// initialized once on first use, but need no further changes. The
/// `OnceCell` allows the initialization to be asynchronous.
///
/// # Examples
///
/// ```
/// use rt_sync::OnceCell;
///
/// static ONCE: OnceCell<u32> = OnceCell::const_new();
///
/// # futures::executor::block_on(async {
/// let result = ONCE.get_or_init(|| async { 1 + 1 }).await;
/// assert_eq!(*result, 2);
/// # });
/// ```
pub struct OnceCell<T> {
    value_set: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
    semaphore: Semaphore,
}

// SAFETY: the value is written once by the permit holder before
// `value_set` is published, and only shared (`&T`) afterwards; moving the
// cell moves the value.
unsafe impl<T: Sync + Send> Sync for OnceCell<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Send for OnceCell<T> {}

impl<T> Default for OnceCell<T> {
    fn default() -> OnceCell<T> {
        OnceCell::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> OnceCell<T> {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &OnceCell<T>) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        if self.initialized_mut() {
            // SAFETY: initialized, and `&mut self` gives exclusive access.
            unsafe { self.value.get_mut().assume_init_drop() }
        }
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> Self {
        OnceCell::new_with(Some(value))
    }
}

impl<T> OnceCell<T> {
    /// Creates a new empty `OnceCell` instance.
    pub fn new() -> Self {
        OnceCell {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            semaphore: Semaphore::new(1),
        }
    }

    /// Creates a new empty `OnceCell` instance, usable in a `static`.
    #[cfg(not(rt_loom))]
    pub const fn const_new() -> Self {
        OnceCell {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            semaphore: Semaphore::const_new(1),
        }
    }

    /// Creates a new `OnceCell` that contains the provided value, if any.
    ///
    /// If the `Option` is `None`, this is equivalent to `OnceCell::new`.
    pub fn new_with(value: Option<T>) -> Self {
        match value {
            Some(value) => OnceCell {
                value_set: AtomicBool::new(true),
                value: UnsafeCell::new(MaybeUninit::new(value)),
                semaphore: Semaphore::new_closed(),
            },
            None => OnceCell::new(),
        }
    }

    /// Creates a new `OnceCell` that contains the provided value, usable in
    /// a `static`.
    #[cfg(not(rt_loom))]
    pub const fn const_new_with(value: T) -> Self {
        OnceCell {
            value_set: AtomicBool::new(true),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            semaphore: Semaphore::const_new(0),
        }
    }

    /// Returns `true` if the `OnceCell` currently contains a value, and
    /// `false` otherwise.
    pub fn initialized(&self) -> bool {
        self.value_set.load(Acquire)
    }

    fn initialized_mut(&mut self) -> bool {
        self.value_set.load(Relaxed)
    }

    /// Returns a reference to the value currently stored in the
    /// `OnceCell`, or `None` if the `OnceCell` is empty.
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `value_set` was observed with `Acquire`: the value is
            // written and never written again while shared.
            Some(unsafe { (*self.value.get()).assume_init_ref() })
        } else {
            None
        }
    }

    /// Returns a mutable reference to the value currently stored in the
    /// `OnceCell`, or `None` if the `OnceCell` is empty.
    ///
    /// Since this call borrows the `OnceCell` mutably, it is safe to mutate
    /// the value inside the `OnceCell` — the mutable borrow statically
    /// guarantees no other references exist.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        if self.initialized_mut() {
            // SAFETY: initialized, and `&mut self` gives exclusive access.
            Some(unsafe { self.value.get_mut().assume_init_mut() })
        } else {
            None
        }
    }

    /// Stores the value through the permit holder, publishes it and closes
    /// the semaphore so that waiting initializers read it.
    fn set_value(&self, value: T, permit: SemaphorePermit<'_>) -> &T {
        // SAFETY: the permit makes us the only writer, and no reader looks
        // at the cell before `value_set` is published below.
        let value_ref = unsafe { (*self.value.get()).write(value) };
        self.value_set.store(true, Release);
        self.semaphore.close();
        permit.forget();
        value_ref
    }

    /// Sets the value of the `OnceCell` to the given value if the
    /// `OnceCell` is empty.
    ///
    /// # Errors
    ///
    /// [`SetError::AlreadyInitializedError`] if the cell holds a value,
    /// [`SetError::InitializingError`] if another caller is initializing it
    /// right now. The value is handed back in both.
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        match self.semaphore.try_acquire() {
            Ok(permit) => {
                debug_assert!(!self.initialized());
                self.set_value(value, permit);
                Ok(())
            }
            Err(TryAcquireError::NoPermits) => Err(SetError::InitializingError(value)),
            Err(TryAcquireError::Closed) => Err(SetError::AlreadyInitializedError(value)),
        }
    }

    /// Gets the value currently in the `OnceCell`, or initializes it with
    /// the given asynchronous operation.
    ///
    /// If some other task is currently working on initializing the
    /// `OnceCell`, this call will wait for that other task to finish, then
    /// return the value that the other task produced.
    ///
    /// If the provided operation is cancelled or panics, the initialization
    /// attempt is cancelled. If there are other tasks waiting for the value
    /// to be initialized, one of them will start another attempt at
    /// initializing the value.
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        if let Some(v) = self.get() {
            return v;
        }
        match self.semaphore.acquire().await {
            Ok(permit) => {
                debug_assert!(!self.initialized());
                let value = f().await;
                self.set_value(value, permit)
            }
            Err(_) => self
                .get()
                .expect("the semaphore is only closed once the value is set"),
        }
    }

    /// Gets the value currently in the `OnceCell`, or initializes it with
    /// the given asynchronous operation.
    ///
    /// If the operation returns an error, the cell stays empty, the error
    /// is returned, and the next waiting task (if any) tries to initialize
    /// it.
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.get() {
            return Ok(v);
        }
        match self.semaphore.acquire().await {
            Ok(permit) => {
                debug_assert!(!self.initialized());
                let value = f().await?;
                Ok(self.set_value(value, permit))
            }
            Err(_) => Ok(self
                .get()
                .expect("the semaphore is only closed once the value is set")),
        }
    }

    /// Takes the value from the cell, destroying the cell in the process.
    /// Returns `None` if the cell is empty.
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    /// Takes ownership of the current value, leaving the cell empty.
    /// Returns `None` if the cell is empty.
    pub fn take(&mut self) -> Option<T> {
        if !self.initialized_mut() {
            return None;
        }
        self.value_set.store(false, Relaxed);
        // SAFETY: the value was initialized and `value_set` now says it is
        // not, so it is read out exactly once; `&mut self` is exclusive.
        let value = unsafe { self.value.get_mut().assume_init_read() };
        self.semaphore = Semaphore::new(1);
        Some(value)
    }
}

/// Errors that can be returned from [`OnceCell::set`].
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell was already initialized when [`OnceCell::set`] was called.
    AlreadyInitializedError(T),
    /// The cell is currently being initialized.
    InitializingError(T),
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => write!(f, "AlreadyInitializedError"),
            SetError::InitializingError(_) => write!(f, "InitializingError"),
        }
    }
}

impl<T: fmt::Debug> Error for SetError<T> {}

impl<T> SetError<T> {
    /// Whether `SetError` is `SetError::AlreadyInitializedError`.
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Whether `SetError` is `SetError::InitializingError`.
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }
}

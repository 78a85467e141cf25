//! `RwLock`: a fair, write-preferring asynchronous reader-writer lock.
//!
//! The lock is a semaphore with `max_readers` permits: a reader takes one,
//! a writer takes all of them. Because the semaphore is FIFO, a queued
//! writer blocks the readers that arrive after it (write preference)
//! without starving earlier readers (fairness). Guards own their permits;
//! that is what makes the `unsafe` accesses to the cell below sound.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use crate::batch_semaphore as ll;
use crate::mutex::TryLockError;
use crate::util::blocking;

/// The largest number of concurrent readers (`u32::MAX >> 3`).
const MAX_READS: u32 = u32::MAX >> 3;

/// An asynchronous reader-writer lock.
///
/// This type of lock allows a number of readers or at most one writer at any
/// point in time. The write portion of this lock typically allows
/// modification of the underlying data (exclusive access) and the read
/// portion of this lock typically allows for read-only access (shared
/// access).
///
/// The priority policy of this lock is fair (or write-preferring), in order
/// to ensure that readers cannot starve writers. Fairness is ensured using a
/// first-in, first-out queue for the tasks awaiting the lock; if a task that
/// wishes to acquire the write lock is at the head of the queue, read locks
/// will not be given out until the write lock has been released.
///
/// # Examples
///
/// ```
/// use rt_sync::RwLock;
///
/// # futures::executor::block_on(async {
/// let lock = RwLock::new(5);
///
/// // many reader locks can be held at once
/// {
///     let r1 = lock.read().await;
///     let r2 = lock.read().await;
///     assert_eq!(*r1, 5);
///     assert_eq!(*r2, 5);
/// } // read locks are dropped at this point
///
/// // only one write lock may be held, however
/// {
///     let mut w = lock.write().await;
///     *w += 1;
///     assert_eq!(*w, 6);
/// } // write lock is dropped here
/// # });
/// ```
pub struct RwLock<T: ?Sized> {
    mr: u32,
    s: ll::Semaphore,
    c: UnsafeCell<T>,
}

/// RAII structure used to release the shared read access of a lock when
/// dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockReadGuard<'a, T: ?Sized> {
    s: &'a ll::Semaphore,
    data: *const T,
    marker: PhantomData<&'a T>,
}

/// RAII structure used to release the exclusive write access of a lock when
/// dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    permits_acquired: u32,
    s: &'a ll::Semaphore,
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

/// RAII structure used to release the exclusive write access of a lock when
/// dropped, for a component of the locked data (see
/// [`RwLockWriteGuard::map`]).
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    permits_acquired: u32,
    s: &'a ll::Semaphore,
    data: *mut T,
    marker: PhantomData<&'a mut T>,
}

/// Owned RAII structure used to release the shared read access of a lock
/// when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockReadGuard<T: ?Sized, U: ?Sized = T> {
    lock: ManuallyDrop<Arc<RwLock<T>>>,
    data: *const U,
}

/// Owned RAII structure used to release the exclusive write access of a
/// lock when dropped.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    permits_acquired: u32,
    lock: ManuallyDrop<Arc<RwLock<T>>>,
    data: *mut T,
}

/// Owned RAII structure used to release the exclusive write access of a
/// lock when dropped, for a component of the locked data.
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    permits_acquired: u32,
    lock: ManuallyDrop<Arc<RwLock<T>>>,
    data: *mut U,
}

// SAFETY: the lock hands out `&T` to many readers or `&mut T` to one
// writer, as std's `RwLock` does.
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}
// SAFETY: a read guard is a `&T` plus a permit.
unsafe impl<T: ?Sized + Sync> Send for RwLockReadGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Sync> Sync for RwLockReadGuard<'_, T> {}
// SAFETY: a write guard is a `&mut T` plus permits.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockWriteGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockWriteGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: an owned read guard is an `Arc<RwLock<T>>` plus a `&U`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Sync> Send for OwnedRwLockReadGuard<T, U> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedRwLockReadGuard<T, U> {}
// SAFETY: an owned write guard is an `Arc<RwLock<T>>` plus a `&mut T`.
unsafe impl<T: ?Sized + Send + Sync> Send for OwnedRwLockWriteGuard<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedRwLockWriteGuard<T> {}
// SAFETY: an owned mapped write guard is an `Arc<RwLock<T>>` plus a `&mut U`.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Send
    for OwnedRwLockMappedWriteGuard<T, U>
{
}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync
    for OwnedRwLockMappedWriteGuard<T, U>
{
}

fn acquired(r: Result<(), ll::AcquireError>) {
    if r.is_err() {
        unreachable!("the semaphore of a RwLock is never closed");
    }
}

impl<T: ?Sized> RwLock<T> {
    /// Creates a new instance of an `RwLock<T>` which is unlocked.
    pub fn new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock {
            mr: MAX_READS,
            s: ll::Semaphore::new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates a new instance of an `RwLock<T>` which is unlocked and allows
    /// a maximum of `max_reads` concurrent readers.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is more than `u32::MAX >> 3`, or is 0 (a lock
    /// that admits no reader would make every `read` wait forever; Tokio
    /// does not check this case).
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not be created with more than {MAX_READS} readers; `max_reads` was {max_reads}"
        );
        assert!(max_reads > 0, "`max_reads` of a RwLock must be at least 1");
        RwLock {
            mr: max_reads,
            s: ll::Semaphore::new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates a new instance of an `RwLock<T>` which is unlocked, usable in
    /// a `static`.
    #[cfg(not(rt_loom))]
    pub const fn const_new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock {
            mr: MAX_READS,
            s: ll::Semaphore::const_new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates a new instance of an `RwLock<T>` which is unlocked and allows
    /// a maximum of `max_reads` concurrent readers, usable in a `static`.
    ///
    /// # Panics
    ///
    /// As [`with_max_readers`](RwLock::with_max_readers).
    #[cfg(not(rt_loom))]
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not be created with more than u32::MAX >> 3 readers"
        );
        assert!(max_reads > 0, "`max_reads` of a RwLock must be at least 1");
        RwLock {
            mr: max_reads,
            s: ll::Semaphore::const_new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Locks this `RwLock` with shared read access, causing the current task
    /// to yield until the lock has been acquired.
    ///
    /// The calling task will yield until there are no writers which hold the
    /// lock. There may be other readers inside the lock when the task
    /// resumes.
    ///
    /// Note that under the priority policy of `RwLock`, read locks are not
    /// granted until prior write locks, to prevent starvation. Therefore
    /// deadlock may occur if a read lock is held by the current task, a
    /// write lock attempt is made, and then a subsequent read lock attempt
    /// is made by the current task.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `read` makes you lose your place
    /// in the queue.
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        acquired(self.s.acquire(1).await);
        RwLockReadGuard {
            s: &self.s,
            data: self.c.get(),
            marker: PhantomData,
        }
    }

    /// Blockingly locks this `RwLock` with shared read access.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution
    /// context.
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        blocking::block_on(self.read())
    }

    /// Locks this `RwLock` with shared read access, returning an owned
    /// guard.
    ///
    /// # Cancel safety
    ///
    /// As [`read`](RwLock::read).
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        acquired(self.s.acquire(1).await);
        let data = self.c.get() as *const T;
        OwnedRwLockReadGuard {
            lock: ManuallyDrop::new(self),
            data,
        }
    }

    /// Attempts to acquire this `RwLock` with shared read access.
    ///
    /// If the access couldn't be acquired immediately, returns
    /// [`TryLockError`].
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(RwLockReadGuard {
                s: &self.s,
                data: self.c.get(),
                marker: PhantomData,
            }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Attempts to acquire this `RwLock` with shared read access, returning
    /// an owned guard.
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => {
                let data = self.c.get() as *const T;
                Ok(OwnedRwLockReadGuard {
                    lock: ManuallyDrop::new(self),
                    data,
                })
            }
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Locks this `RwLock` with exclusive write access, causing the current
    /// task to yield until the lock has been acquired.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `write` makes you lose your
    /// place in the queue; read permits it had already collected are handed
    /// on.
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        acquired(self.s.acquire(self.mr as usize).await);
        RwLockWriteGuard {
            permits_acquired: self.mr,
            s: &self.s,
            data: self.c.get(),
            marker: PhantomData,
        }
    }

    /// Blockingly locks this `RwLock` with exclusive write access.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution
    /// context.
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        blocking::block_on(self.write())
    }

    /// Locks this `RwLock` with exclusive write access, returning an owned
    /// guard.
    ///
    /// # Cancel safety
    ///
    /// As [`write`](RwLock::write).
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        acquired(self.s.acquire(self.mr as usize).await);
        let data = self.c.get();
        OwnedRwLockWriteGuard {
            permits_acquired: self.mr,
            lock: ManuallyDrop::new(self),
            data,
        }
    }

    /// Attempts to acquire this `RwLock` with exclusive write access.
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => Ok(RwLockWriteGuard {
                permits_acquired: self.mr,
                s: &self.s,
                data: self.c.get(),
                marker: PhantomData,
            }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Attempts to acquire this `RwLock` with exclusive write access,
    /// returning an owned guard.
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => {
                let data = self.c.get();
                Ok(OwnedRwLockWriteGuard {
                    permits_acquired: self.mr,
                    lock: ManuallyDrop::new(self),
                    data,
                })
            }
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Returns a mutable reference to the underlying data.
    ///
    /// Since this call borrows the `RwLock` mutably, no actual locking needs
    /// to take place -- the mutable borrow statically guarantees no locks
    /// exist.
    pub fn get_mut(&mut self) -> &mut T {
        self.c.get_mut()
    }

    /// Consumes the lock, returning the underlying data.
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.c.into_inner()
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(s: T) -> Self {
        Self::new(s)
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(inner) => d.field("data", &&*inner),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

// ===== borrowed guards =====

impl<'a, T: ?Sized> RwLockReadGuard<'a, T> {
    /// Makes a new `RwLockReadGuard` for a component of the locked data.
    ///
    /// This is an associated function that needs to be used as
    /// `RwLockReadGuard::map(...)`.
    #[inline]
    pub fn map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data = f(&*this) as *const U;
        let s = this.s;
        std::mem::forget(this);
        RwLockReadGuard {
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Attempts to make a new `RwLockReadGuard` for a component of the
    /// locked data. The original guard is returned if the closure returns
    /// `None`.
    #[inline]
    pub fn try_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let data = match f(&*this) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let s = this.s;
        std::mem::forget(this);
        Ok(RwLockReadGuard {
            s,
            data,
            marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for RwLockReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds a read permit: no writer exists.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> Drop for RwLockReadGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    fn into_raw(this: Self) -> (u32, &'a ll::Semaphore) {
        let parts = (this.permits_acquired, this.s);
        std::mem::forget(this);
        parts
    }

    /// Makes a new [`RwLockMappedWriteGuard`] for a component of the locked
    /// data.
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = f(&mut *this) as *mut U;
        let (permits_acquired, s) = Self::into_raw(this);
        RwLockMappedWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Makes a new [`RwLockReadGuard`] for a component of the locked data,
    /// atomically downgrading the write access to read access.
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data = f(&*this) as *const U;
        let (permits_acquired, s) = Self::into_raw(this);
        // Keep one permit (ours, as a reader); release the rest.
        s.release((permits_acquired - 1) as usize);
        RwLockReadGuard {
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Attempts to make a new [`RwLockMappedWriteGuard`] for a component of
    /// the locked data. The original guard is returned if the closure
    /// returns `None`.
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let (permits_acquired, s) = Self::into_raw(this);
        Ok(RwLockMappedWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        })
    }

    /// Attempts to make a new [`RwLockReadGuard`] for a component of the
    /// locked data, downgrading the write access. The original guard is
    /// returned if the closure returns `None`.
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let data = match f(&*this) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let (permits_acquired, s) = Self::into_raw(this);
        s.release((permits_acquired - 1) as usize);
        Ok(RwLockReadGuard {
            s,
            data,
            marker: PhantomData,
        })
    }

    /// Converts this `RwLockWriteGuard` into an `RwLockMappedWriteGuard`.
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        RwLockWriteGuard::map(this, |me| me)
    }

    /// Atomically downgrades a write lock into a read lock without allowing
    /// any writers to take exclusive access of the lock in the meantime.
    ///
    /// **Note:** This won't *necessarily* allow any additional readers to
    /// acquire locks, since [`RwLock`] is fair and it is possible that a
    /// writer is next in line.
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        let data = self.data as *const T;
        let (permits_acquired, s) = Self::into_raw(self);
        s.release((permits_acquired - 1) as usize);
        RwLockReadGuard {
            s,
            data,
            marker: PhantomData,
        }
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds every permit: exclusive access.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds every permit: exclusive access.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits_acquired as usize);
    }
}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    fn into_raw(this: Self) -> (u32, &'a ll::Semaphore) {
        let parts = (this.permits_acquired, this.s);
        std::mem::forget(this);
        parts
    }

    /// Makes a new `RwLockMappedWriteGuard` for a component of the locked
    /// data.
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = f(&mut *this) as *mut U;
        let (permits_acquired, s) = Self::into_raw(this);
        RwLockMappedWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        }
    }

    /// Attempts to make a new `RwLockMappedWriteGuard` for a component of
    /// the locked data. The original guard is returned if the closure
    /// returns `None`.
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let (permits_acquired, s) = Self::into_raw(this);
        Ok(RwLockMappedWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Deref for RwLockMappedWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds every permit: exclusive access.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for RwLockMappedWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds every permit: exclusive access.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for RwLockMappedWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits_acquired as usize);
    }
}

// ===== owned guards =====

/// Moves the `Arc` out of a guard that is being consumed.
fn take_lock<T: ?Sized>(lock: &mut ManuallyDrop<Arc<RwLock<T>>>) -> Arc<RwLock<T>> {
    // SAFETY: every caller forgets the guard that held `lock` right after,
    // so the `Arc` is moved out exactly once and never dropped in place.
    unsafe { ManuallyDrop::take(lock) }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockReadGuard<T, U> {
    fn into_lock(this: Self) -> Arc<RwLock<T>> {
        let mut this = ManuallyDrop::new(this);
        take_lock(&mut this.lock)
    }

    /// Returns a reference to the original `Arc<RwLock>`.
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// Makes a new `OwnedRwLockReadGuard` for a component of the locked
    /// data.
    #[inline]
    pub fn map<F, V: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, V>
    where
        F: FnOnce(&U) -> &V,
    {
        let data = f(&*this) as *const V;
        OwnedRwLockReadGuard {
            lock: ManuallyDrop::new(Self::into_lock(this)),
            data,
        }
    }

    /// Attempts to make a new `OwnedRwLockReadGuard` for a component of the
    /// locked data. The original guard is returned if the closure returns
    /// `None`.
    #[inline]
    pub fn try_map<F, V: ?Sized>(this: Self, f: F) -> Result<OwnedRwLockReadGuard<T, V>, Self>
    where
        F: FnOnce(&U) -> Option<&V>,
    {
        let data = match f(&*this) {
            Some(data) => data as *const V,
            None => return Err(this),
        };
        Ok(OwnedRwLockReadGuard {
            lock: ManuallyDrop::new(Self::into_lock(this)),
            data,
        })
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockReadGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: the guard holds a read permit: no writer exists.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockReadGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(1);
        // SAFETY: dropped exactly once, here.
        unsafe { ManuallyDrop::drop(&mut self.lock) }
    }
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    fn into_parts(this: Self) -> (u32, Arc<RwLock<T>>) {
        let mut this = ManuallyDrop::new(this);
        (this.permits_acquired, take_lock(&mut this.lock))
    }

    /// Returns a reference to the original `Arc<RwLock>`.
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// Makes a new [`OwnedRwLockMappedWriteGuard`] for a component of the
    /// locked data.
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = f(&mut *this) as *mut U;
        let (permits_acquired, lock) = Self::into_parts(this);
        OwnedRwLockMappedWriteGuard {
            permits_acquired,
            lock: ManuallyDrop::new(lock),
            data,
        }
    }

    /// Makes a new [`OwnedRwLockReadGuard`] for a component of the locked
    /// data, atomically downgrading the write access.
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data = f(&*this) as *const U;
        let (permits_acquired, lock) = Self::into_parts(this);
        lock.s.release((permits_acquired - 1) as usize);
        OwnedRwLockReadGuard {
            lock: ManuallyDrop::new(lock),
            data,
        }
    }

    /// Attempts to make a new [`OwnedRwLockMappedWriteGuard`] for a
    /// component of the locked data. The original guard is returned if the
    /// closure returns `None`.
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut U,
            None => return Err(this),
        };
        let (permits_acquired, lock) = Self::into_parts(this);
        Ok(OwnedRwLockMappedWriteGuard {
            permits_acquired,
            lock: ManuallyDrop::new(lock),
            data,
        })
    }

    /// Attempts to make a new [`OwnedRwLockReadGuard`] for a component of
    /// the locked data, downgrading the write access. The original guard is
    /// returned if the closure returns `None`.
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<OwnedRwLockReadGuard<T, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let data = match f(&*this) {
            Some(data) => data as *const U,
            None => return Err(this),
        };
        let (permits_acquired, lock) = Self::into_parts(this);
        lock.s.release((permits_acquired - 1) as usize);
        Ok(OwnedRwLockReadGuard {
            lock: ManuallyDrop::new(lock),
            data,
        })
    }

    /// Converts this `OwnedRwLockWriteGuard` into an
    /// `OwnedRwLockMappedWriteGuard`.
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        Self::map(this, |me| me)
    }

    /// Atomically downgrades a write lock into a read lock without allowing
    /// any writers to take exclusive access of the lock in the meantime.
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        let data = self.data as *const T;
        let (permits_acquired, lock) = Self::into_parts(self);
        lock.s.release((permits_acquired - 1) as usize);
        OwnedRwLockReadGuard {
            lock: ManuallyDrop::new(lock),
            data,
        }
    }
}

impl<T: ?Sized> Deref for OwnedRwLockWriteGuard<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds every permit: exclusive access.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized> DerefMut for OwnedRwLockWriteGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds every permit: exclusive access.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized> Drop for OwnedRwLockWriteGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(self.permits_acquired as usize);
        // SAFETY: dropped exactly once, here.
        unsafe { ManuallyDrop::drop(&mut self.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    fn into_parts(this: Self) -> (u32, Arc<RwLock<T>>) {
        let mut this = ManuallyDrop::new(this);
        (this.permits_acquired, take_lock(&mut this.lock))
    }

    /// Returns a reference to the original `Arc<RwLock>`.
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }

    /// Makes a new `OwnedRwLockMappedWriteGuard` for a component of the
    /// locked data.
    #[inline]
    pub fn map<F, V: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        let data = f(&mut *this) as *mut V;
        let (permits_acquired, lock) = Self::into_parts(this);
        OwnedRwLockMappedWriteGuard {
            permits_acquired,
            lock: ManuallyDrop::new(lock),
            data,
        }
    }

    /// Attempts to make a new `OwnedRwLockMappedWriteGuard` for a component
    /// of the locked data. The original guard is returned if the closure
    /// returns `None`.
    #[inline]
    pub fn try_map<F, V: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        let data = match f(&mut *this) {
            Some(data) => data as *mut V,
            None => return Err(this),
        };
        let (permits_acquired, lock) = Self::into_parts(this);
        Ok(OwnedRwLockMappedWriteGuard {
            permits_acquired,
            lock: ManuallyDrop::new(lock),
            data,
        })
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockMappedWriteGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &U {
        // SAFETY: the guard holds every permit: exclusive access.
        unsafe { &*self.data }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedRwLockMappedWriteGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: the guard holds every permit: exclusive access.
        unsafe { &mut *self.data }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockMappedWriteGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(self.permits_acquired as usize);
        // SAFETY: dropped exactly once, here.
        unsafe { ManuallyDrop::drop(&mut self.lock) }
    }
}

macro_rules! fmt_guards {
    ($([$($gen:tt)*] $ty:ty),* $(,)?) => {$(
        impl<$($gen)*> fmt::Debug for $ty
        where
            <$ty as Deref>::Target: fmt::Debug,
        {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<$($gen)*> fmt::Display for $ty
        where
            <$ty as Deref>::Target: fmt::Display,
        {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    )*};
}

fmt_guards!(
    ['a, T: ?Sized] RwLockReadGuard<'a, T>,
    ['a, T: ?Sized] RwLockWriteGuard<'a, T>,
    ['a, T: ?Sized] RwLockMappedWriteGuard<'a, T>,
    [T: ?Sized, U: ?Sized] OwnedRwLockReadGuard<T, U>,
    [T: ?Sized] OwnedRwLockWriteGuard<T>,
    [T: ?Sized, U: ?Sized] OwnedRwLockMappedWriteGuard<T, U>,
);

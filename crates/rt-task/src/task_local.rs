//! Task-local storage: `task_local!` and [`LocalKey`].
//!
//! A value is attached to a future with [`LocalKey::scope`]; on every poll of
//! that future the value is swapped into a thread-local slot and swapped back
//! out afterwards (also on unwind), so `with`/`get` see it only while the
//! scoped future runs, whichever thread polls it.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread::LocalKey as StdLocalKey;

/// Declares a new task-local key of type [`LocalKey`].
///
/// ```
/// rt_task::task_local! {
///     pub static ONE: u32;
///     static TWO: f32;
/// }
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_inner {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task_local::LocalKey<$t> = {
            ::std::thread_local! {
                static __KEY: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task_local::LocalKey::__new(&__KEY)
        };
    };
}

/// A key for task-local data, declared with [`task_local!`](macro@crate::task_local).
pub struct LocalKey<T: 'static> {
    inner: &'static StdLocalKey<RefCell<Option<T>>>,
}

impl<T: 'static> LocalKey<T> {
    #[doc(hidden)]
    pub const fn __new(inner: &'static StdLocalKey<RefCell<Option<T>>>) -> Self {
        LocalKey { inner }
    }

    /// Sets a value `T` as the task-local value for the future `F`.
    ///
    /// On completion of `scope`, the task-local will be dropped.
    pub fn scope<F: Future>(&'static self, value: T, f: F) -> TaskLocalFuture<T, F> {
        TaskLocalFuture {
            local: self,
            slot: Some(value),
            future: Some(f),
            _pinned: PhantomPinned,
        }
    }

    /// Sets a value `T` as the task-local value for the closure `F`.
    pub fn sync_scope<F: FnOnce() -> R, R>(&'static self, value: T, f: F) -> R {
        let mut slot = Some(value);
        match self.enter(&mut slot, f) {
            Ok(r) => r,
            Err(e) => e.panic(),
        }
    }

    fn enter<R>(
        &'static self,
        slot: &mut Option<T>,
        f: impl FnOnce() -> R,
    ) -> Result<R, ScopeInnerErr> {
        struct Guard<'a, T: 'static> {
            local: &'static LocalKey<T>,
            slot: &'a mut Option<T>,
        }
        impl<T: 'static> Drop for Guard<'_, T> {
            fn drop(&mut self) {
                // Swap the value back out. Cannot fail: `enter` succeeded.
                let _ = self.local.inner.try_with(|c| {
                    if let Ok(mut v) = c.try_borrow_mut() {
                        std::mem::swap(self.slot, &mut *v);
                    }
                });
            }
        }
        self.inner
            .try_with(|c| {
                c.try_borrow_mut()
                    .map(|mut v| std::mem::swap(slot, &mut *v))
                    .map_err(|_| ScopeInnerErr::BorrowError)
            })
            .map_err(|_| ScopeInnerErr::AccessError)??;
        let guard = Guard { local: self, slot };
        let res = f();
        drop(guard);
        Ok(res)
    }

    /// Accesses the current task-local and runs the provided closure.
    ///
    /// # Panics
    ///
    /// Panics if not called within the context of a future containing a
    /// task-local with the corresponding key.
    #[track_caller]
    pub fn with<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> R {
        match self.try_with(f) {
            Ok(r) => r,
            Err(_) => panic!("cannot access a task-local storage value without setting it first"),
        }
    }

    /// Accesses the current task-local and runs the provided closure.
    /// Returns an error if the task-local is not set.
    pub fn try_with<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> Result<R, AccessError> {
        let mut f = Some(f);
        self.inner
            .try_with(|c| {
                let v = c.try_borrow().ok()?;
                v.as_ref().map(|v| (f.take().unwrap())(v))
            })
            .ok()
            .flatten()
            .ok_or(AccessError { _private: () })
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// Returns a copy of the task-local value if it implements `Clone`.
    ///
    /// # Panics
    ///
    /// Panics if the task-local is not set.
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(|v| v.clone())
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

/// A future that sets a value `T` of a task local for the future `F` during
/// its execution. Created by [`LocalKey::scope`].
pub struct TaskLocalFuture<T: 'static, F> {
    local: &'static LocalKey<T>,
    slot: Option<T>,
    future: Option<F>,
    _pinned: PhantomPinned,
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Returns the value stored in the task local by this future, if the
    /// future has not completed yet... or `None` once it has been taken.
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        // SAFETY: `slot` is not structurally pinned; moving out is fine.
        let this = unsafe { self.get_unchecked_mut() };
        this.slot.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned (never moved out except by
        // dropping it in place via `Option::set(None)`); `slot` is not.
        let this = unsafe { self.get_unchecked_mut() };
        let local = this.local;
        let fut_slot = &mut this.future;
        let res = local.enter(&mut this.slot, || {
            let Some(fut) = fut_slot.as_mut() else {
                panic!("`TaskLocalFuture` polled after completion");
            };
            // SAFETY: see above; the future is pinned inside `self`.
            let fut = unsafe { Pin::new_unchecked(fut) };
            let res = fut.poll(cx);
            if res.is_ready() {
                // Drop the future while the task-local is still set.
                *fut_slot = None;
            }
            res
        });
        match res {
            Ok(r) => r,
            Err(e) => e.panic(),
        }
    }
}

impl<T: 'static, F> Drop for TaskLocalFuture<T, F> {
    fn drop(&mut self) {
        if self.future.is_some() {
            // Drop the inner future with the task-local set, as it would
            // see it when polled.
            let fut = &mut self.future;
            let _ = self.local.enter(&mut self.slot, || *fut = None);
        }
    }
}

impl<T: 'static + fmt::Debug, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskLocalFuture")
            .field("value", &self.slot)
            .finish()
    }
}

/// An error returned by [`LocalKey::try_with`].
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct AccessError {
    _private: (),
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt("task-local value not set", f)
    }
}

impl Error for AccessError {}

enum ScopeInnerErr {
    BorrowError,
    AccessError,
}

impl ScopeInnerErr {
    #[track_caller]
    fn panic(&self) -> ! {
        match self {
            Self::BorrowError => panic!("cannot enter a task-local scope while the task-local storage is borrowed"),
            Self::AccessError => panic!("cannot enter a task-local scope during or after destruction of the underlying thread-local"),
        }
    }
}

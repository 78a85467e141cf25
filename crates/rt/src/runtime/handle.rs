use std::any::Any;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::num::NonZeroU64;
use std::sync::Arc;

use rt_task::context::{self, Handles};
use rt_task::{Id as TaskId, JoinHandle};

use super::{RuntimeFlavor, RuntimeMetrics};

/// The message of the panic raised when a runtime is needed but none is
/// current.
pub(crate) const NO_RUNTIME: &str =
    "there is no reactor running, must be called from the context of an rt runtime";

/// Handle to the runtime.
///
/// The handle is internally reference-counted and can be freely cloned. A
/// handle can be obtained using [`Runtime::handle`](super::Runtime::handle)
/// or [`Handle::current`].
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Arc<HandleInner>,
}

pub(crate) enum Scheduler {
    CurrentThread {
        sched: Arc<rt_sched_local::CurrentThread<super::driver::Driver>>,
        handle: Arc<rt_sched_local::Handle>,
    },
    #[cfg(feature = "rt-multi-thread")]
    MultiThread {
        sched: Arc<rt_sched_mt::MultiThread<super::driver::Driver>>,
        handle: Arc<rt_sched_mt::Handle>,
    },
}

pub(crate) struct HandleInner {
    pub(crate) scheduler: Scheduler,
    pub(crate) blocking: Arc<rt_blocking::Spawner>,
    pub(crate) drivers: [Option<context::AnyHandle>; 4],
    #[cfg(feature = "time")]
    pub(crate) time: Option<rt_timer::Handle>,
    pub(crate) id: NonZeroU64,
}

impl HandleInner {
    /// Runs `func` on the blocking pool. While it is queued or running,
    /// a paused clock does not auto-advance (the closure may be about to
    /// produce the event a task waits for).
    pub(crate) fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        #[cfg(feature = "time")]
        if let Some(time) = self
            .time
            .as_ref()
            .filter(|t| t.clock().is_pausing_enabled())
        {
            struct Allow(rt_timer::Handle);
            impl Drop for Allow {
                fn drop(&mut self) {
                    self.0.allow_auto_advance();
                }
            }
            time.inhibit_auto_advance();
            // Dropped by the pool only once the result is published: if the
            // closure dropped it on return, the clock could jump (and fire
            // a timeout racing this task) before the `JoinHandle` sees it.
            return self
                .blocking
                .spawn_blocking_with_guard(func, Allow(time.clone()));
        }
        self.blocking.spawn_blocking(func)
    }
}

impl HandleInner {
    #[inline]
    pub(crate) fn spawn<F>(&self, future: F, id: TaskId) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match &self.scheduler {
            Scheduler::CurrentThread { handle, .. } => handle.spawn(future, id),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread { handle, .. } => handle.spawn(future, id),
        }
    }
}

/// Calls `f` with the current runtime's handle internals, if any.
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&HandleInner>) -> R) -> R {
    context::with_runtime(|h| f(h.and_then(|h| (**h).downcast_ref::<HandleInner>())))
}

/// Runtime context guard.
///
/// Returned by [`Runtime::enter`](super::Runtime::enter) and
/// [`Handle::enter`]; the context is exited when the guard is dropped.
/// Guards must be dropped in the reverse order of their creation.
#[derive(Debug)]
#[must_use = "Creating and dropping a guard does nothing"]
pub struct EnterGuard<'a> {
    _guard: context::EnterGuard,
    _handle_lifetime: std::marker::PhantomData<&'a Handle>,
}

impl Handle {
    pub(crate) fn handles(&self) -> Handles {
        Handles {
            runtime: Some(self.inner.clone() as Arc<dyn Any + Send + Sync>),
            drivers: self.inner.drivers.clone(),
        }
    }

    /// Enters the runtime context. This allows you to construct types that
    /// must have an executor available on creation, and to call `spawn`
    /// and `Handle::current` outside of the runtime's threads.
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: context::enter(self.handles()),
            _handle_lifetime: std::marker::PhantomData,
        }
    }

    /// Returns a `Handle` view over the currently running runtime.
    ///
    /// # Panics
    ///
    /// Panics if called outside the context of an rt runtime.
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(h) => h,
            Err(e) => panic!("{e}"),
        }
    }

    /// Returns a `Handle` view over the currently running runtime, or an
    /// error if there is none.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::runtime()
            .and_then(|h| h.downcast::<HandleInner>().ok())
            .map(|inner| Handle { inner })
            .ok_or(TryCurrentError { _private: () })
    }

    /// Spawns a future onto the runtime.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.spawn(future, TaskId::next())
    }

    /// Runs the provided function on an executor dedicated to blocking
    /// operations.
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.inner.spawn_blocking(func)
    }

    /// Runs a future to completion on this handle's runtime.
    ///
    /// For a current-thread runtime, the calling thread drives the
    /// runtime's tasks while it waits (or waits for another thread that is
    /// driving them).
    ///
    /// # Panics
    ///
    /// Panics if called from inside an asynchronous execution context
    /// (a task or another `block_on`).
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _enter = self.enter();
        // `block_in_place` is allowed inside a multi-thread `block_on` (it
        // runs the closure in place there).
        let allow_block_in_place = !matches!(self.inner.scheduler, Scheduler::CurrentThread { .. });
        let _rt = context::enter_runtime(allow_block_in_place)
            .unwrap_or_else(|| panic!("{}", context::NESTED_RUNTIME_PANIC));
        match &self.inner.scheduler {
            Scheduler::CurrentThread { sched, .. } => sched.block_on(future),
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread { sched, .. } => sched.block_on(future),
        }
    }

    /// Returns the flavor of the current runtime.
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        match &self.inner.scheduler {
            Scheduler::CurrentThread { .. } => RuntimeFlavor::CurrentThread,
            #[cfg(feature = "rt-multi-thread")]
            Scheduler::MultiThread { .. } => RuntimeFlavor::MultiThread,
        }
    }

    /// Returns the [`Id`] of the current runtime.
    pub fn id(&self) -> Id {
        Id(self.inner.id)
    }

    /// Returns a view that lets you get information about how the runtime
    /// is performing.
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics {
            handle: self.clone(),
        }
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("id", &self.id())
            .field("flavor", &self.runtime_flavor())
            .finish()
    }
}

/// An opaque ID that uniquely identifies a runtime relative to all other
/// currently running runtimes.
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq)]
pub struct Id(NonZeroU64);

impl Id {
    pub(crate) fn next() -> NonZeroU64 {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        NonZeroU64::new(NEXT.fetch_add(1, Ordering::Relaxed)).expect("runtime id overflow")
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Error returned by [`Handle::try_current`] when no runtime is current.
pub struct TryCurrentError {
    _private: (),
}

impl TryCurrentError {
    /// Returns true if the call failed because there is currently no
    /// runtime in the rt context.
    pub fn is_missing_context(&self) -> bool {
        true
    }

    /// Returns true if the call failed because the thread-local context was
    /// already destroyed. This happens when `Handle::try_current` is called
    /// from a thread-local destructor.
    pub fn is_thread_local_destroyed(&self) -> bool {
        false
    }
}

impl fmt::Debug for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryCurrentError").finish()
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(NO_RUNTIME)
    }
}

impl Error for TryCurrentError {}

//! The one thread-local runtime context.
//!
//! It holds, for the current thread: the current runtime handle (what
//! `spawn` uses, type-erased and owned by the facade), one slot per driver
//! (I/O, time, blocking, signal; each read and downcast by the crate that owns
//! the driver), the scheduler currently running on this thread (scoped), the
//! id of the task being polled, the cooperative budget, and whether the
//! thread is inside a runtime (to reject nested `block_on`).
//!
//! A runtime is entered with ONE guard ([`enter`]) that sets the handle and
//! all driver slots at once and restores the previous values on drop.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::ptr::NonNull;
use std::sync::Arc;

use crate::coop::Budget;
use crate::task::Id;

/// A type-erased, shareable handle stored in the context.
pub type AnyHandle = Arc<dyn Any + Send + Sync>;

/// The driver slots of the context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Driver {
    /// The I/O reactor's handle.
    Io = 0,
    /// The timer driver's handle.
    Time = 1,
    /// The blocking pool's spawner.
    Blocking = 2,
    /// The signal driver's handle.
    Signal = 3,
}

const DRIVERS: usize = 4;

/// Everything [`enter`] installs.
#[derive(Clone, Default)]
pub struct Handles {
    /// The runtime handle (the facade's `Handle` internals).
    pub runtime: Option<AnyHandle>,
    /// Driver handles, indexed by [`Driver`].
    pub drivers: [Option<AnyHandle>; DRIVERS],
}

impl std::fmt::Debug for Handles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handles")
            .field("runtime", &self.runtime.is_some())
            .finish()
    }
}

impl Handles {
    /// Sets one driver slot.
    pub fn with_driver(mut self, driver: Driver, handle: AnyHandle) -> Self {
        self.drivers[driver as usize] = Some(handle);
        self
    }
}

/// The part of the context that owns values (handles), so its thread-local
/// has a destructor.
struct Context {
    handles: RefCell<Handles>,
}

/// The per-poll part: plain `Copy` cells, so its thread-local needs no
/// destructor and every access is a plain load or store (no registration
/// check); it is touched several times per task poll.
struct Hot {
    scheduler: Cell<Option<NonNull<dyn Any>>>,
    current_task_id: Cell<Option<Id>>,
    /// The task being polled (its header address), for the self-yield fast
    /// path; `None` outside a poll (also while a future is dropped).
    current_task: Cell<Option<NonNull<()>>>,
    /// The task being polled woke itself through [`self_wake`].
    self_woken: Cell<bool>,
    budget: Cell<Budget>,
    runtime: Cell<EnterRuntime>,
}

/// Whether the thread is driving a runtime (inside `block_on` or a worker).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnterRuntime {
    /// Inside a runtime.
    Entered {
        /// Whether `block_in_place` may be used (multi-thread workers).
        allow_block_in_place: bool,
    },
    /// Not inside a runtime.
    NotEntered,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            handles: RefCell::new(Handles {
                runtime: None,
                drivers: [const { None }; DRIVERS],
            }),
        }
    };
    static HOT: Hot = const {
        Hot {
            scheduler: Cell::new(None),
            current_task_id: Cell::new(None),
            current_task: Cell::new(None),
            self_woken: Cell::new(false),
            budget: Cell::new(Budget::unconstrained()),
            runtime: Cell::new(EnterRuntime::NotEntered),
        }
    };
}

// `HOT` must stay destructor-free (see `Hot`).
const _: () = assert!(!std::mem::needs_drop::<Hot>());

/// Restores the previous handles when dropped. Returned by [`enter`].
#[must_use = "the runtime is exited when the guard is dropped"]
#[derive(Debug)]
pub struct EnterGuard {
    prev: Option<Handles>,
    _not_send: std::marker::PhantomData<*const ()>,
}

/// Installs `handles` as the current context of this thread until the guard
/// is dropped. Guards nest and must be dropped in reverse order.
pub fn enter(handles: Handles) -> EnterGuard {
    let prev = CONTEXT
        .try_with(|c| c.handles.replace(handles))
        .expect("the thread-local runtime context has been destroyed");
    EnterGuard {
        prev: Some(prev),
        _not_send: std::marker::PhantomData,
    }
}

impl Drop for EnterGuard {
    fn drop(&mut self) {
        if let Some(prev) = self.prev.take() {
            let _ = CONTEXT.try_with(|c| drop(c.handles.replace(prev)));
        }
    }
}

/// Calls `f` with the current runtime handle, if any.
pub fn with_runtime<R>(f: impl FnOnce(Option<&AnyHandle>) -> R) -> R {
    let mut f = Some(f);
    CONTEXT
        .try_with(|c| {
            let h = c.handles.borrow();
            (f.take().unwrap())(h.runtime.as_ref())
        })
        .unwrap_or_else(|_| (f.take().unwrap())(None))
}

/// Returns a clone of the current runtime handle, if any.
pub fn runtime() -> Option<AnyHandle> {
    with_runtime(|h| h.cloned())
}

/// Returns the current handle of `driver` downcast to `T`, if one is set
/// and has that type.
pub fn driver<T: Any + Send + Sync>(driver: Driver) -> Option<Arc<T>> {
    CONTEXT
        .try_with(|c| c.handles.borrow().drivers[driver as usize].clone())
        .ok()
        .flatten()
        .and_then(|h| h.downcast::<T>().ok())
}

/// Calls `f` with a reference to the current handle of `driver`, downcast
/// to `T` (no reference-count traffic).
pub fn with_driver<T: Any, R>(driver: Driver, f: impl FnOnce(Option<&T>) -> R) -> R {
    let mut f = Some(f);
    CONTEXT
        .try_with(|c| {
            let h = c.handles.borrow();
            let t = h.drivers[driver as usize]
                .as_ref()
                .and_then(|h| (**h).downcast_ref::<T>());
            (f.take().unwrap())(t)
        })
        .unwrap_or_else(|_| (f.take().unwrap())(None))
}

/// Runs `f` with `scheduler` recorded as the scheduler running on this
/// thread; [`with_scheduler`] finds it. Restores the previous one after,
/// also on unwind.
pub fn set_scheduler<R>(scheduler: &dyn Any, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<NonNull<dyn Any>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = HOT.try_with(|c| c.scheduler.set(self.0));
        }
    }
    // Erase the lifetime: the pointer is only dereferenced by
    // `with_scheduler` while this call (and so the borrow) is live, and the
    // guard restores the previous value before `scheduler` goes out of scope.
    let ptr: NonNull<dyn Any + '_> = NonNull::from(scheduler);
    // SAFETY: only the (unused for dyn Any + 'static) lifetime bound changes;
    // see the comment above for why the pointer never outlives the borrow.
    let ptr: NonNull<dyn Any> = unsafe { std::mem::transmute(ptr) };
    let prev = HOT
        .try_with(|c| c.scheduler.replace(Some(ptr)))
        .expect("the thread-local runtime context has been destroyed");
    let _reset = Reset(prev);
    f()
}

/// Calls `f` with the scheduler running on this thread if it is a `T`.
#[inline]
pub fn with_scheduler<T: Any, R>(f: impl FnOnce(Option<&T>) -> R) -> R {
    let ptr = HOT.try_with(|c| c.scheduler.get()).ok().flatten();
    // SAFETY: the pointer was stored by `set_scheduler`, whose borrow is
    // still live (it resets the cell before returning).
    let any = ptr.map(|p| unsafe { p.as_ref() });
    f(any.and_then(|a| a.downcast_ref::<T>()))
}

#[inline]
pub(crate) fn current_task_id() -> Option<Id> {
    HOT.try_with(|c| c.current_task_id.get()).ok().flatten()
}

/// Sets the current task (id, and cell while polling) while a task's future
/// is polled or dropped; restores the previous one on drop (polls nest when a
/// task drives a `LocalSet`).
pub(crate) struct TaskIdGuard {
    prev_id: Option<Id>,
    prev_task: Option<NonNull<()>>,
    prev_woken: bool,
}

impl TaskIdGuard {
    /// `task`: the header of the task about to be polled, or `None` when
    /// its future (or output) is only dropped.
    #[inline]
    pub(crate) fn enter(id: Id, task: Option<NonNull<()>>) -> TaskIdGuard {
        // (Not `unwrap_or(TaskIdGuard { .. })`: that fallback guard would be
        // built and dropped, undoing what was just set.)
        let prev = HOT
            .try_with(|c| {
                (
                    c.current_task_id.replace(Some(id)),
                    c.current_task.replace(task),
                    c.self_woken.replace(false),
                )
            })
            .unwrap_or((None, None, false));
        TaskIdGuard {
            prev_id: prev.0,
            prev_task: prev.1,
            prev_woken: prev.2,
        }
    }

    /// Restores the previous task (as dropping the guard does) and returns
    /// whether the polled task woke itself through [`self_wake`] meanwhile.
    #[inline]
    pub(crate) fn exit(self) -> bool {
        let this = std::mem::ManuallyDrop::new(self);
        HOT.try_with(|c| {
            c.current_task_id.set(this.prev_id);
            c.current_task.set(this.prev_task);
            c.self_woken.replace(this.prev_woken)
        })
        .unwrap_or(false)
    }
}

impl Drop for TaskIdGuard {
    #[inline]
    fn drop(&mut self) {
        let _ = HOT.try_with(|c| {
            c.current_task_id.set(self.prev_id);
            c.current_task.set(self.prev_task);
            c.self_woken.set(self.prev_woken);
        });
    }
}

/// Wakes the task being polled on this thread if `waker` is its own waker,
/// without touching the task's state word: the poller sees the mark when the
/// poll returns `Pending` and reschedules the task (as if it had yielded).
/// Returns false, doing nothing, if `waker` is another waker (the caller
/// then wakes it normally).
#[inline]
pub(crate) fn self_wake(waker: &std::task::Waker) -> bool {
    if !crate::task::is_task_waker(waker) {
        return false;
    }
    HOT.try_with(|c| {
        let own = c.current_task.get().map(|p| p.as_ptr().cast_const()) == Some(waker.data());
        if own {
            c.self_woken.set(true);
        }
        own
    })
    .unwrap_or(false)
}

#[inline]
pub(crate) fn budget() -> Option<Budget> {
    HOT.try_with(|c| c.budget.get()).ok()
}

#[inline]
pub(crate) fn set_budget(b: Budget) -> Option<Budget> {
    HOT.try_with(|c| c.budget.replace(b)).ok()
}

/// Marks this thread as driving a runtime until the guard is dropped.
/// Returns `None` if it already is (a nested `block_on`).
pub fn enter_runtime(allow_block_in_place: bool) -> Option<EnterRuntimeGuard> {
    HOT.try_with(|c| {
        if c.runtime.get() != EnterRuntime::NotEntered {
            return None;
        }
        c.runtime.set(EnterRuntime::Entered {
            allow_block_in_place,
        });
        Some(EnterRuntimeGuard {
            _not_send: std::marker::PhantomData,
        })
    })
    .ok()
    .flatten()
}

/// The message of the panic raised by a nested `block_on`.
pub const NESTED_RUNTIME_PANIC: &str = "Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks.";

/// Whether this thread is driving a runtime.
pub fn runtime_state() -> EnterRuntime {
    HOT.try_with(|c| c.runtime.get())
        .unwrap_or(EnterRuntime::NotEntered)
}

/// Runs `f` as if this thread were not driving a runtime (used by
/// `block_in_place`, whose closure may call `block_on`).
pub fn exit_runtime<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(EnterRuntime);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = HOT.try_with(|c| c.runtime.set(self.0));
        }
    }
    let prev = HOT
        .try_with(|c| c.runtime.replace(EnterRuntime::NotEntered))
        .unwrap_or(EnterRuntime::NotEntered);
    let _reset = Reset(prev);
    f()
}

/// Leaves the "inside a runtime" state when dropped.
#[derive(Debug)]
pub struct EnterRuntimeGuard {
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Drop for EnterRuntimeGuard {
    fn drop(&mut self) {
        let _ = HOT.try_with(|c| c.runtime.set(EnterRuntime::NotEntered));
    }
}

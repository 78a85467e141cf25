//! The `Waker` of a task: its data pointer is the task header; each waker
//! owns one reference (except the borrowed one handed to `poll`).

use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

use super::raw::{Header, RawTask};
use super::state::ToNotified;

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_waker);

/// A waker for the task at `ptr` that does not own a reference. The caller
/// must hold a reference for as long as the waker (not its clones) is used.
pub(crate) fn borrowed(ptr: NonNull<Header>) -> ManuallyDrop<Waker> {
    let raw = RawWaker::new(ptr.as_ptr() as *const (), &VTABLE);
    // SAFETY: VTABLE's functions uphold the RawWaker contract for a task
    // header pointer; the ManuallyDrop keeps this borrowed waker from
    // releasing a reference it does not own.
    ManuallyDrop::new(unsafe { Waker::from_raw(raw) })
}

/// Whether `waker` is the waker of some task (built with this module's
/// vtable); its data pointer is then the task's header.
#[inline]
pub(crate) fn is_task_waker(waker: &Waker) -> bool {
    std::ptr::eq(waker.vtable(), &VTABLE)
}

fn raw(ptr: *const ()) -> RawTask {
    // SAFETY: every RawWaker built with VTABLE carries a non-null header pointer.
    RawTask::from_raw(unsafe { NonNull::new_unchecked(ptr as *mut Header) })
}

unsafe fn clone(ptr: *const ()) -> RawWaker {
    raw(ptr).ref_inc();
    RawWaker::new(ptr, &VTABLE)
}

unsafe fn wake(ptr: *const ()) {
    let task = raw(ptr);
    match task.state().transition_to_notified_by_val() {
        // The transition took a reference for the Notified; the waker's own
        // keeps the cell (and so the scheduler's `&self`) alive until
        // `schedule` has returned, even if the scheduler drops the task or
        // another thread runs it to completion meanwhile.
        ToNotified::Submit => {
            task.schedule();
            task.drop_reference();
        }
        ToNotified::Dealloc => task.dealloc(),
        ToNotified::DoNothing => {}
    }
}

unsafe fn wake_by_ref(ptr: *const ()) {
    let task = raw(ptr);
    match task.state().transition_to_notified_by_ref() {
        ToNotified::Submit => task.schedule(),
        ToNotified::Dealloc => unreachable!("wake_by_ref never drops a reference"),
        ToNotified::DoNothing => {}
    }
}

unsafe fn drop_waker(ptr: *const ()) {
    raw(ptr).drop_reference();
}

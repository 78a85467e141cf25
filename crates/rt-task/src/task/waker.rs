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
        // The waker's reference becomes the Notified's.
        ToNotified::Submit => task.schedule(),
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

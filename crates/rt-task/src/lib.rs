//! `rt-task`: the task core of the rt runtime.
//!
//! * the task cell (one allocation per task) and its atomic state machine
//!   ([`task`]), [`JoinHandle`], [`AbortHandle`], [`JoinError`], task [`Id`]s,
//!   and the [`OwnedTasks`] list that shutdown drains;
//! * the contracts between the layers: [`Schedule`] (what a task asks of its
//!   scheduler) and [`Park`]/[`Unpark`] (what a driver offers a scheduler),
//!   with [`ParkThread`];
//! * the cooperative budget ([`coop`]), [`yield_now`], [`task_local!`](macro@task_local), and
//!   the one thread-local runtime [`context`].
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod context;
pub mod coop;
pub(crate) mod loom;
pub mod park;
pub mod spin;
pub mod task;
pub mod task_local;
mod yield_now;

pub use coop::{consume_budget, unconstrained, Unconstrained};
pub use park::{Park, ParkThread, Unpark, UnparkThread};
pub use task::{
    id, try_id, unowned, AbortHandle, Id, JoinError, JoinHandle, Notified, OwnedTasks, Schedule,
    Task, UnownedTask,
};
pub use yield_now::yield_now;

//! `rt-sched-local`: the current-thread scheduler of the rt runtime.
//!
//! * [`CurrentThread`] runs every task on the thread that calls
//!   [`block_on`](CurrentThread::block_on); it is generic over any
//!   [`rt_task::Park`] driver, so tests can swap the reactor.
//! * [`LocalSet`] runs `!Send` tasks on one thread; [`spawn_local`] spawns
//!   onto the current one.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod current_thread;
mod local_set;

pub use current_thread::{Config, CurrentThread, Handle};
pub use local_set::{spawn_local, try_spawn_local, LocalScheduler, LocalSet, RunUntil};

//! A multi-producer, single-consumer queue for sending values between
//! asynchronous tasks.
//!
//! This module provides two variants of the channel: bounded and unbounded.
//! The bounded variant has a limit on the number of messages that the
//! channel can store, and if this limit is reached, trying to send another
//! message will wait until a message is received from the channel. An
//! unbounded channel has an infinite capacity, so the `send` method will
//! always complete immediately. This makes the [`UnboundedSender`] usable
//! from both synchronous and asynchronous code.
//!
//! Similar to the `mpsc` channels provided by `std`, the channel
//! constructor functions provide separate send and receive handles,
//! [`Sender`] and [`Receiver`] for the bounded channel, [`UnboundedSender`]
//! and [`UnboundedReceiver`] for the unbounded channel. If there is no
//! message to read, the current task will be notified when a new value is
//! sent. [`Sender`] and [`UnboundedSender`] allow sending values into the
//! channel. If the bounded channel is at capacity, the send is rejected and
//! the task will be notified when additional capacity is available. In
//! other words, the channel provides backpressure.
//!
//! The channels work under any executor, and the `blocking_*` methods let
//! plain threads take part.
//!
//! # Disconnection
//!
//! When all [`Sender`] handles have been dropped, it is no longer possible
//! to send values into the channel. This is considered the termination
//! event of the stream. As such, `Receiver::recv` returns `None` once the
//! buffered messages are drained.
//!
//! If the [`Receiver`] handle is dropped, then messages can no longer be
//! read out of the channel. In this case, all further attempts to send will
//! result in an error. Additionally, all unread messages will be drained
//! from the channel and dropped.
//!
//! # Cooperative scheduling
//!
//! Receiving (and waiting for capacity) consumes the task's cooperative
//! budget, so a task that drains a channel that always has messages still
//! yields to its peers now and then.

mod bounded;
mod chan;
pub mod error;
mod list;
mod unbounded;

pub use bounded::{channel, OwnedPermit, Permit, PermitIterator, Receiver, Sender, WeakSender};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};

//! The I/O utilities: extension traits, buffered wrappers, copies, in-memory
//! pipes and small adapters.

/// Buffer size of `BufReader`, `BufWriter`, `copy` and `copy_bidirectional`.
pub(crate) const DEFAULT_BUF_SIZE: usize = 8 * 1024;

/// Spends one unit of the task's cooperative budget (rt-task's `coop`):
/// `Pending` (with the task woken) once the budget is exhausted. For
/// operations that always complete, so the unit is kept.
#[inline]
pub(crate) fn poll_proceed_and_make_progress(
    cx: &mut std::task::Context<'_>,
) -> std::task::Poll<()> {
    let coop = std::task::ready!(rt_task::coop::poll_proceed(cx));
    coop.made_progress();
    std::task::Poll::Ready(())
}

mod async_buf_read_ext;
mod async_read_ext;
mod async_seek_ext;
mod async_write_ext;
pub(crate) mod buf_read;
pub(crate) mod buf_reader;
mod buf_stream;
pub(crate) mod buf_writer;
pub(crate) mod chain;
mod copy;
mod empty;
mod join;
mod lines;
mod mem;
pub(crate) mod read;
mod seek;
mod split_seg;
pub(crate) mod take;
pub(crate) mod write;

pub use async_buf_read_ext::AsyncBufReadExt;
pub use async_read_ext::AsyncReadExt;
pub use async_seek_ext::AsyncSeekExt;
pub use async_write_ext::AsyncWriteExt;
pub use buf_reader::BufReader;
pub use buf_stream::BufStream;
pub use buf_writer::BufWriter;
pub use chain::Chain;
pub use copy::{copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf};
pub use empty::{empty, repeat, sink, Empty, Repeat, Sink};
pub use join::{join, Join};
pub use lines::Lines;
pub use mem::{duplex, simplex, DuplexStream, SimplexStream};
pub use split_seg::Split;
pub use take::Take;

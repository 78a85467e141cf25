//! The future returned by [`AsyncSeekExt`](crate::AsyncSeekExt).

use crate::AsyncSeek;

use std::future::Future;
use std::io::{self, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Future for the [`seek`](crate::AsyncSeekExt::seek) method.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Seek<'a, S: ?Sized> {
    seek: &'a mut S,
    /// The position still to submit; `None` once `start_seek` was called.
    pos: Option<SeekFrom>,
}

impl<'a, S: ?Sized> Seek<'a, S> {
    pub(crate) fn new(seek: &'a mut S, pos: SeekFrom) -> Self {
        Seek {
            seek,
            pos: Some(pos),
        }
    }
}

impl<S: AsyncSeek + Unpin + ?Sized> Future for Seek<'_, S> {
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let me = self.get_mut();
        if let Some(pos) = me.pos {
            // Let a seek that is still in flight finish before starting ours.
            ready!(Pin::new(&mut *me.seek).poll_complete(cx))?;
            me.pos = None;
            Pin::new(&mut *me.seek).start_seek(pos)?;
        }
        Pin::new(&mut *me.seek).poll_complete(cx)
    }
}

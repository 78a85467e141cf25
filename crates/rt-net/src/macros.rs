//! The plumbing the TCP and Unix-socket types share, written once.
//!
//! Every socket type wraps a `PollEvented<mio source>` in a field named
//! `io`. The public methods must exist on each type with Tokio's names and
//! signatures (`TcpStream::try_read` and `UnixStream::try_read` are two
//! methods, not one generic one), so the shared parts are macros that write
//! those methods once for every type:
//!
//! ```text
//! fd_traits!        TryFrom<std>, Debug, AsRawFd, AsFd      (every socket type)
//! stream_io!        readiness, try_*, split, AsyncRead/Write (TcpStream, UnixStream)
//! stream_halves!    ReadHalf/WriteHalf, Owned*, reunite      (tcp::, unix::)
//! datagram_io!      send/recv plumbing, readiness            (UdpSocket, UnixDatagram)
//! listener_accept!  accept, poll_accept                      (TcpListener, UnixListener)
//! ```
//!
//! The logic itself lives in `rt-reactor` (`PollEvented`, `Registration`)
//! and in the macros' bodies, each written once; the macros bind names to
//! it.

/// `TryFrom<$std>`, `Debug`, `AsRawFd` and `AsFd` for `$ty` (field `io`).
macro_rules! fd_traits {
    ($ty:ident, $std:ty) => {
        impl ::std::convert::TryFrom<$std> for $ty {
            type Error = ::std::io::Error;

            #[doc = concat!(
                        "Consumes the std value, returning the rt I/O object: the same as [`",
                        stringify!($ty),
                        "::from_std`]."
                    )]
            fn try_from(value: $std) -> ::std::io::Result<Self> {
                Self::from_std(value)
            }
        }

        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&*self.io, f)
            }
        }

        impl ::std::os::unix::io::AsRawFd for $ty {
            fn as_raw_fd(&self) -> ::std::os::unix::io::RawFd {
                ::std::os::unix::io::AsRawFd::as_raw_fd(&*self.io)
            }
        }

        impl ::std::os::unix::io::AsFd for $ty {
            fn as_fd(&self) -> ::std::os::unix::io::BorrowedFd<'_> {
                ::std::os::unix::io::AsFd::as_fd(&*self.io)
            }
        }
    };
}

/// Readiness methods shared by the stream and datagram types: `ready`,
/// `readable`, `writable`, the single-waker polls (named `$poll_read` and
/// `$poll_write`), `try_io`, `async_io`, `take_error`.
macro_rules! readiness_methods {
    ($poll_read:ident, $poll_write:ident) => {
        /// Waits for any of the requested ready states.
        ///
        /// This function is usually paired with the `try_*` methods. It can
        /// be used to concurrently read and write the same socket from a
        /// single task. Fails only if the runtime is gone.
        pub async fn ready(
            &self,
            interest: ::rt_reactor::Interest,
        ) -> ::std::io::Result<::rt_reactor::Ready> {
            let event = self.io.registration().readiness(interest).await?;
            Ok(event.ready())
        }

        /// Waits for the socket to become readable.
        pub async fn readable(&self) -> ::std::io::Result<()> {
            self.ready(::rt_reactor::Interest::READABLE).await?;
            Ok(())
        }

        /// Waits for the socket to become writable.
        pub async fn writable(&self) -> ::std::io::Result<()> {
            self.ready(::rt_reactor::Interest::WRITABLE).await?;
            Ok(())
        }

        /// Polls for read readiness.
        ///
        #[doc = concat!("Note that on multiple calls to `", stringify!($poll_read), "`, only the `Waker`")]
        /// from the `Context` passed to the most recent call is scheduled to
        /// receive a wakeup.
        pub fn $poll_read(
            &self,
            cx: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io.registration().poll_read_ready(cx).map_ok(|_| ())
        }

        /// Polls for write readiness.
        ///
        #[doc = concat!("Note that on multiple calls to `", stringify!($poll_write), "`, only the `Waker`")]
        /// from the `Context` passed to the most recent call is scheduled to
        /// receive a wakeup.
        pub fn $poll_write(
            &self,
            cx: &mut ::std::task::Context<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            self.io.registration().poll_write_ready(cx).map_ok(|_| ())
        }

        /// Tries to read or write from the socket using a user-provided I/O
        /// operation.
        ///
        /// If the socket is ready, the provided closure is called. The
        /// closure should attempt to perform I/O on the socket by manually
        /// calling the appropriate syscall. If the operation fails because
        /// the socket is not actually ready, then the closure should return
        /// a `WouldBlock` error and the readiness flag is cleared.
        pub fn try_io<R>(
            &self,
            interest: ::rt_reactor::Interest,
            f: impl FnOnce() -> ::std::io::Result<R>,
        ) -> ::std::io::Result<R> {
            self.io.registration().try_io(interest, f)
        }

        /// Reads or writes from the socket using a user-provided I/O
        /// operation, waiting for readiness and retrying while it returns
        /// `WouldBlock`.
        pub async fn async_io<R>(
            &self,
            interest: ::rt_reactor::Interest,
            f: impl FnMut() -> ::std::io::Result<R>,
        ) -> ::std::io::Result<R> {
            self.io.registration().async_io(interest, f).await
        }

        /// Returns the value of the `SO_ERROR` option.
        pub fn take_error(&self) -> ::std::io::Result<Option<::std::io::Error>> {
            self.io.take_error()
        }
    };
}

/// The methods and I/O traits of a connected stream type `$ty` whose field
/// `io` is a `PollEvented<$mio>`; `$m` is its module (`tcp` or `unix`),
/// which holds the split halves. The type itself provides
/// `from_io(PollEvented<$mio>) -> Self` and the read loop
/// `poll_read_slice(&self, cx, &mut [u8]) -> Poll<io::Result<usize>>`.
macro_rules! stream_io {
    ($ty:ident, $mio:ty, $m:ident) => {
        impl $ty {
            pub(crate) fn new(sys: $mio) -> ::std::io::Result<$ty> {
                Ok($ty::from_io(
                    ::rt_reactor::PollEvented::new(sys)?.without_deregister_on_drop(),
                ))
            }

            pub(crate) fn new_with_handle(
                sys: $mio,
                handle: ::rt_reactor::Handle,
            ) -> ::std::io::Result<$ty> {
                Ok($ty::from_io(
                    ::rt_reactor::PollEvented::new_with_interest_and_handle(
                        sys,
                        ::rt_reactor::Interest::READABLE | ::rt_reactor::Interest::WRITABLE,
                        handle,
                    )?
                    .without_deregister_on_drop(),
                ))
            }

            /// Registers a stream whose non-blocking `connect` was started
            /// and waits for it to finish (writable means it finished,
            /// either way; `SO_ERROR` tells which).
            pub(crate) async fn connect_mio(sys: $mio) -> ::std::io::Result<$ty> {
                let stream = $ty::new(sys)?;
                let ev =
                    ::std::future::poll_fn(|cx| stream.io.registration().poll_write_ready(cx))
                        .await?;
                // A failed connect closes the socket, which the kernel
                // reports as write-closed (`EPOLLHUP`) with the error; plain
                // writability without it means the connection was
                // established, and asking `SO_ERROR` (a system call per
                // connect) would only return no error.
                if ev.ready() != ::rt_reactor::Ready::WRITABLE {
                    if let Some(e) = stream.io.take_error()? {
                        return Err(e);
                    }
                }
                Ok(stream)
            }

            readiness_methods!(poll_read_ready, poll_write_ready);

            try_read_methods!($ty);
            try_write_methods!($ty);

            #[doc = concat!(
                        "Splits a `", stringify!($ty), "` into a read half and a write half, ",
                        "which can be used to read and write the stream concurrently.\n\n",
                        "This method is more efficient than [`into_split`](", stringify!($ty),
                        "::into_split), but the halves cannot be moved into independently ",
                        "spawned tasks."
                    )]
            pub fn split<'a>(
                &'a mut self,
            ) -> ($crate::$m::ReadHalf<'a>, $crate::$m::WriteHalf<'a>) {
                $crate::$m::split(self)
            }

            #[doc = concat!(
                        "Splits a `", stringify!($ty), "` into a read half and a write half, ",
                        "which can be used to read and write the stream concurrently.\n\n",
                        "Unlike [`split`](", stringify!($ty), "::split), the owned halves can be ",
                        "moved to separate tasks, however this comes at the cost of a heap ",
                        "allocation.\n\n",
                        "**Note:** Dropping the write half will shut down the write half of the ",
                        "stream. This is equivalent to calling ",
                        "[`shutdown()`](rt_io::AsyncWriteExt::shutdown) on the `",
                        stringify!($ty), "`."
                    )]
            pub fn into_split(self) -> ($crate::$m::OwnedReadHalf, $crate::$m::OwnedWriteHalf) {
                $crate::$m::split_owned(self)
            }

            /// Shuts down the read, write, or both halves of this
            /// connection.
            pub(crate) fn shutdown_std(&self, how: ::std::net::Shutdown) -> ::std::io::Result<()> {
                self.io.shutdown(how)
            }

            // == Poll I/O that takes `&self` (the halves use it too) ==

            /// A read into a `ReadBuf` once the stream is readable (what
            /// `AsyncRead` forwards to); the type's own `poll_read_slice`
            /// does the read.
            pub(crate) fn poll_read_priv(
                &self,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut ::rt_io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                let n = ::std::task::ready!(self.poll_read_slice(cx, buf.initialize_unfilled()))?;
                buf.advance(n);
                ::std::task::Poll::Ready(Ok(()))
            }

            poll_write_priv!();

            /// The reactor registration (for `rt-net`'s own tests and
            /// wrappers).
            #[doc(hidden)]
            pub fn registration(&self) -> &::rt_reactor::Registration {
                self.io.registration()
            }

            fn stream(&self) -> &$ty {
                self
            }

            fn shutdown_write(&mut self) -> ::std::io::Result<()> {
                self.shutdown_std(::std::net::Shutdown::Write)
            }
        }

        async_read_impl!($ty);
        async_write_impl!($ty);

        #[cfg(feature = "futures-io")]
        impl ::futures_io::AsyncRead for $ty {
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut [u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.poll_read_slice(cx, buf)
            }
        }

        #[cfg(feature = "futures-io")]
        write_trait_impl!(::futures_io::AsyncWrite, poll_close, $ty, {});
    };
}

/// `AsyncRead` for `$ty`, reading from the stream its private `stream()`
/// method returns.
macro_rules! async_read_impl {
    ($ty:ty) => {
        impl ::rt_io::AsyncRead for $ty {
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut ::rt_io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                self.stream().poll_read_priv(cx, buf)
            }
        }
    };
}

/// `AsyncWrite` for `$ty`, writing to the stream its private `stream()`
/// method returns; `poll_shutdown` calls its private `shutdown_write()`.
macro_rules! async_write_impl {
    ($ty:ty) => {
        write_trait_impl!(::rt_io::AsyncWrite, poll_shutdown, $ty, {
            fn is_write_vectored(&self) -> bool {
                true
            }
        });
    };
}

/// A write trait (`rt_io::AsyncWrite`, or `futures_io::AsyncWrite` whose
/// shutdown is called `poll_close`) for `$ty`, forwarding to the stream
/// its private `stream()` method returns; the shutdown method `$close`
/// calls its private `shutdown_write()`; `$extra` holds further methods.
macro_rules! write_trait_impl {
    ($trait:path, $close:ident, $ty:ty, { $($extra:item)* }) => {
        impl $trait for $ty {
            fn poll_write(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.stream().poll_write_priv(cx, buf)
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.stream().poll_write_vectored_priv(cx, bufs)
            }

            #[inline]
            fn poll_flush(
                self: ::std::pin::Pin<&mut Self>,
                _: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                // Sockets and pipes have nothing to flush.
                ::std::task::Poll::Ready(Ok(()))
            }

            fn $close(
                self: ::std::pin::Pin<&mut Self>,
                _: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(self.get_mut().shutdown_write())
            }

            $($extra)*
        }
    };
}

/// The read-side methods of a split half (borrowed or owned), forwarding to
/// `self.stream()`.
macro_rules! read_half_methods {
    ($stream:ident, $addr:ty) => {
        /// Waits for the socket to become readable.
        pub async fn readable(&self) -> ::std::io::Result<()> {
            self.stream().readable().await
        }

        #[doc = concat!("Tries to read data from the stream into the provided buffer (see [`", stringify!($stream), "::try_read`]).")]
        pub fn try_read(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
            self.stream().try_read(buf)
        }

        #[doc = concat!("Tries to read data from the stream into the provided buffers (see [`", stringify!($stream), "::try_read_vectored`]).")]
        pub fn try_read_vectored(
            &self,
            bufs: &mut [::std::io::IoSliceMut<'_>],
        ) -> ::std::io::Result<usize> {
            self.stream().try_read_vectored(bufs)
        }

        #[doc = concat!("Tries to read data from the stream into the spare capacity of `buf` (see [`", stringify!($stream), "::try_read_buf`]).")]
        pub fn try_read_buf<B: ::rt_io::BufMut>(&self, buf: &mut B) -> ::std::io::Result<usize> {
            self.stream().try_read_buf(buf)
        }

        half_common_methods!($stream, $addr);
    };
}

/// The write-side methods of a split half (borrowed or owned), forwarding
/// to `self.stream()`.
macro_rules! write_half_methods {
    ($stream:ident, $addr:ty) => {
        /// Waits for the socket to become writable.
        pub async fn writable(&self) -> ::std::io::Result<()> {
            self.stream().writable().await
        }

        #[doc = concat!("Tries to write a buffer to the stream (see [`", stringify!($stream), "::try_write`]).")]
        pub fn try_write(&self, buf: &[u8]) -> ::std::io::Result<usize> {
            self.stream().try_write(buf)
        }

        #[doc = concat!("Tries to write several buffers to the stream (see [`", stringify!($stream), "::try_write_vectored`]).")]
        pub fn try_write_vectored(&self, bufs: &[::std::io::IoSlice<'_>]) -> ::std::io::Result<usize> {
            self.stream().try_write_vectored(bufs)
        }

        half_common_methods!($stream, $addr);
    };
}

/// `ready`, `peer_addr` and `local_addr` of a split half.
macro_rules! half_common_methods {
    ($stream:ident, $addr:ty) => {
        #[doc = concat!("Waits for any of the requested ready states (see [`", stringify!($stream), "::ready`]).")]
        pub async fn ready(
            &self,
            interest: ::rt_reactor::Interest,
        ) -> ::std::io::Result<::rt_reactor::Ready> {
            self.stream().ready(interest).await
        }

        /// Returns the remote address that this stream is connected to.
        pub fn peer_addr(&self) -> ::std::io::Result<$addr> {
            self.stream().peer_addr()
        }

        /// Returns the local address that this stream is bound to.
        pub fn local_addr(&self) -> ::std::io::Result<$addr> {
            self.stream().local_addr()
        }
    };
}

/// The borrowed and owned halves of the stream type `$stream` (whose
/// addresses are `$addr`; `$kind` names it in the docs), with `split`,
/// `split_owned` and `reunite`. Expanded in the stream's module (`tcp` or
/// `unix`).
macro_rules! stream_halves {
    ($stream:ident, $addr:ty, $kind:literal) => {
        #[doc = concat!("Borrowed read half of a [`", stringify!($stream), "`], created by [`split`](", stringify!($stream), "::split).")]
        ///
        /// Reading from a `ReadHalf` is usually done using the convenience
        /// methods found on the [`AsyncReadExt`](rt_io::AsyncReadExt) trait.
        #[derive(Debug)]
        pub struct ReadHalf<'a>(&'a $stream);

        #[doc = concat!("Borrowed write half of a [`", stringify!($stream), "`], created by [`split`](", stringify!($stream), "::split).")]
        ///
        /// Note that in the [`AsyncWrite`](rt_io::AsyncWrite) implementation
        #[doc = concat!("of this type, `poll_shutdown` will shut down the ", $kind, " stream in the write direction.")]
        ///
        /// Writing to a `WriteHalf` is usually done using the convenience
        /// methods found on the [`AsyncWriteExt`](rt_io::AsyncWriteExt)
        /// trait.
        #[derive(Debug)]
        pub struct WriteHalf<'a>(&'a $stream);

        pub(crate) fn split(stream: &mut $stream) -> (ReadHalf<'_>, WriteHalf<'_>) {
            (ReadHalf(&*stream), WriteHalf(&*stream))
        }

        impl ReadHalf<'_> {
            read_half_methods!($stream, $addr);

            fn stream(&self) -> &$stream {
                self.0
            }
        }

        impl WriteHalf<'_> {
            write_half_methods!($stream, $addr);

            fn stream(&self) -> &$stream {
                self.0
            }

            fn shutdown_write(&mut self) -> ::std::io::Result<()> {
                self.0.shutdown_std(::std::net::Shutdown::Write)
            }
        }

        async_read_impl!(ReadHalf<'_>);
        async_write_impl!(WriteHalf<'_>);

        #[doc = concat!("Owned read half of a [`", stringify!($stream), "`], created by [`into_split`](", stringify!($stream), "::into_split).")]
        ///
        /// Reading from an `OwnedReadHalf` is usually done using the
        /// convenience methods found on the
        /// [`AsyncReadExt`](rt_io::AsyncReadExt) trait.
        #[derive(Debug)]
        pub struct OwnedReadHalf {
            inner: ::std::sync::Arc<$stream>,
        }

        #[doc = concat!("Owned write half of a [`", stringify!($stream), "`], created by [`into_split`](", stringify!($stream), "::into_split).")]
        ///
        /// Note that in the [`AsyncWrite`](rt_io::AsyncWrite) implementation
        #[doc = concat!("of this type, `poll_shutdown` will shut down the ", $kind, " stream in the write direction.")]
        #[doc = concat!("Dropping the write half will also shut down the write half of the ", $kind, " stream.")]
        ///
        /// Writing to an `OwnedWriteHalf` is usually done using the
        /// convenience methods found on the
        /// [`AsyncWriteExt`](rt_io::AsyncWriteExt) trait.
        #[derive(Debug)]
        pub struct OwnedWriteHalf {
            inner: ::std::sync::Arc<$stream>,
            shutdown_on_drop: bool,
        }

        pub(crate) fn split_owned(stream: $stream) -> (OwnedReadHalf, OwnedWriteHalf) {
            let arc = ::std::sync::Arc::new(stream);
            let read = OwnedReadHalf { inner: arc.clone() };
            let write = OwnedWriteHalf {
                inner: arc,
                shutdown_on_drop: true,
            };
            (read, write)
        }

        fn reunite(read: OwnedReadHalf, write: OwnedWriteHalf) -> Result<$stream, ReuniteError> {
            if ::std::sync::Arc::ptr_eq(&read.inner, &write.inner) {
                write.forget();
                // This unwrap cannot fail as the api does not allow creating
                // more than two Arcs, and we just dropped the other half.
                Ok(::std::sync::Arc::try_unwrap(read.inner)
                    .expect(concat!(stringify!($stream), ": try_unwrap failed in reunite")))
            } else {
                Err(ReuniteError(read, write))
            }
        }

        /// Error indicating that two halves were not from the same socket,
        /// and thus could not be reunited.
        #[derive(Debug)]
        pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

        impl ::std::fmt::Display for ReuniteError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(
                    f,
                    "tried to reunite halves that are not from the same socket"
                )
            }
        }

        impl ::std::error::Error for ReuniteError {}

        impl OwnedReadHalf {
            #[doc = concat!("Attempts to put the two halves of a `", stringify!($stream), "` back together and recover the original socket. Succeeds only if the two halves originated from the same call to [`into_split`](", stringify!($stream), "::into_split).")]
            pub fn reunite(self, other: OwnedWriteHalf) -> Result<$stream, ReuniteError> {
                reunite(self, other)
            }

            read_half_methods!($stream, $addr);

            fn stream(&self) -> &$stream {
                &self.inner
            }
        }

        impl OwnedWriteHalf {
            #[doc = concat!("Attempts to put the two halves of a `", stringify!($stream), "` back together and recover the original socket. Succeeds only if the two halves originated from the same call to [`into_split`](", stringify!($stream), "::into_split).")]
            pub fn reunite(self, other: OwnedReadHalf) -> Result<$stream, ReuniteError> {
                reunite(other, self)
            }

            /// Destroys the write half, but does not shut down the write
            /// half of the stream. Calling this is equivalent to dropping
            /// the write half without the shutdown-on-drop.
            pub fn forget(mut self) {
                self.shutdown_on_drop = false;
                drop(self);
            }

            write_half_methods!($stream, $addr);

            fn stream(&self) -> &$stream {
                &self.inner
            }

            /// Shuts the write direction down; once that succeeded, the
            /// drop does not do it again.
            fn shutdown_write(&mut self) -> ::std::io::Result<()> {
                let res = self.inner.shutdown_std(::std::net::Shutdown::Write);
                if res.is_ok() {
                    self.shutdown_on_drop = false;
                }
                res
            }
        }

        impl Drop for OwnedWriteHalf {
            fn drop(&mut self) {
                if self.shutdown_on_drop {
                    let _ = self.inner.shutdown_std(::std::net::Shutdown::Write);
                }
            }
        }

        async_read_impl!(OwnedReadHalf);
        async_write_impl!(OwnedWriteHalf);

        impl AsRef<$stream> for ReadHalf<'_> {
            fn as_ref(&self) -> &$stream {
                self.0
            }
        }

        impl AsRef<$stream> for WriteHalf<'_> {
            fn as_ref(&self) -> &$stream {
                self.0
            }
        }

        impl AsRef<$stream> for OwnedReadHalf {
            fn as_ref(&self) -> &$stream {
                &self.inner
            }
        }

        impl AsRef<$stream> for OwnedWriteHalf {
            fn as_ref(&self) -> &$stream {
                &self.inner
            }
        }
    };
}

/// The send/receive plumbing of a datagram socket type `$ty` (field `io`)
/// whose peer addresses are `$addr`, made from the mio address by `$wrap`.
macro_rules! datagram_io {
    ($ty:ident, $addr:ty, $wrap:expr) => {
        impl $ty {
            readiness_methods!(poll_recv_ready, poll_send_ready);

            /// Sends data on the socket to the remote address that the
            /// socket is connected to, returning the number of bytes sent.
            ///
            /// # Cancel safety
            ///
            /// This method is cancel safe: if it is cancelled, the message
            /// was not sent.
            pub async fn send(&self, buf: &[u8]) -> ::std::io::Result<usize> {
                self.io
                    .registration()
                    .async_io(::rt_reactor::Interest::WRITABLE, || self.io.send(buf))
                    .await
            }

            /// Attempts to send data on the socket to the remote address to
            /// which it was previously `connect`ed, registering the current
            /// task for wakeup if the socket is not writable.
            pub fn poll_send(
                &self,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.io
                    .registration()
                    .poll_write_io(cx, || self.io.send(buf))
            }

            /// Tries to send data on the socket to the remote address to
            /// which it is connected; `Err(WouldBlock)` if the socket is
            /// not ready.
            pub fn try_send(&self, buf: &[u8]) -> ::std::io::Result<usize> {
                self.io
                    .registration()
                    .try_io(::rt_reactor::Interest::WRITABLE, || self.io.send(buf))
            }

            /// Receives a single datagram message on the socket from the
            /// remote address to which it is connected. On success, returns
            /// the number of bytes read.
            ///
            /// The function must be called with valid byte array `buf` of
            /// sufficient size to hold the message bytes. If a message is
            /// too long to fit in the supplied buffer, excess bytes may be
            /// discarded.
            ///
            /// # Cancel safety
            ///
            /// This method is cancel safe: if it is cancelled, no data was
            /// received.
            pub async fn recv(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                self.io
                    .registration()
                    .async_io(::rt_reactor::Interest::READABLE, || self.io.recv(buf))
                    .await
            }

            /// Attempts to receive a single datagram message on the socket
            /// from the remote address to which it is `connect`ed,
            /// registering the current task for wakeup if none is ready.
            pub fn poll_recv(
                &self,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut ::rt_io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                let n = ::std::task::ready!(self
                    .io
                    .registration()
                    .poll_read_io(cx, || self.io.recv(buf.initialize_unfilled())))?;
                buf.advance(n);
                ::std::task::Poll::Ready(Ok(()))
            }

            /// Tries to receive a single datagram message on the socket from
            /// the remote address to which it is connected; `Err(WouldBlock)`
            /// if none is ready.
            pub fn try_recv(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                self.io
                    .registration()
                    .try_io(::rt_reactor::Interest::READABLE, || self.io.recv(buf))
            }

            /// Tries to receive a single datagram message into the spare
            /// capacity of `buf`, advancing it; `Err(WouldBlock)` if none is
            /// ready.
            pub fn try_recv_buf<B: ::rt_io::BufMut>(
                &self,
                buf: &mut B,
            ) -> ::std::io::Result<usize> {
                self.io
                    .registration()
                    .try_io(::rt_reactor::Interest::READABLE, || {
                        $crate::sys::read_buf(
                            ::std::os::unix::io::AsRawFd::as_raw_fd(&*self.io),
                            buf,
                        )
                    })
            }

            /// Receives a single datagram message into the spare capacity of
            /// `buf`, advancing it.
            pub async fn recv_buf<B: ::rt_io::BufMut>(
                &self,
                buf: &mut B,
            ) -> ::std::io::Result<usize> {
                self.io
                    .registration()
                    .async_io(::rt_reactor::Interest::READABLE, || {
                        $crate::sys::read_buf(
                            ::std::os::unix::io::AsRawFd::as_raw_fd(&*self.io),
                            &mut *buf,
                        )
                    })
                    .await
            }

            /// Receives a single datagram message on the socket. On success,
            /// returns the number of bytes read and the origin.
            ///
            /// # Cancel safety
            ///
            /// This method is cancel safe: if it is cancelled, no data was
            /// received.
            pub async fn recv_from(&self, buf: &mut [u8]) -> ::std::io::Result<(usize, $addr)> {
                let (n, addr) = self
                    .io
                    .registration()
                    .async_io(::rt_reactor::Interest::READABLE, || self.io.recv_from(buf))
                    .await?;
                Ok((n, ($wrap)(addr)))
            }

            /// Attempts to receive a single datagram on the socket,
            /// returning its origin, registering the current task for wakeup
            /// if none is ready.
            pub fn poll_recv_from(
                &self,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut ::rt_io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<$addr>> {
                let (n, addr) = ::std::task::ready!(self
                    .io
                    .registration()
                    .poll_read_io(cx, || self.io.recv_from(buf.initialize_unfilled())))?;
                buf.advance(n);
                ::std::task::Poll::Ready(Ok(($wrap)(addr)))
            }

            /// Tries to receive a single datagram message on the socket;
            /// `Err(WouldBlock)` if none is ready.
            pub fn try_recv_from(&self, buf: &mut [u8]) -> ::std::io::Result<(usize, $addr)> {
                let (n, addr) = self
                    .io
                    .registration()
                    .try_io(::rt_reactor::Interest::READABLE, || self.io.recv_from(buf))?;
                Ok((n, ($wrap)(addr)))
            }

            /// Returns the local address that this socket is bound to.
            pub fn local_addr(&self) -> ::std::io::Result<$addr> {
                self.io.local_addr().map($wrap)
            }

            /// Returns the address of the peer this socket was connected to.
            pub fn peer_addr(&self) -> ::std::io::Result<$addr> {
                self.io.peer_addr().map($wrap)
            }
        }
    };
}

/// `accept` and `poll_accept` of a listener type `$ty` (field `io`) whose
/// connections are `$stream` and addresses `$addr`, made by `$wrap`.
macro_rules! listener_accept {
    ($ty:ident, $stream:ident, $addr:ty, $wrap:expr) => {
        impl $ty {
            /// Accepts a new incoming connection from this listener.
            ///
            /// This function will yield once a new connection is established.
            /// When established, the corresponding stream and the remote
            /// peer's address will be returned.
            ///
            /// Running out of file descriptors (`EMFILE`, `ENFILE`) is
            /// returned at once; the next call tries again.
            ///
            /// # Cancel safety
            ///
            /// This method is cancel safe: if it is used as the event in a
            /// `select!` and another branch completes first, no connection
            /// was accepted.
            pub async fn accept(&self) -> ::std::io::Result<($stream, $addr)> {
                let (mio, addr) = self
                    .io
                    .registration()
                    .async_io(::rt_reactor::Interest::READABLE, || self.io.accept())
                    .await?;
                let stream =
                    $stream::new_with_handle(mio, self.io.registration().handle().clone())?;
                Ok((stream, ($wrap)(addr)))
            }

            /// Polls to accept a new incoming connection to this listener.
            ///
            /// If there is no connection to accept, `Poll::Pending` is
            /// returned and the current task will be notified by a waker.
            /// Note that on multiple calls to `poll_accept`, only the `Waker`
            /// from the `Context` passed to the most recent call is
            /// scheduled to receive a wakeup.
            pub fn poll_accept(
                &self,
                cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<($stream, $addr)>> {
                let (mio, addr) = ::std::task::ready!(self
                    .io
                    .registration()
                    .poll_read_io(cx, || self.io.accept()))?;
                let stream =
                    $stream::new_with_handle(mio, self.io.registration().handle().clone())?;
                ::std::task::Poll::Ready(Ok((stream, ($wrap)(addr))))
            }

            /// Returns the local address that this listener is bound to.
            pub fn local_addr(&self) -> ::std::io::Result<$addr> {
                self.io.local_addr().map($wrap)
            }
        }
    };
}

/// `try_read`, `try_read_vectored` and `try_read_buf` of `$ty` (field
/// `io`): the stream types and the pipe receiver.
macro_rules! try_read_methods {
    ($ty:ident) => {
        /// Tries to read data from the stream into the provided buffer,
        /// returning how many bytes were read.
        ///
        /// Returns `Ok(0)` at end of stream (the peer shut down its
        /// write side), and `Err(WouldBlock)` if no data is ready (then
        /// the readiness is cleared and `readable()` waits for the next
        /// notification).
        pub fn try_read(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
            self.io
                .registration()
                .try_io(::rt_reactor::Interest::READABLE, || {
                    ::std::io::Read::read(&mut &*self.io, buf)
                })
        }

        /// Tries to read data from the stream into the provided
        /// buffers, returning how many bytes were read (see
        #[doc = concat!("[`try_read`](", stringify!($ty), "::try_read)).")]
        pub fn try_read_vectored(
            &self,
            bufs: &mut [::std::io::IoSliceMut<'_>],
        ) -> ::std::io::Result<usize> {
            self.io
                .registration()
                .try_io(::rt_reactor::Interest::READABLE, || {
                    ::std::io::Read::read_vectored(&mut &*self.io, bufs)
                })
        }

        /// Tries to read data from the stream into the spare capacity of
        /// `buf`, advancing it, returning how many bytes were read (see
        #[doc = concat!("[`try_read`](", stringify!($ty), "::try_read)).")]
        pub fn try_read_buf<B: ::rt_io::BufMut>(&self, buf: &mut B) -> ::std::io::Result<usize> {
            self.io
                .registration()
                .try_io(::rt_reactor::Interest::READABLE, || {
                    $crate::sys::read_buf(::std::os::unix::io::AsRawFd::as_raw_fd(&*self.io), buf)
                })
        }
    };
}

/// `try_write` and `try_write_vectored` of `$ty` (field `io`): the stream
/// types and the pipe sender.
macro_rules! try_write_methods {
    ($ty:ident) => {
        /// Tries to write a buffer to the stream, returning how many
        /// bytes were written, or `Err(WouldBlock)` if the socket is not
        /// writable.
        pub fn try_write(&self, buf: &[u8]) -> ::std::io::Result<usize> {
            self.io
                .registration()
                .try_io(::rt_reactor::Interest::WRITABLE, || {
                    ::std::io::Write::write(&mut &*self.io, buf)
                })
        }

        /// Tries to write several buffers to the stream, returning how
        /// many bytes were written (see
        #[doc = concat!("[`try_write`](", stringify!($ty), "::try_write)).")]
        pub fn try_write_vectored(
            &self,
            bufs: &[::std::io::IoSlice<'_>],
        ) -> ::std::io::Result<usize> {
            self.io
                .registration()
                .try_io(::rt_reactor::Interest::WRITABLE, || {
                    ::std::io::Write::write_vectored(&mut &*self.io, bufs)
                })
        }
    };
}

/// `poll_read_priv`: a read into a `ReadBuf` once the source is readable
/// (what `AsyncRead` forwards to).
macro_rules! poll_read_priv {
    () => {
        pub(crate) fn poll_read_priv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &mut ::rt_io::ReadBuf<'_>,
        ) -> ::std::task::Poll<::std::io::Result<()>> {
            let n = ::std::task::ready!(self.io.poll_read(cx, buf.initialize_unfilled()))?;
            buf.advance(n);
            ::std::task::Poll::Ready(Ok(()))
        }
    };
}

/// `poll_write_priv` and `poll_write_vectored_priv` (what `AsyncWrite`
/// forwards to).
macro_rules! poll_write_priv {
    () => {
        pub(crate) fn poll_write_priv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            buf: &[u8],
        ) -> ::std::task::Poll<::std::io::Result<usize>> {
            self.io.poll_write(cx, buf)
        }

        pub(crate) fn poll_write_vectored_priv(
            &self,
            cx: &mut ::std::task::Context<'_>,
            bufs: &[::std::io::IoSlice<'_>],
        ) -> ::std::task::Poll<::std::io::Result<usize>> {
            self.io.poll_write_vectored(cx, bufs)
        }
    };
}

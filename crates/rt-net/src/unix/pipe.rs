//! Unix pipe types: anonymous pipes ([`pipe`]) and FIFOs ([`OpenOptions`]),
//! as Tokio's `net::unix::pipe`.
//!
//! ```text
//!  pipe() ─► (Sender, Receiver)          OpenOptions::open_sender(path)   ─► Sender
//!  from_file / from_owned_fd (checked)   OpenOptions::open_receiver(path) ─► Receiver
//!  Sender: AsyncWrite, try_write*, writable    Receiver: AsyncRead, try_read*, readable
//! ```
//!
//! Both ends are `PollEvented<mio::unix::pipe::…>`; the readiness and
//! `try_*` plumbing is the same macro code as the stream sockets'.

use std::fs::File;
use std::io;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::os::unix::io::{AsRawFd, OwnedFd};
use std::path::Path;

use rt_reactor::{Interest, PollEvented};

/// Creates a new anonymous Unix pipe: bytes written to the [`Sender`] can
/// be read from the [`Receiver`].
///
/// ```
/// use rt_io::{AsyncReadExt, AsyncWriteExt};
/// use rt_net::unix::pipe;
///
/// # futures::executor::block_on(async {
/// let (mut tx, mut rx) = pipe::pipe()?;
/// tx.write_all(b"hello").await?;
/// let mut buf = [0; 5];
/// rx.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hello");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
///
/// # Panics
///
/// Panics if an rt runtime is current but has I/O disabled.
#[track_caller]
pub fn pipe() -> io::Result<(Sender, Receiver)> {
    let (tx, rx) = mio::unix::pipe::new()?;
    Ok((Sender::new(tx)?, Receiver::new(rx)?))
}

/// Options and flags which can be used to configure how a FIFO file is
/// opened.
///
/// This builder allows configuring how to create a pipe end from a FIFO
/// file. Generally speaking, when using `OpenOptions`, you'll first call
/// [`new`], then chain calls to methods to set each option, then call
/// either [`open_receiver`] or [`open_sender`], passing the path of the
/// FIFO file you are trying to open.
///
/// [`new`]: OpenOptions::new
/// [`open_receiver`]: OpenOptions::open_receiver
/// [`open_sender`]: OpenOptions::open_sender
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    read_write: bool,
    unchecked: bool,
}

impl OpenOptions {
    /// Creates a blank new set of options ready for configuration: not
    /// read-write, checked.
    pub fn new() -> OpenOptions {
        OpenOptions::default()
    }

    /// Sets the option for read-write access (Linux only).
    ///
    /// This option, when true, will indicate that a FIFO file will be
    /// opened in read-write access mode. This mode is not defined by POSIX
    /// and is Linux-specific. It makes a sender open without a reader
    /// present, and keeps a receiver from seeing end-of-file when every
    /// writer goes away.
    pub fn read_write(&mut self, value: bool) -> &mut Self {
        self.read_write = value;
        self
    }

    /// Sets the option to skip the check for FIFO file type.
    ///
    /// By default, [`open_receiver`] and [`open_sender`] functions will
    /// check if the opened file is a FIFO file. Set this option to `true`
    /// if you are sure the file is a FIFO file.
    ///
    /// [`open_receiver`]: OpenOptions::open_receiver
    /// [`open_sender`]: OpenOptions::open_sender
    pub fn unchecked(&mut self, value: bool) -> &mut Self {
        self.unchecked = value;
        self
    }

    /// Creates a [`Receiver`] from a FIFO file with the options specified
    /// by `self`.
    ///
    /// Fails with `InvalidInput` if the file is not a FIFO (unless
    /// [`unchecked`](OpenOptions::unchecked) is set).
    #[track_caller]
    pub fn open_receiver<P: AsRef<Path>>(&self, path: P) -> io::Result<Receiver> {
        let file = self.open(path.as_ref(), PipeEnd::Receiver)?;
        Receiver::from_file_unchecked(file)
    }

    /// Creates a [`Sender`] from a FIFO file with the options specified by
    /// `self`.
    ///
    /// Without [`read_write`](OpenOptions::read_write), this fails with
    /// the OS error `ENXIO` when no process has the FIFO open for reading,
    /// as `open(2)` does in non-blocking mode.
    #[track_caller]
    pub fn open_sender<P: AsRef<Path>>(&self, path: P) -> io::Result<Sender> {
        let file = self.open(path.as_ref(), PipeEnd::Sender)?;
        Sender::from_file_unchecked(file)
    }

    fn open(&self, path: &Path, end: PipeEnd) -> io::Result<File> {
        let mut options = std::fs::OpenOptions::new();
        options
            .read(end == PipeEnd::Receiver || self.read_write)
            .write(end == PipeEnd::Sender || self.read_write)
            .custom_flags(libc::O_NONBLOCK);
        let file = options.open(path)?;
        if !self.unchecked && !is_fifo(&file)? {
            return Err(not_a_pipe());
        }
        Ok(file)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PipeEnd {
    Sender,
    Receiver,
}

fn not_a_pipe() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a pipe")
}

fn is_fifo(file: &File) -> io::Result<bool> {
    Ok(file.metadata()?.file_type().is_fifo())
}

/// Checks that `file` is a FIFO opened for `end` and makes it
/// non-blocking.
fn check_file(file: &File, end: PipeEnd) -> io::Result<()> {
    if !is_fifo(file)? {
        return Err(not_a_pipe());
    }
    let mode = crate::sys::access_mode(file.as_raw_fd())?;
    let ok = match end {
        PipeEnd::Sender => mode == libc::O_WRONLY || mode == libc::O_RDWR,
        PipeEnd::Receiver => mode == libc::O_RDONLY || mode == libc::O_RDWR,
    };
    if !ok {
        let msg = match end {
            PipeEnd::Sender => "not in O_WRONLY or O_RDWR access mode",
            PipeEnd::Receiver => "not in O_RDONLY or O_RDWR access mode",
        };
        return Err(io::Error::new(io::ErrorKind::InvalidInput, msg));
    }
    Ok(())
}

/// Writing end of a Unix pipe.
///
/// It can be constructed from a FIFO file with [`OpenOptions::open_sender`]
/// or from an anonymous pipe made by [`pipe`]. Writing is usually done
/// with the [`AsyncWriteExt`](rt_io::AsyncWriteExt) methods.
pub struct Sender {
    io: PollEvented<mio::unix::pipe::Sender>,
}

/// Reading end of a Unix pipe.
///
/// It can be constructed from a FIFO file with
/// [`OpenOptions::open_receiver`] or from an anonymous pipe made by
/// [`pipe`]. Reading is usually done with the
/// [`AsyncReadExt`](rt_io::AsyncReadExt) methods; a read of length 0 means
/// every writer is gone.
pub struct Receiver {
    io: PollEvented<mio::unix::pipe::Receiver>,
}

/// The constructors and conversions both pipe ends share.
macro_rules! pipe_end {
    ($ty:ident, $end:expr, $interest:expr, $wait:ident, $poll:ident, $reg_poll:ident) => {
        impl $ty {
            #[track_caller]
            fn new(mio: mio::unix::pipe::$ty) -> io::Result<$ty> {
                Ok($ty {
                    io: PollEvented::new_with_interest(mio, $interest)?
                        .without_deregister_on_drop(),
                })
            }

            #[doc = concat!("Creates a new `", stringify!($ty), "` from a FIFO file.")]
            ///
            /// Fails with `InvalidInput` if the file is not a FIFO or was
            /// not opened for this end's direction; sets it non-blocking.
            ///
            /// # Panics
            ///
            /// Panics if an rt runtime is current but has I/O disabled.
            #[track_caller]
            pub fn from_file(file: File) -> io::Result<$ty> {
                check_file(&file, $end)?;
                $ty::from_file_unchecked(file)
            }

            #[doc = concat!("Creates a new `", stringify!($ty), "` from an [`OwnedFd`] (checked as [`from_file`](", stringify!($ty), "::from_file)).")]
            #[track_caller]
            pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<$ty> {
                $ty::from_file(File::from(owned_fd))
            }

            #[doc = concat!("Creates a new `", stringify!($ty), "` from a FIFO file without checking its type or access mode; it is set non-blocking.")]
            #[track_caller]
            pub fn from_file_unchecked(file: File) -> io::Result<$ty> {
                $ty::from_owned_fd_unchecked(OwnedFd::from(file))
            }

            #[doc = concat!("Creates a new `", stringify!($ty), "` from an [`OwnedFd`] without checking it; it is set non-blocking.")]
            #[track_caller]
            pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<$ty> {
                let mio = mio::unix::pipe::$ty::from(owned_fd);
                mio.set_nonblocking(true)?;
                $ty::new(mio)
            }

            /// Converts the pipe end into an [`OwnedFd`] in blocking mode
            /// (deregistered from the reactor).
            pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
                let mio = self.io.into_inner()?;
                mio.set_nonblocking(false)?;
                Ok(OwnedFd::from(mio))
            }

            /// Converts the pipe end into an [`OwnedFd`] in non-blocking
            /// mode (deregistered from the reactor).
            pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
                Ok(OwnedFd::from(self.io.into_inner()?))
            }

            /// Waits for any of the requested ready states.
            pub async fn ready(
                &self,
                interest: Interest,
            ) -> io::Result<rt_reactor::Ready> {
                let event = self.io.registration().readiness(interest).await?;
                Ok(event.ready())
            }

            #[doc = concat!("Waits for the pipe to become ready for this end (`", stringify!($wait), "`).")]
            pub async fn $wait(&self) -> io::Result<()> {
                self.ready($interest).await?;
                Ok(())
            }

            /// Polls for this end's readiness. Only the most recent task is
            /// woken.
            pub fn $poll(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<io::Result<()>> {
                self.io.registration().$reg_poll(cx).map_ok(|_| ())
            }

            fn stream(&self) -> &$ty {
                self
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&*self.io, f)
            }
        }

        impl std::os::unix::io::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
                self.io.as_raw_fd()
            }
        }

        impl std::os::unix::io::AsFd for $ty {
            fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
                std::os::unix::io::AsFd::as_fd(&*self.io)
            }
        }
    };
}

pipe_end!(
    Sender,
    PipeEnd::Sender,
    Interest::WRITABLE,
    writable,
    poll_write_ready,
    poll_write_ready
);
pipe_end!(
    Receiver,
    PipeEnd::Receiver,
    Interest::READABLE,
    readable,
    poll_read_ready,
    poll_read_ready
);

impl Sender {
    try_write_methods!(Sender);
    poll_write_priv!();

    /// A pipe has no write direction to shut down apart from closing it:
    /// a no-op, as in Tokio.
    fn shutdown_write(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Receiver {
    try_read_methods!(Receiver);
    poll_read_priv!();
}

async_write_impl!(Sender);
async_read_impl!(Receiver);

//! [`File`]: an open file on the file system, read and written through the
//! blocking pool.

mod inner;

use std::fmt;
use std::fs::{File as StdFile, Metadata, Permissions};
use std::future::poll_fn;
use std::io::{self, IoSlice, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use rt_io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};

use crate::blocking::asyncify;
use crate::OpenOptions;

use inner::Inner;

/// A reference to an open file on the filesystem.
///
/// This is a specialized version of [`std::fs::File`] for usage from the
/// rt runtime (Tokio's `tokio::fs::File`).
///
/// An instance of a `File` can be read and/or written depending on what
/// options it was opened with. Files also implement [`AsyncSeek`] to alter
/// the logical cursor that the file contains internally.
///
/// A file will not be closed immediately when it goes out of scope if there
/// are any IO operations that have not yet completed. To ensure that a file
/// is closed immediately when it is dropped, you should call
/// [`flush`](rt_io::AsyncWriteExt::flush) before dropping it. Note that this
/// does not ensure that the file has been fully written to disk; the
/// operating system might keep the changes around in an in-memory buffer.
/// See the [`sync_all`](File::sync_all) method for telling the OS to write
/// the data to disk.
///
/// Reading and writing to a `File` is usually done using the convenience
/// methods found on the [`AsyncReadExt`](rt_io::AsyncReadExt) and
/// [`AsyncWriteExt`](rt_io::AsyncWriteExt) traits.
///
/// # Buffering (as Tokio's, and where it goes further)
///
/// * A write completes once its bytes are copied into the file's buffer;
///   the system call runs in the background. [`flush`] waits for it. An
///   error of a background write is reported by the next operation on the
///   file (a write, a read, a flush, a seek, `sync_all`...), never lost.
///   While a background write runs, further writes are appended to a
///   second buffer that the same pool thread writes next, so a stream of
///   small writes costs one pool hop per buffer, not per write.
/// * Reads on a regular file read ahead: the first read brings a small file
///   whole, with its end-of-file mark, in one hop; sequential reads grow
///   the read size and, after two of them, the next chunk is read in the
///   background while the task copies the current one. The OS file offset
///   may therefore be ahead of the logical position; seeks, writes,
///   `set_len`, `try_clone` and `into_std` account for it. Character devices
///   read ahead (one `read` call) once reads are sequential; pipes and
///   other files read exactly the caller's length, as Tokio does.
/// * On Linux, a read with nothing buffered or in flight first asks the
///   page cache without blocking (`preadv2` with `RWF_NOWAIT`) on the
///   task's thread: cached data costs no hop (at most 1 MiB per call), and
///   end of file is then never remembered. [`File::open`] of a regular file
///   on a local file system whose path the kernel has cached costs no hop
///   either. See the crate README.
///
/// [`flush`]: rt_io::AsyncWriteExt::flush
///
/// # Examples
///
/// Create a new file and asynchronously write bytes to it:
///
/// ```no_run
/// use rt_fs::File;
/// use rt_io::AsyncWriteExt; // for write_all()
///
/// # async fn dox() -> std::io::Result<()> {
/// let mut file = File::create("foo.txt").await?;
/// file.write_all(b"hello, world!").await?;
/// file.flush().await?;
/// # Ok(())
/// # }
/// ```
///
/// Read the contents of a file into a buffer:
///
/// ```no_run
/// use rt_fs::File;
/// use rt_io::AsyncReadExt; // for read_to_end()
///
/// # async fn dox() -> std::io::Result<()> {
/// let mut file = File::open("foo.txt").await?;
///
/// let mut contents = vec![];
/// file.read_to_end(&mut contents).await?;
///
/// println!("len = {}", contents.len());
/// # Ok(())
/// # }
/// ```
pub struct File {
    std: Arc<StdFile>,
    inner: Mutex<Inner>,
}

/// Holds the async lock of the `&self` operations; releases it on drop.
struct LockGuard<'a> {
    file: &'a File,
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        let waiters = {
            let mut inner = self.file.inner();
            inner.locked = false;
            std::mem::take(&mut inner.lock_waiters)
        };
        for w in waiters {
            w.wake();
        }
    }
}

impl File {
    /// Attempts to open a file in read-only mode.
    ///
    /// See [`OpenOptions`] for more details.
    ///
    /// # Errors
    ///
    /// This function will return an error if called from outside of the rt
    /// runtime or if path does not already exist. Other errors may also be
    /// returned according to `OpenOptions::open`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    /// use rt_io::AsyncReadExt;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut file = File::open("foo.txt").await?;
    ///
    /// let mut contents = vec![];
    /// file.read_to_end(&mut contents).await?;
    ///
    /// println!("len = {}", contents.len());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).open(path).await
    }

    /// Opens a file in write-only mode.
    ///
    /// This function will create a file if it does not exist, and will
    /// truncate it if it does.
    ///
    /// See [`OpenOptions`] for more details.
    ///
    /// # Errors
    ///
    /// Results in an error if called from outside of the rt runtime or if
    /// the underlying `create` call results in an error.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    /// use rt_io::AsyncWriteExt;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut file = File::create("foo.txt").await?;
    /// file.write_all(b"hello, world!").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .await
    }

    /// Opens a file in read-write mode, creating it; fails with
    /// [`io::ErrorKind::AlreadyExists`] if it exists.
    ///
    /// This option is useful because it is atomic. Otherwise between
    /// checking whether a file exists and creating a new one, the file may
    /// have been created by another process (a TOCTOU race condition /
    /// attack).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    /// use rt_io::AsyncWriteExt;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut file = File::create_new("foo.txt").await?;
    /// file.write_all(b"hello, world!").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_new<P: AsRef<Path>>(path: P) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// Returns a new [`OpenOptions`] object.
    ///
    /// This function returns a new `OpenOptions` object that you can use to
    /// open or create a file with specific options if `open()` or
    /// `create()` are not appropriate.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    /// use rt_io::AsyncWriteExt;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut f = File::options().append(true).open("example.log").await?;
    /// f.write_all(b"new line\n").await?;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Converts a [`std::fs::File`] to a [`File`].
    ///
    /// This does not need a runtime. The file's kind (regular file, device,
    /// pipe) is learned by the first read.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// // This line could block. It is not recommended to do this on the rt
    /// // runtime.
    /// let std_file = std::fs::File::open("foo.txt").unwrap();
    /// let file = rt_fs::File::from_std(std_file);
    /// ```
    pub fn from_std(std: StdFile) -> File {
        File {
            std: Arc::new(std),
            inner: Mutex::new(Inner::new(false)),
        }
    }

    /// A `File` for a descriptor known to be a regular file of `size`
    /// bytes (opened inline): its first read needs no `fstat`.
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    pub(crate) fn from_std_regular(std: StdFile, size: u64) -> File {
        let mut inner = Inner::new(false);
        inner.set_regular(size);
        File {
            std: Arc::new(std),
            inner: Mutex::new(inner),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn inner_mut(&mut self) -> (&mut Inner, &Arc<StdFile>) {
        let inner = self.inner.get_mut().unwrap_or_else(PoisonError::into_inner);
        (inner, &self.std)
    }

    /// Takes the async lock that orders the `&self` operations which must
    /// wait for the background ones.
    async fn lock(&self) -> LockGuard<'_> {
        poll_fn(|cx| {
            let mut inner = self.inner();
            if !inner.locked {
                inner.locked = true;
                return Poll::Ready(LockGuard { file: self });
            }
            if !inner.lock_waiters.iter().any(|w| w.will_wake(cx.waker())) {
                inner.lock_waiters.push(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }

    /// Under the lock: waits for every background operation and reports a
    /// background error.
    async fn settle(&self) -> io::Result<()> {
        poll_fn(|cx| self.inner().poll_complete(cx, &self.std))
            .await
            .map(drop)
    }

    /// Attempts to sync all OS-internal metadata to disk.
    ///
    /// This function will attempt to ensure that all in-core data reaches
    /// the filesystem before returning. It first waits for the writes still
    /// running in the background (and reports their error, if any).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    /// use rt_io::AsyncWriteExt;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut file = File::create("foo.txt").await?;
    /// file.write_all(b"hello, world!").await?;
    /// file.sync_all().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        let _guard = self.lock().await;
        self.settle().await?;
        let std = self.std.clone();
        asyncify(move || std.sync_all()).await
    }

    /// This function is similar to `sync_all`, except that it may not
    /// synchronize file metadata to the filesystem.
    ///
    /// This is intended for use cases that must synchronize content, but
    /// don't need the metadata on disk. The goal of this method is to
    /// reduce disk operations.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    /// use rt_io::AsyncWriteExt;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut file = File::create("foo.txt").await?;
    /// file.write_all(b"hello, world!").await?;
    /// file.sync_data().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        let _guard = self.lock().await;
        self.settle().await?;
        let std = self.std.clone();
        asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends the underlying file, updating the size of this
    /// file to become size.
    ///
    /// If the size is less than the current file's size, then the file
    /// will be shrunk. If it is greater than the current file's size, then
    /// the file will be extended to size and have all of the intermediate
    /// data filled in with 0s. The cursor is not moved.
    ///
    /// # Errors
    ///
    /// This function will return an error if the file is not opened for
    /// writing.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    /// use rt_io::AsyncWriteExt;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut file = File::create("foo.txt").await?;
    /// file.write_all(b"hello, world!").await?;
    /// file.set_len(10).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let _guard = self.lock().await;
        self.settle().await?;
        self.inner().spawn_set_len(&self.std, size);
        self.settle().await
    }

    /// Queries metadata about the underlying file.
    ///
    /// As Tokio's, this does not wait for writes still running in the
    /// background: flush first for a length that includes them.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let file = File::open("foo.txt").await?;
    /// let metadata = file.metadata().await?;
    ///
    /// println!("{:?}", metadata);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// Creates a new `File` instance that shares the same underlying file
    /// handle as the existing `File` instance. Reads, writes, and seeks
    /// will affect both File instances simultaneously.
    ///
    /// It first waits for the background operations and seeks the OS
    /// offset back over bytes read ahead, so the clone starts at this
    /// file's logical position. From then on neither file reads ahead
    /// (each reads exactly what it is asked), since they share one offset.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let file = File::open("foo.txt").await?;
    /// let file_clone = file.try_clone().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn try_clone(&self) -> io::Result<File> {
        let _guard = self.lock().await;
        self.settle().await?;
        {
            let mut inner = self.inner();
            inner.spawn_rewind(&self.std);
            inner.set_shared();
        }
        self.settle().await?;
        let std = self.std.clone();
        let clone = asyncify(move || std.try_clone()).await?;
        Ok(File {
            std: Arc::new(clone),
            inner: Mutex::new(Inner::new(true)),
        })
    }

    /// Destructures `File` into a [`std::fs::File`]. This function is async
    /// to allow any in-flight operations to complete.
    ///
    /// Use `File::try_into_std` to attempt conversion immediately.
    ///
    /// Bytes read ahead from a regular file are given back (the OS offset
    /// is moved back to the logical position); on a file that cannot seek
    /// they are lost. An error of a background write that nobody has seen
    /// is lost too: [`flush`](rt_io::AsyncWriteExt::flush) first to see it.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let file = File::open("foo.txt").await?;
    /// let std_file = file.into_std().await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn into_std(mut self) -> StdFile {
        {
            let (inner, std) = self.inner_mut();
            drop(poll_fn(|cx| inner.poll_complete(cx, std)).await);
            inner.spawn_rewind(std);
            drop(poll_fn(|cx| inner.poll_complete(cx, std)).await);
        }
        match Arc::try_unwrap(self.std) {
            Ok(std) => std,
            // A `metadata`, `sync_all` or `set_permissions` future was
            // dropped while its closure still runs on the pool and holds
            // the file: hand out a duplicate of the descriptor (same open
            // file, same offset); the original closes when that closure
            // ends.
            Err(shared) => shared.try_clone().expect(
                "rt-fs: into_std could not duplicate a file still used by a background operation",
            ),
        }
    }

    /// Tries to immediately destructure `File` into a [`std::fs::File`].
    ///
    /// # Errors
    ///
    /// This function will return an error containing the file if some
    /// operation is in-flight, if a background error has not been reported
    /// yet (flush to see it), or if bytes read ahead cannot be given back.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let file = File::open("foo.txt").await?;
    /// let std_file = file.try_into_std().unwrap();
    /// # Ok(())
    /// # }
    /// ```
    #[allow(clippy::result_large_err)]
    pub fn try_into_std(mut self) -> Result<StdFile, Self> {
        {
            let (inner, std) = self.inner_mut();
            inner.collect_finished();
            if !inner.is_quiet() || inner.rewind_now(std).is_err() {
                return Err(self);
            }
        }
        match Arc::try_unwrap(self.std) {
            Ok(std) => Ok(std),
            Err(std) => {
                self.std = std;
                Err(self)
            }
        }
    }

    /// Changes the permissions on the underlying file.
    ///
    /// # Platform-specific behavior
    ///
    /// This function currently corresponds to the `fchmod` function on Unix
    /// and the `SetFileInformationByHandle` function on Windows. Note that,
    /// this may change in the future.
    ///
    /// # Errors
    ///
    /// This function will return an error if the user lacks permission
    /// change attributes on the underlying file. It may also return an
    /// error in other os-specific unspecified cases.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let file = File::open("foo.txt").await?;
    /// let mut perms = file.metadata().await?.permissions();
    /// perms.set_readonly(true);
    /// file.set_permissions(perms).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = self.std.clone();
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Set the maximum buffer size for the underlying [`AsyncRead`] /
    /// [`AsyncWrite`] operation.
    ///
    /// One read or write on the blocking pool never moves more than this
    /// many bytes (default: 2 MiB, as Tokio). Read-ahead stays below it.
    ///
    /// # Panics
    ///
    /// Panics if `max_buf_size` is zero (Tokio accepts it and then makes no
    /// progress).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::File;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut file = File::open("foo.txt").await?;
    /// // Set maximum buffer size to 8 MiB
    /// file.set_max_buf_size(8 * 1024 * 1024);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "max_buf_size must be greater than zero");
        self.inner_mut().0.max_buf_size = max_buf_size;
    }
}

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let (inner, std) = self.get_mut().inner_mut();
        inner.poll_read(cx, std, dst)
    }
}

impl AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        let (inner, std) = self.get_mut().inner_mut();
        inner.start_seek(std, pos)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let (inner, std) = self.get_mut().inner_mut();
        inner.poll_complete(cx, std)
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let (inner, std) = self.get_mut().inner_mut();
        inner.poll_write(cx, std, &[IoSlice::new(src)])
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let (inner, std) = self.get_mut().inner_mut();
        inner.poll_write(cx, std, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner_mut().0.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl From<StdFile> for File {
    fn from(std: StdFile) -> Self {
        Self::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File").field("std", &self.std).finish()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for File {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        self.std.as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsFd for File {
    fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
        self.std.as_fd()
    }
}

#[cfg(unix)]
impl std::os::unix::io::FromRawFd for File {
    unsafe fn from_raw_fd(fd: std::os::unix::io::RawFd) -> Self {
        // SAFETY: the caller guarantees that `fd` is an open descriptor that
        // it owns and hands over, which is `StdFile::from_raw_fd`'s contract.
        let std = unsafe { StdFile::from_raw_fd(fd) };
        File::from_std(std)
    }
}

//! [`read_dir`], [`ReadDir`] and [`DirEntry`]: listing a directory in
//! batches, one pool hop per batch.
//!
//! # Protocol
//!
//! 1. `read_dir` opens the directory *and* reads the first batch
//!    (`FIRST_BATCH` entries) in one hop.
//! 2. The entries of a batch are built on the pool thread (the `Arc` of each
//!    `DirEntry` and its cached file type included), so the task only pops
//!    them from a queue.
//! 3. As soon as a batch arrives and the directory is not exhausted, the
//!    next batch (twice as large, up to `MAX_BATCH`) is read in the
//!    background while the task consumes this one: the `std::fs::ReadDir`
//!    travels to the pool with the emptied queue of the previous batch (the
//!    allocation is reused) and comes back with the next one.
//! 4. An error from the OS iterator ends its batch and is handed out in
//!    order, as `std` does.
//!
//! One `ReadDir` never has more than one hop in flight, so entries keep the
//! order of the OS iterator.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use rt_blocking::Spawner;
use rt_task::{coop, JoinHandle};

use crate::blocking::{asyncify, join_error, spawn, try_spawn};

/// Entries read by the hop that opens the directory: small, so that the
/// first entry comes back fast.
const FIRST_BATCH: usize = 32;

/// The largest batch. The batch doubles each hop up to this.
const MAX_BATCH: usize = 4096;

type Entries = VecDeque<io::Result<DirEntry>>;

/// What a hop hands back: the entries read and the OS iterator, unless it
/// is exhausted.
struct Batch {
    entries: Entries,
    std: Option<std::fs::ReadDir>,
}

/// Runs on the pool: reads up to `n` entries into `entries`.
fn fill(mut std: std::fs::ReadDir, mut entries: Entries, n: usize) -> Batch {
    for _ in 0..n {
        match std.next() {
            Some(Ok(e)) => entries.push_back(Ok(DirEntry::new(e))),
            Some(Err(e)) => {
                entries.push_back(Err(e));
                break;
            }
            None => return Batch { entries, std: None },
        }
    }
    Batch {
        entries,
        std: Some(std),
    }
}

/// Returns a stream over the entries within a directory.
///
/// This is an async version of [`std::fs::read_dir`]. The hop that opens the
/// directory also reads its first entries; later entries are read in
/// batches that grow with each hop, the next batch being read while the
/// current one is consumed.
///
/// # Errors
///
/// As [`std::fs::read_dir`]: [`NotFound`](io::ErrorKind::NotFound) if the
/// path does not exist, [`PermissionDenied`](io::ErrorKind::PermissionDenied)
/// without permission to view its contents, an error (`NotADirectory` on
/// Linux) if it is not a directory.
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// let mut entries = rt_fs::read_dir(".").await?;
/// while let Some(entry) = entries.next_entry().await? {
///     println!("{}", entry.path().display());
/// }
/// # Ok(())
/// # }
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let batch = asyncify(move || {
        let std = std::fs::read_dir(path)?;
        Ok(fill(std, VecDeque::with_capacity(FIRST_BATCH), FIRST_BATCH))
    })
    .await?;
    let mut dir = ReadDir {
        entries: VecDeque::new(),
        inflight: None,
        std: None,
        batch: FIRST_BATCH,
    };
    dir.install(batch);
    Ok(dir)
}

/// Reads the entries in a directory.
///
/// This struct is returned from the [`read_dir`] function of this module
/// and will yield instances of [`DirEntry`]. Through a [`DirEntry`]
/// information like the entry's path and possibly other metadata can be
/// learned.
///
/// A `ReadDir` can be turned into a `Stream` with a wrapper such as
/// tokio-stream's `ReadDirStream` (through `poll_next_entry`).
///
/// # Errors
///
/// This stream will return an [`Err`] if there's some sort of intermittent
/// IO error during iteration.
#[must_use = "streams do nothing unless polled"]
pub struct ReadDir {
    /// The batch being handed out.
    entries: Entries,
    /// The hop reading the next batch.
    inflight: Option<JoinHandle<Batch>>,
    /// The OS iterator, when no hop holds it and it is not exhausted.
    std: Option<std::fs::ReadDir>,
    /// The size of the last batch asked for.
    batch: usize,
}

impl ReadDir {
    /// Takes a batch in and starts reading the next one (protocol step 3).
    fn install(&mut self, batch: Batch) {
        let old = std::mem::replace(&mut self.entries, batch.entries);
        self.std = batch.std;
        self.prefetch(old);
    }

    fn prefetch(&mut self, mut spare: Entries) {
        if self.inflight.is_some() {
            return;
        }
        let Some(std) = self.std.take() else {
            return;
        };
        if !Spawner::is_current() {
            // No runtime here (the `ReadDir` moved): read on demand, and
            // let that hop panic with the usual message.
            self.std = Some(std);
            return;
        }
        self.batch = (self.batch * 2).min(MAX_BATCH);
        let n = self.batch;
        spare.clear();
        self.inflight = try_spawn(move || fill(std, spare, n));
    }

    /// Returns the next entry in the directory stream.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut entries = rt_fs::read_dir(".").await?;
    /// while let Some(entry) = entries.next_entry().await? {
    ///     println!("{:?}", entry.file_name());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next directory entry in the stream.
    ///
    /// This method returns:
    ///
    ///  * `Poll::Pending` if the next directory entry is not yet available.
    ///  * `Poll::Ready(Ok(Some(entry)))` if the next directory entry is
    ///    available.
    ///  * `Poll::Ready(Ok(None))` if there are no more directory entries in
    ///    this stream.
    ///  * `Poll::Ready(Err(err))` if an IO error occurred while reading the
    ///    next directory entry.
    ///
    /// When the method returns `Poll::Pending`, the `Waker` in the provided
    /// `Context` is scheduled to receive a wakeup when the next directory
    /// entry becomes available on the underlying IO resource.
    ///
    /// Note that on multiple calls to `poll_next_entry`, only the `Waker`
    /// from the `Context` passed to the most recent call is scheduled to
    /// receive a wakeup.
    ///
    /// # Panics
    ///
    /// Panics if a batch must be read outside the context of an rt runtime.
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        // Each turn hands out an entry, collects a batch, or starts one.
        loop {
            if !self.entries.is_empty() {
                let coop = ready!(coop::poll_proceed(cx));
                coop.made_progress();
                let entry = self.entries.pop_front().expect("checked non-empty");
                return Poll::Ready(entry.map(Some));
            }
            if let Some(handle) = &mut self.inflight {
                let res = ready!(Pin::new(handle).poll(cx));
                self.inflight = None;
                match res {
                    Ok(batch) => self.install(batch),
                    // The iterator went down with the hop: the stream ends
                    // after this error.
                    Err(e) => return Poll::Ready(Err(join_error(e))),
                }
                continue;
            }
            let Some(std) = self.std.take() else {
                return Poll::Ready(Ok(None));
            };
            let spare = std::mem::take(&mut self.entries);
            let n = self.batch;
            self.inflight = Some(spawn(move || fill(std, spare, n)));
        }
    }
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadDir")
            .field("buffered", &self.entries.len())
            .field("reading", &self.inflight.is_some())
            .field("done", &(self.inflight.is_none() && self.std.is_none()))
            .finish()
    }
}

/// Entries returned by the [`ReadDir`] stream.
///
/// This is a specialized version of [`std::fs::DirEntry`] for usage from
/// the rt runtime.
///
/// An instance of `DirEntry` represents an entry inside of a directory on
/// the filesystem. Each entry can be inspected via methods to learn about
/// the full path or possibly other metadata through per-platform extension
/// traits.
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// Read with the batch (from `d_type` where the file system gives it).
    file_type: Option<FileType>,
}

impl DirEntry {
    fn new(std: std::fs::DirEntry) -> DirEntry {
        let file_type = std.file_type().ok();
        DirEntry {
            std: Arc::new(std),
            file_type,
        }
    }

    /// Returns the full path to the file that this entry represents.
    ///
    /// The full path is created by joining the original path to `read_dir`
    /// with the filename of this entry.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut entries = rt_fs::read_dir(".").await?;
    /// while let Some(entry) = entries.next_entry().await? {
    ///     println!("{:?}", entry.path());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// This prints output like:
    ///
    /// ```text
    /// "./whatever.txt"
    /// "./foo.html"
    /// "./hello_world.rs"
    /// ```
    ///
    /// The exact text, of course, depends on what files you have in `.`.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// Returns the bare file name of this directory entry without any other
    /// leading path component.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut entries = rt_fs::read_dir(".").await?;
    /// while let Some(entry) = entries.next_entry().await? {
    ///     println!("{:?}", entry.file_name());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// Returns the inode number of this entry (from the directory itself,
    /// no system call).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut entries = rt_fs::read_dir(".").await?;
    /// while let Some(entry) = entries.next_entry().await? {
    ///     println!("{:?}: {}", entry.file_name(), entry.ino());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(unix)]
    #[must_use]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }

    /// Returns the metadata for the file that this entry points at.
    ///
    /// This function will not traverse symlinks if this entry points at a
    /// symlink. One hop to the blocking pool.
    ///
    /// # Platform-specific behavior
    ///
    /// On Unix this is `fstatat` relative to the directory with
    /// `AT_SYMLINK_NOFOLLOW`, as [`std::fs::DirEntry::metadata`].
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut entries = rt_fs::read_dir(".").await?;
    /// while let Some(entry) = entries.next_entry().await? {
    ///     if let Ok(metadata) = entry.metadata().await {
    ///         println!("{:?}: {:?}", entry.path(), metadata.permissions());
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// Returns the file type for the file that this entry points at.
    ///
    /// This function will not traverse symlinks if this entry points at a
    /// symlink. It was read with the entry's batch, so it usually costs no
    /// hop; where the file system does not say (no `d_type`), one hop.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut entries = rt_fs::read_dir(".").await?;
    /// while let Some(entry) = entries.next_entry().await? {
    ///     if let Ok(file_type) = entry.file_type().await {
    ///         println!("{:?}: {:?}", entry.path(), file_type);
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(ft) = self.file_type {
            return Ok(ft);
        }
        let std = self.std.clone();
        asyncify(move || std.file_type()).await
    }
}

impl fmt::Debug for DirEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DirEntry").field(&self.path()).finish()
    }
}

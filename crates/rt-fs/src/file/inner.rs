//! The state machine behind [`File`](super::File): what runs on the blocking
//! pool, what is buffered, and how results and errors come back.
//!
//! # State
//!
//! * `inflight`: at most one operation on the pool (a read, a prefetch, a
//!   writer, a seek, a `set_len`), as a `JoinHandle<Done>`. Only the holder
//!   of `&mut File` (or of the `&self` async lock, see `File::lock`) polls
//!   it, so its single waker slot is enough.
//! * `rbuf`: bytes read from the OS and not handed out yet, `data[pos..end]`,
//!   plus `eof`: the read that filled it saw end of file. `ahead`: finished
//!   reads handed out after `rbuf`, in file order (at most two).
//! * `error`: an error of a background operation (write, seek, `set_len`)
//!   that no caller has seen yet.
//! * `queued_seek`: a `start_seek` made while another operation ran.
//! * The read-ahead policy: `kind` of file (learned by `fstat` in the first
//!   read hop), `size_hint`, `window`, `streak` (sequential reads since the
//!   last seek/write), `shared` (after `try_clone`: read exactly what is
//!   asked, never ahead, because the clone shares the OS offset).
//!
//! # Protocol
//!
//! 1. **Every operation** first takes `error` and returns it if set: a
//!    background failure surfaces on the next operation, whatever it is,
//!    exactly once. A `queued_seek` runs before any read or write.
//! 2. **Read.** Serve from `rbuf`, then `ahead`; an `eof` chunk yields one
//!    `Ok(0)` without a hop. Otherwise wait for `inflight` (whatever it
//!    is), and if nothing is buffered after that, spawn a read. On a
//!    regular file the read fills `max(asked, window)` bytes (looping until
//!    full or EOF, so a small file arrives with its EOF in one hop); on a
//!    character device it asks for the window in one `read` once reads are
//!    sequential; on anything else exactly the caller's length. After two
//!    sequential hops on a regular file, serving data also keeps a
//!    *prefetch* pipeline going: a finished prefetch moves to `ahead` (when
//!    it is empty) and the next window is asked for at once, so the pool
//!    reads up to two windows ahead while the task copies. Reads complete
//!    one at a time, each starting where the previous ended, so `ahead`
//!    stays in file order. A read error goes to the `poll_read` that collects it; an
//!    operation that only collects a read in passing drops its error (the
//!    next read repeats the call at the same offset and sees it again).
//! 3. **Write.** With no operation in flight, copy up to `max_buf_size`
//!    bytes into a buffer, spawn a *writer* and return `Ready(n)` at once.
//!    The writer (`run_writer`) writes its buffer, then, under the queue
//!    lock, takes whatever was appended to `pending` meanwhile and writes
//!    that, until it finds `pending` empty: then it clears `open` in that
//!    same critical section and returns. While `open` is set, `poll_write`
//!    appends to `pending` (up to `max_buf_size`) and returns at once: no
//!    hop per write. `pending` full: register the waker; the writer wakes
//!    it when it takes `pending`. Data is never stranded: bytes are only
//!    appended while `open`, and `open` is only cleared when `pending` is
//!    empty. The writer holds its own `Arc<StdFile>`, so a `File` dropped
//!    with writes in flight still has them written. On a write error the
//!    writer stops, drops what is pending (the error reports it) and
//!    returns the error, which goes to `error`.
//! 4. **Read buffer vs. the OS offset.** Read-ahead moves the OS offset past
//!    the logical position by the unread bytes. Before a write or `set_len`
//!    on a regular file, those bytes are discarded and the operation first
//!    seeks back by their count (in the same hop); a seek with
//!    `SeekFrom::Current(n)` becomes `Current(n - unread)`. On other files
//!    (which cannot seek) unread bytes stay buffered across writes: input
//!    and output are separate streams there.
//! 5. **Flush / `poll_complete` / the `&self` operations** wait until
//!    nothing is in flight (collecting each result as above), then report
//!    `error`.
//!
//! Every loop below ends: each turn either returns or moves the state
//! forward (collects a finished operation, spawns one, or consumes a buffer).

use std::collections::VecDeque;
use std::fs::File as StdFile;
use std::future::Future;
use std::io::{self, IoSlice, Read, Seek, SeekFrom, Write};
use std::mem;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{ready, Context, Poll, Waker};

use rt_blocking::Spawner;
use rt_io::ReadBuf;
use rt_task::{coop, JoinHandle};

use crate::blocking::{join_error, spawn, try_spawn};

/// Tokio's default for the largest single read or write handed to the pool.
pub(crate) const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;

/// The read-ahead window of the first read on a regular file (and after
/// every seek or write). It doubles with each sequential hop, up to
/// `MAX_WINDOW` (and never above `max_buf_size`).
const INITIAL_WINDOW: usize = 64 * 1024;

/// The largest read-ahead window. With two windows in the pipeline, 1 MiB
/// streamed as fast as 2 MiB in the `fs_stream_256m` bench and holds half the
/// memory (a streaming file keeps at most three windows: `rbuf`, one in
/// `ahead`, one in flight).
const MAX_WINDOW: usize = 1024 * 1024;

/// An inline read at least this large goes straight into the caller's
/// buffer (smaller ones read ahead into `rbuf`, as a hop does).
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
const INLINE_DIRECT: usize = 8 * 1024;

/// The most one inline read copies: the task's thread does the copying,
/// so a huge read returns short (as a read may) rather than keep the
/// thread from its other tasks for long (1 MiB: some tens of microseconds
/// from the page cache; measured, 512 KiB streamed a 256 MiB file in 1 MiB
/// reads ~20% slower).
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
const INLINE_MAX: usize = 1024 * 1024;

/// Sequential hops after which a regular file prefetches and a character
/// device reads ahead.
const SEQUENTIAL_STREAK: u32 = 2;

/// Buffers kept for reuse.
const MAX_SPARE: usize = 2;

/// Buffers kept per thread between `File`s (see [`BUFFER_CACHE`]).
const CACHED_BUFFERS: usize = 2;

thread_local! {
    /// Buffers of dropped `File`s (not of files that reached end of file,
    /// which release theirs), at most [`CACHED_BUFFERS`] of at most [`MAX_WINDOW`] bytes each, for
    /// the next `File` used on this thread. A task that opens file after
    /// file (or `/dev/zero` again and again) then reads into memory that is
    /// already mapped and initialized, instead of faulting in, zeroing and
    /// unmapping up to a megabyte per file. Costs at most 2 MiB per thread.
    static BUFFER_CACHE: std::cell::RefCell<Vec<Vec<u8>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A buffer from this thread's cache, or an empty one. Its bytes are stale
/// (its `len` is how much of it is initialized, as for `Inner::spare`).
fn cached_buffer() -> Vec<u8> {
    BUFFER_CACHE
        .try_with(|cache| cache.borrow_mut().pop())
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Keeps `buf` in this thread's cache if there is room and it is not too
/// big; drops it otherwise.
fn cache_buffer(buf: Vec<u8>) {
    if buf.capacity() == 0 || buf.capacity() > MAX_WINDOW {
        return;
    }
    let _ = BUFFER_CACHE.try_with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() < CACHED_BUFFERS {
            cache.push(buf);
        }
    });
}

/// What the file is, for the read-ahead policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Not known yet: the next read hop runs `fstat`.
    Unknown,
    /// A regular file: reads ahead, fills, rewinds.
    Regular,
    /// A character device (`/dev/zero`, a terminal): reads ahead with a
    /// single `read` once reads are sequential; never prefetches.
    CharDevice,
    /// A pipe, socket, directory...: reads exactly what is asked.
    Other,
}

fn classify(ft: std::fs::FileType) -> Kind {
    if ft.is_file() {
        return Kind::Regular;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_char_device() {
            return Kind::CharDevice;
        }
    }
    Kind::Other
}

/// Bytes read and not yet handed out: `data[pos..end]`. `data.len()` is
/// the initialized size of the allocation, kept for reuse.
#[derive(Debug, Default)]
struct Chunk {
    data: Vec<u8>,
    pos: usize,
    end: usize,
    /// The read that produced this chunk reached end of file.
    eof: bool,
}

impl Chunk {
    fn remaining(&self) -> usize {
        self.end - self.pos
    }

    fn copy_to(&mut self, dst: &mut ReadBuf<'_>) {
        let n = self.remaining().min(dst.remaining());
        dst.put_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
    }
}

/// How much one read hop asks for.
#[derive(Clone, Copy, Debug)]
struct ReadPlan {
    /// What the caller's buffer can take (or the window, for a prefetch).
    want: usize,
    window: usize,
    max: usize,
    streak: u32,
    kind: Kind,
    size_hint: Option<u64>,
    shared: bool,
}

impl ReadPlan {
    /// The byte count of the hop, once the file's kind is known.
    fn len(&self, kind: Kind, size_hint: Option<u64>) -> usize {
        let want = self.want.clamp(1, self.max);
        if self.shared {
            return want;
        }
        let ahead = match kind {
            Kind::Regular => {
                let mut w = self.window;
                if self.streak == 0 {
                    // First read: a small file comes whole, with room for
                    // the EOF probe, and no bigger buffer than that.
                    if let Some(size) = size_hint {
                        let fit = usize::try_from(size.saturating_add(1))
                            .ok()
                            .and_then(|n| n.checked_next_multiple_of(4096))
                            .unwrap_or(usize::MAX);
                        w = w.min(fit);
                    }
                }
                w
            }
            Kind::CharDevice if self.streak >= SEQUENTIAL_STREAK => self.window,
            _ => want,
        };
        want.max(ahead).min(self.max)
    }
}

/// The result of a read hop.
#[derive(Debug)]
pub(crate) struct ReadDone {
    data: Vec<u8>,
    res: io::Result<usize>,
    eof: bool,
    kind: Kind,
    size_hint: Option<u64>,
}

/// Runs on the pool: one read hop.
fn run_read(std: &StdFile, mut data: Vec<u8>, plan: ReadPlan) -> ReadDone {
    let (kind, size_hint) = if plan.kind == Kind::Unknown {
        match std.metadata() {
            Ok(m) => (classify(m.file_type()), m.is_file().then_some(m.len())),
            Err(_) => (Kind::Other, None),
        }
    } else {
        (plan.kind, plan.size_hint)
    };
    let len = plan.len(kind, size_hint);
    if data.len() < len {
        data.resize(len, 0);
    }
    let mut reader = std;
    let mut filled = 0;
    let mut eof = false;
    let res = loop {
        match reader.read(&mut data[filled..len]) {
            Ok(0) => {
                eof = true;
                break Ok(filled);
            }
            Ok(n) => {
                filled += n;
                // Only a regular file is filled: anything else could block
                // waiting for bytes nobody asked for.
                if filled == len || kind != Kind::Regular {
                    break Ok(filled);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            // Bytes already read are delivered; the next read repeats the
            // failing call and reports it.
            Err(_) if filled > 0 => break Ok(filled),
            Err(e) => break Err(e),
        }
    };
    ReadDone {
        data,
        res,
        eof,
        kind,
        size_hint,
    }
}

/// The write-behind queue shared between `poll_write` and the writer.
#[derive(Debug)]
pub(crate) struct WriteQueue {
    state: Mutex<QueueState>,
}

#[derive(Debug)]
struct QueueState {
    /// Bytes accepted while the writer runs, not yet taken by it.
    pending: Vec<u8>,
    /// The writer runs and will take `pending` before it returns.
    open: bool,
    /// The task waiting for room in `pending`.
    waker: Option<Waker>,
}

impl WriteQueue {
    fn lock(&self) -> MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs on the pool: writes `buf`, then whatever is appended to the queue
/// meanwhile, until the queue is empty (protocol step 3).
fn run_writer(std: Arc<StdFile>, queue: Arc<WriteQueue>, mut buf: Vec<u8>, rewind: u64) -> Done {
    let mut file = &*std;
    let mut res = match rewind {
        0 => Ok(()),
        n => rewind_by(file, n),
    };
    loop {
        if res.is_ok() {
            res = file.write_all(&buf);
        }
        buf.clear();
        let mut q = queue.lock();
        if res.is_err() || q.pending.is_empty() {
            q.open = false;
            q.pending.clear();
            let spare = mem::take(&mut q.pending);
            let waker = q.waker.take();
            drop(q);
            if let Some(w) = waker {
                w.wake();
            }
            return Done::Write {
                res,
                bufs: [buf, spare],
            };
        }
        mem::swap(&mut buf, &mut q.pending);
        let waker = q.waker.take();
        drop(q);
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// Seeks back over `n` bytes read ahead and not handed out.
pub(crate) fn rewind_by(mut file: &StdFile, n: u64) -> io::Result<()> {
    let back = i64::try_from(n).map_err(|_| io::Error::other("read-ahead too large to rewind"))?;
    file.seek(SeekFrom::Current(-back)).map(drop)
}

/// What an operation on the pool hands back.
#[derive(Debug)]
pub(crate) enum Done {
    Read(ReadDone),
    Write {
        res: io::Result<()>,
        bufs: [Vec<u8>; 2],
    },
    Seek(io::Result<u64>),
    SetLen(io::Result<()>),
    /// The closure never returned (pool shut down, or it panicked).
    Failed(io::Error),
}

#[derive(Debug)]
struct Inflight {
    handle: JoinHandle<Done>,
    /// Set while the operation is a writer.
    writer: Option<Arc<WriteQueue>>,
    /// The operation is a read (a prefetch, or one a caller abandoned).
    read: bool,
}

/// The mutable state of a `File` (see the module documentation).
#[derive(Debug)]
pub(crate) struct Inner {
    inflight: Option<Inflight>,
    queued_seek: Option<SeekFrom>,
    /// `start_seek` was called and `poll_complete` has not reported since.
    seeking: bool,
    rbuf: Chunk,
    ahead: VecDeque<Chunk>,
    error: Option<io::Error>,
    spare: Vec<Vec<u8>>,
    kind: Kind,
    size_hint: Option<u64>,
    window: usize,
    streak: u32,
    shared: bool,
    /// Reads may be tried inline first (Linux, regular files; cleared when
    /// the file turns out not to be one, or its file system cannot promise
    /// not to block).
    #[cfg_attr(
        not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))),
        allow(dead_code)
    )]
    inline: bool,
    /// The position the last seek reported (what an idle `poll_complete`
    /// returns, as Tokio's does).
    pos: u64,
    pub(crate) max_buf_size: usize,
    /// The async lock of the `&self` operations.
    pub(crate) locked: bool,
    pub(crate) lock_waiters: Vec<Waker>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // What a read in flight holds is dropped with its task.
        cache_buffer(mem::take(&mut self.rbuf).data);
        for chunk in self.ahead.drain(..) {
            cache_buffer(chunk.data);
        }
        for buf in self.spare.drain(..) {
            cache_buffer(buf);
        }
    }
}

impl Inner {
    pub(crate) fn new(shared: bool) -> Inner {
        Inner {
            inflight: None,
            queued_seek: None,
            seeking: false,
            rbuf: Chunk::default(),
            ahead: VecDeque::new(),
            error: None,
            spare: Vec::new(),
            kind: Kind::Unknown,
            size_hint: None,
            window: INITIAL_WINDOW,
            streak: 0,
            shared,
            inline: cfg!(all(
                target_os = "linux",
                any(target_env = "gnu", target_env = "musl")
            )),
            pos: 0,
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
            locked: false,
            lock_waiters: Vec::new(),
        }
    }

    /// The file is known to be a regular file of `size` bytes.
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    pub(crate) fn set_regular(&mut self, size: u64) {
        self.kind = Kind::Regular;
        self.size_hint = Some(size);
    }

    pub(crate) fn set_shared(&mut self) {
        self.shared = true;
    }

    fn take_error(&mut self) -> Option<io::Error> {
        let e = self.error.take();
        if e.is_some() {
            // The seek requested before the failure is abandoned with it.
            self.queued_seek = None;
            self.seeking = false;
        }
        e
    }

    fn store_error(&mut self, e: io::Error) {
        // Keep the first: it is the one that explains the rest.
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    fn take_spare(&mut self) -> Vec<u8> {
        self.spare.pop().unwrap_or_else(cached_buffer)
    }

    fn recycle(&mut self, buf: Vec<u8>) {
        if self.spare.len() < MAX_SPARE && buf.capacity() > 0 {
            self.spare.push(buf);
        }
    }

    fn initial_window(&self) -> usize {
        INITIAL_WINDOW.min(self.max_buf_size)
    }

    /// Unread bytes in the buffers.
    fn unread(&self) -> usize {
        self.rbuf.remaining() + self.ahead.iter().map(Chunk::remaining).sum::<usize>()
    }

    /// Drops the read buffers and restarts the read-ahead policy; returns
    /// how many bytes were read ahead and not handed out.
    fn discard_read(&mut self) -> u64 {
        let unread = self.unread() as u64;
        let rbuf = mem::take(&mut self.rbuf);
        self.recycle(rbuf.data);
        while let Some(chunk) = self.ahead.pop_front() {
            self.recycle(chunk.data);
        }
        self.streak = 0;
        self.window = self.initial_window();
        unread
    }

    /// Before a write or `set_len`: on a regular file, discard the read
    /// buffers and return how far to seek back (protocol step 4).
    fn rewind_for_write(&mut self) -> u64 {
        if self.kind == Kind::Regular {
            self.discard_read()
        } else {
            0
        }
    }

    /// Polls the operation in flight; `Ready(None)` if there is none.
    fn poll_inflight(&mut self, cx: &mut Context<'_>) -> Poll<Option<Done>> {
        let Some(inflight) = &mut self.inflight else {
            return Poll::Ready(None);
        };
        let res = ready!(std::pin::Pin::new(&mut inflight.handle).poll(cx));
        self.inflight = None;
        Poll::Ready(Some(match res {
            Ok(done) => done,
            Err(e) => Done::Failed(join_error(e)),
        }))
    }

    /// Takes a finished operation into the state. Returns the error of a
    /// read (for `poll_read` to report); other errors go to `error`.
    fn finish(&mut self, done: Done) -> Option<io::Error> {
        match done {
            Done::Read(r) => {
                if self.kind == Kind::Unknown {
                    self.kind = r.kind;
                    self.size_hint = r.size_hint;
                }
                match r.res {
                    Ok(n) => {
                        self.streak = self.streak.saturating_add(1);
                        if self.streak > 1 {
                            let cap = MAX_WINDOW.min(self.max_buf_size);
                            self.window = self.window.saturating_mul(2).min(cap).max(1);
                        }
                        let chunk = Chunk {
                            data: r.data,
                            pos: 0,
                            end: n,
                            eof: r.eof,
                        };
                        if self.rbuf.remaining() == 0 && !self.rbuf.eof && self.ahead.is_empty() {
                            let old = mem::replace(&mut self.rbuf, chunk);
                            self.recycle(old.data);
                        } else {
                            // Bytes stay in file order: reads complete one
                            // at a time, each after the chunks before it.
                            self.ahead.push_back(chunk);
                        }
                        None
                    }
                    Err(e) => {
                        self.recycle(r.data);
                        Some(e)
                    }
                }
            }
            Done::Write { res, bufs } => {
                for b in bufs {
                    self.recycle(b);
                }
                if let Err(e) = res {
                    self.store_error(e);
                }
                None
            }
            Done::Seek(res) => {
                // Collected (by whichever operation): a new `start_seek`
                // may follow, as with Tokio.
                self.seeking = false;
                match res {
                    Ok(pos) => self.pos = pos,
                    Err(e) => self.store_error(e),
                }
                None
            }
            Done::SetLen(res) => {
                if let Err(e) = res {
                    self.store_error(e);
                }
                None
            }
            Done::Failed(e) => {
                self.store_error(e);
                None
            }
        }
    }

    fn set_inflight(&mut self, handle: JoinHandle<Done>, writer: Option<Arc<WriteQueue>>) {
        debug_assert!(self.inflight.is_none());
        self.inflight = Some(Inflight {
            handle,
            writer,
            read: false,
        });
    }

    fn spawn_read_op(&mut self, handle: JoinHandle<Done>) {
        debug_assert!(self.inflight.is_none());
        self.inflight = Some(Inflight {
            handle,
            writer: None,
            read: true,
        });
    }

    fn plan(&self, want: usize) -> ReadPlan {
        ReadPlan {
            want,
            window: self.window,
            max: self.max_buf_size,
            streak: self.streak,
            kind: self.kind,
            size_hint: self.size_hint,
            shared: self.shared,
        }
    }

    fn spawn_read(&mut self, std: &Arc<StdFile>, want: usize) {
        let plan = self.plan(want);
        let data = self.take_spare();
        let std = std.clone();
        let handle = spawn(move || Done::Read(run_read(&std, data, plan)));
        self.spawn_read_op(handle);
    }

    /// Keeps the read-ahead pipeline full on a regular file read
    /// sequentially (protocol step 2): a finished prefetch moves to `next`
    /// (if it is free), and a new one starts, so that up to two chunks are
    /// ready or coming while the task copies out of `rbuf`.
    fn pump_prefetch(&mut self, cx: &mut Context<'_>, std: &Arc<StdFile>) {
        if self.kind != Kind::Regular
            || self.shared
            || self.streak < SEQUENTIAL_STREAK
            || self.error.is_some()
            || self.queued_seek.is_some()
        {
            return;
        }
        let finished_read = self
            .inflight
            .as_ref()
            .is_some_and(|i| i.read && i.handle.is_finished());
        if finished_read && self.ahead.is_empty() {
            if let Poll::Ready(Some(done)) = self.poll_inflight(cx) {
                // A prefetch's error is dropped: the read that needs those
                // bytes repeats the call and reports it.
                drop(self.finish(done));
            }
        }
        let at_eof = self.rbuf.eof || self.ahead.back().is_some_and(|c| c.eof);
        if self.inflight.is_some() || at_eof {
            return;
        }
        // Opportunistic: outside a runtime, simply do not prefetch.
        if !Spawner::is_current() {
            return;
        }
        let plan = self.plan(self.window);
        let data = self.take_spare();
        let std = std.clone();
        if let Some(handle) = try_spawn(move || Done::Read(run_read(&std, data, plan))) {
            self.spawn_read_op(handle);
        }
    }

    /// Runs the seek queued by `start_seek`. Requires nothing in flight.
    fn start_queued_seek(&mut self, std: &Arc<StdFile>) {
        let Some(pos) = self.queued_seek.take() else {
            return;
        };
        let unread = self.unread();
        let pos = match pos {
            SeekFrom::Current(n) => {
                match i64::try_from(unread).ok().and_then(|u| n.checked_sub(u)) {
                    Some(n) => SeekFrom::Current(n),
                    None => {
                        self.store_error(io::Error::new(
                            io::ErrorKind::InvalidInput,
                            "invalid seek to a negative or overflowing position",
                        ));
                        return;
                    }
                }
            }
            other => other,
        };
        self.discard_read();
        // A seek that fails leaves the OS offset where it was, ahead of the
        // logical position by the bytes just discarded: move it back.
        let restore = if self.kind == Kind::Regular {
            unread as u64
        } else {
            0
        };
        let std = std.clone();
        let handle = spawn(move || {
            Done::Seek((&*std).seek(pos).inspect_err(|_| {
                if restore > 0 {
                    // Best effort: the seek's own error is the one reported.
                    let _ = rewind_by(&std, restore);
                }
            }))
        });
        self.set_inflight(handle, None);
    }

    /// Spawns `set_len` (after seeking back over unread read-ahead).
    pub(crate) fn spawn_set_len(&mut self, std: &Arc<StdFile>, size: u64) {
        let rewind = self.rewind_for_write();
        let std = std.clone();
        let handle = spawn(move || {
            let res = match rewind {
                0 => Ok(()),
                n => rewind_by(&std, n),
            };
            Done::SetLen(res.and_then(|()| std.set_len(size)))
        });
        self.set_inflight(handle, None);
    }

    /// Spawns a seek back over unread read-ahead, if there is any on a
    /// regular file, so that the OS offset is the logical position again.
    pub(crate) fn spawn_rewind(&mut self, std: &Arc<StdFile>) {
        if self.kind != Kind::Regular || self.unread() == 0 {
            return;
        }
        let back = self.discard_read();
        let std = std.clone();
        let handle = spawn(move || {
            Done::Seek(rewind_by(&std, back).and_then(|()| (&*std).stream_position()))
        });
        self.set_inflight(handle, None);
    }

    /// The synchronous variant of `spawn_rewind` for `try_into_std`: one
    /// `lseek`, which does not block on a regular file.
    pub(crate) fn rewind_now(&mut self, std: &StdFile) -> io::Result<()> {
        if self.kind != Kind::Regular || self.unread() == 0 {
            return Ok(());
        }
        rewind_by(std, self.unread() as u64)?;
        self.discard_read();
        Ok(())
    }

    /// Whether nothing is in flight, queued or unreported.
    pub(crate) fn is_quiet(&self) -> bool {
        self.inflight.is_none() && self.queued_seek.is_none() && self.error.is_none()
    }

    /// Collects a finished operation without waiting (for `try_into_std`).
    pub(crate) fn collect_finished(&mut self) {
        let finished = self
            .inflight
            .as_ref()
            .is_some_and(|i| i.handle.is_finished());
        if !finished {
            return;
        }
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        if let Poll::Ready(Some(done)) = coop::with_unconstrained(|| self.poll_inflight(&mut cx)) {
            // A read's error is dropped: the next read repeats it.
            drop(self.finish(done));
        }
    }

    // ===== AsyncRead =====

    pub(crate) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if dst.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            if let Some(e) = self.take_error() {
                return Poll::Ready(Err(e));
            }
            if self.queued_seek.is_some() {
                if let Some(done) = ready!(self.poll_inflight(cx)) {
                    drop(self.finish(done));
                    continue;
                }
                self.start_queued_seek(std);
                continue;
            }
            if self.rbuf.remaining() > 0 {
                let coop = ready!(coop::poll_proceed(cx));
                self.rbuf.copy_to(dst);
                coop.made_progress();
                self.pump_prefetch(cx, std);
                return Poll::Ready(Ok(()));
            }
            if self.rbuf.eof {
                let coop = ready!(coop::poll_proceed(cx));
                coop.made_progress();
                // Report end of file once, and give the memory back: the
                // next read (the file may have grown) starts afresh. (Not
                // to the thread's cache: measured, a stream that then
                // starts with cached megabyte buffers ran slower.)
                self.rbuf = Chunk::default();
                self.spare.clear();
                return Poll::Ready(Ok(()));
            }
            if let Some(next) = self.ahead.pop_front() {
                let old = mem::replace(&mut self.rbuf, next);
                self.recycle(old.data);
                continue;
            }
            if let Some(done) = ready!(self.poll_inflight(cx)) {
                if let Some(e) = self.finish(done) {
                    return Poll::Ready(Err(e));
                }
                continue;
            }
            #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
            if self.inline {
                if let Some(res) = ready!(self.read_inline(cx, std, dst)) {
                    return Poll::Ready(res);
                }
            }
            self.spawn_read(std, dst.remaining());
        }
    }

    /// Protocol step 2, without a hop: with nothing buffered or in flight
    /// (so the OS offset is the logical position), reads what the page
    /// cache holds on the task's thread (see `crate::sys`). A read that
    /// fills the caller's buffer goes straight into it; a small one reads
    /// ahead into `rbuf` as a hop would. End of file is seen by its own
    /// (inline) read, never cached. `Ready(None)`: the data is not cached,
    /// or this file cannot be read inline; read on the pool.
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    fn read_inline(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<Option<io::Result<()>>> {
        use crate::sys::{self, Nowait};
        use std::os::fd::AsRawFd;

        // Without a runtime, the pool path panics with the usual message.
        if !Spawner::is_current() {
            return Poll::Ready(None);
        }
        let fd = std.as_raw_fd();
        if self.kind == Kind::Unknown {
            match sys::stat(fd) {
                Ok(st) if st.regular => self.set_regular(st.size),
                // Devices, pipes...: the hop's `fstat` classifies them.
                _ => {
                    self.inline = false;
                    return Poll::Ready(None);
                }
            }
        }
        if self.kind != Kind::Regular {
            self.inline = false;
            return Poll::Ready(None);
        }
        let coop = ready!(coop::poll_proceed(cx));
        let want = dst.remaining().min(self.max_buf_size).min(INLINE_MAX);
        let direct = want >= INLINE_DIRECT || self.size_hint.is_some_and(|s| want as u64 > s);
        let res = if direct {
            // SAFETY: the kernel only writes to the unfilled part (it never
            // de-initializes anything).
            let unfilled = unsafe { dst.unfilled_mut() };
            // SAFETY: `unfilled` is writable for at least `want` bytes.
            let res = unsafe { sys::read_nowait(fd, unfilled.as_mut_ptr().cast(), want) };
            if let Nowait::Read(n) = res {
                // SAFETY: the kernel initialized the first `n` unfilled
                // bytes.
                unsafe { dst.assume_init(n) };
                dst.advance(n);
            }
            res
        } else {
            let len = self.plan(want).len(Kind::Regular, self.size_hint);
            let mut data = self.take_spare();
            if data.len() < len {
                data.resize(len, 0);
            }
            // SAFETY: `data` is initialized and writable for `len` bytes.
            let res = unsafe { sys::read_nowait(fd, data.as_mut_ptr(), len) };
            match res {
                Nowait::Read(n) if n > 0 => {
                    let chunk = Chunk {
                        data,
                        pos: 0,
                        end: n,
                        eof: false,
                    };
                    let old = mem::replace(&mut self.rbuf, chunk);
                    self.recycle(old.data);
                    self.rbuf.copy_to(dst);
                }
                _ => self.recycle(data),
            }
            res
        };
        match res {
            Nowait::Read(_) => {
                coop.made_progress();
                Poll::Ready(Some(Ok(())))
            }
            Nowait::WouldBlock => Poll::Ready(None),
            Nowait::Unsupported => {
                self.inline = false;
                Poll::Ready(None)
            }
        }
    }

    // ===== AsyncWrite =====

    pub(crate) fn poll_write(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        loop {
            if let Some(e) = self.take_error() {
                return Poll::Ready(Err(e));
            }
            if bufs.iter().all(|b| b.is_empty()) {
                return Poll::Ready(Ok(0));
            }
            if self.queued_seek.is_none() {
                if let Some(queue) = self.inflight.as_ref().and_then(|i| i.writer.as_ref()) {
                    let mut q = queue.lock();
                    if q.open {
                        let room = self.max_buf_size.saturating_sub(q.pending.len());
                        if room == 0 {
                            q.waker = Some(cx.waker().clone());
                            return Poll::Pending;
                        }
                        let coop = ready!(coop::poll_proceed(cx));
                        let n = append(&mut q.pending, bufs, room);
                        coop.made_progress();
                        return Poll::Ready(Ok(n));
                    }
                }
            }
            if let Some(done) = ready!(self.poll_inflight(cx)) {
                drop(self.finish(done));
                continue;
            }
            if self.queued_seek.is_some() {
                self.start_queued_seek(std);
                continue;
            }
            let rewind = self.rewind_for_write();
            let mut first = self.take_spare();
            first.clear();
            let n = append(&mut first, bufs, self.max_buf_size);
            let mut pending = self.take_spare();
            pending.clear();
            let queue = Arc::new(WriteQueue {
                state: Mutex::new(QueueState {
                    pending,
                    open: true,
                    waker: None,
                }),
            });
            let theirs = queue.clone();
            let std = std.clone();
            let handle = spawn(move || run_writer(std, theirs, first, rewind));
            self.set_inflight(handle, Some(queue));
            return Poll::Ready(Ok(n));
        }
    }

    /// Waits for everything in flight (including a writer's queue); reports
    /// a background error.
    pub(crate) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            if let Some(e) = self.take_error() {
                return Poll::Ready(Err(e));
            }
            match ready!(self.poll_inflight(cx)) {
                Some(done) => drop(self.finish(done)),
                None => return Poll::Ready(Ok(())),
            }
        }
    }

    // ===== AsyncSeek =====

    pub(crate) fn start_seek(&mut self, std: &Arc<StdFile>, pos: SeekFrom) -> io::Result<()> {
        if self.seeking {
            return Err(io::Error::other(
                "other file operation is pending, call poll_complete before start_seek",
            ));
        }
        self.seeking = true;
        self.queued_seek = Some(pos);
        if self.inflight.is_none() {
            self.start_queued_seek(std);
        }
        Ok(())
    }

    /// Waits until nothing is in flight or queued; then reports a
    /// background error, or the position of the last seek.
    pub(crate) fn poll_complete(
        &mut self,
        cx: &mut Context<'_>,
        std: &Arc<StdFile>,
    ) -> Poll<io::Result<u64>> {
        loop {
            if let Some(e) = self.take_error() {
                return Poll::Ready(Err(e));
            }
            if let Some(done) = ready!(self.poll_inflight(cx)) {
                drop(self.finish(done));
                continue;
            }
            if self.queued_seek.is_some() {
                self.start_queued_seek(std);
                continue;
            }
            self.seeking = false;
            return Poll::Ready(Ok(self.pos));
        }
    }
}

/// Appends up to `limit` bytes of `bufs` to `dst`; returns the count.
fn append(dst: &mut Vec<u8>, bufs: &[IoSlice<'_>], limit: usize) -> usize {
    let mut n = 0;
    for b in bufs {
        let take = b.len().min(limit - n);
        dst.extend_from_slice(&b[..take]);
        n += take;
        if n == limit {
            break;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(want: usize, kind: Kind, streak: u32, size_hint: Option<u64>) -> ReadPlan {
        ReadPlan {
            want,
            window: INITIAL_WINDOW,
            max: DEFAULT_MAX_BUF_SIZE,
            streak,
            kind,
            size_hint,
            shared: false,
        }
    }

    #[test]
    fn small_regular_file_is_read_whole_with_room_for_eof() {
        let p = plan(32, Kind::Regular, 0, Some(1024));
        assert_eq!(p.len(Kind::Regular, Some(1024)), 4096);
        // A page-multiple file still gets one byte more than its size.
        assert_eq!(p.len(Kind::Regular, Some(4096)), 8192);
    }

    #[test]
    fn big_regular_file_reads_one_window() {
        let p = plan(100, Kind::Regular, 0, Some(1 << 30));
        assert_eq!(p.len(Kind::Regular, Some(1 << 30)), INITIAL_WINDOW);
        // A caller's bigger buffer wins, up to max_buf_size.
        let p = plan(8 << 20, Kind::Regular, 0, Some(1 << 30));
        assert_eq!(p.len(Kind::Regular, Some(1 << 30)), DEFAULT_MAX_BUF_SIZE);
    }

    #[test]
    fn other_files_read_exactly_what_is_asked() {
        let p = plan(100, Kind::Other, 5, None);
        assert_eq!(p.len(Kind::Other, None), 100);
        let p = plan(100, Kind::CharDevice, 0, None);
        assert_eq!(p.len(Kind::CharDevice, None), 100);
        let p = plan(100, Kind::CharDevice, SEQUENTIAL_STREAK, None);
        assert_eq!(p.len(Kind::CharDevice, None), INITIAL_WINDOW);
        let mut p = plan(100, Kind::Regular, 3, None);
        p.shared = true;
        assert_eq!(p.len(Kind::Regular, None), 100);
    }

    #[test]
    fn max_buf_size_caps_every_read() {
        let mut p = plan(100, Kind::Regular, 0, None);
        p.max = 10;
        assert_eq!(p.len(Kind::Regular, None), 10);
    }

    #[test]
    fn append_respects_the_limit() {
        let mut v = Vec::new();
        let a = [1u8, 2, 3];
        let b = [4u8, 5];
        let n = append(&mut v, &[IoSlice::new(&a), IoSlice::new(&b)], 4);
        assert_eq!(n, 4);
        assert_eq!(v, [1, 2, 3, 4]);
    }

    #[test]
    fn dropped_files_leave_their_buffers_to_the_next_file_on_the_thread() {
        // Empty the cache (another test may have run on this thread).
        while cached_buffer().capacity() > 0 {}
        let mut inner = Inner::new(false);
        inner.rbuf.data = vec![7; 4096];
        inner.spare.push(vec![0; MAX_WINDOW]);
        inner.spare.push(vec![0; 2 * MAX_WINDOW]); // too big to keep
        drop(inner);
        let mut next = Inner::new(false);
        let a = next.take_spare();
        let b = next.take_spare();
        let mut caps = [a.capacity(), b.capacity()];
        caps.sort();
        assert_eq!(caps, [4096, MAX_WINDOW]);
        // The stale bytes stay initialized (the length is kept).
        assert!(a.len() == a.capacity() && b.len() == b.capacity());
        assert_eq!(next.take_spare().capacity(), 0);
        // At most `CACHED_BUFFERS` are kept.
        for _ in 0..CACHED_BUFFERS + 2 {
            cache_buffer(vec![0; 16]);
        }
        let kept = (0..CACHED_BUFFERS + 2)
            .filter(|_| cached_buffer().capacity() > 0)
            .count();
        assert_eq!(kept, CACHED_BUFFERS);
    }
}

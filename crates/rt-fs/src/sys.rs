//! Inline fast paths: system calls that the kernel promises not to block,
//! made on the runtime thread instead of the blocking pool (Linux only).
//!
//! A pool hop costs tens of microseconds; reading a small file that is in
//! the page cache costs a few. Linux can say, without blocking, whether a
//! call would block:
//!
//! * `openat2(..., RESOLVE_CACHED)` resolves the path from the dentry cache
//!   only, and fails with `EAGAIN` if that needs I/O (or a lookup on a
//!   network file system that must revalidate).
//! * `statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC)` reads the inode's
//!   cached attributes (no round trip to a network server).
//! * `preadv2(..., RWF_NOWAIT)` copies from the page cache and fails with
//!   `EAGAIN` instead of waiting for the disk (and with `EOPNOTSUPP` on
//!   file systems that cannot promise that).
//!
//! Only regular files on local file systems (see [`LOCAL_FS`]: not FUSE,
//! whose `open` asks its daemon, nor a network file system) are opened
//! inline. Opening a FIFO or a device can
//! block (a FIFO waits for a writer) or have side effects (a tape rewinds,
//! a serial line raises DTR), so the path is first opened with `O_PATH`,
//! which runs no driver code, and its type checked; the real open then
//! adds `O_NONBLOCK` (harmless on a regular file, removed again for a
//! `File`), so that even a path swapped for a FIFO between the two calls
//! cannot block the thread.
//!
//! Whenever the kernel says "would block", or anything unexpected happens
//! (an old kernel without `openat2`, a seccomp filter, an error whose exact
//! std form matters), the caller falls back to the blocking pool, which
//! then does exactly what std does. Errors that are reported inline are
//! the kernel's own (`ENOENT`, `ENOTDIR`), with the same
//! `io::Error::from_raw_os_error` form std gives them.

use std::ffi::CString;
use std::fs::File as StdFile;
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// Cleared when the kernel (or a sandbox) refuses `openat2`.
static OPEN_INLINE: AtomicBool = AtomicBool::new(true);
/// Cleared when the kernel refuses `preadv2` (`ENOSYS`).
static READ_INLINE: AtomicBool = AtomicBool::new(true);

#[cfg(test)]
thread_local! {
    /// Unit tests turn the fast paths off on their thread to exercise the
    /// pool paths.
    static DISABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Turns the inline fast paths off (or on again) for this thread (tests).
#[cfg(test)]
pub(crate) fn set_disabled(off: bool) {
    DISABLED.with(|d| d.set(off));
}

fn disabled() -> bool {
    #[cfg(test)]
    if DISABLED.with(|d| d.get()) {
        return true;
    }
    false
}

/// What `statx` says about an open file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Stat {
    /// A regular file.
    pub(crate) regular: bool,
    /// The size in bytes.
    pub(crate) size: u64,
    /// Hard links; 0 once the file was unlinked (its last close frees its
    /// blocks, which may wait for the disk).
    pub(crate) nlink: u32,
    /// The mount's unique id (never reused), where the kernel gives it
    /// (Linux 6.8+).
    mnt_id: Option<u64>,
}

/// The cached attributes of `fd`, without a network round trip.
pub(crate) fn stat(fd: RawFd) -> io::Result<Stat> {
    let mut stx = MaybeUninit::<libc::statx>::zeroed();
    // SAFETY: the path is a NUL-terminated empty string, `stx` points to a
    // writable `statx` the kernel fills, and `fd` is only read (a closed or
    // wrong descriptor gives `EBADF`, nothing worse).
    let rc = unsafe {
        libc::statx(
            fd,
            c"".as_ptr(),
            libc::AT_EMPTY_PATH | libc::AT_STATX_DONT_SYNC,
            libc::STATX_TYPE | libc::STATX_SIZE | libc::STATX_NLINK | libc::STATX_MNT_ID_UNIQUE,
            stx.as_mut_ptr(),
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `statx` returned 0, so it filled the struct (which was zeroed
    // before, so every field is initialized either way).
    let stx = unsafe { stx.assume_init() };
    Ok(Stat {
        regular: u32::from(stx.stx_mode) & libc::S_IFMT == libc::S_IFREG,
        size: stx.stx_size,
        nlink: stx.stx_nlink,
        mnt_id: (stx.stx_mask & libc::STATX_MNT_ID_UNIQUE != 0).then_some(stx.stx_mnt_id),
    })
}

/// File systems whose `open` of a cached regular file for reading never
/// waits for a device, a server or a daemon (`statfs` magic numbers): ext2/3/4,
/// XFS, Btrfs, F2FS, tmpfs, ramfs, overlayfs. A FUSE file system's `open`
/// asks its daemon, a network file system's may ask its server: those (and
/// any file system not listed) open on the pool.
const LOCAL_FS: [u32; 7] = [
    0xef53,      // ext2/3/4
    0x5846_5342, // XFS
    0x9123_683e, // Btrfs
    0xf2f5_2010, // F2FS
    0x0102_1994, // tmpfs
    0x8584_58f6, // ramfs
    0x794c_7630, // overlayfs
];

thread_local! {
    /// The last mount [`local_mount`] looked at: its unique id (mount ids
    /// of this kind are never reused, and a mount's file system never
    /// changes) and whether it is local.
    static LAST_MOUNT: std::cell::Cell<Option<(u64, bool)>> = const { std::cell::Cell::new(None) };
}

/// Whether `fd`, on the mount `mnt_id`, is on one of the [`LOCAL_FS`]: the
/// answer for the last mount seen on this thread is remembered (files are
/// mostly opened one directory after another), else `fstatfs` tells.
fn local_mount(fd: RawFd, mnt_id: Option<u64>) -> bool {
    let Some(id) = mnt_id else {
        return local_fs(fd);
    };
    if let Ok(Some((last, local))) = LAST_MOUNT.try_with(|m| m.get()) {
        if last == id {
            return local;
        }
    }
    let local = local_fs(fd);
    let _ = LAST_MOUNT.try_with(|m| m.set(Some((id, local))));
    local
}

/// Whether `fd` is on one of the [`LOCAL_FS`].
pub(crate) fn local_fs(fd: RawFd) -> bool {
    let mut sf = MaybeUninit::<libc::statfs>::zeroed();
    // SAFETY: `sf` points to a writable `statfs` the kernel fills; `fd` is
    // only read.
    if unsafe { libc::fstatfs(fd, sf.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: zeroed, then filled by a successful `fstatfs`.
    let sf = unsafe { sf.assume_init() };
    // `f_type`'s integer type varies by target; the magic is its low 32
    // bits.
    #[allow(clippy::unnecessary_cast)]
    let magic = (sf.f_type as u64 & 0xffff_ffff) as u32;
    LOCAL_FS.contains(&magic)
}

/// `openat2(AT_FDCWD, path, flags, RESOLVE_CACHED)`.
fn open_cached(path: &CString, flags: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: `open_how` is plain integers; all-zero is a valid value
    // (the struct is `non_exhaustive`, so it cannot be built literally).
    let mut how: libc::open_how = unsafe { std::mem::zeroed() };
    how.flags = flags as u64;
    how.resolve = libc::RESOLVE_CACHED;
    // SAFETY: `path` is NUL-terminated and outlives the call; `how` is a
    // valid `open_how` whose size is passed with it.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            libc::AT_FDCWD,
            path.as_ptr(),
            &how as *const libc::open_how,
            std::mem::size_of::<libc::open_how>(),
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the kernel returned a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// The outcome of [`open_regular`].
#[derive(Debug)]
pub(crate) enum Open {
    /// The file, opened read-only, and its attributes.
    File(StdFile, Stat),
    /// An error that std's `open` gives the same way.
    Failed(io::Error),
    /// Not decided inline: open on the pool.
    Punt,
}

/// Opens `path` read-only (`O_RDONLY | O_CLOEXEC`, as std) without
/// blocking, if it names a regular file and its lookup is cached.
/// `keep_nonblock`: leave `O_NONBLOCK` set (saves an `fcntl` when the
/// descriptor is private, as in [`read`](crate::read); it changes nothing
/// on a regular file).
pub(crate) fn open_regular(path: &Path, keep_nonblock: bool) -> Open {
    if disabled() || !OPEN_INLINE.load(Ordering::Relaxed) {
        return Open::Punt;
    }
    // A path with a NUL byte: std's own error, from the pool.
    let Ok(cpath) = CString::new(path.as_os_str().as_bytes()) else {
        return Open::Punt;
    };
    let probe = match open_cached(&cpath, libc::O_PATH | libc::O_CLOEXEC) {
        Ok(fd) => fd,
        Err(e) => {
            return match e.raw_os_error() {
                Some(libc::ENOENT | libc::ENOTDIR) => Open::Failed(e),
                Some(libc::ENOSYS | libc::EPERM | libc::EINVAL | libc::E2BIG) => {
                    // No `openat2` here (old kernel, sandbox): never again.
                    OPEN_INLINE.store(false, Ordering::Relaxed);
                    Open::Punt
                }
                _ => Open::Punt,
            };
        }
    };
    match stat(probe.as_raw_fd()) {
        Ok(st) if st.regular && local_mount(probe.as_raw_fd(), st.mnt_id) => {}
        _ => return Open::Punt,
    }
    drop(probe);
    let flags = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY;
    let Ok(fd) = open_cached(&cpath, flags) else {
        // Permission denied, a race...: std's answer, from the pool.
        return Open::Punt;
    };
    let st = match stat(fd.as_raw_fd()) {
        Ok(st) if st.regular => st,
        // Swapped for something else between the two calls.
        _ => return Open::Punt,
    };
    if !keep_nonblock {
        // SAFETY: `fd` is open; `F_SETFL` with 0 clears `O_NONBLOCK`, the
        // only status flag set above.
        if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, 0) } != 0 {
            return Open::Punt;
        }
    }
    Open::File(StdFile::from(fd), st)
}

/// The outcome of [`read_nowait`].
#[derive(Debug)]
pub(crate) enum Nowait {
    /// Bytes copied from the page cache (0: end of file).
    Read(usize),
    /// The data is not cached (or the call failed): read on the pool, which
    /// waits, or reports std's error.
    WouldBlock,
    /// This file system cannot promise not to block: stop trying on it.
    Unsupported,
}

/// Reads up to `len` bytes at the file offset into `buf` without waiting
/// for the disk.
///
/// # Safety
///
/// `buf` must be valid for writes of `len` bytes (they need not be
/// initialized).
pub(crate) unsafe fn read_nowait(fd: RawFd, buf: *mut u8, len: usize) -> Nowait {
    if disabled() || !READ_INLINE.load(Ordering::Relaxed) {
        return Nowait::Unsupported;
    }
    let iov = libc::iovec {
        iov_base: buf.cast(),
        iov_len: len,
    };
    // SAFETY: `iov` describes memory the caller guarantees writable; offset
    // -1 uses (and advances) the file offset, as `read` does.
    let n = unsafe { libc::preadv2(fd, &iov, 1, -1, libc::RWF_NOWAIT) };
    if n >= 0 {
        return Nowait::Read(n as usize);
    }
    match io::Error::last_os_error().raw_os_error() {
        Some(libc::ENOSYS) => {
            READ_INLINE.store(false, Ordering::Relaxed);
            Nowait::Unsupported
        }
        Some(libc::EOPNOTSUPP | libc::EINVAL) => Nowait::Unsupported,
        _ => Nowait::WouldBlock,
    }
}

/// Reads the whole of `file` (a regular file of about `size` bytes) into
/// `buf`, inline, as `std::fs::read` does. Returns `false` (with what was
/// read so far in `buf`, the file offset after it) when the rest must be
/// read on the pool: the data is not cached, or the file grew past `limit`
/// bytes.
pub(crate) fn read_to_end_nowait(
    file: &StdFile,
    size: u64,
    buf: &mut Vec<u8>,
    limit: usize,
) -> bool {
    let fd = file.as_raw_fd();
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if buf.try_reserve_exact(size).is_err() {
        return false;
    }
    // Bounded: each turn reads bytes or returns; a file that keeps growing
    // hands over to the pool after `MAX_TURNS`.
    const MAX_TURNS: usize = 64;
    for _ in 0..MAX_TURNS {
        if buf.len() > limit {
            return false;
        }
        if buf.capacity() == buf.len() {
            // Sized exactly: look for the end in a small stack buffer
            // before growing (as std does).
            let mut probe = [0u8; 32];
            // SAFETY: `probe` is a writable local of that length.
            match unsafe { read_nowait(fd, probe.as_mut_ptr(), probe.len()) } {
                Nowait::Read(0) => return true,
                Nowait::Read(n) => buf.extend_from_slice(&probe[..n]),
                Nowait::WouldBlock | Nowait::Unsupported => return false,
            }
            if buf.try_reserve(buf.len().max(8192)).is_err() {
                return false;
            }
            continue;
        }
        let spare = buf.spare_capacity_mut();
        // SAFETY: the spare capacity is writable memory of that length.
        match unsafe { read_nowait(fd, spare.as_mut_ptr().cast(), spare.len()) } {
            Nowait::Read(0) => return true,
            Nowait::Read(n) => {
                // SAFETY: the kernel initialized the first `n` spare bytes.
                unsafe { buf.set_len(buf.len() + n) };
            }
            Nowait::WouldBlock | Nowait::Unsupported => return false,
        }
    }
    false
}

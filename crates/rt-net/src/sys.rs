//! The few raw system calls std and socket2 do not offer.

use std::io;
use std::mem::MaybeUninit;
use std::os::unix::io::RawFd;

/// `read(2)` into possibly uninitialized memory (only written to).
pub(crate) fn read_uninit(fd: RawFd, buf: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    // SAFETY: the pointer and length describe a valid, writable buffer that
    // the kernel only writes to; `fd` is owned by the caller's socket.
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}

/// Reads into the spare capacity of `buf` with `read(2)` and advances it.
pub(crate) fn read_buf<B: rt_io::BufMut + ?Sized>(fd: RawFd, buf: &mut B) -> io::Result<usize> {
    // SAFETY: `chunk_mut` hands out spare capacity; it is only written to
    // (by the kernel), and exactly the `n` bytes written are committed.
    let chunk = unsafe { buf.chunk_mut() };
    let n = read_uninit(fd, chunk)?;
    // SAFETY: `read` initialized the first `n` bytes of the chunk.
    unsafe { buf.advance_mut(n) };
    Ok(n)
}

/// The access mode (`O_RDONLY`, `O_WRONLY` or `O_RDWR`) `fd` was opened
/// with.
pub(crate) fn access_mode(fd: RawFd) -> io::Result<libc::c_int> {
    // SAFETY: `F_GETFL` only reads the file status flags of `fd`, a
    // descriptor the caller owns; no memory is passed.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(flags & libc::O_ACCMODE)
    }
}

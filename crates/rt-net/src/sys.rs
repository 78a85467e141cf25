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

/// Turns the `TCP_INQ` socket option of `fd` on or off: while it is on,
/// a `recvmsg(2)` on the socket returns, as a `TCP_CM_INQ` control
/// message, the number of bytes left in the receive queue after the read.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn set_tcp_inq(fd: RawFd, on: bool) -> io::Result<()> {
    let value: libc::c_int = on.into();
    // SAFETY: the option value is a `c_int` on the stack whose address and
    // size are passed together; the kernel only reads it.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_TCP,
            libc::TCP_INQ,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Room for one `TCP_CM_INQ` control message (a `c_int`), aligned for
/// `cmsghdr`.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[repr(C, align(8))]
struct InqControl([u8; 64]);

/// `recvmsg(2)` into `buf` on a TCP socket with `TCP_INQ` on: the bytes
/// read and, if the kernel attached it, the number of bytes still queued
/// after the read (`Some(0)`: the receive queue was drained; the kernel
/// reports a non-zero value once the peer's FIN arrived, so that the end
/// of stream is read too).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn recv_with_inq(fd: RawFd, buf: &mut [u8]) -> io::Result<(usize, Option<u32>)> {
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let mut control = InqControl([0; 64]);
    // SAFETY: an all-zero `msghdr` is valid (null name, no iovecs, no
    // control buffer); the fields that matter are set below.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.0.as_mut_ptr().cast();
    msg.msg_controllen = control.0.len() as _;
    // SAFETY: `msg` points at one iovec describing `buf` (valid and
    // writable for its length) and at `control` (valid and writable for
    // `msg_controllen` bytes); all of them outlive the call.
    let n = unsafe { libc::recvmsg(fd, &mut msg, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut inq = None;
    // SAFETY: `msg` was filled in by `recvmsg`; `msg_controllen` now holds
    // the length of the control messages the kernel wrote into `control`,
    // which the CMSG macros walk without leaving that range.
    let mut cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    while !cmsg.is_null() {
        // SAFETY: `cmsg` is non-null and points at a header inside
        // `control` (see above).
        let hdr = unsafe { &*cmsg };
        if hdr.cmsg_level == libc::SOL_TCP && hdr.cmsg_type == libc::TCP_CM_INQ {
            // SAFETY: a `TCP_CM_INQ` message carries one `c_int`, possibly
            // unaligned inside the buffer, hence the unaligned read.
            let value =
                unsafe { std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>()) };
            inq = u32::try_from(value).ok();
        }
        // SAFETY: as above: `cmsg` is a header inside the control buffer.
        cmsg = unsafe { libc::CMSG_NXTHDR(&msg, cmsg) };
    }
    Ok((n as usize, inq))
}

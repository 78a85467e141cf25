//! Credentials of the process at the other end of a Unix stream.

use std::io;
use std::mem;
use std::os::unix::io::AsRawFd;

/// A Unix user id.
#[allow(non_camel_case_types)]
pub type uid_t = u32;
/// A Unix group id.
#[allow(non_camel_case_types)]
pub type gid_t = u32;
/// A Unix process id.
#[allow(non_camel_case_types)]
pub type pid_t = i32;

/// Credentials of a process.
#[derive(Copy, Clone, Eq, PartialEq, Hash, Debug)]
pub struct UCred {
    /// PID (process ID) of the process.
    pid: Option<pid_t>,
    /// UID (user ID) of the process.
    uid: uid_t,
    /// GID (group ID) of the process.
    gid: gid_t,
}

impl UCred {
    /// Gets UID (user ID) of the process.
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// Gets GID (group ID) of the process.
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// Gets PID (process ID) of the process.
    ///
    /// This is only implemented under Linux, Android, iOS, macOS, Solaris
    /// and Illumos. On other platforms this will always return `None`.
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

/// Reads `SO_PEERCRED` of a connected Unix stream socket.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) fn get_peer_cred(sock: &impl AsRawFd) -> io::Result<UCred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` and `len` are valid for writes and describe a buffer
    // of exactly the size `SO_PEERCRED` writes; the fd is a live socket.
    let ret = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if ret == 0 && len as usize == mem::size_of::<libc::ucred>() {
        Ok(UCred {
            uid: cred.uid,
            gid: cred.gid,
            pid: Some(cred.pid),
        })
    } else if ret == 0 {
        Err(io::Error::other("SO_PEERCRED returned an unexpected size"))
    } else {
        Err(io::Error::last_os_error())
    }
}

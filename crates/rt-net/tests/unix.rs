//! Unix sockets on a current-thread runtime driven by the reactor.

mod support;

use std::io::ErrorKind;
use std::path::PathBuf;

use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{UnixDatagram, UnixListener, UnixStream};
use support::run;

/// A fresh socket path in the temp dir, removed on drop.
struct TempPath(PathBuf);

impl TempPath {
    fn new(name: &str) -> TempPath {
        let p = std::env::temp_dir().join(format!(
            "rt-net-{}-{}-{}",
            std::process::id(),
            name,
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let _ = std::fs::remove_file(&p);
        TempPath(p)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn listener_accept_and_connect() {
    run(|_| async {
        let path = TempPath::new("listener");
        let listener = UnixListener::bind(&path.0).unwrap();
        assert_eq!(
            listener.local_addr().unwrap().as_pathname(),
            Some(path.0.as_path())
        );
        let mut client = UnixStream::connect(&path.0).await.unwrap();
        let (mut server, addr) = listener.accept().await.unwrap();
        assert!(addr.is_unnamed());
        assert_eq!(
            server.local_addr().unwrap().as_pathname(),
            Some(path.0.as_path())
        );
        assert!(client.peer_addr().unwrap().as_pathname().is_some());
        client.write_all(b"over unix").await.unwrap();
        client.shutdown().await.unwrap();
        let mut got = String::new();
        server.read_to_string(&mut got).await.unwrap();
        assert_eq!(got, "over unix");
        // poll_accept as well.
        let _c2 = std::os::unix::net::UnixStream::connect(&path.0).unwrap();
        let (_s2, _) = std::future::poll_fn(|cx| listener.poll_accept(cx))
            .await
            .unwrap();
    });
}

#[test]
fn connect_to_a_missing_path_fails_like_std() {
    run(|_| async {
        let path = TempPath::new("missing");
        let ours = UnixStream::connect(&path.0).await.unwrap_err();
        let std = std::os::unix::net::UnixStream::connect(&path.0).unwrap_err();
        assert_eq!(ours.kind(), std.kind());
        assert_eq!(ours.kind(), ErrorKind::NotFound);
    });
}

#[test]
fn pair_peer_cred_and_splits() {
    run(|_| async {
        let (mut a, mut b) = UnixStream::pair().unwrap();
        let cred = a.peer_cred().unwrap();
        // SAFETY: getuid/getgid/getpid cannot fail.
        let (uid, gid, pid) = unsafe { (libc::getuid(), libc::getgid(), libc::getpid()) };
        assert_eq!(cred.uid(), uid);
        assert_eq!(cred.gid(), gid);
        assert_eq!(cred.pid(), Some(pid));
        {
            let (mut r, mut w) = a.split();
            w.write_all(b"half").await.unwrap();
            let mut buf = [0; 4];
            b.read_exact(&mut buf).await.unwrap();
            b.write_all(&buf).await.unwrap();
            r.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"half");
        }
        let (mut r, w) = a.into_split();
        let a = r.reunite(w).unwrap();
        let (r2, w) = a.into_split();
        drop(w); // shuts down writing
        let mut buf = [0; 1];
        assert_eq!(b.read(&mut buf).await.unwrap(), 0);
        r = r2;
        b.write_all(b"z").await.unwrap();
        r.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"z");
    });
}

#[test]
fn try_read_write_and_readiness() {
    run(|_| async {
        let (a, b) = UnixStream::pair().unwrap();
        a.writable().await.unwrap();
        assert_eq!(a.try_write(b"12345").unwrap(), 5);
        let mut v = Vec::new();
        for _ in 0..100 {
            b.readable().await.unwrap();
            match b.try_read_buf(&mut v) {
                Ok(_) if v.len() == 5 => break,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(v, b"12345");
        assert_eq!(
            b.try_read(&mut [0; 4]).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        let std_b = b.into_std().unwrap();
        let b = UnixStream::from_std(std_b).unwrap();
        drop(a);
        let mut b = b;
        let mut buf = [0; 4];
        assert_eq!(b.read(&mut buf).await.unwrap(), 0);
    });
}

#[test]
fn datagrams() {
    run(|_| async {
        let dir_a = TempPath::new("dgram-a");
        let dir_b = TempPath::new("dgram-b");
        let a = UnixDatagram::bind(&dir_a.0).unwrap();
        let b = UnixDatagram::bind(&dir_b.0).unwrap();
        a.send_to(b"to b", &dir_b.0).await.unwrap();
        let mut buf = [0; 16];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to b");
        assert_eq!(from.as_pathname(), Some(dir_a.0.as_path()));

        let unbound = UnixDatagram::unbound().unwrap();
        unbound.connect(&dir_b.0).unwrap();
        assert_eq!(
            unbound.peer_addr().unwrap().as_pathname(),
            Some(dir_b.0.as_path())
        );
        unbound.send(b"connected").await.unwrap();
        let n = b.recv(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"connected");

        let (p, q) = UnixDatagram::pair().unwrap();
        p.writable().await.unwrap();
        p.try_send(b"x").unwrap();
        q.readable().await.unwrap();
        let mut v = Vec::new();
        q.try_recv_buf(&mut v).unwrap();
        assert_eq!(v, b"x");
        assert_eq!(
            q.try_recv(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        p.shutdown(std::net::Shutdown::Write).unwrap();
        assert!(p.send(b"after").await.is_err());
        assert!(p.take_error().unwrap().is_none());
        let std_q = q.into_std().unwrap();
        assert!(std_q.local_addr().unwrap().is_unnamed());
    });
}

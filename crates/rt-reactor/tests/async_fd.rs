//! `AsyncFd` on a current-thread runtime driven by the reactor.

mod support;

use std::future::Future;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::task::noop_waker;
use rt_reactor::{AsyncFd, Interest, Ready};
use support::Rt;

fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

/// Polls `f` once with a no-op waker.
fn poll_once<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    let waker = noop_waker();
    f.poll(&mut Context::from_waker(&waker))
}

async fn read_some(fd: &AsyncFd<UnixStream>, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        let mut guard = fd.readable().await?;
        match guard.try_io(|inner| inner.get_ref().read(buf)) {
            Ok(res) => return res,
            Err(_would_block) => continue,
        }
    }
}

#[test]
fn read_and_write_through_readiness() {
    let rt = Rt::new();
    rt.block_on(async {
        let (a, b) = pair();
        let a = AsyncFd::new(a).unwrap();
        let b = AsyncFd::new(b).unwrap();
        // Freshly registered sockets are writable.
        let mut g = a.writable().await.unwrap();
        assert!(g.ready().is_writable());
        g.try_io(|inner| inner.get_ref().write(b"hello"))
            .unwrap()
            .unwrap();
        let mut buf = [0u8; 16];
        let n = read_some(&b, &mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"hello");
        // Drained: the next readable() is pending until new data arrives.
        let mut readable = pin!(b.readable());
        if let Poll::Ready(Ok(mut g)) = poll_once(readable.as_mut()) {
            // Readiness may still be cached; an attempt clears it.
            assert!(g.try_io(|i| i.get_ref().read(&mut buf)).is_err());
        }
    });
    rt.shutdown();
}

#[test]
fn clear_ready_waits_for_the_next_edge_and_retain_keeps_it() {
    let rt = Rt::new();
    rt.block_on(async {
        let (mut a, b) = pair();
        let b = AsyncFd::with_interest(b, Interest::READABLE).unwrap();
        a.write_all(b"x").unwrap();
        let mut g = b.readable().await.unwrap();
        g.retain_ready();
        drop(g);
        // Retained: ready again at once, without a new event.
        let mut g = b.readable().await.unwrap();
        assert!(g.ready().is_readable());
        g.clear_ready();
        assert_eq!(g.ready(), Ready::EMPTY);
        drop(g);
        {
            let mut fut = pin!(b.readable());
            assert!(poll_once(fut.as_mut()).is_pending(), "cleared readiness");
        }
        a.write_all(b"y").unwrap();
        let g = b.readable().await.unwrap();
        assert!(g.ready().is_readable());
        let mut buf = [0; 4];
        assert_eq!(g.get_inner().read(&mut buf).unwrap(), 2);
    });
    rt.shutdown();
}

#[test]
fn clear_ready_matching_keeps_the_rest() {
    let rt = Rt::new();
    rt.block_on(async {
        let (mut a, b) = pair();
        let b = AsyncFd::new(b).unwrap();
        a.write_all(b"x").unwrap();
        // Wait until both readable and writable are known.
        let _ = b.readable().await.unwrap();
        let mut g = b
            .ready(Interest::READABLE | Interest::WRITABLE)
            .await
            .unwrap();
        assert!(g.ready().is_readable() && g.ready().is_writable());
        g.clear_ready_matching(Ready::READABLE);
        assert!(!g.ready().is_readable());
        assert!(g.ready().is_writable());
        drop(g);
        let g = b.writable().await.unwrap();
        assert!(g.ready().is_writable());
        drop(g);
        let mut fut = pin!(b.readable());
        assert!(poll_once(fut.as_mut()).is_pending());
    });
    rt.shutdown();
}

#[test]
fn many_tasks_wait_on_one_fd() {
    let rt = Rt::new();
    let (mut a, b) = pair();
    let fd = {
        let _g = rt.enter();
        Arc::new(AsyncFd::with_interest(b, Interest::READABLE).unwrap())
    };
    let woke = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..20 {
        let fd = fd.clone();
        let woke = woke.clone();
        handles.push(rt.spawn(async move {
            let mut g = fd.readable().await.unwrap();
            g.retain_ready();
            woke.fetch_add(1, Ordering::SeqCst);
        }));
    }
    rt.block_on(async move {
        // Let every task park.
        for _ in 0..5 {
            rt_task::yield_now().await;
        }
        assert_eq!(woke.load(Ordering::SeqCst), 0);
        a.write_all(b"go").unwrap();
        for h in handles {
            h.await.unwrap();
        }
        assert_eq!(woke.load(Ordering::SeqCst), 20);
    });
    rt.shutdown();
}

#[test]
fn poll_read_and_write_ready() {
    let rt = Rt::new();
    rt.block_on(async {
        let (mut a, b) = pair();
        let mut b = AsyncFd::new(b).unwrap();
        std::future::poll_fn(|cx| {
            b.poll_write_ready(cx)
                .map(|r| r.map(|mut g| g.retain_ready()))
        })
        .await
        .unwrap();
        a.write_all(b"abc").unwrap();
        let n = std::future::poll_fn(|cx| match b.poll_read_ready_mut(cx) {
            Poll::Ready(Ok(mut g)) => match g.try_io(|fd| fd.get_mut().read(&mut [0; 8])) {
                Ok(r) => Poll::Ready(r),
                Err(_) => {
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            },
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        })
        .await
        .unwrap();
        assert_eq!(n, 3);
        let v = b
            .async_io(Interest::WRITABLE, |s| (&*s).write(b"zz"))
            .await
            .unwrap();
        assert_eq!(v, 2);
        let mut buf = [0; 2];
        a.set_nonblocking(false).unwrap();
        a.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"zz");
        let inner = b.into_inner();
        inner.set_nonblocking(false).unwrap();
    });
    rt.shutdown();
}

#[test]
fn priority_interest_sees_out_of_band_data() {
    use std::net::{TcpListener, TcpStream};
    use std::os::unix::io::AsRawFd;
    let rt = Rt::new();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        server.set_nonblocking(true).unwrap();
        let fd = AsyncFd::with_interest(server, Interest::PRIORITY).unwrap();
        // SAFETY: a valid, connected socket fd and a one-byte buffer.
        let sent =
            unsafe { libc::send(client.as_raw_fd(), b"!".as_ptr().cast(), 1, libc::MSG_OOB) };
        assert_eq!(sent, 1);
        let g = fd.ready(Interest::PRIORITY).await.unwrap();
        assert!(g.ready().is_priority());
    });
    rt.shutdown();
}

#[test]
fn readiness_futures_respect_the_coop_budget() {
    let rt = Rt::new();
    let (mut a, b) = pair();
    a.write_all(b"x").unwrap();
    let fd = {
        let _g = rt.enter();
        AsyncFd::with_interest(b, Interest::READABLE).unwrap()
    };
    let other_ran = Arc::new(AtomicBool::new(false));
    let flag = other_ran.clone();
    let jh = rt.spawn(async move { flag.store(true, Ordering::SeqCst) });
    let n = rt.block_on(async move {
        let mut n = 0;
        // Readiness stays set (retained), so every await is ready at once:
        // only the budget makes this loop yield.
        while !other_ran.load(Ordering::SeqCst) && n < 10_000 {
            let mut g = fd.readable().await.unwrap();
            g.retain_ready();
            n += 1;
        }
        jh.await.unwrap();
        n
    });
    assert!(n < 10_000, "the readiness loop never yielded");
    rt.shutdown();
}

#[test]
fn shutdown_fails_pending_and_later_operations() {
    let rt = Rt::new();
    let (_a, b) = pair();
    let (_c, d) = pair();
    let fd = {
        let _g = rt.enter();
        AsyncFd::with_interest(b, Interest::READABLE).unwrap()
    };
    let io = rt.io().clone();
    // A task on another executor waits on the fd.
    let (tx, rx) = std::sync::mpsc::channel();
    let (parked_tx, parked_rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let res = futures::executor::block_on(async {
            let mut fut = pin!(fd.readable());
            std::future::poll_fn(|cx| {
                let r = fut.as_mut().poll(cx);
                if r.is_pending() {
                    let _ = parked_tx.send(());
                }
                r
            })
            .await
            .map(|_| ())
        });
        let later = futures::executor::block_on(async { fd.writable().await.map(|_| ()) });
        tx.send((res, later)).unwrap();
    });
    parked_rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    rt.shutdown();
    let (res, later) = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the pending operation hung after shutdown");
    waiter.join().unwrap();
    let err = res.unwrap_err();
    assert_eq!(err.to_string(), rt_reactor::SHUTDOWN_MSG);
    assert!(later.is_err());
    assert!(io.is_shutdown());
    // New registrations fail too.
    let err = AsyncFd::try_with_interest_and_handle(d, Interest::READABLE, io)
        .unwrap_err()
        .into_parts()
        .1;
    assert_eq!(err.to_string(), rt_reactor::SHUTDOWN_MSG);
}

#[test]
fn registrations_are_freed() {
    let rt = Rt::new();
    let base = rt.io().num_registrations();
    rt.block_on(async {
        let mut fds = Vec::new();
        for _ in 0..100 {
            let (a, b) = pair();
            fds.push((AsyncFd::new(a).unwrap(), AsyncFd::new(b).unwrap()));
        }
        assert_eq!(
            rt_reactor::Handle::current().num_registrations(),
            base + 200
        );
        drop(fds);
    });
    assert_eq!(rt.io().num_registrations(), base);
    assert!(rt.io().registered_count() >= 200);
    rt.shutdown();
}

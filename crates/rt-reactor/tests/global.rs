//! With no rt runtime current, resources use the global driver thread and
//! work under other executors.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::Duration;

use rt_reactor::{AsyncFd, Interest};

fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

async fn read_some(fd: &AsyncFd<UnixStream>, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        let mut guard = fd.readable().await?;
        if let Ok(res) = guard.try_io(|inner| inner.get_ref().read(buf)) {
            return res;
        }
    }
}

#[test]
fn works_under_futures_block_on() {
    let (mut a, b) = pair();
    let fd = AsyncFd::new(b).unwrap();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(20));
        a.write_all(b"from another thread").unwrap();
        a
    });
    let mut buf = [0u8; 64];
    let n = futures::executor::block_on(read_some(&fd, &mut buf)).unwrap();
    assert!(n > 0);
    assert!(b"from another thread".starts_with(&buf[..n]));
    drop(writer.join().unwrap());
}

#[test]
fn works_under_async_executor() {
    let ex = Arc::new(async_executor::Executor::new());
    let total = futures::executor::block_on(ex.run(async {
        let mut tasks = Vec::new();
        for i in 0..8u8 {
            tasks.push(ex.spawn(async move {
                let (a, b) = pair();
                let a = AsyncFd::with_interest(a, Interest::WRITABLE).unwrap();
                let b = AsyncFd::with_interest(b, Interest::READABLE).unwrap();
                a.async_io(Interest::WRITABLE, |s| (&*s).write(&[i; 4]))
                    .await
                    .unwrap();
                let mut buf = [0u8; 4];
                let n = b
                    .async_io(Interest::READABLE, |s| (&*s).read(&mut buf))
                    .await
                    .unwrap();
                assert_eq!(&buf[..n], &[i; 4][..n]);
                n
            }));
        }
        let mut total = 0;
        for t in tasks {
            total += t.await;
        }
        total
    }));
    assert_eq!(total, 32);
}

#[test]
fn the_global_driver_is_shared() {
    let a = rt_reactor::Handle::current();
    let b = rt_reactor::Handle::global();
    assert!(a.ptr_eq(&b));
    assert!(!a.is_shutdown());
}

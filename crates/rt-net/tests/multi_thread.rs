//! Sockets on the multi-thread scheduler driven by the reactor: the driver
//! is parked by whichever worker is idle, wake-ups cross threads.

use std::sync::Arc;

use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{TcpListener, TcpStream};
use rt_reactor::Driver;
use rt_sched_mt::{Config, MultiThread};
use rt_task::context::{self, Handles};
use rt_task::Id;

#[test]
fn echo_on_the_multi_thread_scheduler() {
    let driver = Driver::new().unwrap();
    let io = driver.handle();
    let config = Config {
        worker_threads: 3,
        ..Config::default()
    };
    let (sched, spawner) = MultiThread::new(driver, config);
    let handles = Handles::default().with_driver(context::Driver::Io, io.to_context_handle());
    sched.launch(handles.clone());
    let _g = context::enter(handles);
    let listener = Arc::new(sched.block_on(TcpListener::bind("127.0.0.1:0")).unwrap());
    let addr = listener.local_addr().unwrap();
    let server = {
        let spawner = spawner.clone();
        let listener = listener.clone();
        spawner.clone().spawn(
            async move {
                let mut conns = Vec::new();
                for _ in 0..32 {
                    let (mut s, _) = listener.accept().await.unwrap();
                    conns.push(spawner.spawn(
                        async move {
                            let mut buf = vec![0u8; 4096];
                            let mut total = 0;
                            loop {
                                let n = s.read(&mut buf).await.unwrap();
                                if n == 0 {
                                    return total;
                                }
                                total += n;
                                s.write_all(&buf[..n]).await.unwrap();
                            }
                        },
                        Id::next(),
                    ));
                }
                let mut total = 0;
                for c in conns {
                    total += c.await.unwrap();
                }
                total
            },
            Id::next(),
        )
    };
    let mut clients = Vec::new();
    for i in 0..32usize {
        clients.push(spawner.spawn(
            async move {
                let mut c = TcpStream::connect(addr).await.unwrap();
                let msg = vec![i as u8; 10_000 + i];
                let (mut r, mut w) = c.split();
                let write = async {
                    w.write_all(&msg).await.unwrap();
                    w.shutdown().await.unwrap();
                };
                let read = async {
                    let mut got = Vec::new();
                    r.read_to_end(&mut got).await.unwrap();
                    got
                };
                let ((), got) = futures::join!(write, read);
                assert_eq!(got, msg);
                got.len()
            },
            Id::next(),
        ));
    }
    let sent = sched.block_on(async move {
        let mut sent = 0;
        for c in clients {
            sent += c.await.unwrap();
        }
        sent
    });
    let echoed = sched.block_on(server).unwrap();
    assert_eq!(sent, echoed);
    assert_eq!(sent, (0..32).map(|i| 10_000 + i).sum::<usize>());
    drop(listener);
    sched.shutdown();
    assert!(io.is_shutdown());
    assert_eq!(io.num_registrations(), 0);
}

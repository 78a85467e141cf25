//! Opening and dropping 10,000 connections leaks no file descriptor and no
//! reactor registration. (Its own test binary: the fd count is
//! process-wide.)

mod support;

use std::time::Duration;

use rt_io::{AsyncReadExt, AsyncWriteExt};
use rt_net::{TcpListener, TcpStream};
use support::Rt;

fn count_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[test]
fn ten_thousand_connections_leak_nothing() {
    let rt = Rt::new();
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
    let addr = listener.local_addr().unwrap();
    let base_fds = count_fds();
    let base_regs = rt.io().num_registrations();
    let made = rt.block_on(async {
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        let mut made = 0;
        for i in 0..10_000u32 {
            assert!(std::time::Instant::now() < deadline, "too slow at {i}");
            let mut client = TcpStream::connect(addr).await.unwrap();
            let (mut server, _) = listener.accept().await.unwrap();
            if i % 10 == 0 {
                client.write_all(&i.to_le_bytes()).await.unwrap();
                let mut b = [0u8; 4];
                server.read_exact(&mut b).await.unwrap();
                assert_eq!(u32::from_le_bytes(b), i);
            }
            // Reset instead of TIME_WAIT, so that repeated runs do not run
            // out of ports.
            client.set_linger(Some(Duration::ZERO)).unwrap();
            drop(client);
            drop(server);
            made += 1;
        }
        made
    });
    assert_eq!(made, 10_000);
    assert_eq!(count_fds(), base_fds, "file descriptors leaked");
    assert_eq!(
        rt.io().num_registrations(),
        base_regs,
        "reactor registrations leaked"
    );
    assert!(rt.io().registered_count() >= 20_000);
    drop(listener);
    assert_eq!(rt.io().num_registrations(), base_regs - 1);
    rt.shutdown();
}

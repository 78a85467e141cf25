//! A Tokio-style program, written against `tokio::` paths, built with
//! `tokio = { package = "rt", ... }` and run unchanged.

use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::task::{JoinSet, LocalSet};

async fn fetch(id: u32) -> u32 {
    tokio::task::yield_now().await;
    id * 2
}

#[tokio::main(flavor = "current_thread")]
async fn program() -> Result<u32, Box<dyn std::error::Error>> {
    // spawn + JoinHandle
    let first = tokio::spawn(fetch(1)).await?;

    // JoinSet fan-out / fan-in
    let mut set = JoinSet::new();
    for i in 0..16 {
        set.spawn(fetch(i));
    }
    let mut total = 0;
    while let Some(r) = set.join_next().await {
        total += r?;
    }

    // spawn_blocking
    let blocking = tokio::task::spawn_blocking(|| (1..=10u32).sum::<u32>()).await?;

    // join! and select!
    let (a, b) = tokio::join!(fetch(3), fetch(4));
    let picked = tokio::select! {
        v = fetch(5) => v,
        _ = std::future::pending::<()>() => unreachable!(),
    };
    let r: Result<(u32, u32), &str> = tokio::try_join!(async { Ok(1) }, async { Ok(2) });
    let (c, d) = r?;

    // LocalSet with !Send state
    let local = LocalSet::new();
    let shared = Rc::new(std::cell::Cell::new(0u32));
    let s2 = shared.clone();
    local
        .run_until(async move {
            tokio::task::spawn_local(async move { s2.set(100) })
                .await
                .unwrap();
        })
        .await;

    Ok(first + total + blocking + a + b + picked + c + d + shared.get())
}

#[test]
fn tokio_program_runs_unchanged() {
    let v = program().expect("program failed");
    // 2 + sum(0..16)*2 + 55 + 6 + 8 + 10 + 1 + 2 + 100
    assert_eq!(v, 2 + 240 + 55 + 6 + 8 + 10 + 3 + 100);
}

#[tokio::test]
async fn tokio_test_attribute_works() {
    let n = Arc::new(AtomicUsize::new(0));
    let mut hs = Vec::new();
    for _ in 0..100 {
        let n = n.clone();
        hs.push(tokio::spawn(async move {
            n.fetch_add(1, Ordering::SeqCst);
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    assert_eq!(n.load(Ordering::SeqCst), 100);
    let rt = tokio::runtime::Handle::current();
    assert_eq!(
        rt.runtime_flavor(),
        tokio::runtime::RuntimeFlavor::CurrentThread
    );
}

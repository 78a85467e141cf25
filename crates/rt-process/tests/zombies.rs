//! 1,000 short processes, at most 64 alive at a time, half dropped without
//! waiting: afterwards no zombie child of this process remains. Its own
//! test binary, because it scans every child of the process.

mod support;

use std::time::{Duration, Instant};

use rt_process::Command;
use support::{flavors, zombie_children, LONG};

const TOTAL: usize = 1000;
const CONCURRENCY: usize = 64;

async fn storm() {
    let mut set = rt::task::JoinSet::new();
    for i in 0..TOTAL {
        if set.len() >= CONCURRENCY {
            set.join_next().await.unwrap().unwrap();
        }
        set.spawn(async move {
            let mut child = Command::new("true").spawn().expect("spawn true");
            if i % 2 == 0 {
                // Dropped without waiting: the background reaper's job.
                drop(child);
            } else {
                let status = rt::time::timeout(LONG, child.wait())
                    .await
                    .expect("wait timed out")
                    .unwrap();
                assert!(status.success());
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
}

#[test]
fn no_zombies_after_a_thousand_children() {
    for (name, rt) in flavors() {
        let start = Instant::now();
        rt.block_on(storm());
        // Bounded wait for the background reaper.
        let deadline = Instant::now() + LONG;
        // An orphan may still be running (not yet a zombie) when the storm
        // ends: wait until it has exited *and* been reaped.
        loop {
            let zombies = zombie_children();
            let orphans = rt_process::__orphan_count();
            if zombies.is_empty() && orphans == 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{name}: {} zombie children left: {:?}; {orphans} orphans not reaped",
                zombies.len(),
                &zombies[..zombies.len().min(10)]
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        eprintln!("{name}: {TOTAL} children in {:?}", start.elapsed());
    }
}

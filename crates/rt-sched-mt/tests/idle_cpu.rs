//! An idle pool does not spin: over 2 s of idleness the whole process uses
//! less than 10 ms of CPU. Alone in its binary so nothing else runs.

mod support;

use std::time::Duration;

use support::{spawn, Rt};

fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes into the zero-initialised struct we
    // pass, which is a plain C struct.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_SELF, &mut usage), 0);
        usage
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

#[test]
fn idle_pool_does_not_spin() {
    let rt = Rt::new(4);
    // Do some work first, so every worker has been busy and parked (and a
    // watcher has been armed: it must disarm once everything is idle).
    rt.block_on(async {
        for _ in 0..10 {
            let joins: Vec<_> = (0..1000).map(|i| spawn(async move { i })).collect();
            for j in joins {
                j.await.unwrap();
            }
        }
    });
    // Let the pool settle (a watcher period is 10 ms).
    std::thread::sleep(Duration::from_millis(200));
    let start = cpu_time();
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_time() - start;
    eprintln!("CPU used by an idle 4-worker pool over 2 s: {used:?}");
    assert!(
        used < Duration::from_millis(10),
        "an idle pool used {used:?} of CPU in 2 s"
    );
    // Still alive after the idle period.
    assert_eq!(rt.block_on(async { spawn(async { 5 }).await.unwrap() }), 5);
}

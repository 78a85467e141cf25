//! The same workload under a current-thread runtime, inside a `LocalSet`,
//! from spawned tasks, and the panic outside any runtime.

mod common;

use std::io::SeekFrom;
use std::path::PathBuf;

use common::{assert_bytes_eq, pattern, runtime, TempDir};
use rt_fs::{File, OpenOptions};
use rt_io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Touches every kind of operation and checks the results.
async fn workload(dir: PathBuf) {
    let data = pattern(300_000);
    let f = dir.join("data");
    rt_fs::write(&f, &data).await.unwrap();
    assert_bytes_eq(&rt_fs::read(&f).await.unwrap(), &data);

    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(&f)
        .await
        .unwrap();
    let mut head = [0u8; 10];
    file.read_exact(&mut head).await.unwrap();
    assert_eq!(head, data[..10]);
    file.write_all(b"XYZ").await.unwrap();
    file.seek(SeekFrom::Start(10)).await.unwrap();
    let mut three = [0u8; 3];
    file.read_exact(&mut three).await.unwrap();
    assert_eq!(&three, b"XYZ");
    file.sync_all().await.unwrap();
    drop(file);

    rt_fs::create_dir_all(dir.join("a/b")).await.unwrap();
    for i in 0..100 {
        rt_fs::write(dir.join(format!("a/b/{i}")), b"x")
            .await
            .unwrap();
    }
    let mut entries = rt_fs::read_dir(dir.join("a/b")).await.unwrap();
    let mut n = 0;
    for _ in 0..200 {
        match entries.next_entry().await.unwrap() {
            Some(_) => n += 1,
            None => break,
        }
    }
    assert_eq!(n, 100);
    rt_fs::remove_dir_all(dir.join("a")).await.unwrap();
    assert!(!rt_fs::try_exists(dir.join("a")).await.unwrap());
}

#[test]
fn current_thread_runtime() {
    let dir = TempDir::new("flavor_ct");
    runtime().block_on(workload(dir.path().to_owned()));
}

#[test]
fn local_set() {
    let dir = TempDir::new("flavor_local");
    let rt = runtime();
    let local = rt::task::LocalSet::new();
    let path = dir.path().to_owned();
    local.block_on(&rt, async move {
        // A `!Send` task owning a File.
        let marker = std::rc::Rc::new(());
        let inner = path.clone();
        rt::task::spawn_local(async move {
            let _keep = marker;
            workload(inner).await;
        })
        .await
        .unwrap();
        let mut f = File::create(path.join("local")).await.unwrap();
        f.write_all(b"local").await.unwrap();
        f.flush().await.unwrap();
        assert_eq!(rt_fs::read(path.join("local")).await.unwrap(), b"local");
    });
}

#[test]
fn spawned_tasks_in_parallel() {
    let dir = TempDir::new("flavor_spawn");
    let rt = runtime();
    rt.block_on(async {
        let mut handles = Vec::new();
        for i in 0..8 {
            let sub = dir.join(format!("t{i}"));
            std::fs::create_dir(&sub).unwrap();
            handles.push(rt::spawn(workload(sub)));
        }
        for h in handles {
            h.await.unwrap();
        }
    });
}

#[test]
fn outside_a_runtime_panics_with_the_usual_message() {
    type Case = Box<dyn FnOnce() + std::panic::UnwindSafe>;
    let cases: Vec<(&str, Case)> = vec![
        (
            "read",
            Box::new(|| drop(futures::executor::block_on(rt_fs::read("/dev/null")))),
        ),
        (
            "File::open",
            Box::new(|| drop(futures::executor::block_on(File::open("/dev/null")))),
        ),
        (
            "read_dir",
            Box::new(|| drop(futures::executor::block_on(rt_fs::read_dir("/")))),
        ),
        (
            "File::read",
            Box::new(|| {
                let mut f = File::from_std(std::fs::File::open("/dev/null").unwrap());
                let mut buf = [0u8; 4];
                drop(futures::executor::block_on(f.read(&mut buf)));
            }),
        ),
    ];
    for (what, case) in cases {
        let err = std::panic::catch_unwind(case).expect_err(what);
        let msg = err
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        assert!(
            msg.contains(
                "there is no reactor running, must be called from the context of an rt runtime"
            ),
            "{what}: {msg}"
        );
    }
    // Needs no runtime: conversions and configuration.
    let f = File::from_std(std::fs::File::open("/dev/null").unwrap());
    let _ = f.try_into_std().unwrap();
    let _ = OpenOptions::new().read(true).clone();
    let _ = rt_fs::DirBuilder::new();
}

#[test]
fn runtime_dropped_with_a_file_mid_stream() {
    // The next operation after the runtime is gone fails or panics cleanly;
    // nothing hangs.
    let dir = TempDir::new("flavor_drop");
    let path = dir.join("f");
    std::fs::write(&path, pattern(4 << 20)).unwrap();
    let rt = runtime();
    let file = rt.block_on(async {
        let mut f = File::open(&path).await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        for _ in 0..4 {
            f.read_exact(&mut buf).await.unwrap();
        }
        f
    });
    drop(rt);
    drop(file);
}

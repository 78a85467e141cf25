//! `read_dir`, `ReadDir` and `DirEntry`.

mod common;

use std::collections::HashSet;
use std::ffi::OsString;
use std::future::poll_fn;
use std::io::ErrorKind;
use std::os::unix::fs::MetadataExt;

use common::TempDir;

#[rt::test(flavor = "current_thread")]
async fn a_thousand_entries_each_exactly_once() {
    let dir = TempDir::new("thousand");
    let mut want = HashSet::new();
    for i in 0..1000 {
        let name = format!("entry-{i:04}");
        std::fs::write(dir.join(&name), b"").unwrap();
        want.insert(OsString::from(name));
    }
    let mut seen = HashSet::new();
    let mut entries = rt_fs::read_dir(dir.path()).await.unwrap();
    for _ in 0..2000 {
        match entries.next_entry().await.unwrap() {
            Some(e) => assert!(seen.insert(e.file_name()), "{:?} twice", e.file_name()),
            None => break,
        }
    }
    assert_eq!(seen, want);
    // The stream stays ended.
    assert!(entries.next_entry().await.unwrap().is_none());
    assert!(entries.next_entry().await.unwrap().is_none());
}

#[rt::test(flavor = "current_thread")]
async fn empty_directory() {
    let dir = TempDir::new("empty");
    let mut entries = rt_fs::read_dir(dir.path()).await.unwrap();
    assert!(entries.next_entry().await.unwrap().is_none());
    assert!(format!("{entries:?}").contains("ReadDir"));
}

#[rt::test(flavor = "current_thread")]
async fn errors() {
    let dir = TempDir::new("errors");
    let err = rt_fs::read_dir(dir.join("missing")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let file = dir.join("file");
    std::fs::write(&file, b"").unwrap();
    let err = rt_fs::read_dir(&file).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(20)); // ENOTDIR
}

#[rt::test(flavor = "current_thread")]
async fn dir_entry_accessors() {
    let dir = TempDir::new("entry");
    std::fs::write(dir.join("file"), b"12345").unwrap();
    std::fs::create_dir(dir.join("sub")).unwrap();
    std::os::unix::fs::symlink(dir.join("file"), dir.join("link")).unwrap();
    let mut entries = rt_fs::read_dir(dir.path()).await.unwrap();
    let mut names = Vec::new();
    for _ in 0..10 {
        let Some(e) = entries.next_entry().await.unwrap() else {
            break;
        };
        let name = e.file_name().into_string().unwrap();
        assert_eq!(e.path(), dir.join(&name));
        let meta = e.metadata().await.unwrap();
        assert_eq!(e.ino(), meta.ino());
        let ft = e.file_type().await.unwrap();
        match name.as_str() {
            "file" => {
                assert!(ft.is_file());
                assert_eq!(meta.len(), 5);
            }
            "sub" => assert!(ft.is_dir() && meta.is_dir()),
            // Not followed.
            "link" => assert!(ft.is_symlink() && meta.file_type().is_symlink()),
            other => panic!("unexpected entry {other}"),
        }
        assert!(format!("{e:?}").contains(&name));
        names.push(name);
    }
    names.sort();
    assert_eq!(names, ["file", "link", "sub"]);
}

#[rt::test(flavor = "current_thread")]
async fn poll_next_entry_and_early_drop() {
    let dir = TempDir::new("poll");
    for i in 0..300 {
        std::fs::write(dir.join(format!("f{i}")), b"").unwrap();
    }
    let mut entries = rt_fs::read_dir(dir.path()).await.unwrap();
    let mut n = 0;
    for _ in 0..1000 {
        match poll_fn(|cx| entries.poll_next_entry(cx)).await.unwrap() {
            Some(_) => n += 1,
            None => break,
        }
    }
    assert_eq!(n, 300);

    // Dropped with a batch in flight.
    let mut entries = rt_fs::read_dir(dir.path()).await.unwrap();
    entries.next_entry().await.unwrap().unwrap();
    drop(entries);
}

#[rt::test(flavor = "current_thread")]
async fn entries_removed_while_reading_are_fine() {
    // Entries deleted mid-listing may or may not be reported (as with
    // std), but nothing is reported twice and survivors are all seen.
    let dir = TempDir::new("mutating");
    for i in 0..500 {
        std::fs::write(dir.join(format!("f{i:03}")), b"").unwrap();
    }
    let mut entries = rt_fs::read_dir(dir.path()).await.unwrap();
    let mut seen = HashSet::new();
    let first = entries.next_entry().await.unwrap().unwrap();
    seen.insert(first.file_name());
    for i in 0..250 {
        let _ = std::fs::remove_file(dir.join(format!("f{i:03}")));
    }
    for _ in 0..1000 {
        match entries.next_entry().await.unwrap() {
            Some(e) => assert!(seen.insert(e.file_name())),
            None => break,
        }
    }
    for i in 250..500 {
        assert!(seen.contains(&OsString::from(format!("f{i:03}"))));
    }
}

//! The free functions and `DirBuilder`: results and error paths, compared
//! with `std::fs` where it matters.

mod common;

use std::io::ErrorKind;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

use common::{assert_bytes_eq, pattern, permissions_enforced, TempDir};
use rt_fs::DirBuilder;

const ENOENT: i32 = 2;
const EINVAL: i32 = 22;
const ENOTEMPTY: i32 = 39;

#[rt::test(flavor = "current_thread")]
async fn read_write_round_trip() {
    let dir = TempDir::new("read_write");
    let path = dir.join("f");
    rt_fs::write(&path, b"hello").await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"hello");
    assert_eq!(rt_fs::read_to_string(&path).await.unwrap(), "hello");
    // write truncates.
    rt_fs::write(&path, "hi".to_string()).await.unwrap();
    assert_eq!(rt_fs::read(&path).await.unwrap(), b"hi");
    // Big contents.
    let data = pattern(1 << 20);
    rt_fs::write(&path, &data).await.unwrap();
    assert_bytes_eq(&rt_fs::read(&path).await.unwrap(), &data);
    // Empty file.
    rt_fs::write(&path, b"").await.unwrap();
    assert!(rt_fs::read(&path).await.unwrap().is_empty());
}

#[rt::test(flavor = "current_thread")]
async fn read_errors_match_std() {
    let dir = TempDir::new("read_errors");
    let missing = dir.join("missing");
    let err = rt_fs::read(&missing).await.unwrap_err();
    let std_err = std::fs::read(&missing).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.raw_os_error(), Some(ENOENT));
    assert_eq!(err.to_string(), std_err.to_string());
    assert_eq!(
        rt_fs::read_to_string(&missing).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
    // Invalid UTF-8.
    let bad = dir.join("bad");
    std::fs::write(&bad, [0xff, 0xfe]).unwrap();
    let err = rt_fs::read_to_string(&bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    // Reading a directory.
    let err = rt_fs::read(dir.path()).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(21)); // EISDIR
                                              // Writing into a missing directory.
    let err = rt_fs::write(dir.join("no/such/f"), b"x").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[rt::test(flavor = "current_thread")]
async fn copy_contents_and_permissions() {
    let dir = TempDir::new("copy");
    let from = dir.join("from");
    let to = dir.join("to");
    let data = pattern(100_000);
    std::fs::write(&from, &data).unwrap();
    std::fs::set_permissions(&from, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::write(&to, b"old contents that are longer").unwrap();
    assert_eq!(rt_fs::copy(&from, &to).await.unwrap(), 100_000);
    assert_bytes_eq(&std::fs::read(&to).unwrap(), &data);
    assert_eq!(
        std::fs::metadata(&to).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let err = rt_fs::copy(dir.join("missing"), &to).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[rt::test(flavor = "current_thread")]
async fn create_dir_and_create_dir_all() {
    let dir = TempDir::new("create_dir");
    let a = dir.join("a");
    rt_fs::create_dir(&a).await.unwrap();
    assert!(std::fs::metadata(&a).unwrap().is_dir());
    let err = rt_fs::create_dir(&a).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    let err = rt_fs::create_dir(dir.join("x/y")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let deep = dir.join("b/c/d");
    rt_fs::create_dir_all(&deep).await.unwrap();
    assert!(std::fs::metadata(&deep).unwrap().is_dir());
    rt_fs::create_dir_all(&deep).await.unwrap(); // idempotent
                                                 // A file in the way.
    let file = dir.join("file");
    std::fs::write(&file, b"").unwrap();
    assert!(rt_fs::create_dir_all(file.join("sub")).await.is_err());
}

#[rt::test(flavor = "current_thread")]
async fn dir_builder() {
    let dir = TempDir::new("dir_builder");
    let err = DirBuilder::new().create(dir.join("p/q")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let mut b = DirBuilder::new();
    b.recursive(true).mode(0o700);
    b.create(dir.join("p/q")).await.unwrap();
    let meta = std::fs::metadata(dir.join("p/q")).unwrap();
    assert!(meta.is_dir());
    assert_eq!(meta.permissions().mode() & 0o777, 0o700);
    // Recursive: an existing directory is fine.
    b.create(dir.join("p/q")).await.unwrap();
    // Non-recursive: it is not.
    let err = DirBuilder::default()
        .create(dir.join("p/q"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    assert!(format!("{b:?}").contains("recursive: true"));
}

#[rt::test(flavor = "current_thread")]
async fn remove_file_and_dirs() {
    let dir = TempDir::new("remove");
    let f = dir.join("f");
    std::fs::write(&f, b"x").unwrap();
    rt_fs::remove_file(&f).await.unwrap();
    assert!(!f.exists());
    let err = rt_fs::remove_file(&f).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let d = dir.join("d");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("inner"), b"x").unwrap();
    let err = rt_fs::remove_dir(&d).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(ENOTEMPTY));
    assert!(d.exists());
    // remove_file on a directory fails too.
    assert!(rt_fs::remove_file(&d).await.is_err());
    std::fs::remove_file(d.join("inner")).unwrap();
    rt_fs::remove_dir(&d).await.unwrap();
    assert!(!d.exists());
    let err = rt_fs::remove_dir(&d).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let tree = dir.join("tree");
    std::fs::create_dir_all(tree.join("a/b/c")).unwrap();
    std::fs::write(tree.join("a/b/file"), b"x").unwrap();
    rt_fs::remove_dir_all(&tree).await.unwrap();
    assert!(!tree.exists());
    let err = rt_fs::remove_dir_all(&tree).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[rt::test(flavor = "current_thread")]
async fn rename() {
    let dir = TempDir::new("rename");
    let a = dir.join("a");
    let b = dir.join("b");
    std::fs::write(&a, b"content").unwrap();
    std::fs::write(&b, b"replaced").unwrap();
    rt_fs::rename(&a, &b).await.unwrap();
    assert!(!a.exists());
    assert_eq!(std::fs::read(&b).unwrap(), b"content");
    let err = rt_fs::rename(&a, &b).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[rt::test(flavor = "current_thread")]
async fn metadata_links_and_canonicalize() {
    let dir = TempDir::new("links");
    let target = dir.join("target");
    std::fs::write(&target, b"12345").unwrap();
    let link = dir.join("link");
    rt_fs::symlink(&target, &link).await.unwrap();
    let err = rt_fs::symlink(&target, &link).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);

    let meta = rt_fs::metadata(&link).await.unwrap();
    assert!(meta.is_file());
    assert_eq!(meta.len(), 5);
    let lmeta = rt_fs::symlink_metadata(&link).await.unwrap();
    assert!(lmeta.file_type().is_symlink());
    assert_eq!(rt_fs::read_link(&link).await.unwrap(), target);
    let err = rt_fs::read_link(&target).await.unwrap_err();
    assert_eq!(err.raw_os_error(), Some(EINVAL));
    let err = rt_fs::metadata(dir.join("missing")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = rt_fs::symlink_metadata(dir.join("missing"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let canonical = rt_fs::canonicalize(dir.path().join("./link/../target"))
        .await
        .err();
    // `link/..` is not a directory path: std fails the same way.
    assert_eq!(
        canonical.map(|e| e.kind()),
        std::fs::canonicalize(dir.path().join("./link/../target"))
            .err()
            .map(|e| e.kind())
    );
    let sub = dir.join("sub");
    std::fs::create_dir(&sub).unwrap();
    let c = rt_fs::canonicalize(sub.join("../link")).await.unwrap();
    assert_eq!(c, std::fs::canonicalize(&target).unwrap());
    let err = rt_fs::canonicalize(dir.join("missing")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    let hard = dir.join("hard");
    rt_fs::hard_link(&target, &hard).await.unwrap();
    let m = std::fs::metadata(&hard).unwrap();
    assert_eq!(m.ino(), std::fs::metadata(&target).unwrap().ino());
    assert_eq!(m.nlink(), 2);
    let err = rt_fs::hard_link(&target, &hard).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    let err = rt_fs::hard_link(dir.join("missing"), dir.join("h2"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[rt::test(flavor = "current_thread")]
async fn set_permissions_and_try_exists() {
    let dir = TempDir::new("perms_exists");
    let f = dir.join("f");
    std::fs::write(&f, b"x").unwrap();
    rt_fs::set_permissions(&f, std::fs::Permissions::from_mode(0o604))
        .await
        .unwrap();
    assert_eq!(
        std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
        0o604
    );
    let err = rt_fs::set_permissions(dir.join("missing"), std::fs::Permissions::from_mode(0o600))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    assert!(rt_fs::try_exists(&f).await.unwrap());
    assert!(rt_fs::try_exists(dir.path()).await.unwrap());
    assert!(!rt_fs::try_exists(dir.join("missing")).await.unwrap());
    let broken = dir.join("broken");
    std::os::unix::fs::symlink(dir.join("nowhere"), &broken).unwrap();
    assert!(!rt_fs::try_exists(&broken).await.unwrap());
}

#[rt::test(flavor = "current_thread")]
async fn permission_denied_paths() {
    let dir = TempDir::new("perm_paths");
    if !permissions_enforced(&dir) {
        return;
    }
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("f"), b"x").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let err = rt_fs::read(locked.join("f")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    let err = rt_fs::read_dir(&locked).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    // try_exists reports the error rather than `false`.
    let err = rt_fs::try_exists(locked.join("f")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    let err = rt_fs::create_dir(locked.join("sub")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
}

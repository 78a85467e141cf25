//! The free functions: each is one hop to the blocking pool running the
//! `std::fs` function of the same name, and returns its result unchanged.

use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

use crate::blocking::asyncify;

/// Reads the entire contents of a file into a bytes vector.
///
/// This is an async version of [`std::fs::read`]: open, read and close in
/// one pool hop. On Linux, a regular file whose path and data are cached
/// by the kernel is read without a hop, by system calls that cannot block
/// (see the crate README); anything else goes to the pool.
///
/// # Errors
///
/// This function will return an error if `path` does not already exist
/// ([`NotFound`](io::ErrorKind::NotFound)). Other errors may also be
/// returned according to [`OpenOptions::open`](crate::OpenOptions::open).
///
/// It will also return an error if it encounters while reading an error of
/// a kind other than [`io::ErrorKind::Interrupted`].
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// let contents = rt_fs::read("address.txt").await?;
/// println!("{} bytes", contents.len());
/// # Ok(())
/// # }
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref();
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    if let Some(res) = inline::read(path).await {
        return res;
    }
    let path = path.to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Creates a future which will open a file for reading and read the entire
/// contents into a string and return said string.
///
/// This is the async equivalent of [`std::fs::read_to_string`].
///
/// # Errors
///
/// As [`read`], and [`InvalidData`](io::ErrorKind::InvalidData) if the file
/// is not valid UTF-8.
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// let contents = rt_fs::read_to_string("foo.txt").await?;
/// println!("foo.txt contains {} bytes", contents.len());
/// # Ok(())
/// # }
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref();
    #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
    match inline::read(path).await {
        Some(Ok(bytes)) => {
            // Not UTF-8: std's own error, from the pool (rare).
            if let Ok(s) = String::from_utf8(bytes) {
                return Ok(s);
            }
        }
        Some(Err(e)) => return Err(e),
        None => {}
    }
    let path = path.to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Creates a future that will open a file for writing and write the entire
/// contents of `contents` to it.
///
/// This is the async equivalent of [`std::fs::write`]. The bytes are copied
/// once (the pool thread needs them past the caller's borrow).
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// rt_fs::write("foo.txt", b"Hello world!").await?;
/// # Ok(())
/// # }
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// Copies the contents of one file to another. This function will also copy
/// the permission bits of the original file to the destination file.
/// This function will overwrite the contents of `to`.
///
/// This is the async equivalent of [`std::fs::copy`] (which uses
/// `copy_file_range` on Linux where it can).
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// let copied = rt_fs::copy("foo.txt", "bar.txt").await?;
/// # Ok(())
/// # }
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::copy(from, to)).await
}

/// Creates a new, empty directory at the provided path.
///
/// This is an async version of [`std::fs::create_dir`].
///
/// # Errors
///
/// This function will return an error in the following situations, but is
/// not limited to just these cases:
///
/// * User lacks permissions to create directory at `path`.
/// * A parent of the given path doesn't exist. (To create a directory and
///   all its missing parents at the same time, use the [`create_dir_all`]
///   function.)
/// * `path` already exists ([`AlreadyExists`](io::ErrorKind::AlreadyExists)).
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// rt_fs::create_dir("/some/dir").await?;
/// # Ok(())
/// # }
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Recursively creates a directory and all of its parent components if they
/// are missing.
///
/// This is an async version of [`std::fs::create_dir_all`]. It succeeds if
/// the directory already exists.
///
/// # Errors
///
/// This function will return an error if a component of `path` exists and
/// is not a directory, or if the user lacks permissions to create one.
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// rt_fs::create_dir_all("/some/dir").await?;
/// # Ok(())
/// # }
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Removes a file from the filesystem.
///
/// Note that there is no guarantee that the file is immediately deleted
/// (e.g. depending on platform, other open file descriptors may prevent
/// immediate removal).
///
/// This is an async version of [`std::fs::remove_file`].
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// rt_fs::remove_file("foo.txt").await?;
/// # Ok(())
/// # }
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes an existing, empty directory.
///
/// This is an async version of [`std::fs::remove_dir`]; a directory that is
/// not empty gives an error (`DirectoryNotEmpty` on Linux).
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// rt_fs::remove_dir("/some/dir").await?;
/// # Ok(())
/// # }
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes a directory at this path, after removing all its contents. Use
/// carefully!
///
/// This is an async version of [`std::fs::remove_dir_all`]; it runs whole
/// on one pool thread.
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// rt_fs::remove_dir_all("/some/dir").await?;
/// # Ok(())
/// # }
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Renames a file or directory to a new name, replacing the original file
/// if `to` already exists.
///
/// This will not work if the new name is on a different mount point.
///
/// This is an async version of [`std::fs::rename`].
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// rt_fs::rename("a.txt", "b.txt").await?;
/// # Ok(())
/// # }
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::rename(from, to)).await
}

/// Given a path, queries the file system to get information about a file,
/// directory, etc.
///
/// This is an async version of [`std::fs::metadata`]: it follows symbolic
/// links.
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// let attr = rt_fs::metadata("/some/file/path.txt").await?;
/// // inspect attr ...
/// # Ok(())
/// # }
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// Queries the file system metadata for a path, without following a final
/// symbolic link.
///
/// This is an async version of [`std::fs::symlink_metadata`].
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// let attr = rt_fs::symlink_metadata("/some/file/path.txt").await?;
/// // inspect attr ...
/// # Ok(())
/// # }
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::symlink_metadata(path)).await
}

/// Reads a symbolic link, returning the file that the link points to.
///
/// This is an async version of [`std::fs::read_link`].
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// let path = rt_fs::read_link("a.txt").await?;
/// # Ok(())
/// # }
/// ```
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_link(path)).await
}

/// Returns the canonical, absolute form of a path with all intermediate
/// components normalized and symbolic links resolved.
///
/// This is an async version of [`std::fs::canonicalize`].
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// let path = rt_fs::canonicalize("../a/../foo.txt").await?;
/// # Ok(())
/// # }
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}

/// Creates a new hard link on the filesystem.
///
/// The `link` path will be a link pointing to the `original` path. Note
/// that systems often require these two paths to both be located on the
/// same filesystem.
///
/// This is an async version of [`std::fs::hard_link`].
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// rt_fs::hard_link("a.txt", "b.txt").await?; // Hard link a.txt to b.txt
/// # Ok(())
/// # }
/// ```
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::fs::hard_link(original, link)).await
}

/// Creates a new symbolic link on the filesystem.
///
/// The `link` path will be a symbolic link pointing to the `original` path.
///
/// This is an async version of [`std::os::unix::fs::symlink`].
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// rt_fs::symlink("a.txt", "b.txt").await?;
/// # Ok(())
/// # }
/// ```
#[cfg(unix)]
pub async fn symlink(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let original = original.as_ref().to_owned();
    let link = link.as_ref().to_owned();
    asyncify(move || std::os::unix::fs::symlink(original, link)).await
}

/// Changes the permissions found on a file or a directory.
///
/// This is an async version of [`std::fs::set_permissions`].
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// let mut perms = rt_fs::metadata("foo.txt").await?.permissions();
/// perms.set_readonly(true);
/// rt_fs::set_permissions("foo.txt", perms).await?;
/// # Ok(())
/// # }
/// ```
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, perm)).await
}

/// Returns `Ok(true)` if the path points at an existing entity.
///
/// This function will traverse symbolic links to query information about
/// the destination file. In case of broken symbolic links this will return
/// `Ok(false)`.
///
/// This is the async equivalent of [`Path::try_exists`]: an error other
/// than "not found" (a permission error on a parent directory, say) is
/// returned rather than read as `false`.
///
/// # Examples
///
/// ```no_run
/// # async fn dox() -> std::io::Result<()> {
/// assert!(!rt_fs::try_exists("does_not_exist.txt").await?);
/// # Ok(())
/// # }
/// ```
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    asyncify(move || path.try_exists()).await
}

/// `read` without a hop where the kernel allows it (see `crate::sys`).
#[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
mod inline {
    use std::future::poll_fn;
    use std::io::{self, Read};
    use std::path::Path;

    use rt_blocking::Spawner;
    use rt_task::coop;

    use crate::blocking::{asyncify, try_spawn};
    use crate::sys::{self, Open};

    /// Files larger than this are read on the pool (after an inline open):
    /// copying more on the runtime thread would hold up its other tasks.
    pub(super) const INLINE_READ_LIMIT: u64 = 1 << 20;

    /// The whole file at `path`, or `None` if nothing was decided inline
    /// (the caller does what it did without the fast path). Costs one unit
    /// of the task's budget when it completes inline.
    pub(super) async fn read(path: &Path) -> Option<io::Result<Vec<u8>>> {
        // Outside a runtime, the pool path panics with the usual message.
        if !Spawner::is_current() {
            return None;
        }
        let coop = poll_fn(coop::poll_proceed).await;
        let (file, st) = match sys::open_regular(path, true) {
            Open::File(file, st) => (file, st),
            Open::Failed(e) => {
                coop.made_progress();
                return Some(Err(e));
            }
            Open::Punt => return None,
        };
        let mut buf = Vec::new();
        if st.size <= INLINE_READ_LIMIT
            && sys::read_to_end_nowait(&file, st.size, &mut buf, 2 * INLINE_READ_LIMIT as usize)
        {
            coop.made_progress();
            close(file, st);
            return Some(Ok(buf));
        }
        drop(coop);
        // Not cached, or big: the rest on the pool, from where the inline
        // reads stopped (the open is not repeated).
        Some(
            asyncify(move || {
                let mut file = file;
                file.read_to_end(&mut buf)?;
                Ok(buf)
            })
            .await,
        )
    }

    /// Closes a file read inline: on this thread, unless it was unlinked
    /// (its last close then frees its blocks, which may wait for the disk).
    fn close(file: std::fs::File, st: sys::Stat) {
        if st.nlink == 0 {
            if let Some(handle) = try_spawn(move || drop(file)) {
                drop(handle);
            }
        } else {
            drop(file);
        }
    }
}

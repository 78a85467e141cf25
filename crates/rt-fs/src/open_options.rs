//! [`OpenOptions`]: options and flags which can be used to configure how a
//! file is opened.

use std::io;
use std::path::Path;

use crate::blocking::asyncify;
use crate::File;

/// Options and flags which can be used to configure how a file is opened.
///
/// This builder exposes the ability to configure how a [`File`] is opened
/// and what operations are permitted on the open file. The [`File::open`]
/// and [`File::create`] methods are aliases for commonly used options using
/// this builder.
///
/// Generally speaking, when using `OpenOptions`, you'll first call
/// [`new`](OpenOptions::new), then chain calls to methods to set each
/// option, then call [`open`](OpenOptions::open), passing the path of the
/// file you're trying to open. This will give you a [`io::Result`] with a
/// [`File`] inside that you can further operate on.
///
/// This is a specialized version of [`std::fs::OpenOptions`] for usage from
/// the rt runtime (Tokio's `tokio::fs::OpenOptions`). `From<std::fs::OpenOptions>`
/// is implemented for more advanced configuration than the methods
/// provided here.
///
/// # Examples
///
/// Opening a file to read:
///
/// ```no_run
/// use rt_fs::OpenOptions;
///
/// # async fn dox() -> std::io::Result<()> {
/// let file = OpenOptions::new().read(true).open("foo.txt").await?;
/// # Ok(())
/// # }
/// ```
///
/// Opening a file for both reading and writing, as well as creating it if
/// it doesn't exist:
///
/// ```no_run
/// use rt_fs::OpenOptions;
///
/// # async fn dox() -> std::io::Result<()> {
/// let file = OpenOptions::new()
///     .read(true)
///     .write(true)
///     .create(true)
///     .open("foo.txt")
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions, Plain);

/// Whether the options are exactly `read(true)` (what [`File::open`]
/// sets): those opens may run inline (see `crate::sys`). Anything else
/// (writing, creating, custom flags, options from std) opens on the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plain {
    read: bool,
    /// Some other option was set (to anything), or the options came from
    /// std.
    other: bool,
}

impl Plain {
    const NEW: Plain = Plain {
        read: false,
        other: false,
    };

    /// Only `read(true)` was set.
    #[cfg_attr(
        not(all(target_os = "linux", any(target_env = "gnu", target_env = "musl"))),
        allow(dead_code)
    )]
    fn read_only(self) -> bool {
        self.read && !self.other
    }
}

impl OpenOptions {
    /// Creates a blank new set of options ready for configuration.
    ///
    /// All options are initially set to `false`.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::OpenOptions;
    ///
    /// let mut options = OpenOptions::new();
    /// let future = options.read(true).open("foo.txt");
    /// ```
    #[must_use]
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new(), Plain::NEW)
    }

    /// Sets the option for read access.
    ///
    /// This option, when true, will indicate that the file should be
    /// `read`-able if opened.
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.0.read(read);
        self.1.read = read;
        self
    }

    /// Sets the option for write access.
    ///
    /// This option, when true, will indicate that the file should be
    /// `write`-able if opened.
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.0.write(write);
        self.1.other = true;
        self
    }

    /// Sets the option for the append mode.
    ///
    /// This option, when true, means that writes will append to a file
    /// instead of overwriting previous contents. Note that setting
    /// `.write(true).append(true)` has the same effect as setting only
    /// `.append(true)`.
    ///
    /// For most filesystems, the operating system guarantees that all
    /// writes are atomic: no writes get mangled because another process
    /// writes at the same time.
    ///
    /// ## Note
    ///
    /// This function doesn't create the file if it doesn't exist. Use the
    /// [`create`](OpenOptions::create) method to do so.
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.0.append(append);
        self.1.other = true;
        self
    }

    /// Sets the option for truncating a previous file.
    ///
    /// If a file is successfully opened with this option set it will
    /// truncate the file to 0 length if it already exists.
    ///
    /// The file must be opened with write access for truncate to work.
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.0.truncate(truncate);
        self.1.other = true;
        self
    }

    /// Sets the option for creating a new file.
    ///
    /// This option indicates whether a new file will be created if the file
    /// does not yet already exist.
    ///
    /// In order for the file to be created, either
    /// [`write`](OpenOptions::write) or [`append`](OpenOptions::append)
    /// access must be used.
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.0.create(create);
        self.1.other = true;
        self
    }

    /// Sets the option to always create a new file.
    ///
    /// This option indicates whether a new file will be created. No file is
    /// allowed to exist at the target location, also no (dangling) symlink.
    ///
    /// This option is useful because it is atomic. Otherwise between
    /// checking whether a file exists and creating a new one, the file may
    /// have been created by another process (a TOCTOU race condition /
    /// attack).
    ///
    /// If `.create_new(true)` is set, `.create()` and `.truncate()` are
    /// ignored.
    ///
    /// The file must be opened with write or append access in order to
    /// create a new file.
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.0.create_new(create_new);
        self.1.other = true;
        self
    }

    /// Opens a file at `path` with the options specified by `self`.
    ///
    /// One hop to the blocking pool. On Linux, opening a regular file for
    /// reading only (exactly `read(true)`, as [`File::open`]) takes no hop
    /// when the kernel resolves the path from its cache (see the crate
    /// README).
    ///
    /// # Errors
    ///
    /// This function will return an error under a number of different
    /// circumstances, the same as [`std::fs::OpenOptions::open`]'s (with the
    /// same [`io::ErrorKind`]s and OS error codes):
    ///
    /// * [`NotFound`](io::ErrorKind::NotFound): the specified file does not
    ///   exist and neither `create` or `create_new` is set.
    /// * [`NotFound`](io::ErrorKind::NotFound): one of the directory
    ///   components of the file path does not exist.
    /// * [`PermissionDenied`](io::ErrorKind::PermissionDenied): the user
    ///   lacks permission to get the specified access rights for the file.
    /// * [`PermissionDenied`](io::ErrorKind::PermissionDenied): the user
    ///   lacks permission to open one of the directory components of the
    ///   specified path.
    /// * [`AlreadyExists`](io::ErrorKind::AlreadyExists): `create_new` was
    ///   specified and the file already exists.
    /// * [`InvalidInput`](io::ErrorKind::InvalidInput): invalid combinations
    ///   of open options (truncate without write access, no access mode
    ///   set, etc.).
    ///
    /// # Panics
    ///
    /// Panics (when polled) outside the context of an rt runtime.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::OpenOptions;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let file = OpenOptions::new().open("foo.txt").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref();
        #[cfg(all(target_os = "linux", any(target_env = "gnu", target_env = "musl")))]
        if self.1.read_only() && rt_blocking::Spawner::is_current() {
            let coop = std::future::poll_fn(rt_task::coop::poll_proceed).await;
            match crate::sys::open_regular(path, false) {
                crate::sys::Open::File(std, st) => {
                    coop.made_progress();
                    return Ok(File::from_std_regular(std, st.size));
                }
                crate::sys::Open::Failed(e) => {
                    coop.made_progress();
                    return Err(e);
                }
                crate::sys::Open::Punt => {}
            }
        }
        let path = path.to_owned();
        let opts = self.0.clone();
        let std = asyncify(move || opts.open(path)).await?;
        Ok(File::from_std(std))
    }
}

#[cfg(unix)]
impl OpenOptions {
    /// Sets the mode bits that a new file will be created with.
    ///
    /// If a new file is created as part of an `OpenOptions::open` call then
    /// this specified `mode` will be used as the permission bits for the
    /// new file. If no `mode` is set, the default of `0o666` will be used.
    /// The operating system masks out bits with the system's `umask`, to
    /// produce the final permissions.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::OpenOptions;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// let mut options = OpenOptions::new();
    /// options.mode(0o644); // Give read/write for owner and read for others.
    /// let file = options.open("foo.txt").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::mode(&mut self.0, mode);
        self.1.other = true;
        self
    }

    /// Passes custom flags to the `flags` argument of `open`.
    ///
    /// The bits that define the access mode are masked out with `O_ACCMODE`,
    /// to ensure they do not interfere with the access mode set by Rust's
    /// options.
    ///
    /// Custom flags can only set flags, not remove flags set by Rust's
    /// options. This options overwrites any previously set custom flags.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use rt_fs::OpenOptions;
    ///
    /// # async fn dox() -> std::io::Result<()> {
    /// const O_NOFOLLOW: i32 = 0o400000; // Linux's value
    /// let mut options = OpenOptions::new();
    /// options.write(true);
    /// options.custom_flags(O_NOFOLLOW);
    /// let file = options.open("foo.txt").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut self.0, flags);
        self.1.other = true;
        self
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    fn from(options: std::fs::OpenOptions) -> OpenOptions {
        OpenOptions(
            options,
            Plain {
                read: false,
                other: true,
            },
        )
    }
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self::new()
    }
}

//! `ReadBuf`: a byte buffer that tracks how much of it is filled and how much
//! is initialized.
//!
//! Invariant, kept by every safe method and required of every caller of the
//! unsafe ones:
//!
//! ```text
//! 0 <= filled <= initialized <= capacity
//! [ filled | initialized, unfilled | uninitialized ]
//! ```
//!
//! * bytes `..filled` hold data written by readers;
//! * bytes `..initialized` are initialized memory (so they may be viewed as
//!   `&[u8]`);
//! * bytes `initialized..` may be uninitialized.
//!
//! Nothing in this module ever writes `MaybeUninit::uninit()` into the buffer,
//! so once a byte is counted as initialized it stays initialized; the unsafe
//! accessors (`inner_mut`, `unfilled_mut`) hand that duty to their callers.

use std::fmt;
use std::mem::MaybeUninit;

/// A wrapper around a byte buffer that is incrementally filled and initialized.
///
/// This type is a sort of "double cursor". It tracks three regions in the
/// buffer: a region at the beginning of the buffer that has been logically
/// filled with data, a region that has been initialized at some point but not
/// yet logically filled, and a region at the end that may be uninitialized.
/// The filled region is guaranteed to be a subset of the initialized region.
///
/// In summary, the contents of the buffer can be visualized as:
///
/// ```not_rust
/// [             capacity              ]
/// [ filled |         unfilled         ]
/// [    initialized    | uninitialized ]
/// ```
///
/// It is undefined behavior to de-initialize any bytes from the uninitialized
/// region, since it is merely unknown whether this region is uninitialized or
/// not, and if part of it turns out to be initialized, it must stay initialized.
///
/// # Example
///
/// ```
/// use rt_io::ReadBuf;
///
/// let mut storage = [0u8; 8];
/// let mut buf = ReadBuf::new(&mut storage);
/// buf.put_slice(b"abc");
/// assert_eq!(buf.filled(), b"abc");
/// assert_eq!(buf.remaining(), 5);
/// ```
pub struct ReadBuf<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
    initialized: usize,
}

impl<'a> ReadBuf<'a> {
    /// Creates a new `ReadBuf` from a fully initialized buffer.
    #[inline]
    pub fn new(buf: &'a mut [u8]) -> ReadBuf<'a> {
        let initialized = buf.len();
        let len = buf.len();
        let ptr = buf.as_mut_ptr().cast::<MaybeUninit<u8>>();
        // The whole buffer is recorded as initialized and this type never
        // writes uninitialized bytes (its unsafe accessors forbid callers to).
        // SAFETY: same memory, same lifetime, and `MaybeUninit<u8>` has the
        // layout of `u8`.
        let buf = unsafe { std::slice::from_raw_parts_mut(ptr, len) };
        ReadBuf {
            buf,
            filled: 0,
            initialized,
        }
    }

    /// Creates a new `ReadBuf` from a buffer that may be uninitialized.
    ///
    /// The internal cursor tracking the number of initialized bytes starts at
    /// zero: `initialized()` is empty until bytes are put or assumed.
    #[inline]
    pub fn uninit(buf: &'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> {
        ReadBuf {
            buf,
            filled: 0,
            initialized: 0,
        }
    }

    /// Returns the total capacity of the buffer.
    #[inline]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Returns a shared reference to the filled portion of the buffer.
    #[inline]
    pub fn filled(&self) -> &[u8] {
        // SAFETY: `..filled` lies inside `..initialized` (module invariant).
        unsafe { assume_init_ref(&self.buf[..self.filled]) }
    }

    /// Returns a mutable reference to the filled portion of the buffer.
    #[inline]
    pub fn filled_mut(&mut self) -> &mut [u8] {
        // SAFETY: `..filled` lies inside `..initialized` (module invariant).
        unsafe { assume_init_mut(&mut self.buf[..self.filled]) }
    }

    /// Returns a new `ReadBuf` comprised of the unfilled section up to `n`.
    ///
    /// The new buffer starts empty; the bytes of this buffer's unfilled
    /// region that are already initialized count as initialized in it too.
    /// What a reader writes into it is not reflected in this buffer's
    /// `filled` count: callers do that themselves (with [`assume_init`] and
    /// [`advance`]).
    ///
    /// [`assume_init`]: ReadBuf::assume_init
    /// [`advance`]: ReadBuf::advance
    #[inline]
    pub fn take(&mut self, n: usize) -> ReadBuf<'_> {
        let max = n.min(self.remaining());
        let already_init = (self.initialized - self.filled).min(max);
        let region = &mut self.buf[self.filled..self.filled + max];
        ReadBuf {
            buf: region,
            filled: 0,
            initialized: already_init,
        }
    }

    /// Returns a shared reference to the initialized portion of the buffer.
    ///
    /// This includes the filled portion.
    #[inline]
    pub fn initialized(&self) -> &[u8] {
        // SAFETY: the bytes `..initialized` are initialized (module invariant).
        unsafe { assume_init_ref(&self.buf[..self.initialized]) }
    }

    /// Returns a mutable reference to the initialized portion of the buffer.
    ///
    /// This includes the filled portion.
    #[inline]
    pub fn initialized_mut(&mut self) -> &mut [u8] {
        // SAFETY: the bytes `..initialized` are initialized (module invariant).
        unsafe { assume_init_mut(&mut self.buf[..self.initialized]) }
    }

    /// Returns a mutable reference to the entire buffer, without ensuring that
    /// it has been fully initialized.
    ///
    /// The elements between 0 and `self.filled().len()` are filled, and those
    /// between 0 and `self.initialized().len()` are initialized (and so can be
    /// converted to a `&mut [u8]`).
    ///
    /// The caller of this method must ensure that these invariants are upheld.
    /// For example, if the caller initializes some of the uninitialized
    /// section of the buffer, it must call [`assume_init`] with the number of
    /// bytes initialized.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialize portions of the buffer that have
    /// already been initialized. This includes any bytes in the region marked
    /// as uninitialized by `ReadBuf`.
    ///
    /// [`assume_init`]: ReadBuf::assume_init
    #[inline]
    pub unsafe fn inner_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self.buf
    }

    /// Returns a mutable reference to the unfilled part of the buffer without
    /// ensuring that it has been fully initialized.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialize portions of the buffer that have
    /// already been initialized. This includes any bytes in the region marked
    /// as uninitialized by `ReadBuf`.
    #[inline]
    pub unsafe fn unfilled_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        &mut self.buf[self.filled..]
    }

    /// Returns a mutable reference to the unfilled part of the buffer, ensuring
    /// it is fully initialized.
    ///
    /// Since `ReadBuf` tracks the region of the buffer that has been
    /// initialized, this is effectively "free" after the first use.
    #[inline]
    pub fn initialize_unfilled(&mut self) -> &mut [u8] {
        self.initialize_unfilled_to(self.remaining())
    }

    /// Returns a mutable reference to the first `n` bytes of the unfilled part
    /// of the buffer, ensuring it is fully initialized.
    ///
    /// # Panics
    ///
    /// Panics if `self.remaining()` is less than `n`.
    #[inline]
    #[track_caller]
    pub fn initialize_unfilled_to(&mut self, n: usize) -> &mut [u8] {
        assert!(
            self.remaining() >= n,
            "n overflows remaining: n = {}, remaining() = {}",
            n,
            self.remaining()
        );
        let end = self.filled + n;
        if self.initialized < end {
            for byte in &mut self.buf[self.initialized..end] {
                *byte = MaybeUninit::new(0);
            }
            self.initialized = end;
        }
        // SAFETY: `filled..end` lies inside `..initialized`: either it already
        // did, or the loop above just zeroed the missing part.
        unsafe { assume_init_mut(&mut self.buf[self.filled..end]) }
    }

    /// Returns the number of bytes at the end of the slice that have not yet
    /// been filled.
    #[inline]
    pub fn remaining(&self) -> usize {
        self.capacity() - self.filled
    }

    /// Clears the buffer, resetting the filled region to empty.
    ///
    /// The number of initialized bytes is not changed, and the contents of the
    /// buffer are not modified.
    #[inline]
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// Advances the size of the filled region of the buffer.
    ///
    /// The number of initialized bytes is not changed.
    ///
    /// # Panics
    ///
    /// Panics if the filled region of the buffer would become larger than the
    /// initialized region.
    #[inline]
    #[track_caller]
    pub fn advance(&mut self, n: usize) {
        let new = self
            .filled
            .checked_add(n)
            .expect("ReadBuf::advance: filled overflows usize");
        self.set_filled(new);
    }

    /// Sets the size of the filled region of the buffer.
    ///
    /// The number of initialized bytes is not changed.
    ///
    /// Note that this can be used to *shrink* the filled region of the buffer
    /// in addition to growing it (for example, by a `AsyncRead` implementation
    /// that compresses data in-place).
    ///
    /// # Panics
    ///
    /// Panics if the filled region of the buffer would become larger than the
    /// initialized region.
    #[inline]
    #[track_caller]
    pub fn set_filled(&mut self, n: usize) {
        assert!(
            n <= self.initialized,
            "filled must not become larger than initialized: n = {}, initialized = {}",
            n,
            self.initialized
        );
        self.filled = n;
    }

    /// Asserts that the first `n` unfilled bytes of the buffer are initialized.
    ///
    /// `ReadBuf` assumes that bytes are never de-initialized, so this method
    /// does nothing when called with fewer bytes than are already known to be
    /// initialized. A count reaching past the end of the buffer is clamped to
    /// the capacity.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `n` unfilled bytes of the buffer have
    /// already been initialized.
    #[inline]
    pub unsafe fn assume_init(&mut self, n: usize) {
        let new = self.filled.saturating_add(n).min(self.capacity());
        if new > self.initialized {
            self.initialized = new;
        }
    }

    /// Appends data to the buffer, advancing the written position and possibly
    /// also the initialized position.
    ///
    /// # Panics
    ///
    /// Panics if `self.remaining()` is less than `buf.len()`.
    #[inline]
    #[track_caller]
    pub fn put_slice(&mut self, buf: &[u8]) {
        assert!(
            self.remaining() >= buf.len(),
            "buf.len() must fit in remaining(); buf.len() = {}, remaining() = {}",
            buf.len(),
            self.remaining()
        );
        let end = self.filled + buf.len();
        for (dst, src) in self.buf[self.filled..end].iter_mut().zip(buf) {
            *dst = MaybeUninit::new(*src);
        }
        if self.initialized < end {
            self.initialized = end;
        }
        self.filled = end;
    }
}

impl fmt::Debug for ReadBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadBuf")
            .field("filled", &self.filled)
            .field("initialized", &self.initialized)
            .field("capacity", &self.capacity())
            .finish()
    }
}

/// Views initialized bytes as `&[u8]`.
///
/// # Safety
///
/// Every byte of `slice` must be initialized.
#[inline]
unsafe fn assume_init_ref(slice: &[MaybeUninit<u8>]) -> &[u8] {
    // SAFETY: the caller guarantees the bytes are initialized, and
    // `MaybeUninit<u8>` has the same layout as `u8`.
    unsafe { &*(slice as *const [MaybeUninit<u8>] as *const [u8]) }
}

/// Views initialized bytes as `&mut [u8]`.
///
/// # Safety
///
/// Every byte of `slice` must be initialized.
#[inline]
unsafe fn assume_init_mut(slice: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    // SAFETY: as in `assume_init_ref`; writing a `u8` through the result keeps
    // the bytes initialized.
    unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
}

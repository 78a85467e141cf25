//! A small stand-in for the `bytes` crate's `Buf` / `BufMut` traits.
//!
//! Tokio's [`read_buf`], [`write_buf`] and [`write_all_buf`] take
//! `bytes::BufMut` / `bytes::Buf`. This crate does not depend on `bytes`, so
//! those methods take the two traits below instead. They keep the names and
//! the meaning of the `bytes` methods they mirror (`remaining`, `chunk`,
//! `advance`, `remaining_mut`, `chunk_mut`, `advance_mut`), restricted to what
//! the I/O helpers need, and are implemented for the standard types a program
//! usually passes: `Vec<u8>`, `&mut [u8]`, `&[u8]`, `std::io::Cursor<T>`,
//! `VecDeque<u8>` and [`ReadBuf`].
//!
//! The one shape difference: `bytes::BufMut::chunk_mut` returns
//! `&mut UninitSlice`, while [`BufMut::chunk_mut`] is an `unsafe fn` returning
//! `&mut [MaybeUninit<u8>]` (its caller promises never to write uninitialized
//! bytes into it). Safe code fills a `BufMut` with [`BufMut::put_slice`].
//!
//! [`read_buf`]: crate::AsyncReadExt::read_buf
//! [`write_buf`]: crate::AsyncWriteExt::write_buf
//! [`write_all_buf`]: crate::AsyncWriteExt::write_all_buf
//! [`ReadBuf`]: crate::ReadBuf

use crate::ReadBuf;

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::mem::MaybeUninit;

/// Read bytes from a buffer (a subset of `bytes::Buf`).
///
/// A buffer stores bytes in memory such that read operations are infallible.
/// The underlying storage may or may not be in contiguous memory: [`chunk`]
/// returns the next contiguous part, and [`advance`] moves the read cursor.
///
/// # Example
///
/// ```
/// use rt_io::Buf;
///
/// let mut buf: &[u8] = b"hello world";
/// assert_eq!(buf.chunk(), b"hello world");
/// buf.advance(6);
/// assert_eq!(buf.remaining(), 5);
/// assert_eq!(buf.chunk(), b"world");
/// ```
///
/// [`chunk`]: Buf::chunk
/// [`advance`]: Buf::advance
pub trait Buf {
    /// Returns the number of bytes between the current position and the end of
    /// the buffer.
    fn remaining(&self) -> usize;

    /// Returns a slice starting at the current position, of length between 0
    /// and [`remaining`](Buf::remaining). It is empty only when `remaining()`
    /// is 0.
    fn chunk(&self) -> &[u8];

    /// Advances the current position by `cnt` bytes.
    ///
    /// # Panics
    ///
    /// May panic if `cnt > self.remaining()`.
    fn advance(&mut self, cnt: usize);

    /// Returns true if there are any more bytes to consume.
    fn has_remaining(&self) -> bool {
        self.remaining() > 0
    }

    /// Fills `dst` with slices of the buffer starting at the current position,
    /// returning how many entries of `dst` were set. The default
    /// implementation sets at most one (the [`chunk`](Buf::chunk)).
    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        if dst.is_empty() || !self.has_remaining() {
            return 0;
        }
        dst[0] = IoSlice::new(self.chunk());
        1
    }
}

/// A trait for values that provide sequential write access to bytes (a subset
/// of `bytes::BufMut`).
///
/// # Example
///
/// ```
/// use rt_io::BufMut;
///
/// let mut buf = Vec::new();
/// buf.put_slice(b"hello");
/// assert_eq!(buf, b"hello");
/// ```
pub trait BufMut {
    /// Returns the number of bytes that can be written from the current
    /// position until the end of the buffer is reached (for growable buffers,
    /// a large number).
    fn remaining_mut(&self) -> usize;

    /// Returns a mutable slice starting at the current position, of length
    /// between 0 and [`remaining_mut`](BufMut::remaining_mut). Growable
    /// buffers may reserve memory so that it is not empty. The slice may be
    /// uninitialized.
    ///
    /// # Safety
    ///
    /// The caller must not write uninitialized bytes (`MaybeUninit::uninit()`)
    /// into the returned slice: for some implementations (`&mut [u8]`,
    /// `ReadBuf`) it refers to memory that must stay initialized.
    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>];

    /// Advances the current position by `cnt` bytes, marking them written.
    ///
    /// # Safety
    ///
    /// The caller must have initialized the first `cnt` bytes of the slice
    /// returned by [`chunk_mut`](BufMut::chunk_mut).
    ///
    /// # Panics
    ///
    /// Implementations panic if `cnt` is larger than that slice.
    unsafe fn advance_mut(&mut self, cnt: usize);

    /// Returns true if there is space in `self` for more bytes.
    fn has_remaining_mut(&self) -> bool {
        self.remaining_mut() > 0
    }

    /// Copies all of `src` into `self` and advances past it.
    ///
    /// # Panics
    ///
    /// Panics if `self` does not have enough remaining capacity.
    #[track_caller]
    fn put_slice(&mut self, mut src: &[u8]) {
        assert!(
            self.remaining_mut() >= src.len(),
            "BufMut::put_slice: src.len() = {} exceeds remaining_mut() = {}",
            src.len(),
            self.remaining_mut()
        );
        while !src.is_empty() {
            // SAFETY: only initialized bytes are written into the chunk.
            let dst = unsafe { self.chunk_mut() };
            let n = dst.len().min(src.len());
            assert!(n > 0, "BufMut::chunk_mut returned an empty chunk");
            for (d, s) in dst[..n].iter_mut().zip(&src[..n]) {
                *d = MaybeUninit::new(*s);
            }
            // SAFETY: the first `n` bytes of the chunk were just written.
            unsafe { self.advance_mut(n) };
            src = &src[n..];
        }
    }
}

// ===== Buf impls =====

impl Buf for &[u8] {
    fn remaining(&self) -> usize {
        self.len()
    }

    fn chunk(&self) -> &[u8] {
        self
    }

    #[track_caller]
    fn advance(&mut self, cnt: usize) {
        assert!(
            cnt <= self.len(),
            "cannot advance past `remaining`: {} <= {}",
            cnt,
            self.len()
        );
        *self = &self[cnt..];
    }
}

impl<T: AsRef<[u8]>> Buf for io::Cursor<T> {
    fn remaining(&self) -> usize {
        let len = self.get_ref().as_ref().len() as u64;
        len.saturating_sub(self.position()) as usize
    }

    fn chunk(&self) -> &[u8] {
        let data = self.get_ref().as_ref();
        match usize::try_from(self.position()) {
            Ok(pos) if pos < data.len() => &data[pos..],
            _ => &[],
        }
    }

    #[track_caller]
    fn advance(&mut self, cnt: usize) {
        let remaining = self.remaining();
        assert!(
            cnt <= remaining,
            "cannot advance past `remaining`: {} <= {}",
            cnt,
            remaining
        );
        self.set_position(self.position() + cnt as u64);
    }
}

impl Buf for VecDeque<u8> {
    fn remaining(&self) -> usize {
        self.len()
    }

    fn chunk(&self) -> &[u8] {
        let (front, back) = self.as_slices();
        if front.is_empty() {
            back
        } else {
            front
        }
    }

    #[track_caller]
    fn advance(&mut self, cnt: usize) {
        assert!(
            cnt <= self.len(),
            "cannot advance past `remaining`: {} <= {}",
            cnt,
            self.len()
        );
        self.drain(..cnt);
    }

    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        let mut n = 0;
        let (front, back) = self.as_slices();
        for part in [front, back] {
            if !part.is_empty() && n < dst.len() {
                dst[n] = IoSlice::new(part);
                n += 1;
            }
        }
        n
    }
}

impl<T: Buf + ?Sized> Buf for &mut T {
    fn remaining(&self) -> usize {
        (**self).remaining()
    }

    fn chunk(&self) -> &[u8] {
        (**self).chunk()
    }

    fn advance(&mut self, cnt: usize) {
        (**self).advance(cnt)
    }

    fn has_remaining(&self) -> bool {
        (**self).has_remaining()
    }

    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        (**self).chunks_vectored(dst)
    }
}

impl<T: Buf + ?Sized> Buf for Box<T> {
    fn remaining(&self) -> usize {
        (**self).remaining()
    }

    fn chunk(&self) -> &[u8] {
        (**self).chunk()
    }

    fn advance(&mut self, cnt: usize) {
        (**self).advance(cnt)
    }

    fn has_remaining(&self) -> bool {
        (**self).has_remaining()
    }

    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        (**self).chunks_vectored(dst)
    }
}

// ===== BufMut impls =====

/// How much a full `Vec<u8>` grows by when asked for a chunk (at least).
const VEC_MIN_CHUNK: usize = 64;

impl BufMut for Vec<u8> {
    fn remaining_mut(&self) -> usize {
        // A vector never holds more than `isize::MAX` bytes.
        isize::MAX as usize - self.len()
    }

    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        if self.capacity() == self.len() {
            self.reserve(VEC_MIN_CHUNK);
        }
        self.spare_capacity_mut()
    }

    #[track_caller]
    unsafe fn advance_mut(&mut self, cnt: usize) {
        let spare = self.capacity() - self.len();
        assert!(
            cnt <= spare,
            "cannot advance past `remaining_mut`: {} <= {}",
            cnt,
            spare
        );
        // SAFETY: `cnt` fits in the spare capacity (checked above) and the
        // caller initialized those bytes (contract of `advance_mut`).
        unsafe { self.set_len(self.len() + cnt) };
    }

    fn put_slice(&mut self, src: &[u8]) {
        self.extend_from_slice(src);
    }
}

impl BufMut for &mut [u8] {
    fn remaining_mut(&self) -> usize {
        self.len()
    }

    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        let len = self.len();
        let ptr = self.as_mut_ptr().cast::<MaybeUninit<u8>>();
        // SAFETY: same memory, same layout, borrowed from `self`; the caller
        // promises (contract of `chunk_mut`) to write only initialized bytes,
        // so the `[u8]` stays initialized.
        unsafe { std::slice::from_raw_parts_mut(ptr, len) }
    }

    #[track_caller]
    unsafe fn advance_mut(&mut self, cnt: usize) {
        assert!(
            cnt <= self.len(),
            "cannot advance past `remaining_mut`: {} <= {}",
            cnt,
            self.len()
        );
        let this = std::mem::take(self);
        *self = &mut this[cnt..];
    }
}

impl BufMut for &mut [MaybeUninit<u8>] {
    fn remaining_mut(&self) -> usize {
        self.len()
    }

    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self
    }

    #[track_caller]
    unsafe fn advance_mut(&mut self, cnt: usize) {
        assert!(
            cnt <= self.len(),
            "cannot advance past `remaining_mut`: {} <= {}",
            cnt,
            self.len()
        );
        let this = std::mem::take(self);
        *self = &mut this[cnt..];
    }
}

impl BufMut for ReadBuf<'_> {
    fn remaining_mut(&self) -> usize {
        self.remaining()
    }

    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        // SAFETY: the caller of `chunk_mut` promises not to de-initialize
        // bytes, which is exactly `unfilled_mut`'s contract.
        unsafe { self.unfilled_mut() }
    }

    #[track_caller]
    unsafe fn advance_mut(&mut self, cnt: usize) {
        assert!(
            cnt <= self.remaining(),
            "cannot advance past `remaining_mut`: {} <= {}",
            cnt,
            self.remaining()
        );
        // SAFETY: the caller initialized the first `cnt` unfilled bytes
        // (contract of `advance_mut`).
        unsafe { self.assume_init(cnt) };
        self.advance(cnt);
    }

    fn put_slice(&mut self, src: &[u8]) {
        ReadBuf::put_slice(self, src)
    }
}

impl<T: BufMut + ?Sized> BufMut for &mut T {
    fn remaining_mut(&self) -> usize {
        (**self).remaining_mut()
    }

    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        // SAFETY: the caller's promise is forwarded unchanged.
        unsafe { (**self).chunk_mut() }
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: the caller's promise is forwarded unchanged.
        unsafe { (**self).advance_mut(cnt) }
    }

    fn put_slice(&mut self, src: &[u8]) {
        (**self).put_slice(src)
    }
}

impl<T: BufMut + ?Sized> BufMut for Box<T> {
    fn remaining_mut(&self) -> usize {
        (**self).remaining_mut()
    }

    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        // SAFETY: the caller's promise is forwarded unchanged.
        unsafe { (**self).chunk_mut() }
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: the caller's promise is forwarded unchanged.
        unsafe { (**self).advance_mut(cnt) }
    }

    fn put_slice(&mut self, src: &[u8]) {
        (**self).put_slice(src)
    }
}

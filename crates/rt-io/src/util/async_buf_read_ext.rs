use crate::util::buf_read::{FillBuf, ReadLine, ReadUntil};
use crate::util::lines::{lines, Lines};
use crate::util::split_seg::{split, Split};
use crate::AsyncBufRead;

use std::pin::Pin;

/// An extension trait which adds utility methods to [`AsyncBufRead`] types.
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Reads all bytes into `buf` until the delimiter `byte` or EOF is reached.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_until(&mut self, byte: u8, buf: &mut Vec<u8>) -> io::Result<usize>;
    /// ```
    ///
    /// This function will read bytes from the underlying stream until the
    /// delimiter or EOF is found. Once found, all bytes up to, and including,
    /// the delimiter (if found) will be appended to `buf`.
    ///
    /// If successful, this function will return the total number of bytes read.
    ///
    /// If this function returns `Ok(0)`, the stream has reached EOF.
    ///
    /// # Errors
    ///
    /// This function will ignore all instances of
    /// [`ErrorKind::Interrupted`](std::io::ErrorKind::Interrupted) and will
    /// otherwise return any errors returned by
    /// [`poll_fill_buf`](AsyncBufRead::poll_fill_buf).
    ///
    /// If an I/O error is encountered then all bytes read so far will be
    /// present in `buf` and its length will have been adjusted appropriately.
    ///
    /// # Cancel safety
    ///
    /// If the method is used as the event in a `select!` statement and some
    /// other branch completes first, then some data may have been partially
    /// read. Any partially read bytes are appended to `buf`, and the method
    /// can be called again to continue reading until `byte`.
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncBufReadExt;
    /// use std::io::Cursor;
    ///
    /// # futures::executor::block_on(async {
    /// let mut cursor = Cursor::new(b"lorem-ipsum");
    /// let mut buf = vec![];
    /// assert_eq!(cursor.read_until(b'-', &mut buf).await?, 6);
    /// assert_eq!(buf, b"lorem-");
    /// buf.clear();
    /// assert_eq!(cursor.read_until(b'-', &mut buf).await?, 5);
    /// assert_eq!(buf, b"ipsum");
    /// buf.clear();
    /// assert_eq!(cursor.read_until(b'-', &mut buf).await?, 0);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    fn read_until<'a>(&'a mut self, byte: u8, buf: &'a mut Vec<u8>) -> ReadUntil<'a, Self>
    where
        Self: Unpin,
    {
        ReadUntil::new(self, byte, buf)
    }

    /// Reads all bytes until a newline (the 0xA byte) is reached, and appends
    /// them to the provided `String` buffer.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn read_line(&mut self, buf: &mut String) -> io::Result<usize>;
    /// ```
    ///
    /// This function will read bytes from the underlying stream until the
    /// newline delimiter (the 0xA byte) or EOF is found. Once found, all bytes
    /// up to, and including, the delimiter (if found) will be appended to
    /// `buf`.
    ///
    /// If successful, this function will return the total number of bytes read.
    ///
    /// If this function returns `Ok(0)`, the stream has reached EOF.
    ///
    /// # Errors
    ///
    /// This function has the same error semantics as [`read_until`] and will
    /// also return an error of kind
    /// [`ErrorKind::InvalidData`](std::io::ErrorKind::InvalidData) if the read
    /// bytes are not valid UTF-8 (then `buf` is left unchanged). If an I/O
    /// error is encountered then `buf` may contain some bytes already read in
    /// the event that all data read so far was valid UTF-8.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe. If the method is used as the
    /// event in a `select!` statement and some other branch completes first,
    /// then some data may have been partially read, and this data is lost.
    /// There are no guarantees regarding the contents of `buf` when the call
    /// is cancelled. The current implementation leaves `buf` unchanged.
    ///
    /// Use [`lines`](AsyncBufReadExt::lines) and `Lines::next_line` for a
    /// cancel-safe way to read lines.
    ///
    /// [`read_until`]: AsyncBufReadExt::read_until
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncBufReadExt;
    /// use std::io::Cursor;
    ///
    /// # futures::executor::block_on(async {
    /// let mut cursor = Cursor::new(b"foo\nbar");
    /// let mut buf = String::new();
    /// assert_eq!(cursor.read_line(&mut buf).await?, 4);
    /// assert_eq!(buf, "foo\n");
    /// assert_eq!(cursor.read_line(&mut buf).await?, 3);
    /// assert_eq!(buf, "foo\nbar");
    /// assert_eq!(cursor.read_line(&mut buf).await?, 0);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> ReadLine<'a, Self>
    where
        Self: Unpin,
    {
        ReadLine::new(self, buf)
    }

    /// Returns a stream of the contents of this reader split on the byte
    /// `byte`.
    ///
    /// This method is the asynchronous equivalent to
    /// [`BufRead::split`](std::io::BufRead::split).
    ///
    /// The stream returned from this function will yield instances of
    /// `io::Result<Option<Vec<u8>>>`. Each vector returned will *not* have
    /// the delimiter byte at the end.
    ///
    /// # Errors
    ///
    /// Each item of the stream has the same error semantics as
    /// [`AsyncBufReadExt::read_until`].
    fn split(self, byte: u8) -> Split<Self>
    where
        Self: Sized + Unpin,
    {
        split(self, byte)
    }

    /// Returns the contents of the internal buffer, filling it with more
    /// data from the inner reader if it is empty.
    ///
    /// This function is a lower-level call. It needs to be paired with the
    /// [`consume`] method to function properly. When calling this method,
    /// none of the contents will be "read" in the sense that later calling
    /// `read` may return the same contents. As such, [`consume`] must be
    /// called with the number of bytes that are consumed from this buffer to
    /// ensure that the bytes are never returned twice.
    ///
    /// An empty buffer returned indicates that the stream has reached EOF.
    ///
    /// Equivalent to:
    ///
    /// ```ignore
    /// async fn fill_buf(&mut self) -> io::Result<&[u8]>;
    /// ```
    ///
    /// # Errors
    ///
    /// This function will return an I/O error if the underlying reader was
    /// read, but returned an error.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// [`consume`]: crate::AsyncBufReadExt::consume
    fn fill_buf(&mut self) -> FillBuf<'_, Self>
    where
        Self: Unpin,
    {
        FillBuf::new(self)
    }

    /// Tells this buffer that `amt` bytes have been consumed from the
    /// buffer, so they should no longer be returned in calls to `read`.
    ///
    /// This function is a lower-level call. It needs to be paired with the
    /// [`fill_buf`] method to function properly. This function does not
    /// perform any I/O, it simply informs this object that some amount of its
    /// buffer, returned from [`fill_buf`], has been consumed and should no
    /// longer be returned. As such, this function may do odd things if
    /// [`fill_buf`] isn't called before calling it.
    ///
    /// The `amt` must be less than the number of bytes in the buffer
    /// returned by [`fill_buf`].
    ///
    /// [`fill_buf`]: crate::AsyncBufReadExt::fill_buf
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt)
    }

    /// Returns a stream over the lines of this reader.
    /// This method is the async equivalent to [`BufRead::lines`](std::io::BufRead::lines).
    ///
    /// The stream returned from this function will yield instances of
    /// `io::Result<Option<String>>`. Each string returned will *not* have a
    /// newline byte (the 0xA byte) or `CRLF` (0xD, 0xA bytes) at the end.
    ///
    /// # Errors
    ///
    /// Each line of the stream has the same error semantics as
    /// [`AsyncBufReadExt::read_line`].
    ///
    /// # Examples
    ///
    /// ```
    /// use rt_io::AsyncBufReadExt;
    /// use std::io::Cursor;
    ///
    /// # futures::executor::block_on(async {
    /// let mut lines = Cursor::new(b"lorem\nipsum\r\ndolor").lines();
    /// assert_eq!(lines.next_line().await?, Some(String::from("lorem")));
    /// assert_eq!(lines.next_line().await?, Some(String::from("ipsum")));
    /// assert_eq!(lines.next_line().await?, Some(String::from("dolor")));
    /// assert_eq!(lines.next_line().await?, None);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        lines(self)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}

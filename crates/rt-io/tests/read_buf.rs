//! `ReadBuf`'s cursor bookkeeping.

use rt_io::{BufMut, ReadBuf};
use std::mem::MaybeUninit;

#[test]
fn new_is_fully_initialized_and_empty() {
    let mut storage = [7u8; 8];
    let buf = ReadBuf::new(&mut storage);
    assert_eq!(buf.capacity(), 8);
    assert_eq!(buf.remaining(), 8);
    assert!(buf.filled().is_empty());
    assert_eq!(buf.initialized(), &[7u8; 8]);
}

#[test]
fn uninit_starts_with_nothing_initialized() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 8];
    let mut buf = ReadBuf::uninit(&mut storage);
    assert_eq!(buf.capacity(), 8);
    assert!(buf.initialized().is_empty());
    let unfilled = buf.initialize_unfilled_to(3);
    assert_eq!(unfilled, &[0, 0, 0]);
    unfilled.copy_from_slice(b"abc");
    assert_eq!(buf.initialized().len(), 3);
    assert!(buf.filled().is_empty());
    buf.advance(3);
    assert_eq!(buf.filled(), b"abc");
    assert_eq!(buf.remaining(), 5);
}

#[test]
fn put_slice_advances_filled_and_initialized() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 6];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.put_slice(b"ab");
    buf.put_slice(b"cd");
    assert_eq!(buf.filled(), b"abcd");
    assert_eq!(buf.initialized(), b"abcd");
    assert_eq!(buf.remaining(), 2);
    buf.filled_mut()[0] = b'X';
    assert_eq!(buf.filled(), b"Xbcd");
}

#[test]
#[should_panic(expected = "buf.len() must fit in remaining()")]
fn put_slice_overflow_panics() {
    let mut storage = [0u8; 2];
    let mut buf = ReadBuf::new(&mut storage);
    buf.put_slice(b"abc");
}

#[test]
#[should_panic(expected = "filled must not become larger than initialized")]
fn advance_past_initialized_panics() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.advance(1);
}

#[test]
#[should_panic(expected = "filled must not become larger than initialized")]
fn set_filled_past_initialized_panics() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.put_slice(b"a");
    buf.set_filled(2);
}

#[test]
#[should_panic(expected = "n overflows remaining")]
fn initialize_unfilled_to_past_remaining_panics() {
    let mut storage = [0u8; 4];
    let mut buf = ReadBuf::new(&mut storage);
    buf.advance(2);
    buf.initialize_unfilled_to(3);
}

#[test]
fn set_filled_can_shrink_and_clear_keeps_initialized() {
    let mut storage = [0u8; 4];
    let mut buf = ReadBuf::new(&mut storage);
    buf.put_slice(b"wxyz");
    buf.set_filled(1);
    assert_eq!(buf.filled(), b"w");
    buf.clear();
    assert!(buf.filled().is_empty());
    assert_eq!(buf.initialized(), b"wxyz");
    assert_eq!(buf.remaining(), 4);
}

#[test]
fn initialize_unfilled_only_zeroes_once() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.initialize_unfilled().copy_from_slice(b"1234");
    // Already initialized: the contents are kept, not zeroed again.
    assert_eq!(buf.initialize_unfilled(), b"1234");
    assert_eq!(buf.initialized_mut(), b"1234");
}

#[test]
fn assume_init_only_grows_and_is_clamped() {
    let mut storage = [0u8; 4];
    let mut buf = ReadBuf::new(&mut storage);
    buf.clear();
    // SAFETY: all 4 bytes are initialized (ReadBuf::new).
    unsafe { buf.assume_init(2) };
    assert_eq!(buf.initialized().len(), 4);

    let mut storage = [MaybeUninit::new(1u8); 4];
    let mut buf = ReadBuf::uninit(&mut storage);
    // SAFETY: the storage was initialized with `MaybeUninit::new`.
    unsafe { buf.assume_init(100) };
    assert_eq!(buf.initialized(), &[1, 1, 1, 1]);
    buf.advance(4);
    assert_eq!(buf.remaining(), 0);
}

#[test]
fn take_limits_and_shares_initialized_state() {
    let mut storage = [9u8; 8];
    let mut buf = ReadBuf::new(&mut storage);
    buf.put_slice(b"ab");
    {
        let mut sub = buf.take(3);
        assert_eq!(sub.capacity(), 3);
        assert_eq!(sub.initialized().len(), 3);
        sub.put_slice(b"cde");
        assert_eq!(sub.remaining(), 0);
    }
    // The parent's filled count is unchanged until advanced.
    assert_eq!(buf.filled(), b"ab");
    buf.advance(3);
    assert_eq!(buf.filled(), b"abcde");
    // Taking more than remains gives what remains.
    assert_eq!(buf.take(100).capacity(), 3);
}

#[test]
fn unsafe_unfilled_mut_and_inner_mut() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.put_slice(b"a");
    // SAFETY: only initialized bytes are written.
    unsafe {
        buf.unfilled_mut()[0] = MaybeUninit::new(b'b');
        buf.assume_init(1);
    }
    buf.advance(1);
    assert_eq!(buf.filled(), b"ab");
    // SAFETY: no byte is de-initialized.
    let whole = unsafe { buf.inner_mut() };
    assert_eq!(whole.len(), 4);
}

#[test]
fn debug_shows_cursors() {
    let mut storage = [0u8; 4];
    let mut buf = ReadBuf::new(&mut storage);
    buf.put_slice(b"x");
    assert_eq!(
        format!("{buf:?}"),
        "ReadBuf { filled: 1, initialized: 4, capacity: 4 }"
    );
}

#[test]
fn read_buf_is_a_buf_mut() {
    let mut storage = [0u8; 4];
    let mut buf = ReadBuf::new(&mut storage);
    assert_eq!(BufMut::remaining_mut(&buf), 4);
    BufMut::put_slice(&mut buf, b"xyz");
    assert_eq!(buf.filled(), b"xyz");
    assert_eq!(BufMut::remaining_mut(&buf), 1);
}

//! The driver stack the facade builds from the outside in:
//! `rt_timer::Driver<IoStack>` when time is enabled, else `IoStack`; the
//! I/O stack is the mio reactor when I/O is enabled (features `net`, `signal`, `process`), else a
//! thread parker.

use std::io;
use std::time::Duration;

use rt_task::context::{AnyHandle, Driver as Slot};
use rt_task::{Park, ParkThread, Unpark, UnparkThread};

/// The bottom of the stack: what blocks the thread.
#[derive(Debug)]
pub(crate) enum IoStack {
    Thread(ParkThread),
    #[cfg(feature = "io-driver")]
    Io(rt_reactor::Driver),
}

#[derive(Debug, Clone)]
pub(crate) enum IoUnpark {
    Thread(UnparkThread),
    #[cfg(feature = "io-driver")]
    Io(rt_reactor::Unparker),
}

/// The runtime's driver: the `Park` a scheduler blocks on.
#[derive(Debug)]
pub(crate) enum Driver {
    Plain(IoStack),
    #[cfg(feature = "time")]
    Time(rt_timer::Driver<IoStack>),
}

/// Wakes a [`Driver`].
#[derive(Debug, Clone)]
pub(crate) enum DriverUnpark {
    Plain(IoUnpark),
    #[cfg(feature = "time")]
    Time(rt_timer::TimerUnpark<IoUnpark>),
}

/// Driver handles to install in the context slots.
#[derive(Default, Clone)]
pub(crate) struct DriverHandles {
    pub(crate) drivers: [Option<AnyHandle>; 4],
    #[cfg(feature = "time")]
    pub(crate) time: Option<rt_timer::Handle>,
}

pub(crate) struct DriverConfig {
    #[allow(dead_code)]
    pub(crate) enable_io: bool,
    pub(crate) enable_time: bool,
    /// Whether the clock may be paused (current-thread with `test-util`).
    #[allow(dead_code)]
    pub(crate) enable_pausing: bool,
    #[allow(dead_code)]
    pub(crate) start_paused: bool,
    /// Timer shards (the worker count).
    #[allow(dead_code)]
    pub(crate) shards: usize,
}

impl Driver {
    pub(crate) fn new(cfg: &DriverConfig) -> io::Result<(Driver, DriverHandles)> {
        #[allow(unused_mut)]
        let mut handles = DriverHandles::default();
        let io = Self::io_stack(cfg, &mut handles)?;
        #[cfg(feature = "time")]
        if cfg.enable_time {
            let clock = rt_timer::Clock::new(cfg.enable_pausing, cfg.start_paused);
            let (driver, handle) = rt_timer::Builder::new()
                .clock(clock)
                .shards(cfg.shards)
                .build(io);
            handles.drivers[Slot::Time as usize] = Some(handle.clone().into_context());
            handles.time = Some(handle);
            return Ok((Driver::Time(driver), handles));
        }
        let _ = (cfg.enable_time, Slot::Time);
        Ok((Driver::Plain(io), handles))
    }
}

impl Driver {
    #[allow(unused_variables)]
    fn io_stack(cfg: &DriverConfig, handles: &mut DriverHandles) -> io::Result<IoStack> {
        #[cfg(feature = "io-driver")]
        if cfg.enable_io {
            let driver = rt_reactor::Driver::new()?;
            handles.drivers[Slot::Io as usize] = Some(driver.handle().to_context_handle());
            return Ok(IoStack::Io(driver));
        }
        Ok(IoStack::Thread(ParkThread::new()))
    }
}

impl Park for IoStack {
    type Unpark = IoUnpark;

    fn unpark(&self) -> IoUnpark {
        match self {
            IoStack::Thread(p) => IoUnpark::Thread(p.unpark()),
            #[cfg(feature = "io-driver")]
            IoStack::Io(d) => IoUnpark::Io(d.unpark()),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        match self {
            IoStack::Thread(p) => p.park(),
            #[cfg(feature = "io-driver")]
            IoStack::Io(io) => io.park(),
        }
    }

    fn park_timeout(&mut self, d: Duration) -> io::Result<()> {
        match self {
            IoStack::Thread(p) => p.park_timeout(d),
            #[cfg(feature = "io-driver")]
            IoStack::Io(io) => io.park_timeout(d),
        }
    }

    fn shutdown(&mut self) {
        match self {
            IoStack::Thread(p) => p.shutdown(),
            #[cfg(feature = "io-driver")]
            IoStack::Io(io) => io.shutdown(),
        }
    }
}

impl Unpark for IoUnpark {
    fn unpark(&self) {
        match self {
            IoUnpark::Thread(u) => u.unpark(),
            #[cfg(feature = "io-driver")]
            IoUnpark::Io(u) => u.unpark(),
        }
    }
}

impl Park for Driver {
    type Unpark = DriverUnpark;

    fn unpark(&self) -> DriverUnpark {
        match self {
            Driver::Plain(p) => DriverUnpark::Plain(p.unpark()),
            #[cfg(feature = "time")]
            Driver::Time(t) => DriverUnpark::Time(t.unpark()),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        match self {
            Driver::Plain(p) => p.park(),
            #[cfg(feature = "time")]
            Driver::Time(t) => t.park(),
        }
    }

    fn park_timeout(&mut self, d: Duration) -> io::Result<()> {
        match self {
            Driver::Plain(p) => p.park_timeout(d),
            #[cfg(feature = "time")]
            Driver::Time(t) => t.park_timeout(d),
        }
    }

    fn shutdown(&mut self) {
        match self {
            Driver::Plain(p) => p.shutdown(),
            #[cfg(feature = "time")]
            Driver::Time(t) => t.shutdown(),
        }
    }
}

impl Unpark for DriverUnpark {
    fn unpark(&self) {
        match self {
            DriverUnpark::Plain(u) => u.unpark(),
            #[cfg(feature = "time")]
            DriverUnpark::Time(u) => u.unpark(),
        }
    }
}

//! The driver stack the facade builds from the outside in. With only the
//! scheduler and blocking pool compiled in, the stack is a thread parker.

use std::io;
use std::time::Duration;

use rt_task::{Park, ParkThread, Unpark, UnparkThread};

/// The runtime's driver: the `Park` a scheduler blocks on.
#[derive(Debug)]
pub(crate) enum Driver {
    Thread(ParkThread),
}

/// Wakes a [`Driver`].
#[derive(Debug, Clone)]
pub(crate) enum DriverUnpark {
    Thread(UnparkThread),
}

/// Driver handles to install in the context slots.
#[derive(Default, Clone)]
pub(crate) struct DriverHandles {
    pub(crate) drivers: [Option<rt_task::context::AnyHandle>; 4],
}

pub(crate) struct DriverConfig {
    #[allow(dead_code)]
    pub(crate) enable_io: bool,
    #[allow(dead_code)]
    pub(crate) enable_time: bool,
    #[allow(dead_code)]
    pub(crate) start_paused: bool,
}

impl Driver {
    pub(crate) fn new(_cfg: &DriverConfig) -> io::Result<(Driver, DriverHandles)> {
        Ok((Driver::Thread(ParkThread::new()), DriverHandles::default()))
    }
}

impl Park for Driver {
    type Unpark = DriverUnpark;

    fn unpark(&self) -> DriverUnpark {
        match self {
            Driver::Thread(p) => DriverUnpark::Thread(p.unpark()),
        }
    }

    fn park(&mut self) -> io::Result<()> {
        match self {
            Driver::Thread(p) => p.park(),
        }
    }

    fn park_timeout(&mut self, d: Duration) -> io::Result<()> {
        match self {
            Driver::Thread(p) => p.park_timeout(d),
        }
    }

    fn shutdown(&mut self) {
        match self {
            Driver::Thread(p) => p.shutdown(),
        }
    }
}

impl Unpark for DriverUnpark {
    fn unpark(&self) {
        match self {
            DriverUnpark::Thread(u) => u.unpark(),
        }
    }
}

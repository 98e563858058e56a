//! A temperature sensor on the bus.

use crate::bus::{Bus, SimBus};

pub struct Thermometer {
    addr: u8,
    bus: SimBus,
}

impl Thermometer {
    pub fn new(addr: u8) -> Self {
        Thermometer { addr, bus: SimBus }
    }

    /// Reads the raw register. Awaits the bus once per byte.
    pub async fn read_raw(&self) -> u16 {
        let hi = self.bus.transfer(self.addr, &[0x00]).await;
        let lo = self.bus.transfer(self.addr, &[0x01]).await;
        u16::from_be_bytes([hi, lo])
    }

    /// Converts to centi-degrees: only wraps `read_raw`.
    pub async fn read_centi(&self) -> i32 {
        let scale = 625;
        raw_to_centi(self.read_raw().await, scale)
    }

    /// Only forwards to another future: a state machine around a state machine.
    pub async fn sample(&self) -> u16 {
        let _reg = 0x00u8;
        self.read_raw().await
    }

    /// Nothing to wait for, yet it is a coroutine.
    pub async fn address(&self) -> u8 {
        self.addr
    }
}

fn raw_to_centi(raw: u16, scale: i32) -> i32 {
    (raw as i32 * scale) / 100
}

//! A packet radio. Sending awaits the bus; the log is drained in one go.

use crate::bus::{Bus, LoopbackBus, SimBus};

pub struct Radio {
    channel: u8,
    bus: SimBus,
    log: Vec<u8>,
}

impl Radio {
    pub fn new(channel: u8) -> Self {
        Radio { channel, bus: SimBus, log: Vec::new() }
    }

    pub fn set_channel(&mut self, channel: u8) {
        self.channel = channel;
    }

    pub async fn send(&mut self, frame: &[u8]) -> usize {
        let ack = self.bus.transfer(self.channel, frame).await;
        self.log.push(ack);
        frame.len()
    }

    /// Counts the frames sent so far: no await, so `async` buys nothing here.
    pub async fn drain_log(&mut self) -> usize {
        let n = self.log.len();
        self.log.clear();
        n
    }

    /// Self-test on the loopback bus: a block that is a future only because the API wants one.
    pub fn self_test(&self) -> impl core::future::Future<Output = u8> + '_ {
        let channel = self.channel;
        async move { channel }
    }

    pub async fn loopback(&self, frame: &[u8]) -> u8 {
        LoopbackBus.transfer(self.channel, frame).await
    }
}

//! A shared I2C/SPI-like bus. Every transfer waits for the "interrupt" once.

use crate::executor::yield_once;

pub trait Bus {
    async fn transfer(&self, addr: u8, out: &[u8]) -> u8;
}

pub struct SimBus;

impl Bus for SimBus {
    async fn transfer(&self, addr: u8, out: &[u8]) -> u8 {
        yield_once().await;
        out.iter().fold(addr, |acc, b| acc.wrapping_add(*b))
    }
}

/// A bus that answers at once: nothing to wait for, but the trait says `async fn`.
pub struct LoopbackBus;

impl Bus for LoopbackBus {
    async fn transfer(&self, addr: u8, out: &[u8]) -> u8 {
        addr ^ out.len() as u8
    }
}

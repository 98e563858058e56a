//! Command dispatch: decodes a command and drives the drivers.

use crate::radio::Radio;
use crate::sensor::Thermometer;

#[derive(Clone, Copy)]
pub enum Command {
    Ping,
    ReadTemp,
    Report,
    SetChannel(u8),
    Beacon,
}

/// Every arm awaits `radio.send`: each one is a separate suspend state.
pub async fn handle(radio: &mut Radio, sensor: &Thermometer, cmd: Command) -> usize {
    match cmd {
        Command::Ping => radio.send(b"pong").await,
        Command::ReadTemp => {
            let t = sensor.read_centi().await;
            radio.send(&t.to_le_bytes()).await
        }
        Command::Report => {
            let raw = sensor.sample().await;
            let addr = sensor.address().await;
            let check = radio.self_test().await + radio.loopback(&[addr]).await;
            radio.send(&[raw as u8, check]).await
        }
        Command::SetChannel(ch) => {
            radio.set_channel(ch);
            0
        }
        Command::Beacon => beacon(radio).await,
    }
}

/// The same work as `handle`'s sending arms, written to await once: what the fix looks like.
pub async fn handle_hoisted(radio: &mut Radio, sensor: &Thermometer, cmd: Command) -> usize {
    let frame: Vec<u8> = match cmd {
        Command::Ping => b"pong".to_vec(),
        Command::ReadTemp => sensor.read_centi().await.to_le_bytes().to_vec(),
        Command::Report => vec![sensor.read_raw().await as u8],
        Command::SetChannel(ch) => {
            radio.set_channel(ch);
            return 0;
        }
        Command::Beacon => b"beacon".to_vec(),
    };
    radio.send(&frame).await
}

async fn beacon(radio: &mut Radio) -> usize {
    let retry = async |r: &mut Radio| r.send(b"beacon").await;
    let first = retry(radio).await;
    if first == 0 {
        radio.send(b"beacon").await
    } else {
        first
    }
}

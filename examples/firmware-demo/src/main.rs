//! A firmware-shaped async program with no dependencies: a one-future executor, a temperature sensor and a
//! radio behind a shared bus, and a command dispatcher. `asyncbloat scan examples/firmware-demo` reports
//! each bloat pattern at least once; the rest of the code is what the fixes look like.

mod bus;
mod dispatch;
mod executor;
mod radio;
mod sensor;

use dispatch::Command;

fn main() {
    let mut radio = radio::Radio::new(7);
    let sensor = sensor::Thermometer::new(0x48);
    let commands = [Command::Ping, Command::ReadTemp, Command::Report, Command::SetChannel(11), Command::Beacon];
    let mut sent = 0;
    let mut sent_hoisted = 0;
    for cmd in commands {
        sent += executor::block_on(dispatch::handle(&mut radio, &sensor, cmd));
        sent_hoisted += executor::block_on(dispatch::handle_hoisted(&mut radio, &sensor, cmd));
    }
    let log = executor::block_on(radio.drain_log());
    println!("sent {sent} bytes ({sent_hoisted} with hoisted awaits), radio log holds {log} frames");
}

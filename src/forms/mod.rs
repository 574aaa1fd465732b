//! Form logic as plain data and functions, tested natively; the screens only bind it to inputs.

pub mod proxy;

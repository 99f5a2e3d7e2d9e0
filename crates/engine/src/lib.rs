//! A deterministic discrete-event world.
//!
//! The engine knows nothing of Kafka, RabbitMQ, the DOM or the wall clock. A [`Model`] owns
//! the state of every node; its handlers never perform effects, they push them into an
//! [`Effects`] buffer that the [`World`] applies (the stateright shape). Everything that
//! could differ between runs — time, ordering, randomness — is owned here and is a pure
//! function of the seed and the script, so the same inputs give the same trace natively and
//! in wasm.

pub mod compact;
mod fault;
mod network;
mod queue;
mod rng;
pub mod vec_map;
mod world;

pub use fault::Fault;
pub use network::{LinkState, Network};
pub use queue::EventQueue;
pub use rng::SimRng;
pub use vec_map::{VecMap, VecSet};
pub use world::{Effects, Envelope, Liveness, Model, Step, StepKind, World};

use serde::{Deserialize, Serialize};

/// Simulated time in milliseconds since the start of the scenario.
pub type Millis = u64;

/// A node of the simulated world: a broker, a controller, a client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeId(pub u32);

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "n{}", self.0)
    }
}

/// A portable 64-bit FNV-1a digest, used to compare traces across runs and platforms.
pub fn digest(bytes: &[u8], mut state: u64) -> u64 {
    for byte in bytes {
        state ^= u64::from(*byte);
        state = state.wrapping_mul(0x0000_0100_0000_01b3);
    }
    state
}

/// FNV-1a as a [`std::hash::Hasher`], so derived `Hash` impls feed a trace digest. Sizes and
/// enum discriminants are hashed as 64-bit values: `usize` is 4 bytes in wasm32 and 8
/// natively, and the digest must be the same on both.
#[derive(Clone, Copy, Debug)]
pub struct TraceHasher(pub u64);

impl std::hash::Hasher for TraceHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = digest(bytes, self.0);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_i64(i as i64);
    }
}

/// The FNV-1a offset basis: the starting state of [`digest`].
pub const DIGEST_START: u64 = 0xcbf2_9ce4_8422_2325;

//! Exchanges and bindings: which queues a publish reaches. The default exchange ("") routes
//! by queue name; direct exchanges by exact routing key; fanout to every bound queue.

use crate::config::{ExchangeKind, RabbitConfig};

/// The queues a message published to `exchange` with `routing_key` reaches, in queue order.
pub fn route(config: &RabbitConfig, exchange: &str, routing_key: &str) -> Vec<u32> {
    let mut queues: Vec<u32> = if exchange.is_empty() {
        config
            .queues
            .iter()
            .position(|q| q.name == routing_key)
            .map(|i| vec![i as u32])
            .unwrap_or_default()
    } else {
        let Some(kind) = config
            .exchanges
            .iter()
            .find(|e| e.name == exchange)
            .map(|e| e.kind)
        else {
            return Vec::new();
        };
        config
            .bindings
            .iter()
            .filter(|b| b.exchange == exchange)
            .filter(|b| kind == ExchangeKind::Fanout || b.routing_key == routing_key)
            .map(|b| b.queue)
            .collect()
    };
    mqlab_engine::compact::sort(&mut queues);
    queues.dedup();
    queues
}

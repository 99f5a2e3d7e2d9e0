//! The pinned trace digests of the shipped examples, shared by the native test
//! (`determinism.rs`) and the browser test (`wasm_determinism.rs`) so both compare against
//! the very same numbers.

/// `(example id, trace digest)` read from `digests.txt`: one `id hex-digest` pair a line;
/// blank lines and lines starting with `#` are ignored.
pub fn pinned() -> Vec<(&'static str, u64)> {
    include_str!("../digests.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let id = parts.next().expect("an id");
            let hex = parts
                .next()
                .unwrap_or_else(|| panic!("digests.txt: no digest for {id}"));
            let value = u64::from_str_radix(hex, 16)
                .unwrap_or_else(|_| panic!("digests.txt: {hex} is not hex"));
            (id, value)
        })
        .collect()
}

/// Compare every shipped example's digest with the pinned one; returns the mismatches
/// as readable lines (empty when all agree). Every example must be pinned, and every pin
/// must name an example.
pub fn mismatches() -> Vec<String> {
    let pinned = pinned();
    let mut out = Vec::new();
    for (id, text) in mqlab_scenario::example_sources() {
        let player = match mqlab_scenario::Player::load_json(text) {
            Ok(p) => p,
            Err(e) => {
                out.push(format!("{id}: does not load: {e}"));
                continue;
            }
        };
        let got = player.trace_digest();
        match pinned.iter().find(|(p, _)| p == id) {
            Some(&(_, want)) if want == got => {}
            Some(&(_, want)) => out.push(format!(
                "{id}: trace digest {got:016x}, pinned {want:016x} ({} steps)",
                player.total_steps()
            )),
            None => out.push(format!(
                "{id}: not pinned in digests.txt (its digest is {got:016x})"
            )),
        }
    }
    for (id, _) in &pinned {
        if !mqlab_scenario::example_sources()
            .iter()
            .any(|(e, _)| e == id)
        {
            out.push(format!("{id}: pinned in digests.txt but not an example"));
        }
    }
    out
}

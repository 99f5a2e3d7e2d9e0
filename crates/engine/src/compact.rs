//! Sorting that keeps the wasm bundle small.
//!
//! std's stable sort is generic over the element type and the comparison, so every call
//! site of `sort` or `sort_by_key` (and of `collect::<BTreeMap<_, _>>()`, which sorts its
//! input before building the tree) adds its own 2–4 KB copy of driftsort to the wasm. These
//! helpers give exactly std's stable order with one shared, non-generic sort of indices:
//! only a small comparison closure and a loop of swaps are instantiated per element type.
//! (Maps and sets are [`crate::VecMap`] and [`crate::VecSet`], built by insertion.)

use std::cmp::Ordering;

/// Sorts `items` stably by `cmp`, like `slice::sort_by`.
pub fn sort_by<T>(items: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let swaps = {
        let items: &[T] = items;
        stable_swaps(items.len(), &mut |a, b| cmp(&items[a], &items[b]))
    };
    for (a, b) in swaps {
        items.swap(a as usize, b as usize);
    }
}

/// Sorts `items` stably by `key`, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` stably, like `slice::sort`.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The swaps that put `len` items in stable sorted order, `cmp` comparing two of them by
/// their positions before any swap.
#[inline(never)]
fn stable_swaps(len: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<(u32, u32)> {
    // order[j] = the original position of the item that belongs at j.
    let mut order: Vec<u32> = (0..len as u32).collect();
    order.sort_by(|&a, &b| cmp(a as usize, b as usize));
    // Follow each cycle of the permutation: swapping j with order[j] brings the right item
    // to j and moves the cycle's first item on, until it reaches its own place.
    let mut placed = vec![false; len];
    let mut swaps = Vec::new();
    for start in 0..len {
        if placed[start] {
            continue;
        }
        placed[start] = true;
        let mut j = start;
        loop {
            let k = order[j] as usize;
            if k == start {
                break;
            }
            swaps.push((j as u32, k as u32));
            placed[k] = true;
            j = k;
        }
    }
    swaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SimRng;

    #[test]
    fn sorts_like_std_and_is_stable() {
        let mut rng = SimRng::new(7);
        for len in 0..60 {
            for _ in 0..20 {
                let items: Vec<(u64, usize)> = (0..len).map(|i| (rng.up_to(7), i)).collect();
                let mut ours = items.clone();
                sort_by_key(&mut ours, |x| x.0);
                let mut theirs = items.clone();
                theirs.sort_by_key(|x| x.0);
                assert_eq!(ours, theirs);
                let mut ours = items.clone();
                sort_by(&mut ours, |a, b| b.0.cmp(&a.0));
                let mut theirs = items;
                theirs.sort_by_key(|x| std::cmp::Reverse(x.0));
                assert_eq!(ours, theirs);
            }
        }
    }
}

//! Sorting and ordered-map building that keep the wasm bundle small.
//!
//! std's stable sort is generic over the element type and the comparison, so every call
//! site of `sort`, `sort_by_key` or `collect::<BTreeMap<_, _>>()` (which sorts its input
//! before building the tree) adds its own 2–4 KB copy of driftsort to the wasm. These
//! helpers give the same results with one shared, non-generic sort of indices: only a small
//! comparison closure and a loop of swaps are instantiated per element type.
//!
//! Results are exactly std's: the sort is stable, and maps and sets are built by inserting
//! one item at a time (for keys that compare equal only when they are identical, which is
//! all this project uses, that is what `collect` gives).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

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

/// An ordered map of `pairs`, like `collect::<BTreeMap<_, _>>()`.
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

/// An ordered set of `items`, like `collect::<BTreeSet<_>>()`.
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
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
                theirs.sort_by(|a, b| b.0.cmp(&a.0));
                assert_eq!(ours, theirs);
            }
        }
    }

    #[test]
    fn builds_maps_like_collect() {
        let pairs = [(3, "c"), (1, "a"), (2, "b")];
        assert_eq!(map_of(pairs), pairs.into_iter().collect::<BTreeMap<_, _>>());
        assert_eq!(
            set_of([3, 1, 3, 2]),
            [1, 2, 3].into_iter().collect::<BTreeSet<_>>()
        );
    }
}

//! A small sort for the app's short lists.
//!
//! NOTE: a heapsort of our own instead of `slice::sort*`: every element type and
//! comparison std sorts brings its own copy of a driftsort or an ipnsort into the wasm
//! module, 0.6–3 KB each (34 functions, 21 KB for nine lists). The lists sorted here are
//! short (a run's documents and events, the runs kept, input delays), and an
//! O(n log n) heapsort is a few hundred bytes.

/// Sorts `v` so that no element is `less` than the one before it. Not stable: equal
/// elements may change places.
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    // Moves `v[root]` down until it is not less than either child (a max-heap).
    let mut sift_down = |v: &mut [T], mut root: usize| loop {
        let mut child = 2 * root + 1;
        if child >= v.len() {
            break;
        }
        if child + 1 < v.len() && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    for root in (0..v.len() / 2).rev() {
        sift_down(v, root);
    }
    for end in (1..v.len()).rev() {
        v.swap(0, end);
        sift_down(&mut v[..end], 0);
    }
}

/// Sorts milliseconds in `f64::total_cmp`'s order, then drops repeats.
pub fn sort_dedup_ms(v: &mut Vec<f64>) {
    sort_ms(v);
    v.dedup();
}

/// Sorts milliseconds in `f64::total_cmp`'s order.
pub fn sort_ms(v: &mut [f64]) {
    sort_by(v, |a, b| a.total_cmp(b).is_lt());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_std_does() {
        // A fixed pseudo-random sequence with repeats, and the edge lengths.
        let mut x = 12_345_u32;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x % 50
        };
        for len in [0, 1, 2, 3, 7, 8, 64, 257] {
            let mut ours: Vec<u32> = (0..len).map(|_| next()).collect();
            let mut theirs = ours.clone();
            sort_by(&mut ours, |a, b| a < b);
            theirs.sort_unstable();
            assert_eq!(ours, theirs, "len {len}");
            sort_by(&mut ours, |a, b| a > b);
            theirs.reverse();
            assert_eq!(ours, theirs, "len {len}, descending");
        }
    }

    #[test]
    fn milliseconds_in_total_order_without_repeats() {
        let mut v = vec![3.5, 0.0, 12.0, 3.5, -1.0, f64::INFINITY, 0.25, 12.0];
        sort_dedup_ms(&mut v);
        assert_eq!(v, [-1.0, 0.0, 0.25, 3.5, 12.0, f64::INFINITY]);
    }
}

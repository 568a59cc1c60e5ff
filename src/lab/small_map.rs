//! A map for a handful of entries, kept in a `Vec`.
//!
//! NOTE: instead of `HashMap`: every key and value type a `HashMap` is used with puts
//! its own copy of hashbrown's insert, rehash and removal, and SipHash, into the wasm
//! module (1-2 KB each). The app's own maps hold a run's documents (at most 64), a
//! worker's jobs, or the few connection pools of a page: a linear search over so few is
//! as fast as hashing.

/// Entries with a key at most once, in no particular order.
#[derive(Debug, Clone, PartialEq)]
pub struct SmallMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<K: PartialEq, V> SmallMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// Sets `key` to `value`; the value it had, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.get_mut(&key) {
            Some(old) => Some(std::mem::replace(old, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Takes `key`'s value out.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.swap_remove(at).1)
    }

    /// `key`'s value.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// `key`'s value, to change.
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// `key`'s value, made by `make` first if it has none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let at = match self.0.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                self.0.push((key, make()));
                self.0.len() - 1
            }
        };
        &mut self.0[at].1
    }
}

impl<K, V> IntoIterator for SmallMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::SmallMap;

    #[test]
    fn keys_are_unique_and_removal_keeps_the_rest() {
        let mut m = SmallMap::new();
        assert_eq!(m.insert(3, "a"), None);
        assert_eq!(m.insert(5, "b"), None);
        assert_eq!(m.insert(3, "c"), Some("a"));
        assert_eq!(m.get(&3), Some(&"c"));
        *m.get_or_insert_with(7, || "d") = "e";
        assert_eq!(m.get_or_insert_with(7, || "never"), &"e");
        assert_eq!(m.remove(&3), Some("c"));
        assert_eq!(m.remove(&3), None);
        assert_eq!((m.get(&5), m.get(&7)), (Some(&"b"), Some(&"e")));
        if let Some(v) = m.get_mut(&5) {
            *v = "f";
        }
        assert_eq!(m.get(&5), Some(&"f"));
    }
}

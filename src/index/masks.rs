//! All XOR masks of `bits` bits with at most `radius` bits set, ordered by
//! the number of set bits, so "within radius r" is a prefix of the list.

use std::sync::OnceLock;

struct Table {
    /// Masks of 16 bits ordered by popcount (then value).
    masks: Vec<u16>,
}

fn table(bits: u32) -> &'static Table {
    static TABLES: [OnceLock<Table>; 17] = [const { OnceLock::new() }; 17];
    TABLES[bits as usize].get_or_init(|| {
        let mut masks: Vec<u16> = (0..(1u32 << bits)).map(|m| m as u16).collect();
        masks.sort_by_key(|m| (m.count_ones(), *m));
        Table { masks }
    })
}

/// Masks over `bits` bits (0..=16) with popcount <= `radius`.
pub(crate) fn within(bits: u32, radius: u32) -> &'static [u16] {
    let t = table(bits);
    let end = t.masks.partition_point(|m| m.count_ones() <= radius);
    &t.masks[..end]
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_binomial_sums() {
        assert_eq!(super::within(16, 0), &[0]);
        assert_eq!(super::within(16, 1).len(), 17);
        assert_eq!(super::within(16, 3).len(), 1 + 16 + 120 + 560);
        assert_eq!(super::within(4, 9).len(), 16);
    }
}

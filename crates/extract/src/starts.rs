//! Sorted start offsets (of a document's tokens or cues) with a block index, for the "first item
//! at or after byte `pos`" search that the place checks and statements run hundreds of thousands
//! of times per corpus.

/// Block size of [`Starts::blocks`], in bytes of text (a power of two).
const BLOCK_BITS: u32 = 6;

/// Sorted start offsets and, for every block of `1 << BLOCK_BITS` bytes of text, the index of the
/// first offset in it or after it: a search reads the block's entry and then binary-searches the
/// few offsets of that block only, where a binary search of the whole list took a dozen steps.
#[derive(Debug, Default)]
pub(crate) struct Starts {
    starts: Vec<u32>,
    /// `blocks[b]` = the index of the first offset `>= b << BLOCK_BITS`; one entry past the block
    /// of the last offset (which holds `starts.len()`).
    blocks: Vec<u32>,
}

impl Starts {
    /// `starts` must be sorted (non-decreasing) and below 2^32.
    pub fn new(starts: Vec<u32>) -> Starts {
        debug_assert!(starts.windows(2).all(|w| w[0] <= w[1]), "sorted starts");
        let n_blocks = starts.last().map_or(0, |&s| (s >> BLOCK_BITS) as usize + 1) + 1;
        let mut blocks = Vec::with_capacity(n_blocks);
        let mut k = 0;
        for b in 0..n_blocks {
            let at = (b as u64) << BLOCK_BITS;
            while k < starts.len() && u64::from(starts[k]) < at {
                k += 1;
            }
            blocks.push(k as u32);
        }
        Starts { starts, blocks }
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.starts
    }

    /// The index of the first offset `>= pos` (`len` when none): what
    /// `starts.partition_point(|&s| s < pos)` gives.
    #[inline]
    pub fn first_at(&self, pos: usize) -> usize {
        let b = pos >> BLOCK_BITS;
        match (self.blocks.get(b), self.blocks.get(b + 1)) {
            (Some(&lo), Some(&hi)) => {
                let (lo, hi) = (lo as usize, hi as usize);
                lo + self.starts[lo..hi].partition_point(|&s| (s as usize) < pos)
            }
            // Past the block of the last offset: every offset is below `pos`.
            _ => self.starts.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Starts;

    /// `first_at` is the plain binary search, on sorted lists with gaps, runs in one block,
    /// repeated offsets and none, at every position up to past the end.
    #[test]
    fn first_at_is_the_partition_point() {
        let mut seed: u64 = 11;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for case in 0..300 {
            let mut s: Vec<u32> = (0..next(60))
                .map(|_| next([8, 64, 300, 5000][case % 4]) as u32)
                .collect();
            s.sort_unstable();
            if case % 5 == 0 {
                s.dedup();
            }
            let starts = Starts::new(s.clone());
            let end = s.last().map_or(0, |&x| x as usize) + 200;
            for pos in 0..end {
                assert_eq!(
                    starts.first_at(pos),
                    s.partition_point(|&x| (x as usize) < pos),
                    "{s:?} at {pos}"
                );
            }
        }
    }
}

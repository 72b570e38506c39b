//! A SHA-256 whose state can be saved in a checkpoint and restored, so an
//! export resumed by another worker still reports the hash of the whole file.
//! `sha2` keeps its state private, so this drives its public compression
//! function and does the (standard) padding itself.

use serde::{Deserialize, Serialize};
use sha2::digest::generic_array::GenericArray;

const INITIAL: [u32; 8] =
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sha256State {
    state: [u32; 8],
    /// Bytes hashed so far, pending included.
    length: u64,
    /// Bytes of the unfinished 64-byte block, hex.
    pending: String,
}

impl Default for Sha256State {
    fn default() -> Self {
        Sha256State { state: INITIAL, length: 0, pending: String::new() }
    }
}

/// Incremental hasher; `snapshot` and `restore` move it through a checkpoint.
#[derive(Debug, Clone)]
pub struct ResumableSha256 {
    state: [u32; 8],
    length: u64,
    buffer: Vec<u8>,
}

impl Default for ResumableSha256 {
    fn default() -> Self {
        Self::restore(&Sha256State::default())
    }
}

impl ResumableSha256 {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn restore(saved: &Sha256State) -> Self {
        ResumableSha256 {
            state: saved.state,
            length: saved.length,
            buffer: hex::decode(&saved.pending).unwrap_or_default(),
        }
    }

    pub fn snapshot(&self) -> Sha256State {
        Sha256State { state: self.state, length: self.length, pending: hex::encode(&self.buffer) }
    }

    pub fn update(&mut self, mut data: &[u8]) {
        self.length += data.len() as u64;
        if !self.buffer.is_empty() {
            let take = (64 - self.buffer.len()).min(data.len());
            self.buffer.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.buffer.len() == 64 {
                let block = GenericArray::clone_from_slice(&self.buffer);
                sha2::compress256(&mut self.state, &[block]);
                self.buffer.clear();
            }
        }
        let mut blocks = data.chunks_exact(64);
        for block in &mut blocks {
            // A view of the block, not a copy: exports hash every byte they write.
            sha2::compress256(&mut self.state, std::slice::from_ref(GenericArray::from_slice(block)));
        }
        self.buffer.extend_from_slice(blocks.remainder());
    }

    /// Lowercase hex digest.
    pub fn finish_hex(&self) -> String {
        let mut state = self.state;
        let mut tail = self.buffer.clone();
        tail.push(0x80);
        while tail.len() % 64 != 56 {
            tail.push(0);
        }
        tail.extend_from_slice(&(self.length * 8).to_be_bytes());
        let blocks: Vec<_> = tail.chunks_exact(64).map(GenericArray::clone_from_slice).collect();
        sha2::compress256(&mut state, &blocks);
        state.iter().map(|w| format!("{w:08x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn matches_sha2_across_snapshots_at_every_split() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let expected = hex::encode(Sha256::digest(&data));
        for split in [0, 1, 55, 56, 63, 64, 65, 128, 999, 1000] {
            let mut a = ResumableSha256::new();
            a.update(&data[..split]);
            let saved = serde_json::to_string(&a.snapshot()).unwrap();
            let mut b = ResumableSha256::restore(&serde_json::from_str(&saved).unwrap());
            b.update(&data[split..]);
            assert_eq!(b.finish_hex(), expected, "split {split}");
        }
        assert_eq!(ResumableSha256::new().finish_hex(), hex::encode(Sha256::digest(b"")));
    }
}

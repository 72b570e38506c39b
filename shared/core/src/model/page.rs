//! Paging of lists: `pageSize` and an opaque `cursor` in, `items` and `nextCursor` out.

use crate::error::CoreError;

pub const DEFAULT_PAGE_SIZE: u32 = 100;
pub const MAX_PAGE_SIZE: u32 = 1000;

/// A validated page request. The cursor is opaque to callers; the store that
/// produced it checks it when it comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub size: u32,
    pub cursor: Option<String>,
}

impl PageRequest {
    pub fn parse(size: Option<u32>, cursor: Option<String>) -> Result<Self, CoreError> {
        let size = size.unwrap_or(DEFAULT_PAGE_SIZE);
        if size == 0 || size > MAX_PAGE_SIZE {
            return Err(CoreError::invalid("pageSize", format!("must be between 1 and {MAX_PAGE_SIZE}")));
        }
        Ok(Self { size, cursor: cursor.filter(|c| !c.is_empty()) })
    }

    pub fn first(size: u32) -> Self {
        Self { size, cursor: None }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

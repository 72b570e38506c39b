//! The table's key attributes and its indexes: what every item, query and
//! the table's definition name.

/// The table's partition and sort key attributes.
pub(super) const PK: &str = "pk";
pub(super) const SK: &str = "sk";

/// Where a Query runs: the table itself or one of its indexes. Every key
/// attribute is a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Index {
    Table,
    Gsi1,
    Gsi2,
    Gsi3,
    Gsi4,
}

impl Index {
    pub(super) const GSIS: [Index; 4] = [Index::Gsi1, Index::Gsi2, Index::Gsi3, Index::Gsi4];

    /// The index name, None for the table.
    pub(super) fn name(self) -> Option<&'static str> {
        match self {
            Index::Table => None,
            Index::Gsi1 => Some("gsi1"),
            Index::Gsi2 => Some("gsi2"),
            Index::Gsi3 => Some("gsi3"),
            Index::Gsi4 => Some("gsi4"),
        }
    }

    /// The partition key attribute.
    pub(super) fn pk(self) -> &'static str {
        match self {
            Index::Table => PK,
            Index::Gsi1 => "gsi1pk",
            Index::Gsi2 => "gsi2pk",
            Index::Gsi3 => "gsi3pk",
            Index::Gsi4 => "gsi4pk",
        }
    }

    /// The sort key attribute.
    pub(super) fn sk(self) -> &'static str {
        match self {
            Index::Table => SK,
            Index::Gsi1 => "gsi1sk",
            Index::Gsi2 => "gsi2sk",
            Index::Gsi3 => "gsi3sk",
            Index::Gsi4 => "gsi4sk",
        }
    }
}

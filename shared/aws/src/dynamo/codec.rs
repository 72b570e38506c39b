//! Items and domain values: an entity is stored as its serde JSON in `doc`
//! plus the key, index and condition attributes its queries need (the
//! SQLite store's "document plus columns", the same JSON). `version` is a
//! number attribute and the truth over the copy inside `doc`.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::AttributeValue;
use ferry_core::PortError;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(super) use super::index::{Index, PK, SK};

pub(super) type Item = HashMap<String, AttributeValue>;

pub(super) const DOC: &str = "doc";
pub(super) const VERSION: &str = "version";
/// The TTL attribute (epoch seconds). DynamoDB deletes an expired item
/// within days, not at once (and moto never), so reads that care also check it.
pub(super) const EXPIRES_AT: &str = "expiresAt";

/// Refuse documents this large before DynamoDB does (its item limit is
/// 400 KB, keys and attributes included), with a message naming the item.
const MAX_DOC_BYTES: usize = 350 * 1024;

/// An item Ferry cannot write or read back as an entity.
#[derive(Debug, thiserror::Error)]
enum ItemError {
    #[error("{what} is {bytes} bytes as JSON, too large for one DynamoDB item (400 KB)")]
    TooLarge { what: String, bytes: usize },
    #[error("item without {kind} attribute {name}")]
    Missing { kind: &'static str, name: String },
    #[error("{what}: the version cannot grow past {version}")]
    VersionOverflow { what: String, version: u64 },
}

pub(super) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(super) fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// The primary key of an item.
pub(super) fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_string(), s(pk)), (SK.to_string(), s(sk))])
}

/// An item under construction: its key first, then attributes.
pub(super) struct ItemBuilder(Item);

impl ItemBuilder {
    pub(super) fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        ItemBuilder(key(pk, sk))
    }

    pub(super) fn attr(mut self, name: &str, value: AttributeValue) -> Self {
        self.0.insert(name.to_string(), value);
        self
    }

    pub(super) fn text(self, name: &str, value: impl Into<String>) -> Self {
        self.attr(name, s(value))
    }

    /// A string attribute only when there is a value (DynamoDB has no empty keys).
    pub(super) fn opt_text(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.text(name, v),
            None => self,
        }
    }

    /// Puts the item into `index` (partition `pk`, sort `sk`).
    pub(super) fn index(self, index: Index, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.text(index.pk(), pk).text(index.sk(), sk)
    }

    pub(super) fn version(self, version: u64) -> Self {
        self.attr(VERSION, n(version))
    }

    /// The entity's JSON in `doc`; `what` names it in the size error.
    pub(super) fn doc<T: Serialize>(self, what: &str, value: &T) -> Result<Self, PortError> {
        let doc = serde_json::to_string(value).map_err(PortError::backend)?;
        if doc.len() > MAX_DOC_BYTES {
            return Err(PortError::backend(ItemError::TooLarge { what: what.to_string(), bytes: doc.len() }));
        }
        Ok(self.text(DOC, doc))
    }

    pub(super) fn build(self) -> Item {
        self.0
    }
}

pub(super) fn get_s<'a>(item: &'a Item, name: &str) -> Result<&'a str, PortError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v),
        _ => Err(PortError::backend(ItemError::Missing { kind: "string", name: name.to_string() })),
    }
}

pub(super) fn get_n(item: &Item, name: &str) -> Result<u64, PortError> {
    match item.get(name) {
        Some(AttributeValue::N(v)) => v.parse().map_err(PortError::backend),
        _ => Err(PortError::backend(ItemError::Missing { kind: "number", name: name.to_string() })),
    }
}

/// The entity stored in `doc`.
pub(super) fn from_doc<T: DeserializeOwned>(item: &Item) -> Result<T, PortError> {
    serde_json::from_str(get_s(item, DOC)?).map_err(PortError::backend)
}

/// A versioned entity: its `doc` with the `version` attribute put in.
pub(super) fn versioned<T: DeserializeOwned>(item: &Item, set: impl FnOnce(&mut T, u64)) -> Result<T, PortError> {
    let mut value: T = from_doc(item)?;
    set(&mut value, get_n(item, VERSION)?);
    Ok(value)
}

/// The next version, refusing to wrap.
pub(super) fn next_version(what: &str, version: u64) -> Result<u64, PortError> {
    version
        .checked_add(1)
        .ok_or_else(|| PortError::backend(ItemError::VersionOverflow { what: what.to_string(), version }))
}

/// An SDK failure as a `PortError`, with the operation and the error chain
/// (service code and message; requests carry no secrets, so neither do these).
pub(super) fn sdk_error(operation: &str, e: impl std::error::Error + Send + Sync + 'static) -> PortError {
    PortError::caused(format!("DynamoDB {operation}: {}", DisplayErrorContext(&e)), e)
}

/// A condition or filter expression with the names and values it uses.
#[derive(Debug, Clone, Default)]
pub(super) struct Expr {
    pub text: String,
    pub names: HashMap<String, String>,
    pub values: HashMap<String, AttributeValue>,
}

impl Expr {
    pub(super) fn new(text: impl Into<String>) -> Self {
        Expr { text: text.into(), ..Default::default() }
    }

    /// `#name` in the text stands for `attribute` (every attribute goes
    /// through a name: many plain words, like `status`, are reserved).
    pub(super) fn name(mut self, name: &str, attribute: &str) -> Self {
        self.names.insert(name.to_string(), attribute.to_string());
        self
    }

    pub(super) fn value(mut self, name: &str, value: AttributeValue) -> Self {
        self.values.insert(name.to_string(), value);
        self
    }

    /// Item absent: the condition of every insert.
    pub(super) fn absent() -> Self {
        Expr::new("attribute_not_exists(#pk)").name("#pk", PK)
    }

    /// Item present: the condition of a replace that must not create.
    pub(super) fn present() -> Self {
        Expr::new("attribute_exists(#pk)").name("#pk", PK)
    }

    /// The stored version is `version`: the condition of versioned updates.
    pub(super) fn at_version(version: u64) -> Self {
        Expr::new("#version = :version").name("#version", VERSION).value(":version", n(version))
    }

    /// Both conditions. Placeholders must not clash (callers pick distinct ones).
    pub(super) fn and(mut self, other: Expr) -> Self {
        self.text = format!("({}) AND ({})", self.text, other.text);
        self.names.extend(other.names);
        self.values.extend(other.values);
        self
    }

    /// Either condition. Placeholders must not clash.
    pub(super) fn or(mut self, other: Expr) -> Self {
        self.text = format!("({}) OR ({})", self.text, other.text);
        self.names.extend(other.names);
        self.values.extend(other.values);
        self
    }

    /// None for the optional maps of the SDK builders when empty.
    pub(super) fn names_opt(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    pub(super) fn values_opt(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

//! The site's fields (`GET /rest/api/3/field`, or an issue's `names` map):
//! what `GET /v1/connections/{id}/fields` lists, and how a column's `field`
//! resolves to a Jira field id: by id (`summary`, `customfield_10007`), by
//! JQL alias (`cf[10007]`), or by name, case-insensitively (`Story Points`).

use ferry_core::model::value::{FieldInfo, FieldType};
use ferry_core::FieldError;
use serde::Deserialize;
use serde_json::Value as Json;

use super::client::JiraClient;
use super::error::JiraError;
use super::values::FieldKind;

/// One entry of `GET /rest/api/3/field`. Only what Ferry uses; the rest of
/// Jira's answer is ignored, and absent parts take defaults.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FieldDef {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub schema: Option<FieldSchema>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FieldSchema {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
}

/// A field a column resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedField {
    pub id: String,
    pub kind: FieldKind,
}

/// The fields of one site.
#[derive(Debug, Clone, Default)]
pub struct FieldCatalog {
    fields: Vec<FieldDef>,
}

impl FieldCatalog {
    /// Asks the site for its fields.
    pub async fn fetch(client: &JiraClient) -> Result<FieldCatalog, JiraError> {
        let raw: Vec<Json> = client.get("/rest/api/3/field", &[], "the field list (GET /rest/api/3/field)").await?;
        Ok(FieldCatalog::from_json(raw))
    }

    /// From `/field` entries; an entry that is not a field object is skipped.
    pub fn from_json(raw: Vec<Json>) -> FieldCatalog {
        let fields = raw
            .into_iter()
            .filter_map(|v| serde_json::from_value::<FieldDef>(v).ok())
            .filter(|f| !f.id.is_empty())
            .collect();
        FieldCatalog { fields }
    }

    /// From an issue's `names` map (id → display name); no schemas.
    #[cfg(test)]
    pub fn from_names(names: &serde_json::Map<String, Json>) -> FieldCatalog {
        let fields = names
            .iter()
            .map(|(id, name)| FieldDef {
                id: id.clone(),
                name: name.as_str().map(str::to_string),
                custom: id.starts_with("customfield_"),
                schema: None,
            })
            .collect();
        FieldCatalog { fields }
    }

    /// The field a column names, or an error naming the column (`columns[2].field`).
    pub fn resolve(&self, index: usize, wanted: &str) -> Result<ResolvedField, FieldError> {
        let wanted = wanted.trim();
        let id = cf_alias(wanted).unwrap_or_else(|| wanted.to_string());
        if let Some(def) = self.fields.iter().find(|f| f.id == id) {
            return Ok(resolved(def));
        }
        let by_name: Vec<&FieldDef> = self
            .fields
            .iter()
            .filter(|f| f.name.as_deref().is_some_and(|n| n.trim().eq_ignore_ascii_case(wanted)))
            .collect();
        match by_name.as_slice() {
            [one] => Ok(resolved(one)),
            [] => Err(FieldError::new(
                format!("columns[{index}].field"),
                format!(
                    "unknown Jira field \"{wanted}\": neither the id nor the name of a field of this site \
                     (GET /v1/connections/{{id}}/fields lists them)"
                ),
            )),
            many => Err(FieldError::new(
                format!("columns[{index}].field"),
                format!(
                    "\"{wanted}\" is the name of {} fields ({}); use the id",
                    many.len(),
                    many.iter().map(|f| f.id.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }

    /// A field's name (its id when the site lists none) and kind, by id.
    pub fn describe(&self, id: &str) -> (String, FieldKind) {
        match self.fields.iter().find(|f| f.id == id) {
            Some(def) => (def.name.clone().unwrap_or_else(|| id.to_string()), resolved(def).kind),
            None => (id.to_string(), FieldKind::of_system_field(id)),
        }
    }

    /// The fields for `GET /v1/connections/{id}/fields`, `key` first.
    pub fn field_infos(&self) -> Vec<FieldInfo> {
        let key = FieldInfo { id: "key".into(), name: "Key".into(), field_type: FieldType::String, custom: false };
        let rest = self.fields.iter().filter(|f| f.id != "issuekey" && f.id != "thumbnail").map(|f| FieldInfo {
            id: f.id.clone(),
            name: f.name.clone().unwrap_or_else(|| f.id.clone()),
            field_type: field_type(f),
            custom: f.custom,
        });
        std::iter::once(key).chain(rest).collect()
    }
}

/// `cf[10007]` → `customfield_10007`, as JQL names custom fields.
fn cf_alias(s: &str) -> Option<String> {
    let digits = s.strip_prefix("cf[")?.strip_suffix(']')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| format!("customfield_{digits}"))
}

fn resolved(def: &FieldDef) -> ResolvedField {
    let kind = match def.schema.as_ref().and_then(|s| s.kind.as_deref()) {
        Some(t) => FieldKind::from_schema_type(t),
        None => FieldKind::of_system_field(&def.id),
    };
    ResolvedField { id: def.id.clone(), kind }
}

fn field_type(def: &FieldDef) -> FieldType {
    let kind = def.schema.as_ref().and_then(|s| s.kind.as_deref());
    match kind {
        Some("number") => FieldType::Number,
        Some("datetime") => FieldType::Datetime,
        Some("date") => FieldType::Date,
        Some("array") => FieldType::Array,
        Some("boolean") => FieldType::Boolean,
        Some(_) => FieldType::String,
        None => match FieldKind::of_system_field(&def.id) {
            FieldKind::DateTime => FieldType::Datetime,
            FieldKind::Date => FieldType::Date,
            FieldKind::Number => FieldType::Number,
            FieldKind::Any => FieldType::String,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog() -> FieldCatalog {
        FieldCatalog::from_json(vec![
            json!({"id": "summary", "name": "Summary", "custom": false, "schema": {"type": "string", "system": "summary"}}),
            json!({"id": "issuekey", "name": "Key", "custom": false}),
            json!({"id": "customfield_10016", "name": "Story Points", "custom": true,
                   "schema": {"type": "number", "custom": "x", "customId": 10016}}),
            json!({"id": "customfield_10020", "name": "Team", "custom": true, "schema": {"type": "option"}}),
            json!({"id": "customfield_10021", "name": "team", "custom": true, "schema": {"type": "user"}}),
            json!({"id": "customfield_10009", "name": "Start", "custom": true, "schema": {"type": "datetime"}}),
            json!("not a field"),
            json!({"name": "no id"}),
        ])
    }

    #[test]
    fn columns_resolve_by_id_alias_or_name() {
        let c = catalog();
        assert_eq!(c.resolve(0, "summary").unwrap(), ResolvedField { id: "summary".into(), kind: FieldKind::Any });
        assert_eq!(c.resolve(0, "customfield_10016").unwrap().kind, FieldKind::Number);
        assert_eq!(c.resolve(0, "cf[10016]").unwrap().id, "customfield_10016");
        assert_eq!(c.resolve(0, "story points").unwrap().id, "customfield_10016");
        assert_eq!(
            c.resolve(0, " Start ").unwrap(),
            ResolvedField { id: "customfield_10009".into(), kind: FieldKind::DateTime }
        );
    }

    #[test]
    fn unknown_and_ambiguous_names_are_errors_naming_the_column() {
        let c = catalog();
        let err = c.resolve(3, "Nope").unwrap_err();
        assert_eq!(err.field, "columns[3].field");
        assert!(err.message.starts_with("unknown Jira field \"Nope\""), "{}", err.message);
        let err = c.resolve(1, "TEAM").unwrap_err();
        assert_eq!(err.field, "columns[1].field");
        assert_eq!(err.message, "\"TEAM\" is the name of 2 fields (customfield_10020, customfield_10021); use the id");
    }

    #[test]
    fn field_infos_list_key_first_with_types() {
        let infos = catalog().field_infos();
        let summary: Vec<(&str, FieldType, bool)> =
            infos.iter().map(|f| (f.id.as_str(), f.field_type, f.custom)).collect();
        assert_eq!(
            summary,
            [
                ("key", FieldType::String, false),
                ("summary", FieldType::String, false),
                ("customfield_10016", FieldType::Number, true),
                ("customfield_10020", FieldType::String, true),
                ("customfield_10021", FieldType::String, true),
                ("customfield_10009", FieldType::Datetime, true),
            ]
        );
        assert_eq!(infos[2].name, "Story Points");
    }
}

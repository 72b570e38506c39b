//! REST v2's answers as Ferry reads them: only the fields the dataset's
//! tables hold, every one optional (Cloud leaves out what a site lacks).

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Space {
    pub id: Option<String>,
    pub key: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub status: Option<String>,
    pub author_id: Option<String>,
    pub created_at: Option<String>,
    pub homepage_id: Option<String>,
    #[serde(rename = "_links")]
    pub links: WebLinks,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WebLinks {
    pub webui: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Version {
    pub created_at: Option<String>,
    pub message: Option<String>,
    pub number: Option<i64>,
    pub author_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Body {
    pub storage: Option<Storage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Storage {
    pub value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Page {
    pub id: Option<String>,
    pub status: Option<String>,
    pub title: Option<String>,
    pub space_id: Option<String>,
    pub parent_id: Option<String>,
    pub author_id: Option<String>,
    pub owner_id: Option<String>,
    pub created_at: Option<String>,
    pub version: Version,
    pub body: Body,
    #[serde(rename = "_links")]
    pub links: WebLinks,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Comment {
    pub id: Option<String>,
    pub status: Option<String>,
    pub page_id: Option<String>,
    pub blog_post_id: Option<String>,
    pub parent_comment_id: Option<String>,
    pub resolution_status: Option<String>,
    pub properties: CommentProperties,
    pub version: Version,
    pub body: Body,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CommentProperties {
    pub inline_original_selection: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Label {
    pub id: Option<String>,
    pub name: Option<String>,
    pub prefix: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ContentRef {
    pub id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct User {
    pub account_id: Option<String>,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub account_type: Option<String>,
    pub account_status: Option<String>,
    pub time_zone: Option<String>,
}

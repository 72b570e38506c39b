//! Paging of lists: `pageSize` (1–1000, default 100) and `cursor` in,
//! `{"items": [...], "nextCursor": "…" | null}` out.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::Json;
use ferry_core::model::page::{Page, PageRequest, MAX_PAGE_SIZE};
use ferry_core::{CoreError, PortError};
use serde::Serialize;

use crate::error::ApiError;
use crate::params::QueryParams;

/// The page a list request asks for, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging(pub PageRequest);

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        page_request(&QueryParams::from_parts(parts)).map(Paging)
    }
}

/// Reads `pageSize` and `cursor` from the query.
pub fn page_request(query: &QueryParams) -> Result<PageRequest, ApiError> {
    let size = match query.get("pageSize") {
        None => None,
        Some(text) => Some(text.trim().parse::<u32>().map_err(|_| {
            ApiError::invalid("pageSize", format!("must be a whole number between 1 and {MAX_PAGE_SIZE}"))
        })?),
    };
    Ok(PageRequest::parse(size, query.get("cursor").map(str::to_string))?)
}

/// One page of a list as the API returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PageBody<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// The answer to a list call. A cursor the store did not make comes back as
/// `PortError::BadCursor`: that is the client's mistake, a 400.
pub fn page_response<T>(result: Result<Page<T>, CoreError>) -> Result<Json<PageBody<T>>, ApiError> {
    match result {
        Ok(page) => Ok(Json(PageBody { items: page.items, next_cursor: page.next_cursor })),
        Err(CoreError::Port(PortError::BadCursor)) => {
            Err(ApiError::invalid("cursor", "is not a cursor of this list; start again without it"))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: ApiError) -> String {
        match err {
            ApiError::Core(CoreError::Invalid { details, .. }) => details[0].field.clone(),
            other => panic!("not invalid: {other:?}"),
        }
    }

    #[test]
    fn page_size_defaults_to_100_and_cursor_passes_through() {
        let p = page_request(&QueryParams::parse(Some("cursor=abc"))).unwrap();
        assert_eq!(p, PageRequest { size: 100, cursor: Some("abc".into()) });
    }

    #[test]
    fn non_numeric_zero_or_too_large_page_size_names_page_size() {
        for q in ["pageSize=ten", "pageSize=0", "pageSize=1001", "pageSize=-1", "pageSize=99999999999"] {
            assert_eq!(field_of(page_request(&QueryParams::parse(Some(q))).unwrap_err()), "pageSize", "{q}");
        }
    }

    #[test]
    fn a_cursor_the_store_did_not_make_is_a_400_naming_cursor() {
        let err = page_response::<u8>(Err(PortError::BadCursor.into())).unwrap_err();
        assert_eq!(field_of(err), "cursor");
        let other = page_response::<u8>(Err(PortError::backend("disk").into())).unwrap_err();
        assert!(matches!(other, ApiError::Core(CoreError::Port(_))));
    }
}

//! `ConfluenceClient`: Confluence Cloud REST v2 on one Atlassian site. The
//! requests go through the Jira client (basic auth with the same API token,
//! the site's shared request-rate ceiling, `Retry-After` courtesy on 429 and
//! 503, the private-network guard with its pinned address, no redirects);
//! this adds v2's cursor paging: each answer's `_links.next` is the next
//! page's path, kept as the reader's cursor so an export resumes there.

use reqwest::Url;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::ConfluenceError;
use crate::jira::{JiraClient, JiraSettings};

/// Where v2 lives under the site's address.
pub const API_V2: &str = "/wiki/api/v2";

/// One page of a v2 list.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub results: Vec<T>,
    /// The next page's path and query, relative to the site; None after the last page.
    pub next: Option<String>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(default = "Vec::new")]
    results: Vec<T>,
    #[serde(default, rename = "_links")]
    links: Links,
}

#[derive(Default, Deserialize)]
struct Links {
    #[serde(default)]
    next: Option<String>,
}

/// A logged-in view of one site's Confluence.
#[derive(Debug)]
pub struct ConfluenceClient {
    inner: JiraClient,
    base: Url,
}

impl ConfluenceClient {
    /// A client for the connection's site, after the private-network guard.
    pub async fn connect(settings: &JiraSettings, allow_private_networks: bool) -> Result<Self, ConfluenceError> {
        let inner = JiraClient::connect(settings, allow_private_networks).await?;
        Ok(ConfluenceClient { inner, base: settings.base_url.clone() })
    }

    /// The site's base URL, as messages name it.
    pub fn site(&self) -> &str {
        self.inner.site()
    }

    /// Replaces the retry policy (tests shorten the waits).
    #[cfg(test)]
    pub fn with_retry(mut self, retry: crate::jira::RetryPolicy) -> Self {
        self.inner = self.inner.with_retry(retry);
        self
    }

    /// `GET path?query` (path relative to the site), parsed as `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &str,
    ) -> Result<T, ConfluenceError> {
        Ok(self.inner.get(path, query, what).await?)
    }

    /// `POST path` with a JSON body, parsed as `T`.
    pub async fn post<T: DeserializeOwned, B: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
        what: &str,
    ) -> Result<T, ConfluenceError> {
        Ok(self.inner.post(path, body, what).await?)
    }

    /// One page of a list: the first (`path` with `query`) or, given a
    /// cursor from an earlier page's `next`, that page.
    pub async fn page<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        cursor: Option<&str>,
        what: &str,
    ) -> Result<Paged<T>, ConfluenceError> {
        let envelope: Envelope<T> = match cursor {
            None => self.get(path, query, what).await?,
            Some(link) => self.get(&self.site_relative(link)?, &[], what).await?,
        };
        let next = envelope.links.next.filter(|n| !n.trim().is_empty()).map(|n| self.site_relative(&n)).transpose()?;
        Ok(Paged { results: envelope.results, next })
    }

    /// A next-page link as a path relative to the site's base URL. Cloud
    /// answers with `/wiki/api/v2/…?cursor=…`; an absolute link is taken
    /// only on the site's own origin, so the token never goes elsewhere.
    pub fn site_relative(&self, link: &str) -> Result<String, ConfluenceError> {
        let foreign = || ConfluenceError::ForeignLink { site: self.site().to_string(), link: link.to_string() };
        if link.starts_with('/') && !link.starts_with("//") {
            return Ok(link.to_string());
        }
        let url = Url::parse(link).map_err(|_| foreign())?;
        if url.origin() != self.base.origin() {
            return Err(foreign());
        }
        let prefix = self.base.path().trim_end_matches('/');
        let path = url.path().strip_prefix(prefix).filter(|p| p.starts_with('/')).unwrap_or(url.path());
        Ok(match url.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::confluence::settings::parse_settings;

    async fn client(base: &str) -> ConfluenceClient {
        let settings = serde_json::json!({"baseUrl": base, "email": "a@acme.org", "apiToken": "t"});
        let settings = parse_settings(settings.as_object().unwrap(), true).unwrap();
        ConfluenceClient::connect(&settings, true).await.unwrap()
    }

    #[tokio::test]
    async fn next_links_stay_on_the_site() {
        let c = client("https://acme.atlassian.net").await;
        let next = "/wiki/api/v2/pages?cursor=eyJpZCI6IjQ1In0&limit=250";
        assert_eq!(c.site_relative(next).unwrap(), next);
        assert_eq!(c.site_relative(&format!("https://acme.atlassian.net{next}")).unwrap(), next);
        for elsewhere in ["https://evil.example/wiki/api/v2/pages", "//evil.example/x", "http://acme.atlassian.net/x"] {
            assert!(
                matches!(c.site_relative(elsewhere), Err(ConfluenceError::ForeignLink { .. })),
                "{elsewhere} is refused"
            );
        }
        let proxied = client("http://proxy.example/atl").await;
        assert_eq!(
            proxied.site_relative("http://proxy.example/atl/wiki/api/v2/spaces?cursor=a").unwrap(),
            "/wiki/api/v2/spaces?cursor=a"
        );
    }

    #[test]
    fn an_envelope_without_a_next_link_is_the_last_page() {
        let e: Envelope<serde_json::Value> =
            serde_json::from_str(r#"{"results":[{"id":"1"}],"_links":{"base":"https://a.atlassian.net/wiki"}}"#)
                .unwrap();
        assert_eq!((e.results.len(), e.links.next), (1, None));
    }
}

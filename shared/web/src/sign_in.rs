//! Signing in with an API key and signing out. The sign-in form is tied to
//! the browser that loaded it by a nonce cookie and its HMAC in the form
//! (there is no session yet to hang a CSRF token on).

use askama::Template;
use axum::extract::State;
use axum::http::{header, Extensions, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Form;
use ferry_core::model::ids::random_token;
use ferry_core::usecases::auth::authenticate_from;
use ferry_core::CoreError;
use serde::Deserialize;

use crate::error::{cookie_path, WebError};
use crate::frame::{Frame, Viewer};
use crate::session::{self, SESSION_COOKIE, SESSION_LIFETIME, SIGN_IN_COOKIE};
use crate::WebState;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    frame: Frame,
    token: String,
    /// Shown above the form after a wrong key.
    problem: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    pub csrf: String,
}

/// `GET /sign-in`: the form, with a fresh nonce cookie.
pub async fn form(State(state): State<WebState>) -> Result<Response, WebError> {
    let nonce = random_token();
    let page =
        SignInPage { frame: Frame::anonymous(&state.base), token: state.keys.sign_in_token(&nonce), problem: None };
    let mut response = Html(page.render()?).into_response();
    let cookie = cookie(&state, SIGN_IN_COOKIE, &nonce, 3600);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

/// `POST /sign-in`: a session for a valid key; for a wrong one the form
/// again with one sentence, and nothing else.
pub async fn submit(
    State(state): State<WebState>,
    headers: HeaderMap,
    extensions: Extensions,
    Form(form): Form<SignInForm>,
) -> Result<Response, WebError> {
    let nonce = session::cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default().to_string();
    if !state.keys.check_sign_in(&nonce, &form.csrf) {
        return Err(WebError::Csrf { base: state.base.clone() });
    }
    let address = crate::client_address(&extensions);
    let principal = match authenticate_from(&state.ports, form.key.trim(), &address).await {
        Ok(p) => p,
        Err(CoreError::Unauthorized) => {
            let page = SignInPage {
                frame: Frame::anonymous(&state.base),
                token: form.csrf,
                problem: Some("That API key is not valid. Check it and try again."),
            };
            return Ok((StatusCode::UNAUTHORIZED, Html(page.render()?)).into_response());
        }
        Err(error) => return Err(WebError::Shown { frame: Box::new(Frame::anonymous(&state.base)), error }),
    };
    let value = session::start(&state.ports, &state.keys, &principal.key_id).await.map_err(|e| refused(&state, e))?;
    tracing::info!(user = %principal.user, "signed in to the dashboard");
    let mut response = Redirect::to(&state.link("/schedules")).into_response();
    let h = response.headers_mut();
    h.append(header::SET_COOKIE, cookie(&state, SESSION_COOKIE, &value, SESSION_LIFETIME.as_secs()));
    h.append(header::SET_COOKIE, cookie(&state, SIGN_IN_COOKIE, "", 0));
    Ok(response)
}

/// `POST /sign-out`: ends the session on the server and forgets its cookie.
pub async fn sign_out(
    State(state): State<WebState>,
    viewer: Viewer,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, WebError> {
    viewer.check_csrf(&form.csrf)?;
    session::end(&state.ports, &viewer.session).await.map_err(|e| refused(&state, e))?;
    let mut response = Redirect::to(&state.link("/sign-in")).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie(&state, SESSION_COOKIE, "", 0));
    Ok(response)
}

/// A session store failure as a page (adapter text is logged, not shown).
fn refused(state: &WebState, e: session::SessionError) -> WebError {
    let error = match e {
        session::SessionError::Core(error) => error,
        other => CoreError::Port(ferry_core::PortError::backend(other.to_string())),
    };
    WebError::Shown { frame: Box::new(Frame::anonymous(&state.base)), error }
}

/// A cookie of the dashboard: `HttpOnly`, `SameSite=Strict`, on the public
/// URL's path, `Secure` when that URL is https.
fn cookie(state: &WebState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure { "; Secure" } else { "" };
    let text = format!(
        "{name}={value}; Path={}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}",
        cookie_path(&state.base)
    );
    HeaderValue::from_str(&text).expect("cookie values are hex and digits")
}

//! What Ferry's two driving HTTP adapters share, so that neither depends on
//! the other: `ferry-http` (the API) and `ferry-web` (the dashboard) both
//! take each core error's status from [`status_of`], the dashboard session
//! from [`session`] (the pages sign in with it, the API accepts it together
//! with the page's CSRF token) and the client's address from
//! [`client_address`]. The runtimes put the two routers side by side.

pub mod client_address;
pub mod session;
pub mod status;

pub use client_address::{client_address, ClientAddress};
pub use session::{api_principal, SessionError, CSRF_HEADER, SESSION_COOKIE};
pub use status::status_of;

//! `Stop`: why a step of a job (an export run, a delivery attempt) ended
//! short, as one type instead of a `Result` inside a `Result`. The two
//! reasons call for opposite answers: a refusal ends the work for good with a
//! message the user reads (the export or delivery fails), a store failure is
//! trouble a retry may cure (the job comes back). `?` works on both.

use crate::error::{CoreError, PortError};

#[derive(Debug)]
pub(crate) enum Stop<E = String> {
    /// The work cannot be done as configured: the reason, for the user.
    Refused(E),
    /// A store or queue failed; the job is tried again.
    Store(CoreError),
}

impl<E> From<CoreError> for Stop<E> {
    fn from(e: CoreError) -> Self {
        Stop::Store(e)
    }
}

impl<E> From<PortError> for Stop<E> {
    fn from(e: PortError) -> Self {
        Stop::Store(e.into())
    }
}

impl Stop<String> {
    /// A refusal whose reason is an error's text (a source's, a writer's).
    pub(crate) fn refused(e: impl std::fmt::Display) -> Self {
        Stop::Refused(e.to_string())
    }
}

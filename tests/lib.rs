//! Ferry behaviour tests live in `api/`.

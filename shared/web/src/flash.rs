//! What the page after a successful form says happened (`Saved`, `Run
//! started`, `Deleted`): the redirect's `?done=` names one of a fixed set
//! of outcomes, and the layout shows its sentence. A query parameter rather
//! than a cookie: nothing to store or expire, it works under an API Gateway
//! stage and in several tabs at once, and since only the names below are
//! read, a crafted link can say no more than "Saved".

/// One outcome a form can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    Saved,
    RunStarted,
    ExportStarted,
    Deleted,
    Paused,
    Resumed,
    Copied,
    Cancelled,
    Redelivering,
}

const ALL: [(Flash, &str, &str); 9] = [
    (Flash::Saved, "saved", "Saved."),
    (Flash::RunStarted, "run-started", "Run started."),
    (Flash::ExportStarted, "export-started", "Export started."),
    (Flash::Deleted, "deleted", "Deleted."),
    (Flash::Paused, "paused", "Paused."),
    (Flash::Resumed, "resumed", "Resumed."),
    (Flash::Copied, "copied", "Copied: this report is yours."),
    (Flash::Cancelled, "cancelled", "Cancel requested."),
    (Flash::Redelivering, "redelivering", "Redelivery started."),
];

impl Flash {
    fn name(self) -> &'static str {
        ALL.iter().find(|(f, _, _)| *f == self).map_or("", |(_, n, _)| n)
    }

    /// `path` with this outcome for the next page to show.
    pub fn after(self, path: &str) -> String {
        let joiner = if path.contains('?') { '&' } else { '?' };
        format!("{path}{joiner}done={}", self.name())
    }

    /// The sentence of a request's `done=` parameter, if it names an outcome.
    pub fn sentence_of(query: Option<&str>) -> Option<&'static str> {
        let name = query?.split('&').find_map(|pair| pair.strip_prefix("done="))?;
        ALL.iter().find(|(_, n, _)| *n == name).map(|(_, _, s)| *s)
    }
}

#[cfg(test)]
mod tests {
    use super::Flash;

    #[test]
    fn only_known_outcomes_are_said() {
        assert_eq!(Flash::Saved.after("/schedules/s1"), "/schedules/s1?done=saved");
        assert_eq!(Flash::Deleted.after("/keys?x=1"), "/keys?x=1&done=deleted");
        assert_eq!(Flash::sentence_of(Some("cursor=a&done=run-started")), Some("Run started."));
        assert_eq!(Flash::sentence_of(Some("done=<script>")), None);
        assert_eq!(Flash::sentence_of(None), None);
    }
}

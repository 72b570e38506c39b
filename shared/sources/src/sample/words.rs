//! Static word lists the sample tracker builds its text from, so a row costs
//! one allocation per text cell and no formatting machinery. The awkward
//! entries (quotes, commas, line breaks, non-ASCII, formula-like starts,
//! padding) are deliberate: they are what exports must survive.

pub const STATUSES: &[&str] = &["To Do", "In Progress", "In Review", "Done", "Done", "Done", "Blocked", "Backlog"];

pub const PRIORITIES: &[&str] = &["Highest", "High", "Medium", "Medium", "Medium", "Low", "Lowest"];

pub const ASSIGNEES: &[&str] = &[
    "Alice Martin",
    "Bob Chen",
    "Chloé Dubois",
    "Dmitri Ivanov",
    "Erik Sørensen",
    "Fatima Al-Sayed",
    "Grace O'Neill",
    "Hiroshi Tanaka",
    "Inès Müller",
    "José Álvarez",
    "Kwame Mensah",
    "李雷",
    "Priya Natarajan",
    "Zoë Schmidt",
];

pub const LABELS: &[&str] = &[
    "backend",
    "frontend",
    "ux",
    "security",
    "performance",
    "tech-debt",
    "customer",
    "infra",
    "docs",
    "i18n",
    "needs-triage",
    "regression",
];

pub const SUMMARY_VERBS: &[&str] =
    &["Fix", "Investigate", "Add", "Remove", "Update", "Refactor", "Document", "Migrate", "Speed up", "Review"];

pub const SUMMARY_OBJECTS: &[&str] = &[
    "login form",
    "CSV export",
    "billing page",
    "search index",
    "user avatars",
    "webhook retries",
    "SFTP upload",
    "dashboard",
    "rate limits",
    "email templates",
    "mobile layout",
    "audit log",
];

pub const SUMMARY_TAILS: &[&str] = &[
    "",
    "",
    "",
    "",
    " on Safari",
    " for admins",
    ", again",
    " (regression)",
    " after \"Save\"",
    " – follow-up",
    " in Zürich",
    " for 日本語 UI",
];

/// Pieces of descriptions. Any of them may come first, so some descriptions
/// start with `=`, `-`, `+`, `@` or spaces, and some end with spaces.
pub const DESCRIPTION_PARTS: &[&str] = &[
    "Steps: open it, click \"Export\", wait.",
    "Works locally, fails on staging.",
    "Line one\nline two",
    "First line\r\nsecond line",
    "Seen at Café Zürich, 10:00",
    "日本語のテキスト",
    "Deploy blocked 🚀🔥",
    "=SUM(A1:A10)",
    "-5 °C in the server room",
    "+1 555 0100 called",
    "@here please review",
    "  padded with spaces  ",
    "She said \"it's broken\".",
    "Total: 1,234.56 EUR",
    "naïve façade",
    "See PR #42",
    "Customer: ACME, Inc.",
    "Ünïcödé ✓",
];

/// What joins two description parts.
pub const DESCRIPTION_JOINS: &[&str] = &[" ", " ", "\n", "\r\n", ", "];

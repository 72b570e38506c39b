//! `Content-Disposition: attachment` for a presigned URL's
//! `response-content-disposition`: the same value the local store's signed
//! files answer with (an ASCII `filename`, plus RFC 6266's `filename*` with
//! the exact UTF-8 name when the plain one had to lose characters). Kept
//! here rather than shared because ferry-aws must not depend on the local
//! adapters.

/// RFC 5987 `attr-char`s that stay as they are besides letters and digits.
const ATTR_PUNCTUATION: &[u8] = b"!#$&+-.^_`|~";

/// The header value for downloading a file as `file_name`.
pub(crate) fn attachment(file_name: &str) -> String {
    let mut value = String::with_capacity(file_name.len() * 2 + 40);
    value.push_str("attachment; filename=\"");
    let mut lossy = false;
    for c in file_name.chars() {
        match c {
            '"' | '\\' => {
                value.push('\\');
                value.push(c);
            }
            c if c.is_ascii() && !c.is_ascii_control() => value.push(c),
            _ => {
                value.push('_');
                lossy = true;
            }
        }
    }
    value.push('"');
    if lossy {
        value.push_str("; filename*=UTF-8''");
        for &b in file_name.as_bytes() {
            if b.is_ascii_alphanumeric() || ATTR_PUNCTUATION.contains(&b) {
                value.push(b as char);
            } else {
                value.push_str(&format!("%{b:02X}"));
            }
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::attachment;

    #[test]
    fn ascii_names_are_quoted_with_quotes_escaped() {
        assert_eq!(attachment("report.csv"), "attachment; filename=\"report.csv\"");
        assert_eq!(attachment("a \"b\" \\c.csv"), "attachment; filename=\"a \\\"b\\\" \\\\c.csv\"");
    }

    #[test]
    fn non_ascii_names_get_an_exact_utf8_form_like_the_local_store() {
        assert_eq!(
            attachment("Café \"Q1\".csv"),
            "attachment; filename=\"Caf_ \\\"Q1\\\".csv\"; filename*=UTF-8''Caf%C3%A9%20%22Q1%22.csv"
        );
        assert_eq!(attachment("a\r\nb"), "attachment; filename=\"a__b\"; filename*=UTF-8''a%0D%0Ab");
    }
}

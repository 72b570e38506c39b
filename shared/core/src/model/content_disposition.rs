//! `Content-Disposition: attachment` for any file name: an ASCII `filename`
//! every client understands, plus RFC 6266's `filename*` with the exact
//! UTF-8 name when the plain one had to lose characters. One value for every
//! way a file leaves Ferry: the local signed URLs, S3's presigned
//! `response-content-disposition`, and webhook deliveries.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 5987 `attr-char`s stay; everything else is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The header value for downloading a file as `file_name`.
pub fn attachment(file_name: &str) -> String {
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
        value.extend(utf8_percent_encode(file_name, ATTR_CHAR));
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
    fn non_ascii_names_get_an_exact_utf8_form() {
        assert_eq!(
            attachment("Café Zürich.csv"),
            "attachment; filename=\"Caf_ Z_rich.csv\"; filename*=UTF-8''Caf%C3%A9%20Z%C3%BCrich.csv"
        );
        assert_eq!(attachment("a\r\nb"), "attachment; filename=\"a__b\"; filename*=UTF-8''a%0D%0Ab");
    }
}

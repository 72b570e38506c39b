//! Where text goes on a page: the widths of the table's columns and the
//! lines a cell's text wraps into. Pure functions of text widths, so the
//! rules are tested without writing a PDF.

/// The narrowest a column gets, in points: room for a few characters.
const MIN_COLUMN: f32 = 28.0;
/// The widest a column asks for when measuring its text: a long text
/// wraps instead of pushing every other column off the page.
const MAX_NATURAL: f32 = 260.0;
/// A cell shows at most this many lines; a longer text ends with `…`, so
/// every row fits on a page.
pub(crate) const MAX_CELL_LINES: usize = 12;

/// Column widths that fill `available` points. `natural` is the width each
/// column's text would like (header and sample cells on one line). Columns
/// that need less than an equal share keep what they need; the others
/// share the rest equally; leftover room is spread in proportion.
pub(crate) fn column_widths(natural: &[f32], available: f32) -> Vec<f32> {
    let n = natural.len();
    if n == 0 {
        return Vec::new();
    }
    let wants: Vec<f32> = natural.iter().map(|w| w.clamp(MIN_COLUMN, MAX_NATURAL)).collect();
    let total: f32 = wants.iter().sum();
    if total <= available {
        return wants.iter().map(|w| w * available / total).collect();
    }
    let mut widths = vec![0.0; n];
    let mut open: Vec<usize> = (0..n).collect();
    let mut room = available;
    loop {
        let share = room / open.len() as f32;
        let (fits, rest): (Vec<usize>, Vec<usize>) = open.iter().partition(|&&i| wants[i] <= share);
        if fits.is_empty() || rest.is_empty() {
            for i in &open {
                widths[*i] = if rest.is_empty() { wants[*i] } else { share.max(MIN_COLUMN) };
            }
            return widths;
        }
        for i in fits {
            widths[i] = wants[i];
            room -= wants[i];
        }
        open = rest;
    }
}

/// Whether the columns read better across the longer side of the paper.
pub(crate) fn needs_landscape(natural: &[f32], portrait_width: f32) -> bool {
    natural.iter().map(|w| w.clamp(MIN_COLUMN, MAX_NATURAL)).sum::<f32>() > portrait_width
}

/// The lines `text` wraps into at `width` points: at spaces where it can,
/// inside a word that is wider than a line, at every line break of the
/// text; at most `MAX_CELL_LINES`, the last one then ending with `…`.
pub(crate) fn wrap(text: &str, width: f32, measure: impl Fn(char) -> f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    'paragraphs: for paragraph in text.split('\n') {
        let paragraph = paragraph.trim_end_matches('\r');
        let mut line = String::new();
        let mut line_width = 0.0;
        for word in paragraph.split(' ') {
            let word_width: f32 = word.chars().map(&measure).sum();
            let space = if line.is_empty() { 0.0 } else { measure(' ') };
            if line_width + space + word_width <= width {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_width += space + word_width;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
                if lines.len() > MAX_CELL_LINES {
                    break 'paragraphs;
                }
            }
            for c in word.chars() {
                let w = measure(c);
                if line_width + w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                    if lines.len() > MAX_CELL_LINES {
                        break 'paragraphs;
                    }
                }
                line.push(c);
                line_width += w;
            }
        }
        lines.push(line);
        if lines.len() > MAX_CELL_LINES {
            break;
        }
    }
    if lines.len() > MAX_CELL_LINES {
        lines.truncate(MAX_CELL_LINES);
        let last = &mut lines[MAX_CELL_LINES - 1];
        let ellipsis = measure('…');
        while !last.is_empty() && last.chars().map(&measure).sum::<f32>() + ellipsis > width {
            last.pop();
        }
        last.push('…');
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one point wide.
    fn unit(_: char) -> f32 {
        1.0
    }

    #[test]
    fn words_wrap_at_spaces_and_long_words_break() {
        assert_eq!(wrap("alpha beta gamma", 11.0, unit), ["alpha beta", "gamma"]);
        assert_eq!(wrap("abcdefghij", 4.0, unit), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("one\r\ntwo", 10.0, unit), ["one", "two"]);
        assert_eq!(wrap("", 10.0, unit), [""]);
    }

    #[test]
    fn a_very_long_text_is_cut_with_an_ellipsis() {
        let lines = wrap(&"word ".repeat(200), 10.0, unit);
        assert_eq!(lines.len(), MAX_CELL_LINES);
        assert!(lines.last().unwrap().ends_with('…'));
    }

    #[test]
    fn narrow_columns_keep_their_width_and_wide_ones_share_the_rest() {
        let w = column_widths(&[30.0, 400.0, 400.0], 330.0);
        assert_eq!(w, [30.0, 150.0, 150.0]);
        let w = column_widths(&[50.0, 50.0], 200.0);
        assert_eq!(w, [100.0, 100.0]);
        assert!(needs_landscape(&[200.0, 200.0, 200.0], 523.0));
        assert!(!needs_landscape(&[100.0, 100.0], 523.0));
    }
}

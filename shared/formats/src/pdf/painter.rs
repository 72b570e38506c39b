//! Drawing on one page (or form): text in the embedded font, filled
//! rectangles and rules, and placed forms. The content stays in memory
//! until its page is written: one page's worth.

use pdf_writer::{Content, Name, Str};

use super::font::EmbeddedFont;
use super::objects::deflate;

/// The resource name of the font on every page and form.
pub(crate) const FONT: Name<'static> = Name(b"F1");

pub(crate) struct Painter {
    content: Content,
    glyphs: Vec<u8>,
}

impl Painter {
    pub(crate) fn new() -> Self {
        Painter { content: Content::new(), glyphs: Vec::new() }
    }

    /// `text` with its baseline starting at (`x`, `y`).
    pub(crate) fn text(&mut self, font: &mut EmbeddedFont, x: f32, y: f32, size: f32, text: &str) {
        if text.is_empty() {
            return;
        }
        self.glyphs.clear();
        font.encode(text, &mut self.glyphs);
        self.content
            .begin_text()
            .set_font(FONT, size)
            .set_text_matrix([1.0, 0.0, 0.0, 1.0, x, y])
            .show(Str(&self.glyphs))
            .end_text();
    }

    pub(crate) fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32, gray: f32) {
        self.content.set_fill_gray(gray).rect(x, y, width, height).fill_nonzero().set_fill_gray(0.0);
    }

    pub(crate) fn rule(&mut self, x1: f32, x2: f32, y: f32, gray: f32) {
        self.content.set_stroke_gray(gray).set_line_width(0.5).move_to(x1, y).line_to(x2, y).stroke();
    }

    /// Draws the form named `name` with its origin at (`x`, `y`).
    pub(crate) fn place(&mut self, name: Name, x: f32, y: f32) {
        self.content.save_state().transform([1.0, 0.0, 0.0, 1.0, x, y]).x_object(name).restore_state();
    }

    /// The content stream, deflated.
    pub(crate) fn finish(self) -> Vec<u8> {
        deflate(&self.content.finish())
    }
}

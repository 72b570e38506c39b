//! The one font of every PDF: DejaVu Sans Condensed (Latin, Greek,
//! Cyrillic; `fonts/README.md`), embedded as a subset.
//!
//! Pages are written before the file ends, so a glyph gets its number in
//! the subset when it is first drawn (`GlyphRemapper` hands numbers out in
//! order of first use) and keeps it: text already written stays valid when
//! the subset is cut at the end. The font is a CID font with Identity-H
//! encoding (two bytes a glyph) and a ToUnicode map, so text is selectable
//! and extracts as the characters it was made from.

use std::collections::HashMap;

use ferry_core::ports::format::FormatError;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Filter, Name, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, GlyphId};

use super::objects::{deflate, ObjectFile};

static FONT_DATA: &[u8] = include_bytes!("../../fonts/DejaVuSansCondensed.ttf");
/// The subset's name: a six-letter tag, as PDF asks of subsets.
const BASE_FONT: Name<'static> = Name(b"FERRYA+DejaVuSansCondensed");
/// Drawn for a character the font lacks (emoji, CJK): readable, and it
/// extracts as itself rather than as nothing.
const FALLBACK: char = '?';

/// What the objects that make up the font are called in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FontRefs {
    pub type0: Ref,
    pub cid: Ref,
    pub descriptor: Ref,
    pub file: Ref,
    pub to_unicode: Ref,
}

pub(crate) struct EmbeddedFont {
    face: Face<'static>,
    units_per_em: f32,
    remapper: GlyphRemapper,
    /// A character's glyph in the subset and its advance in 1/1000 em.
    chars: HashMap<char, (u16, f32)>,
    /// The subset's glyphs in order with the character each one shows.
    unicode: Vec<(u16, char)>,
}

impl EmbeddedFont {
    pub(crate) fn new() -> Self {
        let face = Face::parse(FONT_DATA, 0).expect("the bundled font parses");
        let units_per_em = f32::from(face.units_per_em());
        EmbeddedFont { face, units_per_em, remapper: GlyphRemapper::new(), chars: HashMap::new(), unicode: Vec::new() }
    }

    /// The width of `text` at `size` points, without using any glyph.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.advance(c)).sum::<f32>() * size / 1000.0
    }

    /// A character's advance in 1/1000 em.
    pub(crate) fn advance(&self, c: char) -> f32 {
        if let Some((_, w)) = self.chars.get(&c) {
            return *w;
        }
        let glyph = self.face.glyph_index(c).or_else(|| self.face.glyph_index(FALLBACK)).unwrap_or(GlyphId(0));
        self.glyph_advance(glyph)
    }

    fn glyph_advance(&self, glyph: GlyphId) -> f32 {
        f32::from(self.face.glyph_hor_advance(glyph).unwrap_or(0)) * 1000.0 / self.units_per_em
    }

    /// Appends `text` as the subset's two-byte glyph codes.
    pub(crate) fn encode(&mut self, text: &str, out: &mut Vec<u8>) {
        for c in text.chars() {
            let (gid, _) = self.glyph(c);
            out.extend_from_slice(&gid.to_be_bytes());
        }
    }

    fn glyph(&mut self, c: char) -> (u16, f32) {
        if let Some(found) = self.chars.get(&c) {
            return *found;
        }
        let (shown, glyph) = match self.face.glyph_index(c) {
            Some(g) => (c, g),
            None => (FALLBACK, self.face.glyph_index(FALLBACK).unwrap_or(GlyphId(0))),
        };
        let known = self.remapper.get(glyph.0).is_some();
        let gid = self.remapper.remap(glyph.0);
        if !known && !c.is_control() {
            self.unicode.push((gid, shown));
        }
        let entry = (gid, self.glyph_advance(glyph));
        self.chars.insert(c, entry);
        entry
    }

    /// The font's objects: the subset of the glyphs used, their widths and
    /// the map back to characters. Called once, after the last text.
    pub(crate) fn write(&self, refs: FontRefs, file: &mut ObjectFile) -> Result<(), FormatError> {
        let system_info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
        file.put(|c| {
            c.type0_font(refs.type0)
                .base_font(BASE_FONT)
                .encoding_predefined(Name(b"Identity-H"))
                .descendant_font(refs.cid)
                .to_unicode(refs.to_unicode);
        })?;
        let widths: Vec<f32> = self.remapper.remapped_gids().map(|g| self.glyph_advance(GlyphId(g))).collect();
        file.put(|c| {
            let mut cid = c.cid_font(refs.cid);
            cid.subtype(CidFontType::Type2)
                .base_font(BASE_FONT)
                .system_info(system_info)
                .font_descriptor(refs.descriptor)
                .default_width(0.0)
                .cid_to_gid_map_predefined(Name(b"Identity"));
            cid.widths().consecutive(0, widths);
        })?;
        let scale = |v: i16| f32::from(v) * 1000.0 / self.units_per_em;
        let bbox = self.face.global_bounding_box();
        file.put(|c| {
            c.font_descriptor(refs.descriptor)
                .name(BASE_FONT)
                .flags(FontFlags::NON_SYMBOLIC)
                .bbox(Rect::new(scale(bbox.x_min), scale(bbox.y_min), scale(bbox.x_max), scale(bbox.y_max)))
                .italic_angle(0.0)
                .ascent(scale(self.face.ascender()))
                .descent(scale(self.face.descender()))
                .cap_height(scale(self.face.capital_height().unwrap_or(self.face.ascender())))
                .stem_v(80.0)
                .font_file2(refs.file);
        })?;
        let subset = subsetter::subset(FONT_DATA, 0, &self.remapper)
            .map_err(|e| FormatError::Invalid(format!("subsetting the PDF font: {e}")))?;
        let packed = deflate(&subset);
        file.put(|c| {
            c.stream(refs.file, &packed).filter(Filter::FlateDecode);
        })?;
        let mut cmap = UnicodeCmap::new(Name(b"Ferry-UTF16"), system_info);
        for (gid, ch) in &self.unicode {
            cmap.pair(*gid, *ch);
        }
        let cmap = cmap.finish();
        file.put(|c| {
            c.cmap(refs.to_unicode, &cmap).system_info(system_info);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greek_and_cyrillic_have_glyphs_and_unknown_characters_fall_back() {
        let mut font = EmbeddedFont::new();
        let mut out = Vec::new();
        font.encode("Aλж", &mut out);
        assert_eq!(out, [0, 1, 0, 2, 0, 3], "glyphs are numbered in order of first use");
        font.encode("中", &mut out);
        assert_eq!(font.unicode.last(), Some(&(4, '?')));
        assert!(font.width("ж", 10.0) > 0.0);
    }
}

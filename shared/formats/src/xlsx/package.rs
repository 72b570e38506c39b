//! The parts of an XLSX package other than the sheets: content types,
//! relationships, workbook, styles, theme and document properties. They are
//! small and written once, at the end, when the number of sheets and the
//! extent of each sheet's autofilter are known. Their content follows what
//! Excel (and rust_xlsxwriter) write, so every reader knows it.

use std::fmt::Write;

/// The cell styles in `styles.xml`, by index (`s="…"`).
pub(super) const STYLE_HEADER: u8 = 1;
pub(super) const STYLE_DATETIME: u8 = 2;
pub(super) const STYLE_DATE: u8 = 3;
/// Numbers shown with 0, 1 and 2 decimals (`Value::Decimal`): Excel's
/// built-in formats 1 (`0`) and 2 (`0.00`), and our 166 (`0.0`).
pub(super) const STYLE_DECIMALS: [u8; 3] = [4, 5, 6];

const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PACKAGE_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

pub(super) const THEME: &str = include_str!("theme1.xml");

/// A finished sheet: its name and how far its autofilter reaches.
pub(super) struct SheetSummary {
    pub name: String,
    /// The filter's last cell, e.g. `$J$1001`.
    pub filter_end: Option<String>,
}

pub(super) fn content_types(sheets: usize) -> String {
    let mut xml = format!(
        "{XML_DECLARATION}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
         <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
         <Override PartName=\"/xl/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
    );
    for i in 1..=sheets {
        let _ = write!(
            xml,
            "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" \
             ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        );
    }
    xml.push_str("</Types>");
    xml
}

pub(super) fn root_rels() -> String {
    format!(
        "{XML_DECLARATION}<Relationships xmlns=\"{PACKAGE_REL_NS}\">\
         <Relationship Id=\"rId1\" Type=\"{REL_NS}/officeDocument\" Target=\"xl/workbook.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{PACKAGE_REL_NS}/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{REL_NS}/extended-properties\" Target=\"docProps/app.xml\"/>\
         </Relationships>"
    )
}

pub(super) fn workbook_rels(sheets: usize) -> String {
    let mut xml = format!("{XML_DECLARATION}<Relationships xmlns=\"{PACKAGE_REL_NS}\">");
    for i in 1..=sheets {
        let _ =
            write!(xml, "<Relationship Id=\"rId{i}\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>");
    }
    let _ = write!(
        xml,
        "<Relationship Id=\"rId{}\" Type=\"{REL_NS}/theme\" Target=\"theme/theme1.xml\"/>\
         <Relationship Id=\"rId{}\" Type=\"{REL_NS}/styles\" Target=\"styles.xml\"/></Relationships>",
        sheets + 1,
        sheets + 2
    );
    xml
}

pub(super) fn workbook(sheets: &[SheetSummary]) -> String {
    let mut xml = format!(
        "{XML_DECLARATION}<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\">\
         <fileVersion appName=\"xl\" lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/>\
         <workbookPr defaultThemeVersion=\"124226\"/>\
         <bookViews><workbookView xWindow=\"240\" yWindow=\"15\" windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets>"
    );
    for (i, sheet) in sheets.iter().enumerate() {
        let _ = write!(xml, "<sheet name=\"{}\" sheetId=\"{}\" r:id=\"rId{}\"/>", sheet.name, i + 1, i + 1);
    }
    xml.push_str("</sheets>");
    if sheets.iter().any(|s| s.filter_end.is_some()) {
        xml.push_str("<definedNames>");
        for (i, sheet) in sheets.iter().enumerate() {
            if let Some(end) = &sheet.filter_end {
                let _ = write!(
                    xml,
                    "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{i}\" hidden=\"1\">{}!$A$1:{end}</definedName>",
                    sheet.name
                );
            }
        }
        xml.push_str("</definedNames>");
    }
    xml.push_str("<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
    xml
}

pub(super) fn styles() -> String {
    let font = |bold: &str| {
        format!("<font>{bold}<sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font>")
    };
    format!(
        "{XML_DECLARATION}<styleSheet xmlns=\"{MAIN_NS}\">\
         <numFmts count=\"3\"><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/>\
         <numFmt numFmtId=\"165\" formatCode=\"yyyy-mm-dd\"/><numFmt numFmtId=\"166\" formatCode=\"0.0\"/></numFmts>\
         <fonts count=\"2\">{}{}</fonts>\
         <fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
         <borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
         <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
         <cellXfs count=\"7\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>\
         <xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>\
         <xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
         <xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
         <xf numFmtId=\"1\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
         <xf numFmtId=\"166\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>\
         <xf numFmtId=\"2\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>\
         <cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles><dxfs count=\"0\"/>\
         <tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>",
        font(""),
        font("<b/>")
    )
}

/// Document properties, dated by the export's creation (`2026-01-02T03:04:05Z`).
pub(super) fn core(created: &str) -> String {
    format!(
        "{XML_DECLARATION}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:creator></dc:creator><cp:lastModifiedBy></cp:lastModifiedBy>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{created}</dcterms:modified></cp:coreProperties>"
    )
}

pub(super) fn app(sheets: &[SheetSummary]) -> String {
    let mut names = String::new();
    for sheet in sheets {
        let _ = write!(names, "<vt:lpstr>{}</vt:lpstr>", sheet.name);
    }
    format!(
        "{XML_DECLARATION}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>\
         <HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>\
         <vt:variant><vt:i4>{count}</vt:i4></vt:variant></vt:vector></HeadingPairs>\
         <TitlesOfParts><vt:vector size=\"{count}\" baseType=\"lpstr\">{names}</vt:vector></TitlesOfParts>\
         <Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>\
         <HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>",
        count = sheets.len()
    )
}

/// The start of a sheet, up to `<sheetData>`: the frozen header row and the
/// column widths (Excel's unit, as `(width, first, last)` runs of columns).
pub(super) fn sheet_head(widths: &[(f64, usize, usize)], first_sheet: bool) -> String {
    let selected = if first_sheet { " tabSelected=\"1\"" } else { "" };
    let mut xml = format!(
        "{XML_DECLARATION}<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\">\
         <sheetViews><sheetView{selected} workbookViewId=\"0\">\
         <pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>\
         <selection pane=\"bottomLeft\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>"
    );
    if !widths.is_empty() {
        xml.push_str("<cols>");
        for (width, first, last) in widths {
            let _ = write!(xml, "<col min=\"{first}\" max=\"{last}\" width=\"{width}\" customWidth=\"1\"/>");
        }
        xml.push_str("</cols>");
    }
    xml.push_str("<sheetData>");
    xml
}

/// The end of a sheet: the autofilter over header and data, page margins.
pub(super) fn sheet_tail(filter: Option<&str>) -> String {
    let filter = filter.map(|r| format!("<autoFilter ref=\"{r}\"/>")).unwrap_or_default();
    format!(
        "</sheetData>{filter}<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>"
    )
}

//! Spreadsheets as they are uploaded: `.xlsx` (read cell by cell with calamine) and `.csv`
//! (UTF-8 with or without a byte-order mark, UTF-16 with one, else Windows-1258, the code page
//! Excel saves Vietnamese CSV in; separated by commas, semicolons — Excel's choice in a
//! Vietnamese locale — or tabs), read with bounds an attacker cannot move.
//!
//! An .xlsx is a zip archive. The sizes it declares are never trusted: before calamine sees
//! it, every part is decompressed through a reader that stops one byte past its cap, and the
//! parts together have a cap, so a bomb of a few hundred kilobytes that expands to gigabytes
//! costs at most the cap in time and nothing in memory before it is refused. An archive that
//! needs ZIP64 (no spreadsheet under the upload limit does), or whose table of shared strings
//! announces more strings than its size can hold (calamine reserves room for the number it
//! reads), is refused too. Rows are streamed to the caller one by one; nothing here holds the
//! sheet whole, and nothing panics on bad input.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};
use jiff::civil::Date;

/// Largest file accepted, in bytes.
pub const MAX_FILE: usize = 32 * 1024 * 1024;
/// Most rows read (past the header).
pub const MAX_ROWS: usize = 200_000;
/// Columns past this many are not read.
pub const MAX_COLUMNS: usize = 100;
/// Longest text a cell keeps: one character more than the longest field takes, so that the
/// validation still says it is too long.
pub const MAX_CELL_CHARS: usize = dondoc_domain::validate::LONG + 1;

/// Largest part of an .xlsx, decompressed (a sheet of 200,000 rows is some 60 MB of XML).
const MAX_PART: u64 = 128 * 1024 * 1024;
/// Largest sum of the parts, decompressed.
const MAX_PARTS_TOTAL: u64 = 256 * 1024 * 1024;
/// Most parts in an archive (a workbook has a dozen or so).
const MAX_PARTS: usize = 1_000;

/// Why a file cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetError {
    /// Larger than allowed, as uploaded or once decompressed.
    TooLarge,
    /// More rows than [`MAX_ROWS`].
    TooManyRows,
    /// A PDF (a spreadsheet printed, not the spreadsheet).
    Pdf,
    /// An Excel 97–2003 workbook (.xls) or an encrypted one: to be saved as .xlsx.
    OldExcel,
    /// Neither an .xlsx nor readable CSV text, or a broken one.
    NotASheet,
    /// No row at all.
    Empty,
}

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(Date),
    Bool(bool),
}

impl Cell {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A row: its number as the spreadsheet shows it (from 1) and its cells by column.
pub type Row = (u32, Vec<Cell>);

/// Reads the rows of `bytes` that hold anything, the header first, handing each to `visit`
/// (which may stop the reading by returning `false`).
pub fn read(bytes: &[u8], mut visit: impl FnMut(Row) -> bool) -> Result<(), SheetError> {
    if bytes.len() > MAX_FILE {
        return Err(SheetError::TooLarge);
    }
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    let mut rows = 0usize;
    let mut seen_any = false;
    let mut counted = |row: Row| -> Result<bool, SheetError> {
        if row.1.iter().all(Cell::is_blank) {
            return Ok(true);
        }
        // The header is not counted.
        if seen_any {
            rows += 1;
            if rows > MAX_ROWS {
                return Err(SheetError::TooManyRows);
            }
        }
        seen_any = true;
        Ok(visit(row))
    };
    if bytes.starts_with(b"%PDF-") {
        return Err(SheetError::Pdf);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(SheetError::OldExcel);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, &mut counted)?;
    } else {
        read_csv(bytes, &mut counted)?;
    }
    if !seen_any {
        return Err(SheetError::Empty);
    }
    Ok(())
}

/// Every part of the archive decompressed through a capped reader and measured, before
/// anything believes the archive.
fn check_zip(bytes: &[u8]) -> Result<(), SheetError> {
    // ZIP64's end records sit just before the end of the central directory; an archive of
    // this size never needs them, and their counts are 64-bit numbers a reader may trust.
    let tail = &bytes[bytes.len().saturating_sub(65_557 + 56)..];
    if tail
        .windows(4)
        .any(|w| w == b"PK\x06\x06" || w == b"PK\x06\x07")
    {
        return Err(SheetError::NotASheet);
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::NotASheet)?;
    if archive.len() > MAX_PARTS {
        return Err(SheetError::TooLarge);
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(_) => SheetError::OldExcel,
            _ => SheetError::NotASheet,
        })?;
        if entry.size() > MAX_PART {
            return Err(SheetError::TooLarge);
        }
        let shared_strings = entry.name().eq_ignore_ascii_case("xl/sharedStrings.xml");
        let mut capped = entry.take(MAX_PART + 1);
        let n = if shared_strings {
            measure_shared_strings(&mut capped)?
        } else {
            std::io::copy(&mut capped, &mut std::io::sink()).map_err(|_| SheetError::NotASheet)?
        };
        if n > MAX_PART {
            return Err(SheetError::TooLarge);
        }
        total += n;
        if total > MAX_PARTS_TOTAL {
            return Err(SheetError::TooLarge);
        }
    }
    Ok(())
}

/// The size of the table of shared strings, decompressed; refused when the number of strings
/// it announces (which calamine reserves room for) is more than its size can hold: each
/// `<si><t></t></si>` takes 16 bytes at least.
fn measure_shared_strings(r: &mut impl Read) -> Result<u64, SheetError> {
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(r));
    let mut buf = Vec::new();
    let mut announced: Option<u64> = None;
    loop {
        buf.clear();
        match xml
            .read_event_into(&mut buf)
            .map_err(|_| SheetError::NotASheet)?
        {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == b"sst" =>
            {
                if let Ok(Some(a)) = e.try_get_attribute("uniqueCount") {
                    let digits: String = String::from_utf8_lossy(&a.value).trim().to_string();
                    announced = Some(digits.parse().map_err(|_| SheetError::NotASheet)?);
                }
                break;
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
        if xml.buffer_position() > MAX_PART {
            return Err(SheetError::TooLarge);
        }
    }
    let read = xml.buffer_position();
    let rest = std::io::copy(&mut xml.into_inner(), &mut std::io::sink())
        .map_err(|_| SheetError::NotASheet)?;
    let size = read + rest;
    if announced.is_some_and(|n| n > size / 16 + 1) {
        return Err(SheetError::NotASheet);
    }
    Ok(size)
}

/// A date from a spreadsheet's serial number (days since 1899-12-30, or 1904-01-01).
fn excel_date(d: &calamine::ExcelDateTime) -> Option<Date> {
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    Date::new(y as i16, m as i8, day as i8).ok()
}

fn cell_of(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(bounded(s)),
        DataRef::SharedString(s) => Cell::Text(bounded(s)),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) if d.is_datetime() => excel_date(d).map_or(Cell::Empty, Cell::Date),
        DataRef::DateTime(d) => Cell::Number(d.as_f64()),
        DataRef::DateTimeIso(s) => match s.get(..10).and_then(|d| d.parse().ok()) {
            Some(d) => Cell::Date(d),
            None => Cell::Text(bounded(s)),
        },
        DataRef::DurationIso(s) => Cell::Text(bounded(s)),
        DataRef::Error(_) | DataRef::Empty => Cell::Empty,
    }
}

/// At most [`MAX_CELL_CHARS`] characters of a cell.
fn bounded(s: &str) -> String {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((at, _)) => s[..at].to_string(),
        None => s.to_string(),
    }
}

fn read_xlsx(
    bytes: &[u8],
    visit: &mut impl FnMut(Row) -> Result<bool, SheetError>,
) -> Result<(), SheetError> {
    check_zip(bytes)?;
    let mut book: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => SheetError::OldExcel,
        _ => SheetError::NotASheet,
    })?;
    let Some(first) = book.sheet_names().first().cloned() else {
        return Err(SheetError::Empty);
    };
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| SheetError::NotASheet)?;
    let mut current: Option<u32> = None;
    let mut row: Vec<Cell> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| SheetError::NotASheet)? {
        let (r, c) = cell.get_position();
        if current != Some(r) {
            if let Some(prev) = current {
                // Rows come in order; one that comes back is a broken (or forged) sheet.
                if r < prev {
                    return Err(SheetError::NotASheet);
                }
                if !visit((prev + 1, std::mem::take(&mut row)))? {
                    return Ok(());
                }
            }
            current = Some(r);
        }
        let c = c as usize;
        if c >= MAX_COLUMNS {
            continue;
        }
        if row.len() <= c {
            row.resize(c + 1, Cell::Empty);
        }
        row[c] = cell_of(cell.get_value());
    }
    if let Some(prev) = current {
        visit((prev + 1, row))?;
    }
    Ok(())
}

/// The text of a CSV file in the encodings Vietnamese offices save it in, NFC-normalised.
fn csv_text(bytes: &[u8]) -> Result<String, SheetError> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|t| dondoc_text::nfc(&t))
            .ok_or(SheetError::NotASheet);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(dondoc_text::nfc(text)),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1258.decode_without_bom_handling(bytes);
            Ok(dondoc_text::nfc(&text))
        }
    }
}

/// The separator of a CSV file: the one its first line holds most of, outside quotes.
fn separator(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in text.bytes() {
        match c {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ if !quoted => {
                for (sep, n) in &mut counts {
                    if c == *sep {
                        *n += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(b',', |(s, _)| *s)
}

fn read_csv(
    bytes: &[u8],
    visit: &mut impl FnMut(Row) -> Result<bool, SheetError>,
) -> Result<(), SheetError> {
    let text = csv_text(bytes)?;
    // Binary data that happens to decode is full of control characters.
    let sample: String = text.chars().take(64 * 1024).collect();
    let controls = sample
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .count();
    if controls > 0 {
        return Err(SheetError::NotASheet);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(&text))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut n: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => return Err(SheetError::NotASheet),
        }
        n += 1;
        let cells = record
            .iter()
            .take(MAX_COLUMNS)
            .map(|s| {
                // What an export wrote as text so that a spreadsheet would not run it.
                let s = match s.strip_prefix('\'') {
                    Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
                    _ => s,
                };
                if s.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(bounded(s))
                }
            })
            .collect();
        if !visit((n, cells))? {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn all(bytes: &[u8]) -> Result<Vec<Row>, SheetError> {
        let mut rows = Vec::new();
        read(bytes, |r| {
            rows.push(r);
            true
        })?;
        Ok(rows)
    }

    fn texts(row: &Row) -> Vec<String> {
        row.1
            .iter()
            .map(|c| match c {
                Cell::Text(s) => s.clone(),
                Cell::Number(n) => format!("#{n}"),
                Cell::Date(d) => format!("@{d}"),
                Cell::Bool(b) => b.to_string(),
                Cell::Empty => String::new(),
            })
            .collect()
    }

    fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write(r as u32, c as u16, *v).unwrap();
            }
        }
        ws.write(rows.len() as u32 + 2, 1, 42.5).unwrap();
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 11, 18).unwrap();
        let fmt = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        ws.write_with_format(rows.len() as u32 + 2, 2, &day, &fmt)
            .unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_rows_numbered_as_the_sheet_shows_them() {
        let file = xlsx(&[&["Nội dung", "Địa bàn"], &["Sửa đường khu 6", "Khu 6"]]);
        let rows = all(&file).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].0, 1);
        assert_eq!(texts(&rows[1]), ["Sửa đường khu 6", "Khu 6"]);
        // The blank rows 3 and 4 are skipped; row 5 keeps its number, its number and its date.
        assert_eq!(rows[2].0, 5);
        assert_eq!(texts(&rows[2]), ["", "#42.5", "@2020-11-18"]);
    }

    #[test]
    fn csv_in_the_encodings_and_separators_offices_use() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (
                b"\xEF\xBB\xBFN\xE1\xBB\x99i dung,\xC4\x90\xE1\xBB\x8Ba b\xC3\xA0n\r\nA,B\r\n"
                    .to_vec(),
                "bom, commas",
            ),
            (
                "Nội dung;Địa bàn\n\"A; còn nữa\";B\n".as_bytes().to_vec(),
                "semicolons",
            ),
            ("Nội dung\tĐịa bàn\nA\tB\n".as_bytes().to_vec(), "tabs"),
        ];
        for (bytes, what) in cases {
            let rows = all(&bytes).unwrap();
            assert_eq!(texts(&rows[0]), ["Nội dung", "Địa bàn"], "{what}");
            assert_eq!(rows[1].0, 2, "{what}");
        }
        // Windows-1258: "Nội" as "ô" and a combining dot below, read back composed.
        let cp1258 = b"N\xF4\xF2i dung,x\nA,B\n";
        assert_eq!(texts(&all(cp1258).unwrap()[0])[0], "Nội dung");
        // UTF-16 as Excel's "Unicode text" saves it.
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "Nội dung\tĐịa bàn\r\nA\tB\r\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(texts(&all(&utf16).unwrap()[1]), ["A", "B"]);
        // What an export guarded against a spreadsheet's formulas comes back as written.
        let rows = all("Tiêu đề\n'=HYPERLINK(1)\n'bình thường\n".as_bytes()).unwrap();
        assert_eq!(texts(&rows[1]), ["=HYPERLINK(1)"]);
        assert_eq!(texts(&rows[2]), ["'bình thường"]);
    }

    #[test]
    fn what_is_not_a_spreadsheet_is_said_so() {
        assert_eq!(all(b"%PDF-1.7 ...").unwrap_err(), SheetError::Pdf);
        assert_eq!(
            all(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).unwrap_err(),
            SheetError::OldExcel
        );
        assert_eq!(all(b"").unwrap_err(), SheetError::Empty);
        assert_eq!(all(b"\n\n  \n").unwrap_err(), SheetError::Empty);
        assert_eq!(
            all(b"PK\x03\x04 broken").unwrap_err(),
            SheetError::NotASheet
        );
        assert_eq!(
            all(b"\x00\x01\x02binary\x03\x04").unwrap_err(),
            SheetError::NotASheet
        );
        // A zip that is no workbook.
        let mut buf = Vec::new();
        {
            let mut z = zip::ZipWriter::new(Cursor::new(&mut buf));
            z.start_file("a.txt", zip::write::SimpleFileOptions::default())
                .unwrap();
            z.write_all(b"hello").unwrap();
            z.finish().unwrap();
        }
        assert_eq!(all(&buf).unwrap_err(), SheetError::NotASheet);
    }

    /// A part of zeros that expands 1000 times over.
    fn bomb(name: &str, size: usize) -> Vec<u8> {
        let mut buf = Vec::new();
        {
            let mut z = zip::ZipWriter::new(Cursor::new(&mut buf));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            z.start_file(name, opts).unwrap();
            let chunk = vec![b' '; 1 << 20];
            for _ in 0..size >> 20 {
                z.write_all(&chunk).unwrap();
            }
            z.finish().unwrap();
        }
        buf
    }

    #[test]
    fn a_bomb_is_refused_at_the_cap_not_after_it() {
        let file = bomb("xl/worksheets/sheet1.xml", (MAX_PART + (1 << 20)) as usize);
        assert!(file.len() < 1024 * 1024, "{}", file.len());
        assert_eq!(all(&file).unwrap_err(), SheetError::TooLarge);
    }

    #[test]
    fn shared_strings_that_announce_too_many_are_refused() {
        let mut buf = Vec::new();
        {
            let mut z = zip::ZipWriter::new(Cursor::new(&mut buf));
            z.start_file(
                "xl/sharedStrings.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            z.write_all(
                br#"<?xml version="1.0"?><!-- x --><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="999999999999"><si><t>a</t></si></sst>"#,
            )
            .unwrap();
            z.finish().unwrap();
        }
        assert_eq!(check_zip(&buf).unwrap_err(), SheetError::NotASheet);
    }

    #[test]
    fn a_declared_size_is_believed_no_further_than_the_cap() {
        let mut file = bomb("xl/worksheets/sheet1.xml", 2 << 20);
        // Rewrite the declared uncompressed size, in the local header and the directory.
        for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
            let at = file.windows(4).position(|w| w == sig).unwrap();
            let off = if sig[2] == 3 { at + 22 } else { at + 24 };
            file[off..off + 4].copy_from_slice(&(u32::MAX - 1).to_le_bytes());
        }
        let r = all(&file);
        assert!(
            matches!(r, Err(SheetError::TooLarge | SheetError::NotASheet)),
            "{r:?}"
        );
    }

    #[test]
    fn rows_past_the_limit_are_refused() {
        let mut csv = String::from("Nội dung\n");
        for i in 0..=MAX_ROWS {
            csv.push_str(&format!("{i}\n"));
        }
        assert_eq!(all(csv.as_bytes()).unwrap_err(), SheetError::TooManyRows);
    }

    #[test]
    fn separators_outside_quotes_decide() {
        assert_eq!(separator("a;b;c\n1,2"), b';');
        assert_eq!(separator("\"a;b;c\",d\n"), b',');
        assert_eq!(separator("a\tb\n"), b'\t');
    }
}

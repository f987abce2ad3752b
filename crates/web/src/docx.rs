//! The text of an uploaded Word document (.docx), read with bounds an attacker cannot move.
//!
//! A .docx is a zip archive; its text is in `word/document.xml`. The sizes a zip declares are
//! never trusted: the entry is decompressed through a reader that stops one byte past the cap,
//! so a file that claims 2^40 bytes, or a bomb of a few hundred kilobytes that expands to
//! gigabytes, costs at most the cap in memory and time before it is refused. The XML is then
//! read as a stream of events, keeping the text of runs (`w:t`), tabs, breaks and paragraph
//! ends, and refusing as soon as the text outgrows its own cap. Nothing here panics on bad
//! input: every failure is an [`Error`].

use std::io::{Cursor, Read};

use quick_xml::events::Event;

#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// The document (or its text) is larger than allowed once decompressed.
    TooLarge,
    /// Not a readable .docx: not a zip, no `word/document.xml`, broken compression or XML.
    Bad,
}

/// Largest `word/document.xml` read, decompressed. Plain text of 1 MB comes to about 4 MB of
/// WordprocessingML; this leaves room for styling.
pub const MAX_XML: u64 = 16 * 1024 * 1024;

/// The paragraphs of the document, separated by a blank line; at most `max_text` bytes.
pub fn text(bytes: &[u8], max_text: usize) -> Result<String, Error> {
    text_within(bytes, MAX_XML, max_text)
}

fn text_within(bytes: &[u8], max_xml: u64, max_text: usize) -> Result<String, Error> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Error::Bad)?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| Error::Bad)?;
    // A document that says it is too large is refused at once; one that says it is small is
    // believed only as far as the cap below.
    if entry.size() > max_xml {
        return Err(Error::TooLarge);
    }
    let mut xml = Vec::new();
    entry
        .take(max_xml + 1)
        .read_to_end(&mut xml)
        .map_err(|_| Error::Bad)?;
    if xml.len() as u64 > max_xml {
        return Err(Error::TooLarge);
    }
    paragraphs(&xml, max_text)
}

fn paragraphs(xml: &[u8], max_text: usize) -> Result<String, Error> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut out = String::new();
    // Inside a `w:t` element: its characters are the document's text.
    let mut in_text = false;
    loop {
        let event = reader.read_event().map_err(|_| Error::Bad)?;
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"t" => in_text = true,
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => out.push_str("\n\n"),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" => out.push('\t'),
                b"br" | b"cr" => out.push('\n'),
                b"p" => out.push_str("\n\n"),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.decode().map_err(|_| Error::Bad)?),
            Event::CData(t) if in_text => out.push_str(&t.decode().map_err(|_| Error::Bad)?),
            Event::GeneralRef(r) if in_text => {
                let c = r.resolve_char_ref().map_err(|_| Error::Bad)?;
                match c {
                    Some(c) => out.push(c),
                    None => {
                        let name = r.decode().map_err(|_| Error::Bad)?;
                        let s = quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or(Error::Bad)?;
                        out.push_str(s);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if out.len() > max_text {
            return Err(Error::TooLarge);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    fn docx(document_xml: &[u8]) -> Vec<u8> {
        let mut buf = Vec::new();
        {
            let mut z = zip::ZipWriter::new(Cursor::new(&mut buf));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            z.start_file("word/document.xml", opts).unwrap();
            z.write_all(document_xml).unwrap();
            z.finish().unwrap();
        }
        buf
    }

    fn body(paragraphs: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0"?><w:document {W}><w:body>{paragraphs}</w:body></w:document>"#
        )
        .into_bytes()
    }

    #[test]
    fn paragraphs_runs_tabs_breaks_and_entities() {
        let xml = body(
            r#"<w:p><w:r><w:t>Phường Hà Lầm</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve"> đạt 87,2% &amp; &#x110;</w:t></w:r></w:p><w:p><w:r><w:t>dòng</w:t><w:br/><w:t>mới</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            text(&docx(&xml), 1000).unwrap(),
            "Phường Hà Lầm\t đạt 87,2% & Đ\n\ndòng\nmới\n\n"
        );
    }

    #[test]
    fn a_bomb_is_refused_at_the_cap_not_after_it() {
        // 64 MB of one repeated paragraph compresses to well under a megabyte.
        let para = "<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
        let xml = body(&para.repeat(64 * 1024 * 1024 / para.len()));
        let file = docx(&xml);
        assert!(file.len() < 1024 * 1024, "{}", file.len());
        assert_eq!(text(&file, 1 << 20), Err(Error::TooLarge));
        // Under the XML cap but over the text cap: refused while reading the text.
        assert_eq!(
            text_within(&file, 128 * 1024 * 1024, 1 << 20),
            Err(Error::TooLarge)
        );
    }

    #[test]
    fn lies_and_garbage_are_bad_documents() {
        assert_eq!(text(b"not a zip at all", 100), Err(Error::Bad));
        assert_eq!(text(&[], 100), Err(Error::Bad));
        let mut file = docx(&body("<w:p><w:r><w:t>x</w:t></w:r></w:p>"));
        // Flip bytes in the compressed data: broken deflate or a wrong checksum.
        let n = file.len();
        for b in &mut file[40..n / 2] {
            *b ^= 0x5a;
        }
        assert!(text(&file, 100).is_err());
        let cut = text(&docx(b"<w:document><w:p><w:t>open"), 100);
        assert!(matches!(cut, Ok(_) | Err(Error::Bad)), "{cut:?}");
    }

    #[test]
    fn a_declared_size_of_2_pow_40_costs_nothing() {
        let mut file = docx(&body("<w:p><w:r><w:t>nhỏ</w:t></w:r></w:p>"));
        // Rewrite the uncompressed size in the local header and the central directory.
        let lie = (1u64 << 40).min(u32::MAX as u64 - 1) as u32;
        for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
            let at = file.windows(4).position(|w| w == sig).unwrap();
            let off = if sig[2] == 3 { at + 22 } else { at + 24 };
            file[off..off + 4].copy_from_slice(&lie.to_le_bytes());
        }
        let r = text(&file, 100);
        assert!(matches!(r, Err(Error::TooLarge | Error::Bad)), "{r:?}");
    }
}

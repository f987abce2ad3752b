//! Evidence of a directive's result: a PDF, an image, a Word or Excel file. What a file is, is
//! read from its first bytes, never from its name or the type the browser claims; anything
//! else (HTML, scripts, archives of other kinds) is refused. Files are only ever served as
//! attachments with this type, so none can run in dondoc's pages.

/// The largest file kept (the request body limit leaves room for the form around it).
pub const MAX_BYTES: usize = 3 * 1024 * 1024;

/// The kinds of file kept, with their media type and the extension a download gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Png,
    Jpeg,
    Webp,
    Docx,
    Xlsx,
}

impl Kind {
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Webp => "image/webp",
            Kind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Kind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Pdf => "pdf",
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Webp => "webp",
            Kind::Docx => "docx",
            Kind::Xlsx => "xlsx",
        }
    }

    pub fn from_media_type(s: &str) -> Option<Kind> {
        [
            Kind::Pdf,
            Kind::Png,
            Kind::Jpeg,
            Kind::Webp,
            Kind::Docx,
            Kind::Xlsx,
        ]
        .into_iter()
        .find(|k| k.media_type() == s)
    }
}

/// What the bytes are, if they are a kind kept.
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"%PDF-") {
        return Some(Kind::Pdf);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Kind::Png);
    }
    if bytes.starts_with(b"\xFF\xD8\xFF") {
        return Some(Kind::Jpeg);
    }
    if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(Kind::Webp);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // An Office Open XML package names its parts in plain text in the archive's
        // directory: a Word document has word/document.xml, a workbook xl/workbook.xml.
        let has = |part: &[u8]| bytes.windows(part.len()).any(|w| w == part);
        if has(b"[Content_Types].xml") {
            if has(b"word/document.xml") {
                return Some(Kind::Docx);
            }
            if has(b"xl/workbook.xml") {
                return Some(Kind::Xlsx);
            }
        }
    }
    None
}

/// A file name safe to show and to offer as a download: the last path component, without
/// control characters or quotes, at most 120 characters, with the extension of its kind.
pub fn clean_name(name: &str, kind: Kind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let stem: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | '/' | ';' | '<' | '>'))
        .take(120)
        .collect();
    let stem = stem.trim();
    let stem = if stem.is_empty() { "tep" } else { stem };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_from_the_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(Kind::Pdf));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(Kind::Png));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0..JFIF"), Some(Kind::Jpeg));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(Kind::Webp));
        assert_eq!(
            sniff(b"PK\x03\x04....[Content_Types].xml....word/document.xml"),
            Some(Kind::Docx)
        );
        assert_eq!(
            sniff(b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml"),
            Some(Kind::Xlsx)
        );
        for refused in [
            &b"<!doctype html><script>alert(1)</script>"[..],
            b"<svg onload=alert(1)>",
            b"PK\x03\x04 a zip of something else",
            b"MZ\x90\0 an executable",
            b"",
        ] {
            assert_eq!(sniff(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn names_are_cleaned_and_typed() {
        assert_eq!(
            clean_name("C:\\\\Users\\\\a\\\\Biên bản nghiệm thu.pdf", Kind::Pdf),
            "Biên bản nghiệm thu.pdf"
        );
        assert_eq!(clean_name("x.html", Kind::Png), "x.png");
        assert_eq!(clean_name("\"; evil\r\n.pdf", Kind::Pdf), "evil.pdf");
        assert_eq!(clean_name("", Kind::Jpeg), "tep.jpg");
    }
}

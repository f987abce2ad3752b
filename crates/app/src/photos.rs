//! Photos of a news article: an upload is read by its bytes (a JPEG, PNG or WebP image,
//! whatever its name says), decoded within limits (no decompression bomb allocates more than
//! [`MAX_PIXELS`]), turned upright by its EXIF orientation, and re-encoded as JPEG at a few
//! widths. Only those re-encodings are kept and served, so nothing of the file beyond its
//! pixels — no EXIF, no GPS position, no comment — ever leaves dondoc.

use dondoc_domain::article::ArticlePhoto;
use dondoc_domain::{Action, FieldCode, Id, Invalid};

use crate::{App, Caller, Error, Result};

/// The largest upload, in bytes (a phone's photo).
pub const MAX_BYTES: usize = 12 * 1024 * 1024;
/// The most pixels an image may have (8,000 × 6,000).
pub const MAX_PIXELS: u64 = 48_000_000;
/// The widths a photo is kept at, for `srcset`: a phone, a page, a large screen.
pub const WIDTHS: [u32; 3] = [480, 960, 1600];

/// One re-encoding of a photo.
#[derive(Debug, Clone)]
pub struct Sized {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

fn invalid(code: FieldCode) -> Error {
    Error::Invalid(Invalid::one("file", code))
}

/// The photo's re-encodings, widest last: each of [`WIDTHS`] narrower than the image, and the
/// image's own width when it is narrower than the widest (so that nothing is enlarged).
pub fn prepare(bytes: &[u8]) -> Result<Vec<Sized>> {
    use image::{ImageDecoder, ImageFormat, ImageReader};
    if bytes.is_empty() {
        return Err(invalid(FieldCode::Required));
    }
    if bytes.len() > MAX_BYTES {
        return Err(invalid(FieldCode::TooLong));
    }
    let format = image::guess_format(bytes).map_err(|_| invalid(FieldCode::InvalidChoice))?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(invalid(FieldCode::InvalidChoice));
    }
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|_| invalid(FieldCode::InvalidChoice))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(invalid(FieldCode::OutOfRange));
    }
    let orientation = decoder.orientation().ok();
    let mut img = image::DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => invalid(FieldCode::OutOfRange),
        _ => invalid(FieldCode::InvalidChoice),
    })?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let img = image::DynamicImage::ImageRgb8(img.to_rgb8());
    let own = img.width();
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < own).collect();
    if own <= *WIDTHS.last().unwrap_or(&own) {
        widths.push(own);
    }
    widths
        .into_iter()
        .map(|width| {
            let resized = if width == own {
                img.clone()
            } else {
                let height = (u64::from(img.height()) * u64::from(width) / u64::from(own)).max(1);
                img.resize_exact(width, height as u32, image::imageops::FilterType::Triangle)
            };
            let mut jpeg = Vec::new();
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 82);
            resized
                .write_with_encoder(encoder)
                .map_err(|e| Error::Internal(anyhow::anyhow!("encoding a photo: {e}")))?;
            Ok(Sized {
                width: resized.width(),
                height: resized.height(),
                jpeg,
            })
        })
        .collect()
}

/// [`prepare`], off the request's thread (decoding and encoding take a while).
pub async fn prepare_off_thread(bytes: Vec<u8>) -> Result<Vec<Sized>> {
    tokio::task::spawn_blocking(move || prepare(&bytes))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("preparing a photo: {e}")))?
}

/// Adds a photo with its caption at the end of an article's: for those who edit its words.
pub async fn add(
    app: &App,
    c: &Caller,
    article_id: Id,
    bytes: &[u8],
    caption: Option<&str>,
) -> Result<ArticlePhoto> {
    c.require(Action::EditArticle)?;
    let article = crate::articles::get(app, c, article_id).await?;
    if !article.status.editable_by_editor() && !c.can(Action::PublishArticle) {
        return Err(Error::Forbidden);
    }
    let caption = dondoc_domain::validate::opt_text(caption, 500)
        .map_err(|code| Error::Invalid(Invalid::one("caption", code)))?;
    let sizes = prepare_off_thread(bytes.to_vec()).await?;
    let sizes: Vec<(i64, i64, Vec<u8>)> = sizes
        .into_iter()
        .map(|s| (i64::from(s.width), i64::from(s.height), s.jpeg))
        .collect();
    Ok(app
        .store
        .add_article_photo(c.who(), article_id, caption.as_deref(), &sizes)
        .await?)
}

/// An article's photos, as the caller may see the article.
pub async fn of(app: &App, c: &Caller, article_id: Id) -> Result<Vec<ArticlePhoto>> {
    crate::articles::get(app, c, article_id).await?;
    Ok(app.store.article_photos(article_id).await?)
}

/// The JPEG of a photo at one of its widths, when the caller may see its article.
pub async fn file(app: &App, c: &Caller, photo_id: Id, width: i64) -> Result<Vec<u8>> {
    let article = app.store.photo_article(photo_id).await?;
    crate::articles::get(app, c, article).await?;
    Ok(app.store.article_photo_bytes(photo_id, width).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG of `w` × `h` with an EXIF segment holding a GPS position and a comment.
    fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
        });
        let mut plain = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut plain, 90,
            ))
            .unwrap();
        // APP1 "Exif\0\0" with a little-endian TIFF header and the words a GPS block carries.
        let mut payload = b"Exif\0\0II*\0\x08\0\0\0".to_vec();
        payload.extend_from_slice(b"GPSLatitude 20.9525 N GPSLongitude 107.0811 E secret-comment");
        let len = (payload.len() + 2) as u16;
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&payload);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn a_photo_is_kept_only_as_re_encoded_pixels() {
        let upload = jpeg_with_exif(2000, 1000);
        assert!(
            upload.windows(4).any(|w| w == b"Exif"),
            "the fixture carries EXIF"
        );
        let sizes = prepare(&upload).unwrap();
        let widths: Vec<u32> = sizes.iter().map(|s| s.width).collect();
        assert_eq!(widths, vec![480, 960, 1600]);
        for s in &sizes {
            assert_eq!(s.height, s.width / 2);
            for marker in [&b"Exif"[..], b"GPS", b"secret-comment"] {
                assert!(
                    !s.jpeg.windows(marker.len()).any(|w| w == marker),
                    "{marker:?} kept"
                );
            }
            let back = image::load_from_memory(&s.jpeg).unwrap();
            assert_eq!((back.width(), back.height()), (s.width, s.height));
        }
        // A small photo is never enlarged.
        let small = prepare(&jpeg_with_exif(300, 200)).unwrap();
        assert_eq!(small.iter().map(|s| s.width).collect::<Vec<_>>(), vec![300]);
    }

    #[test]
    fn a_file_is_a_photo_by_its_bytes_and_size() {
        let code = |bytes: &[u8]| match prepare(bytes) {
            Err(Error::Invalid(inv)) => inv.on("file"),
            other => panic!("not refused: {:?}", other.map(|s| s.len())),
        };
        assert_eq!(code(b""), Some(FieldCode::Required));
        assert_eq!(
            code(b"%PDF-1.7 a report named anh.jpg"),
            Some(FieldCode::InvalidChoice)
        );
        assert_eq!(
            code(b"GIF89a\x01\x00\x01\x00"),
            Some(FieldCode::InvalidChoice)
        );
        // A JPEG's header with no picture after it.
        let upload = jpeg_with_exif(640, 480);
        assert_eq!(code(&upload[..200]), Some(FieldCode::InvalidChoice));
        // One cut short is shown as far as it goes, or refused: never a failure.
        let _ = prepare(&upload[..upload.len() / 3]);
        // A PNG that says it is 30,000 × 30,000: refused before anything is allocated.
        let mut bomb = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bomb.extend_from_slice(&30_000u32.to_be_bytes());
        bomb.extend_from_slice(&30_000u32.to_be_bytes());
        bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        assert!(matches!(
            code(&bomb),
            Some(FieldCode::OutOfRange | FieldCode::InvalidChoice)
        ));
        assert_eq!(code(&vec![0xFF; MAX_BYTES + 1]), Some(FieldCode::TooLong));
    }
}

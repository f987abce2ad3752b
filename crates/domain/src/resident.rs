//! Petitions sent by residents themselves (from the public site or an Open311 client): what a
//! submission holds, the categories a resident chooses from (Open311's services), the
//! tracking code a resident follows it by, the human check of the form, and the states a
//! submission goes through in the moderation queue.
//!
//! Pure rules: the secret of the human check, the clock and the random bytes of a code come
//! from the caller.

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::validate::{Checker, LONG};
use crate::{FieldCode, Id, Invalid};

/// What residents may file a petition under: code (Open311's `service_code`), Vietnamese and
/// English names. A petition's category is stored as the Vietnamese name, as staff write it.
pub const CATEGORIES: [(&str, &str, &str); 8] = [
    ("ha-tang", "Hạ tầng", "Infrastructure"),
    ("moi-truong", "Môi trường", "Environment"),
    ("dat-dai", "Đất đai", "Land"),
    ("trat-tu", "An ninh, trật tự", "Public order"),
    ("van-hoa", "Văn hóa", "Culture"),
    ("y-te", "Y tế", "Health"),
    ("giao-duc", "Giáo dục", "Education"),
    ("khac", "Khác", "Other"),
];

/// The code of a category name ("Đất đai" → `dat-dai`), whatever its case and diacritics:
/// one of [`CATEGORIES`], or the folded name with dashes for a category staff wrote.
pub fn category_code(name: &str) -> String {
    let key = dondoc_text::fold(name.trim());
    CATEGORIES
        .iter()
        .find(|(_, vi, _)| dondoc_text::fold(vi) == key)
        .map(|(code, _, _)| (*code).to_string())
        .unwrap_or_else(|| {
            key.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("-")
        })
}

/// The Vietnamese name of a category code of [`CATEGORIES`].
pub fn category_name(code: &str) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, vi, _)| *vi)
}

/// Where a submission stands: waiting for staff, accepted (a petition, or one more raising of
/// the petition it joined), or rejected with a reason the resident reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Pending,
    Accepted,
    Rejected,
}

impl SubmissionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Pending => "pending",
            SubmissionStatus::Accepted => "accepted",
            SubmissionStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Accepted, Self::Rejected]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// The letters of a tracking code: no 0/O, 1/I/L or U/V to mistake when typed from paper.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";
/// 29^10 codes, about 49 bits: not to be guessed, short enough to type.
pub const CODE_LEN: usize = 10;

/// A tracking code from random bytes (each taken modulo the alphabet; the caller draws them
/// below the largest multiple of its length, so that no letter is likelier than another).
pub fn code_from(random: &[u8; CODE_LEN]) -> String {
    random
        .iter()
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect()
}

/// A code as a resident may type it ("abcd-efgh 23", lower case, spaces and dashes), in its
/// stored form; `None` when it cannot be a code.
pub fn normalize_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\t'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(code)
}

/// What a resident sends, as it comes (form or Open311 body). Unknown fields are let through,
/// so that a form may carry its human check beside it.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionInput {
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "crate::input::opt_i64")]
    pub ward_unit_id: Option<Id>,
    /// A code of [`CATEGORIES`].
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// The petition the resident adds their voice to, instead of a new one.
    #[serde(default, deserialize_with = "crate::input::opt_i64")]
    pub joins_petition_id: Option<Id>,
    /// Says the petition is new after similar ones were offered.
    #[serde(default, deserialize_with = "crate::input::opt_bool")]
    pub new_petition: Option<bool>,
}

/// A submission that passed the form's checks.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSubmission {
    pub text: String,
    pub ward_unit_id: Id,
    /// The Vietnamese name of the category.
    pub category: String,
    pub email: Option<String>,
    pub joins_petition_id: Option<Id>,
}

/// The longest text a resident sends (Open311's `description` is at most 4,000 characters).
pub const MAX_TEXT: usize = 4000;

impl SubmissionInput {
    pub fn parse(&self) -> Result<NewSubmission, Invalid> {
        let mut c = Checker::new();
        let text = c.text("text", self.text.as_deref(), LONG.min(MAX_TEXT));
        if !text.is_empty() && text.chars().count() < 10 {
            c.fail("text", FieldCode::TooShort);
        }
        let ward = c.required("ward_unit_id", self.ward_unit_id);
        let category = match self.category.as_deref().map(str::trim) {
            None | Some("") => {
                c.fail("category", FieldCode::Required);
                None
            }
            Some(code) => {
                let name = category_name(code);
                if name.is_none() {
                    c.fail("category", FieldCode::InvalidChoice);
                }
                name
            }
        };
        let email = c.opt_text("email", self.email.as_deref(), 254);
        if email.as_deref().is_some_and(|e| !looks_like_email(e)) {
            c.fail("email", FieldCode::InvalidChoice);
        }
        c.finish(())?;
        Ok(NewSubmission {
            text,
            ward_unit_id: ward.expect("checked"),
            category: category.expect("checked").to_string(),
            email,
            joins_petition_id: self.joins_petition_id,
        })
    }
}

/// One `@`, something on each side, a dot in the domain, no spaces or angle brackets: enough
/// to catch a typo; the mail server says the rest.
fn looks_like_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !e.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';'))
}

/// The human check: a small sum written in words, whose answer the form carries only as a
/// keyed digest, with the time it was asked. A robot must read the question, and wait.
pub mod challenge {
    use super::*;

    /// Shorter than this between the form drawn and sent: no person types a petition so fast.
    pub const MIN_FILL_MS: i64 = 3_000;
    /// A form older than this is asked again.
    pub const MAX_AGE_MS: i64 = 2 * 3600 * 1000;

    /// The two numbers (1 to 9) of the question numbered `nonce`.
    pub fn terms(nonce: u32) -> (u32, u32) {
        (nonce % 9 + 1, (nonce / 9) % 9 + 1)
    }

    const VI: [&str; 10] = [
        "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
    ];
    const EN: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];

    /// The question in Vietnamese and in English.
    pub fn question(nonce: u32) -> (String, String) {
        let (a, b) = terms(nonce);
        (
            format!("{} cộng {} bằng bao nhiêu?", VI[a as usize], VI[b as usize]),
            format!("What is {} plus {}?", EN[a as usize], EN[b as usize]),
        )
    }

    fn mac(secret: &[u8], issued_ms: i64, nonce: u32, answer: u32) -> String {
        let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
        m.update(format!("{issued_ms}.{nonce}.{answer}").as_bytes());
        let bytes = m.finalize().into_bytes();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The token the form carries: when it was asked, which question, and the digest of the
    /// right answer.
    pub fn token(secret: &[u8], issued_ms: i64, nonce: u32) -> String {
        let (a, b) = terms(nonce);
        format!(
            "{issued_ms}.{nonce}.{}",
            mac(secret, issued_ms, nonce, a + b)
        )
    }

    /// The question's number in a token, to draw it again with the form.
    pub fn nonce_of(token: &str) -> Option<u32> {
        token.split('.').nth(1)?.parse().ok()
    }

    /// Whether `answer` answers the token's question, sent between [`MIN_FILL_MS`] and
    /// [`MAX_AGE_MS`] after it was asked. The field is `answer`.
    pub fn check(secret: &[u8], token: &str, answer: &str, now_ms: i64) -> Result<(), Invalid> {
        let fail = |code| Err(Invalid::one("answer", code));
        let mut parts = token.split('.');
        let (Some(issued), Some(nonce), Some(given_mac), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return fail(FieldCode::InvalidChoice);
        };
        let (Ok(issued), Ok(nonce)) = (issued.parse::<i64>(), nonce.parse::<u32>()) else {
            return fail(FieldCode::InvalidChoice);
        };
        let Ok(answer) = answer.trim().parse::<u32>() else {
            return fail(if answer.trim().is_empty() {
                FieldCode::Required
            } else {
                FieldCode::InvalidChoice
            });
        };
        let want = mac(secret, issued, nonce, answer);
        let same = want.len() == given_mac.len()
            && want
                .bytes()
                .zip(given_mac.bytes())
                .fold(0u8, |acc, (x, y)| acc | (x ^ y))
                == 0;
        if !same {
            return fail(FieldCode::InvalidChoice);
        }
        let age = now_ms - issued;
        if age < MIN_FILL_MS {
            return fail(FieldCode::TooFast);
        }
        if age > MAX_AGE_MS {
            return fail(FieldCode::Stale);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typed_back() {
        let code = code_from(&[0, 1, 2, 28, 29, 57, 100, 200, 255, 7]);
        assert_eq!(code.len(), CODE_LEN);
        // (typed, stored)
        let table = [
            (code.clone(), Some(code.clone())),
            (code.to_lowercase(), Some(code.clone())),
            (
                format!("{}-{} ", &code[..5], &code[5..]),
                Some(code.clone()),
            ),
            ("ABCDEFGHJ".into(), None),
            ("ABCDEFGHJ0".into(), None),
            ("ABCDEFGHJI".into(), None),
            ("ABCDEFGHJKM".into(), None),
            ("ABCDEFGHJ✓".into(), None),
        ];
        for (typed, want) in table {
            assert_eq!(normalize_code(&typed), want, "{typed}");
        }
    }

    #[test]
    fn categories_by_code_and_name() {
        // (name, code)
        let table = [
            ("Đất đai", "dat-dai"),
            ("đất  đai ", "dat-dai"),
            ("Hạ tầng", "ha-tang"),
            ("An ninh, trật tự", "trat-tu"),
            ("Giao thông đô thị", "giao-thong-do-thi"),
        ];
        for (name, code) in table {
            assert_eq!(category_code(name), code, "{name}");
        }
        assert_eq!(category_name("moi-truong"), Some("Môi trường"));
        assert_eq!(category_name("Môi trường"), None);
    }

    #[test]
    fn submissions_are_checked() {
        let ok = SubmissionInput {
            text: Some("Đèn đường ngõ 12 tổ 3 hỏng đã hai tháng".into()),
            ward_unit_id: Some(4),
            category: Some("ha-tang".into()),
            email: Some("dan@example.vn".into()),
            ..Default::default()
        };
        let parsed = ok.parse().unwrap();
        assert_eq!(parsed.category, "Hạ tầng");
        // (input, field, code)
        let table = [
            (
                SubmissionInput {
                    text: None,
                    ..ok.clone()
                },
                "text",
                FieldCode::Required,
            ),
            (
                SubmissionInput {
                    text: Some("ngắn".into()),
                    ..ok.clone()
                },
                "text",
                FieldCode::TooShort,
            ),
            (
                SubmissionInput {
                    text: Some("x".repeat(MAX_TEXT + 1)),
                    ..ok.clone()
                },
                "text",
                FieldCode::TooLong,
            ),
            (
                SubmissionInput {
                    ward_unit_id: None,
                    ..ok.clone()
                },
                "ward_unit_id",
                FieldCode::Required,
            ),
            (
                SubmissionInput {
                    category: Some("Hạ tầng".into()),
                    ..ok.clone()
                },
                "category",
                FieldCode::InvalidChoice,
            ),
            (
                SubmissionInput {
                    email: Some("dan at example.vn".into()),
                    ..ok.clone()
                },
                "email",
                FieldCode::InvalidChoice,
            ),
            (
                SubmissionInput {
                    email: Some("dan@example.vn, b@c.d".into()),
                    ..ok.clone()
                },
                "email",
                FieldCode::InvalidChoice,
            ),
        ];
        for (input, field, code) in table {
            assert_eq!(
                input.parse().unwrap_err().on(field),
                Some(code),
                "{input:?}"
            );
        }
    }

    #[test]
    fn the_human_check() {
        use challenge::*;
        let secret = b"secret";
        let asked = 1_000_000;
        let nonce = 40;
        let (a, b) = terms(nonce);
        let right = (a + b).to_string();
        let token = token(secret, asked, nonce);
        assert_eq!(nonce_of(&token), Some(nonce));
        let later = asked + MIN_FILL_MS;
        // (token, answer, now, refused with)
        let table: Vec<(String, String, i64, Option<FieldCode>)> = vec![
            (token.clone(), right.clone(), later, None),
            (token.clone(), format!(" {right} "), later, None),
            (
                token.clone(),
                (a + b + 1).to_string(),
                later,
                Some(FieldCode::InvalidChoice),
            ),
            (token.clone(), "".into(), later, Some(FieldCode::Required)),
            (
                token.clone(),
                "bảy".into(),
                later,
                Some(FieldCode::InvalidChoice),
            ),
            (
                token.clone(),
                right.clone(),
                later - 1,
                Some(FieldCode::TooFast),
            ),
            (
                token.clone(),
                right.clone(),
                asked + MAX_AGE_MS + 1,
                Some(FieldCode::Stale),
            ),
            // Signed with another secret, or a question swapped: refused.
            (
                challenge::token(b"other", asked, nonce),
                right.clone(),
                later,
                Some(FieldCode::InvalidChoice),
            ),
            (
                token.replacen(&format!(".{nonce}."), ".41.", 1),
                right.clone(),
                later,
                Some(FieldCode::InvalidChoice),
            ),
            // Asked "later" by editing the time: the digest no longer fits.
            (
                token.replacen(&asked.to_string(), "0", 1),
                right.clone(),
                later,
                Some(FieldCode::InvalidChoice),
            ),
            (
                "garbage".into(),
                right.clone(),
                later,
                Some(FieldCode::InvalidChoice),
            ),
        ];
        for (token, answer, now, want) in table {
            let got = check(secret, &token, &answer, now)
                .err()
                .and_then(|e| e.on("answer"));
            assert_eq!(got, want, "{token} {answer} {now}");
        }
        let (vi, en) = question(nonce);
        assert!(vi.contains("cộng") && en.starts_with("What is"));
    }
}

//! News of a session for the public site: an article drafted by an editor (from a session's
//! records and report), published by a leader, and withdrawn at once from every public place
//! when a leader takes it down.
//!
//! The life of an article: `draft` → `review` (sent for sign-off) → `published`; a leader may
//! publish a draft directly, return one under review to `draft`, and take a published one
//! down (`withdrawn`), after which it is edited and sent again. What an editor may do is in
//! the permission matrix (`Action::EditArticle`, `Action::PublishArticle`); which moves exist
//! is here.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::validate::{Checker, LONG, SHORT};
use crate::{Id, Invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    Review,
    Published,
    Withdrawn,
}

/// What a person does to an article's publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ArticleAction {
    /// Send for a leader's sign-off.
    Submit,
    /// Back to the editor, unpublished.
    Return,
    Publish,
    /// Take a published article off every public place.
    Withdraw,
}

impl ArticleStatus {
    pub const ALL: [ArticleStatus; 4] = [
        ArticleStatus::Draft,
        ArticleStatus::Review,
        ArticleStatus::Published,
        ArticleStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Review => "review",
            ArticleStatus::Published => "published",
            ArticleStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The status after `action`, or `None` when it does not apply.
    pub fn after(self, action: ArticleAction) -> Option<ArticleStatus> {
        use ArticleAction as A;
        use ArticleStatus as S;
        match (self, action) {
            (S::Draft | S::Withdrawn, A::Submit) => Some(S::Review),
            (S::Review, A::Return) => Some(S::Draft),
            (S::Draft | S::Review | S::Withdrawn, A::Publish) => Some(S::Published),
            (S::Published, A::Withdraw) => Some(S::Withdrawn),
            _ => None,
        }
    }

    /// Whether an editor may still change its words: not while it is public (a leader
    /// takes it down first, or edits it themself).
    pub fn editable_by_editor(self) -> bool {
        self != ArticleStatus::Published
    }
}

impl ArticleAction {
    pub const ALL: [ArticleAction; 4] = [
        ArticleAction::Submit,
        ArticleAction::Return,
        ArticleAction::Publish,
        ArticleAction::Withdraw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleAction::Submit => "submit",
            ArticleAction::Return => "return",
            ArticleAction::Publish => "publish",
            ArticleAction::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the move is the issuer's side (publishing or taking down), for leaders only.
    pub fn signs_off(self) -> bool {
        !matches!(self, ArticleAction::Submit)
    }
}

/// A news article as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Article {
    pub id: Id,
    /// The session it reports, if any.
    pub session_id: Option<Id>,
    /// The unit it is about (the session's host by default): its page and feed list it.
    pub unit_id: Option<Id>,
    pub title: String,
    /// The lead paragraph, shown in lists and feeds.
    pub lead: String,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// The byline ("Văn Hùng", "Ban Biên tập").
    pub author: Option<String>,
    /// For the newsroom only: never on a public page or feed.
    pub note: Option<String>,
    pub status: ArticleStatus,
    /// When it first went public (kept when it is taken down and published again).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub published_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub updated_at: Timestamp,
    pub version: i64,
}

/// A photo of an article, as dondoc keeps it (re-encoded at `widths`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArticlePhoto {
    pub id: Id,
    pub article_id: Id,
    pub position: i64,
    pub caption: Option<String>,
    /// The widest kept, and its height.
    pub width: i64,
    pub height: i64,
    /// Every width it is kept at, narrowest first.
    pub widths: Vec<i64>,
}

/// An article's words, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewArticle {
    pub session_id: Option<Id>,
    pub unit_id: Option<Id>,
    pub title: String,
    pub lead: String,
    pub body: String,
    pub author: Option<String>,
    pub note: Option<String>,
}

/// The longest body: a long report, not a book.
pub const BODY_MAX: usize = 100_000;

impl crate::input::ArticleInput {
    pub fn parse(&self) -> Result<NewArticle, Invalid> {
        let mut c = Checker::new();
        let title = c.text("title", self.title.as_deref(), SHORT);
        let lead = c.text("lead", self.lead.as_deref(), 2_000);
        let body = c.text("body", self.body.as_deref(), BODY_MAX);
        let author = c.opt_text("author", self.author.as_deref(), 120);
        let note = c.opt_text("note", self.note.as_deref(), LONG);
        c.finish(NewArticle {
            session_id: self.session_id,
            unit_id: self.unit_id,
            title,
            lead,
            body,
            author,
            note,
        })
    }
}

/// The paragraphs of a body (blank lines apart; single line breaks kept inside one).
pub fn paragraphs(body: &str) -> Vec<&str> {
    body.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// A short address word from a title ("Đoàn công tác làm việc với phường Hà Lầm" →
/// "doan-cong-tac-lam-viec-voi-phuong-ha-lam"), at most 80 characters, cut at a word.
pub fn slug(title: &str) -> String {
    let key = dondoc_text::fold(title);
    let mut out = String::new();
    for word in key.split(' ').filter(|w| !w.is_empty()) {
        let word: String = word.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        if word.is_empty() {
            continue;
        }
        if out.len() + word.len() + 1 > 80 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ArticleAction as A;
    use ArticleStatus as S;

    #[test]
    fn an_article_goes_public_only_by_publishing() {
        let table = [
            (S::Draft, A::Submit, Some(S::Review)),
            (S::Draft, A::Publish, Some(S::Published)),
            (S::Draft, A::Withdraw, None),
            (S::Draft, A::Return, None),
            (S::Review, A::Return, Some(S::Draft)),
            (S::Review, A::Publish, Some(S::Published)),
            (S::Review, A::Submit, None),
            (S::Published, A::Withdraw, Some(S::Withdrawn)),
            (S::Published, A::Publish, None),
            (S::Published, A::Submit, None),
            (S::Published, A::Return, None),
            (S::Withdrawn, A::Submit, Some(S::Review)),
            (S::Withdrawn, A::Publish, Some(S::Published)),
            (S::Withdrawn, A::Withdraw, None),
        ];
        for (from, action, to) in table {
            assert_eq!(from.after(action), to, "{from:?} {action:?}");
        }
        assert!(!S::Published.editable_by_editor());
        assert!(S::Withdrawn.editable_by_editor());
    }

    #[test]
    fn slugs_are_ascii_words() {
        assert_eq!(
            slug("Đoàn công tác làm việc với phường Hà Lầm (TP. Hạ Long)"),
            "doan-cong-tac-lam-viec-voi-phuong-ha-lam-tp-ha-long"
        );
        assert_eq!(slug("%%%"), "");
        assert!(slug(&"dài ".repeat(100)).len() <= 80);
    }

    #[test]
    fn paragraphs_are_split_on_blank_lines() {
        assert_eq!(paragraphs("a\nb\n\n\n c \n\n"), vec!["a\nb", "c"]);
    }
}

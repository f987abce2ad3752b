//! Mail: the words of each notice in the person's language, and the SMTP transport (lettre,
//! rustls; no OpenSSL). The transport is configured once (`--smtp-url`); without one, notices
//! stay in the app and nothing is mailed.

use std::time::Duration;

use dondoc_domain::follow::{Language, NoticeKind};
use dondoc_store::{MailOut, Notice};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where mail goes out, whom it is from, and the address of dondoc that links point to.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

/// How long one mail may take, from connecting to the server's answer.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

impl Mailer {
    /// `smtp_url` as lettre reads it: `smtp://host:25` (plain, for a relay on the same
    /// network), `smtp://host:587?tls=required` (STARTTLS), `smtps://user:pass@host:465`.
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("the SMTP URL is not usable: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("the sender address {from:?} is not usable: {e}"))?;
        Ok(Mailer {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    /// Sends one notice's mail. The Message-ID is the notice's own, so that a mail sent again
    /// after a node stopped between sending and recording it is the same message to the
    /// receiving server.
    pub async fn send(&self, m: &MailOut) -> Result<(), String> {
        let (subject, body) = words(&m.notice, m.language, &m.display_name, &self.public_url);
        let id = format!("notice-{}-{}", m.notice.id, digest(&m.key));
        self.deliver(&m.email, &m.display_name, subject, body, &id)
            .await
    }

    /// Sends a link that sets a new password (`path` under dondoc's public address), valid for
    /// `hours`.
    pub async fn send_reset(
        &self,
        email: &str,
        name: &str,
        lang: Language,
        path: &str,
        hours: i64,
    ) -> Result<(), String> {
        let link = format!("{}{path}", self.public_url);
        let (subject, body) = reset_words(lang, name, &link, hours);
        let id = format!("reset-{}", &dondoc_store::token_digest(path)[..24]);
        self.deliver(email, name, subject, body, &id).await
    }

    async fn deliver(
        &self,
        email: &str,
        name: &str,
        subject: String,
        body: String,
        id: &str,
    ) -> Result<(), String> {
        let to: Mailbox = format!("{} <{email}>", quote(name))
            .parse()
            .or_else(|_| email.parse())
            .map_err(|e| format!("address {email:?}: {e}"))?;
        let domain = self.from.email.domain().to_string();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{id}@{domain}>")))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The subject and body of a mail with a password-reset link.
pub fn reset_words(lang: Language, name: &str, link: &str, hours: i64) -> (String, String) {
    if lang == Language::Vi {
        (
            "Đặt lại mật khẩu dondoc".to_string(),
            format!(
                "Kính gửi {name},\n\nĐể đặt mật khẩu mới cho tài khoản dondoc của anh/chị, mời mở liên kết sau \
                 (dùng được một lần, trong {hours} giờ):\n\n{link}\n\nNếu anh/chị không đề nghị việc này, \
                 xin bỏ qua thư; mật khẩu hiện tại vẫn giữ nguyên.\n"
            ),
        )
    } else {
        (
            "Reset your dondoc password".to_string(),
            format!(
                "Dear {name},\n\nTo set a new password for your dondoc account, open this link \
                 (it works once, for {hours} hours):\n\n{link}\n\nIf you did not ask for this, \
                 ignore this mail; your password stays as it is.\n"
            ),
        )
    }
}

/// A display name as a quoted string of an address.
fn quote(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .collect();
    format!("\"{clean}\"")
}

fn digest(key: &str) -> String {
    // A short, stable tag of the notice's key.
    dondoc_store::token_digest(key)[..16].to_string()
}

/// What a notice is, in a few words: a mail's subject, the notices page's heading of it.
pub fn title(kind: NoticeKind, lang: Language) -> &'static str {
    match (kind, lang == Language::Vi) {
        (NoticeKind::Assigned, true) => "Nhiệm vụ mới giao cho đơn vị",
        (NoticeKind::Assigned, false) => "A new directive for your unit",
        (NoticeKind::Coordinating, true) => "Nhiệm vụ phối hợp",
        (NoticeKind::Coordinating, false) => "A directive to coordinate",
        (NoticeKind::PetitionAssigned, true) => "Kiến nghị giao cho đơn vị giải quyết",
        (NoticeKind::PetitionAssigned, false) => "A petition for your unit to answer",
        (NoticeKind::DueSoon, true) => "Sắp đến hạn",
        (NoticeKind::DueSoon, false) => "Deadline approaching",
        (NoticeKind::DueToday, true) => "Đến hạn hôm nay",
        (NoticeKind::DueToday, false) => "Due today",
        (NoticeKind::Overdue, true) => "Quá hạn",
        (NoticeKind::Overdue, false) => "Overdue",
        (NoticeKind::Digest, true) => "Tổng hợp nhiệm vụ quá hạn trong tuần",
        (NoticeKind::Digest, false) => "This week's overdue directives",
        (NoticeKind::Reported, true) => "Báo cáo hoàn thành chờ xác nhận",
        (NoticeKind::Reported, false) => "A result to accept or return",
        (NoticeKind::Returned, true) => "Báo cáo bị trả lại",
        (NoticeKind::Returned, false) => "Your report was returned",
        (NoticeKind::Accepted, true) => "Kết quả đã được xác nhận",
        (NoticeKind::Accepted, false) => "Your result was accepted",
        (NoticeKind::ExtensionRequested, true) => "Đề nghị gia hạn chờ xét",
        (NoticeKind::ExtensionRequested, false) => "A request for more time",
        (NoticeKind::ExtensionDecided, true) => "Đề nghị gia hạn đã được xét",
        (NoticeKind::ExtensionDecided, false) => "Your request for more time was decided",
        (NoticeKind::ShareReported, true) => "Đơn vị phối hợp báo cáo tiến độ",
        (NoticeKind::ShareReported, false) => "A coordinating unit reported its part",
        (NoticeKind::PetitionCoordinating, true) => "Kiến nghị đơn vị phối hợp giải quyết",
        (NoticeKind::PetitionCoordinating, false) => "A petition to coordinate on",
    }
}

/// The subject and plain-text body of a notice's mail.
pub fn words(n: &Notice, lang: Language, name: &str, public_url: &str) -> (String, String) {
    let vi = lang == Language::Vi;
    let date = |d: jiff::civil::Date| {
        if vi {
            d.strftime("%d/%m/%Y").to_string()
        } else {
            d.strftime("%-d %b %Y").to_string()
        }
    };
    let due = n.due_on.map(date).unwrap_or_default();
    let link = format!("{public_url}/{}s/{}", n.entity, n.entity_id);
    let subject = title(n.kind, lang);
    let lead = match (n.kind, vi) {
        (NoticeKind::Assigned, true) => {
            "Đơn vị của anh/chị được giao chủ trì nhiệm vụ:".to_string()
        }
        (NoticeKind::Assigned, false) => {
            "Your unit has been assigned to lead this directive:".to_string()
        }
        (NoticeKind::Coordinating, true) => {
            "Đơn vị của anh/chị được giao phối hợp thực hiện nhiệm vụ:".to_string()
        }
        (NoticeKind::Coordinating, false) => {
            "Your unit has been asked to coordinate on this directive:".to_string()
        }
        (NoticeKind::PetitionAssigned, true) => {
            "Đơn vị của anh/chị được giao giải quyết kiến nghị:".to_string()
        }
        (NoticeKind::PetitionAssigned, false) => {
            "Your unit has been asked to answer this petition:".to_string()
        }
        (NoticeKind::DueSoon, true) => format!("Nhiệm vụ của đơn vị đến hạn ngày {due}:"),
        (NoticeKind::DueSoon, false) => format!("A directive of your unit is due on {due}:"),
        (NoticeKind::DueToday, true) => "Hôm nay là hạn của nhiệm vụ:".to_string(),
        (NoticeKind::DueToday, false) => "This directive is due today:".to_string(),
        (NoticeKind::Overdue, true) => {
            format!("Nhiệm vụ đã quá hạn ngày {due} mà chưa hoàn thành:")
        }
        (NoticeKind::Overdue, false) => {
            format!("This directive passed its deadline of {due} unfinished:")
        }
        (NoticeKind::Digest, true) => "Các nhiệm vụ quá hạn của đơn vị:".to_string(),
        (NoticeKind::Digest, false) => "Your unit's overdue directives:".to_string(),
        (NoticeKind::Reported, true) => {
            "Đơn vị chủ trì đã báo cáo hoàn thành nhiệm vụ; đề nghị xác nhận hoặc trả lại:"
                .to_string()
        }
        (NoticeKind::Reported, false) => {
            "The lead unit reports this directive done; accept or return it:".to_string()
        }
        (NoticeKind::Returned, true) => "Báo cáo hoàn thành của đơn vị đã bị trả lại:".to_string(),
        (NoticeKind::Returned, false) => {
            "Your unit's report of this directive was returned:".to_string()
        }
        (NoticeKind::Accepted, true) => {
            "Kết quả thực hiện nhiệm vụ của đơn vị đã được xác nhận:".to_string()
        }
        (NoticeKind::Accepted, false) => {
            "Your unit's result for this directive was accepted:".to_string()
        }
        (NoticeKind::ExtensionRequested, true) => {
            "Đơn vị chủ trì đề nghị gia hạn nhiệm vụ; đề nghị đồng ý hoặc không đồng ý:".to_string()
        }
        (NoticeKind::ExtensionRequested, false) => {
            "The lead unit asks for more time for this directive; grant or refuse it:".to_string()
        }
        (NoticeKind::ExtensionDecided, true) => {
            "Đề nghị gia hạn của đơn vị đã được xét:".to_string()
        }
        (NoticeKind::ExtensionDecided, false) => {
            "Your unit's request for more time was decided:".to_string()
        }
        (NoticeKind::ShareReported, true) => {
            "Một đơn vị phối hợp đã báo cáo tiến độ phần việc của mình trong nhiệm vụ đơn vị chủ trì:"
                .to_string()
        }
        (NoticeKind::ShareReported, false) => {
            "A coordinating unit reported its part of a directive your unit leads:".to_string()
        }
        (NoticeKind::PetitionCoordinating, true) => {
            "Đơn vị của anh/chị được giao phối hợp giải quyết kiến nghị:".to_string()
        }
        (NoticeKind::PetitionCoordinating, false) => {
            "Your unit has been asked to coordinate on the answer to this petition:".to_string()
        }
    };
    let greeting = if vi {
        format!("Kính gửi {name},")
    } else {
        format!("Dear {name},")
    };
    let mut body = format!("{greeting}\n\n{lead}\n\n");
    if n.kind == NoticeKind::Digest {
        for line in n.detail.as_deref().unwrap_or_default().lines() {
            let mut parts = line.splitn(3, '\t');
            let (Some(id), Some(deadline), Some(text)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let deadline = deadline
                .parse()
                .map(date)
                .unwrap_or_else(|_| deadline.to_string());
            let label = if vi { "hạn" } else { "due" };
            body.push_str(&format!(
                "- {text} ({label} {deadline})\n  {public_url}/directives/{id}\n"
            ));
        }
    } else {
        body.push_str(&format!("  {}\n", n.title));
        if !due.is_empty() && n.kind != NoticeKind::DueSoon && n.kind != NoticeKind::Overdue {
            body.push_str(&format!(
                "  {} {due}\n",
                if vi { "Hạn:" } else { "Deadline:" }
            ));
        }
        let decided;
        let detail = if n.kind == NoticeKind::ExtensionDecided {
            decided = decision_words(n.detail.as_deref().unwrap_or_default(), vi);
            Some(decided.as_str())
        } else {
            n.detail.as_deref()
        };
        if let Some(detail) = detail.filter(|d| !d.is_empty()) {
            let label = match (n.kind, vi) {
                (NoticeKind::Reported, true) => "Kết quả:",
                (NoticeKind::Reported, false) => "Result:",
                (NoticeKind::ShareReported, true) => "Báo cáo:",
                (NoticeKind::ShareReported, false) => "Report:",
                (NoticeKind::ExtensionDecided, true) => "Quyết định:",
                (NoticeKind::ExtensionDecided, false) => "Decision:",
                (_, true) => "Lý do:",
                (_, false) => "Reason:",
            };
            body.push_str(&format!("  {label} {detail}\n"));
        }
        body.push_str(&format!("\n{link}\n"));
    }
    body.push_str(if vi {
        "\n--\nThư gửi tự động từ dondoc. Chọn thư muốn nhận tại trang Hồ sơ của anh/chị.\n"
    } else {
        "\n--\nSent by dondoc. Choose which mail you receive on your profile page.\n"
    });
    let subject = format!("[dondoc] {subject}: {}", shorten(&n.title, 80));
    (subject, body)
}

/// A decision on a request for more time ("approved", "refused: note") in words.
pub fn decision_words(detail: &str, vi: bool) -> String {
    let (status, note) = detail.split_once(": ").unwrap_or((detail, ""));
    let word = match (status, vi) {
        ("approved", true) => "Đồng ý gia hạn",
        ("approved", false) => "Granted",
        (_, true) => "Không đồng ý gia hạn",
        (_, false) => "Refused",
    };
    if note.is_empty() {
        word.to_string()
    } else {
        format!("{word} — {note}")
    }
}

/// At most `max` characters, cut at a word with "…".
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{cut}…")
}

/// A petition's state in words, Vietnamese and English, for a resident's mail.
fn petition_state(status: &str) -> (&'static str, &'static str) {
    match status {
        "received" => ("đã tiếp nhận", "received"),
        "assigned" => ("đã giao đơn vị giải quyết", "assigned to a unit"),
        "in_progress" => ("đang giải quyết", "in progress"),
        "answered" => ("đã có trả lời", "answered"),
        "resolved" => ("đã giải quyết xong", "resolved"),
        "rejected" => ("không giải quyết", "rejected"),
        "reopened" => ("được mở lại", "reopened"),
        _ => ("đã thay đổi", "changed"),
    }
}

/// The subject and body of a mail to a resident about the petition they sent: both
/// languages, Vietnamese first (an address with no account says none), and the tracking
/// page's link.
pub fn resident_words(m: &dondoc_store::ResidentMail, public_url: &str) -> (String, String) {
    let s = &m.submission;
    let (vi, en) = match m.event_key.as_str() {
        "accepted" => (
            "đã được tiếp nhận và ghi nhận là kiến nghị".to_string(),
            "was accepted and recorded as a petition".to_string(),
        ),
        "rejected" => {
            let reason = s.reason.clone().unwrap_or_default();
            (
                format!("không được tiếp nhận. Lý do: {reason}"),
                format!("was not accepted. Reason: {reason}"),
            )
        }
        key => {
            let status = key.split(':').nth(1).unwrap_or("");
            let (vi, en) = petition_state(status);
            (vi.to_string(), format!("is now {en}"))
        }
    };
    let link = format!("{public_url}/kien-nghi/theo-doi/{}", s.code);
    let subject = format!("Kiến nghị {} / Petition {}", s.code, s.code);
    let text = shorten(&s.text, 200);
    let body = format!(
        "Kiến nghị của bạn ({text}) {vi}.\nXem chi tiết: {link}\n\n\
         Your petition ({text}) {en}.\nSee it at: {link}\n"
    );
    (subject, body)
}

impl Mailer {
    /// Sends one mail to a resident; its Message-ID is the row's own, as a notice's is.
    pub async fn send_resident(&self, m: &dondoc_store::ResidentMail) -> Result<(), String> {
        let (subject, body) = resident_words(m, &self.public_url);
        let id = format!("resident-{}-{}", m.id, digest(&m.event_key));
        self.deliver(&m.email, "", subject, body, &id).await
    }
}

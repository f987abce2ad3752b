//! Vietnamese first, English second. The language comes from the `lang` cookie (set by the
//! switch in the header), then from Accept-Language; Vietnamese when neither says.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::http::HeaderMap;
use dondoc_domain::FieldCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// The language of a request. Pages speak Vietnamese unless the switch (the `lang` cookie)
    /// says otherwise; API clients may also ask through Accept-Language.
    pub fn for_request(headers: &HeaderMap, path: &str) -> Lang {
        match cookie_lang(headers) {
            Some(l) => l,
            None if path.starts_with("/api/") => Self::from_accept_language(headers),
            None => Lang::Vi,
        }
    }

    fn from_accept_language(headers: &HeaderMap) -> Lang {
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accept.trim_start().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }

    #[cfg(test)]
    fn from_headers(headers: &HeaderMap) -> Lang {
        for cookie in headers.get_all(axum::http::header::COOKIE) {
            for part in cookie.to_str().unwrap_or("").split(';') {
                match part.trim() {
                    "lang=en" => return Lang::En,
                    "lang=vi" => return Lang::Vi,
                    _ => {}
                }
            }
        }
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if accept.trim_start().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Vi
        }
    }

    /// The text for `key`; the key itself when the catalogue lacks it (a test keeps it complete).
    pub fn t(self, key: &str) -> &'static str {
        static MAP: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
        let map = MAP.get_or_init(|| CATALOG.iter().map(|(k, vi, en)| (*k, (*vi, *en))).collect());
        match map.get(key) {
            Some((vi, en)) => match self {
                Lang::Vi => vi,
                Lang::En => en,
            },
            None => CATALOG
                .iter()
                .find(|(k, _, _)| *k == "missing")
                .map(|(_, vi, _)| *vi)
                .unwrap_or(""),
        }
    }

    /// What is wrong with `field`, in words: by the code, or for a few fields by what the
    /// refusal means there.
    pub fn field_message(self, field: &str, code: FieldCode) -> &'static str {
        match (field, code) {
            ("plan_value", FieldCode::Forbidden) => return self.t("err.plan_forbidden"),
            ("active", FieldCode::Forbidden) => return self.t("err.own_account"),
            ("login", FieldCode::Taken) => return self.t("err.login_taken"),
            ("again", FieldCode::InvalidChoice) => return self.t("err.password_again"),
            ("role", FieldCode::Forbidden) => return self.t("err.own_role"),
            ("host_unit_id", FieldCode::Forbidden) => return self.t("err.host_out_of_scope"),
            ("session_id", FieldCode::Taken) => return self.t("err.raised_at_session"),
            ("into_petition_id", FieldCode::Unchanged) => return self.t("err.merge_itself"),
            ("into_petition_id", FieldCode::Merged) => return self.t("err.into_merged"),
            ("into" | "session_into", FieldCode::InvalidChoice) => {
                return self.t("err.into_other_day")
            }
            _ => {}
        }
        self.t(match code {
            FieldCode::Required => "err.required",
            FieldCode::TooLong => "err.too_long",
            FieldCode::InvalidDate => "err.invalid_date",
            FieldCode::InvalidNumber => "err.invalid_number",
            FieldCode::InvalidChoice => "err.invalid_choice",
            FieldCode::OutOfRange => "err.out_of_range",
            FieldCode::DateOrder => "err.date_order",
            FieldCode::UnknownReference => "err.unknown_reference",
            FieldCode::Forbidden => "err.field_forbidden",
            FieldCode::Cycle => "err.cycle",
            FieldCode::TooShort => "err.too_short",
            FieldCode::Unchanged => "err.unchanged",
            FieldCode::Dissolved => "err.dissolved",
            FieldCode::Pending => "err.pending",
            FieldCode::Taken => "err.taken",
            FieldCode::Similar => "err.similar",
            FieldCode::Ambiguous => "err.ambiguous",
            FieldCode::Stale => "err.stale",
            FieldCode::Merged => "err.petition_merged",
            FieldCode::TooFast => "err.too_fast",
        })
    }

    /// Formats a number the way the language writes it: "8,5" in Vietnamese, "8.5" in English.
    pub fn number(self, v: f64, decimals: usize) -> String {
        let s = format!("{v:.decimals$}");
        let (int, frac) = s
            .split_once('.')
            .map(|(a, b)| (a.to_string(), Some(b.to_string())))
            .unwrap_or((s.clone(), None));
        let (sign, digits) = int
            .strip_prefix('-')
            .map(|d| ("-", d))
            .unwrap_or(("", int.as_str()));
        let (group, dec) = match self {
            Lang::Vi => ('.', ','),
            Lang::En => (',', '.'),
        };
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        let frac = frac
            .map(|f| f.trim_end_matches('0').to_string())
            .filter(|f| !f.is_empty());
        match frac {
            Some(f) => format!("{sign}{grouped}{dec}{f}"),
            None => format!("{sign}{grouped}"),
        }
    }

    /// An amount in its measure: "8,5 tỷ đồng" / "8.5 billion VND"; "87,2%".
    pub fn amount(self, v: f64, measure: &str) -> String {
        match measure {
            "VND" => {
                let (div, vi, en) = if v.abs() >= 1e9 {
                    (1e9, "tỷ đồng", "billion VND")
                } else if v.abs() >= 1e6 {
                    (1e6, "triệu đồng", "million VND")
                } else {
                    (1.0, "đồng", "VND")
                };
                let unit = if self == Lang::Vi { vi } else { en };
                format!("{} {unit}", self.number(v / div, 3))
            }
            "percent" => format!("{}%", self.number(v, 1)),
            other => format!("{} {other}", self.number(v, 2)),
        }
    }

    pub fn date(self, d: jiff::civil::Date) -> String {
        match self {
            Lang::Vi => format!("{:02}/{:02}/{}", d.day(), d.month(), d.year()),
            Lang::En => d.to_string(),
        }
    }

    pub fn opt_date(self, d: Option<jiff::civil::Date>) -> String {
        d.map(|d| self.date(d)).unwrap_or_default()
    }
}

fn cookie_lang(headers: &HeaderMap) -> Option<Lang> {
    for cookie in headers.get_all(axum::http::header::COOKIE) {
        for part in cookie.to_str().unwrap_or("").split(';') {
            match part.trim() {
                "lang=en" => return Some(Lang::En),
                "lang=vi" => return Some(Lang::Vi),
                _ => {}
            }
        }
    }
    None
}

/// (key, Vietnamese, English).
pub static CATALOG: &[(&str, &str, &str)] = &[
    ("missing", "(chưa dịch)", "(untranslated)"),
    ("app.tagline", "Theo dõi kết luận, kiến nghị và nhiệm vụ sau các buổi làm việc", "Following up what working sessions decide"),
    ("nav.dashboard", "Tổng quan", "Dashboard"),
    ("nav.sessions", "Buổi làm việc", "Sessions"),
    ("nav.petitions", "Kiến nghị", "Petitions"),
    ("nav.directives", "Nhiệm vụ", "Directives"),
    ("nav.targets", "Chỉ tiêu", "Targets"),
    ("nav.units", "Đơn vị", "Units"),
    ("nav.people", "Cán bộ", "People"),
    ("nav.documents", "Văn bản", "Documents"),
    ("nav.users", "Người dùng", "Users"),
    ("nav.login", "Đăng nhập", "Log in"),
    ("nav.logout", "Đăng xuất", "Log out"),
    ("nav.menu", "Danh mục", "Menu"),
    ("nav.notices", "Thông báo", "Notices"),
    ("calendar.title", "Lịch hạn (iCalendar)", "Deadlines calendar (iCalendar)"),
    ("calendar.intro", "Thêm hạn của các nhiệm vụ và kiến nghị đơn vị đang làm vào lịch của anh/chị (Google Calendar, Outlook, điện thoại) bằng một đường dẫn bí mật.", "Add the deadlines of your unit's open directives and petitions to your calendar (Google Calendar, Outlook, a phone) through a secret address."),
    ("calendar.made", "Đường dẫn mới (chỉ hiện một lần; đường dẫn cũ đã bị thu hồi):", "The new address (shown once; the old one no longer works):"),
    ("calendar.has", "Anh/chị đã có đường dẫn lịch. Tạo đường dẫn mới sẽ thu hồi đường dẫn cũ.", "You have a calendar address. Making a new one revokes the old."),
    ("calendar.unit_title", "Lịch hạn của đơn vị (iCalendar)", "The unit's deadlines calendar (iCalendar)"),
    ("calendar.unit_intro", "Một đường dẫn bí mật cho cả đơn vị (lịch chung, màn hình phòng họp): hạn của các nhiệm vụ và kiến nghị đơn vị và các đơn vị trực thuộc đang làm. Đường dẫn ngừng hoạt động khi người tạo bị khóa tài khoản hoặc chuyển khỏi đơn vị.", "One secret address for the whole unit (a shared calendar, a meeting-room screen): the deadlines of the open directives and petitions of the unit and the units below it. It stops working when the person who made it is locked or moves out of the unit."),
    ("calendar.unit_has", "Đơn vị đã có đường dẫn lịch. Tạo đường dẫn mới sẽ thu hồi đường dẫn cũ.", "The unit has a calendar address. Making a new one revokes the old."),
    ("calendar.make", "Tạo đường dẫn lịch", "Make a calendar address"),
    ("calendar.renew", "Tạo đường dẫn mới", "Make a new address"),
    ("calendar.revoke", "Thu hồi đường dẫn", "Revoke the address"),
    ("export.directives", "Nhiệm vụ", "Directives"),
    ("export.petitions", "Kiến nghị", "Petitions"),
    ("export.id", "Số", "No."),
    ("export.sessions", "Buổi làm việc", "Sessions"),
    ("export.units", "Đơn vị", "Units"),
    ("export.people", "Cán bộ", "People"),
    ("export.documents", "Văn bản", "Documents"),
    ("export.dissolved_on", "Ngày giải thể, sáp nhập", "Dissolved or merged on"),
    ("export.targets", "Chỉ tiêu", "Targets"),
    ("export.projected", "Dự kiến cuối kỳ (%)", "Projected at period end (%)"),
    ("export.timeliness", "Tình trạng thời hạn", "Against the deadline"),
    ("export.truncated", "Danh sách chỉ gồm 20.000 dòng đầu; hãy lọc hẹp hơn để xuất phần còn lại.", "The list holds the first 20,000 rows only; narrow the filters to export the rest."),
    ("export.xlsx", "Tải Excel", "Download Excel"),
    ("f.to", "Đến ngày", "To"),
    ("report.word", "Xuất báo cáo Word", "Word report"),
    ("report.petitions_form", "Báo cáo Word kết quả giải quyết kiến nghị cử tri", "Word report on the handling of voters' petitions"),
    ("report.make", "Xuất báo cáo Word", "Make the Word report"),
    ("report.session_subject_of", "Kết quả thực hiện kết luận của {delegation} tại buổi làm việc ngày {date}", "Results of carrying out the conclusions of {delegation} at the working session of {date}"),
    ("report.session_subject", "Kết quả thực hiện kết luận tại buổi làm việc ngày {date}", "Results of carrying out the conclusions of the working session of {date}"),
    ("report.session_part", "I. THÔNG TIN BUỔI LÀM VIỆC", "I. THE SESSION"),
    ("report.lead", "Trưởng đoàn", "Led by"),
    ("report.directives_part", "II. KẾT QUẢ THỰC HIỆN CÁC KẾT LUẬN, NHIỆM VỤ", "II. RESULTS OF THE CONCLUSIONS AND DIRECTIVES"),
    ("report.directive_counts", "Tổng số {total} nhiệm vụ: hoàn thành đúng hạn {on_time}; hoàn thành trễ hạn {late}; đang thực hiện trong hạn {in_progress}; quá hạn {overdue}; đã hủy {cancelled} (số liệu tính đến ngày {today}).", "{total} directives in all: {on_time} done on time; {late} done late; {in_progress} in progress within their deadline; {overdue} overdue; {cancelled} cancelled (as of {today})."),
    ("report.no", "TT", "No."),
    ("report.directive", "Nội dung kết luận, nhiệm vụ", "Conclusion or directive"),
    ("report.units", "Đơn vị chủ trì, phối hợp", "Lead and coordinating units"),
    ("report.with", "Phối hợp", "With"),
    ("report.state", "Tình trạng, tiến độ", "Status and progress"),
    ("report.latest", "Kết quả, tiến độ mới nhất", "Latest result or progress"),
    ("report.session_closing", "Trên đây là báo cáo kết quả thực hiện kết luận tại buổi làm việc", "This is the report on carrying out the conclusions of the session"),
    ("report.petitions_subject", "Kết quả giải quyết kiến nghị cử tri từ ngày {from} đến ngày {to}", "Results of handling voters' petitions from {from} to {to}"),
    ("report.summary_part", "I. KẾT QUẢ CHUNG", "I. SUMMARY"),
    ("report.petitions_scope", "Kiến nghị của cử tri về địa bàn hoặc giao {unit} và các đơn vị trực thuộc giải quyết, được nêu từ ngày {from} đến ngày {to}; số liệu tính đến ngày {today}.", "Voters' petitions about the area of {unit} and the units under it, or assigned to them, raised from {from} to {to}; figures as of {today}."),
    ("report.received", "Tổng số kiến nghị tiếp nhận: {n}.", "Petitions received: {n}."),
    ("report.petition_counts", "Đã giải quyết xong: {resolved}; đã trả lời: {answered}; đang giải quyết: {in_progress} (trong đó quá hạn: {overdue}); không tiếp nhận: {rejected}.", "Resolved: {resolved}; answered: {answered}; in progress: {in_progress} (of which overdue: {overdue}); rejected: {rejected}."),
    ("report.on_time", "Tỷ lệ trả lời đúng hạn: {on_time}/{answers} ({percent}).", "Answered by the due date: {on_time} of {answers} ({percent})."),
    ("report.no_answers", "Tỷ lệ trả lời đúng hạn: chưa có kiến nghị nào có hạn được trả lời.", "Answered by the due date: no petition with a due date has been answered yet."),
    ("report.petitions_part", "II. DANH MỤC KIẾN NGHỊ", "II. THE PETITIONS"),
    ("report.truncated", "Danh mục chỉ gồm 5.000 kiến nghị đầu tiên, và các số liệu trên chỉ tính các kiến nghị này; hãy chọn đơn vị hoặc thời gian hẹp hơn.", "The list holds the first 5,000 petitions only, and the figures above count those; choose a smaller unit or a shorter period."),
    ("report.petition", "Nội dung kiến nghị", "Petition"),
    ("report.answer", "Kết quả trả lời, giải quyết", "Answer or result"),
    ("report.petitions_closing", "Trên đây là báo cáo kết quả giải quyết kiến nghị cử tri", "This is the report on the handling of voters' petitions"),
    ("export.csv", "Tải CSV", "Download CSV"),
    ("err.pending", "Đã có một đề nghị đang chờ xét; chờ quyết định trước khi đề nghị lần nữa.", "A request is already waiting for a decision; wait for it before asking again."),
    ("directive.request_extension", "Đề nghị gia hạn", "Ask for more time"),
    ("directive.extension_requests", "Đề nghị gia hạn", "Requests for more time"),
    ("extension.approve", "Đồng ý gia hạn", "Grant the extension"),
    ("extension.refuse", "Không đồng ý gia hạn", "Refuse the extension"),
    ("extension.pending", "đang chờ xét", "waiting for a decision"),
    ("extension.approved", "đã đồng ý", "granted"),
    ("extension.refused", "không đồng ý", "refused"),
    ("f.note", "Ý kiến", "Note"),
    ("inbox.to_decide", "Báo cáo hoàn thành chờ anh/chị xác nhận", "Results waiting for you to accept or return"),
    ("da.report", "Báo cáo hoàn thành", "Report done"),
    ("da.accept", "Xác nhận hoàn thành", "Accept as done"),
    ("da.return", "Trả lại", "Return"),
    ("ds.reported", "Chờ xác nhận", "Awaiting acceptance"),
    ("step.report", "Báo cáo hoàn thành", "Reported done"),
    ("step.accept", "Xác nhận hoàn thành", "Accepted"),
    ("step.return", "Trả lại", "Returned"),
    ("step.complete", "Kết thúc", "Closed as done"),
    ("step.cancel", "Hủy", "Cancelled"),
    ("step.reopen", "Mở lại", "Reopened"),
    ("step.start", "Bắt đầu thực hiện", "Started"),
    ("f.result", "Kết quả thực hiện", "Result"),
    ("f.reason", "Lý do", "Reason"),
    ("directive.steps", "Báo cáo và xác nhận", "Reports and decisions"),
    ("directive.evidence", "Tài liệu minh chứng", "Evidence"),
    ("evidence.file", "Tệp minh chứng", "Evidence file"),
    ("evidence.hint", "PDF, ảnh (PNG, JPEG, WebP), Word (.docx) hoặc Excel (.xlsx), tối đa 3 MB.", "PDF, an image (PNG, JPEG, WebP), Word (.docx) or Excel (.xlsx), 3 MB at most."),
    ("evidence.add", "Tải lên", "Upload"),
    ("evidence.too_large", "Tệp lớn hơn 3 MB.", "The file is larger than 3 MB."),
    ("evidence.empty", "Chưa chọn tệp.", "No file was chosen."),
    ("evidence.wrong_kind", "Chỉ nhận PDF, ảnh PNG, JPEG, WebP, tệp Word (.docx) hoặc Excel (.xlsx); nội dung tệp này không phải các loại đó.", "Only PDF, PNG, JPEG, WebP, Word (.docx) or Excel (.xlsx) files are kept; this file's content is none of these."),
    ("nav.profile", "Hồ sơ", "Profile"),
    ("notices.intro", "Những việc đơn vị của anh/chị được giao, nhắc hạn và tổng hợp quá hạn hằng tuần. Chọn thư muốn nhận tại trang", "What your unit is handed, deadline reminders and the weekly overdue list. Choose which mail you receive on your"),
    ("notices.none", "Chưa có thông báo nào.", "No notices yet."),
    ("notices.new", "mới", "new"),
    ("notices.mailed", "đã gửi thư", "mailed"),
    ("notices.read_all", "Đánh dấu tất cả là đã đọc", "Mark all as read"),
    ("notices.mark_read", "Đã đọc", "Mark read"),
    ("notices.unread", "chưa đọc", "unread"),
    ("profile.intro", "Thông báo luôn hiện trong ứng dụng; tại đây anh/chị chọn những thư nhận qua email.", "Notices always show in the app; here you choose which of them reach you by email."),
    ("profile.email_hint", "Để trống nếu không muốn nhận thư.", "Leave empty to receive no mail."),
    ("profile.remind_hint", "Nhắc trước hạn bao nhiêu ngày (0 đến 30; 0: chỉ nhắc vào ngày đến hạn).", "How many days before a deadline to be reminded (0 to 30; 0: on the day only)."),
    ("lang.vi", "Tiếng Việt", "Vietnamese"),
    ("lang.en", "Tiếng Anh", "English"),
    ("f.email", "Email", "Email"),
    ("f.language", "Ngôn ngữ của thư", "Language of mail"),
    ("f.notify_mail", "Nhận thư khi đơn vị được giao việc, nhắc hạn và quá hạn", "Mail me when my unit is handed work, and of deadlines and overdue work"),
    ("f.remind_days", "Nhắc trước hạn (ngày)", "Remind before a deadline (days)"),
    ("f.weekly_digest", "Nhận tổng hợp quá hạn mỗi sáng thứ Hai", "Receive the overdue list every Monday morning"),
    ("lang.switch", "English", "Tiếng Việt"),
    ("login.title", "Đăng nhập", "Log in"),
    ("login.login", "Tên đăng nhập", "Login"),
    ("login.password", "Mật khẩu", "Password"),
    ("login.submit", "Đăng nhập", "Log in"),
    ("login.failed", "Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong login or password."),
    ("login.throttled_s", "Đăng nhập sai nhiều lần. Vui lòng chờ {n} giây rồi thử lại.", "Too many failed attempts. Wait {n} seconds, then try again."),
    ("login.throttled_m", "Đăng nhập sai nhiều lần. Vui lòng chờ {n} phút rồi thử lại.", "Too many failed attempts. Wait {n} minutes, then try again."),
    ("dash.title", "Tổng quan", "Dashboard"),
    ("dash.open_petitions", "Kiến nghị đang mở theo trạng thái", "Open petitions by status"),
    ("dash.due_soon", "Nhiệm vụ đến hạn trong 14 ngày", "Directives due in the next 14 days"),
    ("dash.overdue", "Nhiệm vụ quá hạn", "Overdue directives"),
    ("dash.latest", "Buổi làm việc gần đây", "Latest sessions"),
    ("dash.none", "Không có.", "None."),
    ("common.search", "Tìm kiếm", "Search"),
    ("common.search_hint", "Gõ có dấu hoặc không dấu", "With or without diacritics"),
    ("common.filter", "Lọc", "Filter"),
    ("common.all", "Tất cả", "All"),
    ("common.save", "Lưu", "Save"),
    ("common.create", "Tạo mới", "Create"),
    ("common.edit", "Sửa", "Edit"),
    ("common.cancel", "Hủy", "Cancel"),
    ("common.history", "Lịch sử thay đổi", "History"),
    ("common.prev", "← Trang trước", "← Previous"),
    ("common.next", "Trang sau →", "Next →"),
    ("common.pages", "Các trang", "Pages"),
    ("common.total", "Tổng số", "Total"),
    ("common.more_than", "hơn", "more than"),
    ("common.none", "—", "—"),
    ("common.yes", "Có", "Yes"),
    ("common.no", "Không", "No"),
    ("common.back", "Quay lại", "Back"),
    ("common.fix_errors", "Vui lòng sửa các trường được đánh dấu bên dưới.", "Please correct the marked fields below."),
    ("common.saved", "Đã lưu.", "Saved."),
    ("common.created_by", "bởi", "by"),
    ("common.system", "hệ thống", "system"),
    ("common.choose", "— Chọn —", "— Choose —"),
    ("common.clear_filter", "Bỏ lọc", "Clear the filter"),
    ("nav.inbox", "Việc của đơn vị", "My unit's work"),
    ("nav.stats", "Thống kê", "Statistics"),
    ("filter.on", "Đang lọc", "Filters on"),
    ("filter.remove", "bỏ điều kiện này", "remove this filter"),
    ("filter.clear", "Bỏ tất cả", "Clear all"),
    ("filter.more", "Lọc thêm", "More filters"),
    ("filter.subtree", "cả cấp dưới", "and below"),
    ("filter.open_only", "chưa giải quyết xong", "still open"),
    ("filter.status", "Trạng thái", "Status"),
    ("filter.due", "Thời hạn", "Due"),
    ("filter.open", "Tình trạng", "State"),
    ("filter.area_unit_id", "Địa bàn", "Area"),
    ("filter.responsible_unit_id", "Đơn vị giải quyết", "Responsible unit"),
    ("filter.lead_unit_id", "Đơn vị chủ trì", "Lead unit"),
    ("filter.session_id", "Buổi làm việc", "Session"),
    ("filter.category", "Lĩnh vực", "Category"),
    ("filter.raised_min", "Được nêu ít nhất (lần)", "Raised at least (times)"),
    ("filter.open_months", "Chưa giải quyết quá (tháng)", "Open for more than (months)"),
    ("filter.raised_from", "Nêu lần đầu từ ngày", "First raised from"),
    ("filter.raised_to", "Nêu lần đầu đến ngày", "First raised until"),
    ("filter.deadline_from", "Hạn từ ngày", "Deadline from"),
    ("filter.deadline_to", "Hạn đến ngày", "Deadline until"),
    ("f.raised_min", "Được nêu ít nhất (lần)", "Raised at least (times)"),
    ("f.open_months", "Chưa giải quyết quá (tháng)", "Open for more than (months)"),
    ("f.raised_from", "Nêu lần đầu từ ngày", "First raised from"),
    ("f.raised_to", "Nêu lần đầu đến ngày", "First raised until"),
    ("f.deadline_from", "Hạn từ ngày", "Deadline from"),
    ("f.deadline_to", "Hạn đến ngày", "Deadline until"),
    ("stats.title", "Thống kê, đánh giá", "Statistics"),
    ("stats.all_units", "Tất cả đơn vị", "All units"),
    ("stats.period", "Kỳ thống kê", "Period"),
    ("stats.show", "Xem", "Show"),
    ("stats.done", "Nhiệm vụ hoàn thành trong kỳ", "Directives done in the period"),
    ("stats.late_word", "trễ hạn", "late"),
    ("stats.on_time_rate", "Tỷ lệ đúng hạn", "On-time rate"),
    ("stats.overdue", "Nhiệm vụ quá hạn", "Overdue directives"),
    ("stats.oldest", "lâu nhất", "longest"),
    ("stats.days", "ngày", "days"),
    ("stats.petitions_open", "Kiến nghị chưa giải quyết xong", "Petitions still open"),
    ("stats.petitions", "Kiến nghị", "Petitions"),
    ("stats.of_total", "trên tổng số", "of"),
    ("stats.by_unit", "Tỷ lệ hoàn thành nhiệm vụ đúng hạn theo đơn vị", "Directives done on time, by unit"),
    ("stats.unit", "Đơn vị", "Unit"),
    ("stats.itself", "trực tiếp", "itself"),
    ("stats.on_time", "Đúng hạn", "On time"),
    ("stats.late", "Trễ hạn", "Late"),
    ("stats.open", "Đang thực hiện", "Open"),
    ("stats.by_month", "Nhiệm vụ hoàn thành theo tháng", "Directives done, by month"),
    ("stats.month", "Tháng", "Month"),
    ("stats.by_age", "Nhiệm vụ quá hạn theo thời gian quá hạn", "Overdue directives, by how long"),
    ("stats.overdue_for", "Quá hạn", "Overdue for"),
    ("stats.directives", "Nhiệm vụ", "Directives"),
    ("stats.age.week", "1–7 ngày", "1–7 days"),
    ("stats.age.month", "8–30 ngày", "8–30 days"),
    ("stats.age.quarter", "31–90 ngày", "31–90 days"),
    ("stats.age.older", "Trên 90 ngày", "Over 90 days"),
    ("stats.petitions_by_area", "Kiến nghị chưa giải quyết xong theo địa bàn", "Open petitions, by area"),
    ("stats.area", "Địa bàn", "Area"),
    ("stats.petitions_by_status", "Kiến nghị theo trạng thái", "Petitions, by status"),
    ("stats.petitions_by_category", "Kiến nghị theo lĩnh vực", "Petitions, by category"),
    ("stats.no_category", "Chưa phân loại", "No category"),
    ("stats.other_categories", "Lĩnh vực khác", "Other categories"),
    ("stats.most_raised", "Kiến nghị được nêu nhiều lần nhất", "Petitions raised most often"),
    ("stats.see_all", "Xem tất cả", "See all"),
    ("stats.targets", "Chỉ tiêu: kết quả và dự báo đến cuối kỳ", "Targets: attained and heading to"),
    ("stats.plan", "Kế hoạch", "Plan"),
    ("stats.latest", "Số liệu mới nhất", "Latest figure"),
    ("stats.attained", "Đạt (% kế hoạch)", "Attained (% of plan)"),
    ("stats.projected", "Dự báo cuối kỳ", "Heading to"),
    ("stats.projection_note", "Dự báo theo đường thẳng: giữ nhịp độ từ đầu kỳ đến số liệu mới nhất cho đến hết kỳ.", "Straight-line projection: the pace from the start of the period to the latest figure, kept to its end."),
    ("stats.nothing", "Không có số liệu trong kỳ.", "No figures in this period."),
    ("stats.table", "Bảng số liệu", "Figures"),
    ("stats.drill", "Bấm tên đơn vị để xem cấp dưới.", "Choose a unit to see the level below."),
    (
        "inbox.intro",
        "Nhiệm vụ đơn vị chủ trì hoặc phối hợp và kiến nghị đơn vị phải trả lời, chưa xong, theo hạn.",
        "Directives your unit leads or coordinates and petitions it must answer, still open, by due date.",
    ),
    (
        "inbox.no_unit",
        "Tài khoản này không thuộc đơn vị nào, nên không có việc của đơn vị.",
        "This account belongs to no unit, so no unit's work is shown.",
    ),
    ("inbox.overdue", "Quá hạn", "Overdue"),
    ("inbox.this_week", "Đến hạn trong tuần này", "Due this week"),
    ("inbox.later", "Hạn sau", "Due later"),
    ("inbox.no_deadline", "Chưa có hạn", "No deadline"),
    ("inbox.nothing", "Không có việc đang mở.", "Nothing open."),
    (
        "inbox.more",
        "Còn việc khác: xem đủ ở trang Nhiệm vụ và Kiến nghị.",
        "There is more: see the Directives and Petitions pages.",
    ),
    ("pick.title", "Chọn cho đúng", "Choose which one"),
    ("pick.none", "Không có bản ghi nào khớp với", "Nothing on record matches"),
    ("pick.again", "Gõ lại tên", "Type the name again"),
    ("pick.several", "Có nhiều bản ghi khớp với", "Several records match"),
    ("pick.continue", "Tiếp tục", "Continue"),
    (
        "pick.hint",
        "Gõ vài chữ của tên rồi chọn trong danh sách gợi ý.",
        "Type part of the name, then choose a suggestion.",
    ),
    ("f.date", "Ngày", "Date"),
    ("f.place", "Địa điểm", "Place"),
    ("f.title", "Tiêu đề", "Title"),
    ("f.host_unit_id", "Đơn vị được làm việc", "Host unit"),
    ("f.delegation_name", "Đoàn công tác", "Delegation"),
    ("f.lead_person_id", "Trưởng đoàn / chủ trì", "Led by"),
    ("f.summary", "Tóm tắt", "Summary"),
    ("f.source_text", "Bài tường thuật gốc", "Source report"),
    ("f.published", "Công khai", "Published"),
    ("f.text", "Nội dung", "Text"),
    ("f.category", "Lĩnh vực", "Category"),
    ("f.area_unit_id", "Địa bàn", "Area"),
    ("f.raised_by", "Người/nơi kiến nghị", "Raised by"),
    ("f.responsible_unit_id", "Đơn vị giải quyết", "Responsible unit"),
    ("f.due_on", "Hạn trả lời", "Answer due"),
    ("f.session_id", "Buổi làm việc", "Session"),
    ("f.raised_on", "Ngày kiến nghị", "Raised on"),
    ("f.answer", "Trả lời", "Answer"),
    ("f.answered_on", "Ngày trả lời", "Answered on"),
    ("f.action", "Thao tác", "Action"),
    ("f.version", "Phiên bản", "Version"),
    ("f.lead_unit_id", "Đơn vị chủ trì", "Lead unit"),
    ("f.coordinating_unit_ids", "Đơn vị phối hợp", "Coordinating units"),
    ("f.channel", "Nguồn kiến nghị", "Channel"),
    ("channel.meeting", "Tiếp xúc cử tri", "Voters' meeting"),
    ("channel.reception", "Tiếp công dân", "Citizens' reception"),
    ("channel.letter", "Đơn thư", "Letter or application"),
    ("channel.online", "Trực tuyến, đường dây nóng", "Online or hotline"),
    ("petition.notes", "Báo cáo của đơn vị phối hợp", "Coordinating units' reports"),
    ("petition.report_share", "Báo cáo phần phối hợp", "Report your unit's part"),
    ("petition.due_hint", "Để trống: tính theo số ngày làm việc quy định cho nguồn, lĩnh vực và việc phối hợp", "Left empty: the working days set for its channel, category and coordination"),
    ("f.deadline", "Thời hạn", "Deadline"),
    ("f.deadline_text", "Thời hạn (nguyên văn)", "Deadline as worded"),
    ("f.issued_by_person_id", "Người chỉ đạo", "Issued by"),
    ("f.done_on", "Ngày hoàn thành", "Done on"),
    ("f.percent", "Tiến độ (%)", "Progress (%)"),
    ("f.new_deadline", "Thời hạn mới", "New deadline"),
    ("f.unit_id", "Đơn vị", "Unit"),
    ("f.indicator", "Chỉ tiêu", "Indicator"),
    ("f.measure", "Đơn vị tính", "Unit of measure"),
    ("f.period_from", "Từ ngày", "From"),
    ("f.period_to", "Đến ngày", "To"),
    ("f.plan_value", "Kế hoạch", "Plan"),
    ("f.document_id", "Văn bản", "Document"),
    ("f.approved", "Đã phê duyệt", "Approved"),
    ("f.value", "Giá trị", "Value"),
    ("f.qualifier", "Mức độ", "Qualifier"),
    ("f.estimated", "Ước tính", "Estimated"),
    ("f.wording", "Nguyên văn", "As worded"),
    ("f.new_value", "Kế hoạch mới", "New plan"),
    ("target.amount_hint", "Ghi như thường viết: 8,5 tỷ; 126 triệu; 1.250.000 đồng; 87,2.", "Written as usual in Vietnamese: 8,5 tỷ; 126 triệu; 1.250.000 đồng; 87,2."),
    ("f.parent_id", "Đơn vị cấp trên", "Parent unit"),
    ("f.kind", "Loại", "Kind"),
    ("f.name", "Tên", "Name"),
    ("f.short_name", "Tên viết tắt", "Short name"),
    ("f.merged_into", "Sáp nhập vào", "Merged into"),
    ("f.login", "Tên đăng nhập", "Login"),
    ("f.display_name", "Họ tên", "Display name"),
    ("f.role", "Vai trò", "Role"),
    ("f.password", "Mật khẩu", "Password"),
    ("f.number", "Số, ký hiệu", "Number"),
    ("f.issuer", "Cơ quan ban hành", "Issuer"),
    ("f.subject", "Trích yếu", "Subject"),
    ("f.from", "Từ ngày", "From"),
    ("f.person_id", "Người", "Person"),
    ("f.status", "Trạng thái", "Status"),
    ("f.directive_id", "Nhiệm vụ", "Directive"),
    ("f.at", "Thời điểm", "At"),
    ("f.decided_at", "Thời điểm quyết định", "Decided at"),
    ("f.decided_by_name", "Người quyết định", "Decided by"),
    ("f.requested_by_name", "Người đề nghị", "Asked by"),
    ("f.requested_by", "Người đề nghị", "Asked by"),
    ("f.old_deadline", "Thời hạn cũ", "Old deadline"),
    ("f.size", "Dung lượng", "Size"),
    ("f.media_type", "Loại tệp", "File type"),
    ("f.evidence_id", "Tệp minh chứng", "Evidence file"),
    ("f.reject_reason", "Lý do không tiếp nhận", "Reason for rejecting"),
    ("f.raised_count", "Số lần kiến nghị", "Times raised"),
    ("f.progress_percent", "Tiến độ (%)", "Progress (%)"),
    ("f.body", "Dữ liệu gửi lên", "Request body"),
    ("err.required", "Không được để trống.", "This field is required."),
    ("err.too_long", "Quá dài.", "Too long."),
    ("err.too_short", "Quá ngắn (ít nhất 8 ký tự).", "Too short (at least 8 characters)."),
    ("err.invalid_date", "Ngày không hợp lệ (định dạng YYYY-MM-DD, ngày có thật).", "Not a valid date (YYYY-MM-DD, a real day)."),
    ("err.invalid_number", "Không phải là số hợp lệ.", "Not a valid number."),
    ("err.invalid_choice", "Giá trị không hợp lệ.", "Not a valid choice."),
    ("err.out_of_range", "Giá trị nằm ngoài khoảng cho phép.", "Out of the allowed range."),
    ("err.date_order", "Ngày kết thúc phải sau ngày bắt đầu.", "The end must not come before the start."),
    ("err.unknown_reference", "Không tìm thấy bản ghi được chọn.", "The chosen record does not exist."),
    ("err.field_forbidden", "Không được thay đổi trường này ở đây.", "This cannot be changed here."),
    ("err.plan_forbidden", "Không được sửa trực tiếp kế hoạch (hãy điều chỉnh kế hoạch kèm lý do).", "The plan cannot be edited here (amend it with a reason)."),
    ("err.own_account", "Bạn không thể tự khóa tài khoản của mình.", "You cannot deactivate your own account."),
    ("err.cycle", "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó.", "A unit cannot be placed under itself or a unit below it."),
    ("err.dissolved", "Đơn vị này đã giải thể hoặc sáp nhập vào đơn vị khác.", "This unit was dissolved or merged into another."),
    ("err.unchanged", "Giá trị mới trùng giá trị cũ.", "The new value is the same as the old one."),
    ("err.not_found", "Không tìm thấy trang hoặc bản ghi.", "Page or record not found."),
    ("err.forbidden", "Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
    ("err.unauthorized", "Vui lòng đăng nhập.", "Please log in."),
    ("err.stale", "Bản ghi vừa được người khác thay đổi. Những gì anh/chị nhập vẫn còn đây, trên bản ghi mới nhất: xem lại rồi lưu lần nữa.", "Someone else changed the record meanwhile. What you typed is kept here, on the record as it is now: check it and save again."),
    ("err.conflict", "Bản ghi đã được người khác thay đổi. Vui lòng tải lại trang và thử lại.", "The record was changed by someone else. Reload and try again."),
    ("err.duplicate", "Giá trị này đã tồn tại.", "This value exists already."),
    ("user.unit_hint", "Bắt buộc với cán bộ và văn thư: họ theo dõi, ghi nhận công việc của đơn vị mình.", "Required for officers and clerks, who follow up and record their unit's work."),
    ("err.taken", "Giá trị này đã được dùng.", "This value is already in use."),
    ("err.ambiguous", "Tên này ứng với nhiều bản ghi: ghi kèm số hiệu (… · #42).", "The name fits several records: add its number (… · #42)."),
    ("err.login_taken", "Tên đăng nhập này đã được dùng.", "This login is already in use."),
    ("err.similar", "Đã có kiến nghị tương tự ở địa bàn này: hãy ghi nhận lần nêu lại cho kiến nghị đó, hoặc xác nhận đây là kiến nghị mới.", "A petition like this one exists in this area: record it as raised again, or confirm that this one is new."),
    ("f.new_petition", "Kiến nghị mới", "New petition"),
    ("resident.submit_title", "Gửi kiến nghị", "Send a petition"),
    ("resident.submit_intro", "Kiến nghị của bạn được cán bộ phường, xã xem xét trước khi công khai. Bạn nhận một mã để theo dõi.", "Staff of the ward read your petition before it is made public. You get a code to follow it."),
    ("resident.have_code", "Đã có mã theo dõi? Xem tình trạng kiến nghị", "Have a tracking code? See where your petition stands"),
    ("resident.text", "Nội dung kiến nghị", "Your petition"),
    ("resident.ward", "Phường, xã", "Ward, commune"),
    ("resident.category", "Lĩnh vực", "Category"),
    ("resident.photo", "Ảnh kèm theo", "Photo"),
    ("resident.photo_hint", "Không bắt buộc. Ảnh JPEG, PNG hoặc WebP, tối đa 2 MB.", "Optional. A JPEG, PNG or WebP image, at most 2 MB."),
    ("resident.photo_kind", "Tệp không phải là ảnh JPEG, PNG hoặc WebP.", "The file is not a JPEG, PNG or WebP image."),
    ("resident.photo_large", "Ảnh quá lớn (tối đa 2 MB).", "The photo is too large (at most 2 MB)."),
    ("resident.email", "Thư điện tử (để nhận tin)", "Email (for updates)"),
    ("resident.email_hint", "Không bắt buộc. Chỉ dùng để báo cho bạn khi kiến nghị có tiến triển.", "Optional. Used only to tell you when your petition moves."),
    ("resident.email_bad", "Địa chỉ thư điện tử không hợp lệ.", "Not a valid email address."),
    ("resident.website", "Để trống ô này", "Leave this empty"),
    ("resident.human", "Câu hỏi kiểm tra:", "Check question:"),
    ("resident.human_hint", "Trả lời bằng chữ số, ví dụ 7.", "Answer in digits, e.g. 7."),
    ("resident.wrong_answer", "Câu trả lời chưa đúng. Vui lòng trả lời câu hỏi mới.", "That answer is not right. Please answer the new question."),
    ("resident.too_fast", "Biểu mẫu được gửi quá nhanh. Vui lòng kiểm tra lại và gửi lại.", "The form was sent too quickly. Please check it and send it again."),
    ("resident.form_stale", "Biểu mẫu đã quá hạn. Vui lòng trả lời câu hỏi mới.", "The form has expired. Please answer the new question."),
    ("resident.too_many", "Địa chỉ mạng của bạn đã gửi quá nhiều kiến nghị trong một giờ. Vui lòng thử lại sau.", "Too many petitions were sent from your network address in the last hour. Please try again later."),
    ("resident.send", "Gửi kiến nghị", "Send petition"),
    ("resident.similar_title", "Đã có kiến nghị tương tự", "Similar petitions exist"),
    ("resident.similar_intro", "Phường, xã này đã có kiến nghị giống nội dung bạn gửi. Bạn có thể thêm ý kiến của mình vào kiến nghị đó: nó được tính thêm một lần nêu.", "This ward has petitions like yours. You may add your voice to one of them: it counts as one more raising."),
    ("resident.choose_similar", "Bạn muốn", "You want to"),
    ("resident.add_voice", "Thêm ý kiến của bạn", "Add your voice"),
    ("resident.is_new", "Gửi như một kiến nghị mới", "Send it as a new petition"),
    ("resident.track_title", "Theo dõi kiến nghị", "Follow a petition"),
    ("resident.code", "Mã theo dõi", "Tracking code"),
    ("resident.code_hint", "10 ký tự, không phân biệt chữ hoa, chữ thường.", "10 characters, in any case."),
    ("resident.code_unknown", "Không tìm thấy kiến nghị với mã này.", "No petition has this code."),
    ("resident.follow", "Xem", "Show"),
    ("resident.sent", "Đã gửi kiến nghị. Hãy ghi lại mã theo dõi dưới đây.", "Your petition was sent. Note down the tracking code below."),
    ("resident.keep_code", "Ai có mã này đều xem được trang này; hãy giữ mã cho riêng bạn.", "Anyone with this code can see this page: keep it to yourself."),
    ("resident.state", "Tình trạng", "State"),
    ("resident.pending", "Đang chờ xem xét", "Waiting for review"),
    ("resident.accepted", "Đã tiếp nhận", "Accepted"),
    ("resident.rejected", "Không tiếp nhận", "Not accepted"),
    ("resident.sent_on", "Ngày gửi", "Sent on"),
    ("resident.reason", "Lý do không tiếp nhận", "Why it was not accepted"),
    ("resident.petition", "Kiến nghị được ghi nhận", "The petition on record"),
    ("resident.petition_state", "Kiến nghị", "Petition"),
    ("resident.responsible", "Đơn vị giải quyết", "Responsible unit"),
    ("resident.due", "Hạn trả lời", "Answer due"),
    ("resident.answer", "Trả lời của đơn vị", "The unit's answer"),
    ("resident.timeline", "Diễn biến", "Timeline"),
    ("resident.event_sent", "Gửi kiến nghị", "Petition sent"),
    ("resident.event_answered", "Đơn vị đã trả lời", "The unit answered"),
    ("moderation.title", "Kiểm duyệt kiến nghị của người dân", "Residents' petitions to review"),
    ("moderation.intro", "Kiến nghị người dân gửi về các phường, xã thuộc phạm vi của bạn. Tiếp nhận để ghi nhận và công khai; không tiếp nhận thì ghi rõ lý do, người gửi sẽ đọc được.", "Petitions residents sent about the wards of your scope. Accept to record and publish one; to reject one, say why: the resident reads it."),
    ("moderation.empty", "Không có kiến nghị nào đang chờ.", "Nothing is waiting."),
    ("moderation.joins", "Thêm ý kiến vào kiến nghị", "Adds a voice to petition"),
    ("moderation.accept", "Tiếp nhận", "Accept"),
    ("moderation.accept_voice", "Tiếp nhận: tính thêm một lần nêu", "Accept: count one more raising"),
    ("moderation.reason", "Lý do không tiếp nhận", "Reason for rejecting"),
    ("moderation.reject", "Không tiếp nhận", "Reject"),
    ("moderation.more", "Xem thêm", "More"),
    ("nav.moderation", "Kiểm duyệt", "Review"),
    ("nav.submit", "Gửi kiến nghị", "Send a petition"),
    ("err.too_fast", "Gửi quá nhanh.", "Sent too quickly."),
    ("open311.contact", "Văn phòng HĐND và UBND", "The office of the People's Council and Committee"),
    ("open311.key_service", "Khóa API do quản trị viên cấp cho từng ứng dụng.", "An administrator gives each client its API key."),
    ("open311.key_missing", "Thiếu khóa API (api_key).", "The API key (api_key) is missing."),
    ("open311.key_unknown", "Khóa API không hợp lệ hoặc đã bị thu hồi.", "The API key is unknown or revoked."),
    ("open311.notice", "Kiến nghị đang chờ cán bộ xem xét; mã (token) dùng để theo dõi.", "The petition waits for staff review; the token follows it."),
    ("similar.title", "Kiến nghị này có thể đã có", "This petition may exist already"),
    ("similar.intro", "Địa bàn này đã có kiến nghị tương tự. Nếu cử tri nêu lại kiến nghị cũ, hãy ghi nhận thêm một lần nêu cho kiến nghị đó thay vì tạo kiến nghị mới.", "This area has petitions like this one. If voters raised an earlier petition again, record one more raising of it instead of a new petition."),
    ("similar.raise", "Ghi nhận là lần nêu lại của kiến nghị này", "Record as raised again"),
    ("similar.reopen", "Nêu lại và mở lại kiến nghị này", "Raise again and reopen"),
    ("similar.new_hint", "Không trùng kiến nghị nào ở trên?", "None of the above?"),
    ("similar.new", "Ghi nhận là kiến nghị mới", "Record as a new petition"),
    ("import.recorded_already", "Buổi làm việc này có thể đã được ghi nhận (cùng ngày, cùng đơn vị chủ trì). Chọn buổi đó để chỉ bổ sung những gì còn thiếu: ý kiến, kiến nghị, nhiệm vụ, số liệu đã có sẽ không bị ghi hai lần.", "This session may be on record already (same day, same host). Choose it to add only what it lacks: participants, petitions, directives and figures it has are not recorded twice."),
    ("import.into", "Ghi vào", "Record into"),
    ("err.into_other_day", "Buổi đã chọn khác ngày hoặc khác đơn vị chủ trì so với bài: chọn buổi khác, hoặc một buổi mới.", "The session chosen was held another day or by another unit than the report says: choose another, or a new session."),
    ("import.into_new", "Một buổi làm việc mới", "A new session"),
    ("import.into_existing", "Buổi đã có:", "On record:"),
    ("f.into", "Buổi làm việc đã có", "Session on record"),
    ("f.into_petition_id", "Gộp vào kiến nghị", "Merge into petition"),
    ("f.into_version", "Phiên bản kiến nghị giữ lại", "Version of the petition kept"),
    ("f.merged_from", "Gộp từ kiến nghị", "Merged from petition"),
    ("f.raisings_moved", "Số lần nêu chuyển sang", "Raisings moved here"),
    ("f.shared_session_ids", "Buổi đã nêu cả hai (giữ một lần nêu)", "Sessions that raised both (one raising kept)"),
    ("f.petition", "Kiến nghị", "Petition"),
    ("err.merge_itself", "Không thể gộp một kiến nghị vào chính nó: hãy chọn kiến nghị khác.", "A petition cannot be merged into itself: choose another."),
    ("err.into_merged", "Kiến nghị được chọn đã được gộp vào kiến nghị khác: hãy chọn kiến nghị đang giữ các lần nêu của nó.", "The petition chosen was itself merged into another: choose the one that holds its raisings."),
    ("err.petition_merged", "Kiến nghị này đã được gộp vào kiến nghị khác; mọi thay đổi ghi ở kiến nghị đó.", "This petition was merged into another; record any change there."),
    ("err.raised_at_session", "Kiến nghị này đã được ghi nhận tại buổi làm việc này.", "This petition is already recorded as raised at this session."),
    ("err.invalid_input", "Dữ liệu không hợp lệ.", "Invalid input."),
    ("err.malformed_body", "Dữ liệu gửi lên không đọc được (JSON/biểu mẫu sai định dạng, sai kiểu hoặc không phải UTF-8).", "The request body could not be read (malformed JSON or form, wrong types or invalid UTF-8)."),
    ("err.transition", "Không thể chuyển sang trạng thái này từ trạng thái hiện tại.", "This change of status is not allowed from the current status."),
    ("err.csrf", "Phiên làm việc của biểu mẫu đã hết hạn. Vui lòng tải lại trang.", "The form has expired. Reload the page and try again."),
    ("err.too_large", "Dữ liệu gửi lên quá lớn.", "The request is too large."),
    ("err.too_many", "Quá nhiều yêu cầu. Vui lòng thử lại sau.", "Too many requests. Try again later."),
    ("err.method", "Phương thức không được hỗ trợ.", "Method not allowed."),
    ("err.media_type", "Kiểu dữ liệu không được hỗ trợ.", "Unsupported media type."),
    ("err.bad_request", "Yêu cầu không hợp lệ.", "Bad request."),
    ("err.internal", "Đã có lỗi hệ thống. Lỗi đã được ghi lại.", "Something went wrong on our side. It has been logged."),
    ("err.unavailable", "Hệ thống tạm thời không truy cập được cơ sở dữ liệu. Vui lòng thử lại sau ít phút.", "The database cannot be reached just now. Please try again in a few moments."),
    ("err.title", "Lỗi", "Error"),
    ("err.home", "Về trang chủ", "Go to the start page"),
    ("role.admin", "Quản trị", "Administrator"),
    ("role.leader", "Lãnh đạo", "Leader"),
    ("role.officer", "Chuyên viên", "Officer"),
    ("role.clerk", "Văn thư", "Clerk"),
    ("ps.received", "Mới tiếp nhận", "Received"),
    ("ps.assigned", "Đã giao", "Assigned"),
    ("ps.in_progress", "Đang giải quyết", "In progress"),
    ("ps.answered", "Đã trả lời", "Answered"),
    ("ps.resolved", "Đã giải quyết xong", "Resolved"),
    ("ps.rejected", "Không tiếp nhận", "Rejected"),
    ("ps.reopened", "Mở lại", "Reopened"),
    ("ps.merged", "Đã gộp vào kiến nghị khác", "Merged into another"),
    ("pa.assign", "Giao đơn vị giải quyết", "Assign"),
    ("pa.start", "Bắt đầu giải quyết", "Start"),
    ("pa.answer", "Trả lời", "Answer"),
    ("pa.resolve", "Xác nhận đã giải quyết", "Mark resolved"),
    ("pa.reject", "Không tiếp nhận", "Reject"),
    ("pa.reopen", "Mở lại", "Reopen"),
    ("ds.assigned", "Đã giao", "Assigned"),
    ("ds.in_progress", "Đang thực hiện", "In progress"),
    ("ds.done", "Hoàn thành", "Done"),
    ("ds.cancelled", "Đã hủy", "Cancelled"),
    ("da.start", "Bắt đầu thực hiện", "Start"),
    ("da.complete", "Kết thúc, ghi nhận hoàn thành", "Close as done"),
    ("da.cancel", "Hủy nhiệm vụ", "Cancel"),
    ("da.reopen", "Mở lại", "Reopen"),
    ("tl.no_deadline", "Không có thời hạn", "No deadline"),
    ("tl.on_track", "Trong hạn", "On track"),
    ("tl.due_soon", "Sắp đến hạn", "Due soon"),
    ("tl.overdue", "Quá hạn", "Overdue"),
    ("tl.done_on_time", "Hoàn thành đúng hạn", "Done on time"),
    ("tl.done_late", "Hoàn thành trễ hạn", "Done late"),
    ("tl.cancelled", "Đã hủy", "Cancelled"),
    ("q.exact", "", ""),
    ("q.over", "trên", "over"),
    ("q.under", "dưới", "under"),
    ("q.about", "khoảng", "about"),
    ("uk.party_committee", "Cấp ủy Đảng", "Party committee"),
    ("uk.peoples_council", "Hội đồng nhân dân", "People's Council"),
    ("uk.peoples_committee", "Ủy ban nhân dân", "People's Committee"),
    ("uk.front", "Mặt trận, đoàn thể", "Front and mass organisations"),
    ("uk.department", "Phòng, ban, sở", "Department"),
    ("uk.project_board", "Ban quản lý dự án", "Project board"),
    ("uk.enterprise", "Doanh nghiệp", "Enterprise"),
    ("uk.school", "Trường học", "School"),
    ("uk.health", "Y tế", "Health"),
    ("uk.ward", "Phường, xã", "Ward, commune"),
    ("uk.residential_area", "Khu dân cư", "Residential area"),
    ("uk.other", "Khác", "Other"),
    ("session.new", "Ghi nhận buổi làm việc", "Record a session"),
    ("session.edit", "Sửa buổi làm việc", "Edit session"),
    ("session.host", "Đơn vị được làm việc", "Host"),
    ("session.delegation", "Đoàn công tác", "Delegation"),
    ("session.lead", "Chủ trì", "Led by"),
    ("session.participants", "Thành phần tham dự", "Participants"),
    ("session.figures", "Kết quả so với kế hoạch", "Results against plan"),
    ("session.petitions", "Kiến nghị", "Petitions"),
    ("session.directives", "Kết luận, nhiệm vụ", "Directives"),
    ("session.documents", "Văn bản liên quan", "Documents"),
    ("session.source", "Bài tường thuật gốc", "Source report"),
    ("session.unpublished", "Chưa công khai", "Not published"),
    ("session.add_petition", "Thêm kiến nghị", "Add a petition"),
    ("session.add_directive", "Thêm nhiệm vụ", "Add a directive"),
    ("session.add_participant", "Thêm thành phần", "Add a participant"),
    ("session.role", "Vai trò tại buổi làm việc", "Role at the session"),
    ("petition.new", "Thêm kiến nghị", "New petition"),
    ("petition.merge", "Gộp vào kiến nghị khác", "Merge into another petition"),
    ("petition.merge_hint", "Khi hai bản ghi là cùng một kiến nghị: các lần nêu của kiến nghị này chuyển sang kiến nghị được chọn; kiến nghị này vẫn được lưu, kèm đường dẫn tới kiến nghị kia.", "When two records are the same petition: this one's raisings move to the one chosen; this one stays on record, with a link to that one."),
    ("petition.merge_confirm", "Xác nhận gộp kiến nghị", "Confirm the merge"),
    ("petition.merge_do", "Gộp", "Merge"),
    ("petition.merge_from", "Kiến nghị được gộp (sẽ đóng lại)", "Petition merged away (closed after)"),
    ("petition.merge_into", "Kiến nghị giữ lại (nhận các lần nêu)", "Petition kept (gets the raisings)"),
    ("petition.merge_moves", "Số lần nêu sẽ chuyển sang: {n}.", "Raisings that will move: {n}."),
    ("petition.merge_shared", "Các buổi làm việc đã nêu cả hai kiến nghị (mỗi buổi chỉ giữ một lần nêu):", "Sessions that raised both (each keeps one raising):"),
    ("petition.merge_keeps", "Kiến nghị giữ lại không đổi trạng thái, đơn vị giải quyết và hạn trả lời.", "The petition kept keeps its status, responsible unit and due date."),
    ("petition.merged_into", "Kiến nghị này đã được gộp vào kiến nghị (các lần nêu của nó nay thuộc kiến nghị đó):", "This petition was merged into another, which holds its raisings now:"),
    ("petition.merged_from", "gộp từ kiến nghị #{id}", "merged from petition #{id}"),
    ("petition.raised_times", "Số lần kiến nghị", "Times raised"),
    ("petition.raised_n", "Đã kiến nghị {n} lần", "Raised {n} times"),
    ("petition.raised_1", "Đã kiến nghị 1 lần", "Raised once"),
    ("petition.raisings", "Các lần kiến nghị", "Raisings"),
    ("petition.raise_again", "Ghi nhận kiến nghị lại", "Record it raised again"),
    ("petition.open", "Đang mở", "Open"),
    ("petition.sort_raised", "Kiến nghị nhiều lần nhất", "Most raised first"),
    ("petition.sort_recent", "Mới nhất", "Newest first"),
    ("directive.new", "Thêm nhiệm vụ", "New directive"),
    ("directive.progress", "Tiến độ", "Progress"),
    ("directive.report_progress", "Báo cáo tiến độ", "Report progress"),
    ("directive.report_share", "Báo cáo tiến độ phần phối hợp", "Report your unit's part"),
    ("directive.share_percent", "Tiến độ phần việc của đơn vị (%)", "Your unit's part done (%)"),
    ("directive.progress_by_unit", "Tiến độ theo đơn vị", "Progress by unit"),
    ("directive.part", "Vai trò", "Role"),
    ("directive.part_lead", "Chủ trì", "Lead"),
    ("directive.part_coordinating", "Phối hợp", "Coordinating"),
    ("directive.no_report", "Chưa báo cáo", "No report yet"),
    ("directive.extend", "Gia hạn", "Extend the deadline"),
    ("directive.extensions", "Các lần gia hạn", "Extensions"),
    ("directive.timeliness", "Tình trạng hạn", "Against deadline"),
    ("directive.overdue", "Quá hạn", "Overdue"),
    ("directive.due_soon", "Sắp đến hạn", "Due soon"),
    ("target.new", "Thêm chỉ tiêu", "New target"),
    ("target.plan", "Kế hoạch", "Plan"),
    ("target.actual", "Thực hiện", "Actual"),
    ("target.percent", "% kế hoạch", "% of plan"),
    ("target.period", "Kỳ", "Period"),
    ("target.measurements", "Các lần đo", "Measurements"),
    ("target.add_measurement", "Ghi nhận kết quả", "Record a result"),
    ("target.amend", "Điều chỉnh kế hoạch", "Amend the plan"),
    ("target.amendments", "Các lần điều chỉnh kế hoạch", "Plan amendments"),
    ("target.draft", "Dự thảo", "Draft"),
    ("target.estimated", "ước", "est."),
    ("unit.new", "Thêm đơn vị", "New unit"),
    ("unit.edit", "Sửa đơn vị", "Edit unit"),
    ("unit.merge", "Sáp nhập", "Merge"),
    ("unit.dissolved", "Đã sáp nhập/giải thể", "Merged or dissolved"),
    ("unit.top", "Cấp cao nhất", "Top level"),
    ("unit.path", "Vị trí trong cây đơn vị", "Place in the unit tree"),
    ("unit.children", "Đơn vị trực thuộc", "Units under it"),
    ("person.new", "Thêm cán bộ", "New person"),
    ("person.positions", "Chức vụ", "Positions"),
    ("person.add_position", "Thêm chức vụ", "Add a position"),
    ("person.sessions", "Buổi làm việc đã tham dự", "Sessions attended"),
    ("user.new", "Thêm người dùng", "New user"),
    ("user.active", "Đang hoạt động", "Active"),
    ("user.activate", "Mở khóa", "Activate"),
    ("user.deactivate", "Khóa tài khoản", "Deactivate"),
    ("user.edit", "Sửa tài khoản", "Edit the account"),
    ("user.email_hint", "Nơi nhận thư nhắc việc và liên kết đặt lại mật khẩu.", "Where reminders and password-reset links are mailed."),
    ("user.password", "Mật khẩu", "Password"),
    ("user.reset", "Gửi liên kết đặt lại mật khẩu", "Send a password-reset link"),
    ("user.reset_hint", "Người dùng tự đặt mật khẩu mới qua liên kết (dùng được một lần, trong 72 giờ); mật khẩu cũ vẫn dùng được cho đến khi đó.", "The person sets a new password through the link (it works once, for 72 hours); the old password works until then."),
    ("user.reset_mailed", "Đã gửi liên kết đặt lại mật khẩu tới", "A password-reset link was mailed to"),
    ("user.reset_no_server", "Máy chủ chưa cấu hình gửi thư. Hãy chuyển liên kết sau cho người dùng (chỉ hiện một lần):", "No mail server is configured. Hand this link to the person (it is shown once):"),
    ("user.reset_no_address", "Tài khoản chưa có địa chỉ email. Hãy chuyển liên kết sau cho người dùng (chỉ hiện một lần):", "The account has no mail address. Hand this link to the person (it is shown once):"),
    ("user.reset_failed", "Không gửi được thư. Hãy chuyển liên kết sau cho người dùng (chỉ hiện một lần):", "The mail could not be sent. Hand this link to the person (it is shown once):"),
    ("password.title", "Đặt lại mật khẩu", "Reset your password"),
    ("password.forgot", "Quên mật khẩu?", "Forgot your password?"),
    ("password.forgot_lead", "Nhập tên đăng nhập hoặc địa chỉ email của tài khoản; dondoc gửi tới email đó một liên kết để đặt mật khẩu mới.", "Type your login or your account's mail address; dondoc mails a link that sets a new password."),
    ("password.name", "Tên đăng nhập hoặc email", "Login or mail address"),
    ("password.send", "Gửi liên kết", "Send the link"),
    ("password.asked", "Nếu có tài khoản như vậy và tài khoản có email, một liên kết đặt lại mật khẩu vừa được gửi tới (dùng được trong 1 giờ). Không nhận được thư? Hãy liên hệ quản trị viên.", "If such an account exists and has a mail address, a password-reset link was just mailed to it (it works for 1 hour). No mail? Ask your administrator."),
    ("password.reset_lead", "Chọn mật khẩu mới cho tài khoản của", "Choose a new password for the account of"),
    ("password.new", "Mật khẩu mới (ít nhất 8 ký tự)", "New password (at least 8 characters)"),
    ("password.again", "Nhập lại mật khẩu mới", "The new password again"),
    ("password.set", "Đặt mật khẩu", "Set the password"),
    ("password.gone", "Liên kết này không dùng được: đã dùng rồi, đã hết hạn, hoặc không đúng.", "This link does not work: it was used, it expired, or it is wrong."),
    ("password.ask_again", "Xin liên kết mới", "Ask for a new link"),
    ("password.done", "Đã đặt mật khẩu mới. Mời đăng nhập.", "Your new password is set. Sign in."),
    ("err.password_again", "Hai mật khẩu không giống nhau.", "The two passwords differ."),
    ("err.host_out_of_scope", "Đơn vị này ngoài phạm vi của anh/chị: chỉ ghi nhận buổi làm việc của đơn vị mình và các đơn vị trực thuộc.", "This unit is beyond yours: you record the sessions of your unit and the units below it."),
    ("err.own_role", "Không thể tự bỏ quyền quản trị của chính mình.", "You cannot take away your own administrator role."),
    ("history.reset_password", "Đặt lại mật khẩu qua liên kết", "Password reset through a link"),
    ("f.active", "Trạng thái tài khoản", "Account state"),
    ("session.link_document", "Gắn văn bản liên quan", "Link a document"),
    ("f.target_id", "Chỉ tiêu", "Target"),
    ("target.decided_on", "Quyết định ngày", "Decided on"),
    ("target.recorded_at", "ghi nhận", "recorded"),
    ("target.decided_hint", "Ngày của nghị quyết, quyết định điều chỉnh; kết quả các kỳ kết thúc từ ngày này được so với kế hoạch mới. Để trống: tính từ hôm nay.", "The date of the resolution or decision; figures of periods ending from that day are measured against the new plan. Left empty: from today."),
    ("target.decided_by_hint", "Văn bản quyết định việc điều chỉnh (nếu có).", "The document that decided the change (if any)."),
    ("f.decided_on", "Ngày quyết định", "Decided on"),
    ("target.plan_hint", "Kế hoạch đã phê duyệt chỉ thay đổi bằng “Điều chỉnh kế hoạch” kèm lý do.", "An approved plan changes only by “Amend the plan”, with a reason."),
    ("doc.new", "Thêm văn bản", "New document"),
    ("import.title", "Ghi nhận buổi làm việc từ bài tường thuật", "New session from a report"),
    ("import.intro", "Dán bài tường thuật (hoặc tải tệp .txt, .docx); dondoc đọc và lập bản nháp để bạn rà soát trước khi lưu.", "Paste a report (or upload a .txt or .docx file); dondoc drafts the session for you to review before anything is saved."),
    ("import.paste", "Nội dung bài tường thuật", "Report text"),
    ("import.file", "Hoặc tải tệp (.txt, .docx)", "Or upload a file (.txt, .docx)"),
    ("import.read", "Đọc bài", "Read the report"),
    ("import.review", "Rà soát bản nháp", "Review the draft"),
    ("import.review_intro", "Các mục tìm thấy được tô màu trong bài và liệt kê bên dưới. Sửa, bỏ chọn hoặc gắn với đơn vị, chỉ tiêu, kiến nghị đã có; chỉ khi xác nhận mới lưu, tất cả cùng lúc.", "What was found is highlighted in the text and listed below. Edit, untick, or match to units, targets and petitions on record; nothing is saved until you confirm, and then all at once."),
    ("import.keep", "Giữ", "Keep"),
    ("import.match", "Đối chiếu", "Match"),
    ("import.new_person", "Thêm mới", "New"),
    ("import.known_person", "Đã có", "On record"),
    ("import.new_petition", "Kiến nghị mới", "New petition"),
    ("import.raised_again", "Kiến nghị lại", "Raised again"),
    ("import.no_target", "— Không ghi nhận —", "— Do not record —"),
    ("import.confirm", "Xác nhận và lưu", "Confirm and save"),
    ("import.too_large", "Bài quá dài (tối đa 1 MB).", "The report is too long (1 MB at most)."),
    ("import.not_text", "Tệp không phải văn bản đọc được (UTF-8, UTF-16 hoặc Windows-1258).", "The file is not readable text (UTF-8, UTF-16 or Windows-1258)."),
    ("import.pdf", "Không đọc được tệp PDF: hãy dán nội dung bài viết, hoặc tải lên tệp .txt hay .docx.", "PDF files cannot be read: paste the text, or upload a .txt or .docx file."),
    ("import.empty", "Chưa có nội dung.", "There is nothing to read."),
    ("import.bad_docx", "Không đọc được tệp Word (.docx).", "The Word (.docx) file could not be read."),
    ("f.again", "Kiến nghị lại", "Raised again"),
    ("f.lead", "Trưởng đoàn / chủ trì", "Led by"),
    ("import.lead_hint", "Tên một người trong thành phần tham dự được giữ bên dưới; người này cũng là người chỉ đạo các nhiệm vụ.", "The name of one of the participants kept below; they are also recorded as issuing the directives."),
    ("import.start", "Từ bài tường thuật", "From a report"),
    ("history.create", "Tạo mới", "Created"),
    ("history.update", "Cập nhật", "Updated"),
    ("history.raise", "Kiến nghị lại", "Raised again"),
    ("history.import", "Ghi nhận từ bài tường thuật", "Recorded from a report"),
    ("history.import_sheet", "Nhập từ bảng tính", "Imported from a spreadsheet"),
    ("tabular.title", "Nhập từ bảng tính (Excel, CSV)", "Import from a spreadsheet (Excel, CSV)"),
    ("tabular.intro", "Tải lên tệp .xlsx hoặc .csv có dòng đầu gọi tên các cột, như tệp tải về từ danh sách. dondoc đọc và kiểm tra từng dòng như khi nhập từng hồ sơ; chưa lưu gì cho đến khi bạn xác nhận.", "Upload a .xlsx or .csv file whose first row names the columns, as a list's download does. dondoc reads and checks every row as the form checks one record; nothing is saved until you confirm."),
    ("tabular.columns_hint", "Tên cột bằng tiếng Việt hoặc tiếng Anh, có dấu hay không dấu: Nội dung, Địa bàn, Đơn vị giải quyết, Hạn trả lời, Buổi làm việc… Đơn vị, buổi làm việc, người được ghi bằng tên hoặc số hiệu (#42). Ngày ghi 18/11/2020 hoặc 2020-11-18. CSV: UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy.", "Column names in Vietnamese or English, with or without diacritics: Text, Area, Responsible unit, Answer due, Session… Units, sessions and people by name or number (#42). Dates as 18/11/2020 or 2020-11-18. CSV: UTF-8, separated by commas or semicolons."),
    ("tabular.start", "Nhập từ Excel/CSV", "Import from Excel/CSV"),
    ("tabular.kind", "Tệp liệt kê", "The file lists"),
    ("tabular.kind_petitions", "Kiến nghị", "Petitions"),
    ("tabular.kind_directives", "Nhiệm vụ", "Directives"),
    ("tabular.kind_targets", "Chỉ tiêu", "Targets"),
    ("tabular.file", "Tệp (.xlsx, .csv)", "File (.xlsx, .csv)"),
    ("tabular.default_unit", "Đơn vị cho các dòng không ghi", "Unit for rows that name none"),
    ("tabular.default_unit_hint", "Địa bàn của kiến nghị, đơn vị chủ trì của nhiệm vụ, đơn vị của chỉ tiêu khi dòng để trống cột đó.", "A petition's area, a directive's lead unit, a target's unit, when a row leaves that column empty."),
    ("tabular.read", "Đọc tệp", "Read the file"),
    ("tabular.reading", "Đang đọc tệp…", "Reading the file…"),
    ("tabular.rows_read", "Đã đọc {n} dòng.", "{n} rows read."),
    ("tabular.writing", "Đang ghi…", "Writing…"),
    ("tabular.rows_written", "Đã xử lý {done}/{total} dòng.", "{done} of {total} rows done."),
    ("tabular.refresh_hint", "Trang tự làm mới sau vài giây.", "This page refreshes itself every few seconds."),
    ("tabular.refresh", "Làm mới", "Refresh"),
    ("tabular.preview", "Xem trước", "Preview"),
    ("tabular.summary", "{total} dòng · {errors} dòng có lỗi · {duplicates} dòng có thể trùng", "{total} rows · {errors} with errors · {duplicates} possible duplicates"),
    ("tabular.columns", "Các cột của tệp", "The file's columns"),
    ("tabular.column_unknown", "không dùng", "not used"),
    ("tabular.column_export", "bỏ qua (chỉ để xem)", "left alone (for reading only)"),
    ("tabular.filter_all", "Tất cả", "All"),
    ("tabular.filter_errors", "Có lỗi", "With errors"),
    ("tabular.filter_duplicates", "Có thể trùng", "Possible duplicates"),
    ("tabular.row", "Dòng", "Row"),
    ("tabular.problems", "Lỗi, trùng lặp", "Problems"),
    ("tabular.duplicate_row", "Trùng dòng {n} của tệp", "Same as row {n} of the file"),
    ("tabular.like_petition", "Giống kiến nghị đã có #{n}", "Like petition #{n} on file"),
    ("tabular.like_directive", "Giống nhiệm vụ đã có #{n}", "Like directive #{n} on file"),
    ("tabular.like_target", "Giống chỉ tiêu đã có #{n}", "Like target #{n} on file"),
    ("tabular.import_all", "Nhập tất cả", "Import all"),
    ("tabular.import_valid", "Chỉ nhập các dòng hợp lệ ({n})", "Import the valid rows only ({n})"),
    ("tabular.skip_duplicates", "Bỏ qua các dòng có thể trùng", "Leave out the possible duplicates"),
    ("tabular.all_or_nothing", "“Nhập tất cả” ghi mọi dòng hoặc không ghi gì, và không dùng được khi còn dòng có lỗi.", "“Import all” writes every row or nothing, and is not offered while a row has an error."),
    ("tabular.has_errors", "Còn {n} dòng có lỗi: sửa tệp rồi tải lên lại, hoặc chỉ nhập các dòng hợp lệ. Chưa ghi gì.", "{n} rows have errors: correct the file and upload it again, or import the valid rows only. Nothing was written."),
    ("tabular.done", "Đã nhập {written} dòng; bỏ qua {skipped} dòng.", "{written} rows imported; {skipped} left out."),
    ("tabular.failed", "Không nhập được tệp này; chưa ghi gì.", "This file could not be imported; nothing was written."),
    ("tabular.again", "Tải lên tệp khác", "Upload another file"),
    ("tabular.see_list", "Xem danh sách", "See the list"),
    ("tabular.too_large", "Tệp quá lớn (tối đa 32 MB, và 256 MB khi giải nén).", "The file is too large (32 MB at most, and 256 MB once decompressed)."),
    ("tabular.too_many_rows", "Tệp có quá nhiều dòng (tối đa 200.000).", "The file has too many rows (200,000 at most)."),
    ("tabular.pdf", "Không đọc được tệp PDF: hãy tải lên bảng tính .xlsx hoặc .csv.", "PDF files cannot be read: upload a .xlsx or .csv spreadsheet."),
    ("tabular.old_excel", "Tệp Excel 97–2003 (.xls) hoặc có mật khẩu: hãy lưu lại thành .xlsx, không đặt mật khẩu.", "An Excel 97–2003 (.xls) or password-protected file: save it as .xlsx without a password."),
    ("tabular.not_a_sheet", "Tệp không phải bảng tính đọc được (.xlsx hoặc .csv).", "The file is not a readable spreadsheet (.xlsx or .csv)."),
    ("tabular.empty", "Tệp không có dòng nào.", "The file has no rows."),
    ("tabular.missing_column", "Không thấy cột “{column}”: dòng đầu của tệp phải gọi tên các cột.", "No “{column}” column: the file's first row must name its columns."),
    ("tabular.twice_column", "Cột “{column}” có hai lần.", "The “{column}” column is there twice."),
    ("tabular.interrupted", "Việc nhập bị gián đoạn; chưa ghi gì. Hãy tải tệp lên lại.", "The import was interrupted; nothing was written. Upload the file again."),
    ("tabular.changed", "Có dòng không còn hợp lệ (dữ liệu đã thay đổi từ lúc xem trước), nên chưa ghi gì; các dòng đó được đánh dấu bên dưới.", "Some rows are no longer valid (records changed since the preview), so nothing was written; those rows are marked below."),
    ("tabular.write_failed", "Không ghi được; chưa ghi gì. Hãy thử lại.", "The records could not be written; nothing was written. Try again."),
    ("tabular.out_of_scope", "Đơn vị này ngoài phạm vi bạn được ghi nhận (hoặc bạn không được giao việc này).", "This unit is outside what you may record for (or this is not yours to do)."),
    ("tabular.internal", "Lỗi hệ thống khi xử lý tệp; chưa ghi gì.", "A system error stopped the import; nothing was written."),
    ("history.add_participant", "Thêm thành phần dự", "Participant added"),
    ("history.link_document", "Gắn văn bản", "Document linked"),
    ("history.add_position", "Thêm chức vụ", "Position added"),
    ("history.measure", "Ghi nhận kết quả", "Figure recorded"),
    ("history.amend", "Điều chỉnh kế hoạch", "Plan amended"),
    ("history.merge", "Sáp nhập", "Merged"),
    ("history.merge_into", "Gộp vào kiến nghị khác", "Merged into another petition"),
    ("history.merge_from", "Nhận gộp từ kiến nghị khác", "Another petition merged into this one"),
    ("history.merged_from_link", "Xem kiến nghị #{id} và lịch sử của nó", "See petition #{id} and its history"),
    ("history.merged_into_link", "Xem kiến nghị #{id} đã nhận gộp", "See petition #{id}, which it went into"),
    ("history.activate", "Mở khóa tài khoản", "Account unlocked"),
    ("history.deactivate", "Khóa tài khoản", "Account locked"),
    ("history.password", "Đổi mật khẩu", "Password changed"),
    ("history.create_token", "Tạo khóa API", "API token made"),
    ("history.revoke_token", "Thu hồi khóa API", "API token revoked"),
    ("history.progress", "Báo cáo tiến độ", "Progress reported"),
    ("history.progress_share", "Đơn vị phối hợp báo cáo tiến độ", "Coordinating unit reported its part"),
    ("f.report_text", "Nội dung báo cáo", "Report"),
    ("history.extend", "Gia hạn", "Deadline extended"),
    ("history.add_evidence", "Thêm tài liệu minh chứng", "Evidence added"),
    ("history.request_extension", "Đề nghị gia hạn", "More time asked"),
    ("history.approve_extension", "Đồng ý gia hạn", "Extension granted"),
    ("history.refuse_extension", "Không đồng ý gia hạn", "Extension refused"),
    ("history.assigned", "Giao xử lý", "Assigned"),
    ("history.in_progress", "Đang thực hiện", "In progress"),
    ("history.answered", "Đã trả lời", "Answered"),
    ("history.resolved", "Đã giải quyết", "Resolved"),
    ("history.rejected", "Không tiếp nhận", "Rejected"),
    ("history.reopened", "Mở lại", "Reopened"),
    ("history.reported", "Báo cáo hoàn thành", "Reported done"),
    ("history.done", "Hoàn thành", "Done"),
    ("history.cancelled", "Hủy", "Cancelled"),
    ("history.start", "Bắt đầu thực hiện", "Started"),
    ("history.report", "Báo cáo hoàn thành", "Reported done"),
    ("history.accept", "Xác nhận hoàn thành", "Accepted as done"),
    ("history.return", "Trả lại báo cáo", "Report returned"),
    ("history.complete", "Kết thúc, ghi nhận hoàn thành", "Closed as done"),
    ("history.cancel", "Hủy nhiệm vụ", "Cancelled"),
    ("history.reopen", "Mở lại", "Reopened"),
    ("history.changed", "Thay đổi", "Changed"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_amounts() {
        assert_eq!(Lang::Vi.amount(8.5e9, "VND"), "8,5 tỷ đồng");
        assert_eq!(Lang::En.amount(8.5e9, "VND"), "8.5 billion VND");
        assert_eq!(
            Lang::Vi.amount(1_653_522_000_000.0, "VND"),
            "1.653,522 tỷ đồng"
        );
        assert_eq!(Lang::Vi.amount(87.2, "percent"), "87,2%");
        assert_eq!(Lang::Vi.number(2239.0, 0), "2.239");
        assert_eq!(Lang::En.number(-1234567.5, 1), "-1,234,567.5");
    }

    /// Every literal key the templates and pages ask for is in the catalogue.
    #[test]
    fn every_key_used_is_translated() {
        let keys: std::collections::HashSet<&str> = CATALOG.iter().map(|(k, _, _)| *k).collect();
        let sources = [
            include_str!("../templates/base.html"),
            include_str!("../templates/dashboard.html"),
            include_str!("../templates/session.html"),
            include_str!("../templates/sessions.html"),
            include_str!("../templates/petition.html"),
            include_str!("../templates/petition_merge.html"),
            include_str!("../templates/petitions.html"),
            include_str!("../templates/directive.html"),
            include_str!("../templates/directives.html"),
            include_str!("../templates/target.html"),
            include_str!("../templates/targets.html"),
            include_str!("../templates/units.html"),
            include_str!("../templates/unit.html"),
            include_str!("../templates/people.html"),
            include_str!("../templates/person.html"),
            include_str!("../templates/documents.html"),
            include_str!("../templates/document.html"),
            include_str!("../templates/users.html"),
            include_str!("../templates/login.html"),
            include_str!("../templates/history.html"),
            include_str!("../templates/forms.html"),
            include_str!("../templates/error.html"),
            include_str!("../templates/tabular_upload.html"),
            include_str!("../templates/tabular_job.html"),
            include_str!("pages/tabular.rs"),
            include_str!("pages/mod.rs"),
            include_str!("pages/sessions.rs"),
            include_str!("pages/petitions.rs"),
            include_str!("pages/directives.rs"),
            include_str!("pages/targets.rs"),
            include_str!("pages/units.rs"),
            include_str!("pages/people.rs"),
            include_str!("pages/users.rs"),
            include_str!("pages/login.rs"),
            include_str!("pages/dashboard.rs"),
            include_str!("error.rs"),
            include_str!("report.rs"),
            include_str!("../templates/resident_submit.html"),
            include_str!("../templates/resident_track.html"),
            include_str!("../templates/resident_track_form.html"),
            include_str!("../templates/moderation.html"),
            include_str!("public/submit.rs"),
            include_str!("pages/moderation.rs"),
            include_str!("open311.rs"),
        ];
        let mut missing = Vec::new();
        for src in sources {
            for part in src.split('"').skip(1).step_by(2) {
                let looks_like_key = !part.ends_with(".html")
                    && part.contains('.')
                    && part.split('.').count() == 2
                    && part.chars().all(|c| {
                        c.is_ascii_lowercase() || c == '.' || c == '_' || c.is_ascii_digit()
                    })
                    && [
                        "nav",
                        "login",
                        "dash",
                        "common",
                        "err",
                        "session",
                        "petition",
                        "directive",
                        "target",
                        "unit",
                        "person",
                        "user",
                        "doc",
                        "lang",
                        "app",
                        "history",
                        "report",
                        "tabular",
                        "resident",
                        "moderation",
                        "open311",
                    ]
                    .contains(&part.split('.').next().unwrap_or(""));
                if looks_like_key && !keys.contains(part) {
                    missing.push(part.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "untranslated keys: {missing:?}");
    }

    #[test]
    fn catalogue_has_no_duplicate_keys() {
        let mut keys: Vec<&str> = CATALOG.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len());
    }

    #[test]
    fn pages_default_to_vietnamese_whatever_the_browser_says() {
        let mut h = HeaderMap::new();
        h.insert("accept-language", "en-US,en;q=0.9".parse().unwrap());
        assert_eq!(Lang::for_request(&h, "/sessions/1"), Lang::Vi);
        assert_eq!(Lang::for_request(&h, "/api/v1/sessions"), Lang::En);
        h.insert("cookie", "lang=en".parse().unwrap());
        assert_eq!(Lang::for_request(&h, "/sessions/1"), Lang::En);
    }

    #[test]
    fn language_from_cookie_then_header() {
        let mut h = HeaderMap::new();
        assert_eq!(Lang::from_headers(&h), Lang::Vi);
        h.insert("accept-language", "en-US,en;q=0.9".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::En);
        h.insert("cookie", "a=b; lang=vi".parse().unwrap());
        assert_eq!(Lang::from_headers(&h), Lang::Vi);
    }
}

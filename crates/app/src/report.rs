//! Two reports a unit sends up, as Word documents in the form of Decree 30/2020/NĐ-CP: the
//! results of a session's conclusions, and the handling of voters' petitions over a period.
//! Their records are read as the pages read them, with the caller's visibility; for those
//! signed in, as the exports are. Who issues a report and who signs it are read from the unit
//! tree and the positions on record; the document's wording and layout are the web layer's.

use dondoc_domain::input::ReportPeriodInput;
use dondoc_domain::petition::PetitionTally;
use dondoc_domain::{Id, Person, Position, Unit, UnitKind};
use dondoc_store::{DirectiveFilter, DirectiveNote, DirectiveView, PetitionView, SessionView};
use jiff::civil::Date;

use crate::{known_unit, App, Caller, Result};

/// The most petitions one report lists; the document says when there were more.
pub const MAX_PETITIONS: usize = 5_000;

/// Who issues a report, as its header and signature name them.
#[derive(Debug, Clone, PartialEq)]
pub struct Issuer {
    /// The body the issuing unit belongs to ("cơ quan chủ quản"), if it has one that is a
    /// body rather than a place.
    pub parent: Option<String>,
    /// The issuing unit, its abbreviations spelt out.
    pub name: String,
    /// What follows "BC-" in the document's symbol: the unit's abbreviation.
    pub symbol: String,
    /// The place of the date line: the unit's locality, without its level ("Hà Lầm").
    pub place: String,
    pub signer: Signer,
}

/// Who signs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Signer {
    /// The collective body signed for ("TM. Đảng ủy"), for committees and councils.
    pub on_behalf: Option<String>,
    /// The signer's position, as the record has it (less the body's name when signed for it).
    pub position: Option<String>,
    pub name: Option<String>,
}

/// The report on a session's conclusions.
pub struct SessionReport {
    pub issuer: Issuer,
    pub session: SessionView,
    /// Each directive of the session the caller may see, in the order given, with its latest
    /// progress report or report of the work done.
    pub directives: Vec<(DirectiveView, Option<DirectiveNote>)>,
    pub tally: DirectiveTally,
    /// The day the report is made: what "overdue" is seen from.
    pub today: Date,
}

/// A session's directives counted by where they stand against their deadline.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DirectiveTally {
    pub total: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    /// Open and not past the deadline (or without one).
    pub in_progress: i64,
    pub overdue: i64,
    pub cancelled: i64,
}

impl DirectiveTally {
    fn add(&mut self, d: &DirectiveView) {
        use dondoc_domain::directive::Timeliness as T;
        self.total += 1;
        match d.timeliness {
            T::DoneOnTime => self.done_on_time += 1,
            T::DoneLate => self.done_late += 1,
            T::Overdue => self.overdue += 1,
            T::Cancelled => self.cancelled += 1,
            T::NoDeadline | T::OnTrack | T::DueSoon => self.in_progress += 1,
        }
    }
}

/// The report on voters' petitions for a unit and a period.
pub struct PetitionReport {
    pub issuer: Issuer,
    /// The unit reported on (with the units below it).
    pub unit: Unit,
    pub from: Date,
    pub to: Date,
    /// Oldest first, at most [`MAX_PETITIONS`].
    pub petitions: Vec<PetitionView>,
    pub tally: PetitionTally,
    /// More petitions matched than a report lists (the figures count those listed).
    pub truncated: bool,
    pub today: Date,
}

/// The report on the conclusions of session `id`, issued by its host unit.
pub async fn session(app: &App, c: &Caller, id: Id) -> Result<SessionReport> {
    c.login_required()?;
    let session = crate::sessions::get(app, c, id).await?;
    let filter = DirectiveFilter {
        session_id: Some(id),
        limit: Some(500),
        ..Default::default()
    };
    let mut directives = crate::directives::list(app, c, &filter).await?.items;
    directives.sort_by_key(|d| d.directive.id);
    let ids: Vec<Id> = directives.iter().map(|d| d.directive.id).collect();
    let mut notes = app.store.latest_notes(&ids).await?;
    let mut tally = DirectiveTally::default();
    for d in &directives {
        tally.add(d);
    }
    let directives = directives
        .into_iter()
        .map(|d| {
            let note = notes.remove(&d.directive.id);
            (d, note)
        })
        .collect();
    Ok(SessionReport {
        issuer: issuer(app, session.session.host_unit_id).await?,
        session,
        directives,
        tally,
        today: c.today,
    })
}

/// The report on the petitions about a unit (or the units below it) or assigned to one of
/// them, raised in the period where the caller may see it, issued by that unit.
pub async fn petitions(app: &App, c: &Caller, raw: &ReportPeriodInput) -> Result<PetitionReport> {
    c.login_required()?;
    let period = raw.parse()?;
    known_unit(app, Some(period.unit_id), "unit_id").await?;
    let unit = app.store.unit(period.unit_id).await?;
    let units = app.store.unit_scope(unit.id).await?;
    let mut petitions = app
        .store
        .petitions_raised_in(
            &units,
            period.from,
            period.to,
            c.visibility(),
            MAX_PETITIONS as i64 + 1,
        )
        .await?;
    let truncated = petitions.len() > MAX_PETITIONS;
    petitions.truncate(MAX_PETITIONS);
    let mut tally = PetitionTally::default();
    for p in &petitions {
        let p = &p.petition;
        tally.add(p.status, p.due_on, p.answered_on, c.today);
    }
    Ok(PetitionReport {
        issuer: issuer(app, unit.id).await?,
        unit,
        from: period.from,
        to: period.to,
        petitions,
        tally,
        truncated,
        today: c.today,
    })
}

/// The issuer of a report made by unit `id`: its name and the body above it, its locality,
/// and the head on record who signs.
async fn issuer(app: &App, id: Id) -> Result<Issuer> {
    let unit = app.store.unit(id).await?;
    let mut parent = match unit.parent_id {
        Some(p) => Some(app.store.unit(p).await?),
        None => None,
    };
    // A body merged into another answers to the one it became part of.
    if let Some(into) = parent.as_ref().and_then(|p| p.merged_into) {
        parent = Some(app.store.unit(into).await?);
    }
    let mut locality = None;
    for a in app.store.unit_ancestors(id).await? {
        let u = app.store.unit(a).await?;
        if is_locality(u.kind) && u.merged_into.is_none() && u.dissolved_on.is_none() {
            locality = Some(u);
            break;
        }
    }
    let head = app.store.positions_at(id).await?.into_iter().next();
    Ok(issuer_of(&unit, parent.as_ref(), locality.as_ref(), head))
}

/// A place rather than a body: a ward (commune) or an administrative level of kind other
/// (a city, a province), whose name a date line takes and a header leaves out.
fn is_locality(kind: UnitKind) -> bool {
    matches!(kind, UnitKind::Other | UnitKind::Ward)
}

/// The rules of [`issuer`] on records already read.
fn issuer_of(
    unit: &Unit,
    parent: Option<&Unit>,
    locality: Option<&Unit>,
    head: Option<(Position, Person)>,
) -> Issuer {
    let body = body_of(&unit.name, locality.map(|l| l.name.as_str()));
    let collective = matches!(
        unit.kind,
        UnitKind::PartyCommittee
            | UnitKind::PeoplesCouncil
            | UnitKind::PeoplesCommittee
            | UnitKind::Front
    );
    let on_behalf = collective.then(|| dondoc_extract::expand_abbreviations(body));
    let position = head.as_ref().map(|(p, _)| {
        let title = p.title.trim();
        if collective {
            strip_body(title, &[&unit.name, body]).to_string()
        } else {
            title.to_string()
        }
    });
    Issuer {
        parent: parent
            .filter(|p| !is_locality(p.kind))
            .map(|p| dondoc_extract::expand_abbreviations(&p.name)),
        name: dondoc_extract::expand_abbreviations(&unit.name),
        symbol: symbol_of(unit.short_name.as_deref(), body),
        place: place_of(locality.map_or(unit.name.as_str(), |l| l.name.as_str())),
        signer: Signer {
            on_behalf,
            position,
            name: head.map(|(_, person)| person.name),
        },
    }
}

/// The levels a locality's name begins with.
const LEVELS: [&str; 8] = [
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Tỉnh",
    "Huyện",
    "Quận",
    "Phường",
    "Xã",
];

/// The place a date line names: a locality without its level ("Hà Lầm" of "Phường Hà
/// Lầm"), unless a number follows it ("Phường 12"), as Decree 30 writes it.
fn place_of(locality: &str) -> String {
    let name = locality.trim();
    for level in LEVELS {
        let Some(rest) = strip_prefix_ci(name, level) else {
            continue;
        };
        let rest = rest.trim_start();
        if rest.len() < name.len() - level.len()
            && !rest.is_empty()
            && !rest.starts_with(|c: char| c.is_ascii_digit())
        {
            return rest.to_string();
        }
    }
    name.to_string()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    (head.to_lowercase() == prefix.to_lowercase()).then(|| &s[prefix.len()..])
}

/// The words of a unit's name that name the body, without the locality it stands in:
/// "Đảng ủy" of "Đảng ủy phường Hà Lầm" in "Phường Hà Lầm".
fn body_of<'a>(unit: &'a str, locality: Option<&str>) -> &'a str {
    let Some(locality) = locality.map(str::trim).filter(|l| !l.is_empty()) else {
        return unit;
    };
    let (u, l) = (unit.to_lowercase(), locality.to_lowercase());
    if u.ends_with(&l) && u.len() > l.len() {
        // Lower-casing Vietnamese keeps each letter's length in bytes here (the letters of
        // unit names), so the cut falls where it does in the original.
        let cut = unit.len() - locality.len();
        if unit.is_char_boundary(cut) {
            let body = unit[..cut].trim_end_matches([' ', ',', '-']);
            if !body.is_empty() {
                return body;
            }
        }
    }
    unit
}

/// A head's title without the body's name it ends with ("Chủ tịch" of "Chủ tịch UBND phường
/// Hà Lầm" signing for the UBND). Names are compared as written: "Trưởng phòng Tài nguyên và
/// Môi trường" keeps its words, which say the position itself.
fn strip_body<'a>(title: &'a str, names: &[&str]) -> &'a str {
    for name in names {
        if let Some(rest) = title.strip_suffix(name) {
            let rest = rest.trim_end();
            if !rest.is_empty() && rest.len() < title.len() {
                return rest;
            }
        }
    }
    title
}

/// Whether a word is an abbreviation: two capitals or more ("UBND", "TN&MT").
fn is_abbreviation(word: &str) -> bool {
    word.chars().filter(|c| c.is_uppercase()).count() >= 2
        && word.chars().all(|c| c.is_uppercase() || c == '&')
}

/// A unit's abbreviation for a document's symbol: the capitals of its short name
/// ("TN&MT" of "Phòng TN&MT"), else its body's name as abbreviated ("UBND") or by its
/// initials without diacritics but Đ ("ĐU" of "Đảng ủy").
fn symbol_of(short_name: Option<&str>, body: &str) -> String {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    if let Some(short) = short_name {
        let caps: Vec<String> = words(short)
            .into_iter()
            .filter(|w| is_abbreviation(w))
            .collect();
        if !caps.is_empty() {
            return caps.concat();
        }
    }
    let mut out = String::new();
    for w in words(body) {
        if is_abbreviation(&w) {
            out.push_str(&w);
            continue;
        }
        if w == "và" {
            continue;
        }
        match w.chars().next() {
            Some('đ' | 'Đ') => out.push('Đ'),
            Some(c) if c.is_alphanumeric() => {
                out.push_str(&dondoc_text::fold(&c.to_string()).to_uppercase())
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: Id, kind: UnitKind, name: &str, short: Option<&str>) -> Unit {
        Unit {
            id,
            parent_id: None,
            kind,
            name: name.into(),
            short_name: short.map(Into::into),
            dissolved_on: None,
            merged_into: None,
            version: 1,
        }
    }

    fn head(title: &str, name: &str) -> Option<(Position, Person)> {
        Some((
            Position {
                id: 1,
                person_id: 1,
                unit_id: Some(1),
                title: title.into(),
                from: None,
                to: None,
            },
            Person {
                id: 1,
                name: name.into(),
                version: 1,
            },
        ))
    }

    #[test]
    fn places_of_date_lines() {
        for (locality, place) in [
            ("Phường Hà Lầm", "Hà Lầm"),
            ("Thành phố Hạ Long", "Hạ Long"),
            ("Tỉnh Quảng Ninh", "Quảng Ninh"),
            ("Xã Kim Liên", "Kim Liên"),
            ("Phường 12", "Phường 12"),
            ("Thị trấn Cái Rồng", "Cái Rồng"),
            ("Hà Nội", "Hà Nội"),
        ] {
            assert_eq!(place_of(locality), place, "{locality}");
        }
    }

    #[test]
    fn symbols() {
        for (short, body, symbol) in [
            (
                Some("Phòng TN&MT"),
                "Phòng Tài nguyên và Môi trường",
                "TN&MT",
            ),
            (Some("khu 2"), "Khu 2", "K2"),
            (None, "Đảng ủy", "ĐU"),
            (None, "UBND", "UBND"),
            (None, "Ủy ban MTTQ", "UBMTTQ"),
            (None, "Trạm y tế", "TYT"),
        ] {
            assert_eq!(symbol_of(short, body), symbol, "{body}");
        }
    }

    #[test]
    fn issuers_table() {
        let ward = unit(1, UnitKind::Ward, "Phường Hà Lầm", None);
        let city_committee = unit(
            2,
            UnitKind::PeoplesCommittee,
            "UBND thành phố Hạ Long",
            None,
        );

        // A party committee of the ward: no body above it but the place, signed for by its
        // secretary, whose title names the committee.
        let party = unit(3, UnitKind::PartyCommittee, "Đảng ủy phường Hà Lầm", None);
        let i = issuer_of(
            &party,
            Some(&ward),
            Some(&ward),
            head("Bí thư Đảng ủy", "Hà Hồng Sơn"),
        );
        assert_eq!(i.parent, None);
        assert_eq!(i.name, "Đảng ủy phường Hà Lầm");
        assert_eq!(i.symbol, "ĐU");
        assert_eq!(i.place, "Hà Lầm");
        assert_eq!(
            i.signer,
            Signer {
                on_behalf: Some("Đảng ủy".into()),
                position: Some("Bí thư".into()),
                name: Some("Hà Hồng Sơn".into()),
            }
        );

        // The ward's people's committee, its abbreviation spelt out.
        let ubnd = unit(4, UnitKind::PeoplesCommittee, "UBND phường Hà Lầm", None);
        let i = issuer_of(
            &ubnd,
            Some(&ward),
            Some(&ward),
            head("Chủ tịch UBND phường Hà Lầm", "Hà Hồng Sơn"),
        );
        assert_eq!(i.name, "Ủy ban nhân dân phường Hà Lầm");
        assert_eq!(i.symbol, "UBND");
        assert_eq!(i.signer.on_behalf.as_deref(), Some("Ủy ban nhân dân"));
        assert_eq!(i.signer.position.as_deref(), Some("Chủ tịch"));

        // A department signs in its head's own name, under the committee it belongs to.
        let dept = unit(
            5,
            UnitKind::Department,
            "Phòng Tài nguyên và Môi trường",
            Some("Phòng TN&MT"),
        );
        let city = unit(6, UnitKind::Other, "Thành phố Hạ Long", None);
        let i = issuer_of(
            &dept,
            Some(&city_committee),
            Some(&city),
            head("Trưởng phòng Tài nguyên và Môi trường", "Phạm Thị Hoa"),
        );
        assert_eq!(
            i.parent.as_deref(),
            Some("Ủy ban nhân dân thành phố Hạ Long")
        );
        assert_eq!(i.symbol, "TN&MT");
        assert_eq!(i.place, "Hạ Long");
        assert_eq!(i.signer.on_behalf, None);
        assert_eq!(
            i.signer.position.as_deref(),
            Some("Trưởng phòng Tài nguyên và Môi trường")
        );

        // Nobody on record: the form leaves the signature to the clerk.
        let i = issuer_of(&party, Some(&ward), Some(&ward), None);
        assert_eq!(i.signer.position, None);
        assert_eq!(i.signer.name, None);
        assert_eq!(i.signer.on_behalf.as_deref(), Some("Đảng ủy"));
    }
}

//! The rows of a list for a spreadsheet: the same use case, filters and visibility as the
//! list on screen, read page by page up to [`MAX_ROWS`]. For those signed in: an export reads
//! thousands of rows, which a visitor's request should not be able to ask for.

use dondoc_store::{
    DirectiveFilter, DirectiveView, Page, PetitionFilter, PetitionView, SessionFilter, SessionView,
    TargetFilter, TargetView,
};

use dondoc_domain::{Document, Person};

use crate::{App, Caller, Result};

/// The most rows one export holds; the file says when there were more.
pub const MAX_ROWS: usize = 20_000;

const PAGE: i64 = 500;

// The last page an export reads is within the offsets a list answers.
const _: () = assert!(MAX_ROWS as i64 - PAGE <= dondoc_store::MAX_OFFSET);

/// The rows of a list read by offset, page after page (`read(limit, offset)`), up to
/// [`MAX_ROWS`], and whether there were more.
async fn by_offset<T, F, Fut>(read: F) -> Result<(Vec<T>, bool)>
where
    F: Fn(i64, i64) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>>>,
{
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = read(PAGE, offset).await?;
        let n = page.items.len();
        out.extend(page.items);
        if out.len() >= MAX_ROWS {
            out.truncate(MAX_ROWS);
            return Ok((out, true));
        }
        if (n as i64) < PAGE {
            return Ok((out, false));
        }
        offset += PAGE;
    }
}

/// The directives the list with these filters shows, and whether there were more than
/// [`MAX_ROWS`].
pub async fn directives(
    app: &App,
    c: &Caller,
    f: &DirectiveFilter,
) -> Result<(Vec<DirectiveView>, bool)> {
    c.login_required()?;
    by_offset(|limit, offset| {
        let f = DirectiveFilter {
            limit: Some(limit),
            offset: Some(offset),
            ..f.clone()
        };
        async move { crate::directives::list(app, c, &f).await }
    })
    .await
}

/// The sessions the list with these filters shows.
pub async fn sessions(
    app: &App,
    c: &Caller,
    f: &SessionFilter,
) -> Result<(Vec<SessionView>, bool)> {
    c.login_required()?;
    by_offset(|limit, offset| {
        let f = SessionFilter {
            limit: Some(limit),
            offset: Some(offset),
            ..f.clone()
        };
        async move { crate::sessions::list(app, c, &f).await }
    })
    .await
}

/// The targets the list with these filters shows, each with its latest figure.
pub async fn targets(app: &App, c: &Caller, f: &TargetFilter) -> Result<(Vec<TargetView>, bool)> {
    c.login_required()?;
    by_offset(|limit, offset| {
        let f = TargetFilter {
            limit: Some(limit),
            offset: Some(offset),
            ..f.clone()
        };
        async move { crate::targets::list(app, c, &f).await }
    })
    .await
}

/// The petitions the list with these filters shows, in its order, and whether there were
/// more than [`MAX_ROWS`].
pub async fn petitions(
    app: &App,
    c: &Caller,
    f: &PetitionFilter,
) -> Result<(Vec<PetitionView>, bool)> {
    c.login_required()?;
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = crate::petitions::list(
            app,
            c,
            &PetitionFilter {
                limit: Some(PAGE),
                offset: None,
                before: None,
                after: after.clone(),
                ..f.clone()
            },
        )
        .await?;
        let n = page.items.len();
        out.extend(page.items);
        if out.len() >= MAX_ROWS {
            out.truncate(MAX_ROWS);
            return Ok((out, true));
        }
        match page.after {
            Some(next) if n as i64 == PAGE => after = Some(next),
            _ => return Ok((out, false)),
        }
    }
}

/// The people the list with this search shows.
pub async fn people(app: &App, c: &Caller, q: Option<&str>) -> Result<(Vec<Person>, bool)> {
    c.login_required()?;
    by_offset(|limit, offset| async move {
        crate::reference::people(app, c, q, Some(limit), Some(offset)).await
    })
    .await
}

/// The documents on file.
pub async fn documents(app: &App, c: &Caller) -> Result<(Vec<Document>, bool)> {
    c.login_required()?;
    by_offset(|limit, offset| async move {
        crate::reference::documents(app, c, Some(limit), Some(offset)).await
    })
    .await
}

/// Every unit, in the order of the tree (each under its parent), with its depth.
pub async fn units(app: &App, c: &Caller) -> Result<(Vec<dondoc_store::UnitNode>, bool)> {
    c.login_required()?;
    let all = crate::reference::unit_tree(app, c).await?;
    let more = all.len() > MAX_ROWS;
    Ok((all.iter().take(MAX_ROWS).cloned().collect(), more))
}

//! What the public site lists whole: the addresses of a sitemap, each kind of record read by
//! ranges of ids (a primary-key walk, whatever the table's size) through the visibility rule
//! as the public sees it.

use dondoc_domain::{Id, Visibility};

use crate::{visible, Result, Store};

/// The records a sitemap lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    News,
    Sessions,
    Petitions,
    Directives,
}

impl Listed {
    fn table(self) -> &'static str {
        match self {
            Listed::News => "articles",
            Listed::Sessions => "sessions",
            Listed::Petitions => "petitions",
            Listed::Directives => "directives",
        }
    }

    /// The condition a visitor sees the row in alias `x` by.
    fn visible(self) -> String {
        let v = Visibility::Public;
        let cond = match self {
            Listed::News => visible::article(&v, "x"),
            Listed::Sessions => visible::session(&v, "x"),
            Listed::Petitions => visible::petition(&v, "x"),
            Listed::Directives => visible::directive(&v, "x"),
        };
        cond.unwrap_or_else(|| "1 = 1".into())
    }
}

impl Store {
    /// The largest id of a kind (0 when there is none): how many ranges its sitemap has.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn max_id(&self, kind: Listed) -> Result<Id> {
        let store = self.reading(&Visibility::Public);
        let sql = format!("select coalesce(max(id), 0) from {}", kind.table());
        Ok(sqlx::query_scalar::<_, i64>(&sql)
            .fetch_one(&store.pool)
            .await?)
    }

    /// The ids in `(after, upto]` a visitor may see, in order.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn public_ids(&self, kind: Listed, after: Id, upto: Id) -> Result<Vec<Id>> {
        let store = self.reading(&Visibility::Public);
        let sql = format!(
            "select x.id from {} x where x.id > $1 and x.id <= $2 and {} order by x.id",
            kind.table(),
            kind.visible()
        );
        Ok(sqlx::query_scalar::<_, i64>(&sql)
            .bind(after)
            .bind(upto)
            .fetch_all(&store.pool)
            .await?)
    }
}

//! The audit API's queries over the index: whose containers a caller may see
//! ([`AuditScope`]), the filters checked ([`Criteria`]), and the statements of a search, a
//! count and an anomaly listing, built once for both backends.

use super::{plate_key, CARRIER, DIVISION, MANIFEST, ORG, PLATE};
use yima_codes::{CreditCode, LabelCode};

/// Whose containers a search may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuditScope {
    /// Every container (a national regulator: an empty jurisdiction).
    All,
    /// Those with a custody party in a division starting with this (a regulator's
    /// jurisdiction): transfers that leave or enter it.
    Jurisdiction(String),
    /// Those this organisation is a custody party of.
    Party(CreditCode),
}

/// A search's filters, checked: every one given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Criteria {
    code: Option<(String, bool)>,
    org: Option<String>,
    producer: Option<String>,
    waste: Option<String>,
    category: Option<String>,
    manifest: Option<String>,
    plate: Option<String>,
    carrier: Option<String>,
    division: Option<String>,
    state: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
}

fn credit(what: &str, s: &str) -> Result<String, String> {
    s.trim()
        .parse::<CreditCode>()
        .map(|c| c.to_string())
        .map_err(|e| format!("{what}: {e}"))
}

fn digits(what: &str, s: &str, max: usize) -> Result<String, String> {
    let s = s.trim();
    if s.is_empty() || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{what}: 1 to {max} digits, not {s:?}"));
    }
    Ok(s.to_string())
}

impl Criteria {
    /// Checks each filter of `f`: a malformed one is an error naming it.
    pub fn check(f: &yima_protocol::AuditFilter) -> Result<Criteria, String> {
        fn text(o: &Option<String>) -> Option<&str> {
            o.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        let code = match text(&f.code) {
            None => None,
            Some(c) => {
                let c = c.to_ascii_uppercase();
                if c.len() == 37 {
                    let code: LabelCode = c.parse().map_err(|e| format!("code: {e}"))?;
                    Some((code.to_string(), true))
                } else if (18..37).contains(&c.len())
                    && c.bytes().all(|b| b.is_ascii_alphanumeric())
                {
                    credit("code (its first 18 characters)", &c[..18])?;
                    Some((c, false))
                } else {
                    return Err(format!(
                        "code: a 37-character container code or its first 18 to 36 characters, not {c:?}"
                    ));
                }
            }
        };
        let state = match text(&f.state) {
            None => None,
            Some(s) => Some(
                yima_core::ContainerState::ALL
                    .into_iter()
                    .find(|st| st.as_str() == s)
                    .map(|st| st.as_str().to_string())
                    .ok_or_else(|| {
                        let all: Vec<&str> = yima_core::ContainerState::ALL
                            .iter()
                            .map(|s| s.as_str())
                            .collect();
                        format!("state: one of {}, not {s:?}", all.join(", "))
                    })?,
            ),
        };
        let (from, to) = (f.from, f.to);
        if let (Some(a), Some(b)) = (from, to) {
            if b <= a {
                return Err(format!("to ({b}) must be after from ({a})"));
            }
        }
        Ok(Criteria {
            code,
            org: text(&f.org).map(|s| credit("org", s)).transpose()?,
            producer: text(&f.producer)
                .map(|s| credit("producer", s))
                .transpose()?,
            waste: text(&f.waste)
                .map(|s| {
                    s.parse::<yima_codes::WasteCode>()
                        .map(|w| w.to_string())
                        .map_err(|e| format!("waste: {e}"))
                })
                .transpose()?,
            category: text(&f.category)
                .map(|s| {
                    s.to_ascii_uppercase()
                        .parse::<yima_codes::Category>()
                        .map(|c| c.to_string())
                        .map_err(|e| format!("category: {e}"))
                })
                .transpose()?,
            manifest: text(&f.manifest)
                .map(|s| {
                    s.parse::<yima_codes::ManifestNumber>()
                        .map(|m| m.to_string())
                        .map_err(|e| format!("manifest: {e}"))
                })
                .transpose()?,
            plate: text(&f.plate).map(plate_key).filter(|p| !p.is_empty()),
            carrier: text(&f.carrier).map(|s| credit("carrier", s)).transpose()?,
            division: text(&f.division)
                .map(|s| digits("division", s, 6))
                .transpose()?,
            state,
            from,
            to,
        })
    }
}

/// A value bound to a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SqlValue {
    Text(String),
    Int(i64),
}

/// A statement and its values, in the order of their placeholders.
#[derive(Clone, Debug)]
pub(crate) struct Sql {
    pub text: String,
    pub values: Vec<SqlValue>,
}

/// Which placeholders a backend takes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

struct Builder {
    dialect: Dialect,
    clauses: Vec<String>,
    values: Vec<SqlValue>,
}

impl Builder {
    fn bind(&mut self, v: SqlValue) -> String {
        self.values.push(v);
        let n = self.values.len();
        match self.dialect {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => match self.values[n - 1] {
                SqlValue::Text(_) => format!("${n}::text"),
                SqlValue::Int(_) => format!("${n}::bigint"),
            },
        }
    }

    fn text(&mut self, s: &str) -> String {
        self.bind(SqlValue::Text(s.to_string()))
    }

    /// A fact of the container: the set of containers holding it drives the query (a plate,
    /// a manifest, an organisation's containers are few among all).
    fn fact(&mut self, kind: &str, value: &str) {
        let (k, v) = (self.text(kind), self.text(value));
        self.clauses.push(format!(
            "c.code IN (SELECT f.container FROM audit_facts f WHERE f.kind = {k} AND f.value = {v})"
        ));
    }

    /// A custody party's division starting with `prefix` (digits: the next character after
    /// '9' is ':'). Checked row by row (such a set is large: a province holds most
    /// containers), the producer's own division first: it is one of the container's. The
    /// other parties' are looked up for the rows where it is not, by the container's own
    /// facts: `f.value <> c.division` (true whenever the lookup runs) keeps PostgreSQL from
    /// instead reading every division fact of the jurisdiction into a hash for each query
    /// (28 ms a search at 125 000 containers, growing with the registry).
    fn division_prefix(&mut self, prefix: &str) {
        let k = self.text(DIVISION);
        let lo = self.text(prefix);
        let hi = self.text(&format!("{prefix}:"));
        self.clauses.push(format!(
            "((c.division >= {lo} AND c.division < {hi}) OR EXISTS (SELECT 1 FROM audit_facts f WHERE f.container = c.code AND f.kind = {k} AND f.value >= {lo} AND f.value < {hi} AND f.value <> c.division))"
        ));
    }

    fn column(&mut self, column: &str, value: &str) {
        let v = self.text(value);
        self.clauses.push(format!("c.{column} = {v}"));
    }

    fn new(dialect: Dialect, scope: &AuditScope, c: &Criteria) -> Builder {
        let mut b = Builder {
            dialect,
            clauses: Vec::new(),
            values: Vec::new(),
        };
        match scope {
            AuditScope::All => {}
            AuditScope::Jurisdiction(j) => b.division_prefix(j),
            AuditScope::Party(org) => b.fact(ORG, org.as_str()),
        }
        match &c.code {
            Some((code, true)) => b.column("code", code),
            Some((prefix, false)) => {
                let lo = b.text(prefix);
                let hi = b.text(&format!("{prefix}~"));
                b.clauses.push(format!("c.code >= {lo} AND c.code < {hi}"));
            }
            None => {}
        }
        if let Some(v) = &c.org {
            b.fact(ORG, v);
        }
        if let Some(v) = &c.producer {
            b.column("producer", v);
        }
        if let Some(v) = &c.waste {
            b.column("waste", v);
        }
        if let Some(v) = &c.category {
            b.column("category", v);
        }
        if let Some(v) = &c.manifest {
            b.fact(MANIFEST, v);
        }
        if let Some(v) = &c.plate {
            b.fact(PLATE, v);
        }
        if let Some(v) = &c.carrier {
            b.fact(CARRIER, v);
        }
        if let Some(v) = &c.division {
            b.division_prefix(v);
        }
        if let Some(v) = &c.state {
            b.column("state", v);
        }
        if let Some(v) = c.from {
            let p = b.bind(SqlValue::Int(v));
            b.clauses.push(format!("c.last_at >= {p}"));
        }
        if let Some(v) = c.to {
            let p = b.bind(SqlValue::Int(v));
            b.clauses.push(format!("c.first_at < {p}"));
        }
        b
    }

    fn filter(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// The columns a search reads, in [`AuditRow`]'s order less `division` and `first_day`.
pub(crate) const SEARCH_COLUMNS: &str =
    "c.code, c.producer, c.waste, c.category, c.state, c.holder, c.manifest, c.first_at, c.last_at";

/// One page of a search: up to `limit + 1` rows after `after` (the extra one says there is
/// a next page).
pub(crate) fn search_sql(
    dialect: Dialect,
    scope: &AuditScope,
    c: &Criteria,
    after: Option<&str>,
    limit: u32,
) -> Sql {
    let mut b = Builder::new(dialect, scope, c);
    if let Some(a) = after {
        let p = b.text(a);
        b.clauses.push(format!("c.code > {p}"));
    }
    let lim = b.bind(SqlValue::Int(i64::from(limit) + 1));
    Sql {
        text: format!(
            "SELECT {SEARCH_COLUMNS} FROM audit_containers c{} ORDER BY c.code LIMIT {lim}",
            b.filter()
        ),
        values: b.values,
    }
}

/// The counts of a search by `by`: rows of (key, count).
pub(crate) fn counts_sql(
    dialect: Dialect,
    scope: &AuditScope,
    c: &Criteria,
    by: yima_protocol::AuditGroup,
) -> Sql {
    use yima_protocol::AuditGroup as G;
    let key = match by {
        G::Producer => "c.producer",
        G::Province => "substr(c.division, 1, 2)",
        G::City => "substr(c.division, 1, 4)",
        G::County => "c.division",
        G::Category => "c.category",
        G::Waste => "c.waste",
        G::State => "c.state",
        G::Day => "c.first_day",
        G::Month => "substr(c.first_day, 1, 6)",
        G::Year => "substr(c.first_day, 1, 4)",
    };
    let b = Builder::new(dialect, scope, c);
    Sql {
        text: format!(
            "SELECT {key} AS k, count(*) AS n FROM audit_containers c{} GROUP BY k ORDER BY k",
            b.filter()
        ),
        values: b.values,
    }
}

/// Whether a container is in a scope: one row when it is.
pub(crate) fn in_scope_sql(dialect: Dialect, scope: &AuditScope, code: &LabelCode) -> Sql {
    let c = Criteria {
        code: Some((code.to_string(), true)),
        ..Criteria::default()
    };
    let b = Builder::new(dialect, scope, &c);
    Sql {
        text: format!("SELECT c.code FROM audit_containers c{}", b.filter()),
        values: b.values,
    }
}

/// Turns up to `limit + 1` rows into a page.
pub(crate) fn page_of(
    mut rows: Vec<yima_protocol::AuditContainer>,
    limit: u32,
) -> yima_protocol::AuditPage {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    yima_protocol::AuditPage {
        next: if more {
            rows.last().map(|c| c.code.clone())
        } else {
            None
        },
        containers: rows,
    }
}

/// The clauses on `audit_anomalies a` that keep a sighted code the registry holds no
/// container of in `scope` and meeting `c`, judged from the code itself: its producer
/// (characters 1–18) and that producer's division (characters 3–8). `None` when `c` filters
/// on what only a container has (a party, waste, manifest, plate, state, dates).
fn unregistered_clauses(b: &mut Builder, scope: &AuditScope, c: &Criteria) -> Option<Vec<String>> {
    if c.org.is_some()
        || c.waste.is_some()
        || c.category.is_some()
        || c.manifest.is_some()
        || c.plate.is_some()
        || c.carrier.is_some()
        || c.state.is_some()
        || c.from.is_some()
        || c.to.is_some()
    {
        return None;
    }
    let mut clauses = vec![
        "NOT EXISTS (SELECT 1 FROM audit_containers x WHERE x.code = a.container)".to_string(),
    ];
    let division = |b: &mut Builder, prefix: &str| {
        let lo = b.text(prefix);
        let hi = b.text(&format!("{prefix}:"));
        format!("substr(a.container, 3, 6) >= {lo} AND substr(a.container, 3, 6) < {hi}")
    };
    match scope {
        AuditScope::All => {}
        AuditScope::Jurisdiction(j) => clauses.push(division(b, j)),
        AuditScope::Party(org) => {
            let p = b.text(org.as_str());
            clauses.push(format!("substr(a.container, 1, 18) = {p}"));
        }
    }
    if let Some(v) = &c.division {
        clauses.push(division(b, v));
    }
    if let Some(v) = &c.producer {
        let p = b.text(v);
        clauses.push(format!("substr(a.container, 1, 18) = {p}"));
    }
    match &c.code {
        Some((code, true)) => {
            let p = b.text(code);
            clauses.push(format!("a.container = {p}"));
        }
        Some((prefix, false)) => {
            let lo = b.text(prefix);
            let hi = b.text(&format!("{prefix}~"));
            clauses.push(format!("a.container >= {lo} AND a.container < {hi}"));
        }
        None => {}
    }
    Some(clauses)
}

/// One page of the anomalies of the containers in `scope` that meet `criteria` (of `rule`
/// when given), by container, rule and event, after the key `after` (`container|rule|event`);
/// with them, those of the sighted codes the registry holds no container of (an unseen
/// label), in scope by the code's producer.
pub(crate) fn anomalies_sql(
    dialect: Dialect,
    scope: &AuditScope,
    c: &Criteria,
    rule: Option<&str>,
    after: Option<&str>,
    limit: u32,
) -> Sql {
    let mut b = Builder::new(dialect, scope, c);
    let mut common = Vec::new();
    if let Some(r) = rule {
        let p = b.text(r);
        common.push(format!("a.rule = {p}"));
    }
    if let Some(a) = after {
        let p = b.text(a);
        common.push(format!(
            "(a.container || '|' || a.rule || '|' || a.event) > {p}"
        ));
    }
    b.clauses.extend(common.iter().cloned());
    let registered = b.filter();
    let unregistered = unregistered_clauses(&mut b, scope, c).map(|mut clauses| {
        clauses.extend(common);
        format!(
            " UNION ALL SELECT a.container, a.rule, a.event, a.since, a.due, a.en, a.zh, a.found_at
             FROM audit_anomalies a JOIN sighting_audit s ON s.code = a.container WHERE {}",
            clauses.join(" AND ")
        )
    });
    let lim = b.bind(SqlValue::Int(i64::from(limit) + 1));
    Sql {
        text: format!(
            "SELECT container, rule, event, since, due, en, zh, found_at FROM (
             SELECT a.container, a.rule, a.event, a.since, a.due, a.en, a.zh, a.found_at
             FROM audit_anomalies a JOIN audit_containers c ON c.code = a.container{registered}{}
             ) x ORDER BY container, rule, event LIMIT {lim}",
            unregistered.unwrap_or_default()
        ),
        values: b.values,
    }
}

/// Turns up to `limit + 1` anomalies into a page.
pub(crate) fn anomaly_page_of(
    mut rows: Vec<yima_protocol::AuditAnomaly>,
    limit: u32,
) -> yima_protocol::AuditAnomalyPage {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    yima_protocol::AuditAnomalyPage {
        next: if more {
            rows.last().map(|a| {
                format!(
                    "{}|{}|{}",
                    a.container,
                    a.rule,
                    a.event.as_deref().unwrap_or("")
                )
            })
        } else {
            None
        },
        anomalies: rows,
    }
}

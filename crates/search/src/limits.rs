//! Limits on a query string, checked before tantivy parses it.
//!
//! tantivy's query grammar is a recursive-descent parser (nom): every `(` group and every
//! `NOT ` is one more level of recursion, in the parser and again in everything that walks the
//! tree it builds (conversion to a logical query, weights, scorers, drop). A few thousand
//! levels overflow the stack and abort the process, so a query deeper than
//! [`QueryLimits::max_depth`] is refused here, by a scan that keeps no more state than a
//! counter per open group and stops at the first limit passed. Length and the number of
//! clauses are bounded as well: alias expansion multiplies each matching word by the names of
//! its entity, so the parsed query grows with both.

use std::fmt;

/// Bounds on a query string (see [`check_query`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryLimits {
    /// Longest query, in bytes (Arabic letters take two).
    pub max_bytes: usize,
    /// Deepest nesting: open `(` groups plus `NOT`s applied to one another.
    pub max_depth: usize,
    /// Most clauses: words, phrases, field clauses (each `*`, range or set counts one).
    pub max_clauses: usize,
}

impl QueryLimits {
    /// The limits of `marsad search` and `GET /api/search`.
    pub const DEFAULT: QueryLimits = QueryLimits {
        max_bytes: 2_000,
        max_depth: 16,
        max_clauses: 64,
    };
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Which limit a query passed, and by how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitError {
    /// Length in bytes over the limit.
    TooLong { bytes: usize, max: usize },
    /// Nesting over the limit (counted up to the first level past it).
    TooDeep { max: usize },
    /// Clauses over the limit (counted up to the first one past it).
    TooManyClauses { max: usize },
}

impl fmt::Display for LimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitError::TooLong { bytes, max } => {
                write!(f, "query too long: {bytes} bytes, at most {max}")
            }
            LimitError::TooDeep { max } => write!(
                f,
                "query nested too deeply: at most {max} levels of parentheses and NOT"
            ),
            LimitError::TooManyClauses { max } => {
                write!(
                    f,
                    "query has too many clauses: at most {max} words, phrases or field clauses"
                )
            }
        }
    }
}

impl std::error::Error for LimitError {}

/// Checks `query` against `limits` without recursion and without allocating more than one
/// counter per open group (at most `max_depth` of them).
///
/// Nesting is counted as tantivy's grammar recurses: `(` opens a level (closed by its `)`),
/// and each `NOT` before a term or group adds one level to it, so `NOT NOT (NOT x)` is four
/// levels deep. Quoted phrases and backslash escapes are skipped as the grammar skips them.
pub fn check_query(query: &str, limits: &QueryLimits) -> Result<(), LimitError> {
    if query.len() > limits.max_bytes {
        return Err(LimitError::TooLong {
            bytes: query.len(),
            max: limits.max_bytes,
        });
    }
    let too_deep = LimitError::TooDeep {
        max: limits.max_depth,
    };
    // Levels added by each open group (the group itself plus the NOTs before it).
    let mut groups: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut pending_not = 0usize;
    let mut clauses = 0usize;
    let mut chars = query.char_indices().peekable();
    while let Some(&(_, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        match c {
            '(' => {
                chars.next();
                let levels = 1 + pending_not;
                pending_not = 0;
                depth += levels;
                if depth > limits.max_depth {
                    return Err(too_deep);
                }
                groups.push(levels);
            }
            ')' => {
                chars.next();
                depth -= groups.pop().unwrap_or(0);
                pending_not = 0;
            }
            '"' => {
                chars.next();
                // A phrase: up to the closing quote (or the end), escapes skipped.
                while let Some((_, ch)) = chars.next() {
                    match ch {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
                clauses += 1;
                pending_not = 0;
            }
            _ => {
                // A word: up to whitespace, a parenthesis or a quote, escapes included.
                let start = chars.peek().map_or(0, |&(i, _)| i);
                let mut end = start;
                while let Some(&(i, ch)) = chars.peek() {
                    if ch.is_whitespace() || ch == '(' || ch == ')' || ch == '"' {
                        break;
                    }
                    chars.next();
                    end = i + ch.len_utf8();
                    if ch == '\\' {
                        if let Some((j, esc)) = chars.next() {
                            end = j + esc.len_utf8();
                        }
                    }
                }
                let word = &query[start..end];
                match word {
                    "NOT" => {
                        pending_not += 1;
                        if depth + pending_not > limits.max_depth {
                            return Err(too_deep);
                        }
                    }
                    "AND" | "OR" | "&&" | "||" => {}
                    // `field:` before a group or a phrase: the group or phrase is the clause.
                    w if w.ends_with(':') && !w.ends_with("\\:") => {}
                    _ => {
                        clauses += 1;
                        pending_not = 0;
                    }
                }
            }
        }
        if clauses > limits.max_clauses {
            return Err(LimitError::TooManyClauses {
                max: limits.max_clauses,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(q: &str) -> Result<(), LimitError> {
        check_query(q, &QueryLimits::DEFAULT)
    }

    #[test]
    fn ordinary_queries_pass() {
        for q in [
            "",
            "هدنة قسد",
            r#"قصف "دير الزور" -منبج actor:sdf (a OR b) title:"x y"~2"#,
            "NOT قصف AND (هدنة OR اتفاق)",
            "title:(هدنة OR اتفاق) published:[2024-01-01 TO 2024-02-01]",
            r"a\(b \) c",
            "((((((((((((((((x))))))))))))))))",
        ] {
            assert_eq!(check(q), Ok(()), "{q}");
        }
    }

    #[test]
    fn nesting_past_the_limit_is_refused() {
        let deep = |n: usize| format!("{}x{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(check(&deep(16)), Ok(()));
        assert_eq!(check(&deep(17)), Err(LimitError::TooDeep { max: 16 }));
        // The probe's query: 2,500 levels, 5 KB. Too long as well; depth is what it is about.
        let limits = QueryLimits {
            max_bytes: usize::MAX,
            ..QueryLimits::DEFAULT
        };
        assert_eq!(
            check_query(&deep(2_500), &limits),
            Err(LimitError::TooDeep { max: 16 })
        );
        assert!(matches!(
            check(&deep(2_500)),
            Err(LimitError::TooLong { .. })
        ));
        // Unbalanced: only opening parentheses.
        assert_eq!(
            check_query(&"(".repeat(100), &limits),
            Err(LimitError::TooDeep { max: 16 })
        );
    }

    #[test]
    fn not_chains_count_as_nesting() {
        let nots = |n: usize| format!("{}x", "NOT ".repeat(n));
        assert_eq!(check(&nots(16)), Ok(()));
        assert_eq!(check(&nots(17)), Err(LimitError::TooDeep { max: 16 }));
        // NOTs before groups add to the groups' levels.
        assert_eq!(check(&"NOT (".repeat(8)), Ok(()));
        assert_eq!(
            check(&"NOT (".repeat(9)),
            Err(LimitError::TooDeep { max: 16 })
        );
        // NOTs side by side do not nest.
        assert_eq!(check(&"NOT a ".repeat(30)), Ok(()));
    }

    #[test]
    fn too_many_clauses_or_bytes_are_refused() {
        assert_eq!(check(&"a ".repeat(64)), Ok(()));
        assert_eq!(
            check(&"a ".repeat(65)),
            Err(LimitError::TooManyClauses { max: 64 })
        );
        assert_eq!(
            check(&"\"a b\" ".repeat(65)),
            Err(LimitError::TooManyClauses { max: 64 })
        );
        assert_eq!(
            check(&"ب".repeat(1_001)),
            Err(LimitError::TooLong {
                bytes: 2_002,
                max: 2_000
            })
        );
    }

    #[test]
    fn quotes_and_escapes_hide_parentheses() {
        assert_eq!(check(&format!("\"{}\"", "(".repeat(100))), Ok(()));
        assert_eq!(check(&"\\(".repeat(100)), Ok(()));
        // An unclosed phrase runs to the end.
        assert_eq!(check(&format!("\"{}", "(".repeat(100))), Ok(()));
    }
}

//! Cases by category, counted in a reader's browser (ADR 0024).
//!
//! A report's category is sealed inside it: the hub cannot count it and must
//! not learn it case by case. A reader of a route opens the cases of their
//! route in their own client, counts them per factory, month of receipt and
//! category, suppresses small counts and publishes the table
//! (`POST /handler/v1/category-counts`); the hub checks its shape and the
//! suppression, keeps the latest table per route, factory and month, and
//! serves it to staff with the right to read aggregates
//! (`GET /admin/v1/factories/{factory_id}/category-counts`).

use serde::{Deserialize, Serialize};

use crate::directory::Route;

/// The most rows one publication may carry.
pub const MAX_ROWS: usize = 2_000;
/// The most categories one row may carry.
pub const MAX_CATEGORIES: usize = 100;

/// One category's count in a row; `None` when it is 1 to 4 or would give
/// such a count away (shown as "fewer than 5").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryCount {
    /// The category's id in the signed directory.
    pub category_id: String,
    /// Cases of that category (`null`: suppressed).
    pub count: Option<u32>,
}

/// The cases of one factory and month (UTC, of receipt) by category, as one
/// route's reader counted them. Categories with no case are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryCountsRow {
    /// The factory the cases came from.
    pub factory_id: String,
    /// The month of receipt, `YYYY-MM`.
    pub month: String,
    /// Cases counted in the row (`null`: 1 to 4, and then every category is `null`).
    pub total: Option<u32>,
    /// Per category with at least one case.
    pub categories: Vec<CategoryCount>,
}

/// `POST /handler/v1/category-counts`: rows a reader's client counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishCategoryCounts {
    /// One row per factory and month; each replaces the route's earlier row.
    pub rows: Vec<CategoryCountsRow>,
}

/// One published row as staff read it: which route's reader counted it
/// and when (to the day), never which reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedCategoryCounts {
    /// The route whose reader counted the cases that reached it.
    pub route: Route,
    /// The month of receipt, `YYYY-MM`.
    pub month: String,
    /// Cases counted (`null`: suppressed).
    pub total: Option<u32>,
    /// Per category.
    pub categories: Vec<CategoryCount>,
    /// When it was published: the start of that day (UTC), unix seconds.
    pub published_on: i64,
}

/// A published survey's aggregates for one factory, and when they were
/// published (`GET /admin/v1/factories/{factory_id}/survey-aggregates`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FactorySurveyAggregates {
    /// The factory's group only (no other factory's, no programme-wide one).
    pub results: crate::survey_response::SurveyResults,
    /// When an analyst published them: the start of that day (UTC), unix seconds.
    pub published_on: i64,
}

/// Whether `row` shows nothing a small group would give away: every shown
/// count is at least `min_group`; a suppressed total hides every category;
/// shown categories add up to no more than the total; and what the hidden
/// categories hold together (the total less the shown ones) is 0 or at
/// least `min_group`, so no single hidden count follows by subtraction.
pub fn row_is_suppressed(row: &CategoryCountsRow, min_group: u32) -> bool {
    let small = |count: u32| count < min_group;
    let Some(total) = row.total else {
        return row.categories.iter().all(|category| category.count.is_none());
    };
    if small(total) {
        return false;
    }
    let mut shown: u64 = 0;
    for category in &row.categories {
        if let Some(count) = category.count {
            if small(count) {
                return false;
            }
            shown += u64::from(count);
        }
    }
    let Some(rest) = u64::from(total).checked_sub(shown) else {
        return false;
    };
    let hidden = row.categories.iter().filter(|category| category.count.is_none()).count();
    match hidden {
        // Every category shown: they must account for every case.
        0 => rest == 0,
        // One hidden category is the rest: it must not be 1 to 4 (and one
        // hidden category of 5 or more should have been shown; allowed).
        _ => rest >= u64::from(min_group),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(total: Option<u32>, counts: &[Option<u32>]) -> CategoryCountsRow {
        CategoryCountsRow {
            factory_id: "f".into(),
            month: "2026-11".into(),
            total,
            categories: counts
                .iter()
                .enumerate()
                .map(|(n, count)| CategoryCount { category_id: format!("c{n}"), count: *count })
                .collect(),
        }
    }

    #[test]
    fn rows_with_a_shown_count_under_five_or_a_hidden_count_that_follows_are_refused() {
        assert!(row_is_suppressed(&row(Some(12), &[Some(7), Some(5)]), 5));
        assert!(!row_is_suppressed(&row(Some(12), &[Some(8), Some(4)]), 5), "4 is shown");
        assert!(!row_is_suppressed(&row(Some(12), &[Some(9), None]), 5), "12 - 9 = 3 follows");
        assert!(row_is_suppressed(&row(Some(12), &[Some(5), None, None]), 5), "7 hidden in two");
        assert!(!row_is_suppressed(&row(Some(3), &[]), 5), "a total of 3");
        assert!(row_is_suppressed(&row(None, &[None, None]), 5));
        assert!(!row_is_suppressed(&row(None, &[Some(5)]), 5), "a count under a hidden total");
        assert!(!row_is_suppressed(&row(Some(10), &[Some(5)]), 5), "five cases unaccounted for");
        assert!(!row_is_suppressed(&row(Some(5), &[Some(6)]), 5), "more than the total");
    }
}

use serde::{Deserialize, Serialize};

use crate::Links;

/// `ResourceCollection<T>`: the paged envelope of list routes. `LastPageNumber` is 0-based.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceCollection<T> {
    pub item_type: String,
    pub total_results: i64,
    pub items_per_page: i64,
    pub number_of_pages: i64,
    pub last_page_number: i64,
    #[serde(default)]
    pub is_stale: bool,
    pub items: Vec<T>,
    #[serde(default)]
    pub links: Links,
}

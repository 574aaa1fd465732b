//! Form logic as plain data and functions, tested natively; the screens only bind it to inputs.

pub mod proxy;
pub mod target;

use api_model::validation::{field_of_message, FormField};
use leptos::prelude::*;

use crate::api::ApiError;

/// A field whose value now stored differs from what was typed: shown when a save finds that
/// someone else changed the resource since it was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub label: &'static str,
    pub stored: String,
    pub typed: String,
}

/// The fields, as (label, stored, typed), whose two values differ.
pub fn differences(fields: Vec<(&'static str, String, String)>) -> Vec<Difference> {
    fields
        .into_iter()
        .filter(|(_, stored, typed)| stored != typed)
        .map(|(label, stored, typed)| Difference {
            label,
            stored,
            typed,
        })
        .collect()
}

/// The rows as (label, stored, typed), for tests to compare.
#[cfg(test)]
pub fn shown(rows: &[Difference]) -> Vec<(&str, &str, &str)> {
    rows.iter()
        .map(|d| (d.label, d.stored.as_str(), d.typed.as_str()))
        .collect()
}

/// At most `max` lines, then one that says how many more there were (a change of thousands of
/// machines reports the first few by name, not every one).
pub fn at_most(mut lines: Vec<String>, max: usize) -> Vec<String> {
    if lines.len() > max {
        let more = lines.len() - max;
        lines.truncate(max);
        lines.push(format!("…and {more} more"));
    }
    lines
}

/// What a failed save says when the server did not refuse a field: the reason, and that what was
/// typed is still in the form.
pub fn not_saved(error: &ApiError) -> String {
    format!("{error} Nothing was saved; your changes are still here.")
}

/// Server messages split into those that belong to a field (the first for each field) and the
/// rest. A form has a dozen fields at most, so a list serves.
pub fn place_server_errors<F: FormField + PartialEq>(
    errors: &[String],
) -> (Vec<(F, String)>, Vec<String>) {
    let mut by_field: Vec<(F, String)> = vec![];
    let mut general = vec![];
    for e in errors {
        match field_of_message::<F>(e) {
            Some(f) if !by_field.iter().any(|(g, _)| *g == f) => by_field.push((f, e.clone())),
            _ => general.push(e.clone()),
        }
    }
    (by_field, general)
}

/// What a form shows besides its values: which fields were left once (their rule shows from
/// then on), whether Save was pressed (every rule shows), the server's messages per field
/// (until that field is edited) and the messages that belong to no field.
pub struct FormState<F: Send + Sync + 'static> {
    touched: RwSignal<Vec<F>>,
    submitted: RwSignal<bool>,
    server: RwSignal<Vec<(F, String)>>,
    pub general: RwSignal<Vec<String>>,
}

impl<F: Send + Sync + 'static> Clone for FormState<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F: Send + Sync + 'static> Copy for FormState<F> {}

impl<F: FormField + PartialEq + Send + Sync + 'static> FormState<F> {
    pub fn new() -> Self {
        Self {
            touched: RwSignal::new(vec![]),
            submitted: RwSignal::new(false),
            server: RwSignal::new(vec![]),
            general: RwSignal::new(vec![]),
        }
    }

    /// The message to show on `field`: the server's, else the rule's once it is due.
    pub fn error(
        self,
        field: F,
        rule: impl Fn(F) -> Option<String> + Send + Sync + 'static,
    ) -> Signal<Option<String>> {
        Signal::derive(move || {
            let server = self
                .server
                .with(|s| s.iter().find_map(|(f, m)| (*f == field).then(|| m.clone())));
            server.or_else(|| {
                (self.submitted.get() || self.touched.with(|t| t.contains(&field)))
                    .then(|| rule(field))
                    .flatten()
            })
        })
    }

    pub fn edited(self, field: F) {
        self.server.update(|s| s.retain(|(f, _)| *f != field));
    }

    pub fn left(self, field: F) {
        self.touched.update(|t| {
            if !t.contains(&field) {
                t.push(field);
            }
        });
    }

    /// Save was pressed: from now on every rule shows.
    pub fn submit(self) {
        self.submitted.set(true);
        self.general.set(vec![]);
    }

    /// A save failed: a refusal goes on the fields (see [`FormState::refused`]), anything else
    /// above the form. Returns the field to focus (none: the message above the form).
    pub fn failed(self, error: ApiError) -> Option<F> {
        match error {
            ApiError::Validation { message, errors } => self.refused(message, &errors),
            other => {
                self.general.try_set(vec![not_saved(&other)]);
                None
            }
        }
    }

    /// The server refused: its messages go on their fields (the first of which is returned,
    /// to get focus), the rest above the form. `try_set`: the form may be gone by now.
    pub fn refused(self, message: String, errors: &[String]) -> Option<F> {
        let (fields, rest) = place_server_errors::<F>(errors);
        let first = F::ALL
            .iter()
            .copied()
            .find(|f| fields.iter().any(|(g, _)| g == f));
        self.server.try_set(fields);
        let summary = if rest.is_empty() && first.is_some() {
            vec![]
        } else {
            [vec![message], rest].concat()
        };
        self.general.try_set(summary);
        first
    }
}

impl<F: FormField + PartialEq + Send + Sync + 'static> Default for FormState<F> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod at_most_tests {
    #[test]
    fn long_lists_are_cut_and_say_how_many_more() {
        let lines = |n: usize| (1..=n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(super::at_most(lines(3), 3), ["1", "2", "3"]);
        assert_eq!(super::at_most(lines(5), 3), ["1", "2", "3", "…and 2 more"]);
    }
}

//! One list screen for every area: title and Add button, name search and filters kept in the
//! address, a table loaded one page at a time, the pager and the empty states.
//!
//! Each area describes its list as data ([`ListSpec`]) and turns a page of resources into
//! [`Cell`]s: the three lists behave alike because they are one screen.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use api_model::permissions::Permission;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use leptos_use::use_debounce_fn_with_arg;

use crate::api::urls::TAKE_ALL;
use crate::api::{ApiError, ListQuery};
use crate::components::field::{focus_field, focus_soon};
use crate::components::{loaded, CheckReport, PageHead, Pager, Report, SelectField};
use crate::fleet::Fleet;
use crate::routes::{self, page_number, ListState, PAGE_SIZE};
use crate::state::Session;

/// One table cell: text, a link (address, text), muted text, or a cell of the [`Later`]
/// column for the row with this key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Link(String, String),
    Muted(String),
    Later(String),
}

/// A column that loads after the rows (the proxies' usage counts): the rows show as soon as they
/// arrive, and if this load fails only this column says so, with its own Retry.
pub struct Later {
    /// What the column's cells say when their load failed.
    pub unavailable: &'static str,
    /// Loads the cells for these row keys: (space, keys) to each key's cell.
    pub load: fn(String, Vec<String>) -> LoadLater,
}

/// A page of a list as it loads. Boxed, as [`LoadLater`] and [`BulkWork`] are: a [`ListSpec`]
/// is data, and its functions plain `fn`s.
pub type LoadTable = Pin<Box<dyn Future<Output = Result<Table, ApiError>>>>;
/// A [`Later`] column's cells as they load, by row key.
pub type LoadLater = Pin<Box<dyn Future<Output = Result<LaterCells, ApiError>>>>;
/// What a [`Bulk`] button sets going.
pub type BulkWork = Pin<Box<dyn Future<Output = ()>>>;

/// A [`Later`] column's cells by row key.
pub type LaterCells = BTreeMap<String, Cell>;

/// A loaded page: its rows, the list's size, and the choices of each filter (same order as
/// [`ListSpec::filters`], each without the "all" choice).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub rows: Vec<Vec<Cell>>,
    pub total: i64,
    pub has_next: bool,
    pub filter_options: Vec<Vec<(String, String)>>,
    /// Each row's key, in order (for selecting rows).
    pub keys: Vec<RowKey>,
}

/// What the bulk actions know of a row: its id, its name, and how it connects now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RowKey {
    pub id: String,
    pub name: String,
    /// As the Connection filter names it (Direct, or a proxy's id); none where the connection
    /// is set elsewhere (a Polling Tentacle's, on the Tentacle).
    pub connection: Option<String>,
}

/// Something to do with the rows a person selects (e.g. check their health): a button above
/// the table, and the work, which reports into the list's [`CheckReport`].
pub struct Bulk {
    /// The button's words, after which the number selected follows.
    pub label: &'static str,
    /// What the button needs (the `more` actions check their own).
    pub needs: Permission,
    pub run: fn(String, Vec<String>, RwSignal<Option<Report>>) -> BulkWork,
    /// More to do with the selection, beside the button (it reads [`Selection`]).
    pub more: Option<fn() -> AnyView>,
}

/// The keys of a page's rows, or of every matching row.
pub type Rows = Vec<RowKey>;

/// The selected rows of a list, for what its bulk bar offers.
#[derive(Clone, Copy)]
pub struct Selection {
    pub space: Memo<String>,
    /// The machines listed, when they are machines.
    pub fleet: Option<&'static Fleet>,
    pub selected: RwSignal<Vec<String>>,
    /// The rows that can be selected: the page's, or every matching row once all were chosen.
    pub rows: Memo<Rows>,
    /// Each filter's choices, as the table loaded them.
    pub choices: Memo<Vec<Vec<(String, String)>>>,
    /// Loads the table again (after a change).
    pub reload: Callback<()>,
}

/// A filter: its key in the console's address, its label, the API parameter it sets, and how
/// it is chosen.
pub struct Filter {
    pub key: &'static str,
    pub label: &'static str,
    pub param: &'static str,
    pub kind: FilterKind,
}

pub enum FilterKind {
    /// One of the choices the table loaded, or none: the text of that "no filter" choice.
    Choice { all: &'static str },
    /// A day (`YYYY-MM-DD` in the address; the list's `load` turns it into the API's instant).
    Day,
}

impl Filter {
    pub const fn choice(
        key: &'static str,
        label: &'static str,
        param: &'static str,
        all: &'static str,
    ) -> Self {
        Filter {
            key,
            label,
            param,
            kind: FilterKind::Choice { all },
        }
    }

    pub const fn day(key: &'static str, label: &'static str, param: &'static str) -> Self {
        Filter {
            key,
            label,
            param,
            kind: FilterKind::Day,
        }
    }
}

pub struct ListSpec {
    pub title: &'static str,
    pub add_label: &'static str,
    /// What the Add button needs; none: the list has no Add (the audit trail).
    pub add_needs: Option<Permission>,
    /// The list's address in a space; the Add button goes to `{list}/new`.
    pub list: fn(&str) -> String,
    /// The name search's element id; none: the list has no name search.
    pub search_id: Option<&'static str>,
    pub search_label: &'static str,
    pub filters: &'static [Filter],
    pub table_label: &'static str,
    pub columns: &'static [&'static str],
    pub loading: &'static str,
    pub empty_title: &'static str,
    pub empty_text: &'static str,
    pub no_match_title: &'static str,
    /// Loads a page: (space, API query) to rows.
    pub load: fn(String, ListQuery) -> LoadTable,
    pub later: Option<Later>,
    pub bulk: Option<Bulk>,
    /// The machines it lists, when it lists a fleet's.
    pub fleet: Option<&'static Fleet>,
}

#[component]
pub fn ListPage(
    spec: &'static ListSpec,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let session = Session::expect();
    let params = use_params_map();
    let query = use_query_map();
    let space = Memo::new(move |_| params.with(|p| p.get("space").unwrap_or_default()));
    let state = Memo::new(move |_| {
        query.with(|q| ListState {
            search: q.get("q").unwrap_or_default(),
            filters: spec
                .filters
                .iter()
                .map(|f| q.get(f.key).unwrap_or_default())
                .collect(),
            page: page_number(q.get("page").as_deref()),
        })
    });
    let href = move |s: &ListState| {
        let keys = spec.filters.iter().map(|f| f.key);
        routes::list_at(&(spec.list)(&space.get_untracked()), keys, s)
    };

    // A change goes to the address (back to page 1) and the list follows the address, so
    // reload and back/forward restore it. Typing waits for a pause: one request per pause.
    let navigate = use_navigate();
    let go_to = move |to: String, replace: bool| {
        let options = NavigateOptions {
            replace,
            ..NavigateOptions::default()
        };
        navigate(routes::nav(&to), options);
    };
    let go = {
        let go_to = go_to.clone();
        move |change: &dyn Fn(&mut ListState), replace: bool| {
            let mut s = state.get_untracked();
            change(&mut s);
            s.page = 1;
            if s != state.get_untracked() {
                go_to(href(&s), replace);
            }
        }
    };
    let typed = go.clone();
    let search_for = use_debounce_fn_with_arg(
        move |text: String| typed(&|s| s.search = text.trim().to_owned(), true),
        300.0,
    );

    // The state the table shows: while it differs from the address's, a load is under way.
    let loaded_for = RwSignal::new(None::<ListState>);
    let busy = move || state.with(|s| loaded_for.with(|l| l.as_ref() != Some(s)));
    // The API query for the rows of the address's search and filters, from `skip`.
    let query = move |s: &ListState, skip: u32, take: u32| ListQuery {
        partial_name: Some(s.search.clone()),
        skip,
        take,
        filters: spec
            .filters
            .iter()
            .map(|f| f.param)
            .zip(s.filters.clone())
            .collect(),
    };
    let table = LocalResource::new(move || {
        session.version.track();
        let s = state.get();
        let load = (spec.load)(space.get(), query(&s, (s.page - 1) * PAGE_SIZE, PAGE_SIZE));
        async move {
            let result = session.check(load.await);
            loaded_for.try_set(Some(s));
            result
        }
    });
    // The later column, for the rows on screen (a list without one has no such load).
    let later = spec.later.as_ref().map(|later| {
        LocalResource::new(move || {
            let keys: Vec<String> = table.with(|t| match t {
                Some(Ok(t)) => t
                    .rows
                    .iter()
                    .flatten()
                    .filter_map(|c| match c {
                        Cell::Later(key) => Some(key.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => vec![],
            });
            let load = (!keys.is_empty()).then(|| (later.load)(space.get_untracked(), keys));
            async move {
                match load {
                    Some(load) => session.check(load.await),
                    None => Ok(LaterCells::new()),
                }
            }
        })
    });
    // A page past the end (an old link, or rows deleted since) goes to the last page.
    Effect::new(move || {
        let total = table.with(|t| match t {
            Some(Ok(t)) if t.rows.is_empty() => Some(t.total),
            _ => None,
        });
        let s = state.get_untracked();
        if let Some(last) = total.map(routes::last_page).filter(|last| s.page > *last) {
            go_to(href(&ListState { page: last, ..s }), true);
        }
    });
    // The filters' choices change only with the data, so a reload does not rebuild the selects.
    let choices = Memo::new(move |_| {
        table
            .get()
            .and_then(Result::ok)
            .map(|t| t.filter_options)
            .unwrap_or_default()
    });

    // The rows selected (a new page, search or filter starts with none), and the bulk action's
    // report. "Select all N matching" loads every matching row's id once, across pages.
    let selected = RwSignal::new(Vec::<String>::new());
    let matching = RwSignal::new(None::<Rows>);
    let report = RwSignal::new(None::<Report>);
    Effect::new(move || {
        state.track();
        selected.set(vec![]);
        matching.set(None);
    });
    let select_matching = Action::new_local(move |(): &()| {
        let load = (spec.load)(
            space.get_untracked(),
            query(&state.get_untracked(), 0, TAKE_ALL),
        );
        async move {
            match session.check(load.await) {
                Ok(t) => {
                    selected.try_set(t.keys.iter().map(|k| k.id.clone()).collect());
                    matching.try_set(Some(t.keys));
                    // The button is replaced by "Clear the selection": focus goes there.
                    focus_soon("clear-selection");
                }
                Err(e) => {
                    report.try_set(Some(Report::error(&e)));
                }
            }
        }
    });
    let bulk = Action::new_local(move |(): &()| {
        let work = spec
            .bulk
            .as_ref()
            .map(|b| (b.run)(space.get_untracked(), selected.get_untracked(), report));
        async move {
            if let Some(work) = work {
                work.await;
                // What the work changed shows in the table (e.g. the Health column).
                table.refetch();
                matching.try_set(None);
            }
        }
    });
    let rows = Memo::new(move |_| match (matching.get(), table.get()) {
        (Some(all), _) => all,
        (None, Some(Ok(t))) => t.keys,
        _ => Default::default(),
    });
    provide_context(Selection {
        space,
        fleet: spec.fleet,
        selected,
        rows,
        choices,
        reload: Callback::new(move |()| {
            matching.set(None);
            table.refetch()
        }),
    });
    // Rows can be selected when the person may do something with them.
    let selectable = Memo::new(move |_| {
        spec.bulk.as_ref().is_some_and(|b| {
            let space = space.get();
            session.may(b.needs, &space)
                || spec
                    .fleet
                    .is_some_and(|f| session.may(f.permissions.edit, &space))
        })
    });
    let may_add = move || spec.add_needs.is_some_and(|p| session.may(p, &space.get()));
    let bulk_bar = spec.bulk.as_ref().map(|b| {
        let count = move || selected.with(Vec::len);
        let may_run = move || session.may(b.needs, &space.get());
        move || selectable.get().then(|| view! {
            <div class="bulk" data-testid="bulk">
                {move || may_run().then(|| view! {
                    <button type="button" id="bulk-run" class="button" on:click=move |_| { if !bulk.pending().get_untracked() { bulk.dispatch_local(()); } }
                        disabled=move || count() == 0 || bulk.pending().get()
                        aria-busy=move || bulk.pending().get().then_some("true")>
                        {move || format!("{} ({} selected)", b.label, count())}
                    </button>
                })}
                {b.more.map(|more| more())}
                <CheckReport report=report testid="bulk-report"/>
            </div>
        })
    });

    view! {
        <PageHead title=spec.title area=spec.title>
            {move || may_add().then(|| view! {
                <a class="button primary" href=move || format!("{}/new", (spec.list)(&space.get()))>{spec.add_label}</a>
            })}
        </PageHead>
        {children.map(|c| c())}
        <div class="toolbar">
            {spec.search_id.map(|id| view! {
                <div class="field">
                    <label for=id>{spec.search_label}</label>
                    <input id=id type="search" placeholder="Search by name" autocomplete="off"
                        prop:value=move || state.with(|s| s.search.clone())
                        on:input:target=move |ev| { search_for(ev.target().value()); }/>
                </div>
            })}
            {move || choices.with(|all| spec.filters.iter().enumerate().map(|(i, f)| {
                let go = go.clone();
                let value = Signal::derive(move || state.with(|s| s.filters[i].clone()));
                let on_change = Callback::new(move |v: String| go(&|s| s.filters[i] = v.clone(), false));
                match f.kind {
                    FilterKind::Choice { all: none } => {
                        let options = std::iter::once((String::new(), none.to_owned()))
                            .chain(all.get(i).cloned().unwrap_or_default())
                            .collect();
                        view! { <SelectField name=f.key label=f.label options=options value=value on_change=on_change/> }.into_any()
                    }
                    FilterKind::Day => view! {
                        <div class="field day">
                            <label for=f.key>{f.label}</label>
                            <input id=f.key type="date" prop:value=value
                                on:change:target=move |ev| on_change.run(ev.target().value())/>
                        </div>
                    }.into_any(),
                }
            }).collect_view())}
        </div>
        {bulk_bar}
        {loaded(table, spec.loading, None, move |t| {
            let s = state.get_untracked();
            if t.rows.is_empty() && t.total == 0 {
                let filtered = !s.search.trim().is_empty() || s.filters.iter().any(|f| !f.is_empty());
                return view! {
                    <div class="panel empty" data-testid="empty">
                        <h2>{if filtered { spec.no_match_title } else { spec.empty_title }}</h2>
                        <p>{if filtered { "Nothing matches the search and filters above." } else { spec.empty_text }}</p>
                        {if filtered {
                            view! { <a class="button" href=(spec.list)(&space.get_untracked())>"Clear the search and filters"</a> }.into_any()
                        } else {
                            may_add().then(|| view! { <a class="button primary" href=format!("{}/new", (spec.list)(&space.get_untracked()))>{spec.add_label}</a> }).into_any()
                        }}
                    </div>
                }
                .into_any();
            }
            let selectable = selectable.get();
            // Rows without a key (a list that has none) can't be selected.
            let keys = t.keys.into_iter().chain(std::iter::repeat_with(Default::default));
            let all_ids: Vec<String> = t.rows.iter().zip(keys.clone()).map(|(_, k)| k.id).collect();
            let row_count = all_ids.len();
            let summary = routes::showing((s.page - 1) * PAGE_SIZE, t.rows.len(), t.total);
            // Every row of the page chosen, and more rows match on other pages: offer them all.
            let total = t.total;
            let more_pages = selectable && total > row_count as i64;
            let across = move || {
                let chosen = selected.with(Vec::len);
                match chosen as i64 {
                    n if n == total && matching.with(Option::is_some) => Some(view! {
                        <p class="select-matching" data-testid="select-matching">
                            {format!("All {total} matching are selected. ")}
                            <button type="button" id="clear-selection" class="button small"
                                on:click=move |_| { selected.set(vec![]); focus_field("select-all") }>"Clear the selection"</button>
                        </p>
                    }.into_any()),
                    n if n == row_count as i64 && n > 0 => Some(view! {
                        <p class="select-matching" data-testid="select-matching">
                            {format!("All {row_count} on this page are selected. ")}
                            <button type="button" id="select-matching" class="button small" disabled=select_matching.pending()
                                aria-busy=move || select_matching.pending().get().then_some("true")
                                on:click=move |_| { select_matching.dispatch_local(()); }>
                                {format!("Select all {total} matching")}
                            </button>
                        </p>
                    }.into_any()),
                    _ => None,
                }
            };
            let at = |page: u32| href(&ListState { page, ..s.clone() });
            let prev = (s.page > 1).then(|| at(s.page - 1));
            let next = t.has_next.then(|| at(s.page + 1));
            view! {
                {more_pages.then_some(across)}
                <div class="table-wrap" aria-busy=move || busy().then_some("true")>
                    <table class="table" aria-label=spec.table_label>
                        <thead><tr>
                            {selectable.then(|| view! {
                                <th scope="col" class="select"><input type="checkbox" id="select-all" aria-label="Select every row on this page"
                                    prop:checked={let page_ids = all_ids.clone(); move || selected.with(|s| !s.is_empty() && page_ids.iter().all(|id| s.contains(id)))}
                                    on:change:target=move |ev| selected.set(if ev.target().checked() { all_ids.clone() } else { vec![] })/></th>
                            })}
                            {spec.columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {t.rows.into_iter().zip(keys).map(|(row, RowKey { id, name, .. })| view! {
                                <tr>
                                {selectable.then(|| {
                                    let (mine, toggled) = (id.clone(), id);
                                    view! {
                                        <td class="select" data-label="Select"><input type="checkbox" aria-label=format!("Select {name}")
                                            prop:checked=move || selected.with(|s| s.contains(&mine))
                                            on:change:target=move |ev| {
                                                let on = ev.target().checked();
                                                selected.update(|s| { s.retain(|i| *i != toggled); if on { s.push(toggled.clone()) } });
                                            }/></td>
                                    }
                                })}
                                {row.into_iter().zip(spec.columns).map(|(cell, label)| view! {
                                    <td data-label=*label>{match cell {
                                        Cell::Later(key) => match later {
                                            Some(later) => (move || match later.get() {
                                                None => pending(),
                                                Some(Ok(cells)) => match cells.get(&key) {
                                                    Some(cell) => cell_view(cell.clone()),
                                                    None => pending(),
                                                },
                                                Some(Err(_)) => view! {
                                                    <span class="muted">{spec.later.as_ref().map(|l| l.unavailable)}</span>" "
                                                    <button type="button" class="button small" on:click=move |_| later.refetch()>"Retry"</button>
                                                }.into_any(),
                                            }).into_any(),
                                            None => pending(),
                                        },
                                        cell => cell_view(cell),
                                    }}</td>
                                }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <Pager prev=prev next=next summary=summary/>
            }
            .into_any()
        })}
    }
}

/// A later cell still loading.
fn pending() -> AnyView {
    view! { <span class="muted" aria-busy="true">"…"</span> }.into_any()
}

fn cell_view(cell: Cell) -> AnyView {
    match cell {
        Cell::Text(text) | Cell::Later(text) => text.into_any(),
        Cell::Link(href, text) => view! { <a href=href>{text}</a> }.into_any(),
        Cell::Muted(text) => view! { <span class="muted">{text}</span> }.into_any(),
    }
}

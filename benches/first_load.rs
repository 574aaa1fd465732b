//! The console as a person meets it, in headless Chromium against a running server (started by
//! `scripts/bench` with 10,000 targets and 100 proxies created through the API):
//!
//!   cargo bench --profile dev --bench first_load -- static-page http://HOST:PORT DIR
//!   cargo bench --profile dev --bench first_load -- measure http://HOST:PORT DIR
//!
//! `static-page` writes `DIR/bench-static.html`: the targets list exactly as the console painted
//! it (its first 30 rows, the same CSS), without scripts. `DIR` is the directory the server
//! serves under /app/ (scripts/bench compresses the page like every other file there).
//! `measure` prints Markdown tables: first painted rows, console against that page and against
//! the Leptos floor (`DIR/floor/index.html`, when scripts/bench built it), cold cache
//! (a new browser and profile for every run), on loopback and on an emulated 20 Mbit/s, 20 ms
//! link; how many wasm functions Chromium compiled before the rows (three more loads, traced);
//! the bytes of the first load by request and encoding; keystroke to repainted rows in the
//! proxies search with 500 proxies (it creates the missing ones through the API).
//!
//!   cargo bench --profile dev --bench first_load -- compare http://BEFORE http://AFTER
//!
//! compares two builds (two servers on copies of one database) side by side: first painted
//! rows on both links, in turn, with where the time went and the wasm functions compiled.
//!
//!   cargo bench --profile dev --bench first_load -- startup http://HOST:PORT -
//!
//! traces the console's and the floor's first screens only: the wasm functions compiled before
//! the rows and the main thread's work by kind (with `BENCH_TRACE=FILE`, the traces; with `BENCH_LAZY=FILE`, the compiled functions'
//! indices are written to `FILE-<path length>`, to name them from a build kept with names).
//!
//!   cargo bench --profile dev --bench first_load -- servers http://EXTENDED http://OCTOPUS
//!
//! compares one console against the extended API and against `--api octopus` on one database:
//! the lists' first rows and the proxies list's counts.
//! Times are taken in the page (`performance.now()`, from navigation start), not by the driver.

#[path = "../tests/browser/mod.rs"]
mod browser;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use browser::Browser;
use serde_json::{json, Value};

const LIST: &str = "/app/Spaces-1/infrastructure/machines";
const STATIC: &str = "/app/bench-static.html";
/// The Leptos floor (`../shared/bench/leptos-floor`, built by scripts/bench into `DIR/floor`):
/// the smallest honest Leptos app that makes the same three requests and paints the same rows.
const FLOOR: &str = "/app/floor/index.html";
const PROXIES: &str = "/app/Spaces-1/infrastructure/proxies";
/// Cold loads per page and link (the issue asks for a median of at least 7).
const RUNS: usize = 7;
const ROWS: usize = 30;
const SEARCH_PROXIES: usize = 500;
const LIMIT: Duration = Duration::from_secs(60);

/// Installed before any page script: notes when `ROWS` data rows are in the page and have been
/// painted (the task after the next animation frame runs after that frame's paint). The same
/// probe for the console and the static page, so their difference is the console's cost.
const FIRST_ROWS_PROBE: &str = r#"
(() => {
  window.__painted = null;
  const rows = () => document.querySelectorAll('main tbody tr td a').length;
  const obs = new MutationObserver(() => {
    // The console removes index.html's plain shell when its wasm starts.
    if (window.__started === undefined && window.__shell && !document.getElementById('boot-shell')) {
      window.__started = performance.now();
    }
    window.__shell = window.__shell || !!document.getElementById('boot-shell');
    if (rows() < ROWS) return;
    obs.disconnect();
    window.__rowsIn = performance.now();
    performance.mark('rows-in');
    requestAnimationFrame(() => {
      const c = new MessageChannel();
      c.port1.onmessage = () => { window.__painted = performance.now(); };
      c.port2.postMessage(0);
    });
  });
  obs.observe(document, {childList: true, subtree: true});
})();
"#;

/// Every request of the page so far: its body as sent and decoded (Resource Timing), and its
/// encoding and response headers, asked again the same way (a same-origin answer shows all its
/// headers to the page). Resource Timing's `transferSize` counts a fixed 300 bytes for headers,
/// so the headers are counted here as sent: status line, each `name: value`, the blank line.
const WIRE: &str = r#"
const done = arguments[arguments.length - 1];
const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
Promise.all(entries.map(async e => {
  let encoding = '?', headers = 0;
  try {
    const r = await fetch(e.name, {cache: 'no-store'});
    encoding = r.headers.get('content-encoding') || 'none';
    headers = ('HTTP/1.1 ' + r.status + ' ' + r.statusText + '\r\n').length + 2;
    r.headers.forEach((value, name) => { headers += name.length + 2 + value.length + 2; });
    await r.arrayBuffer();
  } catch (_) {}
  return {name: e.name, headers, encoded: e.encodedBodySize, decoded: e.decodedBodySize, encoding};
})).then(done, e => done([{name: 'failed: ' + e}]));
"#;

/// When the console's load reached each step (ms from navigation start).
const PHASES: &str = r#"
const r = performance.getEntriesByType('resource');
const find = s => r.find(e => e.name.includes(s));
const api = r.filter(e => e.name.includes('/api'));
return [
  find('_bg.wasm')?.responseEnd,
  Math.min(...api.map(e => e.startTime)),
  find('/machines?')?.startTime,
  find('/machines?')?.responseEnd,
  Math.max(...api.map(e => e.responseEnd)),
  window.__started,
  window.__rowsIn,
];
"#;
const PHASE_NAMES: [&str; 7] = [
    "wasm downloaded",
    "first API request sent",
    "the page of targets asked",
    "the page of targets answered",
    "the last API answer",
    "the wasm started (plain shell removed)",
    "rows in the document",
];

/// Notes the next keystroke's time and when, after it, every row shown matches `query` and the
/// table is no longer busy, painted.
const KEYSTROKE_PROBE: &str = r#"
const [query] = arguments;
window.__typed = null; window.__shown = null;
document.addEventListener('keydown', () => { window.__typed = performance.now(); }, {capture: true, once: true});
const settled = () => {
  const wrap = document.querySelector('main .table-wrap');
  const rows = [...document.querySelectorAll('main tbody tr')];
  return wrap && !wrap.hasAttribute('aria-busy') && rows.length > 0
    && rows.every(r => r.textContent.toLowerCase().includes(query));
};
const obs = new MutationObserver(() => {
  if (window.__typed === null || !settled()) return;
  obs.disconnect();
  requestAnimationFrame(() => {
    const c = new MessageChannel();
    c.port1.onmessage = () => { window.__shown = performance.now(); };
    c.port2.postMessage(0);
  });
});
obs.observe(document.querySelector('main'), {childList: true, subtree: true, attributes: true, characterData: true});
"#;

#[derive(Clone, Copy)]
enum Link {
    Loopback,
    /// Chromium's own throttling (DevTools `Network.emulateNetworkConditions`).
    Emulated,
}

impl Link {
    fn label(self) -> &'static str {
        match self {
            Link::Loopback => "loopback",
            Link::Emulated => "emulated 20 Mbit/s, 20 ms",
        }
    }
    fn target(self) -> f64 {
        match self {
            Link::Loopback => 1.5,
            Link::Emulated => 2.5,
        }
    }
}

/// Polls a page value until it is a number.
async fn wait_number(b: &Browser, expr: &str) -> f64 {
    let until = Instant::now() + LIMIT;
    loop {
        if let Some(n) = b.js(&format!("return {expr};")).await.as_f64() {
            return n;
        }
        assert!(Instant::now() < until, "no {expr} within {LIMIT:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One cold load of `path` in a new browser.
struct Load {
    /// ms from navigation start to painted rows.
    painted: f64,
    /// The console's [`PHASES`].
    phases: Vec<f64>,
    /// The first load's requests ([`WIRE`]), from one loopback run of the console.
    wire: Option<Value>,
}

/// [`FIRST_ROWS_PROBE`] in every page this browser opens from now on.
async fn install_probe(b: &Browser) {
    let probe = FIRST_ROWS_PROBE.replace("ROWS", &ROWS.to_string());
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": probe }),
    )
    .await;
}

async fn first_rows(base: &str, path: &str, link: Link) -> Load {
    let b = Browser::attach("bench", base).await;
    b.cdp("Network.enable", json!({})).await;
    if let Link::Emulated = link {
        b.cdp(
            "Network.emulateNetworkConditions",
            json!({"offline": false, "latency": 20,
                   "downloadThroughput": 2_500_000, "uploadThroughput": 2_500_000}),
        )
        .await;
    }
    install_probe(&b).await;
    b.open(path).await;
    let painted = wait_number(&b, "window.__painted").await;
    let phases = match path {
        // A step the page does not have (the floor has no plain shell) is NaN.
        LIST | FLOOR => serde_json::from_value::<Vec<Option<f64>>>(b.js(PHASES).await)
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.unwrap_or(f64::NAN))
            .collect(),
        _ => vec![],
    };
    let wire = match (link, path) {
        (Link::Loopback, LIST) => {
            // What the first screen asks for after its rows (the header's status and spaces).
            tokio::time::sleep(Duration::from_secs(1)).await;
            Some(b.client.execute_async(WIRE, vec![]).await.unwrap())
        }
        _ => None,
    };
    let _ = b.client.clone().close().await;
    Load {
        painted,
        phases,
        wire,
    }
}

/// Loads traced for [`startup`]: the count is the same in every load of one build.
const TRACED: usize = 3;

/// What the console's wasm costs before its first rows, on loopback: Chromium compiles each wasm
/// function on the main thread when it is first called, so the number of distinct functions the
/// first screen runs is its start-up cost, and unlike a time it does not move with the machine.
struct Startup {
    functions: u64,
    /// Main-thread ms in those compilations (the trace itself slows them a little).
    ms: f64,
    /// The main thread's time from navigation start to the rows, by kind of work (median ms).
    work: Vec<(&'static str, f64)>,
}

/// The kinds of main-thread work a trace event is counted under (its own time, without the
/// events inside it); anything else is "other".
const WORK: [(&str, &[&str]); 6] = [
    ("compiling wasm", &["wasm.CompileLazy"]),
    (
        "running script and wasm",
        &[
            "FunctionCall",
            "EvaluateScript",
            "v8.run",
            "RunMicrotasks",
            "TimerFire",
            "FireAnimationFrame",
            "EventDispatch",
            "v8.callFunction",
            "v8.evaluateModule",
        ],
    ),
    (
        "compiling script",
        &["v8.compile", "v8.compileModule", "CompileScript"],
    ),
    (
        "style and layout",
        &[
            "UpdateLayoutTree",
            "Layout",
            "RecalcStyle",
            "ScheduleStyleRecalculation",
            "InvalidateLayout",
            "HitTest",
        ],
    ),
    (
        "parsing HTML and CSS",
        &["ParseHTML", "ParseAuthorStyleSheet"],
    ),
    (
        "painting",
        &[
            "Paint",
            "PaintImage",
            "UpdateLayer",
            "Layerize",
            "PrePaint",
            "Commit",
            "UpdateLayerTree",
        ],
    ),
];

/// Each kind's main-thread ms before `until` (trace µs), on the thread that marked the rows.
fn main_thread_work(events: &[Value], until: f64) -> Vec<(&'static str, f64)> {
    let mark = events.iter().find(|e| e["name"] == "rows-in").unwrap();
    let (pid, tid) = (mark["pid"].clone(), mark["tid"].clone());
    let start = events
        .iter()
        .find(|e| e["name"] == "navigationStart" && e["pid"] == pid)
        .and_then(|e| e["ts"].as_f64())
        .unwrap_or(0.0);
    let mut spans: Vec<(f64, f64, &str)> = events
        .iter()
        .filter(|e| e["ph"] == "X" && e["pid"] == pid && e["tid"] == tid)
        .filter_map(|e| Some((e["ts"].as_f64()?, e["dur"].as_f64()?, e["name"].as_str()?)))
        .filter(|(ts, _, _)| *ts >= start && *ts < until)
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    // Own time: an event's duration less that of the events directly inside it.
    let mut own = std::collections::HashMap::<&str, f64>::new();
    let mut open: Vec<(f64, &str)> = vec![]; // (end, name)
    for (ts, dur, name) in spans {
        while open.last().is_some_and(|(end, _)| *end <= ts) {
            open.pop();
        }
        let end = (ts + dur).min(until);
        if let Some((_, parent)) = open.last() {
            *own.entry(parent).or_default() -= end - ts;
        }
        *own.entry(name).or_default() += end - ts;
        open.push((ts + dur, name));
    }
    let mut work: Vec<(&'static str, f64)> = WORK.iter().map(|(k, _)| (*k, 0.0)).collect();
    let mut other = 0.0;
    for (name, us) in own {
        match WORK.iter().position(|(_, names)| names.contains(&name)) {
            Some(i) => work[i].1 += us / 1000.0,
            // A task's own time outside any known event (scheduling, IPC): other.
            None => other += us / 1000.0,
        }
    }
    work.push(("other main-thread work", other));
    work.push(("all main-thread work", work.iter().map(|w| w.1).sum()));
    work.push(("navigation start → rows in", (until - start) / 1000.0));
    work
}

async fn startup(base: &str, path: &str) -> Startup {
    let (mut functions, mut ms, mut works) = (vec![], vec![], vec![]);
    for _ in 0..TRACED {
        let b = Browser::attach_with(
            "bench-trace",
            base,
            Some("v8.wasm,blink.user_timing,devtools.timeline,toplevel,v8"),
        )
        .await;
        install_probe(&b).await;
        b.open(path).await;
        wait_number(&b, "window.__painted").await;
        let events = b.trace_events().await;
        let rows_in = events
            .iter()
            .find(|e| e["name"] == "rows-in")
            .and_then(|e| e["ts"].as_f64())
            .expect("the trace holds the rows-in mark");
        let compiled: Vec<f64> = events
            .iter()
            .filter(|e| e["name"] == "wasm.CompileLazy" && e["ts"].as_f64() < Some(rows_in))
            .map(|e| e["dur"].as_f64().unwrap_or(0.0) / 1000.0)
            .collect();
        // The compiled functions' indices, to name them from a build with names (`-g`).
        if let Ok(out) = std::env::var("BENCH_LAZY") {
            let idx: Vec<Value> = events
                .iter()
                .filter(|e| e["name"] == "wasm.CompileLazy" && e["ts"].as_f64() < Some(rows_in))
                .map(|e| e["args"].clone())
                .collect();
            std::fs::write(
                format!("{out}-{}", path.len()),
                serde_json::to_string(&idx).unwrap(),
            )
            .unwrap();
        }
        // The whole trace, to look into with Perfetto or a script.
        if let Ok(out) = std::env::var("BENCH_TRACE") {
            let file = format!("{out}-{}-{}.json", path.len(), functions.len());
            std::fs::write(file, serde_json::to_string(&events).unwrap()).unwrap();
        }
        functions.push(compiled.len() as f64);
        ms.push(compiled.iter().sum());
        works.push(main_thread_work(&events, rows_in));
        let _ = b.client.clone().close().await;
    }
    let work = works[0]
        .iter()
        .enumerate()
        .map(|(k, (name, _))| {
            (
                *name,
                median(&works.iter().map(|w| w[k].1).collect::<Vec<_>>()),
            )
        })
        .collect();
    Startup {
        functions: median(&functions) as u64,
        ms: median(&ms),
        work,
    }
}

fn median(xs: &[f64]) -> f64 {
    let mut s = xs.to_vec();
    s.sort_by(f64::total_cmp);
    s[s.len() / 2]
}

/// The median of step `k` over the runs that reached it (NaN when none did).
fn step_median(runs: &[Vec<f64>], k: usize) -> f64 {
    let xs: Vec<f64> = runs
        .iter()
        .filter_map(|p| p.get(k).copied())
        .filter(|x| !x.is_nan())
        .collect();
    match xs.is_empty() {
        true => f64::NAN,
        false => median(&xs),
    }
}

fn list(xs: &[f64]) -> String {
    xs.iter()
        .map(|x| format!("{x:.0}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The console's painted list, saved as a page without scripts.
async fn static_page(base: &str, dir: &Path) {
    let b = Browser::attach("bench-static", base).await;
    b.open(LIST).await;
    let until = Instant::now() + LIMIT;
    while b
        .js("return document.querySelectorAll('main tbody tr td a').length;")
        .await
        .as_u64()
        < Some(ROWS as u64)
    {
        assert!(Instant::now() < until, "the console showed no rows");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let html = b
        .js(r#"
            const doc = document.documentElement.cloneNode(true);
            doc.querySelectorAll('script, link[rel=preload], link[rel=modulepreload]').forEach(e => e.remove());
            return '<!doctype html>\n' + doc.outerHTML;
        "#)
        .await;
    let html = html.as_str().unwrap();
    assert!(!html.contains("<script"), "the static page has no scripts");
    std::fs::write(dir.join("bench-static.html"), html).unwrap();
    println!(
        "wrote {} ({} bytes)",
        dir.join("bench-static.html").display(),
        html.len()
    );
    b.finish().await;
}

async fn measure(base: &str, dir: &Path) {
    assert!(
        dir.join("bench-static.html").exists(),
        "run `static-page` first"
    );
    let floor = dir.join("floor/index.html").exists();
    // Per link: the console, the static page, the floor (when built).
    let mut times: Vec<[Vec<f64>; 3]> = vec![Default::default(), Default::default()];
    let mut phases: Vec<[Vec<Vec<f64>>; 2]> = vec![Default::default(), Default::default()];
    let mut wire = None;
    // Interleaved, so a noisy moment on this shared machine falls on every page alike.
    for _ in 0..RUNS {
        for (i, link) in [Link::Loopback, Link::Emulated].into_iter().enumerate() {
            let console = first_rows(base, LIST, link).await;
            let page = first_rows(base, STATIC, link).await;
            times[i][0].push(console.painted);
            times[i][1].push(page.painted);
            phases[i][0].push(console.phases);
            wire = wire.or(console.wire);
            if floor {
                let f = first_rows(base, FLOOR, link).await;
                times[i][2].push(f.painted);
                phases[i][1].push(f.phases);
            }
        }
    }
    println!("### First painted rows: the Deployment Targets list against a static page and the Leptos floor\n");
    println!(
        "Milliseconds from navigation start until the first {ROWS} rows (of 10,000 targets) are painted, \
         cold cache (a new browser and profile each time), median of {RUNS}, the pages in turn. \
         The static page is the console's own painted list saved without scripts, with the same CSS, \
         served by the same server. The Leptos floor (`../shared/bench/leptos-floor`) is the smallest \
         honest Leptos 0.8 app that makes the same three requests and paints the same rows, built as \
         the Leptos book says: what Leptos itself costs for this screen.\n"
    );
    println!("| link | static page | Leptos floor | console | console / floor | target | console / static | target | static runs | floor runs | console runs |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|");
    for (i, link) in [Link::Loopback, Link::Emulated].into_iter().enumerate() {
        let (c, s) = (median(&times[i][0]), median(&times[i][1]));
        let f = if floor {
            median(&times[i][2])
        } else {
            f64::NAN
        };
        println!(
            "| {} | {s:.0} ms | {f:.0} ms | {c:.0} ms | {:.2}× | ≤ 1.3× | {:.2}× | ≤ {}× | {} | {} | {} |",
            link.label(),
            c / f,
            c / s,
            link.target(),
            list(&times[i][1]),
            list(&times[i][2]),
            list(&times[i][0])
        );
    }

    println!("\nWhere the time goes (median ms from navigation start, same runs; the floor asks for its data once its wasm runs, the console's `boot.js` before):\n");
    println!("| step | console, loopback | floor, loopback | console, emulated | floor, emulated |\n|---|---:|---:|---:|---:|");
    for (k, step) in PHASE_NAMES.iter().enumerate() {
        println!(
            "| {step} | {:.0} | {:.0} | {:.0} | {:.0} |",
            step_median(&phases[0][0], k),
            step_median(&phases[0][1], k),
            step_median(&phases[1][0], k),
            step_median(&phases[1][1], k)
        );
    }
    println!(
        "| rows painted | {:.0} | {:.0} | {:.0} | {:.0} |",
        median(&times[0][0]),
        if floor {
            median(&times[0][2])
        } else {
            f64::NAN
        },
        median(&times[1][0]),
        if floor {
            median(&times[1][2])
        } else {
            f64::NAN
        }
    );
    // From the wasm downloaded to the rows in the document: the main thread's work of the start
    // (compiling, running, building the rows), with any wait for an answer.
    let start_to_rows = |runs: &Vec<Vec<f64>>| {
        let xs: Vec<f64> = runs
            .iter()
            .filter_map(|p| Some(p.get(6)? - p.first()?))
            .filter(|x| !x.is_nan())
            .collect();
        if xs.is_empty() {
            f64::NAN
        } else {
            median(&xs)
        }
    };
    println!(
        "| wasm downloaded → rows in | {:.0} | {:.0} | {:.0} | {:.0} |",
        start_to_rows(&phases[0][0]),
        start_to_rows(&phases[0][1]),
        start_to_rows(&phases[1][0]),
        start_to_rows(&phases[1][1])
    );
    let start = startup(base, LIST).await;
    let floor_start = match floor {
        true => Some(startup(base, FLOOR).await),
        false => None,
    };
    println!(
        "\nChromium compiles a wasm function on the main thread when it is first called. Before \
         the rows were in, the console's first screen had it compile **{}** functions, {:.0} ms \
         of the main thread (loopback, {TRACED} more loads traced for it, median){}. The count \
         is the same in every load of one build, so it measures a change where times are noise.",
        thousands(start.functions),
        start.ms,
        floor_start.as_ref().map_or_else(String::new, |f| format!(
            "; the Leptos floor **{}** functions, {:.0} ms",
            thousands(f.functions),
            f.ms
        ))
    );
    println!(
        "\nThe main thread from navigation start to the rows in the document, by kind of work \
         (own time of each traced event, median of the same {TRACED} traced loads, ms; tracing \
         slows every kind a little):\n"
    );
    println!("| work | console | Leptos floor |\n|---|---:|---:|");
    for (k, (name, c)) in start.work.iter().enumerate() {
        let f = floor_start.as_ref().map_or(f64::NAN, |f| f.work[k].1);
        println!("| {name} | {c:.0} | {f:.0} |");
    }

    println!("\n### Bytes on the wire: the first load of the Deployment Targets list\n");
    println!(
        "Every request the first screen makes, cold cache, loopback: the body as sent (Resource \
         Timing's `encodedBodySize`) plus the response headers as the server sends them.\n"
    );
    println!("| request | encoding | on the wire | headers | body as sent | body decoded |");
    println!("|---|---|---:|---:|---:|---:|");
    let entries = wire.expect("a loopback run of the console");
    let mut total = 0;
    for e in entries.as_array().unwrap() {
        let name = e["name"].as_str().unwrap().trim_start_matches(base);
        let n = |k: &str| e[k].as_u64().unwrap_or(0);
        total += n("headers") + n("encoded");
        println!(
            "| `{name}` | {} | {} | {} | {} | {} |",
            e["encoding"].as_str().unwrap_or("?"),
            thousands(n("headers") + n("encoded")),
            thousands(n("headers")),
            thousands(n("encoded")),
            thousands(n("decoded"))
        );
    }
    println!(
        "| **total** | | **{}** | | | |\n\nTarget: at most 250,000 bytes.",
        thousands(total)
    );

    keystrokes(base).await;
}

/// Two consoles' first painted rows, in turn, on both links (for a change's before and after).
async fn compare(before: &str, after: &str) {
    println!("| link | before | after | after / before | before runs | after runs |");
    println!("|---|---:|---:|---:|---|---|");
    let mut phases = vec![];
    for link in [Link::Loopback, Link::Emulated] {
        let mut times = [vec![], vec![]];
        let mut steps = [vec![], vec![]];
        for _ in 0..RUNS {
            for (i, base) in [before, after].into_iter().enumerate() {
                let load = first_rows(base, LIST, link).await;
                times[i].push(load.painted);
                steps[i].push(load.phases);
            }
        }
        let (b, a) = (median(&times[0]), median(&times[1]));
        println!(
            "| {} | {b:.0} ms | {a:.0} ms | {:.2} | {} | {} |",
            link.label(),
            a / b,
            list(&times[0]),
            list(&times[1])
        );
        phases.push(steps);
    }
    println!("\n| step (median ms) | loopback before | loopback after | emulated before | emulated after |");
    println!("|---|---:|---:|---:|---:|");
    for (k, step) in PHASE_NAMES.iter().enumerate() {
        let at = |runs: &Vec<Vec<f64>>| step_median(runs, k);
        println!(
            "| {step} | {:.0} | {:.0} | {:.0} | {:.0} |",
            at(&phases[0][0]),
            at(&phases[0][1]),
            at(&phases[1][0]),
            at(&phases[1][1])
        );
    }
    let (b, a) = (startup(before, LIST).await, startup(after, LIST).await);
    println!(
        "| wasm functions compiled before the rows (median of {TRACED} traced loads) | {} | {} | | |",
        thousands(b.functions),
        thousands(a.functions)
    );
    println!(
        "| main-thread ms compiling them | {:.0} | {:.0} | | |",
        b.ms, a.ms
    );
}

/// Notes when the proxies list's Used by column has every count of the page (no cell waiting).
const COUNTS_PROBE: &str = r#"
(() => {
  window.__counted = null;
  const obs = new MutationObserver(() => {
    const cells = document.querySelectorAll('main tbody td[data-label="Used by"]');
    if (cells.length < ROWS || document.querySelector('main tbody td[data-label="Used by"] [aria-busy]')) return;
    obs.disconnect();
    window.__counted = performance.now();
  });
  obs.observe(document, {childList: true, subtree: true});
})();
"#;

/// One cold loopback load of the proxies list: (rows painted, every count shown), ms.
async fn proxies_and_counts(base: &str) -> (f64, f64) {
    let b = Browser::attach("bench-counts", base).await;
    install_probe(&b).await;
    b.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": COUNTS_PROBE.replace("ROWS", &ROWS.to_string()) }),
    )
    .await;
    b.open(PROXIES).await;
    let painted = wait_number(&b, "window.__painted").await;
    let counted = wait_number(&b, "window.__counted").await;
    let _ = b.client.clone().close().await;
    (painted, counted)
}

/// The same console against the API with the mock's extensions and against the documented
/// Octopus API alone (`--api octopus`, same database), cold loads in turn on loopback: the
/// lists' first rows, and the proxies list's counts, which the console works out itself from
/// every machine of the space when the server has no usage route.
async fn servers(extended: &str, octopus: &str) {
    const FILTERED: &str = "/app/Spaces-1/infrastructure/machines?proxy=Proxies-10";
    let bases = [extended, octopus];
    let mut rows = vec![];
    for (label, path) in [
        ("targets list, first rows", LIST),
        ("targets list filtered by a proxy, first rows", FILTERED),
    ] {
        let mut times = [vec![], vec![]];
        for _ in 0..RUNS {
            for (i, base) in bases.into_iter().enumerate() {
                times[i].push(first_rows(base, path, Link::Loopback).await.painted);
            }
        }
        rows.push((label, times));
    }
    let (mut painted, mut counted) = ([vec![], vec![]], [vec![], vec![]]);
    for _ in 0..RUNS {
        for (i, base) in bases.into_iter().enumerate() {
            let (p, c) = proxies_and_counts(base).await;
            painted[i].push(p);
            counted[i].push(c);
        }
    }
    rows.push(("proxies list, first rows", painted));
    rows.push(("proxies list, every count shown", counted));
    println!("\n### The console on a server without the extensions\n");
    println!(
        "The same console and database, cold loads in turn on loopback (median of {RUNS}, ms from \
         navigation start): against the API with the mock's extensions, and against `--api octopus` \
         (the documented Octopus API alone: the console counts each proxy's machines from \
         `machines/all` and `workers/all`, and filters by proxy itself).\n"
    );
    println!("| screen | extended API | Octopus API | Octopus / extended | extended runs | Octopus runs |");
    println!("|---|---:|---:|---:|---|---|");
    for (label, [e, o]) in rows {
        let (me, mo) = (median(&e), median(&o));
        println!(
            "| {label} | {me:.0} ms | {mo:.0} ms | {:.2} | {} | {} |",
            mo / me,
            list(&e),
            list(&o)
        );
    }
}

/// Keystroke to repainted rows in the proxies search, with 500 proxies in the space.
async fn keystrokes(base: &str) {
    let b = Browser::attach("bench-search", base).await;
    let have = b.api_get("/api/Spaces-1/proxies?take=0").await["TotalResults"]
        .as_u64()
        .unwrap() as usize;
    for i in have..SEARCH_PROXIES {
        b.create_proxy(json!({"Name": format!("Bench proxy {i:03}"),
                              "Host": format!("p{i}.example.com"), "Port": 3128}))
            .await;
    }
    let mut times = vec![];
    for digit in 0..9 {
        // "Bench proxy 1" shows 100…129; one more digit narrows it to one decade.
        b.open(&format!("{PROXIES}?q=Bench%20proxy%201")).await;
        b.wait_for_text("main tbody tr:nth-child(30)", "Bench proxy 1")
            .await;
        let query = format!("bench proxy 1{digit}");
        b.client
            .execute(KEYSTROKE_PROBE, vec![query.clone().into()])
            .await
            .unwrap();
        b.find("main input[type=search]")
            .await
            .send_keys(&digit.to_string())
            .await
            .unwrap();
        let shown = wait_number(&b, "window.__shown").await;
        let typed = wait_number(&b, "window.__typed").await;
        times.push(shown - typed);
    }
    println!("\n### Keystroke to repainted rows: searching 500 proxies\n");
    println!(
        "Milliseconds from the keydown of one more character in the proxies list's search (\"Bench \
         proxy 1\" → \"Bench proxy 1N\") until every row shown matches and is painted; the search \
         waits for a pause in typing before it asks the server, and that wait is included. \
         Median of {}: **{:.0} ms** (runs: {}).",
        times.len(),
        median(&times),
        list(&times)
    );
    b.finish().await;
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; ours are the mode, the server and the served directory.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [mode, base, dir] = args.as_slice() else {
        panic!("usage: first_load static-page|measure http://HOST:PORT DIR, or compare http://BEFORE http://AFTER");
    };
    let dir = PathBuf::from(dir);
    match mode.as_str() {
        "static-page" => static_page(base, &dir).await,
        "measure" => measure(base, &dir).await,
        "compare" => compare(base, dir.to_str().unwrap()).await,
        "servers" => servers(base, dir.to_str().unwrap()).await,
        "startup" => {
            // The console's first screen, then the floor's.
            for path in [LIST, FLOOR] {
                let s = startup(base, path).await;
                println!("{path}: {} functions, {:.0} ms", s.functions, s.ms);
                for (k, v) in s.work {
                    println!("  {k}: {v:.1}");
                }
            }
        }
        other => panic!("unknown mode {other}"),
    }
}

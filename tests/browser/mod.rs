//! Browser test harness: the real mock server (in-process, its own database and port) serving
//! the trunk-built console, driven in headless Chromium through chromedriver and fantoccini.
#![allow(dead_code)]

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use mock_server::{ApiMode, Config, Seed, Server};
use serde_json::Value;

/// One of chromedriver's own commands (beyond WebDriver's): a POST of `body` to `path` under the
/// session.
#[derive(Debug)]
struct DriverCommand {
    path: &'static str,
    body: Value,
}

impl DriverCommand {
    /// A Chrome DevTools Protocol command in the current tab.
    fn cdp(cmd: &str, params: Value) -> Self {
        let body = serde_json::json!({ "cmd": cmd, "params": params });
        DriverCommand {
            path: "goog/cdp/execute",
            body,
        }
    }

    /// The performance log so far (with trace events when the session asked for them).
    fn performance_log() -> Self {
        let body = serde_json::json!({ "type": "performance" });
        DriverCommand {
            path: "se/log",
            body,
        }
    }
}

impl fantoccini::wd::WebDriverCompatibleCommand for DriverCommand {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/{}",
            session.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// How long to wait for the console to show something.
pub const WAIT: Duration = Duration::from_secs(15);

pub struct Browser {
    pub client: Client,
    pub http: reqwest::Client,
    pub api_key: Option<String>,
    pub db_path: PathBuf,
    /// None while stopped ([`Browser::stop_server`]).
    pub server: Option<Server>,
    pub base: String,
    /// The API the server speaks (kept for a restart).
    pub api_mode: ApiMode,
    name: String,
    _driver: Driver,
    _profile: tempfile::TempDir,
    /// The database's directory, when the server is this harness's own.
    _data: Option<tempfile::TempDir>,
}

/// The trunk build output the tests serve: `$CONSOLE_DIST`, or `dist/` at the repository root.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("CONSOLE_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist"));
    assert!(
        dir.join("index.html").exists(),
        "no built console in {}: run scripts/test (it builds it with trunk) or `scripts/tools --console`",
        dir.display()
    );
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// A fresh server with the demo data (or none) and a fresh browser; `name` names the screenshot.
    pub async fn start(name: &str, seed: Seed, api_key: Option<&str>) -> Browser {
        Browser::start_with(name, seed, api_key, ApiMode::default()).await
    }

    /// [`Browser::start`] with the server speaking `api`: `ApiMode::Octopus` answers as the
    /// documented Octopus API does, without the mock's extensions.
    pub async fn start_with(
        name: &str,
        seed: Seed,
        api_key: Option<&str>,
        api: ApiMode,
    ) -> Browser {
        let data = tempfile::tempdir().unwrap();
        let config = Config {
            db: data.path().join("test.db").to_str().unwrap().to_owned(),
            static_dir: Some(dist_dir()),
            seed,
            api_key: api_key.map(str::to_owned),
            limits: Default::default(),
            api,
        };
        let server = mock_server::start(config, "127.0.0.1:0".parse().unwrap())
            .await
            .expect("mock server starts");
        let mut browser = Browser::attach(name, &format!("http://{}", server.addr)).await;
        browser.api_key = api_key.map(str::to_owned);
        browser.db_path = data.path().join("test.db");
        browser.server = Some(server);
        browser.api_mode = api;
        browser._data = Some(data);
        browser
    }

    /// A fresh browser (its own chromedriver and profile: a cold cache) for a server that runs
    /// elsewhere at `base` (the benchmark's); `name` names the screenshot.
    pub async fn attach(name: &str, base: &str) -> Browser {
        Browser::attach_with(name, base, None).await
    }

    /// [`Browser::attach`], keeping Chromium's trace events of the `trace` categories
    /// (comma-separated) for [`Browser::trace_events`].
    pub async fn attach_with(name: &str, base: &str, trace: Option<&str>) -> Browser {
        let port = free_port();
        let chromedriver =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        // Own process group, so Drop can end chromedriver and every browser it started.
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {chromedriver}: {e} (scripts/test installs it)")
            });
        let profile = tempfile::tempdir().unwrap();
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--window-size=1280,800", format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let mut caps = caps.as_object().unwrap().clone();
        if let Some(categories) = trace {
            caps.insert(
                "goog:loggingPrefs".into(),
                serde_json::json!({ "performance": "ALL" }),
            );
            caps["goog:chromeOptions"]["perfLoggingPrefs"] = serde_json::json!({
                "enableNetwork": false, "enablePage": false, "traceCategories": categories
            });
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            match ClientBuilder::rustls()
                .unwrap()
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot connect to chromedriver: {e}"),
            }
        };
        Browser {
            client,
            http: reqwest::Client::new(),
            api_key: None,
            db_path: PathBuf::new(),
            server: None,
            base: base.to_owned(),
            api_mode: ApiMode::default(),
            name: name.to_owned(),
            _driver: Driver(driver),
            _profile: profile,
            _data: None,
        }
    }

    /// Opens a console path such as `/app/`.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .expect("page opens");
    }

    /// Waits for an element whose text contains `text`, and returns its text.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if let Ok(t) = el.text().await {
                    if t.contains(text) {
                        return t;
                    }
                }
            }
            if Instant::now() > deadline {
                self.screenshot("FAILED").await;
                let body = self.client.source().await.unwrap_or_default();
                panic!("no `{css}` containing \"{text}\" within {WAIT:?}; page was:\n{body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A direct API call (for setting up data and checking what the console did).
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(key) = &self.api_key {
            req = req.header("X-Octopus-ApiKey", key);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("API request");
        let status = res.status().as_u16();
        let text = res.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn api_get(&self, path: &str) -> Value {
        self.api(reqwest::Method::GET, path, None).await.1
    }

    /// Creates a proxy through the API and returns it.
    pub async fn create_proxy(&self, body: Value) -> Value {
        let (status, proxy) = self
            .api(reqwest::Method::POST, "/api/Spaces-1/proxies", Some(body))
            .await;
        assert_eq!(status, 201, "{proxy}");
        proxy
    }

    pub async fn proxy_names(&self) -> Vec<String> {
        let all = self.api_get("/api/Spaces-1/proxies/all").await;
        all.as_array()
            .unwrap()
            .iter()
            .map(|p| p["Name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Waits for an element to be present and returns it.
    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => el,
            Err(e) => {
                self.screenshot("FAILED").await;
                panic!("no `{css}` within {WAIT:?}: {e}");
            }
        }
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Clicks the element matching `css` whose text is exactly `text`.
    pub async fn click_text(&self, css: &str, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            for el in self
                .client
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                if el.text().await.is_ok_and(|t| t.trim() == text) {
                    el.click()
                        .await
                        .unwrap_or_else(|e| panic!("click {css} \"{text}\": {e}"));
                    return;
                }
            }
            if Instant::now() > deadline {
                self.screenshot("FAILED").await;
                panic!("no `{css}` with text \"{text}\"");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Replaces an input's text, as typed.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    /// Reloads the page, as the browser's reload button does.
    pub async fn reload(&self) {
        self.client.refresh().await.expect("page reloads");
    }

    /// Picks an option of a select by its value, as a user would.
    pub async fn choose(&self, css: &str, value: &str) {
        self.find(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("choose {value} in {css}: {e}"));
    }

    /// The current value of an input.
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.unwrap()
    }

    /// From now on every page this tab loads records the Content-Security-Policy violations it
    /// meets, from before its first script runs (a Chrome DevTools command through chromedriver).
    pub async fn watch_csp(&self) {
        let source = "window.__csp = []; document.addEventListener('securitypolicyviolation', \
            e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));";
        self.cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": source }),
        )
        .await;
    }

    /// The violations recorded since the page loaded (see `watch_csp`).
    pub async fn csp_violations(&self) -> Vec<String> {
        let v = self.js("return window.__csp || null").await;
        serde_json::from_value(v).expect("watch_csp was called before the page loaded")
    }

    /// Opens `path` in a new tab and switches to it; returns the tab that was current.
    pub async fn open_in_new_tab(&self, path: &str) -> fantoccini::wd::WindowHandle {
        let previous = self.client.window().await.unwrap();
        let tab = self.client.new_window(true).await.unwrap();
        self.client.switch_to_window(tab.handle).await.unwrap();
        self.open(path).await;
        previous
    }

    /// Runs a script in the page and returns its value.
    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .expect("script runs")
    }

    /// Waits until the address (path and query) satisfies `check`.
    pub async fn wait_for_url(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let url = self.client.current_url().await.unwrap();
            let path = format!(
                "{}{}",
                url.path(),
                url.query().map(|q| format!("?{q}")).unwrap_or_default()
            );
            if check(&path) {
                return path;
            }
            if Instant::now() > deadline {
                self.screenshot("FAILED").await;
                panic!("address never became {what}; it is {path}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `script` returns `true` (`what` names the wait in the failure).
    pub async fn wait_until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + WAIT;
        while self.js(script).await != true {
            if Instant::now() > deadline {
                self.screenshot("FAILED").await;
                panic!("never {what} within {WAIT:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits for the check report `[data-testid=<testid>]` to end (passed or failed), and
    /// returns its text.
    pub async fn finished_report(&self, testid: &str) -> String {
        let css = format!(
            "[data-testid={testid}] [data-tone=passed], [data-testid={testid}] [data-tone=failed]"
        );
        self.find(&css).await.text().await.unwrap()
    }

    /// Waits for a `confirm`/`alert` prompt and returns its text.
    pub async fn wait_for_alert(&self) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(text) = self.client.get_alert_text().await {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "no prompt appeared within {WAIT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` is gone from the page.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        while self.client.find(Locator::Css(css)).await.is_ok() {
            if Instant::now() > deadline {
                self.screenshot("FAILED").await;
                panic!("`{css}` is still there");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves `target/screenshots/<name>[-suffix].png` for a person to look at.
    pub async fn screenshot(&self, suffix: &str) {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let file = if suffix.is_empty() {
            format!("{}.png", self.name)
        } else {
            format!("{}-{suffix}.png", self.name)
        };
        if let Ok(png) = self.client.screenshot().await {
            std::fs::write(dir.join(file), png).unwrap();
        }
    }

    /// Saves the final screenshot and closes the browser and the server.
    pub async fn finish(self) {
        self.screenshot("").await;
        let _ = self.client.clone().close().await;
        if let Some(server) = self.server {
            let _ = server.stop().await;
        }
    }

    /// The trace events Chromium recorded so far ([`Browser::attach_with`]); chromedriver ends the
    /// trace to hand them over.
    pub async fn trace_events(&self) -> Vec<Value> {
        let log = self
            .client
            .issue_cmd(DriverCommand::performance_log())
            .await
            .unwrap_or_else(|e| panic!("chromedriver hands over its performance log: {e}"));
        log.as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
            .filter(|m| m["message"]["method"] == "Tracing.dataCollected")
            .map(|mut m| m["message"]["params"].take())
            .collect()
    }

    /// Runs one Chrome DevTools Protocol command in the current tab and returns its result.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.client
            .issue_cmd(DriverCommand::cdp(cmd, params))
            .await
            .unwrap_or_else(|e| panic!("chromedriver runs {cmd}: {e}"))
    }

    /// Makes the browser fail every request whose address matches one of `patterns` (`*` is a
    /// wildcard), as a link that never delivers them; an empty list lets everything through.
    pub async fn block_urls(&self, patterns: &[&str]) {
        self.cdp("Network.enable", serde_json::json!({})).await;
        self.cdp(
            "Network.setBlockedURLs",
            serde_json::json!({ "urls": patterns }),
        )
        .await;
    }

    /// Emulates the system's colour scheme ("light" or "dark") for every page from now on.
    pub async fn emulate_color_scheme(&self, scheme: &str) {
        self.cdp(
            "Emulation.setEmulatedMedia",
            serde_json::json!({
                "features": [{"name": "prefers-color-scheme", "value": scheme}]
            }),
        )
        .await;
    }

    /// Stops the server, as a crash or a restart would: nothing answers at its address.
    pub async fn stop_server(&mut self) {
        let server = self.server.take().expect("the server runs");
        tokio::time::timeout(WAIT, server.stop())
            .await
            .expect("the server stops in time")
            .unwrap();
    }

    /// Starts the server again on the same address and database.
    pub async fn start_server(&mut self) {
        let config = Config {
            db: self.db_path.to_str().unwrap().to_owned(),
            static_dir: Some(dist_dir()),
            seed: Seed::None,
            api_key: self.api_key.clone(),
            limits: Default::default(),
            api: self.api_mode,
        };
        let addr = self.base.trim_start_matches("http://").parse().unwrap();
        self.server = Some(
            mock_server::start(config, addr)
                .await
                .expect("the server restarts"),
        );
    }

    /// From now on, in this page, API requests whose address contains `part` wait `delay_ms`
    /// and then, if `status` is given, get that status with an Octopus error body instead of
    /// reaching the server (status 0: the request fails as a dropped connection does). The
    /// console's own fetch is replaced, so everything else it does stays real.
    pub async fn intercept(&self, part: &str, delay_ms: u64, status: Option<u16>) {
        self.client
            .execute(INTERCEPT, vec![part.into(), delay_ms.into(), status.into()])
            .await
            .expect("fetch is wrapped");
    }

    /// The API requests the console made since [`Browser::intercept`] (or the last call of this),
    /// each with when it was sent (ms), and forgets them.
    pub async fn take_calls(&self) -> Vec<(String, f64)> {
        let calls = self
            .js("const c = window.__calls || []; window.__calls = []; return c;")
            .await;
        serde_json::from_value(calls).unwrap()
    }

    /// Takes away every [`Browser::intercept`]: requests go to the server again.
    pub async fn stop_intercepting(&self) {
        self.js("window.__intercepts = [];").await;
    }

    /// What axe-core finds wrong on the page as it is (violations' ids and their elements).
    pub async fn axe_violations(&self) -> Vec<String> {
        let source = axe_source();
        self.js(&source).await;
        let found = self
            .client
            .execute_async(AXE_RUN, vec![])
            .await
            .expect("axe runs");
        serde_json::from_value(found).unwrap()
    }
}

const INTERCEPT: &str = r#"
    const [part, delay, status] = arguments;
    if (!window.__realFetch) {
        window.__realFetch = window.fetch;
        window.__intercepts = [];
        window.__calls = [];
        window.fetch = async function (request, init) {
            const url = typeof request === 'string' ? request : request.url;
            window.__calls.push([url, performance.now()]);
            const rule = window.__intercepts.find(r => url.includes(r.part));
            if (!rule) return window.__realFetch.call(window, request, init);
            await new Promise(done => setTimeout(done, rule.delay));
            if (rule.status === null) return window.__realFetch.call(window, request, init);
            if (rule.status === 0) throw new TypeError('Failed to fetch');
            const body = JSON.stringify({ErrorMessage: 'Injected failure', Errors: []});
            return new Response(body, {status: rule.status, headers: {'Content-Type': 'application/json'}});
        };
    }
    window.__intercepts.push({part, delay, status});
"#;

/// Runs axe-core (already injected) over the document and returns "rule: element" lines.
const AXE_RUN: &str = r#"
    const done = arguments[arguments.length - 1];
    axe.run(document, {resultTypes: ['violations']}).then(r => done(
        r.violations.flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ')))
    ), e => done(['axe failed: ' + e]));
"#;

/// axe-core's browser build, as `scripts/tools` installs it (`$AXE_CORE_JS`).
fn axe_source() -> String {
    let path = std::env::var("AXE_CORE_JS").unwrap_or_else(|_| {
        let home = std::env::var("HOME").unwrap_or_default();
        format!("{home}/.cache/proxy-console/axe-core-4.11.0/axe.min.js")
    });
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("axe-core at {path}: {e} (scripts/tools --browser installs it)"))
}

/// chromedriver, in its own process group.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        // Kill the whole group: a failed test must not leave chromedriver or browsers behind.
        // killpg, not the kill command: no argument parsing that could widen the target.
        let group = self.0.id() as libc::pid_t;
        if group > 1 {
            unsafe { libc::killpg(group, libc::SIGKILL) };
        }
        let _ = self.0.wait();
    }
}

//! A real mock server on an ephemeral port with its own database, and a small HTTP helper.
#![allow(dead_code)]

use mock_server::{Config, Seed, Server};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

pub struct Api {
    /// `None` for another caller of a server another `Api` runs (`as_key`).
    pub server: Option<Server>,
    pub base: String,
    pub http: reqwest::Client,
    pub key: Option<String>,
}

pub async fn start_with(config: Config) -> Api {
    let server = mock_server::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("server starts");
    let base = format!("http://{}", server.addr);
    Api {
        server: Some(server),
        base,
        http: reqwest::Client::new(),
        key: None,
    }
}

pub fn config(seed: Seed) -> Config {
    Config {
        db: ":memory:".into(),
        static_dir: None,
        seed,
        api_key: None,
        limits: Default::default(),
        api: Default::default(),
    }
}

pub async fn start() -> Api {
    start_with(config(Seed::None)).await
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    /// The `Errors` lines of an Octopus error body.
    pub fn errors(&self) -> Vec<String> {
        serde_json::from_value(self.json()["Errors"].clone()).unwrap_or_default()
    }

    pub fn message(&self) -> String {
        self.json()["ErrorMessage"]
            .as_str()
            .expect("an ErrorMessage")
            .to_owned()
    }
}

impl Api {
    /// The same server, called with `key`.
    pub fn as_key(&self, key: &str) -> Api {
        Api {
            server: None,
            base: self.base.clone(),
            http: self.http.clone(),
            key: Some(key.to_owned()),
        }
    }

    /// Stops the server this `Api` runs.
    pub async fn stop(self) {
        self.server
            .expect("this Api runs the server")
            .stop()
            .await
            .unwrap();
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(key) = &self.key {
            req = req.header("X-Octopus-ApiKey", key);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.expect("request sent");
        Reply {
            status: res.status(),
            headers: res.headers().clone(),
            text: res.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None).await
    }

    /// Creates a proxy and returns the stored resource.
    pub async fn create_proxy(&self, name: &str, host: &str) -> Value {
        let r = self
            .post(
                "/api/Spaces-1/proxies",
                json!({"Name": name, "Host": host, "Port": 3128}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json()
    }

    pub async fn proxy_count(&self) -> u64 {
        self.get("/api/Spaces-1/proxies").await.json()["TotalResults"]
            .as_u64()
            .unwrap()
    }
}

/// Asserts an Octopus error body with this status; returns the reply for further checks.
pub fn assert_error(r: &Reply, status: StatusCode) {
    assert_eq!(r.status, status, "{}", r.text);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{:?}",
        r.headers
    );
    assert!(!r.message().is_empty());
}

//! The server reaching machines through a real squid (and directly): `POST proxies/test` with
//! every outcome an admin can meet, and `GET machines/discover`.

mod common;
mod real_parts;

use common::*;
use mock_server::Seed;
use real_parts::{Squid, Tentacle, PASSWORD, USER};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn proxy(port: u16, username: Option<&str>, password: Option<&str>) -> Value {
    let mut p = json!({"Name": "Squid under test", "Host": "127.0.0.1", "Port": port,
                       "ProxyType": "HTTP", "Username": username});
    if let Some(password) = password {
        p["Password"] = json!({"HasValue": true, "NewValue": password});
    }
    p
}

async fn test(api: &Api, proxy: Value, port: u16) -> Value {
    let r = api
        .post(
            "/api/Spaces-1/proxies/test",
            json!({"Proxy": proxy, "Host": "127.0.0.1", "Port": port}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let outcome = r.json();
    assert!(
        !r.text.contains(PASSWORD) && !r.text.contains("wrong-password"),
        "a password came back: {}",
        r.text
    );
    assert!(
        outcome["ElapsedMilliseconds"].as_u64().is_some(),
        "{outcome}"
    );
    outcome
}

#[tokio::test]
async fn through_squid_with_its_password_the_tentacle_presents_its_certificate() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let api = start_with(config(Seed::Demo)).await;
    let outcome = test(
        &api,
        proxy(squid.port, Some(USER), Some(PASSWORD)),
        tentacle.port,
    )
    .await;
    assert_eq!(outcome["Success"], true, "{outcome}");
    assert_eq!(outcome["Stage"], "Tls");
    assert_eq!(outcome["Thumbprint"], tentacle.thumbprint.as_str());
    let message = outcome["Message"].as_str().unwrap();
    assert!(
        message.contains(&tentacle.thumbprint) && message.contains("TLS handshake"),
        "{message}"
    );
    let connect = format!("CONNECT 127.0.0.1:{}", tentacle.port);
    let log = squid.access_log_with(&connect).await;
    assert!(
        log.contains(&connect) && log.contains(USER),
        "squid's access log shows the tunnel and who asked: {log}"
    );
}

#[tokio::test]
async fn a_wrong_or_missing_password_is_the_proxys_407() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let api = start_with(config(Seed::Demo)).await;
    let wrong = test(
        &api,
        proxy(squid.port, Some(USER), Some("wrong-password")),
        tentacle.port,
    )
    .await;
    assert_eq!(wrong["Success"], false, "{wrong}");
    assert_eq!(wrong["Stage"], "Authenticate");
    assert_eq!(
        wrong["Message"],
        "The proxy answered 407 Proxy Authentication Required: check the username and password."
    );
    let none = test(&api, proxy(squid.port, None, None), tentacle.port).await;
    assert_eq!(none["Stage"], "Authenticate");
    assert!(
        none["Message"]
            .as_str()
            .unwrap()
            .contains("needs a username and password"),
        "{none}"
    );
}

#[tokio::test]
async fn a_saved_proxy_is_tested_with_its_stored_password_unless_a_new_one_is_sent() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let api = start_with(config(Seed::None)).await;
    let created = api
        .post(
            "/api/Spaces-1/proxies",
            proxy(squid.port, Some(USER), Some(PASSWORD)),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let mut saved = created.json();
    assert_eq!(saved["Password"]["NewValue"], Value::Null);
    let stored = test(&api, saved.clone(), tentacle.port).await;
    assert_eq!(
        stored["Success"], true,
        "the stored password was used: {stored}"
    );
    saved["Password"] = json!({"HasValue": true, "NewValue": "wrong-password"});
    let typed = test(&api, saved.clone(), tentacle.port).await;
    assert_eq!(
        typed["Stage"], "Authenticate",
        "the typed password was used: {typed}"
    );
    // Another space's proxy is not found from this one.
    let r = api
        .post(
            "/api/Spaces-2/proxies/test",
            json!({"Proxy": {"Id": saved["Id"], "Host": "127.0.0.1", "Port": squid.port,
                             "Username": USER}, "Host": "127.0.0.1", "Port": tentacle.port}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

#[tokio::test]
async fn the_proxy_down_and_the_target_down_say_which() {
    let squid = Squid::start();
    let api = start_with(config(Seed::Demo)).await;
    let nobody = real_parts::free_port();
    let down = test(&api, proxy(nobody, None, None), 10933).await;
    assert_eq!(down["Success"], false);
    assert_eq!(down["Stage"], "Connect");
    assert_eq!(
        down["Message"],
        format!("Could not connect to the proxy 127.0.0.1:{nobody}: nothing is listening there (connection refused).")
    );
    let gone = test(&api, proxy(squid.port, Some(USER), Some(PASSWORD)), nobody).await;
    assert_eq!(gone["Success"], false, "{gone}");
    assert_eq!(gone["Stage"], "Tunnel");
    let message = gone["Message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "The proxy could not reach 127.0.0.1:{nobody}: it answered 50"
        )),
        "{message}"
    );
}

#[tokio::test]
async fn an_ssh_server_through_the_proxy_answers_with_its_banner() {
    let squid = Squid::start();
    let (ssh, _task) = real_parts::ssh_banner().await;
    let api = start_with(config(Seed::Demo)).await;
    let outcome = test(&api, proxy(squid.port, Some(USER), Some(PASSWORD)), ssh).await;
    assert_eq!(outcome["Success"], true, "{outcome}");
    assert_eq!(outcome["Stage"], "Tunnel");
    assert_eq!(
        outcome["Message"],
        format!("Reached 127.0.0.1:{ssh} through the proxy 127.0.0.1:{}: it answered with the SSH banner “SSH-2.0-OpenSSH_9.2p1 Debian-2”.", squid.port)
    );
}

#[tokio::test]
async fn what_to_test_is_checked_first() {
    let api = start_with(config(Seed::Demo)).await;
    let r = api
        .post(
            "/api/Spaces-1/proxies/test",
            json!({"Proxy": {"Host": "http://squid", "Port": 0}, "Host": "", "Port": 70000}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let errors = r.json()["Errors"].clone();
    for expected in [
        "Host must not include a scheme",
        "Port must be a whole number from 1 to 65535.",
        "Host to reach is required",
        "Port to reach must be a whole number from 1 to 65535.",
    ] {
        assert!(
            errors.to_string().contains(expected),
            "{expected}: {errors}"
        );
    }
    // The proxy's own rules, all of them: a SOCKS proxy is not tested as if it spoke HTTP.
    let r = api
        .post(
            "/api/Spaces-1/proxies/test",
            json!({"Proxy": {"Host": "127.0.0.1", "Port": 1080, "ProxyType": "SOCKS5"},
                   "Host": "127.0.0.1", "Port": 10933}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.text.contains("is not supported"), "{}", r.text);
}

#[tokio::test]
async fn with_an_api_key_only_a_caller_with_it_can_make_the_server_connect() {
    let mut with_key = config(Seed::Demo);
    with_key.api_key = Some("API-PROXYTEST0000000000000000".into());
    let api = start_with(with_key).await;
    let r = api
        .post(
            "/api/Spaces-1/proxies/test",
            json!({"Proxy": {"Host": "127.0.0.1", "Port": 3128}, "Host": "127.0.0.1", "Port": 10933}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
}

/// A saved proxy for squid, with its password.
async fn saved_squid(api: &Api, squid: &Squid) -> String {
    let r = api
        .post(
            "/api/Spaces-1/proxies",
            proxy(squid.port, Some(USER), Some(PASSWORD)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["Id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn discovery_reads_a_listening_tentacles_thumbprint_through_its_proxy_or_directly() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let api = start_with(config(Seed::None)).await;
    let proxy_id = saved_squid(&api, &squid).await;
    let through = api
        .get(&format!(
            "/api/Spaces-1/machines/discover?host=127.0.0.1&port={}&type=TentaclePassive&proxyId={proxy_id}",
            tentacle.port
        ))
        .await;
    assert_eq!(through.status, StatusCode::OK, "{}", through.text);
    let template = through.json();
    let endpoint = &template["Endpoint"];
    assert_eq!(endpoint["CommunicationStyle"], "TentaclePassive");
    assert_eq!(endpoint["Thumbprint"], tentacle.thumbprint.as_str());
    assert_eq!(
        endpoint["Uri"],
        format!("https://127.0.0.1:{}/", tentacle.port)
    );
    assert_eq!(endpoint["ProxyId"], proxy_id.as_str());
    assert_eq!(template["Id"], Value::Null, "a template, not stored");
    assert!(!through.text.contains(PASSWORD));
    let connect = format!("CONNECT 127.0.0.1:{}", tentacle.port);
    assert!(
        squid.access_log_with(&connect).await.contains(&connect),
        "discovery went through squid"
    );
    // Directly, the parameter names in any case.
    let direct = api
        .get(&format!(
            "/api/Spaces-1/machines/discover?HOST=127.0.0.1&Port={}",
            tentacle.port
        ))
        .await;
    assert_eq!(direct.status, StatusCode::OK, "{}", direct.text);
    assert_eq!(
        direct.json()["Endpoint"]["Thumbprint"],
        tentacle.thumbprint.as_str()
    );
    assert_eq!(direct.json()["Endpoint"]["ProxyId"], Value::Null);
    // The template is what a client then posts, with a name and an environment.
    let mut machine = direct.json();
    machine["Name"] = json!("discovered-tentacle");
    machine["EnvironmentIds"] = json!(["Environments-1"]);
    let api_demo = start_with(config(Seed::Demo)).await;
    let created = api_demo.post("/api/Spaces-1/machines", machine).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
}

#[tokio::test]
async fn discovery_of_an_ssh_target_checks_its_banner_through_the_proxy() {
    let squid = Squid::start();
    let (ssh, _task) = real_parts::ssh_banner().await;
    let api = start_with(config(Seed::None)).await;
    let proxy_id = saved_squid(&api, &squid).await;
    let r = api
        .get(&format!(
            "/api/Spaces-1/machines/discover?host=127.0.0.1&port={ssh}&type=Ssh&proxyId={proxy_id}"
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let endpoint = r.json()["Endpoint"].clone();
    assert_eq!(endpoint["CommunicationStyle"], "Ssh");
    assert_eq!(endpoint["Host"], "127.0.0.1");
    assert_eq!(endpoint["Port"], ssh);
    assert_eq!(endpoint["ProxyId"], proxy_id.as_str());
    // A Listening Tentacle asked for where an SSH server answers.
    let r = api
        .get(&format!(
            "/api/Spaces-1/machines/discover?host=127.0.0.1&port={ssh}"
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(
        r.text.contains("not as a Listening Tentacle does"),
        "{}",
        r.text
    );
    // And an SSH server asked for where a Tentacle answers: it waits for a banner that never comes.
    let tentacle = Tentacle::start().await;
    let r = api
        .get(&format!(
            "/api/Spaces-1/machines/discover?host=127.0.0.1&port={}&type=Ssh",
            tentacle.port
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert_eq!(
        r.json()["ErrorMessage"],
        format!(
            "Reached 127.0.0.1:{}, but no SSH banner came within 5 s: it is not an SSH server.",
            tentacle.port
        )
    );
}

#[tokio::test]
async fn discovery_says_why_it_found_nothing() {
    let api = start_with(config(Seed::Demo)).await;
    let nobody = real_parts::free_port();
    for (query, expected) in [
        (
            format!("host=127.0.0.1&port={nobody}"),
            format!("Could not connect to 127.0.0.1:{nobody}: nothing is listening there (connection refused)."),
        ),
        (
            "port=10933".to_owned(),
            "The hostname of the machine to discover must be supplied as URI parameter named 'host'.".to_owned(),
        ),
        (
            "host=web01&type=TentacleActive".to_owned(),
            "A Polling Tentacle cannot be discovered: it registers with the server itself.".to_owned(),
        ),
        (
            "host=web01&port=70000".to_owned(),
            "Port must be a whole number from 1 to 65535.".to_owned(),
        ),
    ] {
        let r = api
            .get(&format!("/api/Spaces-1/machines/discover?{query}"))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{query}: {}", r.text);
        assert_eq!(r.json()["ErrorMessage"], expected.as_str(), "{query}");
    }
    let r = api
        .get("/api/Spaces-1/machines/discover?host=127.0.0.1&proxyId=Proxies-999")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
}

/// Creates a deployment target and returns its id.
async fn target(api: &Api, body: Value) -> String {
    let r = api.post("/api/Spaces-1/machines", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["Id"].as_str().unwrap().to_owned()
}

fn listening(name: &str, port: u16, thumbprint: &str, proxy: Option<&str>) -> Value {
    json!({"Name": name, "EnvironmentIds": ["Environments-1"], "Roles": ["web"],
           "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": format!("https://127.0.0.1:{port}/"),
                        "Thumbprint": thumbprint, "ProxyId": proxy}})
}

/// Waits (at most 20 s) for the task to finish, and returns it.
async fn finished(api: &Api, id: &str) -> Value {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let task = api.get(&format!("/api/tasks/{id}")).await.json();
        if task["IsCompleted"] == true {
            return task;
        }
        assert!(
            std::time::Instant::now() < until,
            "the task did not finish: {task}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_health_task_reaches_each_target_through_its_proxy_and_sets_its_health() {
    let (squid, tentacle) = (Squid::start(), Tentacle::start().await);
    let (ssh, _task) = real_parts::ssh_banner().await;
    let api = start_with(config(Seed::Demo)).await;
    let proxy_id = saved_squid(&api, &squid).await;
    let through = target(
        &api,
        listening(
            "through-squid",
            tentacle.port,
            &tentacle.thumbprint,
            Some(&proxy_id),
        ),
    )
    .await;
    let imposter = target(
        &api,
        listening(
            "wrong-certificate",
            tentacle.port,
            "0000000000000000000000000000000000000000",
            None,
        ),
    )
    .await;
    let shell = target(&api, json!({"Name": "ssh-through-squid", "EnvironmentIds": ["Environments-1"],
        "Endpoint": {"CommunicationStyle": "Ssh", "Host": "127.0.0.1", "Port": ssh, "AccountId": "Accounts-1",
                     "Fingerprint": "SHA256:x", "ProxyId": proxy_id}})).await;
    let r = api
        .post(
            "/api/tasks",
            json!({"Name": "Health", "SpaceId": "Spaces-1", "Description": "Check three",
            "Arguments": {"Timeout": "00:05:00", "machineIds": [through, imposter, shell]}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let task = r.json();
    assert!(
        task["Id"].as_str().unwrap().starts_with("ServerTasks-"),
        "{task}"
    );
    assert!(
        ["Queued", "Executing"].contains(&task["State"].as_str().unwrap()),
        "{task}"
    );
    assert_eq!(task["IsCompleted"], false);
    let id = task["Id"].as_str().unwrap().to_owned();
    let done = finished(&api, &id).await;
    assert_eq!(done["State"], "Failed", "{done}");
    assert_eq!(done["FinishedSuccessfully"], false);
    assert_eq!(
        done["ErrorMessage"],
        "1 of 3 deployment targets could not be reached: wrong-certificate."
    );
    let health = |id: String| {
        let api = &api;
        async move {
            api.get(&format!("/api/Spaces-1/machines/{id}"))
                .await
                .json()
        }
    };
    let ok = health(through.clone()).await;
    assert_eq!(ok["HealthStatus"], "Healthy", "{ok}");
    assert_eq!(
        ok["StatusSummary"],
        "The Tentacle presented the expected certificate through the proxy \u{201c}Squid under test\u{201d}."
    );
    let bad = health(imposter.clone()).await;
    assert_eq!(bad["HealthStatus"], "Unavailable");
    assert_eq!(
        bad["StatusSummary"],
        format!(
            "Thumbprint mismatch: expected 0000000000000000000000000000000000000000, presented {}.",
            tentacle.thumbprint
        )
    );
    assert_eq!(health(shell.clone()).await["HealthStatus"], "Healthy");
    // The list follows (its rows are written without parsing: the same fields).
    let list = api
        .get("/api/Spaces-1/machines?partialName=wrong-certificate")
        .await
        .json();
    assert_eq!(list["Items"][0]["HealthStatus"], "Unavailable");
    assert_eq!(list["Items"][0]["StatusSummary"], bad["StatusSummary"]);
    // The log: each machine's steps with their times, through squid.
    let details = api.get(&format!("/api/tasks/{id}/details")).await.json();
    assert_eq!(details["Task"]["Id"], id.as_str());
    let children = details["ActivityLogs"][0]["Children"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(children.len(), 3);
    let text = serde_json::to_string(&children).unwrap();
    assert!(
        text.contains(&format!(
            "Connected to the proxy 127.0.0.1:{} in ",
            squid.port
        )),
        "{text}"
    );
    assert!(text.contains("Thumbprint mismatch"), "{text}");
    assert!(!text.contains(PASSWORD));
    let connect = format!("CONNECT 127.0.0.1:{ssh}");
    assert!(squid.access_log_with(&connect).await.contains(&connect));
    // A client may not set what the server measures.
    let mut sent = ok.clone();
    sent["StatusSummary"] = json!("I say it is fine");
    sent["HealthStatus"] = json!("Healthy");
    let r = api
        .put(&format!("/api/Spaces-1/machines/{through}"), sent)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["StatusSummary"], ok["StatusSummary"]);
}

#[tokio::test]
async fn a_health_task_names_what_it_checks() {
    let api = start_with(config(Seed::Demo)).await;
    let down = real_parts::free_port();
    let lonely = target(&api, json!({"Name": "nobody-home", "EnvironmentIds": ["Environments-2"],
        "Endpoint": {"CommunicationStyle": "TentaclePassive", "Uri": format!("https://127.0.0.1:{down}/"),
                     "Thumbprint": "8F3A1C5B9E2D4F6A7B8C9D0E1F2A3B4C5D6E7F80"}})).await;
    // By environment, under the space's own route.
    let r = api
        .post(
            "/api/Spaces-1/tasks",
            json!({"Name": "Health", "Arguments": {"EnvironmentId": "Environments-2"}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json()["Id"].as_str().unwrap().to_owned();
    let done = finished(&api, &id).await;
    assert_eq!(done["State"], "Failed");
    assert!(
        done["ErrorMessage"]
            .as_str()
            .unwrap()
            .contains("nobody-home"),
        "{done}"
    );
    let machine = api
        .get(&format!("/api/Spaces-1/machines/{lonely}"))
        .await
        .json();
    assert_eq!(machine["HealthStatus"], "Unavailable");
    assert_eq!(
        machine["StatusSummary"],
        format!("Could not connect to 127.0.0.1:{down}: nothing is listening there (connection refused).")
    );
    // Another space does not see the task.
    let r = api.get(&format!("/api/Spaces-2/tasks/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    for (body, expected) in [
        (
            json!({"Name": "Backup"}),
            "Only the Health task runs on this server",
        ),
        (
            json!({"Name": "Health", "Arguments": {}}),
            "A health check needs machines",
        ),
        (
            json!({"Name": "Health", "Arguments": {"MachineIds": ["Machines-9999"]}}),
            "There is no deployment target Machines-9999 in this space.",
        ),
    ] {
        let r = api.post("/api/tasks", body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.text);
        assert!(r.text.contains(expected), "{body}: {}", r.text);
    }
}

#[tokio::test]
async fn a_kubernetes_clusters_api_is_reached_through_its_proxy() {
    let (squid, cluster) = (Squid::start(), Tentacle::start().await);
    let api = start_with(config(Seed::Demo)).await;
    let proxy_id = saved_squid(&api, &squid).await;
    let k8s = target(&api, json!({"Name": "aks-through-squid", "EnvironmentIds": ["Environments-1"],
        "Endpoint": {"CommunicationStyle": "Kubernetes", "ClusterUrl": format!("https://127.0.0.1:{}/", cluster.port),
                     "SkipTlsVerification": "True", "Namespace": "apps", "Authentication": null, "ProxyId": proxy_id}})).await;
    let r = api
        .post(
            "/api/Spaces-1/tasks",
            json!({"Name": "Health", "Arguments": {"MachineIds": [k8s]}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let done = finished(&api, r.json()["Id"].as_str().unwrap()).await;
    assert_eq!(done["State"], "Success", "{done}");
    let m = api
        .get(&format!("/api/Spaces-1/machines/{k8s}"))
        .await
        .json();
    assert_eq!(m["HealthStatus"], "Healthy", "{m}");
    assert_eq!(
        m["StatusSummary"],
        format!(
            "The cluster's API at 127.0.0.1:{} completed a TLS handshake through the proxy \u{201c}Squid under test\u{201d}.",
            cluster.port
        )
    );
    squid
        .access_log_with(&format!("CONNECT 127.0.0.1:{}", cluster.port))
        .await;
}

//! One request path for every call: build the URL, add the API key, send, cancel when the
//! caller's view goes away, and turn the answer into `T` or an [`ApiError`].

use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsCast;

use super::{auth, ApiError, Tagged};

fn request(method: Method, path: &str) -> RequestBuilder {
    let builder = RequestBuilder::new(&format!("{}{path}", auth::api_base()))
        .method(method)
        .header("Accept", "application/json");
    match auth::api_key() {
        Some(key) => builder.header("X-Octopus-ApiKey", &key),
        None => builder,
    }
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let (text, _) = send_get(path, Cancel::WithView).await?;
    parse(&text)
}

/// A GET whose answer several screens share (`GET /api`): no screen's departure cancels it.
pub async fn get_shared<T: DeserializeOwned>(path: String) -> Result<T, ApiError> {
    let (text, _) = send_get(&path, Cancel::Never).await?;
    parse(&text)
}

/// A resource and the ETag it came with, to send back as `If-Match` when saving it.
pub async fn get_tagged<T: DeserializeOwned>(path: &str) -> Result<Tagged<T>, ApiError> {
    let (text, etag) = send_get(path, Cancel::WithView).await?;
    Ok(Tagged {
        value: parse(&text)?,
        etag,
    })
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let (text, _) = send(
        request(Method::POST, path),
        Some(json(body)?),
        Cancel::WithView,
    )
    .await?;
    parse(&text)
}

/// Writes only if the stored resource still has `if_match` as its ETag (else [`ApiError::Changed`]).
pub async fn put<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    if_match: Option<&str>,
) -> Result<T, ApiError> {
    let builder = with_if_match(request(Method::PUT, path), if_match);
    let (text, _) = send(builder, Some(json(body)?), Cancel::WithView).await?;
    parse(&text)
}

pub async fn delete(path: &str, if_match: Option<&str>) -> Result<(), ApiError> {
    let builder = with_if_match(request(Method::DELETE, path), if_match);
    send(builder, None, Cancel::WithView).await.map(|_| ())
}

fn with_if_match(builder: RequestBuilder, etag: Option<&str>) -> RequestBuilder {
    match etag {
        Some(etag) => builder.header("If-Match", etag),
        None => builder,
    }
}

fn json<B: Serialize>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Decode(e.to_string()))
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))
}

/// A GET: the answer boot.js already asked for, if it holds one for this address, else a request.
async fn send_get(path: &str, cancel: Cancel) -> Result<(String, Option<String>), ApiError> {
    if let Some(answer) = take_prefetched(&format!("{}{path}", auth::api_base())) {
        // A failed one is asked again, as if it had never been sent.
        if let Ok(answer) = wasm_bindgen_futures::JsFuture::from(answer).await {
            if let Some((status, text, etag)) = prefetched_parts(&answer) {
                return outcome(status, text, etag);
            }
        }
    }
    send(request(Method::GET, path), None, cancel).await
}

/// What boot.js keeps of an answer it read whole: `{status, etag, text}` (the text already read,
/// so the first screen's rows need no further wait on the network once the wasm runs).
fn prefetched_parts(answer: &wasm_bindgen::JsValue) -> Option<(u16, String, Option<String>)> {
    let get = |key: &str| js_sys::Reflect::get(answer, &key.into()).ok();
    let status = get("status")?.as_f64()? as u16;
    let text = get("text")?.as_string()?;
    Some((status, text, get("etag").and_then(|e| e.as_string())))
}

/// The answer boot.js asked for at `url` before the wasm arrived (index.html's first screen),
/// taken once. boot.js drops them all at the person's first click or key, so only the first
/// screen can take one.
fn take_prefetched(url: &str) -> Option<js_sys::Promise> {
    let answers = js_sys::Reflect::get(&web_sys::window()?.into(), &"__prefetched".into()).ok()?;
    if answers.is_undefined() {
        return None;
    }
    let answer = js_sys::Reflect::get(&answers, &url.into()).ok()?;
    js_sys::Reflect::delete_property(answers.unchecked_ref::<js_sys::Object>(), &url.into())
        .ok()?;
    answer.dyn_into().ok()
}

/// Whether a request ends with the view that asked for it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cancel {
    /// Aborted when the view is cleaned up (e.g. the user navigated away).
    WithView,
    Never,
}

/// The answer's text and ETag, or the error it maps to.
async fn send(
    builder: RequestBuilder,
    body: Option<String>,
    cancel: Cancel,
) -> Result<(String, Option<String>), ApiError> {
    let controller = match cancel {
        Cancel::WithView => web_sys::AbortController::new().ok(),
        Cancel::Never => None,
    };
    let signal = controller.as_ref().map(|c| c.signal());
    if let Some(controller) = controller {
        let controller = SendWrapper::new(controller);
        on_cleanup(move || controller.abort());
    }
    let builder = builder.abort_signal(signal.as_ref());
    let request = match body {
        Some(body) => builder
            .header("Content-Type", "application/json")
            .body(body),
        None => builder.build(),
    }
    .map_err(|e| ApiError::Network(e.to_string()))?;
    let response = request
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    read(response).await
}

async fn read(response: Response) -> Result<(String, Option<String>), ApiError> {
    let status = response.status();
    let etag = response.headers().get("etag");
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    outcome(status, text, etag)
}

/// An answer's text and ETag, or the error its status maps to.
fn outcome(
    status: u16,
    text: String,
    etag: Option<String>,
) -> Result<(String, Option<String>), ApiError> {
    if (200..300).contains(&status) {
        Ok((text, etag))
    } else {
        Err(ApiError::from_response(status, &text))
    }
}

//! One request path for every call: build the URL, add the API key, send, cancel when the
//! caller's view goes away, and turn the answer into `T` or an [`ApiError`].

use gloo_net::http::{Method, RequestBuilder};
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{auth, ApiError};

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
    let text = send(request(Method::GET, path), None).await?;
    parse(&text)
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let text = send(request(Method::POST, path), Some(json(body)?)).await?;
    parse(&text)
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let text = send(request(Method::PUT, path), Some(json(body)?)).await?;
    parse(&text)
}

pub async fn delete(path: &str) -> Result<(), ApiError> {
    send(request(Method::DELETE, path), None).await.map(|_| ())
}

fn json<B: Serialize>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Decode(e.to_string()))
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Decode(e.to_string()))
}

async fn send(builder: RequestBuilder, body: Option<String>) -> Result<String, ApiError> {
    // Abort the request if the view that asked for it is cleaned up (e.g. the user navigated away).
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let controller = SendWrapper::new(controller);
    on_cleanup(move || {
        if let Some(c) = controller.take() {
            c.abort();
        }
    });
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
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(ApiError::from_response(status, &text))
    }
}

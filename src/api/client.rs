//! One request path for every call: build the URL, send, cancel when the caller's view goes
//! away, and turn the answer into `T` or an [`ApiError`].

use gloo_net::http::{Request, RequestBuilder};
use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use serde::de::DeserializeOwned;

use super::ApiError;

/// The API is on the same origin as the console (the server serves both).
fn url(path: &str) -> String {
    path.to_owned()
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send(Request::get(&url(path))).await
}

async fn send<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ApiError> {
    // Abort the request if the view that asked for it is cleaned up (e.g. the user navigated away).
    let controller = web_sys::AbortController::new().ok();
    let signal = controller.as_ref().map(|c| c.signal());
    let controller = SendWrapper::new(controller);
    on_cleanup(move || {
        if let Some(c) = controller.take() {
            c.abort();
        }
    });
    let response = request
        .header("Accept", "application/json")
        .abort_signal(signal.as_ref())
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
    } else {
        Err(ApiError::from_response(status, &text))
    }
}

//! The connection layer under axum. hyper answers some requests itself, before any of our code
//! sees them: a request line over 64 KiB (414), headers too large (431), or bytes that are not
//! HTTP (400), each with an empty body. This wrapper gives those answers the Octopus error body
//! too, so every error from every layer reads the same way.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use api_model::ErrorBody;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// A connection that rewrites hyper's own bodiless error answers; everything else passes as is.
pub struct ErrorBodies<S> {
    inner: S,
    /// A rewritten answer still being written, and how much of it is written.
    pending: Option<(Vec<u8>, usize)>,
}

impl<S> ErrorBodies<S> {
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            pending: None,
        }
    }
}

/// The answer to send instead of `head`, when `head` is one of hyper's automatic error answers:
/// a status of 400, 414 or 431, `content-length: 0`, no content type, and nothing after the head.
fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let head = text.strip_suffix("\r\n\r\n")?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let message = match status_line.get(..12)? {
        "HTTP/1.1 400" | "HTTP/1.0 400" => {
            "The request could not be read: it is not well-formed HTTP."
        }
        "HTTP/1.1 414" | "HTTP/1.0 414" => {
            "The request's address is too long (the limit is 64 KiB): ask for fewer ids at a time."
        }
        "HTTP/1.1 431" | "HTTP/1.0 431" => "The request's headers are too large.",
        _ => return None,
    };
    let headers: Vec<&str> = lines.collect();
    let lower = |h: &&str| h.to_ascii_lowercase();
    if !headers.iter().map(lower).any(|h| h == "content-length: 0")
        || headers
            .iter()
            .map(lower)
            .any(|h| h.starts_with("content-type:"))
    {
        return None;
    }
    let body = serde_json::to_string(&ErrorBody::new(message)).ok()?;
    let mut out = format!("{status_line}\r\n");
    for h in headers.iter().filter(|h| {
        let h = h.to_ascii_lowercase();
        !h.starts_with("content-length:") && !h.starts_with("connection:")
    }) {
        out.push_str(h);
        out.push_str("\r\n");
    }
    out.push_str(&format!(
        "content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ));
    Some(out.into_bytes())
}

impl<S: AsyncWrite + Unpin> ErrorBodies<S> {
    /// Writes what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ErrorBodies<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ErrorBodies<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if let Some(answer) = rewrite(buf) {
            self.pending = Some((answer, 0));
            // hyper's bytes are taken; the answer that replaces them goes out now or on flush.
            let _ = self.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    // Not vectored: hyper then hands over each answer's head as one buffer, which is what
    // `rewrite` looks at.
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn rewrites_only_hypers_bodiless_errors() {
        let hyper_414 = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: Tue, 24 Nov 2026 18:00:00 GMT\r\n\r\n";
        let out = String::from_utf8(rewrite(hyper_414).unwrap()).unwrap();
        assert!(out.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{out}");
        assert!(out.contains("content-type: application/json\r\n"));
        assert!(out.contains("connection: close\r\n"));
        assert!(out.contains("date: Tue"));
        let (head, body) = out.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        assert!(body.contains("\"ErrorMessage\":\"The request's address is too long"));

        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n";
        assert!(rewrite(ours).is_none());
        assert!(rewrite(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}").is_none());
    }
}

//! A minimal HTTP/1.1 responder for the metrics page on a std [`TcpListener`]: one
//! request per connection, answered and closed; `GET`/`HEAD` of the configured path get
//! the page, other paths 404, other methods 405.
//!
//! Scrapes are rare (every few seconds) and quick, so connections are served one after
//! another on the plugin's own thread; read and write timeouts keep a client that stalls
//! from holding it.

use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

/// How long a client may take to send its request or read the answer.
const CLIENT_LIMIT: Duration = Duration::from_secs(5);
/// The longest request head read (a scrape's is a few hundred bytes).
const HEAD_LIMIT: usize = 8 * 1024;
/// How long to pause after a failed accept.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// The exposition format's content type.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What the server answers a request with.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    status: &'static str,
    content_type: &'static str,
    body: String,
    allow: bool,
}

impl Answer {
    fn text(status: &'static str, body: String) -> Answer {
        Answer {
            status,
            content_type: "text/plain; charset=utf-8",
            body,
            allow: false,
        }
    }
}

/// Answers connections on `listener` until `stop` is set (the owner sets it, then
/// connects once so the blocking accept returns).
pub(crate) fn serve(
    listener: TcpListener,
    path: String,
    stop: Arc<AtomicBool>,
    page: impl Fn() -> Result<String, String>,
) {
    for stream in listener.incoming() {
        if stop.load(Ordering::Acquire) {
            return;
        }
        match stream {
            // A client that fails (reset, timeout) affects only its own request.
            Ok(stream) => {
                let _ = answer_one(stream, &path, &page);
            }
            // Out of file descriptors and the like: pause rather than spin.
            Err(_) => std::thread::sleep(ACCEPT_PAUSE),
        }
    }
}

fn answer_one(
    mut stream: TcpStream,
    path: &str,
    page: &impl Fn() -> Result<String, String>,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(CLIENT_LIMIT))?;
    stream.set_write_timeout(Some(CLIENT_LIMIT))?;
    let head = read_head(&mut stream)?;
    let (answer, head_only) = route(&head, path, page);
    let mut out = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.status,
        answer.content_type,
        answer.body.len()
    );
    if answer.allow {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str("\r\n");
    if !head_only {
        out.push_str(&answer.body);
    }
    stream.write_all(out.as_bytes())?;
    stream.flush()
}

/// The request head, up to its blank line (or [`HEAD_LIMIT`] bytes).
fn read_head(stream: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < HEAD_LIMIT {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(head)
}

/// The answer to a request head, and whether to leave the body out (`HEAD`).
fn route(head: &[u8], path: &str, page: &impl Fn() -> Result<String, String>) -> (Answer, bool) {
    let text = String::from_utf8_lossy(head);
    let mut parts = text.lines().next().unwrap_or_default().split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return (
            Answer::text("400 Bad Request", "bad request line\n".into()),
            false,
        );
    };
    if !version.starts_with("HTTP/1.") {
        return (
            Answer::text("400 Bad Request", "only HTTP/1.x is served\n".into()),
            false,
        );
    }
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        let mut a = Answer::text(
            "405 Method Not Allowed",
            "only GET and HEAD are served\n".into(),
        );
        a.allow = true;
        return (a, false);
    }
    let target_path = target.split(['?', '#']).next().unwrap_or_default();
    if target_path != path {
        return (
            Answer::text(
                "404 Not Found",
                format!("not found: metrics are at {path}\n"),
            ),
            head_only,
        );
    }
    let answer = match page() {
        Ok(body) => Answer {
            status: "200 OK",
            content_type: TEXT_FORMAT,
            body,
            allow: false,
        },
        Err(e) => Answer::text(
            "500 Internal Server Error",
            format!("cannot render the metrics: {e}\n"),
        ),
    };
    (answer, head_only)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Result<String, String> {
        Ok("m 1\n".into())
    }

    #[test]
    fn serves_the_path_with_or_without_a_query() {
        let (a, head_only) = route(b"GET /metrics HTTP/1.1\r\n\r\n", "/metrics", &page);
        assert_eq!(
            (a.status, a.body.as_str(), head_only),
            ("200 OK", "m 1\n", false)
        );
        let (a, _) = route(b"GET /metrics?x=1 HTTP/1.0\r\n\r\n", "/metrics", &page);
        assert_eq!(a.status, "200 OK");
        let (a, head_only) = route(b"HEAD /metrics HTTP/1.1\r\n\r\n", "/metrics", &page);
        assert_eq!((a.status, head_only), ("200 OK", true));
    }

    /// The status a request head gets at `/metrics`.
    fn status(head: &[u8]) -> &'static str {
        route(head, "/metrics", &page).0.status
    }

    #[test]
    fn refuses_other_paths_methods_and_garbage() {
        for (head, expected) in [
            (&b"GET / HTTP/1.1\r\n\r\n"[..], "404 Not Found"),
            (b"GET /metricsx HTTP/1.1\r\n\r\n", "404 Not Found"),
            (b"hello\r\n\r\n", "400 Bad Request"),
            (b"GET /metrics SPDY/3\r\n\r\n", "400 Bad Request"),
        ] {
            assert_eq!(status(head), expected, "{}", String::from_utf8_lossy(head));
        }
        let (a, _) = route(b"POST /metrics HTTP/1.1\r\n\r\n", "/metrics", &page);
        assert_eq!((a.status, a.allow), ("405 Method Not Allowed", true));
    }

    #[test]
    fn a_failing_page_is_a_500_naming_the_error() {
        let (a, _) = route(b"GET /metrics HTTP/1.1\r\n\r\n", "/metrics", &|| {
            Err("boom".into())
        });
        assert_eq!(a.status, "500 Internal Server Error");
        assert!(a.body.contains("boom"));
    }
}

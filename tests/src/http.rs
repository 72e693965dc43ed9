//! A minimal HTTP GET over a tokio `TcpStream`, enough for test helpers to read a
//! server's JSON API or a `/metrics` page without an HTTP client dependency.
//!
//! The request is HTTP/1.0, so the server closes the connection after the answer and
//! the body is everything up to the close; a chunked answer is decoded all the same.
//!
//! ```no_run
//! # async fn t() {
//! let page = plugorm_tests::http::get("127.0.0.1:9090", "/-/ready").await.unwrap();
//! assert_eq!(page.status, 200);
//! # }
//! ```

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::launch::{io, HarnessError};

/// How long one request may take, connection to last byte.
const REQUEST_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// A server's answer.
///
/// ```
/// let page = plugorm_tests::http::Response { status: 200, body: "ok".into() };
/// assert!(page.is_success());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The body as text (invalid UTF-8 replaced).
    pub body: String,
}

impl Response {
    /// True for a 2xx status.
    ///
    /// ```
    /// let page = plugorm_tests::http::Response { status: 503, body: String::new() };
    /// assert!(!page.is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// GETs `path` (with its query string, already encoded) from `addr` (`host:port`).
///
/// ```no_run
/// # async fn t() {
/// let metrics = plugorm_tests::http::get("127.0.0.1:9464", "/metrics").await.unwrap();
/// assert!(metrics.body.contains("# TYPE"));
/// # }
/// ```
pub async fn get(addr: &str, path: &str) -> Result<Response, HarnessError> {
    let what = format!("GET http://{addr}{path}");
    match tokio::time::timeout(REQUEST_LIMIT, exchange(addr, path, &what)).await {
        Ok(answer) => answer,
        Err(_) => Err(HarnessError::Protocol {
            what,
            detail: format!("no complete answer within {}s", REQUEST_LIMIT.as_secs()),
        }),
    }
}

async fn exchange(addr: &str, path: &str, what: &str) -> Result<Response, HarnessError> {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| io(&format!("connect for {what}"), e))?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: */*\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| io(&format!("send {what}"), e))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .await
        .map_err(|e| io(&format!("read the answer to {what}"), e))?;
    parse(&raw).map_err(|detail| HarnessError::Protocol {
        what: what.to_string(),
        detail,
    })
}

/// Splits a whole HTTP/1.x answer into status and body.
fn parse(raw: &[u8]) -> Result<Response, String> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the answer has no end of headers")?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let chunked = lines.any(|line| {
        let line = line.to_ascii_lowercase();
        line.starts_with("transfer-encoding:") && line.contains("chunked")
    });
    let body = &raw[split + 4..];
    let body = if chunked {
        dechunk(body)?
    } else {
        body.to_vec()
    };
    Ok(Response {
        status,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Joins the chunks of a chunked body (sizes in hex, each chunk followed by CRLF).
fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunk size line has no end")?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        if size == 0 {
            return Ok(body);
        }
        let data = rest
            .get(line_end + 2..line_end + 2 + size)
            .ok_or("a chunk is cut short")?;
        body.extend_from_slice(data);
        rest = rest.get(line_end + 4 + size..).unwrap_or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_a_plain_answer() {
        let page = parse(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok").unwrap();
        assert_eq!((page.status, page.body.as_str()), (200, "ok"));
    }

    #[test]
    fn joins_a_chunked_answer() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse(raw).unwrap().body, "abcde");
    }

    #[test]
    fn refuses_an_answer_without_headers_end() {
        assert!(parse(b"HTTP/1.0 200 OK\r\n").is_err());
    }
}

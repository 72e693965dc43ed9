//! Pushing the metrics to a Pushgateway: an HTTP/1.1 `PUT {url}/metrics/job/{job}` of
//! the text format over a std [`TcpStream`] (a PUT replaces every metric of the job's
//! group, so a series gone here goes there too).

use std::{
    io::{Read, Write},
    net::{TcpStream, ToSocketAddrs},
    time::Duration,
};

use crate::config::Push;

/// How long connecting, sending or reading the answer may take.
const PUSH_LIMIT: Duration = Duration::from_secs(10);

/// Why a push failed.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The URL is not `http://host[:port][/prefix]`.
    #[error("the push url `{0}` is not http://HOST[:PORT][/PREFIX]")]
    BadUrl(String),
    /// The gateway could not be reached or the exchange broke off.
    #[error("cannot push to {address}: {source}")]
    Io {
        address: String,
        source: std::io::Error,
    },
    /// The gateway answered with an error status.
    #[error("the Pushgateway at {address} answered `{status}`")]
    Refused { address: String, status: String },
}

/// The `host:port` to connect to and the path prefix of `url` (`http://gw:9091/base`).
///
/// ```
/// # use plugorm_prometheus::push::split_url;
/// assert_eq!(split_url("http://gw:9091/base/").unwrap(), ("gw:9091".into(), "/base".into()));
/// assert_eq!(split_url("http://gw").unwrap(), ("gw:80".into(), String::new()));
/// assert!(split_url("https://gw").is_err());
/// ```
pub fn split_url(url: &str) -> Result<(String, String), PushError> {
    let bad = || PushError::BadUrl(url.to_string());
    let rest = url.strip_prefix("http://").ok_or_else(bad)?;
    let (authority, prefix) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
        None => (rest, ""),
    };
    if authority.is_empty() || authority.contains('@') {
        return Err(bad());
    }
    let has_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        && !authority.ends_with(']');
    let address = if has_port {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    Ok((address, prefix.to_string()))
}

/// PUTs `body` (the text format) to the Pushgateway of `push`.
///
/// ```no_run
/// use plugorm_prometheus::{config::Push, push::push};
/// let to = Push { url: "http://127.0.0.1:9091".into(), job: "app".into(), interval_ms: 15_000 };
/// push(&to, "# TYPE up gauge\nup 1\n").unwrap();
/// ```
pub fn push(to: &Push, body: &str) -> Result<(), PushError> {
    let (address, prefix) = split_url(&to.url)?;
    let io = |source| PushError::Io {
        address: address.clone(),
        source,
    };
    let target = address
        .to_socket_addrs()
        .map_err(io)?
        .next()
        .ok_or_else(|| io(std::io::Error::other("the name resolves to no address")))?;
    let mut stream = TcpStream::connect_timeout(&target, PUSH_LIMIT).map_err(io)?;
    stream.set_read_timeout(Some(PUSH_LIMIT)).map_err(io)?;
    stream.set_write_timeout(Some(PUSH_LIMIT)).map_err(io)?;
    let request = format!(
        "PUT {prefix}/metrics/job/{job} HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n\
         Content-Length: {len}\r\nConnection: close\r\n\r\n{body}",
        job = to.job,
        len = body.len()
    );
    stream.write_all(request.as_bytes()).map_err(io)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).map_err(io)?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.lines().next().unwrap_or_default().trim().to_string();
    let code = status.split_whitespace().nth(1).unwrap_or_default();
    if code.starts_with('2') && code.len() == 3 {
        Ok(())
    } else {
        Err(PushError::Refused { address, status })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-shot gateway: answers `status` and hands back the request it got.
    fn gateway(status: &'static str) -> (String, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/gw", listener.local_addr().unwrap());
        let seen = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = s.read(&mut buf).unwrap();
                got.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&got);
                if n == 0 || text.ends_with("up 1\n") {
                    break;
                }
            }
            s.write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").as_bytes())
                .unwrap();
            String::from_utf8(got).unwrap()
        });
        (url, seen)
    }

    #[test]
    fn puts_the_text_under_the_job() {
        let (url, seen) = gateway("200 OK");
        let to = Push {
            url,
            job: "app".into(),
            interval_ms: 1,
        };
        push(&to, "up 1\n").unwrap();
        let request = seen.join().unwrap();
        assert!(
            request.starts_with("PUT /gw/metrics/job/app HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(request.ends_with("\r\n\r\nup 1\n"), "{request}");
    }

    #[test]
    fn an_error_status_is_reported() {
        let (url, seen) = gateway("400 Bad Request");
        let to = Push {
            url,
            job: "app".into(),
            interval_ms: 1,
        };
        let e = push(&to, "up 1\n").unwrap_err();
        assert!(e.to_string().contains("400 Bad Request"), "{e}");
        seen.join().unwrap();
    }
}

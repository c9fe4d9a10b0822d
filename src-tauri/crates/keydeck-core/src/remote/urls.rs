//! A source's URL: what keydeck accepts, and the request URLs made from it.

use url::Url;

use super::{RemoteError, RemoteErrorKind};

/// The source URL with a list path appended (keeping any base path).
pub(super) fn join(base: &Url, path_and_query: &str) -> Result<Url, String> {
    let joined = format!("{}{}", base.as_str().trim_end_matches('/'), path_and_query);
    Url::parse(&joined).map_err(|e| format!("cannot build a URL from {base}: {e}"))
}

/// Checks a source URL: http(s), no credential in it, and https unless the host is this
/// machine (or the user accepted the risk).
pub fn check_url(name: &str, text: &str, allow_insecure: bool) -> crate::Result<Url> {
    let unsupported = |m: String| RemoteError::new(name, RemoteErrorKind::Unsupported, m);
    let url =
        Url::parse(text.trim()).map_err(|e| unsupported(format!("`{text}` is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(unsupported(
            "the URL holds a user name or password; keydeck keeps credentials in the keyring: \
             remove it from the URL and give it on stdin"
                .into(),
        )
        .into());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(
            unsupported("the URL must not have a query or fragment (`?…`, `#…`)".into()).into(),
        );
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure || is_loopback(&url) => Ok(url),
        "http" => Err(RemoteError::new(
            name,
            RemoteErrorKind::Insecure,
            format!("{text} is plain http to another machine"),
        )
        .into()),
        other => Err(unsupported(format!("the scheme `{other}` is not http or https")).into()),
    }
}

pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_https_unless_loopback() {
        for ok in [
            "https://keys.example.com",
            "http://127.0.0.1:8080",
            "http://127.8.0.1",
            "http://[::1]:9",
            "http://localhost:1/base/",
        ] {
            assert!(check_url("s", ok, false).is_ok(), "{ok}");
        }
        let err = check_url("s", "http://keys.example.com", false).unwrap_err();
        assert!(matches!(err, crate::Error::Remote(ref r) if r.kind == RemoteErrorKind::Insecure));
        assert!(check_url("s", "http://keys.example.com", true).is_ok());
        assert!(check_url("s", "https://user:pw@example.com", false).is_err());
        assert!(check_url("s", "https://example.com/?token=x", false).is_err());
        assert!(check_url("s", "ftp://example.com", false).is_err());
    }

    #[test]
    fn join_keeps_the_base_path() {
        let base = Url::parse("http://127.0.0.1:8/prefix/").unwrap();
        assert_eq!(
            join(&base, "/keys").unwrap().as_str(),
            "http://127.0.0.1:8/prefix/keys"
        );
    }
}

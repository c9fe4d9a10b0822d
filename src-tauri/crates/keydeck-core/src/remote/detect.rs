//! `--dialect detect`: which of the five dialects a server speaks.

use reqwest::Method;
use url::Url;

use super::client::{Client, Endpoint};
use super::{DialectId, ListParams, RemoteError, RemoteErrorKind};
use crate::Secret;

/// Which dialect a server speaks, and why keydeck thinks so.
#[derive(Debug, Clone)]
pub struct Detection {
    pub dialect: DialectId,
    pub reason: String,
    /// What each probe found.
    pub tried: Vec<String>,
}

impl Client {
    /// Tries each dialect's list path and recognises the answers: a list in the dialect's
    /// shape wins; otherwise an error in the dialect's envelope (a 401 with the right
    /// envelope says who is there, even with a wrong token).
    pub async fn detect(
        &self,
        name: &str,
        base_url: &Url,
        credential: &Secret,
        user_id: Option<&str>,
    ) -> crate::Result<Detection> {
        let mut tried = Vec::new();
        let mut envelope_match: Option<(DialectId, String)> = None;
        for id in DialectId::ALL {
            let Ok(path) = id.dialect().list_path(ListParams {
                user_id,
                cursor: None,
            }) else {
                tried.push(format!("{id}: skipped (needs a user id)"));
                continue;
            };
            match self.probe(name, base_url, credential, id, &path).await? {
                Probe::List(reason) => {
                    return Ok(Detection {
                        dialect: id,
                        reason,
                        tried,
                    })
                }
                Probe::Envelope(reason) => {
                    tried.push(format!("{id}: {reason}"));
                    envelope_match.get_or_insert((id, reason));
                }
                Probe::Other(what) => tried.push(format!("{id}: {what}")),
            }
        }
        let Some((dialect, reason)) = envelope_match else {
            return Err(RemoteError::new(
                name,
                RemoteErrorKind::Unsupported,
                format!("no dialect recognised the server ({})", tried.join("; ")),
            )
            .into());
        };
        Ok(Detection {
            dialect,
            reason,
            tried,
        })
    }

    /// What the list path of dialect `id` answers.
    async fn probe(
        &self,
        name: &str,
        base_url: &Url,
        credential: &Secret,
        id: DialectId,
        path: &str,
    ) -> crate::Result<Probe> {
        let dialect = id.dialect();
        let auth = dialect.default_auth();
        let endpoint = Endpoint {
            name,
            base_url,
            auth: &auth,
            credential,
        };
        let answer = match self.send(&endpoint, Method::GET, path).await {
            Ok(answer) => answer,
            Err(crate::Error::Remote(err)) if err.kind != RemoteErrorKind::Unreachable => {
                return Ok(Probe::Other(format!("GET {path}: {}", err.message)))
            }
            Err(err) => return Err(err),
        };
        let status = answer.status;
        Ok(
            if (200..300).contains(&status) && dialect.decode_page(&answer.body).is_ok() {
                Probe::List(format!(
                    "GET {path} answered {status} with dialect {id}'s list"
                ))
            } else if status >= 400
                && dialect
                    .decode_error(&answer.headers, &answer.body)
                    .is_some()
            {
                Probe::Envelope(format!(
                    "GET {path} answered {status} in dialect {id}'s error envelope"
                ))
            } else {
                Probe::Other(format!("GET {path} answered {status}, not dialect {id}"))
            },
        )
    }
}

/// What one dialect's list path answered, and why keydeck reads it so.
enum Probe {
    /// The dialect's list: this is the dialect.
    List(String),
    /// An error in the dialect's envelope (a wrong token still says who is there).
    Envelope(String),
    Other(String),
}

//! Secrets handed to a process instead of the clipboard: `keydeck run` puts chosen keys'
//! secrets in a command's environment, `keydeck inject` writes them into a copy of a
//! template. Every secret is read before any is handed out: one key without a secret stops
//! the whole, before the command starts or the file is written.

use zeroize::Zeroizing;

use crate::model::{Access, KeyStatus, Reader, LOCAL_SOURCE};
use crate::{Error, KeyRecord, Keydeck, ListQuery, Result, Secret};

/// The keys a command gets: named ones (with the variable each goes in, when given), and the
/// vault's keys with a tag or an env.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `NAME` or `NAME=VAR`.
    pub keys: Vec<(String, Option<String>)>,
    pub tag: Option<String>,
    pub env: Option<String>,
}

/// The reference a template holds for a key's secret: `{{ keydeck://NAME }}`.
const SCHEME: &str = "keydeck://";

/// A key's environment variable: its name in upper snake case (`stripe-live` →
/// `STRIPE_LIVE`), never starting with a digit.
pub fn variable_name(key: &str) -> String {
    let mut name: String = key
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    name
}

/// Letters, digits and `_`, not starting with a digit.
pub fn valid_variable(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Keydeck {
    /// Each chosen key's variable and secret, in the order chosen (named keys first). Two
    /// keys for one variable, or a key without a secret, is an error and nothing is read
    /// further.
    pub async fn environment(&self, selection: &Selection) -> Result<Vec<(String, Secret)>> {
        let mut chosen: Vec<(KeyRecord, String)> = Vec::new();
        for (key, variable) in &selection.keys {
            let record = self.find(None, key).await?;
            let variable = variable
                .clone()
                .unwrap_or_else(|| variable_name(&record.name));
            if !valid_variable(&variable) {
                return Err(Error::Usage(format!(
                    "`{variable}` is not an environment variable name (letters, digits and _, \
                     not starting with a digit)"
                )));
            }
            chosen.push((record, variable));
        }
        if selection.tag.is_some() || selection.env.is_some() {
            let query = ListQuery {
                source: Some(LOCAL_SOURCE.into()),
                tag: selection.tag.clone(),
                ..ListQuery::default()
            };
            // A revoked key has no secret to give: a tag or env leaves it out.
            let keys = self.vault().list(&query).await?.into_iter().filter(|k| {
                k.status != KeyStatus::Revoked
                    && selection
                        .env
                        .as_ref()
                        .is_none_or(|env| k.env.as_ref() == Some(env))
            });
            for record in keys {
                if !chosen
                    .iter()
                    .any(|(k, _)| k.id == record.id && k.source == record.source)
                {
                    let variable = variable_name(&record.name);
                    chosen.push((record, variable));
                }
            }
        }
        if chosen.is_empty() {
            return Err(Error::Usage(
                "no key chosen: name keys with --key NAME, or pick them with --tag or --env".into(),
            ));
        }
        for (n, (record, variable)) in chosen.iter().enumerate() {
            if let Some((other, _)) = chosen[..n].iter().find(|(_, v)| v == variable) {
                return Err(Error::Usage(format!(
                    "`{}` and `{}` would both be ${variable}: give one a name with --key NAME=VAR",
                    other.name, record.name
                )));
            }
        }
        let mut secrets = Vec::with_capacity(chosen.len());
        for (record, variable) in chosen {
            secrets.push((variable, self.secret_of(record, Reader::Run).await?));
        }
        Ok(secrets)
    }

    /// `template` with each `{{ keydeck://NAME }}` replaced by that key's secret; other
    /// `{{ … }}` are left as they are. An unknown key or one without a secret names its line.
    pub async fn fill_template(&self, template: &str) -> Result<Zeroizing<String>> {
        let mut out = Zeroizing::new(String::with_capacity(template.len()));
        let mut rest = template;
        while let Some(start) = rest.find("{{") {
            let Some(len) = rest[start..].find("}}") else {
                break;
            };
            let inner = rest[start + 2..start + len].trim();
            out.push_str(&rest[..start]);
            match inner.strip_prefix(SCHEME) {
                Some(name) => {
                    let line = template[..template.len() - rest.len() + start]
                        .matches('\n')
                        .count()
                        + 1;
                    // What is wrong with the reference says where it is; the keyring's own
                    // failures stay as they are.
                    let at_line = |err: Error| match err {
                        Error::NotFound(..) | Error::KeyRevoked(_) | Error::InvalidInput(_) => {
                            Error::InvalidInput(format!("line {line} of the template: {err}"))
                        }
                        other => other,
                    };
                    let record = self.find(None, name.trim()).await.map_err(at_line)?;
                    let secret = self
                        .secret_of(record, Reader::Inject)
                        .await
                        .map_err(at_line)?;
                    out.push_str(secret.expose());
                }
                None => out.push_str(&rest[start..start + len + 2]),
            }
            rest = &rest[start + len + 2..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// One key's secret, written to its history (and its last use) as read by `by`.
    async fn secret_of(&self, record: KeyRecord, by: Reader) -> Result<Secret> {
        let access = Access { copy: false, by };
        Ok(self.vault().reveal_key(record, access).await?.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_are_upper_snake_case() {
        assert_eq!(variable_name("stripe-live"), "STRIPE_LIVE");
        assert_eq!(variable_name("GitHub CI token"), "GITHUB_CI_TOKEN");
        assert_eq!(variable_name("2fa.backup"), "_2FA_BACKUP");
        assert_eq!(variable_name("clé"), "CL_");
        assert!(valid_variable("PAY_KEY") && !valid_variable("9X") && !valid_variable("A-B"));
    }
}

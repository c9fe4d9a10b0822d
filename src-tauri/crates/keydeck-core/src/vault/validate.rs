//! Checks on what users type before it reaches the database, with messages that say what
//! to change.

use crate::{Error, KeyUpdate, NewKey, Result};

pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_LABEL_CHARS: usize = 100;
pub const MAX_LABELS: usize = 100;
pub const MAX_NOTES_CHARS: usize = 10_000;

pub fn new_key(new: NewKey) -> Result<NewKey> {
    Ok(NewKey {
        name: name(&new.name)?,
        scopes: labels("scope", new.scopes)?,
        tags: labels("tag", new.tags)?,
        env: optional_text("env", new.env, MAX_LABEL_CHARS)?,
        notes: optional_text("notes", new.notes, MAX_NOTES_CHARS)?,
        expires_at: new.expires_at,
    })
}

pub fn update(update: KeyUpdate) -> Result<KeyUpdate> {
    Ok(KeyUpdate {
        name: update.name.as_deref().map(name).transpose()?,
        scopes: update.scopes.map(|s| labels("scope", s)).transpose()?,
        tags: update.tags.map(|t| labels("tag", t)).transpose()?,
        env: update
            .env
            .map(|e| optional_text("env", e, MAX_LABEL_CHARS))
            .transpose()?,
        notes: update
            .notes
            .map(|n| optional_text("notes", n, MAX_NOTES_CHARS))
            .transpose()?,
        expires_at: update.expires_at,
    })
}

/// A key name: 1 to 200 characters, no control characters, no surrounding spaces.
pub fn name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(Error::InvalidInput("a key name cannot be empty".into()));
    }
    let count = trimmed.chars().count();
    if count > MAX_NAME_CHARS {
        return Err(Error::InvalidInput(format!(
            "a key name can be at most {MAX_NAME_CHARS} characters (this one has {count})"
        )));
    }
    no_control("name", trimmed)?;
    Ok(trimmed.to_string())
}

fn labels(what: &str, items: Vec<String>) -> Result<Vec<String>> {
    if items.len() > MAX_LABELS {
        return Err(Error::InvalidInput(format!(
            "a key can have at most {MAX_LABELS} {what}s"
        )));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let item = item.trim().to_string();
        if item.is_empty() {
            return Err(Error::InvalidInput(format!("a {what} cannot be empty")));
        }
        if item.chars().count() > MAX_LABEL_CHARS {
            return Err(Error::InvalidInput(format!(
                "a {what} can be at most {MAX_LABEL_CHARS} characters"
            )));
        }
        no_control(what, &item)?;
        if !out.contains(&item) {
            out.push(item);
        }
    }
    Ok(out)
}

pub fn optional_text(what: &str, text: Option<String>, max: usize) -> Result<Option<String>> {
    let Some(text) = text else { return Ok(None) };
    let text = text.trim().to_string();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(Error::InvalidInput(format!(
            "{what} can be at most {max} characters"
        )));
    }
    if what != "notes" {
        no_control(what, &text)?;
    }
    Ok(Some(text))
}

fn no_control(what: &str, text: &str) -> Result<()> {
    if text.chars().any(char::is_control) {
        return Err(Error::InvalidInput(format!(
            "the {what} contains a control character (tab, newline, escape…); remove it"
        )));
    }
    Ok(())
}

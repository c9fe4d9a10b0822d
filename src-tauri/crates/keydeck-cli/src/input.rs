//! What the CLI reads besides its arguments: secrets, from stdin (a hidden prompt on a
//! terminal), never from arguments.

use std::io::{IsTerminal, Read};

use keydeck_core::{Error, Result, Secret};
use zeroize::Zeroizing;

/// A generated secret, or one read from stdin.
pub fn new_secret(name: &str, generate: bool, prefix: Option<&str>) -> Result<Secret> {
    if generate {
        return Secret::generate(prefix);
    }
    read_secret(
        &format!("secret for {name}"),
        &format!("keydeck add {name}"),
    )
    .map_err(|e| match e {
        Error::InvalidInput(message) => Error::InvalidInput(format!("{message} or use --generate")),
        other => other,
    })
}

/// Reads a secret from stdin (a hidden prompt on a terminal).
pub fn read_secret(prompt: &str, example: &str) -> Result<Secret> {
    let stdin = std::io::stdin();
    let secret = if stdin.is_terminal() {
        let typed = Zeroizing::new(
            rpassword::prompt_password(format!("{prompt}: "))
                .map_err(|e| Error::Io(format!("cannot read the secret: {e}")))?,
        );
        Secret::new(typed.to_string())
    } else {
        let mut bytes = Zeroizing::new(Vec::new());
        stdin
            .lock()
            .take(keydeck_core::secret::MAX_SECRET_BYTES as u64 + 3)
            .read_to_end(&mut bytes)?;
        Secret::from_bytes(bytes)
    };
    secret.map_err(|e| {
        Error::InvalidInput(format!(
            "{e}; pipe it on stdin (e.g. `printf %s \"$TOKEN\" | {example}`)"
        ))
    })
}

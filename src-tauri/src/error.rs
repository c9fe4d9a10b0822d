use keydeck_core::error::ErrorBody;
use serde::Serialize;

/// What a failed command sends to the window: `{code, message, hint}` from the core's
/// closed set of codes.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct AppError(pub ErrorBody);

impl From<&keydeck_core::Error> for AppError {
    fn from(err: &keydeck_core::Error) -> Self {
        AppError(ErrorBody::from(err))
    }
}

impl From<keydeck_core::Error> for AppError {
    fn from(err: keydeck_core::Error) -> Self {
        AppError::from(&err)
    }
}

//! The ONE place where Rust errors become JS exceptions: every error is an `Error` whose `code`
//! is stable (tests and the TS wrapper match on it) and whose message never contains key
//! material (signing errors are data-less enums; payloads are never echoed).
use libra_risk::RiskError;
use libra_sign::SignError;

use crate::ffi::Env;

#[derive(Debug)]
pub enum AddonError {
    /// Wrong argument type/shape from JS.
    InvalidArgument(String),
    Risk(RiskError),
    Sign(SignError),
    /// A panic caught at an entry point (the label names the entry point, not the payload).
    Panic(&'static str),
    /// A Node-API call failed (status code from napi_status).
    Napi(&'static str, i32),
}

impl AddonError {
    pub fn code(&self) -> &'static str {
        match self {
            AddonError::InvalidArgument(_) => "ERR_LIBRA_INVALID_ARGUMENT",
            AddonError::Risk(e) => e.code(),
            AddonError::Sign(SignError::EmptySecret) => "ERR_SIGN_EMPTY_SECRET",
            AddonError::Sign(SignError::BadSeedLength) => "ERR_SIGN_BAD_SEED",
            AddonError::Sign(SignError::BadKey) => "ERR_SIGN_BAD_KEY",
            AddonError::Panic(_) => "ERR_LIBRA_PANIC",
            AddonError::Napi(_, _) => "ERR_LIBRA_NAPI",
        }
    }

    pub fn message(&self) -> String {
        match self {
            AddonError::InvalidArgument(m) => m.clone(),
            AddonError::Risk(e) => e.message().to_string(),
            AddonError::Sign(e) => e.message().to_string(),
            AddonError::Panic(label) => format!("internal error (panic) in native {}", label),
            AddonError::Napi(call, status) => {
                format!("{} failed with napi_status {}", call, status)
            }
        }
    }
}

impl From<RiskError> for AddonError {
    fn from(e: RiskError) -> Self {
        AddonError::Risk(e)
    }
}

impl From<SignError> for AddonError {
    fn from(e: SignError) -> Self {
        AddonError::Sign(e)
    }
}

pub fn throw(env: Env, e: &AddonError) {
    env.throw_error(e.code(), &e.message());
}

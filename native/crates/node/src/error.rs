//! The ONE place where Rust errors become JS exceptions. Every error is an `Error` whose `code`
//! is stable (tests and the TS wrapper match on it) and whose message never contains key
//! material (signing errors are data-less enums; payloads are never echoed). Every entry point
//! runs inside [`guard`], so a panic never unwinds into V8: it becomes `ERR_LIBRA_PANIC`.
use std::panic::{catch_unwind, AssertUnwindSafe};

use libra_risk::RiskError;
use libra_sign::SignError;

/// What every `#[napi]` entry point returns: napi-rs throws the `Err` as a JS `Error` whose
/// `code` property is the `&'static str` (napi-derive recognises the name `Result`).
pub(crate) type Result<T> = napi::Result<T, &'static str>;

#[derive(Debug)]
pub(crate) enum AddonError {
    /// Wrong argument type/shape from JS.
    InvalidArgument(String),
    Risk(RiskError),
    Sign(SignError),
    /// A panic caught at an entry point (the label names the entry point, not the payload).
    Panic(&'static str),
}

impl AddonError {
    pub(crate) fn code(&self) -> &'static str {
        match self {
            AddonError::InvalidArgument(_) => "ERR_LIBRA_INVALID_ARGUMENT",
            AddonError::Risk(e) => e.code(),
            AddonError::Sign(SignError::EmptySecret) => "ERR_SIGN_EMPTY_SECRET",
            AddonError::Sign(SignError::BadSeedLength) => "ERR_SIGN_BAD_SEED",
            AddonError::Sign(SignError::BadKey) => "ERR_SIGN_BAD_KEY",
            AddonError::Panic(_) => "ERR_LIBRA_PANIC",
        }
    }

    pub(crate) fn message(&self) -> String {
        match self {
            AddonError::InvalidArgument(m) => m.clone(),
            AddonError::Risk(e) => e.message().to_string(),
            AddonError::Sign(e) => e.message().to_string(),
            AddonError::Panic(label) => format!("internal error (panic) in native {label}"),
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

impl From<AddonError> for napi::Error<&'static str> {
    fn from(e: AddonError) -> Self {
        napi::Error::new(e.code(), e.message())
    }
}

/// Runs one entry point: a panic becomes `ERR_LIBRA_PANIC`, an `AddonError` its JS error.
pub(crate) fn guard<T>(
    label: &'static str,
    f: impl FnOnce() -> std::result::Result<T, AddonError>,
) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(Into::into),
        Err(_) => Err(AddonError::Panic(label).into()),
    }
}

/// The same for async work (napi-rs `Task`s reject with a `napi::Error<Status>`; the code
/// is then `GenericFailure` and the message names the entry point).
pub(crate) fn guard_task<T>(label: &'static str, f: impl FnOnce() -> T) -> napi::Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| {
        napi::Error::new(
            napi::Status::GenericFailure,
            AddonError::Panic(label).message(),
        )
    })
}

/// Throws `e` as a JS `Error` with its stable `code`, for the hand-written Node-API callbacks
/// (the `#[napi]` entry points throw through napi-rs, from the same `code()`/`message()`).
#[allow(unsafe_code)]
pub(crate) fn throw(env: napi::sys::napi_env, e: &AddonError) {
    let code = std::ffi::CString::new(e.code()).unwrap_or_default();
    let message = std::ffi::CString::new(e.message()).unwrap_or_default();
    // SAFETY: env is the live env of the current callback; both strings are NUL-terminated.
    unsafe { napi::sys::napi_throw_error(env, code.as_ptr(), message.as_ptr()) };
}

pub(crate) fn invalid(message: &str) -> AddonError {
    AddonError::InvalidArgument(message.to_string())
}

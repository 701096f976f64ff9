//! `libra-native`: the thin Node-API shim over `libra-risk` and `libra-sign`, on napi-rs.
//!
//! napi-derive generates the Node-API glue and the type definitions (`native/addon.d.ts`,
//! committed, drift-checked by scripts/native-check.js). This file only converts arguments,
//! calls the pure crates, and routes every error through `error.rs` (the one place where Rust
//! errors become JS exceptions, with stable `code`s). Every entry point runs in `guard`, so a
//! panic becomes `ERR_LIBRA_PANIC` instead of unwinding into V8.
//!
//! The risk check is designed for a cheap crossing: ids are interned to small integers once,
//! every order field is a separate number argument, the result is a small integer (0 = allow,
//! else the 1-based index into `denyReasons()`), and the message is fetched only on deny
//! (`lastMessage()`). A panic inside the gate is caught and becomes DENY INTERNAL_ERROR; the
//! gate is then poisoned (every later check denies) because its state may be half-updated.
//!
//! The two hot calls do not go through napi-rs at all per call: a napi-rs class method unwraps
//! and type-checks `this` every time (most of its cost), so `RiskGate.scratchChecker` and
//! `HmacSigner.hexSigner` return plain Node-API functions (module `fast`, hand-written
//! callbacks) bound once to their state — the risk order is read from a private Float64Array
//! the caller writes (10 numbers, 80 bytes: off the V8 heap, and napi-rs's conversion pins its
//! backing store; the caller must never transfer it), the HMAC payload into a reused buffer.
//! Their errors still come from `error.rs` (`throw`), their panics are still a DENY.
//!
//! Async work (napi-rs `AsyncTask`, run on the libuv thread pool, off the JS thread):
//! `RiskGate.checkSubmitBatchAsync` and `Ed25519Signer.signBatch`. Every gate call keeps call
//! order, as if all were synchronous: an async batch is queued (copied) when it is called; a
//! pool thread runs every queued batch in order; and any later call on the JS thread first
//! runs the batches still queued (then on the JS thread). The state is behind a mutex.

mod error;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use error::{guard, guard_task, invalid, AddonError, Result};
use libra_risk::{DenyReason, InstrumentSpec, OrderArgs, RiskEvent, TradingState};
use libra_sign::HmacAlgorithm;
use napi::bindgen_prelude::{
    AsyncTask, Buffer, Either, Float64Array, Float64ArraySlice, Uint8Array, Uint8ArraySlice,
};
use napi::{Env, Task};
use napi_derive::napi;

/// Version the JS loader compares with its expectation (src/main/native/index.ts).
pub const ADDON_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Flags argument of the check calls.
const FLAG_REDUCE_ONLY: u32 = 1;
const FLAG_HAS_PRICE: u32 = 2;
const FLAG_HAS_TRIGGER: u32 = 4;
/// Numbers per order in the batch Float64Array.
const BATCH_STRIDE: usize = 8;
/// Bytes per Ed25519 signature.
const ED25519_SIG_LEN: usize = 64;

/// Bytes of a `string | Uint8Array` argument (a string is taken as UTF-8).
type Bytes<'a> = Either<String, Uint8ArraySlice<'a>>;

fn with_bytes<R>(b: &Bytes<'_>, f: impl FnOnce(&[u8]) -> R) -> R {
    match b {
        Either::A(s) => f(s.as_bytes()),
        Either::B(a) => f(a),
    }
}

/// Wipes the Rust copy of a string argument (this path carries secrets; a Buffer belongs to
/// the caller and is left alone).
fn wipe(b: Bytes<'_>) {
    if let Either::A(s) = b {
        let mut v = s.into_bytes();
        for x in v.iter_mut() {
            // `black_box` below makes the zeroed bytes observable, so the stores are kept.
            *x = 0;
        }
        std::hint::black_box(&v);
    }
}

/// Crate version of the addon; the JS side refuses a different one.
#[napi]
pub fn addon_version() -> String {
    ADDON_VERSION.to_string()
}

/// Empty call, for measuring the Node-API crossing.
#[napi]
pub fn noop() {}

/// JSON array of deny reason codes; wire code n (≥ 1) is element n − 1.
#[napi]
pub fn deny_reasons() -> Result<String> {
    guard("denyReasons", || {
        let names: Vec<&str> = DenyReason::ALL.iter().map(|r| r.as_str()).collect();
        serde_json::to_string(&names).map_err(|_| invalid("cannot encode deny reasons"))
    })
}

// ---------------------------------------------------------------------------------------------
// Signing

/// HMAC-SHA256/512 request signer; the secret is copied into the native key schedule and never
/// returned.
#[napi]
pub struct HmacSigner {
    inner: Arc<libra_sign::HmacSigner>,
    /// Reused UTF-8 buffer for string payloads (`signHex`).
    scratch: Vec<u8>,
}

#[napi]
impl HmacSigner {
    #[napi(
        constructor,
        ts_args_type = "algorithm: 'sha256' | 'sha512', secret: string | Uint8Array"
    )]
    pub fn new(algorithm: String, secret: Bytes<'_>) -> Result<Self> {
        guard("HmacSigner constructor", || {
            let alg = match algorithm.as_str() {
                "sha256" => HmacAlgorithm::Sha256,
                "sha512" => HmacAlgorithm::Sha512,
                _ => return Err(invalid("algorithm must be 'sha256' or 'sha512'")),
            };
            let inner = with_bytes(&secret, |s| libra_sign::HmacSigner::new(alg, s));
            wipe(secret);
            Ok(HmacSigner {
                inner: Arc::new(inner?),
                scratch: Vec::new(),
            })
        })
    }

    #[napi(ts_args_type = "payload: string | Uint8Array, encoding?: 'hex' | 'base64'")]
    pub fn sign(&self, payload: Bytes<'_>, encoding: Option<String>) -> Result<String> {
        guard("HmacSigner.sign", || {
            let hex = match encoding.as_deref() {
                None | Some("hex") => true,
                Some("base64") => false,
                Some(_) => return Err(invalid("encoding must be 'hex' or 'base64'")),
            };
            Ok(with_bytes(&payload, |p| {
                if hex {
                    self.inner.sign_hex(p)
                } else {
                    self.inner.sign_base64(p)
                }
            }))
        })
    }

    /// Lowercase hex signature: the hot call. A string payload is read into a buffer the
    /// signer reuses and the result is built on the stack (no allocation per call but the tag).
    #[napi(
        ts_args_type = "payload: string | Uint8Array",
        ts_return_type = "string"
    )]
    pub fn sign_hex(&mut self, payload: RawArg) -> Result<HexOut> {
        let RawArg(env, value) = payload;
        let scratch = &mut self.scratch;
        let inner = &self.inner;
        guard("HmacSigner.signHex", || {
            let tag = with_raw_bytes(env, value, scratch, |p| inner.sign(p))?;
            Ok(HexOut::new(&tag))
        })
    }
}

#[napi]
impl HmacSigner {
    /// `signHex` as a plain function bound to this signer's key: the hot path (no per-call
    /// receiver checks, which cost most of a method call). Throws like `signHex`.
    #[napi(ts_return_type = "(payload: string | Uint8Array) => string")]
    pub fn hex_signer(&self, env: Env) -> Result<napi::sys::napi_value> {
        guard("HmacSigner.hexSigner", || {
            fast::create_hex(env.raw(), Arc::clone(&self.inner))
                .ok_or_else(|| invalid("cannot create the signer function"))
        })
    }
}

/// A JS argument taken as it is (converted by the method itself).
pub struct RawArg(napi::sys::napi_env, napi::sys::napi_value);

impl napi::bindgen_prelude::FromNapiValue for RawArg {
    #[allow(unsafe_code)]
    unsafe fn from_napi_value(
        env: napi::sys::napi_env,
        value: napi::sys::napi_value,
    ) -> napi::Result<Self> {
        Ok(RawArg(env, value))
    }
}

/// Bytes of a `string | Uint8Array` JS value, a string read as UTF-8 into `scratch` (kept
/// between calls; wiped after use, as payloads may be sensitive).
#[allow(unsafe_code)]
fn with_raw_bytes<R>(
    env: napi::sys::napi_env,
    value: napi::sys::napi_value,
    scratch: &mut Vec<u8>,
    f: impl FnOnce(&[u8]) -> R,
) -> std::result::Result<R, AddonError> {
    use napi::sys;
    let mut ty = 0;
    // SAFETY: env and value come from napi-rs for this synchronous call.
    if unsafe { sys::napi_typeof(env, value, &mut ty) } != sys::Status::napi_ok {
        return Err(invalid("payload must be a string or a Uint8Array"));
    }
    if ty == sys::ValueType::napi_string {
        if scratch.len() < 256 {
            scratch.resize(256, 0);
        }
        let mut len = 0usize;
        // SAFETY: scratch is a valid writable buffer of scratch.len() bytes.
        let st = unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                scratch.as_mut_ptr().cast(),
                scratch.len(),
                &mut len,
            )
        };
        if st != sys::Status::napi_ok {
            return Err(invalid("payload must be a string or a Uint8Array"));
        }
        if len + 4 >= scratch.len() {
            // Possibly truncated (Node-API never splits a character, so a truncated read can
            // stop up to 3 bytes short of the end): ask the length, then read into a buffer
            // that fits.
            // SAFETY: a null buffer asks for the length only.
            unsafe {
                sys::napi_get_value_string_utf8(env, value, std::ptr::null_mut(), 0, &mut len)
            };
            scratch.resize(len + 1, 0);
            // SAFETY: as above, with a buffer of len + 1 bytes.
            unsafe {
                sys::napi_get_value_string_utf8(
                    env,
                    value,
                    scratch.as_mut_ptr().cast(),
                    scratch.len(),
                    &mut len,
                )
            };
        }
        let r = f(&scratch[..len]);
        scratch[..len].fill(0);
        std::hint::black_box(&scratch);
        return Ok(r);
    }
    // SAFETY: as above; napi-rs checks that the value is a Uint8Array.
    let slice = unsafe {
        <Uint8ArraySlice<'_> as napi::bindgen_prelude::FromNapiValue>::from_napi_value(env, value)
    }
    .map_err(|_| invalid("payload must be a string or a Uint8Array"))?;
    Ok(f(&slice))
}

/// A hex string built on the stack (up to a 64-byte tag), created as a Latin-1 JS string.
pub struct HexOut {
    buf: [u8; 128],
    len: usize,
}

impl HexOut {
    fn new(tag: &[u8]) -> Self {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut buf = [0u8; 128];
        let n = tag.len().min(64);
        for (k, b) in tag[..n].iter().enumerate() {
            buf[2 * k] = DIGITS[usize::from(b >> 4)];
            buf[2 * k + 1] = DIGITS[usize::from(b & 15)];
        }
        HexOut { buf, len: 2 * n }
    }
}

impl napi::bindgen_prelude::ToNapiValue for HexOut {
    #[allow(unsafe_code)]
    unsafe fn to_napi_value(
        env: napi::sys::napi_env,
        val: Self,
    ) -> napi::Result<napi::sys::napi_value> {
        let mut out = std::ptr::null_mut();
        // SAFETY: buf holds len ASCII bytes; env is the live env of this call.
        let st = unsafe {
            napi::sys::napi_create_string_latin1(
                env,
                val.buf.as_ptr().cast(),
                val.len as isize,
                &mut out,
            )
        };
        if st == napi::sys::Status::napi_ok {
            Ok(out)
        } else {
            Err(napi::Error::new(
                napi::Status::GenericFailure,
                "cannot create the signature string",
            ))
        }
    }
}

/// Ed25519 signer over an RFC 8032 32-byte private seed, held natively and never returned.
#[napi]
pub struct Ed25519Signer {
    inner: Arc<libra_sign::Ed25519Signer>,
}

#[napi]
impl Ed25519Signer {
    #[napi(constructor, ts_args_type = "seed32: Uint8Array")]
    pub fn new(seed: Uint8ArraySlice<'_>) -> Result<Self> {
        guard("Ed25519Signer constructor", || {
            let inner = libra_sign::Ed25519Signer::from_seed(&seed)?;
            Ok(Ed25519Signer {
                inner: Arc::new(inner),
            })
        })
    }

    /// 64-byte signature.
    #[napi(ts_args_type = "payload: string | Uint8Array")]
    pub fn sign(&self, payload: Bytes<'_>) -> Result<Buffer> {
        guard("Ed25519Signer.sign", || {
            Ok(with_bytes(&payload, |p| self.inner.sign(p)).into())
        })
    }

    /// 32-byte public key.
    #[napi]
    pub fn public_key(&self) -> Result<Buffer> {
        guard("Ed25519Signer.publicKey", || {
            Ok(self.inner.public_key().into())
        })
    }

    /// Signs every payload on the libuv thread pool (off the JS thread); resolves to one Buffer
    /// of 64 × n bytes, signature k at offset 64·k. The payloads are copied before it returns.
    #[napi(
        ts_args_type = "payloads: Array<string | Uint8Array>",
        ts_return_type = "Promise<Buffer>"
    )]
    pub fn sign_batch(&self, payloads: Vec<Bytes<'_>>) -> Result<AsyncTask<SignBatch>> {
        guard("Ed25519Signer.signBatch", || {
            let copied = payloads
                .iter()
                .map(|p| with_bytes(p, <[u8]>::to_vec))
                .collect();
            Ok(AsyncTask::new(SignBatch {
                signer: Arc::clone(&self.inner),
                payloads: copied,
            }))
        })
    }
}

pub struct SignBatch {
    signer: Arc<libra_sign::Ed25519Signer>,
    payloads: Vec<Vec<u8>>,
}

impl Task for SignBatch {
    type Output = Vec<u8>;
    type JsValue = Buffer;

    fn compute(&mut self) -> napi::Result<Vec<u8>> {
        guard_task("Ed25519Signer.signBatch", || {
            let mut out = Vec::with_capacity(self.payloads.len() * ED25519_SIG_LEN);
            for p in &self.payloads {
                out.extend_from_slice(&self.signer.sign(p));
            }
            out
        })
    }

    fn resolve(&mut self, _env: Env, output: Vec<u8>) -> napi::Result<Buffer> {
        Ok(output.into())
    }
}

// ---------------------------------------------------------------------------------------------
// Risk gate

struct GateBox {
    gate: libra_risk::RiskGate,
    last_message: String,
    /// Set after a panic inside the gate: fail closed from then on.
    poisoned: bool,
    /// Test hook: the next check panics (proves the panic → INTERNAL_ERROR path).
    inject_panic: bool,
    /// Async batches not run yet, in call order: (ticket, packed orders, now).
    queued: VecDeque<(u64, Vec<f64>, f64)>,
    /// Codes of batches already run whose task has not collected them yet.
    done: HashMap<u64, Vec<u8>>,
    next_ticket: u64,
}

impl GateBox {
    /// Runs every queued async batch, in call order.
    fn run_queued(&mut self) {
        while let Some((ticket, orders, now)) = self.queued.pop_front() {
            let mut out = vec![0u8; orders.len() / BATCH_STRIDE];
            run_batch(self, &orders, now, &mut out);
            self.done.insert(ticket, out);
        }
    }
}

const INTERNAL_ERROR_MESSAGE: &str =
    "INTERNAL_ERROR: the native risk gate failed (panic); it now denies every order";

/// A handle or enum code: a non-negative integer below 2^32 − 1; anything else (NaN, negative,
/// fractional, huge) is `u32::MAX`, which the gate treats as unknown (it fails closed).
#[inline]
fn to_code(x: f64) -> u32 {
    if (0.0..4_294_967_295.0).contains(&x) && x.trunc() == x {
        x as u32
    } else {
        u32::MAX
    }
}

/// One order from the 8 numbers strategy, instrument, side, type, qty, price, trigger, flags.
#[inline]
fn order_args(o: &[f64; BATCH_STRIDE]) -> OrderArgs {
    let flags = to_code(o[7]);
    OrderArgs {
        strategy: to_code(o[0]),
        instrument: to_code(o[1]),
        side: to_code(o[2]),
        order_type: to_code(o[3]),
        quantity_raw: o[4],
        price_raw: (flags & FLAG_HAS_PRICE != 0).then_some(o[5]),
        trigger_price_raw: (flags & FLAG_HAS_TRIGGER != 0).then_some(o[6]),
        reduce_only: flags & FLAG_REDUCE_ONLY != 0,
    }
}

/// One check with the panic → INTERNAL_ERROR discipline; returns the wire code.
#[inline]
fn run_check(g: &mut GateBox, o: &OrderArgs, now: f64, submit: bool) -> u32 {
    if g.poisoned {
        g.last_message.clear();
        g.last_message.push_str(INTERNAL_ERROR_MESSAGE);
        return DenyReason::InternalError.code();
    }
    let inject = std::mem::take(&mut g.inject_panic);
    let gate = &mut g.gate;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        if inject {
            panic!("injected panic (debugInjectPanic)");
        }
        if submit {
            gate.check_submit(o, now)
        } else {
            gate.check_modify(o, now)
        }
    }));
    match result {
        Ok(Ok(())) => 0,
        Ok(Err(d)) => {
            g.last_message = d.message;
            d.reason.code()
        }
        Err(_) => {
            g.poisoned = true;
            g.last_message.clear();
            g.last_message.push_str(INTERNAL_ERROR_MESSAGE);
            DenyReason::InternalError.code()
        }
    }
}

/// Sequential batch: exactly as if checkSubmit were called for each order in turn.
fn run_batch(g: &mut GateBox, orders: &[f64], now: f64, out: &mut [u8]) -> u32 {
    let mut allowed = 0u32;
    for (o, slot) in orders.chunks_exact(BATCH_STRIDE).zip(out.iter_mut()) {
        let mut a = [0.0; BATCH_STRIDE];
        a.copy_from_slice(o);
        let code = run_check(g, &order_args(&a), now, true);
        *slot = code as u8;
        if code == 0 {
            allowed += 1;
        }
    }
    allowed
}

fn events_json(events: &[RiskEvent]) -> String {
    let list: Vec<serde_json::Value> = events
        .iter()
        .map(|e| serde_json::json!({ "kind": e.kind.as_str(), "ts": e.ts, "state": e.state.as_str(), "message": e.message }))
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// The Rust pre-trade gate, low-level: interned handles and numbers in, a wire code out
/// (0 = allow, n = denyReasons[n − 1]); `lastMessage()` after a deny. Side codes: 0 BUY,
/// 1 SELL. Type codes: 0 MARKET, 1 LIMIT, 2 STOP_MARKET, 3 STOP_LIMIT. Flags: 1 reduceOnly,
/// 2 has priceRaw, 4 has triggerPriceRaw. A handle that is not a small integer means "unknown".
#[napi]
pub struct RiskGate {
    inner: Arc<Mutex<GateBox>>,
    /// The caller's order scratch (`bindScratch`): 8 order numbers then `now`, read by the
    /// `…Scratch` checks. Holding it keeps the array alive (napi-rs keeps a reference).
    scratch: Option<Float64Array>,
}

impl RiskGate {
    /// The gate state, after running the async batches called before this call (call order).
    fn lock(&self) -> MutexGuard<'_, GateBox> {
        let mut g = lock_gate(&self.inner);
        g.run_queued();
        g
    }

    fn check(&self, submit: bool, o: [f64; BATCH_STRIDE], now: f64) -> u32 {
        run_check(&mut self.lock(), &order_args(&o), now, submit)
    }

    /// The check on the bound scratch: no argument crosses, so the call costs one receiver
    /// check and one integer back.
    fn check_scratch(&self, submit: bool) -> std::result::Result<u32, AddonError> {
        let s = self.scratch.as_ref().ok_or_else(|| {
            invalid("no scratch bound: call bindScratch(new Float64Array(9)) first")
        })?;
        let s: &[f64] = s;
        let mut o = [0.0; BATCH_STRIDE];
        o.copy_from_slice(&s[..BATCH_STRIDE]);
        Ok(self.check(submit, o, s[BATCH_STRIDE]))
    }
}

#[napi]
impl RiskGate {
    #[napi(constructor)]
    pub fn new(config_json: String) -> Result<Self> {
        guard("RiskGate constructor", || {
            let gate = libra_risk::RiskGate::from_json(&config_json)?;
            Ok(RiskGate {
                inner: Arc::new(Mutex::new(GateBox {
                    gate,
                    last_message: String::new(),
                    poisoned: false,
                    inject_panic: false,
                    queued: VecDeque::new(),
                    done: HashMap::new(),
                    next_ticket: 0,
                })),
                scratch: None,
            })
        })
    }

    #[napi]
    pub fn intern_instrument(&self, instrument_id: String) -> Result<u32> {
        guard("RiskGate.internInstrument", || {
            Ok(self.lock().gate.intern_instrument(&instrument_id))
        })
    }

    #[napi]
    pub fn intern_strategy(&self, strategy_id: String) -> Result<u32> {
        guard("RiskGate.internStrategy", || {
            Ok(self.lock().gate.intern_strategy(&strategy_id))
        })
    }

    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn register_instrument(
        &self,
        instrument_id: String,
        price_precision: f64,
        size_precision: f64,
        tick_raw: f64,
        lot_raw: f64,
        min_qty_raw: f64,
        min_notional: f64,
        base: String,
        quote: String,
    ) -> Result<u32> {
        guard("RiskGate.registerInstrument", || {
            let spec = InstrumentSpec {
                price_precision: to_code(price_precision),
                size_precision: to_code(size_precision),
                tick_raw,
                lot_raw,
                min_qty_raw,
                min_notional,
                base,
                quote,
            };
            Ok(self.lock().gate.register_instrument(&instrument_id, spec)?)
        })
    }

    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn check_submit(
        &self,
        strategy: f64,
        instrument: f64,
        side: f64,
        order_type: f64,
        quantity_raw: f64,
        price_raw: f64,
        trigger_price_raw: f64,
        flags: f64,
        now: f64,
    ) -> Result<u32> {
        guard("RiskGate.checkSubmit", || {
            let o = [
                strategy,
                instrument,
                side,
                order_type,
                quantity_raw,
                price_raw,
                trigger_price_raw,
                flags,
            ];
            Ok(self.check(true, o, now))
        })
    }

    #[napi]
    #[allow(clippy::too_many_arguments)]
    pub fn check_modify(
        &self,
        strategy: f64,
        instrument: f64,
        side: f64,
        order_type: f64,
        quantity_raw: f64,
        price_raw: f64,
        trigger_price_raw: f64,
        flags: f64,
        now: f64,
    ) -> Result<u32> {
        guard("RiskGate.checkModify", || {
            let o = [
                strategy,
                instrument,
                side,
                order_type,
                quantity_raw,
                price_raw,
                trigger_price_raw,
                flags,
            ];
            Ok(self.check(false, o, now))
        })
    }

    /// Binds the order scratch once: a Float64Array of at least 9 numbers — strategy,
    /// instrument, side, type, qty, price, trigger, flags, now — that the caller writes before
    /// each `checkSubmitScratch()` / `checkModifyScratch()`. The gate keeps a reference to it;
    /// the caller must keep it private and never transfer (detach) its buffer.
    #[napi]
    pub fn bind_scratch(&mut self, scratch: Float64Array) -> Result<()> {
        guard("RiskGate.bindScratch", || {
            if scratch.len() < BATCH_STRIDE + 1 {
                return Err(invalid(
                    "scratch must be a Float64Array of at least 9 numbers",
                ));
            }
            self.scratch = Some(scratch);
            Ok(())
        })
    }

    /// The cheapest check: a plain function bound to this gate and to `scratch` (a private
    /// Float64Array of at least 10 numbers: the 9 of `bindScratch`, then 0 = submit or
    /// 1 = modify). Calling it converts nothing and skips the class receiver checks (napi-rs
    /// unwraps and type-checks `this` on every method call, most of a method call's cost); it
    /// returns the same wire code as `checkSubmit` / `checkModify`.
    #[napi(ts_return_type = "() => number")]
    pub fn scratch_checker(
        &self,
        env: Env,
        scratch: Float64Array,
    ) -> Result<napi::sys::napi_value> {
        guard("RiskGate.scratchChecker", || {
            if scratch.len() < BATCH_STRIDE + 2 {
                return Err(invalid(
                    "scratch must be a Float64Array of at least 10 numbers",
                ));
            }
            fast::create(
                env.raw(),
                fast::Checker {
                    gate: Arc::clone(&self.inner),
                    scratch,
                },
            )
            .ok_or_else(|| invalid("cannot create the checker function"))
        })
    }

    /// `checkSubmit` on the bound scratch (the hot path: nothing converted per call).
    #[napi]
    pub fn check_submit_scratch(&self) -> Result<u32> {
        guard("RiskGate.checkSubmitScratch", || self.check_scratch(true))
    }

    /// `checkModify` on the bound scratch.
    #[napi]
    pub fn check_modify_scratch(&self) -> Result<u32> {
        guard("RiskGate.checkModifyScratch", || self.check_scratch(false))
    }

    /// 8 numbers per order (strategy, instrument, side, type, qty, price, trigger, flags);
    /// writes one code per order into `out`; returns the allowed count.
    #[napi]
    pub fn check_submit_batch(
        &self,
        orders: Float64ArraySlice<'_>,
        now: f64,
        out: Uint8ArraySlice<'_>,
    ) -> Result<u32> {
        guard("RiskGate.checkSubmitBatch", || {
            let n = orders.len() / BATCH_STRIDE;
            if !orders.len().is_multiple_of(BATCH_STRIDE) || out.len() < n {
                return Err(invalid(
                    "orders.length must be a multiple of 8 and out at least orders.length / 8",
                ));
            }
            let out = out_bytes(&orders, out)?;
            Ok(run_batch(&mut self.lock(), &orders, now, out))
        })
    }

    /// The same batch on the libuv thread pool (off the JS thread): the orders are copied
    /// and queued before it returns, and it resolves to one wire code per order. Call order is
    /// kept: calls made after it see its effects (a sync call runs a still-queued batch first).
    #[napi(ts_return_type = "Promise<Uint8Array>")]
    pub fn check_submit_batch_async(
        &self,
        orders: Float64ArraySlice<'_>,
        now: f64,
    ) -> Result<AsyncTask<CheckBatch>> {
        guard("RiskGate.checkSubmitBatchAsync", || {
            if !orders.len().is_multiple_of(BATCH_STRIDE) {
                return Err(invalid("orders.length must be a multiple of 8"));
            }
            let mut g = lock_gate(&self.inner);
            let ticket = g.next_ticket;
            g.next_ticket += 1;
            g.queued.push_back((ticket, orders.to_vec(), now));
            Ok(AsyncTask::new(CheckBatch {
                gate: Arc::clone(&self.inner),
                ticket,
            }))
        })
    }

    #[napi]
    pub fn last_message(&self) -> Result<String> {
        guard("RiskGate.lastMessage", || {
            Ok(self.lock().last_message.clone())
        })
    }

    #[napi]
    pub fn order_opened(&self, client_order_id: String) -> Result<()> {
        guard("RiskGate.orderOpened", || {
            self.lock().gate.on_order_opened(&client_order_id);
            Ok(())
        })
    }

    #[napi]
    pub fn order_closed(&self, client_order_id: String) -> Result<()> {
        guard("RiskGate.orderClosed", || {
            self.lock().gate.on_order_closed(&client_order_id);
            Ok(())
        })
    }

    #[napi]
    pub fn fill(&self, strategy: f64, instrument: f64, side: f64, quantity_raw: f64) -> Result<()> {
        guard("RiskGate.fill", || {
            self.lock().gate.on_fill(
                to_code(strategy),
                to_code(instrument),
                to_code(side),
                quantity_raw,
            )?;
            Ok(())
        })
    }

    #[napi]
    pub fn reference_price(&self, instrument: f64, kind: String, price: f64) -> Result<()> {
        guard("RiskGate.referencePrice", || {
            self.lock()
                .gate
                .on_reference_price(to_code(instrument), &kind, price);
            Ok(())
        })
    }

    /// JSON array of RiskEvent (rare call: JSON keeps the surface small).
    #[napi]
    pub fn equity(&self, equity: f64, now: f64) -> Result<String> {
        guard("RiskGate.equity", || {
            Ok(events_json(&self.lock().gate.on_equity(equity, now)))
        })
    }

    /// `[peak, dayStart, day]`, NaN each before the first equity.
    #[napi]
    pub fn equity_marks(&self) -> Result<Vec<f64>> {
        guard("RiskGate.equityMarks", || {
            let (p, d, day) = self.lock().gate.equity_marks();
            Ok(vec![p, d, day])
        })
    }

    #[napi]
    pub fn set_equity_marks(&self, peak: f64, day_start: f64, day: f64) -> Result<()> {
        guard("RiskGate.setEquityMarks", || {
            self.lock().gate.set_equity_marks(peak, day_start, day)?;
            Ok(())
        })
    }

    /// JSON array of RiskEvent.
    #[napi]
    pub fn set_trading_state(&self, state: String, now: f64, reason: String) -> Result<String> {
        guard("RiskGate.setTradingState", || {
            let s = TradingState::parse(&state).ok_or_else(|| {
                AddonError::Risk(libra_risk::RiskError::InvalidArgument(format!(
                    "trading state must be ACTIVE, REDUCING or HALTED, got {state}"
                )))
            })?;
            Ok(events_json(
                &self.lock().gate.set_trading_state(s, now, &reason),
            ))
        })
    }

    #[napi]
    pub fn trading_state(&self) -> Result<String> {
        guard("RiskGate.tradingState", || {
            Ok(self.lock().gate.trading_state().as_str().to_string())
        })
    }

    #[napi]
    pub fn position(&self, instrument: f64) -> Result<f64> {
        guard("RiskGate.position", || {
            Ok(self.lock().gate.position(to_code(instrument)))
        })
    }

    #[napi]
    pub fn open_order_count(&self) -> Result<u32> {
        guard("RiskGate.openOrderCount", || {
            Ok(u32::try_from(self.lock().gate.open_order_count()).unwrap_or(u32::MAX))
        })
    }

    /// Test hook: the next check panics inside the gate (→ INTERNAL_ERROR, gate poisoned).
    #[napi]
    pub fn debug_inject_panic(&self) -> Result<()> {
        guard("RiskGate.debugInjectPanic", || {
            self.lock().inject_panic = true;
            Ok(())
        })
    }
}

/// The plain-function checker (`scratchChecker`): the Node-API callback is written by hand
/// because napi-rs's closure functions and class methods both do more per call.
#[allow(unsafe_code)]
mod fast {
    use super::*;
    use napi::sys;

    pub(super) struct Checker {
        pub(super) gate: Arc<Mutex<GateBox>>,
        pub(super) scratch: Float64Array,
    }

    impl Checker {
        fn check(&self) -> u32 {
            let s: &[f64] = &self.scratch;
            let mut o = [0.0; BATCH_STRIDE];
            o.copy_from_slice(&s[..BATCH_STRIDE]);
            let submit = s[BATCH_STRIDE + 1] == 0.0;
            let mut g = lock_gate(&self.gate);
            g.run_queued();
            run_check(&mut g, &order_args(&o), s[BATCH_STRIDE], submit)
        }
    }

    /// A JS function named `name` calling `call` with `data` as its callback data; `data` is
    /// freed by a finalizer when the function is collected (or at once if creating it failed).
    fn bind_function<T>(
        env: sys::napi_env,
        name: &str,
        data: T,
        call: unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value,
    ) -> Option<sys::napi_value> {
        let data = Box::into_raw(Box::new(data));
        let mut f = std::ptr::null_mut();
        // SAFETY: env is live for this call; `data` stays valid until the finalizer frees it.
        let ok = unsafe {
            sys::napi_create_function(
                env,
                name.as_ptr().cast(),
                name.len() as isize,
                Some(call),
                data.cast(),
                &mut f,
            ) == sys::Status::napi_ok
                && sys::napi_add_finalizer(
                    env,
                    f,
                    data.cast(),
                    Some(finalize_box::<T>),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                ) == sys::Status::napi_ok
        };
        if ok {
            Some(f)
        } else {
            // SAFETY: not handed to JS (or the finalizer was not attached): still ours.
            drop(unsafe { Box::from_raw(data) });
            None
        }
    }

    unsafe extern "C" fn finalize_box<T>(
        _env: sys::napi_env,
        data: *mut std::ffi::c_void,
        _hint: *mut std::ffi::c_void,
    ) {
        // SAFETY: data is the Box<T> from `bind_function`, freed exactly once here.
        drop(unsafe { Box::from_raw(data.cast::<T>()) });
    }

    /// A JS function over `checker`, freed by a finalizer when the function is collected.
    pub(super) fn create(env: sys::napi_env, checker: Checker) -> Option<sys::napi_value> {
        bind_function(env, "checkScratch", checker, call)
    }

    unsafe extern "C" fn call(
        env: sys::napi_env,
        info: sys::napi_callback_info,
    ) -> sys::napi_value {
        let mut data = std::ptr::null_mut();
        // SAFETY: info is this call's callback info; only the data pointer is asked for.
        let st = unsafe {
            sys::napi_get_cb_info(
                env,
                info,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut data,
            )
        };
        let code = if st != sys::Status::napi_ok || data.is_null() {
            DenyReason::InternalError.code()
        } else {
            // SAFETY: data is the Checker given to napi_create_function, alive while the
            // function is (freed only by its finalizer).
            let checker = unsafe { &*data.cast::<Checker>() };
            // run_check catches a panic inside the gate (and poisons it); this catches any
            // other, so nothing unwinds into V8: a panic is a DENY.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| checker.check()))
                .unwrap_or(DenyReason::InternalError.code())
        };
        let mut out = std::ptr::null_mut();
        // SAFETY: env is live; on failure null is returned (undefined in JS: the wrapper denies).
        unsafe { sys::napi_create_uint32(env, code, &mut out) };
        out
    }

    struct HexFn {
        signer: Arc<libra_sign::HmacSigner>,
        scratch: std::cell::RefCell<Vec<u8>>,
    }

    /// A JS function `(payload) => hex` over `signer`, freed by a finalizer.
    pub(super) fn create_hex(
        env: sys::napi_env,
        signer: Arc<libra_sign::HmacSigner>,
    ) -> Option<sys::napi_value> {
        let data = HexFn {
            signer,
            scratch: std::cell::RefCell::new(Vec::new()),
        };
        bind_function(env, "signHex", data, call_hex)
    }

    unsafe extern "C" fn call_hex(
        env: sys::napi_env,
        info: sys::napi_callback_info,
    ) -> sys::napi_value {
        let mut data = std::ptr::null_mut();
        let mut argc = 1usize;
        let mut argv = [std::ptr::null_mut(); 1];
        // SAFETY: argv has room for argc values.
        let st = unsafe {
            sys::napi_get_cb_info(
                env,
                info,
                &mut argc,
                argv.as_mut_ptr(),
                std::ptr::null_mut(),
                &mut data,
            )
        };
        let result = if st != sys::Status::napi_ok || data.is_null() || argc < 1 {
            Err(invalid("payload must be a string or a Uint8Array"))
        } else {
            // SAFETY: data is the HexFn given to napi_create_function, alive while the
            // function is. Node-API calls it on the JS thread only, never re-entrantly.
            let hex = unsafe { &*data.cast::<HexFn>() };
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let mut scratch = hex.scratch.borrow_mut();
                with_raw_bytes(env, argv[0], &mut scratch, |p| hex.signer.sign(p))
                    .map(|t| HexOut::new(&t))
            }))
            .unwrap_or(Err(AddonError::Panic("HmacSigner.signHex")))
        };
        match result {
            // SAFETY: env is live for this call.
            Ok(out) => {
                unsafe { <HexOut as napi::bindgen_prelude::ToNapiValue>::to_napi_value(env, out) }
                    .unwrap_or(std::ptr::null_mut())
            }
            Err(e) => {
                error::throw(env, &e);
                std::ptr::null_mut()
            }
        }
    }
}

pub struct CheckBatch {
    gate: Arc<Mutex<GateBox>>,
    ticket: u64,
}

/// A poisoned mutex cannot happen (panics are caught inside), and if it did the `poisoned`
/// flag, not the mutex, decides: the state is taken as it is.
fn lock_gate(m: &Mutex<GateBox>) -> MutexGuard<'_, GateBox> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Task for CheckBatch {
    type Output = Vec<u8>;
    type JsValue = Uint8Array;

    fn compute(&mut self) -> napi::Result<Vec<u8>> {
        let codes = guard_task("RiskGate.checkSubmitBatchAsync", || {
            let mut g = lock_gate(&self.gate);
            g.run_queued();
            g.done.remove(&self.ticket)
        })?;
        codes.ok_or_else(|| {
            napi::Error::new(
                napi::Status::GenericFailure,
                "RiskGate.checkSubmitBatchAsync: batch result missing",
            )
        })
    }

    fn resolve(&mut self, _env: Env, output: Vec<u8>) -> napi::Result<Uint8Array> {
        Ok(Uint8Array::new(output))
    }
}

/// The writable view of `out`, after checking that it does not overlap `orders` (a `&[f64]`
/// and a `&mut [u8]` over the same memory would be undefined behaviour).
#[allow(unsafe_code)]
fn out_bytes<'a>(
    orders: &Float64ArraySlice<'_>,
    mut out: Uint8ArraySlice<'a>,
) -> std::result::Result<&'a mut [u8], AddonError> {
    let (a0, a1) = (
        orders.as_ptr() as usize,
        orders.as_ptr() as usize + orders.len() * 8,
    );
    let (b0, b1) = (out.as_ptr() as usize, out.as_ptr() as usize + out.len());
    if !orders.is_empty() && !out.is_empty() && a0 < b1 && b0 < a1 {
        return Err(invalid("orders and out must not share memory"));
    }
    // SAFETY: the slice is valid for this synchronous call (V8 keeps the argument alive and
    // nothing here calls back into JS, so it cannot be detached or resized); it does not
    // overlap `orders` (checked above) and no other Rust reference to it exists.
    let bytes = unsafe { out.as_mut() };
    // The view outlives the local `out` handle: it points into JS memory, not into `out`.
    Ok(unsafe { std::slice::from_raw_parts_mut(bytes.as_mut_ptr(), bytes.len()) })
}

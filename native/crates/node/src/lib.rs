//! `libra-native`: the thin Node-API shim over `libra-risk` and `libra-sign`.
//!
//! All `unsafe` lives in `ffi.rs`; errors become JS exceptions in `error.rs` only. This file
//! declares the JS surface (mirrored by the committed `native/index.d.ts`, drift-checked by
//! scripts/native-check.js):
//!
//! * `addonVersion(): string`, `noop(): void`, `denyReasons(): string[]`
//! * `class HmacSigner(algorithm: 'sha256'|'sha512', secret: string|Buffer)` → `sign(payload, 'hex'|'base64')`
//! * `class Ed25519Signer(seed32: Buffer)` → `sign(payload): Buffer`, `publicKey(): Buffer`
//! * `class RiskGate(configJson)` with interned ids and a numeric check call (see below)
//!
//! The risk check is designed for a cheap crossing: ids are interned to small integers once,
//! every order field is a separate number argument, the result is a small integer (0 = allow,
//! else the 1-based index into `denyReasons()`), and the message is fetched only on deny
//! (`lastMessage()`). A panic inside the gate is caught here and becomes DENY INTERNAL_ERROR;
//! the gate is then poisoned (every later check denies) because its state may be half-updated.
#![deny(unsafe_code)]

#[allow(unsafe_code)]
mod ffi;

mod error;

use std::panic::{catch_unwind, AssertUnwindSafe};

use error::AddonError;
use ffi::{napi_callback_info, napi_env, napi_value, CallCtx, Env};
use libra_risk::{DenyReason, InstrumentSpec, OrderArgs, RiskEvent, TradingState};
use libra_sign::{Ed25519Signer, HmacAlgorithm, HmacSigner};

/// Version the JS loader compares with its expectation (src/main/native/index.ts).
pub const ADDON_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Flags argument of the check calls.
const FLAG_REDUCE_ONLY: u32 = 1;
const FLAG_HAS_PRICE: u32 = 2;
const FLAG_HAS_TRIGGER: u32 = 4;
/// Numbers per order in the batch Float64Array.
const BATCH_STRIDE: usize = 8;

macro_rules! callback {
    ($name:ident, $label:literal, |$cx:ident| $body:expr) => {
        extern "C" fn $name(env: napi_env, info: napi_callback_info) -> napi_value {
            ffi::entry(env, info, $label, |$cx: &CallCtx| $body)
        }
    };
}

pub(crate) fn register(env: Env, exports: napi_value) -> Result<(), AddonError> {
    env.set_named(
        exports,
        "addonVersion",
        env.function("addonVersion", addon_version)?,
    )?;
    env.set_named(exports, "noop", env.function("noop", noop)?)?;
    env.set_named(
        exports,
        "denyReasons",
        env.function("denyReasons", deny_reasons)?,
    )?;
    env.set_named(
        exports,
        "HmacSigner",
        env.class("HmacSigner", hmac_new, &[("sign", hmac_sign)])?,
    )?;
    env.set_named(
        exports,
        "Ed25519Signer",
        env.class(
            "Ed25519Signer",
            ed_new,
            &[("sign", ed_sign), ("publicKey", ed_public_key)],
        )?,
    )?;
    let gate_methods: &[(&'static str, ffi::Callback)] = &[
        ("internInstrument", gate_intern_instrument),
        ("internStrategy", gate_intern_strategy),
        ("registerInstrument", gate_register_instrument),
        ("checkSubmit", gate_check_submit),
        ("checkModify", gate_check_modify),
        ("checkSubmitBatch", gate_check_submit_batch),
        ("lastMessage", gate_last_message),
        ("orderOpened", gate_order_opened),
        ("orderClosed", gate_order_closed),
        ("fill", gate_fill),
        ("referencePrice", gate_reference_price),
        ("equity", gate_equity),
        ("setTradingState", gate_set_trading_state),
        ("tradingState", gate_trading_state),
        ("position", gate_position),
        ("openOrderCount", gate_open_order_count),
        ("debugInjectPanic", gate_debug_inject_panic),
    ];
    env.set_named(
        exports,
        "RiskGate",
        env.class("RiskGate", gate_new, gate_methods)?,
    )?;
    Ok(())
}

callback!(addon_version, "addonVersion", |cx| cx
    .env
    .string(ADDON_VERSION));
callback!(noop, "noop", |cx| cx.env.undefined());
callback!(deny_reasons, "denyReasons", |cx| {
    // A JSON string keeps ffi.rs small (no array API); the loader parses it once.
    let names: Vec<&str> = DenyReason::ALL.iter().map(|r| r.as_str()).collect();
    cx.env
        .string(&serde_json::to_string(&names).unwrap_or_default())
});

// ---------------------------------------------------------------------------------------------
// Signing

struct HmacBox(HmacSigner);
struct EdBox(Ed25519Signer);

callback!(hmac_new, "HmacSigner constructor", |cx| {
    let alg = match cx.string(0, "algorithm")?.as_str() {
        "sha256" => HmacAlgorithm::Sha256,
        "sha512" => HmacAlgorithm::Sha512,
        _ => {
            return Err(AddonError::InvalidArgument(
                "algorithm must be 'sha256' or 'sha512'".into(),
            ))
        }
    };
    let signer = cx.with_bytes(1, "secret", |secret| HmacSigner::new(alg, secret))??;
    cx.wrap_this(HmacBox(signer))
});

#[derive(Clone, Copy)]
enum Encoding {
    Hex,
    Base64,
}

fn encoding_arg(cx: &CallCtx, i: usize) -> Result<Encoding, AddonError> {
    match cx.with_bytes(i, "encoding", |b| match b {
        b"hex" => Some(Encoding::Hex),
        b"base64" => Some(Encoding::Base64),
        _ => None,
    }) {
        Ok(Some(e)) => Ok(e),
        _ => Err(AddonError::InvalidArgument(
            "encoding must be 'hex' or 'base64'".into(),
        )),
    }
}

callback!(hmac_sign, "HmacSigner.sign", |cx| {
    let signer = cx.this_mut::<HmacBox>()?;
    let enc = if cx.argc() > 1 {
        encoding_arg(cx, 1)?
    } else {
        Encoding::Hex
    };
    let out = cx.with_bytes(0, "payload", |p| match enc {
        Encoding::Hex => signer.0.sign_hex(p),
        Encoding::Base64 => signer.0.sign_base64(p),
    })?;
    cx.env.ascii_string(&out)
});

callback!(ed_new, "Ed25519Signer constructor", |cx| {
    let signer = cx.with_bytes(0, "seed", Ed25519Signer::from_seed)??;
    cx.wrap_this(EdBox(signer))
});

callback!(ed_sign, "Ed25519Signer.sign", |cx| {
    let signer = cx.this_mut::<EdBox>()?;
    let sig = cx.with_bytes(0, "payload", |p| signer.0.sign(p))?;
    cx.env.buffer_copy(&sig)
});

callback!(ed_public_key, "Ed25519Signer.publicKey", |cx| {
    let signer = cx.this_mut::<EdBox>()?;
    cx.env.buffer_copy(&signer.0.public_key())
});

// ---------------------------------------------------------------------------------------------
// Risk gate

struct GateBox {
    gate: libra_risk::RiskGate,
    last_message: String,
    /// Set after a panic inside the gate: fail closed from then on.
    poisoned: bool,
    /// Test hook: the next check panics (proves the panic → INTERNAL_ERROR path).
    inject_panic: bool,
}

const INTERNAL_ERROR_MESSAGE: &str =
    "INTERNAL_ERROR: the native risk gate failed (panic); it now denies every order";

callback!(gate_new, "RiskGate constructor", |cx| {
    let json = cx.string(0, "configJson")?;
    let gate = libra_risk::RiskGate::from_json(&json)?;
    cx.wrap_this(GateBox {
        gate,
        last_message: String::new(),
        poisoned: false,
        inject_panic: false,
    })
});

callback!(gate_intern_instrument, "RiskGate.internInstrument", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    let id = cx.string(0, "instrumentId")?;
    cx.env.u32(g.gate.intern_instrument(&id))
});

callback!(gate_intern_strategy, "RiskGate.internStrategy", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    let id = cx.string(0, "strategyId")?;
    cx.env.u32(g.gate.intern_strategy(&id))
});

// registerInstrument(id, pricePrecision, sizePrecision, tickRaw, lotRaw, minQtyRaw, minNotional, base, quote)
callback!(
    gate_register_instrument,
    "RiskGate.registerInstrument",
    |cx| {
        let g = cx.this_mut::<GateBox>()?;
        let id = cx.string(0, "instrumentId")?;
        let spec = InstrumentSpec {
            price_precision: cx.code(1),
            size_precision: cx.code(2),
            tick_raw: cx.f64(3),
            lot_raw: cx.f64(4),
            min_qty_raw: cx.f64(5),
            min_notional: cx.f64(6),
            base: cx.string(7, "base")?,
            quote: cx.string(8, "quote")?,
        };
        cx.env.u32(g.gate.register_instrument(&id, spec)?)
    }
);

/// Arguments 0..8 of a check: strategy, instrument, side, type, qty, price, trigger, flags
/// (one parameter per JS argument, deliberately: that is the cheap calling convention).
#[inline]
#[allow(clippy::too_many_arguments)]
fn order_args(
    strategy: u32,
    instrument: u32,
    side: u32,
    ty: u32,
    qty: f64,
    price: f64,
    trigger: f64,
    flags: u32,
) -> OrderArgs {
    OrderArgs {
        strategy,
        instrument,
        side,
        order_type: ty,
        quantity_raw: qty,
        price_raw: if flags & FLAG_HAS_PRICE != 0 {
            Some(price)
        } else {
            None
        },
        trigger_price_raw: if flags & FLAG_HAS_TRIGGER != 0 {
            Some(trigger)
        } else {
            None
        },
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
    let result = catch_unwind(AssertUnwindSafe(|| {
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

fn check_call(cx: &CallCtx, submit: bool) -> Result<napi_value, AddonError> {
    let g = cx.this_mut::<GateBox>()?;
    let o = order_args(
        cx.code(0),
        cx.code(1),
        cx.code(2),
        cx.code(3),
        cx.f64(4),
        cx.f64(5),
        cx.f64(6),
        cx.code(7),
    );
    let code = run_check(g, &o, cx.f64(8), submit);
    cx.env.u32(code)
}

// checkSubmit(strategy, instrument, side, type, quantityRaw, priceRaw, triggerPriceRaw, flags, now) → code
callback!(gate_check_submit, "RiskGate.checkSubmit", |cx| check_call(
    cx, true
));
callback!(gate_check_modify, "RiskGate.checkModify", |cx| check_call(
    cx, false
));

// checkSubmitBatch(orders: Float64Array (8 numbers per order), now, out: Uint8Array) → allowed count.
// Sequential semantics: exactly as if checkSubmit were called for each order in turn.
callback!(gate_check_submit_batch, "RiskGate.checkSubmitBatch", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    let now = cx.f64(1);
    let (orders, out) = cx.f64_in_u8_out(0, 2)?;
    if orders.len() % BATCH_STRIDE != 0 || out.len() < orders.len() / BATCH_STRIDE {
        return Err(AddonError::InvalidArgument(
            "orders.length must be a multiple of 8 and out at least orders.length / 8".into(),
        ));
    }
    let to_code = |x: f64| {
        if (0.0..4_294_967_295.0).contains(&x) && x.trunc() == x {
            x as u32
        } else {
            u32::MAX
        }
    };
    let mut allowed = 0u32;
    for (k, o) in orders.chunks_exact(BATCH_STRIDE).enumerate() {
        let args = order_args(
            to_code(o[0]),
            to_code(o[1]),
            to_code(o[2]),
            to_code(o[3]),
            o[4],
            o[5],
            o[6],
            to_code(o[7]),
        );
        let code = run_check(g, &args, now, true);
        out[k] = code as u8;
        if code == 0 {
            allowed += 1;
        }
    }
    cx.env.u32(allowed)
});

callback!(gate_last_message, "RiskGate.lastMessage", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    cx.env.string(&g.last_message)
});

callback!(gate_order_opened, "RiskGate.orderOpened", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    g.gate.on_order_opened(&cx.string(0, "clientOrderId")?);
    cx.env.undefined()
});

callback!(gate_order_closed, "RiskGate.orderClosed", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    g.gate.on_order_closed(&cx.string(0, "clientOrderId")?);
    cx.env.undefined()
});

// fill(strategy, instrument, side, quantityRaw)
callback!(gate_fill, "RiskGate.fill", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    g.gate
        .on_fill(cx.code(0), cx.code(1), cx.code(2), cx.f64(3))?;
    cx.env.undefined()
});

// referencePrice(instrument, kind, price)
callback!(gate_reference_price, "RiskGate.referencePrice", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    let kind = cx.string(1, "kind")?;
    g.gate.on_reference_price(cx.code(0), &kind, cx.f64(2));
    cx.env.undefined()
});

fn events_json(events: &[RiskEvent]) -> String {
    let list: Vec<serde_json::Value> = events
        .iter()
        .map(|e| serde_json::json!({ "kind": e.kind.as_str(), "ts": e.ts, "state": e.state.as_str(), "message": e.message }))
        .collect();
    serde_json::Value::Array(list).to_string()
}

// equity(equity, now) → JSON array of RiskEvent (rare call: JSON keeps the FFI surface small)
callback!(gate_equity, "RiskGate.equity", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    let events = g.gate.on_equity(cx.f64(0), cx.f64(1));
    cx.env.string(&events_json(&events))
});

// setTradingState(state, now, reason) → JSON array of RiskEvent
callback!(gate_set_trading_state, "RiskGate.setTradingState", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    let name = cx.string(0, "state")?;
    let state = TradingState::parse(&name).ok_or_else(|| {
        AddonError::Risk(libra_risk::RiskError::InvalidArgument(format!(
            "trading state must be ACTIVE, REDUCING or HALTED, got {}",
            name
        )))
    })?;
    let reason = cx.string(2, "reason")?;
    let events = g.gate.set_trading_state(state, cx.f64(1), &reason);
    cx.env.string(&events_json(&events))
});

callback!(gate_trading_state, "RiskGate.tradingState", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    cx.env.string(g.gate.trading_state().as_str())
});

callback!(gate_position, "RiskGate.position", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    cx.env.f64(g.gate.position(cx.code(0)))
});

callback!(gate_open_order_count, "RiskGate.openOrderCount", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    cx.env.u32(g.gate.open_order_count() as u32)
});

callback!(gate_debug_inject_panic, "RiskGate.debugInjectPanic", |cx| {
    let g = cx.this_mut::<GateBox>()?;
    g.inject_panic = true;
    cx.env.undefined()
});

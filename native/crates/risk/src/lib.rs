//! The pre-trade risk gate in Rust: a line-by-line mirror of
//! `src/main/engine/risk/ts-risk-gate.ts` (read its header for the units and the CHECK ORDER).
//! Same check order, same reason codes, byte-identical messages: parity tests in
//! `src/main/native` run both gates on generated inputs and compare verdicts.
//!
//! All arithmetic is on `f64` exactly as JavaScript does it (raw integers are doubles there), so
//! the two gates make the same IEEE-754 roundings; `js_num` formats numbers like JS `String(x)`.
//!
//! Instruments and strategies are interned to small integers once (`intern_*`), so a check is a
//! call with plain numbers — that is what keeps the Node-API crossing cheap.
#![forbid(unsafe_code)]

use std::collections::{HashMap, HashSet};

use serde_json::Value;

pub const POW10: [f64; 19] = [
    1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18,
];
pub const MAX_PRECISION: u32 = 18;
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
const DAY_MS: f64 = 86_400_000.0;

/// Deny reasons, in the order of `DENY_REASONS` in risk-gate.ts (the index is the wire code − 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum DenyReason {
    InvalidOrder = 0,
    UnknownInstrument,
    PrecisionMismatch,
    BelowMinQuantity,
    BelowMinNotional,
    MaxQuantityExceeded,
    MaxNotionalExceeded,
    PositionLimitExceeded,
    StrategyPositionLimitExceeded,
    PriceOutsideCollar,
    NoReferencePrice,
    OrderRateExceeded,
    ModifyRateExceeded,
    MaxOpenOrdersExceeded,
    ReduceOnlyWouldIncrease,
    TradingReducing,
    TradingHalted,
    InternalError,
}

impl DenyReason {
    pub const ALL: [DenyReason; 18] = [
        DenyReason::InvalidOrder,
        DenyReason::UnknownInstrument,
        DenyReason::PrecisionMismatch,
        DenyReason::BelowMinQuantity,
        DenyReason::BelowMinNotional,
        DenyReason::MaxQuantityExceeded,
        DenyReason::MaxNotionalExceeded,
        DenyReason::PositionLimitExceeded,
        DenyReason::StrategyPositionLimitExceeded,
        DenyReason::PriceOutsideCollar,
        DenyReason::NoReferencePrice,
        DenyReason::OrderRateExceeded,
        DenyReason::ModifyRateExceeded,
        DenyReason::MaxOpenOrdersExceeded,
        DenyReason::ReduceOnlyWouldIncrease,
        DenyReason::TradingReducing,
        DenyReason::TradingHalted,
        DenyReason::InternalError,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::InvalidOrder => "INVALID_ORDER",
            DenyReason::UnknownInstrument => "UNKNOWN_INSTRUMENT",
            DenyReason::PrecisionMismatch => "PRECISION_MISMATCH",
            DenyReason::BelowMinQuantity => "BELOW_MIN_QUANTITY",
            DenyReason::BelowMinNotional => "BELOW_MIN_NOTIONAL",
            DenyReason::MaxQuantityExceeded => "MAX_QUANTITY_EXCEEDED",
            DenyReason::MaxNotionalExceeded => "MAX_NOTIONAL_EXCEEDED",
            DenyReason::PositionLimitExceeded => "POSITION_LIMIT_EXCEEDED",
            DenyReason::StrategyPositionLimitExceeded => "STRATEGY_POSITION_LIMIT_EXCEEDED",
            DenyReason::PriceOutsideCollar => "PRICE_OUTSIDE_COLLAR",
            DenyReason::NoReferencePrice => "NO_REFERENCE_PRICE",
            DenyReason::OrderRateExceeded => "ORDER_RATE_EXCEEDED",
            DenyReason::ModifyRateExceeded => "MODIFY_RATE_EXCEEDED",
            DenyReason::MaxOpenOrdersExceeded => "MAX_OPEN_ORDERS_EXCEEDED",
            DenyReason::ReduceOnlyWouldIncrease => "REDUCE_ONLY_WOULD_INCREASE",
            DenyReason::TradingReducing => "TRADING_REDUCING",
            DenyReason::TradingHalted => "TRADING_HALTED",
            DenyReason::InternalError => "INTERNAL_ERROR",
        }
    }

    /// Wire code: 0 is ALLOW, a deny is its index + 1.
    pub fn code(self) -> u32 {
        self as u32 + 1
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deny {
    pub reason: DenyReason,
    pub message: String,
}

fn deny(reason: DenyReason, detail: String) -> Result<(), Deny> {
    Err(Deny {
        message: format!("{}: {}", reason.as_str(), detail),
        reason,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradingState {
    Active,
    Reducing,
    Halted,
}

impl TradingState {
    pub fn as_str(self) -> &'static str {
        match self {
            TradingState::Active => "ACTIVE",
            TradingState::Reducing => "REDUCING",
            TradingState::Halted => "HALTED",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ACTIVE" => Some(TradingState::Active),
            "REDUCING" => Some(TradingState::Reducing),
            "HALTED" => Some(TradingState::Halted),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskEventKind {
    RiskLimitBreach,
    DrawdownWarning,
    CircuitBreaker,
}

impl RiskEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RiskEventKind::RiskLimitBreach => "RISK_LIMIT_BREACH",
            RiskEventKind::DrawdownWarning => "DRAWDOWN_WARNING",
            RiskEventKind::CircuitBreaker => "CIRCUIT_BREAKER",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RiskEvent {
    pub kind: RiskEventKind,
    pub ts: f64,
    pub state: TradingState,
    pub message: String,
}

/// Side codes on the wire: 0 BUY, 1 SELL; anything else is invalid.
pub const SIDE_BUY: u32 = 0;
pub const SIDE_SELL: u32 = 1;
/// Type codes: 0 MARKET, 1 LIMIT, 2 STOP_MARKET, 3 STOP_LIMIT.
pub const TYPE_MARKET: u32 = 0;
pub const TYPE_LIMIT: u32 = 1;
pub const TYPE_STOP_MARKET: u32 = 2;
pub const TYPE_STOP_LIMIT: u32 = 3;

const TYPE_NAMES: [&str; 4] = ["MARKET", "LIMIT", "STOP_MARKET", "STOP_LIMIT"];

/// One order to check, with interned ids; `None` prices mean "not given".
#[derive(Debug, Clone, Copy)]
pub struct OrderArgs {
    pub strategy: u32,
    pub instrument: u32,
    pub side: u32,
    pub order_type: u32,
    pub quantity_raw: f64,
    pub price_raw: Option<f64>,
    pub trigger_price_raw: Option<f64>,
    pub reduce_only: bool,
}

#[derive(Debug, Clone)]
pub struct InstrumentSpec {
    pub price_precision: u32,
    pub size_precision: u32,
    pub tick_raw: f64,
    pub lot_raw: f64,
    pub min_qty_raw: f64,
    pub min_notional: f64,
    pub base: String,
    pub quote: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Limits {
    max_order_qty: Option<f64>,
    max_order_notional: Option<f64>,
    max_long: Option<f64>,
    max_short: Option<f64>,
    collar_bps: Option<f64>,
}

impl Limits {
    fn merged(self, over: Limits) -> Limits {
        Limits {
            max_order_qty: over.max_order_qty.or(self.max_order_qty),
            max_order_notional: over.max_order_notional.or(self.max_order_notional),
            max_long: over.max_long.or(self.max_long),
            max_short: over.max_short.or(self.max_short),
            collar_bps: over.collar_bps.or(self.collar_bps),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct BucketConfig {
    capacity: f64,
    per_second: f64,
}

/// Token bucket on caller time; starts full at first use; time never runs backwards for it.
#[derive(Debug, Clone)]
struct Bucket {
    cfg: BucketConfig,
    tokens: f64,
    last: f64,
}

impl Bucket {
    fn new(cfg: BucketConfig) -> Self {
        Bucket {
            cfg,
            tokens: 0.0,
            last: f64::NAN,
        }
    }
    fn available(&mut self, now: f64) -> bool {
        if self.last.is_nan() {
            self.tokens = self.cfg.capacity;
            self.last = now;
        } else if now > self.last {
            self.tokens = self
                .cfg
                .capacity
                .min(self.tokens + ((now - self.last) * self.cfg.per_second) / 1000.0);
            self.last = now;
        }
        self.tokens >= 1.0
    }
    fn take(&mut self) {
        self.tokens -= 1.0;
    }
}

#[derive(Debug, Clone)]
struct InstrumentState {
    id: String,
    spec: Option<InstrumentSpec>,
    limits: Limits,
    net: f64,
    /// Position per interned strategy, grown on demand.
    by_strategy: Vec<f64>,
    reference: Option<f64>,
}

#[derive(Debug, Clone)]
struct StrategyEntry {
    name: String,
    max_long: Option<f64>,
    max_short: Option<f64>,
    has_limits: bool,
}

/// Configuration or argument errors (never verdicts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RiskError {
    InvalidConfig(String),
    InvalidArgument(String),
}

impl RiskError {
    pub fn code(&self) -> &'static str {
        match self {
            RiskError::InvalidConfig(_) => "ERR_RISK_INVALID_CONFIG",
            RiskError::InvalidArgument(_) => "ERR_RISK_INVALID_ARGUMENT",
        }
    }
    pub fn message(&self) -> &str {
        match self {
            RiskError::InvalidConfig(m) | RiskError::InvalidArgument(m) => m,
        }
    }
}

impl std::fmt::Display for RiskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for RiskError {}

/// Formats like JavaScript's `String(number)`: shortest round-trip digits, exponent form outside
/// [1e-6, 1e21) with an explicit `+`, `-0` as `0`.
pub fn js_num(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".to_string()
        } else {
            "-Infinity".to_string()
        };
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let a = x.abs();
    if !(1e-6..1e21).contains(&a) {
        let s = format!("{:e}", x);
        return match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{}e+{}", m, e),
            _ => s,
        };
    }
    format!("{}", x)
}

/// JS `Math.round(x * 100) / 100` for the non-negative values it is used on.
fn round2(x: f64) -> f64 {
    // Math.round rounds .5 up; f64::round rounds half away from zero: equal for x ≥ 0, and
    // (x + 0.5).floor() would differ for 0.49999999999999994, so mirror Math.round exactly.
    let y = x * 100.0;
    let r = y.floor();
    let r = if y - r >= 0.5 { r + 1.0 } else { r };
    r / 100.0
}

fn is_positive_safe_int(x: f64) -> bool {
    x.is_finite() && x.trunc() == x && x.abs() <= MAX_SAFE_INTEGER && x > 0.0
}

fn is_safe_int(x: f64) -> bool {
    x.is_finite() && x.trunc() == x && x.abs() <= MAX_SAFE_INTEGER
}

/// The net position `pos` (raw) shrinks, without flipping, if `qty` is traded on `side`.
pub fn reduces_position(pos: f64, side: u32, qty: f64) -> bool {
    if side == SIDE_BUY {
        pos < 0.0 && qty <= -pos
    } else {
        pos > 0.0 && qty <= pos
    }
}

fn limit_violation(
    after: f64,
    q_scale: f64,
    max_long: Option<f64>,
    max_short: Option<f64>,
) -> Option<String> {
    let dec = after / q_scale;
    if let Some(ml) = max_long {
        if after > 0.0 && dec > ml {
            return Some(format!("long {} > {}", js_num(dec), js_num(ml)));
        }
    }
    if let Some(ms) = max_short {
        if after < 0.0 && -dec > ms {
            return Some(format!("short {} > {}", js_num(-dec), js_num(ms)));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Config parsing (mirrors parseLimits/checkLimit in ts-risk-gate.ts).

fn check_limit(where_: &str, name: &str, v: Option<&Value>) -> Result<Option<f64>, RiskError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() && f >= 0.0 => Ok(Some(f)),
            _ => Err(RiskError::InvalidConfig(format!(
                "{}.{} must be a finite number ≥ 0",
                where_, name
            ))),
        },
        Some(_) => Err(RiskError::InvalidConfig(format!(
            "{}.{} must be a finite number ≥ 0",
            where_, name
        ))),
    }
}

fn parse_limits(where_: &str, v: Option<&Value>) -> Result<Limits, RiskError> {
    let obj = match v {
        None | Some(Value::Null) => return Ok(Limits::default()),
        Some(Value::Object(o)) => o,
        Some(_) => {
            return Err(RiskError::InvalidConfig(format!(
                "{} must be an object",
                where_
            )))
        }
    };
    Ok(Limits {
        max_order_qty: check_limit(where_, "maxOrderQty", obj.get("maxOrderQty"))?,
        max_order_notional: check_limit(where_, "maxOrderNotional", obj.get("maxOrderNotional"))?,
        max_long: check_limit(where_, "maxLong", obj.get("maxLong"))?,
        max_short: check_limit(where_, "maxShort", obj.get("maxShort"))?,
        collar_bps: check_limit(where_, "collarBps", obj.get("collarBps"))?,
    })
}

fn parse_bucket(name: &str, v: Option<&Value>) -> Result<Option<BucketConfig>, RiskError> {
    let obj = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(o)) => o,
        Some(_) => {
            return Err(RiskError::InvalidConfig(format!(
                "{} must be an object",
                name
            )))
        }
    };
    match (
        check_limit(name, "capacity", obj.get("capacity"))?,
        check_limit(name, "perSecond", obj.get("perSecond"))?,
    ) {
        (Some(capacity), Some(per_second)) => Ok(Some(BucketConfig {
            capacity,
            per_second,
        })),
        _ => Err(RiskError::InvalidConfig(format!(
            "{} needs capacity and perSecond",
            name
        ))),
    }
}

pub struct RiskGate {
    defaults: Limits,
    overrides: HashMap<String, Limits>,
    ref_kind: &'static str,
    order_bucket: Option<Bucket>,
    modify_bucket: Option<Bucket>,
    max_open_orders: Option<f64>,
    daily_loss_limit: Option<f64>,
    drawdown_warn: Option<f64>,
    drawdown_halt: Option<f64>,

    instrument_ids: HashMap<String, u32>,
    instruments: Vec<InstrumentState>,
    strategy_ids: HashMap<String, u32>,
    strategies: Vec<StrategyEntry>,
    open_orders: HashSet<String>,
    state: TradingState,
    peak_equity: f64,
    day_start_equity: f64,
    day: f64,
    warned: bool,
}

impl RiskGate {
    pub fn from_json(json: &str) -> Result<RiskGate, RiskError> {
        let v: Value = serde_json::from_str(json)
            .map_err(|e| RiskError::InvalidConfig(format!("config is not valid JSON: {}", e)))?;
        RiskGate::from_value(&v)
    }

    pub fn from_value(v: &Value) -> Result<RiskGate, RiskError> {
        let cfg = v
            .as_object()
            .ok_or_else(|| RiskError::InvalidConfig("config must be an object".into()))?;
        let defaults = parse_limits("defaults", cfg.get("defaults"))?;
        let mut overrides = HashMap::new();
        if let Some(Value::Object(m)) = cfg.get("instruments") {
            for (id, l) in m {
                overrides.insert(
                    id.clone(),
                    parse_limits(&format!("instruments.{}", id), Some(l))?,
                );
            }
        }
        let mut gate = RiskGate {
            defaults,
            overrides,
            ref_kind: "last",
            order_bucket: parse_bucket("orderRate", cfg.get("orderRate"))?.map(Bucket::new),
            modify_bucket: parse_bucket("modifyRate", cfg.get("modifyRate"))?.map(Bucket::new),
            max_open_orders: check_limit("config", "maxOpenOrders", cfg.get("maxOpenOrders"))?,
            daily_loss_limit: check_limit("config", "dailyLossLimit", cfg.get("dailyLossLimit"))?,
            drawdown_warn: check_limit("config", "drawdownWarn", cfg.get("drawdownWarn"))?,
            drawdown_halt: check_limit("config", "drawdownHalt", cfg.get("drawdownHalt"))?,
            instrument_ids: HashMap::new(),
            instruments: Vec::new(),
            strategy_ids: HashMap::new(),
            strategies: Vec::new(),
            open_orders: HashSet::new(),
            state: TradingState::Active,
            peak_equity: f64::NAN,
            day_start_equity: f64::NAN,
            day: f64::NAN,
            warned: false,
        };
        gate.ref_kind = match cfg.get("referencePrice") {
            None | Some(Value::Null) => "last",
            Some(Value::String(s)) if s == "last" => "last",
            Some(Value::String(s)) if s == "mark" => "mark",
            Some(Value::String(s)) if s == "mid" => "mid",
            Some(_) => {
                return Err(RiskError::InvalidConfig(
                    "referencePrice must be last, mark or mid".into(),
                ))
            }
        };
        if let Some(Value::Object(m)) = cfg.get("strategies") {
            for (id, s) in m {
                let where_ = format!("strategies.{}", id);
                let (ml, ms) = match s {
                    Value::Object(o) => (
                        check_limit(&where_, "maxLong", o.get("maxLong"))?,
                        check_limit(&where_, "maxShort", o.get("maxShort"))?,
                    ),
                    _ => {
                        return Err(RiskError::InvalidConfig(format!(
                            "{} must be an object",
                            where_
                        )))
                    }
                };
                let sid = gate.intern_strategy(id);
                let e = &mut gate.strategies[sid as usize];
                e.max_long = ml;
                e.max_short = ms;
                e.has_limits = true;
            }
        }
        Ok(gate)
    }

    /// Small integer for an instrument id (registered or not); stable for the gate's life.
    pub fn intern_instrument(&mut self, id: &str) -> u32 {
        if let Some(&h) = self.instrument_ids.get(id) {
            return h;
        }
        let h = self.instruments.len() as u32;
        self.instruments.push(InstrumentState {
            id: id.to_string(),
            spec: None,
            limits: self.defaults,
            net: 0.0,
            by_strategy: Vec::new(),
            reference: None,
        });
        self.instrument_ids.insert(id.to_string(), h);
        h
    }

    pub fn intern_strategy(&mut self, id: &str) -> u32 {
        if let Some(&h) = self.strategy_ids.get(id) {
            return h;
        }
        let h = self.strategies.len() as u32;
        self.strategies.push(StrategyEntry {
            name: id.to_string(),
            max_long: None,
            max_short: None,
            has_limits: false,
        });
        self.strategy_ids.insert(id.to_string(), h);
        h
    }

    pub fn register_instrument(
        &mut self,
        id: &str,
        spec: InstrumentSpec,
    ) -> Result<u32, RiskError> {
        let ok_precision = |p: u32| p <= MAX_PRECISION;
        if !ok_precision(spec.price_precision)
            || !ok_precision(spec.size_precision)
            || !is_positive_safe_int(spec.tick_raw)
            || !is_positive_safe_int(spec.lot_raw)
            || !is_safe_int(spec.min_qty_raw)
            || spec.min_qty_raw < 0.0
            || !spec.min_notional.is_finite()
            || spec.min_notional < 0.0
        {
            return Err(RiskError::InvalidArgument(format!(
                "instrument {} has invalid precision, tick, lot, min quantity or min notional",
                id
            )));
        }
        let h = self.intern_instrument(id);
        let limits = match self.overrides.get(id) {
            Some(o) => self.defaults.merged(*o),
            None => self.defaults,
        };
        let st = &mut self.instruments[h as usize];
        st.spec = Some(spec);
        st.limits = limits;
        Ok(h)
    }

    pub fn check_submit(&mut self, o: &OrderArgs, now: f64) -> Result<(), Deny> {
        self.check(o, now, true)
    }

    pub fn check_modify(&mut self, o: &OrderArgs, now: f64) -> Result<(), Deny> {
        self.check(o, now, false)
    }

    fn check(&mut self, o: &OrderArgs, now: f64, submit: bool) -> Result<(), Deny> {
        use DenyReason::*;
        // 1. Shape and numbers.
        if !now.is_finite() {
            return deny(
                InvalidOrder,
                format!("now must be a finite timestamp, got {}", js_num(now)),
            );
        }
        let side = o.side;
        if side != SIDE_BUY && side != SIDE_SELL {
            return deny(InvalidOrder, "side must be BUY or SELL".into());
        }
        let ty = o.order_type;
        if ty > TYPE_STOP_LIMIT {
            return deny(
                InvalidOrder,
                "type must be MARKET, LIMIT, STOP_MARKET or STOP_LIMIT".into(),
            );
        }
        let uses_limit = ty == TYPE_LIMIT || ty == TYPE_STOP_LIMIT;
        let uses_trigger = ty == TYPE_STOP_MARKET || ty == TYPE_STOP_LIMIT;
        let qty = o.quantity_raw;
        if !is_positive_safe_int(qty) {
            return deny(
                InvalidOrder,
                format!(
                    "quantityRaw must be a positive integer, got {}",
                    js_num(qty)
                ),
            );
        }
        match o.price_raw {
            Some(p) if !is_positive_safe_int(p) => {
                return deny(
                    InvalidOrder,
                    format!("priceRaw must be a positive integer, got {}", js_num(p)),
                );
            }
            None if uses_limit => {
                return deny(
                    InvalidOrder,
                    format!("{} order needs priceRaw", TYPE_NAMES[ty as usize]),
                )
            }
            _ => {}
        }
        match o.trigger_price_raw {
            Some(p) if !is_positive_safe_int(p) => {
                return deny(
                    InvalidOrder,
                    format!(
                        "triggerPriceRaw must be a positive integer, got {}",
                        js_num(p)
                    ),
                );
            }
            None if uses_trigger => {
                return deny(
                    InvalidOrder,
                    format!("{} order needs triggerPriceRaw", TYPE_NAMES[ty as usize]),
                );
            }
            _ => {}
        }

        // 2. Instrument.
        let state = self.state;
        let Some(st) = self.instruments.get(o.instrument as usize) else {
            return deny(
                UnknownInstrument,
                "(unknown handle) is not registered".into(),
            );
        };
        let Some(spec) = st.spec.as_ref() else {
            return deny(UnknownInstrument, format!("{} is not registered", st.id));
        };

        // 3. Halted.
        if state == TradingState::Halted {
            return deny(
                TradingHalted,
                "trading is halted; only cancels are allowed".into(),
            );
        }

        // 4. Precision.
        if qty % spec.lot_raw != 0.0 {
            return deny(
                PrecisionMismatch,
                format!(
                    "quantityRaw {} is not a multiple of lot {}",
                    js_num(qty),
                    js_num(spec.lot_raw)
                ),
            );
        }
        let limit_px = if uses_limit {
            o.price_raw.unwrap_or(0.0)
        } else {
            0.0
        };
        let trigger_px = if uses_trigger {
            o.trigger_price_raw.unwrap_or(0.0)
        } else {
            0.0
        };
        if limit_px != 0.0 && limit_px % spec.tick_raw != 0.0 {
            return deny(
                PrecisionMismatch,
                format!(
                    "priceRaw {} is not a multiple of tick {}",
                    js_num(limit_px),
                    js_num(spec.tick_raw)
                ),
            );
        }
        if trigger_px != 0.0 && trigger_px % spec.tick_raw != 0.0 {
            return deny(
                PrecisionMismatch,
                format!(
                    "triggerPriceRaw {} is not a multiple of tick {}",
                    js_num(trigger_px),
                    js_num(spec.tick_raw)
                ),
            );
        }

        let q_scale = POW10[spec.size_precision as usize];
        let p_scale = POW10[spec.price_precision as usize];
        let qty_dec = qty / q_scale;
        let lim = st.limits;

        // 5–6. Quantity.
        if qty < spec.min_qty_raw {
            return deny(
                BelowMinQuantity,
                format!(
                    "{} < {} {}",
                    js_num(qty_dec),
                    js_num(spec.min_qty_raw / q_scale),
                    spec.base
                ),
            );
        }
        if let Some(max) = lim.max_order_qty {
            if qty_dec > max {
                return deny(
                    MaxQuantityExceeded,
                    format!("{} > {} {}", js_num(qty_dec), js_num(max), spec.base),
                );
            }
        }

        // 7. Reference price.
        let reference = st.reference;
        if (ty == TYPE_MARKET || lim.collar_bps.is_some()) && reference.is_none() {
            return deny(
                NoReferencePrice,
                format!("no {} price for {}", self.ref_kind, st.id),
            );
        }

        // 8. Collar.
        let limit_dec = limit_px / p_scale;
        let trigger_dec = trigger_px / p_scale;
        if let (Some(collar), Some(r)) = (lim.collar_bps, reference) {
            if limit_px != 0.0 && (limit_dec - r).abs() * 10000.0 > collar * r {
                return deny(
                    PriceOutsideCollar,
                    format!(
                        "price {} is {} bps from {} {} (collar {} bps)",
                        js_num(limit_dec),
                        js_num(round2(((limit_dec - r).abs() / r) * 10000.0)),
                        self.ref_kind,
                        js_num(r),
                        js_num(collar)
                    ),
                );
            }
            if trigger_px != 0.0 && (trigger_dec - r).abs() * 10000.0 > collar * r {
                return deny(
                    PriceOutsideCollar,
                    format!(
                        "trigger price {} is {} bps from {} {} (collar {} bps)",
                        js_num(trigger_dec),
                        js_num(round2(((trigger_dec - r).abs() / r) * 10000.0)),
                        self.ref_kind,
                        js_num(r),
                        js_num(collar)
                    ),
                );
            }
        }

        // 9–10. Notional.
        let px = if limit_px != 0.0 {
            limit_dec
        } else if trigger_px != 0.0 {
            trigger_dec
        } else {
            reference.unwrap_or(f64::NAN)
        };
        let notional = qty_dec * px;
        if notional < spec.min_notional {
            return deny(
                BelowMinNotional,
                format!(
                    "{} < {} {}",
                    js_num(notional),
                    js_num(spec.min_notional),
                    spec.quote
                ),
            );
        }
        if let Some(max) = lim.max_order_notional {
            if notional > max {
                return deny(
                    MaxNotionalExceeded,
                    format!("{} > {} {}", js_num(notional), js_num(max), spec.quote),
                );
            }
        }

        // 11–12. Reduce-only and REDUCING.
        let net = st.net;
        let reducing = reduces_position(net, side, qty);
        if o.reduce_only && !reducing {
            let side_name = if side == SIDE_BUY { "BUY" } else { "SELL" };
            return deny(
                ReduceOnlyWouldIncrease,
                format!(
                    "{} {} on position {} {}",
                    side_name,
                    js_num(qty_dec),
                    js_num(net / q_scale),
                    spec.base
                ),
            );
        }
        if state == TradingState::Reducing && !reducing {
            return deny(
                TradingReducing,
                format!(
                    "only orders that reduce the position are allowed (position {} {})",
                    js_num(net / q_scale),
                    spec.base
                ),
            );
        }

        // 13–14. Position limits after a full fill.
        let delta = if side == SIDE_BUY { qty } else { -qty };
        if !reducing {
            if let Some(v) = limit_violation(net + delta, q_scale, lim.max_long, lim.max_short) {
                return deny(PositionLimitExceeded, format!("{} {}", v, spec.base));
            }
        }
        if let Some(s) = self.strategies.get(o.strategy as usize) {
            if s.has_limits {
                let spos = st
                    .by_strategy
                    .get(o.strategy as usize)
                    .copied()
                    .unwrap_or(0.0);
                if !reduces_position(spos, side, qty) {
                    if let Some(v) = limit_violation(spos + delta, q_scale, s.max_long, s.max_short)
                    {
                        return deny(
                            StrategyPositionLimitExceeded,
                            format!("{} {} {}", s.name, v, spec.base),
                        );
                    }
                }
            }
        }

        // 15. Open orders.
        if submit {
            if let Some(max) = self.max_open_orders {
                let n = self.open_orders.len() as f64;
                if n >= max {
                    return deny(
                        MaxOpenOrdersExceeded,
                        format!("{} open >= {}", js_num(n), js_num(max)),
                    );
                }
            }
        }

        // 16. Rate (last: only an allowed order consumes a token).
        let bucket = if submit {
            self.order_bucket.as_mut()
        } else {
            self.modify_bucket.as_mut()
        };
        if let Some(b) = bucket {
            if !b.available(now) {
                let (reason, what) = if submit {
                    (OrderRateExceeded, "orders")
                } else {
                    (ModifyRateExceeded, "modifies")
                };
                return deny(
                    reason,
                    format!(
                        "more than {} {} in a burst or {}/s sustained",
                        js_num(b.cfg.capacity),
                        what,
                        js_num(b.cfg.per_second)
                    ),
                );
            }
            b.take();
        }
        Ok(())
    }

    pub fn on_order_opened(&mut self, client_order_id: &str) {
        if !self.open_orders.contains(client_order_id) {
            self.open_orders.insert(client_order_id.to_string());
        }
    }

    pub fn on_order_closed(&mut self, client_order_id: &str) {
        self.open_orders.remove(client_order_id);
    }

    pub fn on_fill(
        &mut self,
        strategy: u32,
        instrument: u32,
        side: u32,
        quantity_raw: f64,
    ) -> Result<(), RiskError> {
        if (side != SIDE_BUY && side != SIDE_SELL) || !is_positive_safe_int(quantity_raw) {
            let side_name = match side {
                SIDE_BUY => "BUY",
                SIDE_SELL => "SELL",
                _ => "undefined",
            };
            return Err(RiskError::InvalidArgument(format!(
                "fill needs side BUY/SELL and a positive integer quantityRaw, got {} {}",
                side_name,
                js_num(quantity_raw)
            )));
        }
        if strategy as usize >= self.strategies.len() {
            return Err(RiskError::InvalidArgument("unknown strategy handle".into()));
        }
        let st = self
            .instruments
            .get_mut(instrument as usize)
            .ok_or_else(|| RiskError::InvalidArgument("unknown instrument handle".into()))?;
        let delta = if side == SIDE_BUY {
            quantity_raw
        } else {
            -quantity_raw
        };
        st.net += delta;
        let i = strategy as usize;
        if st.by_strategy.len() <= i {
            st.by_strategy.resize(i + 1, 0.0);
        }
        st.by_strategy[i] += delta;
        Ok(())
    }

    /// `kind` is "last" | "mark" | "mid"; only the configured kind is kept.
    pub fn on_reference_price(&mut self, instrument: u32, kind: &str, price: f64) {
        if kind != self.ref_kind {
            return;
        }
        if let Some(st) = self.instruments.get_mut(instrument as usize) {
            st.reference = if price.is_finite() && price > 0.0 {
                Some(price)
            } else {
                None
            };
        }
    }

    pub fn on_equity(&mut self, equity: f64, now: f64) -> Vec<RiskEvent> {
        let mut events = Vec::new();
        if !equity.is_finite() || !now.is_finite() {
            return events;
        }
        let day = (now / DAY_MS).floor();
        if day != self.day {
            self.day = day;
            self.day_start_equity = equity;
        }
        if self.peak_equity.is_nan() || equity > self.peak_equity {
            self.peak_equity = equity;
        }
        let peak = self.peak_equity;
        let dd = if peak > 0.0 {
            (peak - equity) / peak
        } else {
            0.0
        };
        if let Some(warn) = self.drawdown_warn {
            if dd >= warn && !self.warned {
                self.warned = true;
                events.push(RiskEvent {
                    kind: RiskEventKind::DrawdownWarning,
                    ts: now,
                    state: self.state,
                    message: format!(
                        "DRAWDOWN_WARNING: drawdown {}% >= {}% (peak {}, equity {})",
                        js_num(round2(dd * 100.0)),
                        js_num(round2(warn * 100.0)),
                        js_num(peak),
                        js_num(equity)
                    ),
                });
            } else if dd < warn {
                self.warned = false;
            }
        }
        if let Some(limit) = self.daily_loss_limit {
            if self.state == TradingState::Active {
                let loss = self.day_start_equity - equity;
                if loss >= limit {
                    self.state = TradingState::Reducing;
                    events.push(RiskEvent {
                        kind: RiskEventKind::RiskLimitBreach,
                        ts: now,
                        state: TradingState::Reducing,
                        message: format!(
                            "RISK_LIMIT_BREACH: daily loss {} >= {} (day start equity {}, equity {}); trading REDUCING",
                            js_num(round2(loss)),
                            js_num(limit),
                            js_num(self.day_start_equity),
                            js_num(equity)
                        ),
                    });
                }
            }
        }
        if let Some(halt) = self.drawdown_halt {
            if self.state != TradingState::Halted && dd >= halt {
                self.state = TradingState::Halted;
                events.push(RiskEvent {
                    kind: RiskEventKind::CircuitBreaker,
                    ts: now,
                    state: TradingState::Halted,
                    message: format!(
                        "CIRCUIT_BREAKER: drawdown {}% >= {}% (peak {}, equity {}); trading HALTED",
                        js_num(round2(dd * 100.0)),
                        js_num(round2(halt * 100.0)),
                        js_num(peak),
                        js_num(equity)
                    ),
                });
            }
        }
        events
    }

    /// What the drawdown and daily-loss limits measure from: (peak equity, the UTC day's start
    /// equity, the UTC day number); NaN each before the first equity was seen.
    pub fn equity_marks(&self) -> (f64, f64, f64) {
        (self.peak_equity, self.day_start_equity, self.day)
    }

    /// Sets the marks: restored after a restart (so a drawdown is measured from the peak before
    /// it, not from the equity at start) or rebased when a person resumes trading. A day older
    /// than the next equity's starts a new day there (its day start is that equity), as always.
    /// Finite numbers only, and a peak no lower than the day's start.
    pub fn set_equity_marks(
        &mut self,
        peak: f64,
        day_start: f64,
        day: f64,
    ) -> Result<(), RiskError> {
        if !peak.is_finite() || !day_start.is_finite() || !day.is_finite() || day.fract() != 0.0 {
            return Err(RiskError::InvalidArgument(
                "equity marks must be finite numbers and the day a whole number".into(),
            ));
        }
        if peak < day_start {
            return Err(RiskError::InvalidArgument(
                "equity marks: the peak cannot be below the day's start".into(),
            ));
        }
        self.peak_equity = peak;
        self.day_start_equity = day_start;
        self.day = day;
        self.warned = false;
        Ok(())
    }

    pub fn set_trading_state(
        &mut self,
        state: TradingState,
        now: f64,
        reason: &str,
    ) -> Vec<RiskEvent> {
        let from = self.state;
        if from == state {
            return Vec::new();
        }
        self.state = state;
        let kind = match state {
            TradingState::Active => return Vec::new(),
            TradingState::Halted => RiskEventKind::CircuitBreaker,
            TradingState::Reducing => RiskEventKind::RiskLimitBreach,
        };
        vec![RiskEvent {
            kind,
            ts: now,
            state,
            message: format!(
                "{}: trading {} -> {}: {}",
                kind.as_str(),
                from.as_str(),
                state.as_str(),
                reason
            ),
        }]
    }

    pub fn trading_state(&self) -> TradingState {
        self.state
    }

    pub fn position(&self, instrument: u32) -> f64 {
        self.instruments
            .get(instrument as usize)
            .map(|s| s.net)
            .unwrap_or(0.0)
    }

    pub fn open_order_count(&self) -> usize {
        self.open_orders.len()
    }
}

#[cfg(test)]
mod tests;

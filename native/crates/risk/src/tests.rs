//! Unit and property tests of the Rust gate. Cross-language parity (same verdicts and messages
//! as the TypeScript gate) is tested from Node in src/main/native/native-parity.test.ts.
use super::*;
use proptest::prelude::*;

fn spec() -> InstrumentSpec {
    // BTC/USDT: price precision 2 (tick 0.01), size precision 3 (lot 0.001), min qty 0.001, min notional 5.
    InstrumentSpec {
        price_precision: 2,
        size_precision: 3,
        tick_raw: 1.0,
        lot_raw: 1.0,
        min_qty_raw: 1.0,
        min_notional: 5.0,
        base: "BTC".into(),
        quote: "USDT".into(),
    }
}

fn gate(cfg: &str) -> (RiskGate, u32, u32) {
    let mut g = RiskGate::from_json(cfg).unwrap();
    let i = g.register_instrument("BTC/USDT@BINANCE", spec()).unwrap();
    let s = g.intern_strategy("s1");
    (g, i, s)
}

fn limit(i: u32, s: u32, side: u32, qty: f64, price: f64) -> OrderArgs {
    OrderArgs {
        strategy: s,
        instrument: i,
        side,
        order_type: TYPE_LIMIT,
        quantity_raw: qty,
        price_raw: Some(price),
        trigger_price_raw: None,
        reduce_only: false,
    }
}

#[test]
fn allows_a_plain_limit_order() {
    let (mut g, i, s) = gate(r#"{"defaults":{}}"#);
    assert_eq!(
        g.check_submit(&limit(i, s, SIDE_BUY, 1000.0, 3_000_000.0), 0.0),
        Ok(())
    );
}

#[test]
fn denies_order_when_notional_exceeds_max_per_order_with_the_numbers_in_the_message() {
    let (mut g, i, s) = gate(r#"{"defaults":{"maxOrderNotional":10000}}"#);
    let d = g
        .check_submit(&limit(i, s, SIDE_BUY, 400.0, 3_000_000.0), 0.0)
        .unwrap_err();
    assert_eq!(d.reason, DenyReason::MaxNotionalExceeded);
    assert_eq!(d.message, "MAX_NOTIONAL_EXCEEDED: 12000 > 10000 USDT");
}

#[test]
fn denies_invalid_numbers_before_anything_else() {
    let (mut g, i, s) = gate(r#"{"defaults":{}}"#);
    g.set_trading_state(TradingState::Halted, 0.0, "test");
    for q in [f64::NAN, f64::INFINITY, -1.0, 0.0, 1.5, 1e300] {
        let d = g
            .check_submit(&limit(i, s, SIDE_BUY, q, 100.0), 0.0)
            .unwrap_err();
        assert_eq!(d.reason, DenyReason::InvalidOrder, "{}", q);
    }
    let d = g
        .check_submit(&limit(i, s, 7, 1.0, 100.0), 0.0)
        .unwrap_err();
    assert_eq!(d.message, "INVALID_ORDER: side must be BUY or SELL");
}

#[test]
fn denies_unknown_instruments_and_unknown_handles() {
    let (mut g, _, s) = gate(r#"{"defaults":{}}"#);
    let other = g.intern_instrument("ETH/USDT@BINANCE");
    assert_eq!(
        g.check_submit(&limit(other, s, SIDE_BUY, 1.0, 1.0), 0.0)
            .unwrap_err()
            .message,
        "UNKNOWN_INSTRUMENT: ETH/USDT@BINANCE is not registered"
    );
    assert_eq!(
        g.check_submit(&limit(999, s, SIDE_BUY, 1.0, 1.0), 0.0)
            .unwrap_err()
            .reason,
        DenyReason::UnknownInstrument
    );
}

#[test]
fn market_orders_need_a_reference_price_and_use_it_for_notional() {
    let (mut g, i, s) = gate(r#"{"defaults":{"maxOrderNotional":100}}"#);
    let mut o = limit(i, s, SIDE_BUY, 1000.0, 0.0);
    o.order_type = TYPE_MARKET;
    o.price_raw = None;
    assert_eq!(
        g.check_submit(&o, 0.0).unwrap_err().message,
        "NO_REFERENCE_PRICE: no last price for BTC/USDT@BINANCE"
    );
    g.on_reference_price(i, "last", 150.0);
    assert_eq!(
        g.check_submit(&o, 0.0).unwrap_err().message,
        "MAX_NOTIONAL_EXCEEDED: 150 > 100 USDT"
    );
    g.on_reference_price(i, "last", 50.0);
    assert_eq!(g.check_submit(&o, 0.0), Ok(()));
}

#[test]
fn reduce_only_orders_may_not_grow_or_flip_the_position() {
    let (mut g, i, s) = gate(r#"{"defaults":{}}"#);
    g.on_fill(s, i, SIDE_BUY, 2000.0).unwrap();
    let mut o = limit(i, s, SIDE_SELL, 2000.0, 10000.0);
    o.reduce_only = true;
    assert_eq!(g.check_submit(&o, 0.0), Ok(()));
    o.quantity_raw = 3000.0;
    assert_eq!(
        g.check_submit(&o, 0.0).unwrap_err().message,
        "REDUCE_ONLY_WOULD_INCREASE: SELL 3 on position 2 BTC"
    );
}

#[test]
fn rate_bucket_refills_from_the_now_argument_only() {
    let (mut g, i, s) = gate(r#"{"defaults":{},"orderRate":{"capacity":2,"perSecond":1}}"#);
    let o = limit(i, s, SIDE_BUY, 1000.0, 10000.0);
    assert!(g.check_submit(&o, 0.0).is_ok());
    assert!(g.check_submit(&o, 0.0).is_ok());
    assert_eq!(
        g.check_submit(&o, 500.0).unwrap_err().reason,
        DenyReason::OrderRateExceeded
    );
    assert!(g.check_submit(&o, 1000.0).is_ok());
}

#[test]
fn drawdown_and_daily_loss_move_the_trading_state() {
    let (mut g, _, _) =
        gate(r#"{"defaults":{},"dailyLossLimit":500,"drawdownWarn":0.1,"drawdownHalt":0.2}"#);
    assert!(g.on_equity(10000.0, 0.0).is_empty());
    let ev = g.on_equity(9000.0, 1.0);
    assert_eq!(
        ev.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![
            RiskEventKind::DrawdownWarning,
            RiskEventKind::RiskLimitBreach
        ]
    );
    assert_eq!(g.trading_state(), TradingState::Reducing);
    let ev = g.on_equity(7900.0, 2.0);
    assert_eq!(
        ev[0].message,
        "CIRCUIT_BREAKER: drawdown 21% >= 20% (peak 10000, equity 7900); trading HALTED"
    );
    assert_eq!(g.trading_state(), TradingState::Halted);
}

#[test]
fn equity_marks_restored_measure_the_drawdown_from_the_peak_before() {
    let (mut g, _, _) = gate(r#"{"defaults":{},"dailyLossLimit":500,"drawdownHalt":0.2}"#);
    let (p, d, day) = g.equity_marks();
    assert!(p.is_nan() && d.is_nan() && day.is_nan());
    // Restored from a day before: the peak holds, the day restarts at the next equity.
    g.set_equity_marks(10000.0, 9000.0, 3.0).unwrap();
    assert!(g.on_equity(8500.0, 5.0 * DAY_MS).is_empty());
    assert_eq!(g.equity_marks(), (10000.0, 8500.0, 5.0));
    let ev = g.on_equity(7900.0, 5.0 * DAY_MS + 1.0);
    assert_eq!(
        ev.last().unwrap().message,
        "CIRCUIT_BREAKER: drawdown 21% >= 20% (peak 10000, equity 7900); trading HALTED"
    );
    // Rebased (a person resumed): measured from there on.
    g.set_trading_state(TradingState::Active, 6.0, "resumed");
    g.set_equity_marks(7900.0, 7900.0, 5.0).unwrap();
    assert!(g.on_equity(7800.0, 5.0 * DAY_MS + 2.0).is_empty());
    assert_eq!(g.trading_state(), TradingState::Active);
    for bad in [(f64::NAN, 1.0, 1.0), (1.0, 1.0, 1.5), (1.0, 2.0, 1.0)] {
        let e = g.set_equity_marks(bad.0, bad.1, bad.2).err().unwrap();
        assert_eq!(e.code(), "ERR_RISK_INVALID_ARGUMENT");
    }
    assert_eq!(g.equity_marks(), (7900.0, 7900.0, 5.0));
}

#[test]
fn invalid_config_is_rejected_with_a_stable_code() {
    let e = RiskGate::from_json(r#"{"defaults":{"maxLong":-1}}"#)
        .err()
        .unwrap();
    assert_eq!(e.code(), "ERR_RISK_INVALID_CONFIG");
    assert!(RiskGate::from_json("not json").is_err());
}

#[test]
fn js_num_formats_like_javascript_string() {
    let cases = [
        (0.0, "0"),
        (-0.0, "0"),
        (12000.0, "12000"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e21, "1e+21"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (-2.5, "-2.5"),
        (f64::NAN, "NaN"),
        (f64::NEG_INFINITY, "-Infinity"),
        (123456789012345680000.0, "123456789012345680000"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
    ];
    for (x, s) in cases {
        assert_eq!(js_num(x), s);
    }
}

proptest! {
    #[test]
    fn non_positive_or_non_integer_quantities_are_always_denied_as_invalid(q in prop_oneof![
        Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY), -1e12..=0.0f64, (1u32..1000u32).prop_map(|n| n as f64 + 0.25)
    ]) {
        let (mut g, i, s) = gate(r#"{"defaults":{}}"#);
        let d = g.check_submit(&limit(i, s, SIDE_BUY, q, 100.0), 0.0).unwrap_err();
        prop_assert_eq!(d.reason, DenyReason::InvalidOrder);
    }

    #[test]
    fn allowed_orders_never_breach_the_position_limit(fills in proptest::collection::vec((0u32..2, 1u32..5000), 0..20), side in 0u32..2, q in 1u32..5000) {
        let (mut g, i, s) = gate(r#"{"defaults":{"maxLong":3,"maxShort":3}}"#);
        for (fs, fq) in fills { g.on_fill(s, i, fs, fq as f64).unwrap(); }
        let before = g.position(i);
        if g.check_submit(&limit(i, s, side, q as f64, 1000000.0), 0.0).is_ok() {
            let after = before + if side == SIDE_BUY { q as f64 } else { -(q as f64) };
            prop_assert!(after.abs() <= 3000.0 || after.abs() < before.abs());
        }
    }
}

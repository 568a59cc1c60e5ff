//! Native tests of the scenario's URL codec: the `fail=` list and its kinds, the
//! `timeout` limits, the round trip through `to_query`, the report's `config` JSON,
//! and `parse_query`.
#![cfg(not(target_arch = "wasm32"))]

use event_loop_lab::lab::scenario::{
    parse_query, ConfigValue, FailKind, Failure, ParamNotice, ParseStrategy, Scenario, YieldKind,
    FAIL_KINDS, MEMORY_BUDGET_KIB,
};

fn defaults() -> Scenario {
    Scenario::with_cores(2)
}

fn failure(doc: u32, kind: FailKind) -> Failure {
    Failure { doc, kind }
}

fn with_fail(fail: &str) -> (Scenario, Vec<ParamNotice>) {
    Scenario::from_query(&format!("fail={fail}"), &defaults())
}

#[test]
fn fail_items_carry_a_kind_and_a_bare_number_is_a_500() {
    let (s, notices) = with_fail("2,3:hang,5:crash");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        s.fail,
        vec![
            failure(2, FailKind::Status500),
            failure(3, FailKind::Hang),
            failure(5, FailKind::Crash),
        ]
    );
    assert_eq!(s.failure(2), Some(FailKind::Status500));
    assert_eq!(s.failure(3), Some(FailKind::Hang));
    assert_eq!(s.failure(4), None);

    let (s, notices) = with_fail("2:500, 4 : HANG");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        s.fail,
        vec![failure(2, FailKind::Status500), failure(4, FailKind::Hang)]
    );
}

#[test]
fn fail_kinds_are_listed_in_one_place() {
    let names: Vec<&str> = FailKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(names.join(", "), FAIL_KINDS);
    for kind in FailKind::ALL {
        assert_eq!(FailKind::from_name(&kind.to_string()), Some(kind));
    }
}

#[test]
fn a_bad_fail_item_keeps_the_current_list_with_a_notice() {
    let (before, _) = with_fail("4:hang");
    for bad in [
        "2:boom",
        "0",
        "x",
        "99",
        "2,",
        "2:",
        "1:hang,65",
        ":hang",
        "2:hang:hang",
    ] {
        let mut s = before.clone();
        let notices = s.apply([("fail", bad)], &defaults());
        assert_eq!(s.fail, before.fail, "fail={bad}");
        assert_eq!(
            notices,
            vec![ParamNotice::BadFailList {
                value: bad.to_string(),
                docs: 6,
            }],
            "fail={bad}"
        );
    }
    let (_, notices) = with_fail("2:boom");
    assert_eq!(
        notices[0].to_string(),
        "fail=\"2:boom\" must list document numbers 1–6, each optionally with :KIND \
         (500, 404, network, not-html, not-utf8, huge, huge-stream, hostile, hang, crash), separated by commas; ignoring it"
    );
}

#[test]
fn the_last_item_for_a_document_wins_and_empty_clears() {
    let (s, notices) = with_fail("5:crash,2,5:hang,2");
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(
        s.fail,
        vec![failure(2, FailKind::Status500), failure(5, FailKind::Hang)]
    );
    let mut cleared = s.clone();
    assert!(cleared.apply([("fail", "")], &defaults()).is_empty());
    assert!(cleared.fail.is_empty());
}

#[test]
fn to_query_round_trips_failures_timeout_and_an_awkward_query() {
    let s = Scenario {
        docs: 7,
        timeout_ms: 1500,
        parse: ParseStrategy::Worker,
        yield_kind: YieldKind::Scheduler,
        fail: vec![
            failure(1, FailKind::Status500),
            failure(3, FailKind::Hang),
            failure(7, FailKind::Crash),
        ],
        query: "a b&c=d %41 1+1 ünïcödé 線程 🦀".to_string(),
        ..defaults()
    };
    let q = s.to_query();
    assert!(
        q.starts_with("docs=7&latency=800&size=3072&fetch=concurrent&parse=worker&yield=scheduler&workers=2&timeout=1500&fail=1,3:hang,7:crash&query="),
        "{q}"
    );
    // The query is one pair: nothing in it may split or end it.
    assert_eq!(q.matches('&').count(), 9, "{q}");
    let (again, notices) = Scenario::from_query(&q, &defaults());
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(again, s);

    let plain = defaults();
    assert!(!plain.to_query().contains("fail="));
    assert_eq!(
        Scenario::from_query(&plain.to_query(), &defaults()).0,
        plain
    );
}

#[test]
fn config_json_keeps_fail_as_numbers_and_adds_failures() {
    let (s, _) = Scenario::from_query("fail=2,3:hang&timeout=900", &defaults());
    let json = serde_json::to_value(&s).expect("a scenario serializes");
    assert_eq!(json["fail"], serde_json::json!([2, 3]));
    assert_eq!(
        json["failures"],
        serde_json::json!([{"doc": 2, "kind": "500"}, {"doc": 3, "kind": "hang"}])
    );
    assert_eq!(json["timeout"], 900);
    assert_eq!(json["docs"], 6);
    assert_eq!(json["parse"], "blocking");
    let json = serde_json::to_value(defaults()).expect("a scenario serializes");
    assert_eq!(json["fail"], serde_json::json!([]));
    assert_eq!(json["failures"], serde_json::json!([]));
}

#[test]
fn timeout_is_a_number_within_its_limits() {
    let (s, notices) = Scenario::from_query("timeout=2500", &defaults());
    assert!(notices.is_empty());
    assert_eq!(s.timeout_ms, 2500);
    assert_eq!(defaults().timeout_ms, 20_000);

    let (s, notices) = Scenario::from_query("timeout=5", &defaults());
    assert_eq!(s.timeout_ms, 100);
    assert_eq!(
        notices[0].to_string(),
        "timeout=5 is outside 100–60000; using 100"
    );
    let (s, notices) = Scenario::from_query("timeout=999999", &defaults());
    assert_eq!(s.timeout_ms, 60_000);
    assert_eq!(notices.len(), 1);
    let (s, notices) = Scenario::from_query("timeout=1500&timeout=soon", &defaults());
    assert_eq!(s.timeout_ms, 20_000);
    assert_eq!(
        notices[0].to_string(),
        "timeout=\"soon\" is not a whole number; using 20000"
    );
}

#[test]
fn crash_items_are_reported_outside_worker_mode() {
    let (s, _) = Scenario::from_query("fail=5:crash,2:hang,3:crash", &defaults());
    assert_eq!(
        s.crash_ignored_notice(),
        Some(ParamNotice::CrashIgnored {
            docs: vec![3, 5],
            parse: ParseStrategy::Blocking,
        })
    );
    assert_eq!(
        s.crash_ignored_notice().map(|n| n.to_string()).as_deref(),
        Some(
            "fail=3:crash,5:crash applies only to parse=worker (a worker that dies); \
             ignored in blocking mode"
        )
    );
    let sliced = Scenario {
        parse: ParseStrategy::Sliced,
        fail: vec![failure(5, FailKind::Crash)],
        ..defaults()
    };
    assert_eq!(
        sliced.crash_ignored_notice().map(|n| n.to_string()).as_deref(),
        Some("fail=5:crash applies only to parse=worker (a worker that dies); ignored in sliced mode")
    );
    let worker = Scenario {
        parse: ParseStrategy::Worker,
        ..s.clone()
    };
    assert_eq!(worker.crash_ignored_notice(), None);
    let (no_crash, _) = with_fail("2:hang");
    assert_eq!(no_crash.crash_ignored_notice(), None);
}

#[test]
fn parse_query_decodes_like_a_form() {
    assert_eq!(
        parse_query("?a=1+2&b=%41%zz%&&c&=x&d=x=y&%F0%9F=%E7%B7%9A"),
        vec![
            ("a".to_string(), "1 2".to_string()),
            ("b".to_string(), "A%zz%".to_string()),
            ("c".to_string(), String::new()),
            (String::new(), "x".to_string()),
            ("d".to_string(), "x=y".to_string()),
            ("\u{FFFD}".to_string(), "線".to_string()),
        ]
    );
    assert!(parse_query("").is_empty());
    assert!(parse_query("?").is_empty());
}

#[test]
fn yield_kinds_parse_echo_and_fall_back_with_a_notice() {
    let (s, notices) = Scenario::from_query("parse=sliced&yield=Microtask", &defaults());
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.yield_kind, YieldKind::Microtask);
    assert_eq!(defaults().yield_kind, YieldKind::Frame);
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"yield\":\"microtask\""), "{json}");
    let (s, notices) = Scenario::from_query("yield=sleep", &defaults());
    assert_eq!(s.yield_kind, YieldKind::Frame);
    assert_eq!(
        notices[0].to_string(),
        "yield=\"sleep\" is not one of frame, timeout, scheduler, microtask; using frame"
    );
}

#[test]
fn a_run_over_the_memory_budget_gets_a_smaller_size_and_a_notice_naming_the_budget() {
    assert_eq!(MEMORY_BUDGET_KIB, 256 * 1024);
    // The largest run the limits allow: 64 × 8 MiB = 512 MiB.
    for query in ["docs=64&size=8192", "size=8192&docs=64"] {
        let (s, notices) = Scenario::from_query(query, &defaults());
        assert_eq!((s.docs, s.size_kib), (64, 4096), "{query}");
        assert_eq!(
            notices.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec![
                "docs=64 × size=8192 KiB is 512 MiB, over the 256 MiB memory budget for one \
                 run's documents; using size=4096"
            ],
            "{query}"
        );
    }
    // The size that fits is the largest one: the run then uses at most the budget.
    let (s, notices) = Scenario::from_query("docs=33&size=8000", &defaults());
    assert_eq!(s.size_kib, MEMORY_BUDGET_KIB / 33);
    assert!(u64::from(s.docs) * u64::from(s.size_kib) <= u64::from(MEMORY_BUDGET_KIB));
    assert!(u64::from(s.docs) * u64::from(s.size_kib + 1) > u64::from(MEMORY_BUDGET_KIB));
    assert!(matches!(
        notices[..],
        [ParamNotice::OverMemoryBudget {
            docs: 33,
            size_kib: 8000,
            total_mib: 258,
            budget_mib: 256,
            used_kib: 7943
        }]
    ));
    // Exactly the budget, and the default size at the most documents, are fine.
    for query in [
        "docs=32&size=8192",
        "docs=64",
        "docs=64&size=4096",
        "size=8192",
    ] {
        let (s, notices) = Scenario::from_query(query, &defaults());
        assert!(notices.is_empty(), "{query}: {notices:?}");
        assert!(u64::from(s.docs) * u64::from(s.size_kib) <= u64::from(MEMORY_BUDGET_KIB));
    }
    // An edit that raises only the count (the size set earlier) is held to it too, and
    // the fitted scenario round-trips without a notice.
    let (mut s, _) = Scenario::from_query("size=8192", &defaults());
    let notices = s.apply([("docs", "40")], &defaults());
    assert_eq!((s.docs, s.size_kib), (40, 6553));
    assert_eq!(notices.len(), 1);
    let (again, notices) = Scenario::from_query(&s.to_query(), &defaults());
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(again, s);
    // A hand-built scenario is fitted on demand.
    let mut s = defaults();
    s.docs = 64;
    s.size_kib = 8192;
    assert!(s.fit_memory_budget().is_some());
    assert_eq!(s.size_kib, 4096);
    assert_eq!(s.fit_memory_budget(), None);
}

#[test]
fn limit_parses_round_trips_falls_back_with_a_notice_and_is_in_the_report() {
    assert_eq!(defaults().limit, None);
    let (s, notices) = Scenario::from_query("fetch=concurrent&limit=2", &defaults());
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.limit, Some(2));
    assert!(s.to_query().contains("&limit=2&"), "{}", s.to_query());
    assert_eq!(Scenario::from_query(&s.to_query(), &defaults()).0, s);
    let json = serde_json::to_value(&s).unwrap();
    assert_eq!(json["limit"], 2);
    assert_eq!(
        serde_json::to_value(defaults()).unwrap()["limit"],
        serde_json::Value::Null
    );
    assert!(!defaults().to_query().contains("limit"));

    // No limit: `none`, empty (a cleared field, or `null` from run(config)).
    for clear in ["none", "NONE", ""] {
        let mut limited = s.clone();
        let notices = limited.apply([("limit", clear)], &defaults());
        assert_eq!((limited.limit, notices.len()), (None, 0), "{clear:?}");
    }
    // Outside 1–64: the nearest limit; not a number: no limit. Each with its notice.
    let cases = [
        ("0", Some(1), "limit=0 is outside 1–64; using 1"),
        ("100", Some(64), "limit=100 is outside 1–64; using 64"),
        (
            "two",
            None,
            "limit=\"two\" must be a whole number 1–64, or none; using no limit",
        ),
        (
            "2.5",
            None,
            "limit=\"2.5\" must be a whole number 1–64, or none; using no limit",
        ),
    ];
    for (value, used, notice) in cases {
        let mut limited = s.clone();
        let notices = limited.apply([("limit", value)], &defaults());
        assert_eq!(limited.limit, used, "{value}");
        assert_eq!(
            notices.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [notice]
        );
    }
    // run(config) writes the whole scenario, the lack of a limit included.
    let config = defaults().to_config();
    assert!(
        config
            .iter()
            .any(|(k, v)| *k == "limit" && *v == ConfigValue::Null),
        "{config:?}"
    );
}

#[test]
fn connections_parse_round_trip_fall_back_with_a_notice_and_are_in_the_report() {
    assert_eq!(defaults().connections, None);
    let (s, notices) = Scenario::from_query("connections=6", &defaults());
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(s.connections, Some(6));
    assert!(s.to_query().contains("&connections=6&"), "{}", s.to_query());
    assert_eq!(Scenario::from_query(&s.to_query(), &defaults()).0, s);
    assert_eq!(serde_json::to_value(&s).unwrap()["connections"], 6);
    let (s, notices) = Scenario::from_query("connections=Unlimited", &defaults());
    assert!(notices.is_empty() && s.connections.is_none(), "{notices:?}");
    for bad in ["4", "many", "0"] {
        let (s, notices) = Scenario::from_query(&format!("connections={bad}"), &defaults());
        assert_eq!(s.connections, None, "{bad}");
        assert_eq!(
            notices.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [format!("connections={bad:?} must be 6 (HTTP/1.1's connections to one origin) or unlimited; using unlimited")]
        );
    }
}

/// sw.js names the protocol version the page expects of it.
#[test]
fn the_service_worker_speaks_the_pages_protocol_version() {
    let sw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/sw.js")).unwrap();
    let expected = format!(
        "const PROTOCOL = {};",
        event_loop_lab::lab::page::SIMULATOR_PROTOCOL
    );
    assert!(sw.contains(&expected), "sw.js has no `{expected}`");
}

#[test]
fn a_number_is_a_whole_number_as_a_js_number_writes_it() {
    for (text, want) in [
        ("800", 800),
        ("800.0", 800),
        ("+800", 800),
        ("800.", 800),
        ("0.00", 0),
    ] {
        let (s, notices) = Scenario::from_query(&format!("latency={text}"), &defaults());
        assert!(notices.is_empty(), "{text}: {notices:?}");
        assert_eq!(s.latency_ms, want, "{text}");
    }
    let default = defaults().latency_ms;
    for bad in [
        "8e2", "0x10", "800.5", "inf", "NaN", "-", ".", "８00", "1_000",
    ] {
        let (s, notices) = Scenario::from_query(&format!("latency={bad}"), &defaults());
        assert_eq!(s.latency_ms, default, "{bad}");
        assert!(
            matches!(&notices[..], [ParamNotice::NotANumber { used, .. }] if *used == default),
            "{bad}: {notices:?}"
        );
    }
    for (text, used) in [
        ("-5", 0),
        ("99999999999999999999999", 5000),
        ("5001.0", 5000),
    ] {
        let (s, notices) = Scenario::from_query(&format!("latency={text}"), &defaults());
        assert_eq!(s.latency_ms, used, "{text}");
        assert!(
            matches!(&notices[..], [ParamNotice::OutOfRange { used: u, .. }] if *u == used),
            "{text}: {notices:?}"
        );
    }
}

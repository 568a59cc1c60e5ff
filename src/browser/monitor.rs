//! The browser's own instruments, feeding a [`MainThreadLog`]: a requestAnimationFrame
//! heartbeat, and `PerformanceObserver`s for `longtask` and `long-animation-frame`
//! (each only where the browser has it). Runs for the app's lifetime; dropping the
//! monitor disconnects the observers and stops the loop.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    MessageChannel, MessageEvent, PerformanceEntry, PerformanceObserver,
    PerformanceObserverEntryList, PerformanceObserverInit,
};

use super::clock::now_ms;
use super::frames::FrameLoop;
use crate::lab::timeline::{BusyPeriod, InputSample, Interval, MainThreadLog, Support, TaskSource};

/// Entries of each kind kept: over a minute of frames at 60 Hz.
const MAX_ENTRIES: usize = 8192;
/// Nothing older than this is kept, ms: longer than the longest run (64 documents of
/// 5000 ms one after another, plus their work), so a run's long tasks and inputs stay
/// whole. Its frames outlast the 8192 kept by being folded into totals (see
/// [`MainThreadLog::begin_window`]).
const MAX_AGE_MS: f64 = 20.0 * 60_000.0;

/// The responsiveness probe's controls, as the UI hands them over
/// ([`Monitor::watch_probe`]): Event Timing entries for other targets are not the
/// probe's. Held by identity, so nothing depends on their attributes.
type ProbeTargets = Rc<RefCell<Vec<web_sys::Element>>>;

type ObserverCallback = Closure<dyn FnMut(PerformanceObserverEntryList, PerformanceObserver)>;

/// The running instruments.
pub struct Monitor {
    log: Rc<RefCell<MainThreadLog>>,
    observers: Vec<(PerformanceObserver, ObserverCallback, TaskSource)>,
    event_timing: Option<(PerformanceObserver, ObserverCallback)>,
    probe: ProbeTargets,
    /// Ends each frame's own span once the frame is rendered; dropped with the monitor.
    _after_frame: Option<Rc<AfterFrame>>,
    /// The frame heartbeat; dropping it stops the loop.
    _frames: FrameLoop,
    /// The `visibilitychange` listener, removed on drop.
    visibility: Option<Closure<dyn FnMut()>>,
    /// What this browser supports.
    pub support: Support,
}

fn supported_entry_types() -> Vec<String> {
    let types = js_sys::Reflect::get(&js_sys::global(), &"PerformanceObserver".into())
        .and_then(|ctor| js_sys::Reflect::get(&ctor, &"supportedEntryTypes".into()))
        .ok()
        .filter(js_sys::Array::is_array);
    types
        .map(|v| {
            js_sys::Array::from(&v)
                .iter()
                .filter_map(|t| t.as_string())
                .collect()
        })
        .unwrap_or_default()
}

impl Monitor {
    /// Starts the instruments. `on_frame` runs on every animation frame with the
    /// `performance.now()` taken inside the callback (the time rAF passes in is the
    /// frame's start and under-reports a gap by a frame or more).
    pub fn start(on_frame: Rc<dyn Fn(f64)>) -> Self {
        let types = supported_entry_types();
        let mut record = MainThreadLog::new(MAX_ENTRIES, MAX_AGE_MS);
        if !types.iter().any(|t| t == "longtask") {
            record = record.without_long_tasks_api();
        }
        if !types.iter().any(|t| t == "long-animation-frame") {
            record = record.without_long_animation_frame_api();
        }
        let log = Rc::new(RefCell::new(record));
        let mut support = Support::default();
        let mut observers = Vec::new();
        for (name, source) in [
            ("longtask", TaskSource::Longtask),
            ("long-animation-frame", TaskSource::LongAnimationFrame),
        ] {
            if !types.iter().any(|t| t == name) {
                continue;
            }
            if let Some(observer) = observe(name, source, &log) {
                match source {
                    TaskSource::Longtask => support.longtask = true,
                    TaskSource::LongAnimationFrame => support.long_animation_frame = true,
                }
                observers.push((observer.0, observer.1, source));
            }
        }
        let probe = ProbeTargets::default();
        let event_timing = types
            .iter()
            .any(|t| t == "event")
            .then(|| observe_event_timing(&log, &probe))
            .flatten();
        support.event_timing = event_timing.is_some();
        let after_frame = AfterFrame::new(&log);
        let frames = {
            let (log, after_frame) = (Rc::clone(&log), after_frame.clone());
            FrameLoop::start(move |now| {
                log.borrow_mut().add_frame(now);
                on_frame(now);
                if let Some(after_frame) = &after_frame {
                    after_frame.mark(now);
                }
            })
        };
        let visibility = watch_visibility(&log);
        Self {
            log,
            observers,
            event_timing,
            probe,
            _after_frame: after_frame,
            _frames: frames,
            visibility,
            support,
        }
    }

    /// A run starts at `from_ms`: its frames are kept in totals from then on, however
    /// long it runs.
    pub fn begin_window(&self, from_ms: f64) {
        self.log.borrow_mut().begin_window(from_ms);
    }

    /// The record so far. Call [`Monitor::collect`] first to include entries the
    /// browser has queued but not yet delivered.
    pub fn log(&self) -> std::cell::Ref<'_, MainThreadLog> {
        self.log.borrow()
    }

    /// Takes the entries the observers hold but have not delivered yet.
    pub fn collect(&self) {
        let now = now_ms();
        for (observer, _, source) in &self.observers {
            for entry in observer.take_records().iter() {
                if let Ok(entry) = entry.dyn_into::<PerformanceEntry>() {
                    self.log.borrow_mut().add_task(busy(&entry, *source), now);
                }
            }
        }
    }

    /// A handle where the run's driver records the lab's own main-thread time and the
    /// documents' work on the main thread.
    pub fn own_clock(&self) -> OwnClock {
        OwnClock(Rc::clone(&self.log))
    }

    /// The elements of the responsiveness probe, whose input delay is measured (the
    /// UI hands them over once mounted, and an empty list when it unmounts).
    pub fn watch_probe(&self, targets: Vec<web_sys::Element>) {
        *self.probe.borrow_mut() = targets;
    }

    /// An input event on the probe: it happened at `at_ms` (its timestamp) and its
    /// handler started `delay_ms` later. Where the browser has Event Timing, its entry
    /// for the same event (processingStart − startTime) replaces this when it arrives.
    pub fn record_input(&self, at_ms: f64, delay_ms: f64) {
        self.log
            .borrow_mut()
            .add_input(InputSample { at_ms, delay_ms }, now_ms());
    }
}

/// Where the lab records its own main-thread time ([`MainThreadLog::add_own`]) and the
/// documents' work on the main thread ([`MainThreadLog::add_work`]). Cheap to clone.
#[derive(Clone)]
pub struct OwnClock(Rc<RefCell<MainThreadLog>>);

impl OwnClock {
    /// The lab's own code held the main thread from `from_ms` to `to_ms`.
    pub fn own(&self, from_ms: f64, to_ms: f64) {
        let span = Interval {
            start_ms: from_ms,
            end_ms: to_ms,
        };
        self.0.borrow_mut().add_own(span, to_ms);
    }

    /// A document's work held the main thread from `from_ms` to `to_ms`.
    pub fn work(&self, from_ms: f64, to_ms: f64) {
        let span = Interval {
            start_ms: from_ms,
            end_ms: to_ms,
        };
        self.0.borrow_mut().add_work(span, to_ms);
    }
}

/// Measures each frame's own span: from the start of the lab's animation-frame
/// callback to the first task after the frame, which the browser runs once it has
/// done the frame's style, layout, paint and commit. So the span holds the lab's
/// script *and* its rendering, which no other page API measures below 50 ms (long
/// animation frames start there). A message to itself through a `MessageChannel` is
/// that task: it is not clamped like `setTimeout`, and costs a few µs.
///
/// NOTE: tasks that ran in between are inside the span too: the driver's turns (the
/// lab's own; spans are merged, so nothing counts twice) and a blocking parse (the
/// document's work, recorded apart and left out of the lab's own time).
struct AfterFrame {
    channel: MessageChannel,
    /// The start of the frame whose message is on its way.
    pending: Rc<Cell<Option<f64>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl AfterFrame {
    fn new(log: &Rc<RefCell<MainThreadLog>>) -> Option<Rc<Self>> {
        let channel = MessageChannel::new().ok()?;
        let pending = Rc::new(Cell::new(None::<f64>));
        let on_message = {
            let (log, pending) = (Rc::clone(log), Rc::clone(&pending));
            Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
                if let Some(start_ms) = pending.take() {
                    let now = now_ms();
                    let span = Interval {
                        start_ms,
                        end_ms: now,
                    };
                    log.borrow_mut().add_own(span, now);
                }
            })
        };
        channel
            .port1()
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Some(Rc::new(Self {
            channel,
            pending,
            _on_message: on_message,
        }))
    }

    /// The lab's frame callback started at `start_ms` and has just ended.
    fn mark(&self, start_ms: f64) {
        // A message still on its way (the frame before was never followed by a task:
        // rare) ends at this frame's start.
        if let Some(previous) = self.pending.replace(Some(start_ms)) {
            self.pending.set(Some(previous.min(start_ms)));
        }
        let _ = self.channel.port2().post_message(&JsValue::NULL);
    }
}

impl Drop for AfterFrame {
    fn drop(&mut self) {
        self.channel.port1().set_onmessage(None);
    }
}

fn busy(entry: &PerformanceEntry, source: TaskSource) -> BusyPeriod {
    let (start_ms, duration_ms) = (entry.start_time(), entry.duration());
    // A long animation frame says when its rendering started (0 when it did not render).
    let render_start = js_sys::Reflect::get(entry, &"renderStart".into())
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|&r| r > 0.0 && source == TaskSource::LongAnimationFrame);
    BusyPeriod {
        start_ms,
        duration_ms,
        source,
        render_ms: render_start.map_or(0.0, |r| (start_ms + duration_ms - r).max(0.0)),
    }
}

/// Starts a `PerformanceObserver` with `options` that calls `on_entry(entry, now)` for
/// every entry it delivers.
fn start_observer(
    options: &JsValue,
    on_entry: impl Fn(&JsValue, f64) + 'static,
) -> Option<(PerformanceObserver, ObserverCallback)> {
    let callback: ObserverCallback = Closure::new(move |list: PerformanceObserverEntryList, _| {
        let now = now_ms();
        for entry in list.get_entries().iter() {
            on_entry(&entry, now);
        }
    });
    let observer = PerformanceObserver::new(callback.as_ref().unchecked_ref()).ok()?;
    observer.observe(options.unchecked_ref());
    Some((observer, callback))
}

fn observe(
    name: &str,
    source: TaskSource,
    log: &Rc<RefCell<MainThreadLog>>,
) -> Option<(PerformanceObserver, ObserverCallback)> {
    let log = log.clone();
    let init = PerformanceObserverInit::new(&js_sys::Array::of1(&name.into()));
    start_observer(&init, move |entry, now| {
        if let Some(entry) = entry.dyn_ref::<PerformanceEntry>() {
            log.borrow_mut().add_task(busy(entry, source), now);
        }
    })
}

/// Observes Event Timing entries (`durationThreshold` 16 ms, the smallest allowed) and
/// records the input delay of those aimed at the probe.
fn observe_event_timing(
    log: &Rc<RefCell<MainThreadLog>>,
    probe: &ProbeTargets,
) -> Option<(PerformanceObserver, ObserverCallback)> {
    let (log, probe) = (log.clone(), probe.clone());
    // `type` with `durationThreshold` (not `entryTypes`), which web-sys's init lacks.
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"type".into(), &"event".into()).ok()?;
    js_sys::Reflect::set(&init, &"durationThreshold".into(), &16.into()).ok()?;
    start_observer(&init, move |entry, now| {
        let target = js_sys::Reflect::get(entry, &"target".into()).ok();
        let on_probe =
            target.is_some_and(|t| probe.borrow().iter().any(|el| JsValue::from(el) == t));
        if !on_probe {
            return;
        }
        let number = |name: &str| {
            js_sys::Reflect::get(entry, &name.into())
                .ok()
                .and_then(|v| v.as_f64())
        };
        if let (Some(start), Some(processing)) = (number("startTime"), number("processingStart")) {
            let sample = InputSample {
                at_ms: start,
                delay_ms: (processing - start).max(0.0),
            };
            log.borrow_mut().add_input(sample, now);
        }
    })
}

/// Records when the page is hidden: a hidden page gets no animation frames, and that
/// stretch must not count as dropped frames.
fn watch_visibility(log: &Rc<RefCell<MainThreadLog>>) -> Option<Closure<dyn FnMut()>> {
    let document = web_sys::window()?.document()?;
    if document.hidden() {
        log.borrow_mut().set_hidden(true, now_ms());
    }
    let log = Rc::clone(log);
    let doc = document.clone();
    let callback = Closure::<dyn FnMut()>::new(move || {
        log.borrow_mut().set_hidden(doc.hidden(), now_ms());
    });
    document
        .add_event_listener_with_callback("visibilitychange", callback.as_ref().unchecked_ref())
        .ok()?;
    Some(callback)
}

impl Drop for Monitor {
    fn drop(&mut self) {
        if let Some(callback) = &self.visibility {
            if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                let _ = document.remove_event_listener_with_callback(
                    "visibilitychange",
                    callback.as_ref().unchecked_ref(),
                );
            }
        }
        if let Some((observer, _)) = &self.event_timing {
            observer.disconnect();
        }
        for (observer, _, _) in &self.observers {
            observer.disconnect();
        }
    }
}

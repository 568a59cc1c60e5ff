//! The root component: reads the URL once, owns the reducer and the controller, and
//! makes the callbacks. The layout is [`crate::ui::screen`], which the build also uses
//! to write the first screen into `index.html`.

use yew::prelude::*;

use crate::browser::clock::next_task;
use crate::browser::embed::{apply_theme, ParentResizer, ThemeFollower};
use crate::browser::in_view::InView;
use crate::browser::location::show_lesson_in_url;
use crate::browser::pool::{WorkerPool, WORKER_SCRIPT};
use crate::lab::lesson;
use crate::lab::page::PageOptions;
use crate::lab::scenario::{parse_query, ParamNotice, Scenario};
use crate::ui::hooks::use_controller;
use crate::ui::rehearsal::Rehearsal;
use crate::ui::screen::{last_two, layout_key, screen, status, Handlers, View};
use crate::ui::state::{Action, State};

/// How long an embed must stay in view before it starts its workers, ms. A reader who
/// scrolls past, pausing under a second, starts none; one who stops to read an embed
/// has its workers long before pressing Run (starting two takes ~50–100 ms here).
const EMBED_DWELL_MS: u32 = 1_000;
/// How long an embed may be out of view before its workers stop, ms: long enough for a
/// reader who scrolls back to compare two steps to find them still there, short enough
/// that a page of seven embeds holds a pool or two, not seven (each worker holds its
/// own instance of the module and its memory).
const EMBED_GONE_MS: u32 = 30_000;

struct Startup {
    defaults: Scenario,
    scenario: Scenario,
    notices: Vec<ParamNotice>,
    page: PageOptions,
    /// Whether the URL sets any value of the scenario (`docs=`, `parse=`…).
    sets_scenario: bool,
}

fn read_url() -> Startup {
    let window = web_sys::window();
    let cores = window
        .as_ref()
        .map(|w| w.navigator().hardware_concurrency() as u32)
        .unwrap_or(1);
    let search = window
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let defaults = Scenario::with_cores(cores);
    let (page, page_notices) = PageOptions::from_query(&search);
    // A lesson step brings its preset; values in the URL apply on top of it.
    let mut scenario = page
        .lesson
        .and_then(lesson::step)
        .map_or_else(|| defaults.clone(), |step| step.scenario(&defaults));
    let pairs = parse_query(&search);
    let sets_scenario = pairs
        .iter()
        .any(|(k, _)| Scenario::KEYS.contains(&k.as_str()));
    let mut notices = scenario.apply(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &defaults,
    );
    notices.extend(page_notices);
    Startup {
        defaults,
        scenario,
        notices,
        page,
        sets_scenario,
    }
}

/// Starts the app in the page. Where the page shows the first screen the build drew
/// for this URL's layout (`#skeleton`, see `screen` and `src/bin/prerender.rs`), the
/// app adopts its nodes (yew's hydration) instead of drawing new ones: nothing is
/// painted twice, so nothing moves, and the browser's largest paint stays the first
/// one (new nodes of the same size counted as a new largest paint: Lighthouse put a
/// lesson step's at 3.0 s, when the app had drawn itself, against 1.3 s for its
/// first paint).
///
/// NOTE: hydration needs the app's first render to be the build's, node for node: yew
/// panics where they differ, and the page would be dead. The build knows the layout,
/// not the URL's values: a URL that sets the scenario (a field may appear, as
/// `parse=sliced` adds the yield choice) or gives a bad value (a notice appears) is
/// drawn anew, beside the first screen, which goes in the same task.
pub fn start() {
    // NOTE: in tasks of their own, not the one that compiled and started the module: the
    // two together were one task of 100-150 ms at CPU 4× (Chrome trace, fresh page).
    wasm_bindgen_futures::spawn_local(async {
        next_task().await;
        // Read once, here: it decides which workers start and how the app mounts, and
        // the app starts from it.
        let startup = std::rc::Rc::new(read_url());
        // NOTE: the pool's workers start first, before the app draws: each loads
        // boot.js and app.js again (two round trips, revalidated), which then overlap
        // the first render, the rehearsal and the simulator's registration. Throttled
        // (1.6 Mbit/s, CPU 4×), a fresh page was ready ~0.3 s sooner than when they
        // started after the simulator. An embed starts its workers when it is read, not
        // on load: a docs page with seven embeds would keep seven pools for a reader
        // who only scrolls past.
        let pool = std::rc::Rc::new(WorkerPool::new(WORKER_SCRIPT, wasm_bindgen::module()));
        if !startup.page.embed {
            // A failure shows on the rows of the first worker run.
            let _ = pool.resize(startup.scenario.workers as usize);
        }
        next_task().await;
        mount(startup, pool);
    });
}

fn mount(startup: std::rc::Rc<Startup>, pool: std::rc::Rc<WorkerPool>) {
    let props = AppProps {
        startup: std::rc::Rc::clone(&startup),
        pool,
    };
    let document = web_sys::window().and_then(|w| w.document());
    let root = document
        .as_ref()
        .and_then(|d| d.get_element_by_id("lab-root"));
    let skeleton = document
        .as_ref()
        .and_then(|d| d.get_element_by_id("skeleton"));
    let Some(root) = root else {
        yew::Renderer::<App>::with_props(props).render();
        return;
    };
    let key = layout_key(startup.page.embed, startup.page.lesson);
    match skeleton {
        Some(skeleton)
            if startup.notices.is_empty()
                && !startup.sets_scenario
                && skeleton.get_attribute("data-layout").as_deref() == Some(key.as_str())
                && root.child_element_count() == 1 =>
        {
            // From here on it is the app's own element.
            for name in ["id", "inert", "aria-busy", "data-layout"] {
                let _ = skeleton.remove_attribute(name);
            }
            yew::Renderer::<App>::with_root_and_props(root, props).hydrate();
        }
        _ => {
            yew::Renderer::<App>::with_root_and_props(root, props).render();
        }
    }
}

/// Props of [`App`]: what the page's URL and the browser said at start-up.
#[derive(Properties)]
pub struct AppProps {
    startup: std::rc::Rc<Startup>,
    /// The parse workers, started before the app drew (see `start`).
    pool: std::rc::Rc<WorkerPool>,
}

impl PartialEq for AppProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.startup, &other.startup)
            && std::rc::Rc::ptr_eq(&self.pool, &other.pool)
    }
}

/// The whole app.
#[component]
pub fn App(props: &AppProps) -> Html {
    let startup = &props.startup;
    let state = use_reducer(|| {
        let mut state = State::new(startup.scenario.clone());
        state.notices = startup.notices.iter().map(ToString::to_string).collect();
        state.lesson_step = startup.page.lesson;
        state
    });
    let controller = use_controller(
        state.dispatcher(),
        startup.defaults.clone(),
        startup.scenario.clone(),
        startup.page.simulator,
        std::rc::Rc::clone(&props.pool),
    );
    {
        let theme = startup.page.theme;
        use_effect_with((), move |_| {
            apply_theme(theme);
            // Where the app drew itself beside the first screen (see `start`), it has
            // drawn itself (effects run after the render, in the same task, so no
            // frame shows both or neither): the first screen goes.
            if let Some(skeleton) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("skeleton"))
            {
                skeleton.remove();
            }
            // In a frame, tell the host page our height after every layout change.
            let resizer = ParentResizer::start();
            let theme = ThemeFollower::start();
            move || drop((resizer, theme))
        });
    }
    {
        // An embed's workers: started once it has been in view for EMBED_DWELL_MS or
        // is used, and stopped once it has been out of view for EMBED_GONE_MS.
        let (embed, controller) = (startup.page.embed, controller.clone());
        use_effect_with((), move |_| {
            let watch = embed.then(|| {
                let (warm, release) = (controller.clone(), controller);
                InView::start(
                    EMBED_DWELL_MS,
                    EMBED_GONE_MS,
                    std::rc::Rc::new(move || warm.warm_workers()),
                    std::rc::Rc::new(move || release.release_workers()),
                )
            });
            move || drop(watch)
        });
    }
    let on_rehearsed = {
        let (controller, dispatcher) = (controller.clone(), state.dispatcher());
        let autorun = startup.page.autorun;
        use_callback((), move |(), _| {
            dispatcher.dispatch(Action::Rehearsed);
            if autorun {
                // After the rehearsal (see `rehearsal`); the controller also waits for
                // the simulator before the run starts.
                controller.run();
            }
        })
    };
    // NOTE: every callback is made once (use_callback), not on every render: a new
    // callback is a changed prop, and a changed prop draws its component again. Made
    // afresh, they drew every panel of the page on each of a run's redraws.
    let on_choose = use_callback(
        (state.dispatcher(), controller.clone()),
        |target: Option<u32>, (dispatcher, controller)| {
            dispatcher.dispatch(Action::StepChosen(target));
            show_lesson_in_url(target);
            if let Some(step) = target.and_then(lesson::step) {
                controller.load(step.scenario(&controller.defaults()));
            }
        },
    );
    let step = state.lesson_step.and_then(lesson::step);
    let on_variant = use_callback(
        (controller.clone(), step.map(|s| s.id)),
        |i: usize, (controller, id)| {
            if let Some(variant) = id.and_then(lesson::step).and_then(|s| s.variants.get(i)) {
                controller.load(variant.scenario(&controller.defaults()));
                controller.run();
            }
        },
    );
    let embed_open = use_state(|| false);
    let on_embed = {
        let embed_open = embed_open.clone();
        Callback::from(move |_: MouseEvent| embed_open.set(!*embed_open))
    };
    let on_embed_close = {
        let embed_open = embed_open.clone();
        Callback::from(move |_| embed_open.set(false))
    };
    let on_input = use_callback(controller.clone(), |(at, delay): (f64, f64), controller| {
        controller.record_input(at, delay)
    });
    let on_probe = use_callback(controller.clone(), |targets: Vec<web_sys::Element>, c| {
        c.watch_probe(targets)
    });
    let on_edit = use_callback(controller.clone(), |(k, v): (String, String), c| {
        c.edit([(k.as_str(), v.as_str())])
    });
    let on_run = use_callback(controller.clone(), |_: (), c| {
        c.run();
    });
    let on_cancel = use_callback(controller.clone(), |_: (), c| c.cancel());
    let on_export = use_callback(controller.clone(), |_: (), c| {
        c.export_trace();
    });
    let on_reset = use_callback(controller.clone(), |_: (), c| c.reset());
    let on_scrub = use_callback(state.dispatcher(), |words: String, dispatcher| {
        dispatcher.dispatch(Action::Scrubbed(words))
    });
    let on_compare = use_callback(state.dispatcher(), |ids: Vec<u32>, dispatcher| {
        dispatcher.dispatch(Action::Compare(ids))
    });
    let on_compare_toggle = use_callback(state.dispatcher(), |id: u32, dispatcher| {
        dispatcher.dispatch(Action::CompareToggled(id))
    });
    let on_compare_last = use_callback(
        (on_compare.clone(), last_two(&state)),
        |(), (on_compare, last_two)| on_compare.emit(last_two.clone().unwrap_or_default()),
    );
    let on_dismiss = use_callback(state.dispatcher(), |_: (), dispatcher| {
        dispatcher.dispatch(Action::NoticesDismissed)
    });
    let handlers = Handlers {
        on_choose,
        on_variant,
        on_embed,
        on_embed_close,
        on_input,
        on_probe,
        on_edit,
        on_run,
        on_cancel,
        on_export,
        on_reset,
        on_scrub,
        on_compare,
        on_compare_toggle,
        on_compare_last,
        on_dismiss,
    };
    let view = View {
        embed: startup.page.embed,
        defaults: &startup.defaults,
        embed_open: *embed_open,
        status: status(&state),
    };
    // The rehearsal draws through a portal, which yew cannot hydrate: it starts with
    // the second render, one task after the first.
    let mounted = use_state(|| false);
    {
        let mounted = mounted.clone();
        use_effect_with((), move |_| mounted.set(true));
    }
    // While the simulator and the workers start: see `rehearsal` for why.
    let rehearsal = if state.rehearsed || !*mounted {
        Html::default()
    } else {
        html! { <Rehearsal scenario={startup.scenario.clone()} on_done={on_rehearsed} /> }
    };
    screen(&view, &state, &handlers, rehearsal)
}

//! Page options read from the URL beside the scenario (`embed`, `theme`, `autorun`,
//! `simulator`), and the copy-paste snippet that embeds the app in another page.

use super::lesson;
use super::scenario::{parse_query, ParamNotice, Scenario};

/// A colour theme forced by `theme=`; without it the page follows `prefers-color-scheme`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// `theme=light`.
    Light,
    /// `theme=dark`.
    Dark,
}

impl Theme {
    /// The theme a `theme=` value or a host's theme message names.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The `data-theme` attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}

/// Where documents get their simulated latency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SimulatorChoice {
    /// The service worker when the browser allows one here, else in the page.
    Auto,
    /// Always in the page (`simulator=page`), e.g. for hosts that allow no service worker.
    Page,
}

/// How the page itself is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    /// `embed=1`: the compact layout for an iframe.
    pub embed: bool,
    /// `theme=light|dark`.
    pub theme: Option<Theme>,
    /// `autorun=1`: run once on load.
    pub autorun: bool,
    /// `simulator=auto|page`.
    pub simulator: SimulatorChoice,
    /// `lesson=1..7`: the lesson step to open (`None`: the free lab).
    pub lesson: Option<u32>,
}

fn flag(value: &str) -> bool {
    matches!(value, "" | "1" | "true" | "yes")
}

impl PageOptions {
    /// Reads the options from a URL query; bad values are reported and ignored.
    pub fn from_query(query: &str) -> (PageOptions, Vec<ParamNotice>) {
        let mut options = PageOptions {
            embed: false,
            theme: None,
            autorun: false,
            simulator: SimulatorChoice::Auto,
            lesson: None,
        };
        let mut notices = Vec::new();
        let unknown = |param: &str, value: &str, choices: &'static str, used: &str| {
            ParamNotice::UnknownChoice {
                param: param.to_string(),
                value: value.to_string(),
                choices,
                used: used.to_string(),
            }
        };
        for (key, value) in parse_query(query) {
            let value = value.trim().to_ascii_lowercase();
            match key.as_str() {
                "embed" => options.embed = flag(&value),
                "autorun" => options.autorun = flag(&value),
                "theme" => match Theme::from_name(&value) {
                    Some(theme) => options.theme = Some(theme),
                    None => notices.push(unknown("theme", &value, "light, dark", "the system's")),
                },
                "simulator" => match value.as_str() {
                    "auto" => options.simulator = SimulatorChoice::Auto,
                    "page" => options.simulator = SimulatorChoice::Page,
                    _ => notices.push(unknown("simulator", &value, "auto, page", "auto")),
                },
                "lesson" => match value.parse::<u32>().ok().and_then(lesson::step) {
                    Some(step) => options.lesson = Some(step.id),
                    None => notices.push(unknown("lesson", &value, "1–7", "the free lab")),
                },
                _ => {}
            }
        }
        (options, notices)
    }
}

/// The HTML a doc writer pastes to embed the app at `app_url` with `scenario`: the
/// iframe, and a listener that sizes it from the app's resize messages.
pub fn embed_snippet(app_url: &str, scenario: &Scenario) -> String {
    let src = format!("{app_url}?{}&embed=1", scenario.to_query()).replace('&', "&amp;");
    format!(
        r#"<iframe class="event-loop-lab" src="{src}"
        title="Event Loop Lab" width="100%" height="560" loading="lazy" style="border:0"></iframe>
<script>
  // Event Loop Lab posts its height after every layout change.
  addEventListener("message", (event) => {{
    if (event.data?.type !== "event-loop-lab:resize") return;
    for (const frame of document.querySelectorAll("iframe.event-loop-lab")) {{
      if (frame.contentWindow === event.source) frame.style.height = event.data.height + "px";
    }}
  }});
</script>
"#
    )
}

/// The keys of the page's own options, beside the scenario's ([`Scenario::KEYS`]).
pub const PAGE_KEYS: [&str; 5] = ["embed", "theme", "autorun", "simulator", "lesson"];

/// Why a key or value cannot go into an embed. The app itself falls back and says so
/// on screen; a docs tool that writes embeds checks first and refuses (see the
/// `mdbook-event-loop-lab` preprocessor).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmbedParamError {
    /// A key the app does not read.
    #[error("unknown key {key:?}; the keys are {known}")]
    UnknownKey {
        /// What was given.
        key: String,
        /// Every key the app reads.
        known: String,
    },
    /// A value the app would not use as given.
    #[error("{0}")]
    BadValue(ParamNotice),
}

/// Checks `pairs` (as in a URL query: values percent-decoded) by the app's own rules,
/// exactly as the app would read them from its URL.
pub fn check_params(pairs: &[(String, String)]) -> Vec<EmbedParamError> {
    let mut errors: Vec<EmbedParamError> = pairs
        .iter()
        .filter(|(key, _)| {
            !PAGE_KEYS.contains(&key.as_str()) && !Scenario::KEYS.contains(&key.as_str())
        })
        .map(|(key, _)| EmbedParamError::UnknownKey {
            key: key.clone(),
            known: PAGE_KEYS
                .iter()
                .chain(&Scenario::KEYS)
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let query = crate::lab::query::join(pairs);
    let (_, page_notices) = PageOptions::from_query(&query);
    let defaults = Scenario::with_cores(2);
    let (_, scenario_notices) = Scenario::from_query(&query, &defaults);
    errors.extend(
        page_notices
            .into_iter()
            .chain(scenario_notices)
            .map(EmbedParamError::BadValue),
    );
    errors
}

/// The line a doc writer puts in an mdBook chapter (with the `mdbook-event-loop-lab`
/// preprocessor) to embed the app with `scenario`: its URL query, a space for each `&`.
pub fn book_line(scenario: &Scenario) -> String {
    format!(
        "{{{{#event-loop-lab {}}}}}",
        scenario.to_query().replace('&', " ")
    )
}

/// The latency simulator's protocol version, which every answer of sw.js names
/// (`x-lab-simulator`): sw.js's `PROTOCOL` must say the same (a native test reads it).
/// Raised with every change a page relies on; 2: `connections=` and `doc/version`.
pub const SIMULATOR_PROTOCOL: u32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_page_options_and_reports_bad_ones() {
        let (o, notices) =
            PageOptions::from_query("?embed=1&theme=dark&autorun=1&simulator=page&docs=3");
        assert!(o.embed && o.autorun);
        assert_eq!(
            (o.theme, o.simulator),
            (Some(Theme::Dark), SimulatorChoice::Page)
        );
        assert!(notices.is_empty());
        let (o, notices) = PageOptions::from_query("theme=purple&simulator=cloud");
        assert_eq!((o.theme, o.simulator), (None, SimulatorChoice::Auto));
        assert_eq!(notices.len(), 2);
        assert_eq!(
            notices[0].to_string(),
            "theme=\"purple\" is not one of light, dark; using the system's"
        );
    }

    #[test]
    fn every_key_the_scenario_reads_is_listed_and_checked() {
        for key in Scenario::KEYS {
            let mut s = Scenario::with_cores(2);
            let before = s.clone();
            let notices = s.apply([(key, "§")], &Scenario::with_cores(2));
            // A garbage value is refused, or (a search query) taken as it is.
            assert!(
                !notices.is_empty() || s != before,
                "{key} is not read by apply"
            );
        }
        let pairs = |q: &str| parse_query(q);
        assert!(check_params(&pairs("lesson=3&docs=4&parse=worker&autorun=1")).is_empty());
        let errors = check_params(&pairs("docs=abc&colour=red&theme=purple"));
        let words: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 3, "{words:?}");
        assert!(words[0].starts_with("unknown key \"colour\"; the keys are embed, theme"));
        assert!(words
            .iter()
            .any(|w| w == "theme=\"purple\" is not one of light, dark; using the system's"));
        assert!(words
            .iter()
            .any(|w| w.starts_with("docs=\"abc\" is not a whole number")));
    }

    #[test]
    fn the_book_line_is_the_scenario_query() {
        let s = Scenario {
            docs: 4,
            ..Scenario::with_cores(2)
        };
        let line = book_line(&s);
        assert!(
            line.starts_with("{{#event-loop-lab docs=4 latency=800 "),
            "{line}"
        );
        assert!(line.ends_with("}}") && !line.contains('&'));
    }

    #[test]
    fn the_snippet_embeds_the_scenario_and_sizes_the_frame() {
        let s = Scenario {
            docs: 4,
            ..Scenario::with_cores(2)
        };
        let html = embed_snippet("https://example.org/lab/", &s);
        assert!(
            html.contains(r#"src="https://example.org/lab/?docs=4&amp;latency=800"#),
            "{html}"
        );
        assert!(html.contains("&amp;embed=1\""));
        assert!(html.contains("event-loop-lab:resize"));
        let (again, notices) = Scenario::from_query(
            &html[html.find('?').unwrap()..html.find("&amp;embed").unwrap()].replace("&amp;", "&"),
            &Scenario::with_cores(2),
        );
        assert!(notices.is_empty());
        assert_eq!(again, s);
    }
}

//! A build step, run natively by Trunk after each build (the `post_build` hook in
//! `Trunk.toml`): draws the app's first screen for every layout a URL can ask for
//! (the free lab, each lesson step, and each of those as an embed) with the app's own
//! components ([`FirstScreen`]) and yew's server renderer, and writes them into the
//! built `index.html` as `<template>`s in place of the `<!-- first-screens -->`
//! marker. `static/first-screen.js` puts the one the URL asks for into `#lab-root`
//! before the first paint.
//!
//! They are drawn for hydration (with yew's markers): the app adopts the nodes of its
//! own layout rather than drawing new ones (`event_loop_lab::ui::app::start` says why
//! and when it does not).
//!
//!     TRUNK_STAGING_DIR=dist cargo run --bin prerender

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    match host::run() {
        Ok(path) => {
            eprintln!("prerender: wrote the first screens into {}", path.display());
            std::process::ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("prerender: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Only a host tool: the page's wasm has no server renderer.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
mod host {
    use std::path::PathBuf;

    use event_loop_lab::lab::lesson::STEPS;
    use event_loop_lab::lab::scenario::Scenario;
    use event_loop_lab::ui::screen::{layout_key, FirstScreen, FirstScreenProps};

    /// Where the marker stands in `index.html`.
    pub const MARKER: &str = "<!-- first-screens -->";

    /// The cores the build assumes for the scenario's defaults. Only the values in
    /// the fields depend on it, never a box's size; the app puts the machine's own in.
    const CORES: u32 = 2;

    /// Every layout: the free lab and each step, in the page and as an embed. A step's
    /// two layouts stand side by side, so that gzip finds the second's words in its
    /// 32 KB window (index.html: 12.1 KB gzip with all page layouts first, then all
    /// embeds).
    pub fn layouts() -> Vec<(bool, Option<u32>)> {
        std::iter::once(None)
            .chain(STEPS.iter().map(|s| Some(s.id)))
            .flat_map(|lesson| [(false, lesson), (true, lesson)])
            .collect()
    }

    /// The first screen of one layout, as the app's components draw it.
    pub fn render(embed: bool, lesson: Option<u32>) -> String {
        let props = FirstScreenProps {
            embed,
            lesson,
            defaults: Scenario::with_cores(CORES),
        };
        let renderer =
            yew::ServerRenderer::<FirstScreen>::with_props(move || props).hydratable(true);
        futures::executor::block_on(renderer.render())
    }

    /// Makes the live app's markup the page's stand-in: named `#skeleton` with its
    /// layout (the app adopts it when the layout is its own, see `ui::app::start`, and
    /// `boot.js` writes there if the wasm cannot load), inert and busy until then, and
    /// without the `data-testid`s, which name the live app's parts (the app puts them
    /// back as it adopts the nodes). Yew's hydration markers (comments) stay.
    pub fn as_skeleton(html: &str, key: &str) -> Result<String, String> {
        let at = html
            .find("<div ")
            .ok_or("the first screen has no <div>: is it still the app's?")?;
        let mut out = format!(
            r#"{}<div id="skeleton" data-layout="{key}" inert aria-busy="true" "#,
            &html[..at]
        );
        let mut rest = &html[at + "<div ".len()..];
        while let Some(at) = rest.find(r#" data-testid=""#) {
            out.push_str(&rest[..at]);
            let after = &rest[at + r#" data-testid=""#.len()..];
            let end = after.find('"').ok_or("an unclosed data-testid")?;
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Yew's hydration markers name their component (`<!--<[event_loop_lab::ui::…]>-->`),
    /// but hydration reads only their `<[`, `</[` and `]>` (yew's `Collectable`): the
    /// names go, 17 KB of the built page (0.3 KB gzip).
    pub fn short_markers(html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(at) = rest.find("<!--") {
            out.push_str(&rest[..at + "<!--".len()]);
            rest = &rest[at + "<!--".len()..];
            if let Some(open) = ["<[", "</["].into_iter().find(|o| rest.starts_with(o)) {
                if let Some(end) = rest.find("]>-->") {
                    out.push_str(open);
                    rest = &rest[end..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// The page without the comments of its source, which explain it to whoever edits
    /// `index.html` and would only be downloaded (0.7 KB gzip). The marker stays.
    pub fn without_comments(page: &str) -> Result<String, String> {
        let mut out = String::with_capacity(page.len());
        let mut rest = page;
        while let Some(at) = rest.find("<!--") {
            let end = rest[at..].find("-->").ok_or("an unclosed comment")? + at + "-->".len();
            let comment = &rest[at..end];
            out.push_str(rest[..at].trim_end_matches([' ', '\n']));
            if comment == MARKER {
                out.push('\n');
                out.push_str(comment);
            }
            rest = &rest[end..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// All layouts, one `<template>` each.
    pub fn templates() -> Result<String, String> {
        let mut out = String::new();
        for (embed, lesson) in layouts() {
            let key = layout_key(embed, lesson);
            let screen = as_skeleton(&short_markers(&render(embed, lesson)), &key)?;
            out.push_str(&format!(
                "<template data-layout=\"{key}\">{screen}</template>\n"
            ));
        }
        Ok(out)
    }

    pub fn run() -> Result<PathBuf, String> {
        let dir = std::env::var_os("TRUNK_STAGING_DIR")
            .ok_or("TRUNK_STAGING_DIR is not set: run by Trunk's post_build hook, or set it to a built dist folder")?;
        let path = PathBuf::from(dir).join("index.html");
        let page = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if page.matches(MARKER).count() != 1 {
            return Err(format!(
                "{} must hold the marker {MARKER} exactly once (is it already filled?)",
                path.display()
            ));
        }
        let page = without_comments(&page)?.replace(MARKER, &templates()?);
        std::fs::write(&path, page).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(path)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::host::*;
    use event_loop_lab::lab::lesson::STEPS;

    #[test]
    fn every_layout_is_drawn_by_the_app_as_an_inert_skeleton_without_test_ids() {
        let templates = templates().unwrap();
        assert_eq!(templates.matches("<template data-layout=").count(), 16);
        assert_eq!(
            templates
                .matches(r#"<div id="skeleton" data-layout=""#)
                .count(),
            16
        );
        assert!(templates.contains(r#"<div id="skeleton" data-layout="embed-3" inert aria-busy="true" class="app embed in-lesson""#));
        assert!(!templates.contains("data-testid"));
        assert!(templates.contains("status: <span>loading…</span>"));
    }

    #[test]
    fn a_lesson_layout_shows_its_step_and_an_embed_has_no_lesson_nav() {
        let step = &STEPS[2];
        let page = render(false, Some(step.id));
        assert!(page.contains(step.title), "{page}");
        assert!(page.contains("lesson-nav"));
        assert!(page.contains(r#"class="app in-lesson""#));
        let embed = render(true, Some(step.id));
        assert!(embed.contains(step.title));
        assert!(!embed.contains("lesson-nav"));
        assert!(embed.contains(r#"class="app embed in-lesson""#));
        let free = render(false, None);
        assert!(free.contains("start-here"));
        assert!(!render(true, None).contains("start-here"));
    }

    #[test]
    fn markers_lose_their_names_and_the_source_its_comments() {
        assert_eq!(
            short_markers("<!--<[a::B]>--><p><!--x--></p><!--</[a::B]>--><!--<#>-->"),
            "<!--<[]>--><p><!--x--></p><!--</[]>--><!--<#>-->"
        );
        let page = "<head>\n  <!-- why -->\n  <link>\n  <!-- first-screens -->\n</head>";
        assert_eq!(
            without_comments(page).unwrap(),
            "<head>\n  <link>\n<!-- first-screens -->\n</head>"
        );
        assert!(without_comments("<!-- open").is_err());
        // Every layout still has its marker pairs, as hydration needs them.
        let templates = templates().unwrap();
        assert_eq!(
            templates.matches("<!--<[]>-->").count(),
            templates.matches("<!--</[]>-->").count()
        );
        assert!(!templates.contains("event_loop_lab::"));
    }

    #[test]
    fn test_ids_are_removed_and_a_broken_one_is_an_error() {
        let out = as_skeleton(
            r#"<!--<[A]>--><div class="app"><p data-testid="a">x</p><b data-testid="b"></b></div><!--</[A]>-->"#,
            "page-free",
        )
        .unwrap();
        assert_eq!(
            out,
            r#"<!--<[A]>--><div id="skeleton" data-layout="page-free" inert aria-busy="true" class="app"><p>x</p><b></b></div><!--</[A]>-->"#
        );
        assert!(as_skeleton(r#"<div class="app" data-testid="x>"#, "k").is_err());
        assert!(as_skeleton("<main></main>", "k").is_err());
    }
}

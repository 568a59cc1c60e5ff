//! The `{{#event-loop-lab …}}` directive of the `mdbook-event-loop-lab` preprocessor.
//!
//! A line such as `{{#event-loop-lab lesson=3}}` or
//! `{{#event-loop-lab docs=4 parse=worker autorun}}` becomes an `<iframe>` of the lab
//! in its compact embed layout, with a title and `loading="lazy"`. Each `key=value` is
//! what the app's URL takes (a bare key is `key=1`), and each is checked by the app's
//! own rules ([`check_params`]): a bad key or value fails the build with the chapter,
//! the line and the key, since the app would only fall back and say so on the page.
//! A chapter with an embed gets one script that sizes every embed from its resize
//! messages and passes it the book's theme. Directives inside fenced code blocks stay
//! as they are, and `\{{#event-loop-lab …}}` is written out without its backslash, so
//! a chapter can show the directive itself.

use event_loop_lab::lab::lesson;
use event_loop_lab::lab::page::{check_params, EmbedParamError};
use event_loop_lab::lab::scenario::parse_query;

/// The directive's opening.
const OPEN: &str = "{{#event-loop-lab";

/// Why a directive cannot be turned into an embed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DirectiveError {
    /// A key or value the app would not take.
    #[error("{chapter}, line {line}: {{{{#event-loop-lab}}}} key {key:?}: {error}")]
    Param {
        /// The chapter's source path.
        chapter: String,
        /// 1-based.
        line: usize,
        /// The key at fault.
        key: String,
        /// What is wrong with it, in the app's own words.
        error: Box<EmbedParamError>,
    },
    /// A directive with no closing `}}` on its line.
    #[error("{chapter}, line {line}: {{{{#event-loop-lab …}}}} has no closing }}}} on its line")]
    Unclosed {
        /// The chapter's source path.
        chapter: String,
        /// 1-based.
        line: usize,
    },
}

/// Where the lab is served, as seen from a chapter `depth` folders below the book's
/// root: a relative `lab_url` is taken from the root.
fn lab_url_from(lab_url: &str, depth: usize) -> String {
    let base = if lab_url.ends_with('/') {
        lab_url.to_string()
    } else {
        format!("{lab_url}/")
    };
    let absolute = base.starts_with('/') || base.contains("://");
    if absolute {
        base
    } else {
        format!("{}{base}", "../".repeat(depth))
    }
}

/// The `key=value` pairs of a directive's arguments (a bare key is `key=1`).
fn pairs(arguments: &str) -> Vec<(String, String)> {
    let query: Vec<String> = arguments
        .split_whitespace()
        .map(|token| {
            if token.contains('=') {
                token.to_string()
            } else {
                format!("{token}=1")
            }
        })
        .collect();
    parse_query(&query.join("&"))
}

/// The iframe for `pairs`, already checked.
fn iframe(lab_url: &str, pairs: &[(String, String)]) -> String {
    let mut query = form_query(pairs);
    if !pairs.iter().any(|(k, _)| k == "embed") {
        query.push_str(if query.is_empty() {
            "embed=1"
        } else {
            "&embed=1"
        });
    }
    let step = pairs
        .iter()
        .find(|(k, _)| k == "lesson")
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .and_then(lesson::step);
    let title = match step {
        Some(step) => format!("Event Loop Lab, step {}: {}", step.id, step.title),
        None => "Event Loop Lab".to_string(),
    };
    format!(
        r#"<iframe class="event-loop-lab" src="{lab_url}?{}" title="{title}" width="100%" height="560" loading="lazy" style="border:0"></iframe>"#,
        query.replace('&', "&amp;")
    )
}

/// A URL query of `pairs`.
fn form_query(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The one script of a chapter with embeds: it sizes every embed from the app's
/// resize messages, and tells each the book's theme (mdBook's light and rust are
/// light; coal, navy and ayu dark) as soon as the embed is listening, and again
/// whenever the reader switches.
///
/// NOTE: "as soon as it is listening" is the embed's first resize message: the app
/// starts following its host's theme in the same step as it starts sending its height.
/// Telling it on the frame's `load` event was too early (the module may not have
/// started yet, and the message was lost), and putting `theme=` into a lazy frame's
/// `src` from this script loaded a frame that had already started loading twice.
pub const PAGE_SCRIPT: &str = r#"<script>
// Event Loop Lab embeds (mdbook-event-loop-lab): sized from their resize messages, and
// in the book's theme.
(() => {
  const frames = () => document.querySelectorAll("iframe.event-loop-lab");
  const theme = () =>
    ["coal", "navy", "ayu"].some((t) => document.documentElement.classList.contains(t)) ? "dark" : "light";
  const tell = (frame) =>
    frame.contentWindow?.postMessage({ type: "event-loop-lab:theme", theme: theme() }, "*");
  // The window each frame was last told about (a frame that navigates is told again).
  const told = new WeakMap();
  addEventListener("message", (event) => {
    if (event.data?.type !== "event-loop-lab:resize") return;
    for (const frame of frames()) {
      if (frame.contentWindow !== event.source) continue;
      frame.style.height = event.data.height + "px";
      if (told.get(frame) !== event.source) {
        told.set(frame, event.source);
        tell(frame);
      }
    }
  });
  new MutationObserver(() => frames().forEach(tell))
    .observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
})();
</script>"#;

/// Expands every directive of a chapter. `chapter` names it in errors; `depth` is how
/// many folders below the book's root it is; `lab_url` is where the lab is served
/// (relative to the book's root, or absolute).
pub fn expand(
    chapter: &str,
    depth: usize,
    content: &str,
    lab_url: &str,
) -> Result<String, DirectiveError> {
    let lab_url = lab_url_from(lab_url, depth);
    let mut out = String::with_capacity(content.len());
    let mut fenced = false;
    let mut embeds = 0;
    for (index, line) in content.split_inclusive('\n').enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
        }
        if fenced || !line.contains(OPEN) {
            out.push_str(line);
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find(OPEN) {
            let (before, from) = rest.split_at(at);
            if let Some(kept) = before.strip_suffix('\\') {
                // Escaped: written out as it is, without the backslash.
                out.push_str(kept);
                out.push_str(OPEN);
                rest = &from[OPEN.len()..];
                continue;
            }
            out.push_str(before);
            let Some(end) = from.find("}}") else {
                return Err(DirectiveError::Unclosed {
                    chapter: chapter.to_string(),
                    line: index + 1,
                });
            };
            let pairs = pairs(&from[OPEN.len()..end]);
            check(chapter, index + 1, &pairs)?;
            out.push_str(&iframe(&lab_url, &pairs));
            embeds += 1;
            rest = &from[end + 2..];
        }
        out.push_str(rest);
    }
    if embeds > 0 {
        out.push_str("\n\n");
        out.push_str(PAGE_SCRIPT);
        out.push('\n');
    }
    Ok(out)
}

/// Each pair alone, then all together (some values are only wrong together: more
/// documents of a size than the memory budget holds).
fn check(chapter: &str, line: usize, pairs: &[(String, String)]) -> Result<(), DirectiveError> {
    let fail = |key: String, error: EmbedParamError| DirectiveError::Param {
        chapter: chapter.to_string(),
        line,
        key,
        error: Box::new(error),
    };
    for pair in pairs {
        if let Some(error) = check_params(std::slice::from_ref(pair)).into_iter().next() {
            return Err(fail(pair.0.clone(), error));
        }
    }
    if let Some(error) = check_params(pairs).into_iter().next() {
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        return Err(fail(keys.join(" "), error));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directive_becomes_a_lazy_titled_embed_and_the_page_gets_one_script() {
        let page = "# Steps\n\n{{#event-loop-lab lesson=3}}\n\ntext\n\n{{#event-loop-lab docs=4 parse=worker autorun}}\n";
        let out = expand("steps.md", 0, page, "lab/").unwrap();
        assert!(
            out.contains(r#"src="lab/?lesson=3&amp;embed=1" title="Event Loop Lab, step 3: "#),
            "{out}"
        );
        assert!(out.contains(r#"src="lab/?docs=4&amp;parse=worker&amp;autorun=1&amp;embed=1" title="Event Loop Lab""#), "{out}");
        assert_eq!(out.matches("loading=\"lazy\"").count(), 2);
        assert_eq!(out.matches("<script>").count(), 1);
        assert!(out.contains("event-loop-lab:theme") && out.contains("event-loop-lab:resize"));
        assert!(out.starts_with("# Steps\n\n<iframe") && out.contains("\n\ntext\n\n"));
    }

    #[test]
    fn a_page_without_directives_is_left_alone() {
        let page = "# Plain\n\nNo embeds here.\n";
        assert_eq!(expand("plain.md", 0, page, "lab/").unwrap(), page);
    }

    #[test]
    fn code_blocks_and_escapes_are_written_out() {
        let page = "```\n{{#event-loop-lab lesson=3}}\n```\n\nWrite \\{{#event-loop-lab lesson=3}} in a chapter.\n";
        let out = expand("embedding.md", 0, page, "lab/").unwrap();
        assert!(!out.contains("<iframe"), "{out}");
        assert!(out.contains("```\n{{#event-loop-lab lesson=3}}\n```"));
        assert!(out.contains("Write {{#event-loop-lab lesson=3}} in a chapter."));
    }

    #[test]
    fn the_lab_is_found_from_a_chapter_in_a_folder() {
        let out = expand("guide/a.md", 1, "{{#event-loop-lab}}\n", "lab").unwrap();
        assert!(out.contains(r#"src="../lab/?embed=1""#), "{out}");
        let out = expand(
            "guide/a.md",
            1,
            "{{#event-loop-lab}}\n",
            "https://example.org/lab/",
        )
        .unwrap();
        assert!(
            out.contains(r#"src="https://example.org/lab/?embed=1""#),
            "{out}"
        );
    }

    #[test]
    fn a_bad_value_names_the_chapter_the_line_and_the_key() {
        let error = expand(
            "steps.md",
            0,
            "# Steps\n\n{{#event-loop-lab docs=abc}}\n",
            "lab/",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "steps.md, line 3: {{#event-loop-lab}} key \"docs\": docs=\"abc\" is not a whole number; using 6"
        );
        let error = expand("s.md", 0, "{{#event-loop-lab lesson=9}}", "lab/").unwrap_err();
        assert!(
            error.to_string().starts_with(
                "s.md, line 1: {{#event-loop-lab}} key \"lesson\": lesson=\"9\" is not one of 1–7"
            ),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_key_or_an_open_directive_fails() {
        let error = expand("s.md", 0, "x\n{{#event-loop-lab colour=red}}\n", "lab/").unwrap_err();
        assert!(error.to_string().starts_with("s.md, line 2: {{#event-loop-lab}} key \"colour\": unknown key \"colour\"; the keys are embed, theme"), "{error}");
        let error = expand("s.md", 0, "{{#event-loop-lab lesson=3\n}}", "lab/").unwrap_err();
        assert_eq!(
            error,
            DirectiveError::Unclosed {
                chapter: "s.md".into(),
                line: 1
            }
        );
    }

    #[test]
    fn values_wrong_only_together_are_refused_too() {
        let error = expand("s.md", 0, "{{#event-loop-lab docs=64 size=8192}}", "lab/").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("s.md, line 1: {{#event-loop-lab}} key \"docs size\": "),
            "{error}"
        );
    }
}

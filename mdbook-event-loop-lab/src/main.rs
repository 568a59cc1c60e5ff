//! `mdbook-event-loop-lab`: the mdBook preprocessor (protocol: `supports <renderer>`,
//! else the book as JSON on stdin and back on stdout). Configured in `book.toml`:
//!
//! ```toml
//! [preprocessor.event-loop-lab]
//! lab-url = "lab/"   # where the lab is served, from the book's root (or absolute)
//! ```

use std::io;
use std::process::ExitCode;

use mdbook_event_loop_lab::expand;
use mdbook_preprocessor::book::BookItem;
use mdbook_preprocessor::parse_input;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("supports") {
        // Embeds are HTML: other renderers get the chapter as written.
        return if args.next().as_deref() == Some("html") {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mdbook-event-loop-lab: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let (ctx, mut book) = parse_input(io::stdin()).map_err(|e| format!("{e:#}"))?;
    let lab_url = ctx
        .config
        .get::<String>("preprocessor.event-loop-lab.lab-url")
        .map_err(|e| format!("preprocessor.event-loop-lab.lab-url: {e:#}"))?
        .unwrap_or_else(|| "lab/".to_string());
    let mut first_error = None;
    book.for_each_mut(|item| {
        let BookItem::Chapter(chapter) = item else {
            return;
        };
        if first_error.is_some() {
            return;
        }
        let source = chapter
            .source_path
            .as_ref()
            .or(chapter.path.as_ref())
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| chapter.name.clone());
        let depth = chapter
            .path
            .as_ref()
            .map_or(0, |p| p.components().count().saturating_sub(1));
        match expand(&source, depth, &chapter.content, &lab_url) {
            Ok(content) => chapter.content = content,
            Err(error) => first_error = Some(error.to_string()),
        }
    });
    if let Some(error) = first_error {
        return Err(error);
    }
    serde_json::to_writer(io::stdout(), &book).map_err(|e| e.to_string())
}

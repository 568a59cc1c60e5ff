//! The preprocessor as mdBook runs it: the book as JSON on stdin, the book back on
//! stdout, or an error on stderr and a failed build.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use mdbook_preprocessor::book::{Book, Chapter};
use mdbook_preprocessor::config::Config;
use mdbook_preprocessor::PreprocessorContext;

/// Runs the binary on a book of one chapter `steps.md` holding `content`.
fn run(content: &str) -> Output {
    let mut config = Config::default();
    config
        .set("preprocessor.event-loop-lab.lab-url", "lab/")
        .unwrap();
    let ctx = PreprocessorContext::new(".".into(), config, "html".into());
    let mut book = Book::new();
    book.push_item(Chapter::new(
        "Steps",
        content.to_string(),
        "steps.md",
        vec![],
    ));
    let input = serde_json::to_vec(&(ctx, book)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mdbook-event-loop-lab"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn it_supports_html_only() {
    let supports = |renderer: &str| {
        Command::new(env!("CARGO_BIN_EXE_mdbook-event-loop-lab"))
            .args(["supports", renderer])
            .status()
            .unwrap()
            .success()
    };
    assert!(supports("html"));
    assert!(!supports("markdown"));
}

#[test]
fn a_directive_comes_back_as_an_embed() {
    let out = run("# Steps\n\n{{#event-loop-lab lesson=4}}\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let book: Book = serde_json::from_slice(&out.stdout).unwrap();
    let chapter = book.chapters().next().unwrap();
    assert!(
        chapter
            .content
            .contains(r#"src="lab/?lesson=4&amp;embed=1""#),
        "{}",
        chapter.content
    );
}

#[test]
fn a_bad_value_fails_the_build_with_the_chapter_line_and_key() {
    let out = run("# Steps\n\n{{#event-loop-lab docs=abc}}\n");
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "mdbook-event-loop-lab: steps.md, line 3: {{#event-loop-lab}} key \"docs\": docs=\"abc\" is not a whole number; using 6"
    );
}

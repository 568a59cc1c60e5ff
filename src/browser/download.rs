//! Saving a file the app made (the trace export) through the browser's download.

use wasm_bindgen::JsCast;

/// Offers `text` as a download named `file_name`, of type `mime`. Returns whether the
/// browser took it. The object URL is revoked right after the click: the download has
/// its own copy by then.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> bool {
    try_download(file_name, mime, text).is_some()
}

fn try_download(file_name: &str, mime: &str, text: &str) -> Option<()> {
    let document = web_sys::window()?.document()?;
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&text.into());
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}

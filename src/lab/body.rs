//! Checks on a fetched body before any work is done on it: its content type (from the
//! headers, before the body is read), its size, and that it is UTF-8.

use super::error::LabError;

/// The largest document the app accepts. Larger bodies are refused with an error on
/// that document's row instead of exhausting memory.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// Checks and decodes a fetched body: HTML, UTF-8, not too large.
///
/// `content_type` is the response header, if there was one.
pub fn decode_document(bytes: Vec<u8>, content_type: Option<&str>) -> Result<String, LabError> {
    check_content_type(content_type)?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(LabError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    String::from_utf8(bytes).map_err(|e| LabError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Checks a body's size, when it is known (a `Content-Length`, a Blob's size), against
/// the limit, before any of it is read into the page's memory.
pub fn check_length(bytes: Option<u64>) -> Result<(), LabError> {
    match bytes {
        Some(bytes) if bytes > MAX_DOCUMENT_BYTES as u64 => Err(LabError::TooLarge {
            bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
            limit: MAX_DOCUMENT_BYTES,
        }),
        _ => Ok(()),
    }
}

/// Checks a response's `Content-Type` (if it had one) names HTML. The page checks it
/// from the headers, before it reads the body.
pub fn check_content_type(content_type: Option<&str>) -> Result<(), LabError> {
    let Some(ct) = content_type else {
        return Ok(());
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "text/html" {
        Ok(())
    } else {
        Err(LabError::NotHtml {
            content_type: ct.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_refuses_bad_bodies_with_clear_errors() {
        assert!(matches!(
            decode_document(b"{}".to_vec(), Some("application/json")),
            Err(LabError::NotHtml { .. })
        ));
        assert_eq!(
            decode_document(vec![b'a', 0xff, b'b'], Some("text/html; charset=utf-8")),
            Err(LabError::NotUtf8 { offset: 1 })
        );
        assert!(matches!(
            decode_document(vec![b' '; MAX_DOCUMENT_BYTES + 1], None),
            Err(LabError::TooLarge { .. })
        ));
        assert_eq!(
            decode_document(b"<p>ok</p>".to_vec(), None).as_deref(),
            Ok("<p>ok</p>")
        );
    }
}

//! Checks on a fetched body before any work is done on it: its content type (from the
//! headers, before the body is read), its size (from its announced length, or counted
//! while it streams in), and that it is UTF-8.

use super::error::LabError;

/// The largest document the app accepts. Larger bodies are refused with an error on
/// that document's row instead of exhausting memory.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// What `fail=N:huge-stream` sends if nobody stops it: four times the limit, so a
/// reader that did not count would be seen holding far more than the limit.
pub const HUGE_STREAM_BYTES: usize = 4 * MAX_DOCUMENT_BYTES;

/// The running count of a body that arrives without a `Content-Length`: each chunk is
/// added as it arrives, and the first one that passes the limit is an error, so the
/// reader stops the download there instead of after the whole body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BodyCount {
    read: usize,
}

impl BodyCount {
    /// Bytes counted so far.
    pub fn read(&self) -> usize {
        self.read
    }

    /// Counts a chunk of `bytes`; an error once the body is over the limit.
    pub fn add(&mut self, bytes: usize) -> Result<(), LabError> {
        self.read = self.read.saturating_add(bytes);
        if self.read > MAX_DOCUMENT_BYTES {
            Err(LabError::TooLargeWhileRead {
                read: self.read,
                limit: MAX_DOCUMENT_BYTES,
            })
        } else {
            Ok(())
        }
    }
}

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

    #[test]
    fn a_streamed_body_is_stopped_by_the_chunk_that_passes_the_limit() {
        let chunk = 64 * 1024;
        let mut count = BodyCount::default();
        let mut chunks = 0;
        let error = loop {
            match count.add(chunk) {
                Ok(()) => chunks += 1,
                Err(error) => break error,
            }
            assert!(chunks * chunk <= HUGE_STREAM_BYTES, "never stopped");
        };
        // Exactly the limit is still fine; the next chunk is one too many.
        assert_eq!(chunks * chunk, MAX_DOCUMENT_BYTES);
        assert_eq!(
            error,
            LabError::TooLargeWhileRead {
                read: MAX_DOCUMENT_BYTES + chunk,
                limit: MAX_DOCUMENT_BYTES
            }
        );
        assert_eq!(
            error.to_string(),
            "the document is over the limit of 16777216 bytes; its download was stopped \
             after 16842752 bytes"
        );
        // One byte over, in a single chunk, is over too.
        let mut count = BodyCount::default();
        assert!(count.add(MAX_DOCUMENT_BYTES).is_ok());
        assert!(count.add(1).is_err());
        assert_eq!(count.read(), MAX_DOCUMENT_BYTES + 1);
    }
}

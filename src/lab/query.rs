//! A URL query's `application/x-www-form-urlencoded` form, read and written: the app's
//! URL parameters, its embed snippet and the lesson steps' addresses.
//!
//! NOTE: the app's own few lines instead of the `form_urlencoded` crate: its encoder
//! kept a 768-byte table of every `%XX` in the module, with generic code around it.
//! The native tests hold these functions to that crate's output.

/// Splits `a=1&b=two` into decoded pairs: `+` is a space, `%XX` escapes are decoded,
/// a bad escape is kept as it is and bad UTF-8 replaced, so any input gives some
/// pairs. Empty pieces (`a=1&&b=2`) are skipped; a piece without `=` has an empty value.
pub fn parse(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let escaped = match bytes.get(i..i + 3) {
            Some(&[b'%', high, low]) => {
                hex_value(high).zip(hex_value(low)).map(|(h, l)| h * 16 + l)
            }
            _ => None,
        };
        match (byte, escaped) {
            (_, Some(value)) => {
                out.push(value);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (other, _) => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// `text` as a query's key or value: letters, digits and `*-._` stay, a space is `+`,
/// every other byte of its UTF-8 is `%XX`.
pub fn encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for &byte in text.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 15)]));
            }
        }
    }
    out
}

/// `key=value` pairs, each encoded, joined by `&`.
pub fn join(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode(key));
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLES: &[&str] = &[
        "",
        "a=1&b=two",
        "?docs=8&latency=800",
        "a=1&&b=2&",
        "key",
        "=value",
        "a=b=c",
        "q=rust+async%20await",
        "bad=%zz&short=%4&end=%",
        "utf8=%C3%A9t%C3%A9&broken=%C3%28&raw=été",
        "plus=%2B&amp=%26&eq=%3D",
        "fail=2,3:hang,5:crash&lesson=3&embed=1",
        "x=%E2%9C%93%F0%9F%A6%80",
        "%41%42=%61%62",
    ];

    #[test]
    fn parse_reads_a_query_as_form_urlencoded_does() {
        for sample in SAMPLES {
            let expected: Vec<(String, String)> = form_urlencoded::parse(sample.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(parse(sample), expected, "{sample}");
        }
    }

    #[test]
    fn encode_and_join_write_as_form_urlencoded_does() {
        let texts = [
            "",
            "plain",
            "two words",
            "a+b&c=d",
            "é✓🦀",
            "*-._~!'()",
            "100%",
            "\n\t/?#",
        ];
        for text in texts {
            let expected: String = form_urlencoded::byte_serialize(text.as_bytes()).collect();
            assert_eq!(encode(text), expected, "{text}");
        }
        let pairs = [("embed", "1"), ("query", "async await"), ("fail", "2:hang")];
        let expected = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(join(&owned), expected);
        // Every byte, through encode and back.
        let all: String = (1..=0x7f_u8).map(char::from).chain("éß✓".chars()).collect();
        let pair = vec![("k".to_string(), all)];
        assert_eq!(parse(&join(&pair)), pair);
    }
}

//! Numbers as the app writes them, without core's float formatting.
//!
//! NOTE: `{}` or `{:.N}` of a bare `f64` brings core's float formatter into the wasm
//! module (Grisu with a Dragon fallback and their tables, ~13 KB raw), and the report's
//! JSON already brings another, zmij (serde_json's). Wrapped in [`Num`], `{:.N}` is
//! written from a rounded integer and `{}` by zmij, so the module holds one float
//! writer. Every number the UI, the verdicts and the trace write goes through `Num`.

use std::fmt;

/// An `f64` to write: `{:.N}` rounds to N decimals (half to even, as core does), `{}`
/// writes the shortest text that reads back as the same number (zmij: `12.5`, `3.0`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        match f.precision() {
            Some(decimals) if v.is_finite() => fixed(v, decimals, f),
            // zmij writes `NaN`, `inf` and `-inf` as core does.
            _ => f.write_str(zmij::Buffer::new().format(v)),
        }
    }
}

/// `v` with `decimals` digits after the point (at most 9), rounded as core rounds: to
/// the nearest, and a tie (judged on `v`'s exact value) to even.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)] // saturating, on purpose
fn fixed(v: f64, decimals: usize, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let decimals = decimals.min(9);
    let scale = 10_u64.pow(decimals as u32) as f64;
    let scaled = v.abs() * scale;
    let mut n = scaled.round_ties_even();
    // `scaled` is rounded itself: when it lands on a tie, the exact product (12.345 is
    // 12.3450000000000006…) decides which way.
    if scaled.fract() == 0.5 {
        let err = product_error(v.abs(), scale, scaled);
        if err > 0.0 {
            n = scaled.ceil();
        } else if err < 0.0 {
            n = scaled.floor();
        }
    }
    let n = n as u64;
    let scale = scale as u64;
    if v.is_sign_negative() {
        f.write_str("-")?;
    }
    write!(f, "{}", n / scale)?;
    if decimals > 0 {
        write!(f, ".{:0decimals$}", n % scale)?;
    }
    Ok(())
}

/// `a * b - p` exactly, for `p` the rounded `a * b` (Dekker's product, no FMA in wasm).
fn product_error(a: f64, b: f64, p: f64) -> f64 {
    let split = |x: f64| {
        let c = 134_217_729.0 * x; // 2^27 + 1
        let hi = c - (c - x);
        (hi, x - hi)
    };
    let ((ah, al), (bh, bl)) = (split(a), split(b));
    ((ah * bh - p) + ah * bl + al * bh) + al * bl
}

#[cfg(test)]
mod tests {
    use super::Num;

    #[test]
    fn fixed_decimals_as_core_writes_them() {
        let values = [
            0.0,
            -0.0,
            0.4,
            -0.4,
            0.5,
            1.5,
            2.5,
            12.345,
            99.96,
            412.3456,
            1_000_000.25,
            -3.75,
            1e-9,
            123_456_789.987,
        ];
        // And the ties and near-ties of the times a browser gives (multiples of 5 µs).
        let steps = (0..200_000).map(|i| f64::from(i) * 0.005);
        let mut x = 0x9E37_79B9_7F4A_7C15_u64;
        let noise = (0..20_000).map(move |_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1_u64 << 53) as f64 * 10_000.0
        });
        for v in values.into_iter().chain(steps).chain(noise) {
            for d in 0..=3 {
                assert_eq!(format!("{:.d$}", Num(v)), format!("{v:.d$}"), "{v} to {d}");
            }
        }
    }

    #[test]
    fn shortest_reads_back_as_the_same_number() {
        for v in [0.1 + 0.2, 12.5, 1_764_140_000_123.457, 1e-7, 3.0, -2.25] {
            let text = Num(v).to_string();
            assert_eq!(text.parse::<f64>(), Ok(v), "{text}");
        }
        assert_eq!(Num(12.5).to_string(), "12.5");
        assert_eq!(Num(f64::NAN).to_string(), "NaN");
        assert_eq!(format!("{:.1}", Num(f64::INFINITY)), "inf");
    }
}

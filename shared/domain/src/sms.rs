//! SMS encoding and segments: a text that fits the GSM 03.38 alphabet goes as GSM-7 (160
//! characters, 153 per part when split); anything else forces UCS-2 (70 UTF-16 units, 67
//! per part). Extension characters (`€ [ ] { } \ ^ ~ |` and form feed) take two septets.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segments {
    pub encoding: Encoding,
    /// How many SMS the text is billed and sent as.
    pub count: u32,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: u32,
}

impl std::fmt::Display for Encoding {
    /// As the standards write them, for people (warnings, the outbox).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Gsm7 => "GSM-7",
            Self::Ucs2 => "UCS-2",
        })
    }
}

/// GSM 03.38 basic character set.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table (escape + char: two septets).
const EXTENSION: &str = "\u{000C}^{}\\[~]|€";

fn septets(c: char) -> Option<u32> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

pub fn segments(text: &str) -> Segments {
    let gsm: Option<u32> = text.chars().map(septets).sum();
    let (encoding, units, single, multi) = match gsm {
        Some(units) => (Encoding::Gsm7, units, 160, 153),
        None => (Encoding::Ucs2, text.encode_utf16().count() as u32, 70, 67),
    };
    let count = if units <= single {
        1
    } else {
        units.div_ceil(multi)
    };
    Segments {
        encoding,
        count,
        units,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_fits_160_then_splits_by_153() {
        assert_eq!(
            segments(&"a".repeat(160)),
            Segments {
                encoding: Encoding::Gsm7,
                count: 1,
                units: 160
            }
        );
        assert_eq!(segments(&"a".repeat(161)).count, 2);
        assert_eq!(segments(&"a".repeat(306)).count, 2);
        assert_eq!(segments(&"a".repeat(307)).count, 3);
        assert_eq!(segments("Grüße aus Köln: 5€").encoding, Encoding::Gsm7);
        assert_eq!(
            segments("5€").units,
            3,
            "the euro sign is an extension character"
        );
    }

    #[test]
    fn anything_outside_gsm7_is_ucs2_counted_in_utf16_units() {
        let ja = segments("ご注文の商品を発送しました");
        assert_eq!((ja.encoding, ja.units, ja.count), (Encoding::Ucs2, 13, 1));
        assert_eq!(segments(&"あ".repeat(71)).count, 2);
        assert_eq!(
            segments("Façade").encoding,
            Encoding::Ucs2,
            "lower-case ç is not GSM-7"
        );
        assert_eq!(segments("😀").units, 2, "a surrogate pair is two units");
        assert_eq!(segments("“quoted”").encoding, Encoding::Ucs2);
        assert_eq!(Encoding::Ucs2.to_string(), "UCS-2");
    }
}

//! Brand colours made safe and readable: only `#rrggbb` ever reaches the CSS, and text on
//! (or in) the brand colour gets whichever foreground contrasts more.

/// The dark text colour of the pages.
pub const INK: &str = "#111827";
const INK_RGB: [u8; 3] = [0x11, 0x18, 0x27];
const WHITE: [u8; 3] = [0xff, 0xff, 0xff];

/// `#rrggbb` or `#rgb`, nothing else (a colour lands in a style sheet).
pub fn parse(raw: &str) -> Option<[u8; 3]> {
    let hex = raw.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |s: &str| u8::from_str_radix(s, 16).ok();
    match hex.len() {
        6 => Some([
            channel(&hex[0..2])?,
            channel(&hex[2..4])?,
            channel(&hex[4..6])?,
        ]),
        3 => {
            let d = |i: usize| channel(&hex[i..=i].repeat(2));
            Some([d(0)?, d(1)?, d(2)?])
        }
        _ => None,
    }
}

pub fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// WCAG 2 relative luminance.
fn luminance(rgb: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2])
}

/// WCAG 2 contrast ratio, 1 to 21.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// The brand colour, with the text colour to put on it and a colour for brand-coloured
/// text and marks on white (the brand colour itself when it is readable there).
pub struct Palette {
    pub primary: String,
    pub on_primary: String,
    pub on_white: String,
}

/// The brand colour, darkened just enough (when it must be) that white or ink text on it
/// reaches 4.5:1: pure red or mid grey reach neither as they are.
fn readable_background(rgb: [u8; 3]) -> [u8; 3] {
    (0..=10u8)
        .map(|step| rgb.map(|c| (u16::from(c) * u16::from(10 - step) / 10) as u8))
        .find(|c| contrast(*c, WHITE) >= 4.5 || contrast(*c, INK_RGB) >= 4.5)
        .unwrap_or(INK_RGB)
}

pub fn palette(raw: &str) -> Palette {
    let rgb = readable_background(parse(raw).unwrap_or(INK_RGB));
    let on_primary = if contrast(rgb, WHITE) >= contrast(rgb, INK_RGB) {
        "#ffffff"
    } else {
        INK
    };
    let on_white = if contrast(rgb, WHITE) >= 4.5 {
        hex(rgb)
    } else {
        INK.to_owned()
    };
    Palette {
        primary: hex(rgb),
        on_primary: on_primary.to_owned(),
        on_white,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hex_colours_pass() {
        assert_eq!(parse("#1A2b3C"), Some([0x1a, 0x2b, 0x3c]));
        assert_eq!(parse("#fc0"), Some([0xff, 0xcc, 0x00]));
        for bad in ["red", "#12345", "#gggggg", "#fff;}body{x:y", "", "#"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(palette("red;}</style><script>").primary, INK);
    }

    #[test]
    fn text_on_the_brand_colour_is_readable_whatever_the_colour() {
        for raw in [
            "#ffff00", "#ffffff", "#000000", "#2563eb", "#777777", "#ff0000", "#00ff00",
        ] {
            let p = palette(raw);
            let bg = parse(&p.primary).unwrap();
            let fg = parse(&p.on_primary).unwrap();
            assert!(contrast(bg, fg) >= 4.5, "{raw}");
            assert!(contrast(parse(&p.on_white).unwrap(), WHITE) >= 4.5, "{raw}");
        }
        assert_eq!(palette("#ffff00").on_primary, INK);
        assert_eq!(palette("#1e3a8a").on_primary, "#ffffff");
        // Kept as it is when readable; darkened a step when not.
        assert_eq!(palette("#2563eb").primary, "#2563eb");
        assert_eq!(palette("#ff0000").primary, "#e50000");
    }
}

//! Hazard pictograms for T, C, I, R and In, drawn for Yima as plain vector shapes: a black
//! symbol on a white diamond with a black frame. Each symbol is drawn in a local square of
//! -50..50 whose diamond has its corners on the axes; the caller places and scales it.

use yima_codes::Hazard;

/// The diamond's frame.
const DIAMOND: &str = r##"<path d="M0 -47L47 0L0 47L-47 0Z" fill="#fff" stroke="#000" stroke-width="4" stroke-linejoin="round"/>"##;

/// Toxicity (毒性): skull and crossbones.
const TOXIC: &str = concat!(
    r##"<g stroke="#000" stroke-width="5.5" stroke-linecap="round">"##,
    r##"<path d="M-19 7L19 25M19 7L-19 25"/></g>"##,
    r##"<g fill="#000">"##,
    r##"<circle cx="-21" cy="4.5" r="3.6"/><circle cx="-23" cy="9.5" r="3.6"/>"##,
    r##"<circle cx="21" cy="4.5" r="3.6"/><circle cx="23" cy="9.5" r="3.6"/>"##,
    r##"<circle cx="-21" cy="27.5" r="3.6"/><circle cx="-23" cy="22.5" r="3.6"/>"##,
    r##"<circle cx="21" cy="27.5" r="3.6"/><circle cx="23" cy="22.5" r="3.6"/>"##,
    r##"<circle cx="0" cy="-15" r="14"/><rect x="-8" y="-6" width="16" height="10" rx="2.5"/></g>"##,
    r##"<g fill="#fff"><circle cx="-5.6" cy="-15" r="4.2"/><circle cx="5.6" cy="-15" r="4.2"/>"##,
    r##"<path d="M0 -10L2.6 -5.5H-2.6Z"/>"##,
    r##"<rect x="-4.6" y="-1" width="1.6" height="5"/><rect x="-0.8" y="-1" width="1.6" height="5"/>"##,
    r##"<rect x="3" y="-1" width="1.6" height="5"/></g>"##,
);

/// Corrosivity (腐蚀性): two tubes dripping onto a bar and a hand, both eaten away.
const CORROSIVE: &str = concat!(
    r##"<g transform="rotate(-40 -15 -24)">"##,
    r##"<rect x="-20" y="-38" width="10" height="26" rx="4" fill="#fff" stroke="#000" stroke-width="2.6"/>"##,
    r##"<rect x="-20" y="-22" width="10" height="10" rx="4" fill="#000"/></g>"##,
    r##"<g transform="rotate(40 15 -24)">"##,
    r##"<rect x="10" y="-38" width="10" height="26" rx="4" fill="#fff" stroke="#000" stroke-width="2.6"/>"##,
    r##"<rect x="10" y="-22" width="10" height="10" rx="4" fill="#000"/></g>"##,
    r##"<g fill="#000">"##,
    r##"<path d="M-8 -7C-6 -3 -4 -1 -6 1C-8 2 -10 0 -8 -7Z"/>"##,
    r##"<path d="M-9 3C-7 7 -5 9 -7 11C-9 12 -11 10 -9 3Z"/>"##,
    r##"<path d="M8 -7C10 -3 12 -1 10 1C8 2 6 0 8 -7Z"/>"##,
    r##"<path d="M9 3C11 7 13 9 11 11C9 12 7 10 9 3Z"/>"##,
    r##"<path d="M-28 15H-12L-9 19L-6 15H-2V23H-28Z"/>"##,
    r##"<path d="M3 17H26Q29 17 29 20Q29 23 26 23H3Z"/>"##,
    r##"<rect x="6" y="12" width="3.4" height="6" rx="1.6"/><rect x="11" y="11" width="3.4" height="7" rx="1.6"/>"##,
    r##"<rect x="16" y="12" width="3.4" height="6" rx="1.6"/><rect x="21" y="13" width="3.4" height="5" rx="1.6"/>"##,
    r##"</g><path d="M10 17L13 21L16 17Z" fill="#fff"/>"##,
);

/// Ignitability (易燃性): a flame on a bar.
const FLAMMABLE: &str = concat!(
    r##"<path fill="#000" d="M1 -34C9 -22 20 -13 18 2C17 13 9 19 0 19C-9 19 -17 13 -18 2"##,
    r##"C-19 -8 -11 -13 -9 -24C-5 -16 -4 -10 -2 -8C1 -16 -2 -24 1 -34Z"/>"##,
    r##"<path fill="#fff" d="M1 -2C6 4 9 8 8 12C7 15 4 16 1 16C-3 16 -6 14 -7 11C-8 6 -4 3 -3 -3"##,
    r##"C-1 1 0 2 1 -2Z"/>"##,
    r##"<rect x="-22" y="22" width="44" height="4.5" fill="#000"/>"##,
);

/// Reactivity (反应性): a burst with flying fragments.
fn reactive() -> String {
    let mut points = String::new();
    for i in 0..24 {
        let angle = std::f32::consts::PI * 2.0 * i as f32 / 24.0 - std::f32::consts::FRAC_PI_2;
        let r = if i % 2 == 0 { 25.0 } else { 12.0 };
        let (x, y) = (r * angle.cos(), -3.0 + r * angle.sin());
        points.push_str(&format!("{x:.2},{y:.2} "));
    }
    format!(
        concat!(
            r##"<polygon points="{}" fill="#000"/>"##,
            r##"<circle cx="0" cy="-3" r="7" fill="#fff"/><circle cx="0" cy="-3" r="3.2" fill="#000"/>"##,
            r##"<g fill="#000"><rect x="-31" y="-5" width="4" height="4" transform="rotate(20 -29 -3)"/>"##,
            r##"<rect x="27" y="-5" width="4" height="4" transform="rotate(35 29 -3)"/>"##,
            r##"<rect x="-2" y="26" width="4" height="4" transform="rotate(15 0 28)"/></g>"##,
        ),
        points.trim_end()
    )
}

/// Infectivity (感染性): three rings around a centre ring, like the biohazard trefoil.
fn infectious() -> String {
    let mut out = String::from(r##"<g fill="none" stroke="#000" stroke-width="4.2">"##);
    for k in 0..3 {
        let angle = std::f32::consts::PI * 2.0 * k as f32 / 3.0 - std::f32::consts::FRAC_PI_2;
        let (x, y) = (11.5 * angle.cos(), -1.0 + 11.5 * angle.sin());
        out.push_str(&format!(r##"<circle cx="{x:.2}" cy="{y:.2}" r="12"/>"##));
    }
    out.push_str(r##"<circle cx="0" cy="-1" r="5"/></g>"##);
    out.push_str(r##"<circle cx="0" cy="-1" r="2" fill="#000"/>"##);
    out
}

/// The pictogram of `hazard` as SVG, centred on (`cx`, `cy`), `size` wide and tall.
pub(crate) fn pictogram(hazard: Hazard, cx: f32, cy: f32, size: f32) -> String {
    let symbol = match hazard {
        Hazard::T => TOXIC.to_string(),
        Hazard::C => CORROSIVE.to_string(),
        Hazard::I => FLAMMABLE.to_string(),
        Hazard::R => reactive(),
        Hazard::In => infectious(),
    };
    format!(
        r##"<g class="hazard-{}" transform="translate({cx:.3} {cy:.3}) scale({:.5})">{DIAMOND}{symbol}</g>"##,
        hazard.symbol(),
        size / 100.0,
    )
}

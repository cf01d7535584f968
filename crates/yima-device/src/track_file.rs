//! A location source from a file: GPX 1.1 track points (`<trkpt lat lon><time>`) or CSV
//! lines `time,lat,lon[,accuracy_m]` (RFC 3339 times, degrees), told apart by content.

use crate::error::{DeviceError, ErrorKind};
use std::path::Path;
use yima_core::{canonical_fixes, Fix, Timestamp};

fn bad(line: usize, en: impl Into<String>, zh: impl Into<String>) -> DeviceError {
    DeviceError::bilingual(
        ErrorKind::BadInput,
        format!("line {line}: {}", en.into()),
        format!("第 {line} 行：{}", zh.into()),
    )
}

/// Degrees as a file writes them to degrees × 10⁷: up to 7 decimals exactly, more rounded
/// to the nearest (half away from zero).
fn degrees_e7(text: &str) -> Option<i32> {
    let text = text.trim();
    let Some((int, frac)) = text.split_once('.') else {
        return Fix::parse_e7(text);
    };
    if frac.len() <= 7 {
        return Fix::parse_e7(text);
    }
    if frac.len() > 15 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let kept = Fix::parse_e7(&format!("{int}.{}", &frac[..7]))?;
    let up = frac.as_bytes()[7] >= b'5';
    if !up {
        return Some(kept);
    }
    if int.starts_with('-') {
        kept.checked_sub(1)
    } else {
        kept.checked_add(1)
    }
}

fn time(text: &str) -> Option<Timestamp> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| Timestamp::from_datetime(t.with_timezone(&chrono::Utc)))
}

fn fix(
    line: usize,
    at: &str,
    lat: &str,
    lon: &str,
    accuracy: Option<&str>,
) -> Result<Fix, DeviceError> {
    let at = time(at).ok_or_else(|| {
        bad(
            line,
            format!("{at:?} is not an RFC 3339 time (2024-03-01T08:00:00+08:00)"),
            format!("{at:?} 不是 RFC 3339 时间（如 2024-03-01T08:00:00+08:00）"),
        )
    })?;
    let lat_e7 = degrees_e7(lat).ok_or_else(|| {
        bad(
            line,
            format!("{lat:?} is not a latitude in degrees"),
            format!("{lat:?} 不是以度表示的纬度"),
        )
    })?;
    let lon_e7 = degrees_e7(lon).ok_or_else(|| {
        bad(
            line,
            format!("{lon:?} is not a longitude in degrees"),
            format!("{lon:?} 不是以度表示的经度"),
        )
    })?;
    let accuracy_m = match accuracy.map(str::trim).filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(a.parse::<u32>().ok().ok_or_else(|| {
            bad(
                line,
                format!("{a:?} is not an accuracy in whole metres"),
                format!("{a:?} 不是以整米表示的精度"),
            )
        })?),
    };
    let f = Fix {
        at,
        lat_e7,
        lon_e7,
        accuracy_m,
    };
    f.check().map_err(|e| bad(line, e.en, e.zh))?;
    Ok(f)
}

fn line_of(text: &str, pos: usize) -> usize {
    text[..pos].bytes().filter(|b| *b == b'\n').count() + 1
}

/// The value of attribute `name` in the tag text `tag` (`lat="26.07"` or `lat='26.07'`).
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before_ok = i == 0 || rest.as_bytes()[i - 1].is_ascii_whitespace();
        let after = rest[i + name.len()..].trim_start();
        if before_ok {
            if let Some(after) = after.strip_prefix('=') {
                let after = after.trim_start();
                let q = after.chars().next()?;
                if q == '"' || q == '\'' {
                    let end = after[1..].find(q)?;
                    return Some(&after[1..1 + end]);
                }
            }
        }
        rest = &rest[i + name.len()..];
    }
    None
}

/// The fixes of a GPX document's track points, in the order written.
fn gpx(text: &str) -> Result<Vec<Fix>, DeviceError> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("<trkpt") {
        let start = from + i;
        let line = line_of(text, start);
        let tag_end = text[start..]
            .find('>')
            .map(|j| start + j)
            .ok_or_else(|| bad(line, "a <trkpt> tag is not closed", "<trkpt> 标签未闭合"))?;
        let tag = &text[start + "<trkpt".len()..tag_end];
        let (lat, lon) = match (attribute(tag, "lat"), attribute(tag, "lon")) {
            (Some(a), Some(o)) => (a, o),
            _ => {
                return Err(bad(
                    line,
                    "a <trkpt> without lat and lon",
                    "<trkpt> 缺少 lat 或 lon",
                ))
            }
        };
        let (body, next) = if tag.ends_with('/') {
            ("", tag_end + 1)
        } else {
            let end = text[tag_end..]
                .find("</trkpt>")
                .map(|j| tag_end + j)
                .ok_or_else(|| bad(line, "a <trkpt> is not closed", "<trkpt> 未闭合"))?;
            (&text[tag_end + 1..end], end + "</trkpt>".len())
        };
        let at = body
            .find("<time>")
            .and_then(|a| {
                let rest = &body[a + "<time>".len()..];
                rest.find("</time>").map(|b| &rest[..b])
            })
            .ok_or_else(|| bad(line, "a <trkpt> without <time>", "<trkpt> 缺少 <time>"))?;
        out.push(fix(line, at, lat, lon, None)?);
        from = next;
    }
    Ok(out)
}

/// The fixes of CSV lines `time,lat,lon[,accuracy_m]`; blank lines, `#` comments and a
/// header line starting with `time` are skipped.
fn csv(text: &str) -> Result<Vec<Fix>, DeviceError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() || l.starts_with('#') || (i == 0 && l.starts_with("time")) {
            continue;
        }
        let cells: Vec<&str> = l.split(',').collect();
        if !(3..=4).contains(&cells.len()) {
            return Err(bad(
                line,
                format!("{} fields, expected time,lat,lon[,accuracy_m]", cells.len()),
                format!("有 {} 个字段，应为 time,lat,lon[,accuracy_m]", cells.len()),
            ));
        }
        out.push(fix(
            line,
            cells[0],
            cells[1],
            cells[2],
            cells.get(3).copied(),
        )?);
    }
    Ok(out)
}

/// The fixes a location file holds, as a canonical list (sorted by time, one per moment).
/// GPX 1.1 (`<gpx …>` with `<trkpt lat lon><time>…</time></trkpt>`) or CSV
/// (`time,lat,lon[,accuracy_m]`), told apart by content; errors name the line.
pub fn read_fixes_file(path: &Path) -> Result<Vec<Fix>, DeviceError> {
    let bytes = std::fs::read(path).map_err(|e| {
        DeviceError::bilingual(
            ErrorKind::BadInput,
            format!("cannot read {}: {e}", path.display()),
            format!("无法读取 {}：{e}", path.display()),
        )
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        DeviceError::bilingual(
            ErrorKind::BadInput,
            format!("{} is not UTF-8 text", path.display()),
            format!("{} 不是 UTF-8 文本", path.display()),
        )
    })?;
    parse_fixes(&text)
}

/// [`read_fixes_file`] on the text of a file.
pub fn parse_fixes(text: &str) -> Result<Vec<Fix>, DeviceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let head = text.trim_start();
    let fixes = if head.starts_with('<') {
        if !text.contains("<gpx") {
            return Err(bad(
                1,
                "an XML file that is not GPX",
                "XML 文件不是 GPX 格式",
            ));
        }
        gpx(text)?
    } else {
        csv(text)?
    };
    canonical_fixes(&fixes).map_err(|e| DeviceError::bilingual(ErrorKind::BadInput, e.en, e.zh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpx_track_points_are_read() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><trkseg>
    <trkpt lat="26.0745" lon="119.2965"><ele>5</ele><time>2024-03-01T08:10:00+08:00</time></trkpt>
    <trkpt lon='119.29651234' lat='26.07451236'>
      <time>2024-03-01T00:05:00Z</time>
    </trkpt>
  </trkseg></trk>
</gpx>"#;
        let fixes = parse_fixes(text).unwrap();
        assert_eq!(fixes.len(), 2);
        // Sorted by time; the second point is earlier.
        assert_eq!(fixes[0].at, Timestamp(1_709_251_500_000));
        assert_eq!(fixes[0].lat_e7, 260_745_124);
        assert_eq!(fixes[0].lon_e7, 1_192_965_123);
        assert_eq!(fixes[1].lat_e7, 260_745_000);
        assert_eq!(fixes[1].accuracy_m, None);
    }

    #[test]
    fn csv_lines_are_read_and_errors_name_the_line() {
        let text = "time,lat,lon,accuracy_m\n2024-03-01T08:00:00+08:00,26.07,119.29,12\n\n2024-03-01T08:01:00+08:00,-26.5,-119.5\n";
        let fixes = parse_fixes(text).unwrap();
        assert_eq!(fixes.len(), 2);
        assert_eq!(fixes[0].accuracy_m, Some(12));
        assert_eq!(fixes[1].lat_e7, -265_000_000);

        for (text, line, word) in [
            ("2024-03-01T08:00:00Z,26.07\n", 1, "fields"),
            ("# c\n2024-03-01 08:00,26.07,119.2\n", 2, "RFC 3339"),
            ("2024-03-01T08:00:00Z,91,119.2\n", 1, "latitude"),
            ("2024-03-01T08:00:00Z,26,181\n", 1, "longitude"),
            ("2024-03-01T08:00:00Z,26,119,x\n", 1, "accuracy"),
        ] {
            let e = parse_fixes(text).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::BadInput);
            let en = e.message(yima_codes::Lang::En);
            assert!(
                en.contains(&format!("line {line}")) && en.contains(word),
                "{en}"
            );
            let zh = e.message(yima_codes::Lang::Zh);
            assert!(zh.contains(&format!("第 {line} 行")), "{zh}");
        }
        let e = parse_fixes("<gpx>\n<trkpt lat=\"1\">\n</trkpt></gpx>").unwrap_err();
        assert!(e.message(yima_codes::Lang::En).contains("line 2"), "{e}");
        let e = parse_fixes("<gpx>\n\n<trkpt lat=\"1\" lon=\"2\"></trkpt></gpx>").unwrap_err();
        assert!(e.message(yima_codes::Lang::En).contains("<time>"), "{e}");
    }
}

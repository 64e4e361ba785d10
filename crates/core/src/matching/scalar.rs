//! Value types of the non-string condition operators: numbers (`Numeric…`), dates
//! (`Date…`), IP addresses (`IpAddress` / `NotIpAddress`), booleans (`Bool`), and the
//! case-insensitive comparison behind `StringEqualsIgnoreCase`.

use std::net::IpAddr;

/// Parses an IAM numeric value: an optional `-`, one or more ASCII digits, an optional
/// fraction (`.` and one or more digits) and an optional exponent (`e` or `E`, an optional
/// sign and one or more digits).
///
/// Nothing is trimmed. Empty strings, a leading `+`, `NaN`, `inf`, hexadecimal and values too
/// large for an `f64` are rejected.
#[must_use]
pub fn parse_number(s: &str) -> Option<f64> {
    let bytes = s.as_bytes();
    let mut pos = usize::from(bytes.first() == Some(&b'-'));
    let digits = |pos: &mut usize| {
        let start = *pos;
        while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
            *pos += 1;
        }
        *pos > start
    };
    if !digits(&mut pos) {
        return None;
    }
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        if !digits(&mut pos) {
            return None;
        }
    }
    if matches!(bytes.get(pos), Some(b'e' | b'E')) {
        pos += 1;
        if matches!(bytes.get(pos), Some(b'+' | b'-')) {
            pos += 1;
        }
        if !digits(&mut pos) {
            return None;
        }
    }
    if pos != bytes.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A cursor over the bytes of a date string.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    /// Exactly `n` ASCII digits as a number.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut value = 0u32;
        for _ in 0..n {
            let b = *self.bytes.get(self.pos).filter(|b| b.is_ascii_digit())?;
            value = value * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        Some(value)
    }

    /// Consumes `b` if it comes next.
    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        if found {
            self.pos += 1;
        }
        found
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }
}

const MS_PER_SECOND: i128 = 1000;
const MS_PER_MINUTE: i128 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: i128 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: i128 = 24 * MS_PER_HOUR;

/// Parses an IAM date value into milliseconds since 1970-01-01T00:00:00Z.
///
/// Accepted forms:
/// - a plain integer of epoch seconds, optionally negative (`1700000000`);
/// - `YYYY-MM-DD` (midnight UTC);
/// - `YYYY-MM-DDTHH:MM`, optionally with `:SS` and then `.` and a fraction of a second
///   (digits past milliseconds are truncated), followed by `Z`, an offset `±HH:MM` or
///   `±HHMM`, or nothing (UTC). `t` and `z` are accepted for `T` and `Z`.
///
/// Ranges are checked: month 1–12, day within the month (leap years included), hour ≤ 23,
/// minute ≤ 59, second ≤ 60 (a leap second counts as the first second of the next minute),
/// offset hours ≤ 23 and offset minutes ≤ 59. Nothing is trimmed.
#[must_use]
pub fn parse_date(s: &str) -> Option<i128> {
    if let Some(seconds) = parse_epoch_seconds(s) {
        return Some(seconds * MS_PER_SECOND);
    }
    let mut cur = Cursor {
        bytes: s.as_bytes(),
        pos: 0,
    };
    let year = cur.digits(4)?;
    if !cur.eat(b'-') {
        return None;
    }
    let month = cur.digits(2)?;
    if !cur.eat(b'-') {
        return None;
    }
    let day = cur.digits(2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let date_ms = days_from_civil(i64::from(year), month, day) * MS_PER_DAY;
    if cur.at_end() {
        return Some(date_ms);
    }
    if !(cur.eat(b'T') || cur.eat(b't')) {
        return None;
    }
    let hour = cur.digits(2)?;
    if !cur.eat(b':') {
        return None;
    }
    let minute = cur.digits(2)?;
    let mut second = 0;
    let mut millis = 0;
    if cur.eat(b':') {
        second = cur.digits(2)?;
        if cur.eat(b'.') {
            let mut count = 0;
            while let Some(digit) = cur.digits(1) {
                if count < 3 {
                    millis = millis * 10 + digit;
                }
                count += 1;
            }
            if count == 0 {
                return None;
            }
            for _ in count..3 {
                millis *= 10;
            }
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let offset_ms = parse_zone(&mut cur)?;
    if !cur.at_end() {
        return None;
    }
    Some(
        date_ms
            + i128::from(hour) * MS_PER_HOUR
            + i128::from(minute) * MS_PER_MINUTE
            + i128::from(second) * MS_PER_SECOND
            + i128::from(millis)
            - offset_ms,
    )
}

/// A plain (optionally negative) integer of epoch seconds.
fn parse_epoch_seconds(s: &str) -> Option<i128> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().map(i128::from)
}

/// The zone designator at the cursor as an offset from UTC in milliseconds: `Z`, `±HH:MM`,
/// `±HHMM`, or nothing.
fn parse_zone(cur: &mut Cursor<'_>) -> Option<i128> {
    let sign = match cur.peek() {
        None => return Some(0),
        Some(b'Z' | b'z') => {
            cur.pos += 1;
            return Some(0);
        }
        Some(b'+') => 1,
        Some(b'-') => -1,
        Some(_) => return None,
    };
    cur.pos += 1;
    let hours = cur.digits(2)?;
    cur.eat(b':');
    let minutes = cur.digits(2)?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (i128::from(hours) * MS_PER_HOUR + i128::from(minutes) * MS_PER_MINUTE))
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
fn is_leap_year(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in `month` (1–12) of `year`.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1–12, day 1–31), after
/// Howard Hinnant's `days_from_civil`.
fn days_from_civil(year: i64, month: u32, day: u32) -> i128 {
    let month = i64::from(month);
    let day = i64::from(day);
    // Count years from March so that the leap day is the last day of the year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400); // 0..=399
    let month_from_march = (month + 9) % 12; // March = 0, February = 11
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1; // 0..=365
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    i128::from(era * 146_097 + day_of_era - 719_468)
}

/// IAM `IpAddress`: whether `ip` lies in `cidr`.
///
/// `cidr` is an IPv4 or IPv6 address with an optional `/n` prefix length; a bare address
/// means `/32` or `/128`. Host bits set in `cidr` are ignored. An IPv4 range never contains
/// an IPv6 address and vice versa (`Some(false)`). Returns `None` when either side does not
/// parse or the prefix length is out of range.
#[must_use]
pub fn ip_in_cidr(cidr: &str, ip: &str) -> Option<bool> {
    let (network, prefix) = match cidr.split_once('/') {
        Some((network, prefix)) => (network, Some(prefix)),
        None => (cidr, None),
    };
    let network: IpAddr = network.parse().ok()?;
    let ip: IpAddr = ip.parse().ok()?;
    let max = if network.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u32>().ok().filter(|n| *n <= max)?
        }
        Some(_) => return None,
    };
    Some(match (network, ip) {
        (IpAddr::V4(network), IpAddr::V4(ip)) => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            u32::from(network) & mask == u32::from(ip) & mask
        }
        (IpAddr::V6(network), IpAddr::V6(ip)) => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            u128::from(network) & mask == u128::from(ip) & mask
        }
        (IpAddr::V4(_), IpAddr::V6(_)) | (IpAddr::V6(_), IpAddr::V4(_)) => false,
    })
}

/// Parses an IAM boolean: `true` or `false`, ASCII case-insensitive.
#[must_use]
pub fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Case-insensitive equality (`StringEqualsIgnoreCase`): the strings are equal after mapping
/// every character through [`char::to_lowercase`].
///
/// Does not allocate; two ASCII strings are compared byte by byte.
#[must_use]
pub fn eq_ignore_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    // Character by character, as `StringSet::exact_ignore_case` builds the set (the two must
    // agree): a character with a one-character lowercase form folds to it, any other to itself.
    a.chars()
        .map(crate::algebra::fold::fold)
        .eq(b.chars().map(crate::algebra::fold::fold))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The evaluator's `IgnoreCase` comparison and the symbolic set agree, non-ASCII included
    /// (`İ` lowercases to two characters, so it equals only itself).
    #[test]
    fn ignore_case_agrees_with_the_string_set() {
        let alphabet = [
            "a", "A", "İ", "i", "I", "\u{307}", "ß", "ẞ", "Σ", "σ", "ς", "K", "\u{212A}", "k",
        ];
        let mut words: Vec<String> = alphabet.iter().map(|s| (*s).to_owned()).collect();
        for x in alphabet {
            for y in alphabet {
                words.push(format!("{x}{y}"));
            }
        }
        for a in &words {
            let set = crate::algebra::StringSet::exact_ignore_case(a);
            for b in &words {
                assert_eq!(eq_ignore_case(a, b), set.contains(b), "{a:?} vs {b:?}");
            }
        }
        assert!(eq_ignore_case("K", "\u{212A}"));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0"), Some(0.0));
        assert_eq!(parse_number("42"), Some(42.0));
        assert_eq!(parse_number("-7"), Some(-7.0));
        assert_eq!(parse_number("3.25"), Some(3.25));
        assert_eq!(parse_number("-0.5"), Some(-0.5));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number("1E+3"), Some(1000.0));
        assert_eq!(parse_number("2.5e-1"), Some(0.25));
        assert_eq!(parse_number("007"), Some(7.0));
        assert_eq!(parse_number("3600"), Some(3600.0));
        for bad in [
            "", "-", "+1", " 1", "1 ", "1.", ".5", "1e", "1e+", "NaN", "nan", "inf", "-inf",
            "infinity", "0x10", "1_000", "1,5", "--1", "1e999", "١",
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn calendar_helpers() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(1970, 1, 2), 1);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2023, 11, 14), 19_675);
        assert_eq!(days_from_civil(0, 1, 1), -719_528);
        assert!(is_leap_year(2000));
        assert!(is_leap_year(2024));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2023));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("2023-11-14T22:13:20Z"), Some(1_700_000_000_000));
        assert_eq!(parse_date("2023-11-14T22:13:20"), Some(1_700_000_000_000));
        assert_eq!(parse_date("2023-11-14t22:13:20z"), Some(1_700_000_000_000));
        assert_eq!(parse_date("2023-11-14T22:13"), Some(1_699_999_980_000));
        assert_eq!(
            parse_date("2023-11-14T22:13:20.5Z"),
            Some(1_700_000_000_500)
        );
        assert_eq!(
            parse_date("2023-11-14T22:13:20.123456Z"),
            Some(1_700_000_000_123)
        );
        assert_eq!(
            parse_date("2023-11-14T22:13:20.07Z"),
            Some(1_700_000_000_070)
        );
        assert_eq!(parse_date("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(parse_date("2020-01-01"), Some(1_577_836_800_000));
    }

    #[test]
    fn leap_days() {
        assert_eq!(parse_date("2024-02-29"), Some(1_709_164_800_000));
        assert_eq!(parse_date("2000-02-29"), Some(951_782_400_000));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("1900-02-29"), None);
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(
            parse_date("2024-03-01").unwrap() - parse_date("2024-02-28").unwrap(),
            2 * MS_PER_DAY
        );
        // A leap second is the first second of the next minute.
        assert_eq!(
            parse_date("2016-12-31T23:59:60Z"),
            parse_date("2017-01-01T00:00:00Z")
        );
    }

    #[test]
    fn date_offsets() {
        let utc = parse_date("2023-11-14T22:13:20Z");
        assert_eq!(parse_date("2023-11-15T00:13:20+02:00"), utc);
        assert_eq!(parse_date("2023-11-15T00:13:20+0200"), utc);
        assert_eq!(parse_date("2023-11-14T17:13:20-05:00"), utc);
        assert_eq!(parse_date("2023-11-14T16:43:20-0530"), utc);
        assert_eq!(parse_date("2023-11-14T22:13:20+00:00"), utc);
        assert_eq!(parse_date("2023-11-14T22:13:20-00:00"), utc);
        assert_eq!(
            parse_date("2023-11-15T00:13+02:00"),
            utc.map(|t| t - 20_000)
        );
    }

    #[test]
    fn epoch_seconds() {
        assert_eq!(parse_date("1700000000"), Some(1_700_000_000_000));
        assert_eq!(parse_date("0"), Some(0));
        assert_eq!(parse_date("-86400"), Some(-MS_PER_DAY));
        assert_eq!(parse_date("2020"), Some(2_020_000));
        assert_eq!(parse_date("99999999999999999999"), None);
    }

    #[test]
    fn bad_dates() {
        for bad in [
            "",
            "-",
            "2023-1-01",
            "2023-01-1",
            "23-01-01",
            "2023/01/01",
            "2023-00-10",
            "2023-13-01",
            "2023-04-31",
            "2023-01-00",
            "2023-01-32",
            "2023-01-01T",
            "2023-01-01T24:00",
            "2023-01-01T23:60",
            "2023-01-01T23:59:61",
            "2023-01-01T1:00",
            "2023-01-01T10",
            "2023-01-01T10:00:00.",
            "2023-01-01T10:00:00.Z",
            "2023-01-01T10:00:00+24:00",
            "2023-01-01T10:00:00+02:60",
            "2023-01-01T10:00:00+02",
            "2023-01-01T10:00:00+2:00",
            "2023-01-01T10:00:00ZZ",
            "2023-01-01T10:00:00 ",
            " 2023-01-01",
            "2023-01-01Z",
            "2023-01-01 10:00:00",
            "1700000000.5",
            "+1700000000",
            "2023-01-01T10:00:00UTC",
        ] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ipv4_cidrs() {
        assert_eq!(ip_in_cidr("203.0.113.0/24", "203.0.113.7"), Some(true));
        assert_eq!(ip_in_cidr("203.0.113.0/24", "203.0.114.7"), Some(false));
        assert_eq!(ip_in_cidr("203.0.113.7", "203.0.113.7"), Some(true));
        assert_eq!(ip_in_cidr("203.0.113.7", "203.0.113.8"), Some(false));
        assert_eq!(ip_in_cidr("203.0.113.7/32", "203.0.113.7"), Some(true));
        assert_eq!(ip_in_cidr("0.0.0.0/0", "198.51.100.1"), Some(true));
        assert_eq!(ip_in_cidr("10.1.2.3/8", "10.200.0.1"), Some(true));
        assert_eq!(ip_in_cidr("10.0.0.0/9", "10.128.0.1"), Some(false));
        assert_eq!(ip_in_cidr("10.0.0.0/33", "10.0.0.1"), None);
        assert_eq!(ip_in_cidr("10.0.0.0/", "10.0.0.1"), None);
        assert_eq!(ip_in_cidr("10.0.0.0/+8", "10.0.0.1"), None);
        assert_eq!(ip_in_cidr("10.0.0.0/-1", "10.0.0.1"), None);
        assert_eq!(ip_in_cidr("10.0.0/8", "10.0.0.1"), None);
        assert_eq!(ip_in_cidr("10.0.0.0/8", "10.0.0"), None);
        assert_eq!(ip_in_cidr("10.0.0.0/8", "not an ip"), None);
        assert_eq!(ip_in_cidr("10.0.0.0/8/8", "10.0.0.1"), None);
        assert_eq!(ip_in_cidr(" 10.0.0.0/8", "10.0.0.1"), None);
    }

    #[test]
    fn ipv6_cidrs() {
        assert_eq!(ip_in_cidr("2001:db8::/32", "2001:db8:1234::1"), Some(true));
        assert_eq!(ip_in_cidr("2001:db8::/32", "2001:db9::1"), Some(false));
        assert_eq!(ip_in_cidr("2001:DB8::/32", "2001:db8::1"), Some(true));
        assert_eq!(ip_in_cidr("2001:db8::1", "2001:db8::1"), Some(true));
        assert_eq!(ip_in_cidr("2001:db8::1", "2001:db8::2"), Some(false));
        assert_eq!(ip_in_cidr("::/0", "fe80::1"), Some(true));
        assert_eq!(ip_in_cidr("2001:db8::/128", "2001:db8::"), Some(true));
        assert_eq!(ip_in_cidr("2001:db8::/129", "2001:db8::"), None);
        assert_eq!(ip_in_cidr("2001:db8::/64", "2001:db8::zz"), None);
    }

    #[test]
    fn mixed_families_never_match() {
        assert_eq!(ip_in_cidr("0.0.0.0/0", "::1"), Some(false));
        assert_eq!(ip_in_cidr("::/0", "127.0.0.1"), Some(false));
        assert_eq!(ip_in_cidr("::ffff:0:0/96", "192.0.2.1"), Some(false));
        assert_eq!(ip_in_cidr("0.0.0.0/0", "::ffff:192.0.2.1"), Some(false));
        // `/64` is valid for IPv6 only.
        assert_eq!(ip_in_cidr("10.0.0.0/64", "::1"), None);
    }

    #[test]
    fn bools() {
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool("TRUE"), Some(true));
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("false"), Some(false));
        assert_eq!(parse_bool("fAlSe"), Some(false));
        for bad in [
            "", "yes", "1", "0", " true", "true ", "tru", "truee", "ｔrue",
        ] {
            assert_eq!(parse_bool(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn ignore_case() {
        assert!(eq_ignore_case("", ""));
        assert!(eq_ignore_case("sts.amazonaws.com", "STS.AmazonAWS.com"));
        assert!(!eq_ignore_case("sts.amazonaws.com", "sts.amazonaws.co"));
        assert!(!eq_ignore_case("a", "ab"));
        assert!(eq_ignore_case("Émile", "éMILE"));
        assert!(eq_ignore_case("ΣΊΣΥΦΟΣ", "σίσυφοσ"));
        assert!(eq_ignore_case("ПРИВЕТ", "привет"));
        assert!(eq_ignore_case("😀A", "😀a"));
        assert!(!eq_ignore_case("😀A", "😃a"));
        assert!(!eq_ignore_case("é", "e"));
        // Simple (one character to one character) folding, SEMANTICS §3.1: `İ` lowercases to
        // two characters, so it equals only itself, neither `i` plus a combining dot nor `i`.
        assert!(!eq_ignore_case("İ", "i\u{307}"));
        assert!(!eq_ignore_case("İ", "i"));
        // Lowercasing, not full case folding: `ß` stays apart from `SS`.
        assert!(!eq_ignore_case("straße", "STRASSE"));
        assert!(eq_ignore_case("K", "\u{212a}")); // Kelvin sign lowercases to `k`.
    }
}

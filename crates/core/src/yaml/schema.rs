//! The YAML 1.2 core schema: which type a scalar has.

use super::YamlValue;
use saphyr_parser::{ScalarStyle, Tag};

/// The handle the parser gives the `!!` (core schema) tags.
const CORE: &str = "tag:yaml.org,2002:";

/// The value of a scalar read as `style` with `tag`.
///
/// Plain untagged scalars are resolved with the core schema; quoted and block scalars are
/// strings, and so is anything tagged `!` (the non-specific tag) or `!!str`. The core tags
/// `!!null`, `!!bool`, `!!int` and `!!float` force their type when the text fits it. Other tags
/// (CloudFormation's `!Ref`, `!Sub`, …) do not change the type.
pub(super) fn resolve(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> YamlValue {
    if let Some(tag) = tag {
        if tag.handle.is_empty() && tag.suffix == "!" {
            return YamlValue::String(text.to_owned());
        }
        if tag.handle == CORE {
            let forced = match tag.suffix.as_str() {
                "str" => Some(YamlValue::String(text.to_owned())),
                "null" => Some(YamlValue::Null),
                "bool" => bool_of(text).map(YamlValue::Bool),
                "int" if is_int(text) => Some(YamlValue::Number(text.to_owned())),
                "float" if is_float(text) || is_int(text) => {
                    Some(YamlValue::Number(text.to_owned()))
                }
                _ => None,
            };
            if let Some(value) = forced {
                return value;
            }
        }
    }
    if style == ScalarStyle::Plain {
        resolve_plain(text)
    } else {
        YamlValue::String(text.to_owned())
    }
}

/// The core-schema value of a plain scalar.
pub(super) fn resolve_plain(text: &str) -> YamlValue {
    if is_null(text) {
        YamlValue::Null
    } else if let Some(b) = bool_of(text) {
        YamlValue::Bool(b)
    } else if is_int(text) || is_float(text) {
        YamlValue::Number(text.to_owned())
    } else {
        YamlValue::String(text.to_owned())
    }
}

/// `null | Null | NULL | ~ | (empty)`.
fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// `true | True | TRUE | false | False | FALSE`.
fn bool_of(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Whether `s` is one or more characters, all matching `pred`.
fn all(s: &str, pred: impl Fn(u8) -> bool) -> bool {
    !s.is_empty() && s.bytes().all(pred)
}

/// `[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+`.
fn is_int(text: &str) -> bool {
    if let Some(octal) = text.strip_prefix("0o") {
        return all(octal, |b| (b'0'..=b'7').contains(&b));
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return all(hex, |b| b.is_ascii_hexdigit());
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    all(digits, |b| b.is_ascii_digit())
}

/// `[-+]?(\.[0-9]+ | [0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.(inf|Inf|INF) |
/// \.nan | \.NaN | \.NAN`.
fn is_float(text: &str) -> bool {
    if matches!(text, ".nan" | ".NaN" | ".NAN") {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if matches!(unsigned, ".inf" | ".Inf" | ".INF") {
        return true;
    }
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (
            unsigned.get(..at).unwrap_or(""),
            unsigned
                .get(at + 1..)
                .map(|e| e.strip_prefix(['-', '+']).unwrap_or(e)),
        ),
        None => (unsigned, None),
    };
    if exponent.is_some_and(|e| !all(e, |b| b.is_ascii_digit())) {
        return false;
    }
    match mantissa.split_once('.') {
        // `.5`
        Some(("", fraction)) => all(fraction, |b| b.is_ascii_digit()),
        // `1.` or `1.5`
        Some((whole, fraction)) => {
            all(whole, |b| b.is_ascii_digit()) && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        None => all(mantissa, |b| b.is_ascii_digit()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> YamlValue {
        resolve(text, ScalarStyle::Plain, None)
    }

    #[test]
    fn core_schema_plain_scalars() {
        for null in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(null), YamlValue::Null, "{null:?}");
        }
        for (text, b) in [
            ("true", true),
            ("True", true),
            ("TRUE", true),
            ("false", false),
        ] {
            assert_eq!(plain(text), YamlValue::Bool(b));
        }
        for number in [
            "0", "-1", "+12", "0o17", "0x1F", "1.5", "-.5", "1.", "1e3", "1.5E-3", ".inf", "-.Inf",
            ".NaN", "+12e+02",
        ] {
            assert_eq!(
                plain(number),
                YamlValue::Number(number.into()),
                "{number:?}"
            );
        }
        for string in [
            "yes",
            "no",
            "on",
            "NULL!",
            "nul",
            "tRue",
            "0o8",
            "0x",
            "0xG",
            "1e",
            "e3",
            ".",
            "+",
            "-",
            "1.2.3",
            "2012-10-17",
            "1_000",
            "0b101",
            "inf",
            "nan",
            ".5.",
            "12:30",
        ] {
            assert_eq!(
                plain(string),
                YamlValue::String(string.into()),
                "{string:?}"
            );
        }
    }

    #[test]
    fn styles_and_tags() {
        let core = |suffix: &str| Tag {
            handle: CORE.into(),
            suffix: suffix.into(),
        };
        let local = Tag {
            handle: "!".into(),
            suffix: "Ref".into(),
        };
        let non_specific = Tag {
            handle: String::new(),
            suffix: "!".into(),
        };
        let s = |v: &str| YamlValue::String(v.into());
        assert_eq!(resolve("true", ScalarStyle::SingleQuoted, None), s("true"));
        assert_eq!(resolve("1", ScalarStyle::DoubleQuoted, None), s("1"));
        assert_eq!(resolve("null", ScalarStyle::Literal, None), s("null"));
        assert_eq!(resolve("1", ScalarStyle::Plain, Some(&core("str"))), s("1"));
        assert_eq!(
            resolve("1", ScalarStyle::Plain, Some(&non_specific)),
            s("1")
        );
        assert_eq!(
            resolve("1", ScalarStyle::DoubleQuoted, Some(&core("int"))),
            YamlValue::Number("1".into())
        );
        assert_eq!(
            resolve("x", ScalarStyle::Plain, Some(&core("null"))),
            YamlValue::Null
        );
        assert_eq!(resolve("x", ScalarStyle::Plain, Some(&core("int"))), s("x"));
        assert_eq!(
            resolve("True", ScalarStyle::SingleQuoted, Some(&core("bool"))),
            YamlValue::Bool(true)
        );
        assert_eq!(resolve("Name", ScalarStyle::Plain, Some(&local)), s("Name"));
        assert_eq!(
            resolve("", ScalarStyle::Plain, Some(&local)),
            YamlValue::Null
        );
    }
}

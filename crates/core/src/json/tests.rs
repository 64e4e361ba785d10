//! Tests of the JSON reader.

use super::*;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Helpers

/// The error from parsing `input`, which must fail.
fn err(input: &str) -> JsonError {
    match parse_str(input) {
        Ok(node) => panic!("{input:?} parsed as {node:?}"),
        Err(e) => {
            // The byte and text entry points agree.
            assert_eq!(parse(input.as_bytes()), Err(e.clone()), "{input:?}");
            e
        }
    }
}

/// The error from parsing `input`, checking its kind and span.
fn err_at(input: &str, kind: JsonErrorKind, start: usize, end: usize) -> JsonError {
    let e = err(input);
    assert_eq!(
        (e.kind, e.span),
        (kind, Span::new(start, end)),
        "{input:?}: {e:?}"
    );
    e
}

/// The tree from parsing `input`, which must succeed.
fn ok(input: &str) -> Node {
    match parse_str(input) {
        Ok(node) => {
            assert_eq!(parse(input.as_bytes()).as_ref(), Ok(&node), "{input:?}");
            node
        }
        Err(e) => panic!("{input:?} failed: {e:?}"),
    }
}

/// The span of the first occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str) -> Span {
    let start = text.find(needle).unwrap();
    Span::new(start, start + needle.len())
}

/// `node` as a `serde_json::Value` (the last of duplicate keys wins, as in serde_json).
fn to_serde(node: &Node) -> serde_json::Value {
    match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::Value::Number(serde_json::from_str(n).unwrap()),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_serde).collect()),
        Value::Object(members) => serde_json::Value::Object(
            members
                .iter()
                .map(|m| (m.key.clone(), to_serde(&m.value)))
                .collect(),
        ),
    }
}

/// Every span in `node`, keys included.
fn spans(node: &Node, out: &mut Vec<Span>) {
    out.push(node.span);
    match &node.value {
        Value::Array(items) => items.iter().for_each(|n| spans(n, out)),
        Value::Object(members) => {
            for m in members {
                out.push(m.key_span);
                spans(&m.value, out);
            }
        }
        _ => {}
    }
}

/// Check that every span of `node` lies within `text` on character boundaries, and that each
/// node's text is consistent with its value.
fn check_spans(text: &str, node: &Node) {
    let mut all = Vec::new();
    spans(node, &mut all);
    for span in all {
        assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
    }
    check_node_text(text, node);
}

/// Check that the text under each node's span reads back as that node.
fn check_node_text(text: &str, node: &Node) {
    let src = &text[node.span.start..node.span.end];
    match &node.value {
        Value::Null => assert_eq!(src, "null"),
        Value::Bool(b) => assert_eq!(src, b.to_string()),
        Value::Number(n) => assert_eq!(src, n),
        Value::String(s) => {
            assert!(src.starts_with('"') && src.ends_with('"') && src.len() >= 2);
            let (decoded, map) = unescape_with_map(&src[1..src.len() - 1]).unwrap();
            assert_eq!(&decoded, s);
            assert_eq!(map.len(), decoded.len() + 1);
        }
        Value::Array(items) => {
            assert!(src.starts_with('[') && src.ends_with(']'));
            items.iter().for_each(|n| check_node_text(text, n));
        }
        Value::Object(members) => {
            assert!(src.starts_with('{') && src.ends_with('}'));
            for m in members {
                let key_src = &text[m.key_span.start..m.key_span.end];
                let (decoded, _) = unescape_with_map(&key_src[1..key_src.len() - 1]).unwrap();
                assert_eq!(decoded, m.key);
                assert!(m.key_span.end <= m.value.span.start);
                check_node_text(text, &m.value);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values and spans

#[test]
fn scalars() {
    assert_eq!(ok("null").value, Value::Null);
    assert_eq!(ok(" true ").value, Value::Bool(true));
    assert_eq!(ok(" true ").span, Span::new(1, 5));
    assert_eq!(ok("false").value, Value::Bool(false));
    assert_eq!(ok("\"\"").value, Value::String(String::new()));
    assert_eq!(ok("\r\n\t \"x\"").span, Span::new(4, 7));
    assert_eq!(ok("[]").value, Value::Array(vec![]));
    assert_eq!(ok("{ }").value, Value::Object(vec![]));
    assert_eq!(ok("{ }").span, Span::new(0, 3));
}

#[test]
fn numbers_are_kept_verbatim() {
    let text = "[1.0, -0, 1e3, 1E+3, -12.5e-7, 0, 123456789012345678901234567890, 0.000]";
    let node = ok(text);
    let numbers: Vec<&str> = node
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_number().unwrap())
        .collect();
    assert_eq!(
        numbers,
        [
            "1.0",
            "-0",
            "1e3",
            "1E+3",
            "-12.5e-7",
            "0",
            "123456789012345678901234567890",
            "0.000"
        ]
    );
    assert_eq!(node.as_array().unwrap()[4].span, span_of(text, "-12.5e-7"));
}

#[test]
fn escapes_are_decoded() {
    let node = ok(r#""a\"b\\c\/d\b\f\n\r\t\u00e9\u00E9\ud83d\ude00\uD83D\uDE00\u0000z""#);
    assert_eq!(node.as_str(), Some("a\"b\\c/d\u{8}\u{c}\n\r\téé😀😀\u{0}z"));
}

#[test]
fn spans_of_keys_and_values_are_exact_with_non_ascii_text() {
    let text =
        "{\"é\": \"日本\", \"k\": [1, \"ü\\u00fc\"], \"n\": null, \"x\\ny\": {\"😀\": true}}";
    let node = ok(text);
    let members = node.as_object().unwrap();
    assert_eq!(node.span, Span::new(0, text.len()));
    assert_eq!(members.len(), 4);

    assert_eq!(members[0].key, "é");
    assert_eq!(members[0].key_span, span_of(text, "\"é\""));
    assert_eq!(members[0].value.span, span_of(text, "\"日本\""));
    assert_eq!(members[0].value.as_str(), Some("日本"));

    assert_eq!(members[1].key_span, span_of(text, "\"k\""));
    let array = &members[1].value;
    assert_eq!(array.span, span_of(text, "[1, \"ü\\u00fc\"]"));
    let items = array.as_array().unwrap();
    assert_eq!(items[0].span, span_of(text, "1"));
    assert_eq!(items[1].span, span_of(text, "\"ü\\u00fc\""));
    assert_eq!(items[1].as_str(), Some("üü"));

    assert_eq!(members[2].value.span, span_of(text, "null"));
    assert!(members[2].value.is_null());

    assert_eq!(members[3].key, "x\ny");
    assert_eq!(members[3].key_span, span_of(text, "\"x\\ny\""));
    let inner = &members[3].value;
    assert_eq!(inner.span, span_of(text, "{\"😀\": true}"));
    assert_eq!(
        inner.as_object().unwrap()[0].key_span,
        span_of(text, "\"😀\"")
    );
    assert_eq!(inner.get("😀").unwrap().span, span_of(text, "true"));
    check_spans(text, &node);
}

#[test]
fn duplicate_keys_are_kept_in_order() {
    let text = r#"{"a": 1, "a": 2, "b": 3, "a": 4}"#;
    let node = ok(text);
    let members = node.as_object().unwrap();
    let keys: Vec<&str> = members.iter().map(|m| m.key.as_str()).collect();
    assert_eq!(keys, ["a", "a", "b", "a"]);
    let values: Vec<&str> = members
        .iter()
        .map(|m| m.value.as_number().unwrap())
        .collect();
    assert_eq!(values, ["1", "2", "3", "4"]);
    assert_eq!(members[1].key_span, Span::new(9, 12));
    assert_eq!(node.get("a").unwrap().as_number(), Some("4"));
    assert_eq!(node.get("a").unwrap().span, Span::new(30, 31));
    assert_eq!(node.get("b").unwrap().as_number(), Some("3"));
    assert_eq!(node.get("c"), None);
    assert_eq!(node.members_named("a").count(), 3);
    assert_eq!(node.members_named("b").count(), 1);
    // Keys compare exactly.
    assert_eq!(ok(r#"{"A": 1}"#).get("a"), None);
    // Escaped and unescaped spellings of a key are the same key.
    assert_eq!(ok(r#"{"a": 1, "\u0061": 2}"#).members_named("a").count(), 2);
}

#[test]
fn node_accessors() {
    let node = ok(r#"{"s": "x", "o": {}, "a": [], "n": 1, "b": false, "z": null}"#);
    let kinds: Vec<&str> = node
        .as_object()
        .unwrap()
        .iter()
        .map(|m| m.value.kind_name())
        .collect();
    assert_eq!(
        kinds,
        [
            "a string",
            "an object",
            "an array",
            "a number",
            "a boolean",
            "null"
        ]
    );
    assert_eq!(node.kind_name(), "an object");
    assert_eq!(node.get("s").unwrap().as_str(), Some("x"));
    assert_eq!(node.get("s").unwrap().as_object(), None);
    assert_eq!(node.get("o").unwrap().as_object(), Some(&[][..]));
    assert_eq!(node.get("a").unwrap().as_array(), Some(&[][..]));
    assert_eq!(node.get("a").unwrap().as_str(), None);
    assert_eq!(node.get("b").unwrap().as_bool(), Some(false));
    assert_eq!(node.get("n").unwrap().as_bool(), None);
    assert_eq!(node.get("s").unwrap().get("s"), None);
    assert_eq!(node.get("a").unwrap().members_named("s").count(), 0);
}

#[test]
fn bom_is_skipped_and_counted_in_spans() {
    let node = parse(b"\xEF\xBB\xBF{\"a\": 1}").unwrap();
    assert_eq!(node.span, Span::new(3, 11));
    assert_eq!(node.as_object().unwrap()[0].key_span, Span::new(4, 7));
    assert_eq!(node.get("a").unwrap().span, Span::new(9, 10));
    assert_eq!(parse_str("\u{feff}[]").unwrap().span, Span::new(3, 5));
    assert_eq!(parse_str("\u{feff} \n[]").unwrap().span, Span::new(5, 7));
    // Only at the very start.
    let e = err_at("[\u{feff}1]", JsonErrorKind::UnexpectedCharacter, 1, 4);
    assert_eq!(
        e.message,
        "expected a value or `]`, found the character U+FEFF"
    );
    err_at(" \u{feff}[]", JsonErrorKind::UnexpectedCharacter, 1, 4);
    // Two BOMs: the second is not skipped.
    err_at(
        "\u{feff}\u{feff}[]",
        JsonErrorKind::UnexpectedCharacter,
        3,
        6,
    );
}

#[test]
fn nesting_up_to_max_depth_is_accepted() {
    let text = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    let mut node = &ok(&text);
    let mut depth = 1;
    while let Some([inner]) = node.as_array() {
        node = inner;
        depth += 1;
    }
    assert_eq!(depth, MAX_DEPTH);
    assert_eq!(node.span, Span::new(MAX_DEPTH - 1, MAX_DEPTH + 1));

    let text = format!(
        "{}1{}",
        "{\"a\":[".repeat(MAX_DEPTH / 2),
        "]}".repeat(MAX_DEPTH / 2)
    );
    ok(&text);
}

// ---------------------------------------------------------------------------------------------
// Errors, by kind

#[test]
fn empty() {
    let e = err_at("", JsonErrorKind::Empty, 0, 0);
    assert_eq!(e.message, "the document is empty");
    assert_eq!(e.help.as_deref(), Some("write a JSON value, such as `{}`"));
    err_at(" \n\t\r ", JsonErrorKind::Empty, 0, 5);
    assert_eq!(
        parse(b"\xEF\xBB\xBF").unwrap_err().kind,
        JsonErrorKind::Empty
    );
    assert_eq!(parse(b"\xEF\xBB\xBF  ").unwrap_err().span, Span::new(0, 5));
}

#[test]
fn invalid_utf8() {
    let e = parse(b"{\"a\": \"\xff\"}").unwrap_err();
    assert_eq!(e.kind, JsonErrorKind::InvalidUtf8);
    assert_eq!(e.span, Span::new(7, 8));
    assert_eq!(e.message, "the file is not valid UTF-8 (invalid byte 0xff)");
    assert_eq!(e.help.as_deref(), Some("save the file as UTF-8"));

    let e = parse(b"\xff").unwrap_err();
    assert_eq!(
        (e.kind, e.span),
        (JsonErrorKind::InvalidUtf8, Span::new(0, 1))
    );

    // An invalid sequence is located at its first byte.
    let e = parse(b"[\"\xe2\x82A\"]").unwrap_err();
    assert_eq!(e.span, Span::new(2, 4));
    assert_eq!(e.message, "the file is not valid UTF-8 (invalid byte 0xe2)");

    // A sequence cut off by the end of the input.
    let e = parse(b"[\"\xe2\x82").unwrap_err();
    assert_eq!(
        (e.kind, e.span),
        (JsonErrorKind::InvalidUtf8, Span::new(2, 4))
    );
    assert_eq!(
        e.message,
        "the file is not valid UTF-8 (it ends in the middle of a character)"
    );

    // UTF-16 is not UTF-8.
    let e = parse(b"\xff\xfe{\0}\0").unwrap_err();
    assert_eq!(
        (e.kind, e.span),
        (JsonErrorKind::InvalidUtf8, Span::new(0, 1))
    );
    // Invalid UTF-8 is reported even where the JSON is also wrong.
    let e = parse(b"x \xc0").unwrap_err();
    assert_eq!(
        (e.kind, e.span),
        (JsonErrorKind::InvalidUtf8, Span::new(2, 3))
    );
}

#[test]
fn unexpected_character() {
    let e = err_at("[1 2]", JsonErrorKind::UnexpectedCharacter, 3, 4);
    assert_eq!(
        e.message,
        "expected `,` or `]` after an array element, found `2`"
    );
    assert_eq!(e.help.as_deref(), Some("add a `,` between the elements"));

    let e = err_at(
        "{\"a\": 1 \"b\": 2}",
        JsonErrorKind::UnexpectedCharacter,
        8,
        9,
    );
    assert_eq!(
        e.message,
        "expected `,` or `}` after an object member, found `\"`"
    );
    assert_eq!(e.help.as_deref(), Some("add a `,` between the members"));

    let e = err_at("{\"a\" 1}", JsonErrorKind::UnexpectedCharacter, 5, 6);
    assert_eq!(e.message, "expected `:` after the object key, found `1`");
    assert_eq!(
        e.help.as_deref(),
        Some("add a `:` between the key and its value")
    );

    let e = err_at("{\"a\" = 1}", JsonErrorKind::UnexpectedCharacter, 5, 6);
    assert_eq!(
        e.help.as_deref(),
        Some("write `:` between a key and its value")
    );
    let e = err_at("{\"a\", \"b\"}", JsonErrorKind::UnexpectedCharacter, 4, 5);
    assert_eq!(
        e.help.as_deref(),
        Some("every key needs a value: write `\"key\": value`")
    );

    let e = err_at("[1}", JsonErrorKind::UnexpectedCharacter, 2, 3);
    assert_eq!(e.help.as_deref(), Some("close the array with `]`"));
    let e = err_at("{\"a\": 1]", JsonErrorKind::UnexpectedCharacter, 7, 8);
    assert_eq!(e.help.as_deref(), Some("close the object with `}`"));
    let e = err_at("[\"a\": 1]", JsonErrorKind::UnexpectedCharacter, 4, 5);
    assert!(e.help.unwrap().contains("use an object"));

    let e = err_at("[,1]", JsonErrorKind::UnexpectedCharacter, 1, 2);
    assert_eq!(e.message, "expected a value or `]`, found `,`");
    assert_eq!(e.help.as_deref(), Some("remove the extra comma"));
    let e = err_at("[1,,2]", JsonErrorKind::UnexpectedCharacter, 3, 4);
    assert_eq!(e.message, "expected a value after `,`, found `,`");
    let e = err_at("{,}", JsonErrorKind::UnexpectedCharacter, 1, 2);
    assert_eq!(e.message, "expected a string key or `}`, found `,`");
    let e = err_at("{\"a\":}", JsonErrorKind::UnexpectedCharacter, 5, 6);
    assert_eq!(e.message, "expected a value after `:`, found `}`");
    let e = err_at("{1: 2}", JsonErrorKind::UnexpectedCharacter, 1, 2);
    assert_eq!(e.message, "expected a string key or `}`, found `1`");
    assert_eq!(
        e.help.as_deref(),
        Some("object keys are strings in double quotes, such as `\"key\"`")
    );
    let e = err_at("]", JsonErrorKind::UnexpectedCharacter, 0, 1);
    assert_eq!(e.message, "expected a JSON value, found `]`");
    assert_eq!(e.help, None);
    let e = err_at("[é]", JsonErrorKind::UnexpectedCharacter, 1, 3);
    assert_eq!(e.message, "expected a value or `]`, found `é`");
    let e = err_at("[`]", JsonErrorKind::UnexpectedCharacter, 1, 2);
    assert_eq!(e.message, "expected a value or `]`, found a backtick");

    // Whitespace that JSON does not allow.
    let e = err_at("[1,\u{a0}2]", JsonErrorKind::UnexpectedCharacter, 3, 5);
    assert_eq!(
        e.message,
        "expected a value after `,`, found the character U+00A0"
    );
    assert!(e.help.unwrap().starts_with("JSON whitespace is only space"));
    let e = err_at("\u{c}1", JsonErrorKind::UnexpectedCharacter, 0, 1);
    assert_eq!(
        e.message,
        "expected a JSON value, found the character U+000C"
    );
}

#[test]
fn comments() {
    let e = err_at("{\"a\": 1 # c\n}", JsonErrorKind::UnexpectedCharacter, 8, 9);
    assert_eq!(
        e.message,
        "expected `,` or `}` after an object member, found `#`"
    );
    assert_eq!(
        e.help.as_deref(),
        Some("JSON has no comments; remove the comment")
    );

    let e = err_at("// c\n{}", JsonErrorKind::UnexpectedCharacter, 0, 2);
    assert_eq!(e.message, "expected a JSON value, found `//`");
    assert_eq!(
        e.help.as_deref(),
        Some("JSON has no comments; remove the comment")
    );
    let e = err_at("{/* c */}", JsonErrorKind::UnexpectedCharacter, 1, 3);
    assert_eq!(e.message, "expected a string key or `}`, found `/*`");
    let e = err_at("[1, // c\n2]", JsonErrorKind::UnexpectedCharacter, 4, 6);
    assert_eq!(e.message, "expected a value after `,`, found `//`");
    let e = err_at(
        "{\"a\" /* c */: 1}",
        JsonErrorKind::UnexpectedCharacter,
        5,
        7,
    );
    assert_eq!(e.message, "expected `:` after the object key, found `/*`");
    // A lone slash is not a comment.
    let e = err_at("[/]", JsonErrorKind::UnexpectedCharacter, 1, 2);
    assert_eq!(e.help, None);
}

#[test]
fn trailing_commas() {
    let e = err_at("[1,]", JsonErrorKind::UnexpectedCharacter, 2, 3);
    assert_eq!(e.message, "trailing comma before `]`");
    assert_eq!(e.help.as_deref(), Some("remove the comma"));
    let e = err_at("{\"a\": 1,}", JsonErrorKind::UnexpectedCharacter, 7, 8);
    assert_eq!(e.message, "trailing comma before `}`");
    assert_eq!(e.help.as_deref(), Some("remove the comma"));
    err_at(
        "{\n  \"a\": [1, 2],\n}\n",
        JsonErrorKind::UnexpectedCharacter,
        15,
        16,
    );
    err_at("[[],\n\t]", JsonErrorKind::UnexpectedCharacter, 3, 4);
}

#[test]
fn unquoted_keys_and_bare_words() {
    let e = err_at(
        "{Effect: \"Allow\"}",
        JsonErrorKind::UnexpectedCharacter,
        1,
        7,
    );
    assert_eq!(
        e.message,
        "expected a string key or `}`, found the unquoted key `Effect`"
    );
    assert_eq!(
        e.help.as_deref(),
        Some("object keys are strings in double quotes: write `\"Effect\"`")
    );
    let e = err_at(
        "{\"a\": 1, b_2: 2}",
        JsonErrorKind::UnexpectedCharacter,
        9,
        12,
    );
    assert_eq!(
        e.message,
        "expected a string key after `,`, found the unquoted key `b_2`"
    );

    let e = err_at("True", JsonErrorKind::UnexpectedCharacter, 0, 4);
    assert_eq!(e.message, "expected a JSON value, found `True`");
    assert_eq!(
        e.help.as_deref(),
        Some("JSON literals are lowercase: write `true`")
    );
    let e = err_at("[undefined]", JsonErrorKind::UnexpectedCharacter, 1, 10);
    assert_eq!(e.help.as_deref(), Some("write `null`"));
    let e = err_at("{\"a\": Allow}", JsonErrorKind::UnexpectedCharacter, 6, 11);
    assert_eq!(e.message, "expected a value after `:`, found `Allow`");
    assert_eq!(
        e.help.as_deref(),
        Some("strings must be in double quotes: write `\"Allow\"`")
    );
    // A word that starts like a literal.
    let e = err_at("[nul]", JsonErrorKind::UnexpectedCharacter, 1, 4);
    assert_eq!(e.message, "expected a value or `]`, found `nul`");
    let e = err_at("truex", JsonErrorKind::UnexpectedCharacter, 0, 5);
    assert_eq!(e.message, "expected a JSON value, found `truex`");
    // A long word is cut short in the message.
    let long = "x".repeat(100);
    let e = err_at(&long, JsonErrorKind::UnexpectedCharacter, 0, 100);
    assert_eq!(
        e.message,
        format!("expected a JSON value, found `{}…`", "x".repeat(40))
    );
}

#[test]
fn unexpected_end() {
    let e = err_at("{\"a\": [1,", JsonErrorKind::UnexpectedEnd, 9, 9);
    assert_eq!(
        e.message,
        "unexpected end of input: the document is truncated"
    );
    assert_eq!(
        e.help.as_deref(),
        Some("the document ends where a value after `,` was expected; complete it")
    );
    for input in [
        "[",
        "{",
        "[1",
        "[1 ",
        "{\"a\"",
        "{\"a\":",
        "{\"a\": 1",
        "-",
        "1.",
        "1e",
        "1e+",
        "-0.",
        "t",
        "tru",
        "fals",
        "nul",
        "[nul",
        "\"",
        "\"abc",
        "\"a\\",
        "\"\\u12",
        "\"\\ud800",
        "\"\\ud800\\",
        "\"\\ud800\\u",
        "\"\\ud800\\udc",
        "[\"a\\\"",
    ] {
        let e = err_at(
            input,
            JsonErrorKind::UnexpectedEnd,
            input.len(),
            input.len(),
        );
        assert_eq!(
            e.message,
            "unexpected end of input: the document is truncated"
        );
    }
    let e = err("\"abc");
    assert_eq!(
        e.help.as_deref(),
        Some("a string is not closed; add the closing `\"`")
    );
}

#[test]
fn trailing_data() {
    let e = err_at("{} x", JsonErrorKind::TrailingData, 3, 4);
    assert_eq!(e.message, "unexpected `x` after the end of the JSON value");
    assert_eq!(
        e.help.as_deref(),
        Some("a document holds exactly one JSON value; remove the extra text, or wrap all the values in one array")
    );
    err_at("1 2", JsonErrorKind::TrailingData, 2, 3);
    err_at("{}{}", JsonErrorKind::TrailingData, 2, 3);
    err_at("\"a\"\"b\"", JsonErrorKind::TrailingData, 3, 4);
    err_at("[]\n\n é", JsonErrorKind::TrailingData, 5, 7);
    let e = err_at("{}}", JsonErrorKind::TrailingData, 2, 3);
    assert_eq!(
        e.help.as_deref(),
        Some("remove the extra closing bracket, or add the matching opening one")
    );
    let e = err_at("{},", JsonErrorKind::TrailingData, 2, 3);
    assert_eq!(
        e.help.as_deref(),
        Some("remove the comma: a document holds exactly one JSON value")
    );
    let e = err_at("{} // end", JsonErrorKind::TrailingData, 3, 5);
    assert_eq!(e.message, "unexpected `//` after the end of the JSON value");
    assert_eq!(
        e.help.as_deref(),
        Some("JSON has no comments; remove the comment")
    );
    // Trailing whitespace is fine.
    ok("{} \n\r\t ");
    // A number runs as far as the grammar allows; the rest is trailing data.
    let e = err_at("1.5.3", JsonErrorKind::TrailingData, 3, 5);
    assert_eq!(e.message, "unexpected `.3` after the end of the JSON value");
    err_at("0x1F", JsonErrorKind::TrailingData, 1, 4);
    err_at("-0-", JsonErrorKind::TrailingData, 2, 3);
    err_at("null\0", JsonErrorKind::TrailingData, 4, 5);
}

#[test]
fn invalid_number() {
    let e = err_at("01", JsonErrorKind::InvalidNumber, 0, 2);
    assert_eq!(
        e.message,
        "invalid number `01`: JSON numbers cannot have leading zeros"
    );
    assert_eq!(e.help.as_deref(), Some("write `1`"));
    let e = err_at("[-007.5]", JsonErrorKind::InvalidNumber, 1, 5);
    assert_eq!(e.help.as_deref(), Some("write `-7`"));
    let e = err_at("00", JsonErrorKind::InvalidNumber, 0, 2);
    assert_eq!(e.help.as_deref(), Some("write `0`"));

    let e = err_at("[1.x]", JsonErrorKind::InvalidNumber, 3, 4);
    assert_eq!(
        e.message,
        "invalid number: expected a digit after the decimal point, found `x`"
    );
    assert_eq!(e.help.as_deref(), Some("write `1.0` or `1`"));
    let e = err_at("[-12.]", JsonErrorKind::InvalidNumber, 5, 6);
    assert_eq!(
        e.message,
        "invalid number: expected a digit after the decimal point, found `]`"
    );
    assert_eq!(e.help.as_deref(), Some("write `-12.0` or `-12`"));
    let e = err_at("1e+]", JsonErrorKind::InvalidNumber, 3, 4);
    assert_eq!(
        e.message,
        "invalid number: expected a digit in the exponent, found `]`"
    );
    let e = err_at("- 1", JsonErrorKind::InvalidNumber, 1, 2);
    assert_eq!(
        e.message,
        "invalid number: expected a digit after `-`, found the character U+0020"
    );

    let e = err_at("+1", JsonErrorKind::InvalidNumber, 0, 2);
    assert_eq!(e.message, "expected a JSON value, found `+1`");
    assert_eq!(
        e.help.as_deref(),
        Some("JSON numbers have no leading `+`: write `1`")
    );
    let e = err_at("[.5e3]", JsonErrorKind::InvalidNumber, 1, 5);
    assert_eq!(e.message, "expected a value or `]`, found `.5e3`");
    assert_eq!(e.help.as_deref(), Some("write `0.5e3`"));

    let e = err_at("NaN", JsonErrorKind::InvalidNumber, 0, 3);
    assert_eq!(e.message, "expected a JSON value, found `NaN`");
    assert_eq!(
        e.help.as_deref(),
        Some("JSON has no NaN or Infinity; write a number, or `null`")
    );
    err_at("[Infinity]", JsonErrorKind::InvalidNumber, 1, 9);
    let e = err_at("-Infinity", JsonErrorKind::InvalidNumber, 1, 9);
    assert_eq!(
        e.message,
        "invalid number: expected a digit after `-`, found `Infinity`"
    );
    assert_eq!(
        e.help.as_deref(),
        Some("JSON has no NaN or Infinity; write a number, or `null`")
    );
}

#[test]
fn invalid_string() {
    let e = err_at("['a']", JsonErrorKind::InvalidString, 1, 4);
    assert_eq!(
        e.message,
        "expected a value or `]`, found the single-quoted string `'a'`"
    );
    assert_eq!(
        e.help.as_deref(),
        Some("JSON strings use double quotes: write `\"a\"`")
    );
    let e = err_at("{'Effect': 'Allow'}", JsonErrorKind::InvalidString, 1, 9);
    assert_eq!(
        e.message,
        "expected a string key or `}`, found the single-quoted string `'Effect'`"
    );
    let e = err_at("['say \"hi\"']", JsonErrorKind::InvalidString, 1, 11);
    assert_eq!(
        e.help.as_deref(),
        Some("JSON strings use double quotes: write `\"say \\\"hi\\\"\"`")
    );
    // Not closed on the same line.
    let e = err_at("['a\n']", JsonErrorKind::InvalidString, 1, 2);
    assert_eq!(e.message, "expected a value or `]`, found `'`");
}

#[test]
fn invalid_escape() {
    let e = err_at(r#""a\xb""#, JsonErrorKind::InvalidEscape, 2, 4);
    assert_eq!(e.message, "invalid escape `\\x` in a string");
    assert!(e.help.unwrap().starts_with("the escapes are"));
    let e = err_at(r#""\'""#, JsonErrorKind::InvalidEscape, 1, 3);
    assert_eq!(
        e.help.as_deref(),
        Some("a single quote needs no escape: write `'`")
    );
    err_at("\"\\é\"", JsonErrorKind::InvalidEscape, 1, 4);
    err_at("\"\\U0041\"", JsonErrorKind::InvalidEscape, 1, 3);

    let e = err_at(r#"["\u12G4"]"#, JsonErrorKind::InvalidEscape, 2, 7);
    assert_eq!(
        e.message,
        "invalid escape `\\u12G` in a string: `\\u` must be followed by four hexadecimal digits"
    );
    err_at(r#""\u12""#, JsonErrorKind::InvalidEscape, 1, 6);
    // The bad character is quoted escaped in the message.
    let e = err_at("\"\\u1\n\"", JsonErrorKind::InvalidEscape, 1, 5);
    assert_eq!(
        e.message,
        "invalid escape `\\u1\\n` in a string: `\\u` must be followed by four hexadecimal digits"
    );

    let e = err_at(r#"{"k": "\ud800"}"#, JsonErrorKind::InvalidEscape, 7, 13);
    assert_eq!(e.message, "unpaired surrogate `\\ud800` in a string");
    err_at(r#""\udc00""#, JsonErrorKind::InvalidEscape, 1, 7);
    err_at(r#""x\ud800\u0041""#, JsonErrorKind::InvalidEscape, 2, 8);
    err_at(r#""\ud800\ud800""#, JsonErrorKind::InvalidEscape, 1, 7);
    err_at(r#""\udc00\ud800""#, JsonErrorKind::InvalidEscape, 1, 7);
    err_at(r#""\ud800\n""#, JsonErrorKind::InvalidEscape, 1, 7);
    err_at(r#""\ud800x""#, JsonErrorKind::InvalidEscape, 1, 7);
    // The low half's own digits are checked too; the span covers the pair.
    let e = err_at(r#""\ud800\uZ""#, JsonErrorKind::InvalidEscape, 1, 10);
    assert_eq!(
        e.message,
        "invalid escape `\\ud800\\uZ` in a string: `\\u` must be followed by four hexadecimal digits"
    );
}

#[test]
fn control_character() {
    let e = err_at("\"a\nb\"", JsonErrorKind::ControlCharacter, 2, 3);
    assert_eq!(e.message, "unescaped line break (U+000A) in a string");
    assert!(e.help.unwrap().contains("`\\n`"));
    let e = err_at("[\"\u{1}\"]", JsonErrorKind::ControlCharacter, 2, 3);
    assert_eq!(e.message, "unescaped control character U+0001 in a string");
    assert_eq!(e.help.as_deref(), Some("write it as `\\u0001`"));
    let e = err_at("\"\t\"", JsonErrorKind::ControlCharacter, 1, 2);
    assert_eq!(e.message, "unescaped tab (U+0009) in a string");
    err_at("\"\r\"", JsonErrorKind::ControlCharacter, 1, 2);
    err_at("\"\\n\0\"", JsonErrorKind::ControlCharacter, 3, 4);
    err_at("{\"a\u{1f}\": 1}", JsonErrorKind::ControlCharacter, 3, 4);
    // DEL and C1 controls are allowed.
    assert_eq!(ok("\"\u{7f}\u{85}\"").as_str(), Some("\u{7f}\u{85}"));
}

#[test]
fn too_deep() {
    let text = "[".repeat(MAX_DEPTH + 1);
    let e = err_at(&text, JsonErrorKind::TooDeep, MAX_DEPTH, MAX_DEPTH + 1);
    assert_eq!(e.message, "nesting deeper than 128 levels");
    assert!(e.help.is_some());

    let text = format!("{}{}", "[".repeat(129), "]".repeat(129));
    err_at(&text, JsonErrorKind::TooDeep, 128, 129);

    // Objects count too, and whitespace does not matter.
    let text = format!("{} {{", "{\"a\": [".repeat(64));
    let start = text.len() - 1;
    err_at(&text, JsonErrorKind::TooDeep, start, start + 1);
}

#[test]
fn hundred_thousand_nested_brackets_are_too_deep_not_a_stack_overflow() {
    let text = "[".repeat(100_000);
    err_at(&text, JsonErrorKind::TooDeep, 128, 129);
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    err_at(&text, JsonErrorKind::TooDeep, 128, 129);
    let text = "{\"a\":".repeat(100_000);
    err_at(&text, JsonErrorKind::TooDeep, 128 * 5, 128 * 5 + 1);
    let text = "[{\"a\":".repeat(50_000);
    err_at(&text, JsonErrorKind::TooDeep, 64 * 6, 64 * 6 + 1);
}

#[test]
fn messages_follow_the_style() {
    let inputs = [
        "",
        "{",
        "[1,]",
        "{\"a\" 1}",
        "{a: 1}",
        "// x",
        "#",
        "/* */",
        "'a'",
        "NaN",
        "+1",
        ".5",
        "01",
        "1.",
        "1.x",
        "\"\\x\"",
        "\"\\ud800\"",
        "\"\n\"",
        "{} x",
        "[1 2]",
        "True",
        "\u{a0}",
        "[}",
        "{]",
        "{\"a\":1,}",
        "-x",
        "1ex",
        "\"\\u12x4\"",
        "[-]",
        "{\"a\"=1}",
    ];
    let deep = "[".repeat(200);
    for input in inputs.iter().copied().chain([deep.as_str()]) {
        let e = err(input);
        let first = e.message.chars().next().unwrap();
        assert!(!first.is_uppercase(), "{input:?}: {}", e.message);
        assert!(!e.message.ends_with('.'), "{input:?}: {}", e.message);
        assert!(!e.message.contains('\n'), "{input:?}: {}", e.message);
        assert_eq!(e.to_string(), e.message);
        if let Some(help) = &e.help {
            assert!(!help.ends_with('.'), "{input:?}: {help}");
            assert!(!help.contains('\n'), "{input:?}: {help}");
        }
        // Backticks are balanced.
        assert_eq!(
            e.message.matches('`').count() % 2,
            0,
            "{input:?}: {}",
            e.message
        );
    }
    let bad_utf8 = parse(b"\xff").unwrap_err();
    assert!(!bad_utf8.message.ends_with('.'));
}

// ---------------------------------------------------------------------------------------------
// unescape_with_map

#[test]
fn unescape_with_map_plain_text() {
    assert_eq!(unescape_with_map(""), Some((String::new(), vec![0])));
    assert_eq!(
        unescape_with_map("abc"),
        Some(("abc".to_owned(), vec![0, 1, 2, 3]))
    );
    // Each byte of an unescaped multi-byte character maps to itself.
    assert_eq!(
        unescape_with_map("é!"),
        Some(("é!".to_owned(), vec![0, 1, 2, 3]))
    );
}

#[test]
fn unescape_with_map_escapes() {
    assert_eq!(
        unescape_with_map(r"a\nb"),
        Some(("a\nb".to_owned(), vec![0, 1, 3, 4]))
    );
    assert_eq!(
        unescape_with_map(r#"\"\\\/\b\f\r\t"#),
        Some((
            "\"\\/\u{8}\u{c}\r\t".to_owned(),
            vec![0, 2, 4, 6, 8, 10, 12, 14]
        ))
    );
    // Every byte of a character from `\u00e9` maps to the backslash.
    assert_eq!(
        unescape_with_map(r"\u00e9x"),
        Some(("éx".to_owned(), vec![0, 0, 6, 7]))
    );
    assert_eq!(
        unescape_with_map("é\\t"),
        Some(("é\t".to_owned(), vec![0, 1, 2, 4]))
    );
    assert_eq!(
        unescape_with_map(r"x\u2028"),
        Some(("x\u{2028}".to_owned(), vec![0, 1, 1, 1, 7]))
    );
}

#[test]
fn unescape_with_map_surrogate_pairs() {
    assert_eq!(
        unescape_with_map(r"\ud83d\ude00!"),
        Some(("😀!".to_owned(), vec![0, 0, 0, 0, 12, 13]))
    );
    assert_eq!(
        unescape_with_map(r"a\uD834\uDD1E"),
        Some(("a𝄞".to_owned(), vec![0, 1, 1, 1, 1, 13]))
    );
}

#[test]
fn unescape_with_map_rejects_invalid_bodies() {
    for raw in [
        "a\"b",
        "\\",
        "a\\",
        "\\x",
        "\\u12",
        "\\u12g4",
        "\\ud800",
        "\\udc00",
        "\\ud800\\u0041",
        "a\nb",
        "\t",
        "\\'",
    ] {
        assert_eq!(unescape_with_map(raw), None, "{raw:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

/// Arbitrary JSON values (numbers are integers; strings are any Unicode text).
fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<String>().prop_map(serde_json::Value::String),
        "[\\x00-\\x1f\"\\\\/a-zé€😀]{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|members| serde_json::Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Short strings of characters that JSON is made of.
fn arb_jsonish() -> impl Strategy<Value = String> {
    "[{}\\[\\],:\" \\\\0-9aetrufnl.+-]{0,24}"
}

/// Whether serde_json reports `input` invalid for a reason this reader deliberately ignores.
fn serde_only_error(error: &serde_json::Error) -> bool {
    let message = error.to_string();
    message.contains("number out of range") || message.contains("recursion limit")
}

/// Check that `parse` and serde_json agree on whether `bytes` is JSON.
fn agrees_with_serde(bytes: &[u8]) -> Result<(), TestCaseError> {
    let ours = parse(bytes);
    let theirs = serde_json::from_slice::<serde_json::Value>(bytes);
    if let Err(e) = &theirs {
        if serde_only_error(e) {
            return Ok(());
        }
    }
    prop_assert_eq!(
        ours.is_ok(),
        theirs.is_ok(),
        "{:?}: ours {:?}, serde_json {:?}",
        String::from_utf8_lossy(bytes),
        ours,
        theirs
    );
    if let (Ok(node), Ok(value)) = (&ours, &theirs) {
        prop_assert_eq!(&to_serde(node), value);
    }
    Ok(())
}

/// Check the spans of the result of parsing `text`, whether it is a tree or an error.
fn spans_are_in_bounds(text: &str) -> Result<(), TestCaseError> {
    match parse_str(text) {
        Ok(node) => check_spans(text, &node),
        Err(e) => {
            prop_assert!(e.span.start <= e.span.end && e.span.end <= text.len());
            prop_assert!(text.is_char_boundary(e.span.start));
            prop_assert!(text.is_char_boundary(e.span.end));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse(&bytes);
    }

    #[test]
    fn never_panics_on_jsonish_bytes(
        bytes in prop::collection::vec(
            prop::sample::select(b"{}[],:\"\\ \n0123456789.eE+-tfnrul'/#*\xef\xbb\xbf\xc3\xa9\x00".to_vec()),
            0..128,
        )
    ) {
        let _ = parse(&bytes);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&bytes);
        let _ = parse(&with_bom);
    }

    #[test]
    fn serde_json_output_round_trips(value in arb_json()) {
        let compact = serde_json::to_string(&value).unwrap();
        let node = parse_str(&compact).unwrap();
        prop_assert_eq!(&to_serde(&node), &value);
        check_spans(&compact, &node);

        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let node = parse(pretty.as_bytes()).unwrap();
        prop_assert_eq!(&to_serde(&node), &value);
        check_spans(&pretty, &node);
    }

    #[test]
    fn any_indentation_round_trips(value in arb_json(), width in 0..20usize, tab in any::<bool>()) {
        // Runs of spaces of every length around the eight-at-a-time skip, and tabs among them.
        let mut indent = vec![b' '; width];
        if tab && width > 0 {
            indent[width / 2] = b'\t';
        }
        let mut out = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(&indent);
        let mut ser = serde_json::Serializer::with_formatter(&mut out, formatter);
        serde::Serialize::serialize(&value, &mut ser).unwrap();
        let text = String::from_utf8(out).unwrap();
        let node = parse_str(&text).unwrap();
        prop_assert_eq!(&to_serde(&node), &value);
        check_spans(&text, &node);
    }

    #[test]
    fn spans_lie_within_the_input_on_char_boundaries(text in "\\PC{0,64}") {
        spans_are_in_bounds(&text)?;
    }

    #[test]
    fn spans_lie_within_generated_documents(value in arb_json(), cut in any::<prop::sample::Index>()) {
        let text = serde_json::to_string_pretty(&value).unwrap();
        spans_are_in_bounds(&text)?;
        // And within every prefix of them (truncated documents).
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        spans_are_in_bounds(&text[..at])?;
    }

    #[test]
    fn spans_lie_within_jsonish_text(text in "[{}\\[\\],:\"' \\n\\\\0-9aetrufnl.+#/*é😀\u{a0}-]{0,40}") {
        spans_are_in_bounds(&text)?;
    }

    #[test]
    fn agrees_with_serde_json_on_jsonish_strings(text in arb_jsonish()) {
        agrees_with_serde(text.as_bytes())?;
    }

    #[test]
    fn agrees_with_serde_json_on_mutated_documents(
        value in arb_json(),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), 0..3u8, prop::sample::select(b"{}[],:\" \\0123456789aetrufnl.+-".to_vec())),
            1..3,
        ),
    ) {
        let mut bytes = serde_json::to_vec(&value).unwrap();
        for (index, op, b) in edits {
            let at = index.index(bytes.len() + 1);
            match op {
                0 => bytes.insert(at, b),
                1 if at < bytes.len() => { bytes.remove(at); }
                _ if at < bytes.len() => bytes[at] = b,
                _ => bytes.push(b),
            }
        }
        agrees_with_serde(&bytes)?;
    }

    #[test]
    fn unescape_with_map_maps_every_byte(raw in "([a-zé😀]|\\\\[\"\\\\/bfnrt]|\\\\u00[0-9a-f]{2}|\\\\u20ac|\\\\ud83d\\\\ude00){0,16}") {
        let (decoded, map) = unescape_with_map(&raw).unwrap();
        prop_assert_eq!(map.len(), decoded.len() + 1);
        prop_assert_eq!(map.last().copied(), Some(raw.len()));
        prop_assert!(map.windows(2).all(|w| w[0] <= w[1]));
        // The decoded text agrees with serde_json, and each character maps to a source position
        // whose text decodes to that character.
        let quoted = format!("\"{raw}\"");
        let expected: String = serde_json::from_str(&quoted).unwrap();
        prop_assert_eq!(&decoded, &expected);
        for (i, c) in decoded.char_indices() {
            let src = map[i];
            let next = map[i + c.len_utf8()];
            let (piece, _) = unescape_with_map(&raw[src..next]).unwrap();
            prop_assert_eq!(piece, c.to_string());
        }
    }
}

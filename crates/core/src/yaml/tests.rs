//! Tests of the YAML reader.

use super::*;
use proptest::prelude::*;

// ---------------------------------------------------------------------------------------------
// Helpers

/// The documents of `text`, which must parse; every span is checked.
fn docs(text: &str) -> Vec<Document> {
    match parse_stream(text) {
        Ok(docs) => {
            for doc in &docs {
                check_span(text, doc.span);
                check_node(text, &doc.root);
                assert!(
                    doc.span.start <= doc.root.span.start && doc.root.span.end <= doc.span.end,
                    "{text:?}: root {:?} outside document {:?}",
                    doc.root.span,
                    doc.span
                );
            }
            docs
        }
        Err(e) => panic!("{text:?} failed: {e:?}"),
    }
}

/// The root of the only document of `text`.
fn root(text: &str) -> YamlNode {
    let mut all = docs(text);
    assert_eq!(all.len(), 1, "{text:?}");
    all.remove(0).root
}

/// The error from parsing `text`, which must fail; its span is checked.
fn err(text: &str) -> YamlError {
    match parse_stream(text) {
        Ok(docs) => panic!("{text:?} parsed as {docs:?}"),
        Err(e) => {
            check_span(text, e.span);
            assert!(
                e.message.chars().next().is_some_and(|c| !c.is_uppercase()),
                "{e:?}"
            );
            assert!(!e.message.ends_with('.'), "{e:?}");
            e
        }
    }
}

/// `span` lies in `text`, on character boundaries.
fn check_span(text: &str, span: Span) {
    assert!(span.start <= span.end, "{text:?}: {span:?}");
    assert!(span.end <= text.len(), "{text:?}: {span:?}");
    assert!(text.is_char_boundary(span.start), "{text:?}: {span:?}");
    assert!(text.is_char_boundary(span.end), "{text:?}: {span:?}");
}

/// Every span of `node` lies in `text`, on character boundaries.
fn check_node(text: &str, node: &YamlNode) {
    check_span(text, node.span);
    match &node.value {
        YamlValue::Sequence(items) => items.iter().for_each(|n| check_node(text, n)),
        YamlValue::Mapping(entries) => entries.iter().for_each(|e| {
            check_span(text, e.key_span);
            check_node(text, &e.value);
        }),
        _ => {}
    }
}

/// The text `span` covers.
fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

/// The text `node` covers.
fn written<'a>(text: &'a str, node: &YamlNode) -> &'a str {
    at(text, node.span)
}

/// The entry of `node` with key `key` (the last one).
fn entry<'a>(node: &'a YamlNode, key: &str) -> &'a YamlEntry {
    node.as_mapping()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e.key == key)
        .unwrap_or_else(|| panic!("no key {key:?} in {node:?}"))
}

/// The keys of a mapping, in order.
fn keys(node: &YamlNode) -> Vec<&str> {
    node.as_mapping()
        .unwrap()
        .iter()
        .map(|e| e.key.as_str())
        .collect()
}

fn string(s: &str) -> YamlValue {
    YamlValue::String(s.to_owned())
}

fn number(s: &str) -> YamlValue {
    YamlValue::Number(s.to_owned())
}

// ---------------------------------------------------------------------------------------------
// Spans

#[test]
fn block_mapping_spans() {
    let text = "apiVersion: v1\nkind:   ServiceAccount\nmetadata:\n  name: 'api'\n  annotations:\n    eks.amazonaws.com/role-arn: \"arn:aws:iam::111122223333:role/api\"\n";
    let r = root(text);
    assert_eq!(keys(&r), ["apiVersion", "kind", "metadata"]);
    assert_eq!(r.span, Span::new(0, text.trim_end().len()));
    let kind = entry(&r, "kind");
    assert_eq!(at(text, kind.key_span), "kind");
    assert_eq!(written(text, &kind.value), "ServiceAccount");
    let metadata = &entry(&r, "metadata").value;
    assert!(written(text, metadata).starts_with("name: 'api'\n  annotations:"));
    assert!(written(text, metadata).ends_with("role/api\""));
    let name = &entry(metadata, "name").value;
    assert_eq!((written(text, name), name.as_str()), ("'api'", Some("api")));
    let annotations = &entry(metadata, "annotations").value;
    let arn = entry(annotations, "eks.amazonaws.com/role-arn");
    assert_eq!(at(text, arn.key_span), "eks.amazonaws.com/role-arn");
    assert_eq!(
        written(text, &arn.value),
        "\"arn:aws:iam::111122223333:role/api\""
    );
    assert_eq!(
        arn.value.as_str(),
        Some("arn:aws:iam::111122223333:role/api")
    );
}

#[test]
fn flow_style_spans() {
    let text = "{a: [1, 'two', \"th\\u00e9\"], \"b c\": {d: e}, f: []}";
    let r = root(text);
    assert_eq!(r.span, Span::new(0, text.len()));
    let a = entry(&r, "a");
    assert_eq!(at(text, a.key_span), "a");
    assert_eq!(written(text, &a.value), "[1, 'two', \"th\\u00e9\"]");
    let items = a.value.as_sequence().unwrap();
    assert_eq!(
        items.iter().map(|n| written(text, n)).collect::<Vec<_>>(),
        ["1", "'two'", "\"th\\u00e9\""]
    );
    assert_eq!(
        items.iter().map(|n| n.value.clone()).collect::<Vec<_>>(),
        [number("1"), string("two"), string("thé")]
    );
    let b = entry(&r, "b c");
    assert_eq!(at(text, b.key_span), "\"b c\"");
    assert_eq!(written(text, &b.value), "{d: e}");
    assert_eq!(written(text, &entry(&r, "f").value), "[]");
    assert_eq!(entry(&r, "f").value.value, YamlValue::Sequence(Vec::new()));
}

#[test]
fn block_sequence_spans() {
    let text = "items:\n  - a\n  - b: c\n    d: e\n  - [f]\n# trailing comment\n";
    let r = root(text);
    let items = &entry(&r, "items").value;
    assert_eq!(written(text, items), "- a\n  - b: c\n    d: e\n  - [f]");
    let list = items.as_sequence().unwrap();
    assert_eq!(written(text, &list[1]), "b: c\n    d: e");
    assert_eq!(written(text, &list[2]), "[f]");
    // A sequence that is the value of a key, not indented.
    let text = "k:\n- x\n- y\nl: z";
    let r = root(text);
    assert_eq!(written(text, &entry(&r, "k").value), "- x\n- y");
}

#[test]
fn plain_and_quoted_scalar_spans() {
    let text = "a: plain text  # comment\nb: 'it''s'\nc: \"tab\\there\"\nd: plain\n  folded\n  lines\ne: 'multi\n  line'\nf:\ng: ~\n";
    let r = root(text);
    let a = &entry(&r, "a").value;
    assert_eq!(
        (written(text, a), a.as_str()),
        ("plain text", Some("plain text"))
    );
    let b = &entry(&r, "b").value;
    assert_eq!((written(text, b), b.as_str()), ("'it''s'", Some("it's")));
    let c = &entry(&r, "c").value;
    assert_eq!(
        (written(text, c), c.as_str()),
        ("\"tab\\there\"", Some("tab\there"))
    );
    let d = &entry(&r, "d").value;
    assert_eq!(written(text, d), "plain\n  folded\n  lines");
    assert_eq!(d.as_str(), Some("plain folded lines"));
    let e = &entry(&r, "e").value;
    assert_eq!(
        (written(text, e), e.as_str()),
        ("'multi\n  line'", Some("multi line"))
    );
    let f = &entry(&r, "f").value;
    assert!(f.is_null() && f.span.is_empty());
    assert_eq!(f.span.start, text.find("f:").unwrap() + 1);
    let g = &entry(&r, "g").value;
    assert!(g.is_null());
    assert_eq!(written(text, g), "~");
}

#[test]
fn block_scalar_spans() {
    let text = "script: |\n  echo one\n  echo two\n\nfolded: >- # comment | >\n\n  a\n  b\n\nkeep: |+\n  x\n\nempty: |\nlast: !Sub |\n  ${AWS::Region}\n";
    let r = root(text);
    let script = &entry(&r, "script").value;
    assert_eq!(written(text, script), "|\n  echo one\n  echo two");
    assert_eq!(script.as_str(), Some("echo one\necho two\n"));
    let folded = &entry(&r, "folded").value;
    assert_eq!(written(text, folded), ">- # comment | >\n\n  a\n  b");
    assert_eq!(folded.as_str(), Some("\na b"));
    let keep = &entry(&r, "keep").value;
    assert_eq!(written(text, keep), "|+\n  x");
    assert_eq!(keep.as_str(), Some("x\n\n"));
    let empty = &entry(&r, "empty").value;
    assert_eq!((written(text, empty), empty.as_str()), ("|", Some("")));
    let last = &entry(&r, "last").value;
    assert_eq!(written(text, last), "|\n  ${AWS::Region}");
    assert_eq!(last.tag.as_deref(), Some("!Sub"));
    // In a sequence, and at the top of a document.
    let text = "- |\n  a\n- >\n  b\n";
    let r = root(text);
    let items = r.as_sequence().unwrap();
    assert_eq!(written(text, &items[0]), "|\n  a");
    assert_eq!(written(text, &items[1]), ">\n  b");
    let text = "--- |\n  body\n";
    assert_eq!(written(text, &root(text)), "|\n  body");
    // Content that looks like properties is content.
    let text = "k: |\n  &notanchor !nottag\n";
    let r = root(text);
    let k = &entry(&r, "k").value;
    assert_eq!(written(text, k), "|\n  &notanchor !nottag");
    assert_eq!(k.tag, None);
}

#[test]
fn non_ascii_spans() {
    let text = "naïve: café\n\"日本\": '語 😀'\nliste:\n  - élément\n  - {clé: \"valeur é\"}\nbloc: |\n  ünïcödé\n  😀😀\n";
    let r = root(text);
    let naive = entry(&r, "naïve");
    assert_eq!(at(text, naive.key_span), "naïve");
    assert_eq!(written(text, &naive.value), "café");
    let nihon = entry(&r, "日本");
    assert_eq!(at(text, nihon.key_span), "\"日本\"");
    assert_eq!(written(text, &nihon.value), "'語 😀'");
    let list = entry(&r, "liste").value.as_sequence().unwrap().to_vec();
    assert_eq!(written(text, &list[0]), "élément");
    assert_eq!(written(text, &list[1]), "{clé: \"valeur é\"}");
    let cle = entry(&list[1], "clé");
    assert_eq!(at(text, cle.key_span), "clé");
    assert_eq!(written(text, &cle.value), "\"valeur é\"");
    let bloc = &entry(&r, "bloc").value;
    assert_eq!(written(text, bloc), "|\n  ünïcödé\n  😀😀");
    // Long non-ASCII text: offsets past many checkpoints.
    let long = format!("{}: x\nk: 'é'", "é".repeat(1000));
    let r = root(&long);
    assert_eq!(written(&long, &entry(&r, "k").value), "'é'");
}

#[test]
fn byte_order_mark_and_crlf() {
    let text = "\u{feff}a: é\r\nb: \"x\"\r\n";
    let r = root(text);
    assert_eq!(at(text, entry(&r, "a").key_span), "a");
    assert_eq!(written(text, &entry(&r, "a").value), "é");
    assert_eq!(written(text, &entry(&r, "b").value), "\"x\"");
}

// ---------------------------------------------------------------------------------------------
// Streams

#[test]
fn multi_document_streams() {
    let text = "# leading comment\napiVersion: v1\nkind: ServiceAccount\n---\napiVersion: v1\nkind: Namespace\n...\n--- !Tagged\n{a: b}\n---\n---\n- x\n";
    let all = docs(text);
    assert_eq!(all.len(), 5);
    assert_eq!(
        all[0].root.get("kind").and_then(YamlNode::as_str),
        Some("ServiceAccount")
    );
    assert_eq!(
        at(text, all[0].span),
        "apiVersion: v1\nkind: ServiceAccount"
    );
    assert_eq!(
        at(text, all[1].span),
        "---\napiVersion: v1\nkind: Namespace\n..."
    );
    assert_eq!(all[2].root.tag.as_deref(), Some("!Tagged"));
    assert_eq!(written(text, &all[2].root), "{a: b}");
    assert_eq!(at(text, all[2].span), "--- !Tagged\n{a: b}");
    assert!(all[3].root.is_null());
    assert_eq!(at(text, all[3].span), "---");
    assert_eq!(written(text, &all[4].root), "- x");
}

#[test]
fn empty_streams() {
    assert_eq!(docs(""), Vec::new());
    assert_eq!(docs("# only a comment\n\n"), Vec::new());
    assert_eq!(docs("\u{feff}"), Vec::new());
    let all = docs("---\n");
    assert_eq!(all.len(), 1);
    assert!(all[0].root.is_null());
    let all = docs("plain");
    assert_eq!(all[0].root.value, string("plain"));
}

// ---------------------------------------------------------------------------------------------
// Tags

#[test]
fn cloudformation_short_form_tags() {
    let text = r"Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Ref RoleName
      Arn: !GetAtt Role.Arn
      Provider: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/${Issuer}'
      Pick: !If [Cond, a, b]
      Joined: !Join
        - ''
        - - 'arn:'
          - !Ref AWS::Partition
      Mapped: !FindInMap {MapName: M, TopKey: !Ref Env}
      Zones: !GetAZs ''
      Empty: !Ref
      Long:
        Fn::Sub: 'arn:${AWS::Partition}:iam::'
      Block: !Sub
        Key: value
";
    let r = root(text);
    let props = r
        .get("Resources")
        .and_then(|n| n.get("Role"))
        .and_then(|n| n.get("Properties"))
        .unwrap();
    let tag_of = |key: &str| props.get(key).unwrap().tag.clone();

    let role_name = props.get("RoleName").unwrap();
    assert_eq!(role_name.tag.as_deref(), Some("!Ref"));
    assert_eq!(
        (written(text, role_name), role_name.as_str()),
        ("RoleName", Some("RoleName"))
    );

    let arn = props.get("Arn").unwrap();
    assert_eq!(arn.tag.as_deref(), Some("!GetAtt"));
    assert_eq!(
        (written(text, arn), arn.as_str()),
        ("Role.Arn", Some("Role.Arn"))
    );

    let provider = props.get("Provider").unwrap();
    assert_eq!(provider.tag.as_deref(), Some("!Sub"));
    assert_eq!(
        written(text, provider),
        "'arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/${Issuer}'"
    );
    assert_eq!(
        provider.as_str(),
        Some("arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/${Issuer}")
    );

    let pick = props.get("Pick").unwrap();
    assert_eq!(pick.tag.as_deref(), Some("!If"));
    assert_eq!(written(text, pick), "[Cond, a, b]");
    assert_eq!(pick.as_sequence().unwrap().len(), 3);

    let joined = props.get("Joined").unwrap();
    assert_eq!(joined.tag.as_deref(), Some("!Join"));
    assert!(written(text, joined).starts_with("- ''"));
    let inner = &joined.as_sequence().unwrap()[1].as_sequence().unwrap()[1];
    assert_eq!(inner.tag.as_deref(), Some("!Ref"));
    assert_eq!(written(text, inner), "AWS::Partition");

    let mapped = props.get("Mapped").unwrap();
    assert_eq!(mapped.tag.as_deref(), Some("!FindInMap"));
    assert_eq!(written(text, mapped), "{MapName: M, TopKey: !Ref Env}");
    assert_eq!(mapped.get("TopKey").unwrap().tag.as_deref(), Some("!Ref"));

    assert_eq!(tag_of("Zones").as_deref(), Some("!GetAZs"));
    assert_eq!(written(text, props.get("Zones").unwrap()), "''");

    let empty = props.get("Empty").unwrap();
    assert_eq!(empty.tag.as_deref(), Some("!Ref"));
    assert!(empty.is_null());

    let long = props.get("Long").unwrap();
    assert_eq!(long.tag, None);
    let sub = entry(long, "Fn::Sub");
    assert_eq!(at(text, sub.key_span), "Fn::Sub");
    assert_eq!(sub.value.tag, None);
    assert_eq!(sub.value.as_str(), Some("arn:${AWS::Partition}:iam::"));

    let block = props.get("Block").unwrap();
    assert_eq!(block.tag.as_deref(), Some("!Sub"));
    assert_eq!(written(text, block), "Key: value");
}

#[test]
fn every_cloudformation_tag_is_kept() {
    for name in [
        "Sub",
        "Ref",
        "GetAtt",
        "Join",
        "If",
        "Select",
        "Split",
        "FindInMap",
        "ImportValue",
        "Base64",
        "Cidr",
        "Equals",
        "Not",
        "And",
        "Or",
        "Condition",
        "GetAZs",
    ] {
        for (value, shown) in [("x", "x"), ("[x, y]", "[x, y]"), ("{k: v}", "{k: v}")] {
            let text = format!("a: !{name} {value}\n");
            let r = root(&text);
            let a = r.get("a").unwrap();
            assert_eq!(
                a.tag.as_deref(),
                Some(format!("!{name}").as_str()),
                "{text:?}"
            );
            assert_eq!(written(&text, a), shown, "{text:?}");
        }
    }
}

#[test]
fn other_tags_are_kept_as_written() {
    let text = "a: !!str 1\nb: !<tag:example.com,2000:x> y\nc: ! 12\nd: &anchor !Local v\ne: !!int \"7\"\nf: !Ref\ng: !custom:tag z\n";
    let r = root(text);
    let a = r.get("a").unwrap();
    assert_eq!((a.tag.as_deref(), &a.value), (Some("!!str"), &string("1")));
    assert_eq!(written(text, a), "1");
    let b = r.get("b").unwrap();
    assert_eq!(b.tag.as_deref(), Some("!<tag:example.com,2000:x>"));
    assert_eq!(written(text, b), "y");
    let c = r.get("c").unwrap();
    assert_eq!((c.tag.as_deref(), &c.value), (Some("!"), &string("12")));
    let d = r.get("d").unwrap();
    assert_eq!((d.tag.as_deref(), written(text, d)), (Some("!Local"), "v"));
    let e = r.get("e").unwrap();
    assert_eq!((e.tag.as_deref(), &e.value), (Some("!!int"), &number("7")));
    // An empty tagged node is located at its tag.
    let f = r.get("f").unwrap();
    assert_eq!((f.tag.as_deref(), written(text, f)), (Some("!Ref"), "!Ref"));
    let g = r.get("g").unwrap();
    assert_eq!(g.tag.as_deref(), Some("!custom:tag"));
    // A %TAG handle is kept as written.
    let text = "%TAG !e! tag:example.com,2000:\n---\nk: !e!thing v\n";
    let r = root(text);
    assert_eq!(r.get("k").unwrap().tag.as_deref(), Some("!e!thing"));
}

// ---------------------------------------------------------------------------------------------
// Mappings

#[test]
fn duplicate_keys_are_kept_in_order() {
    let text = "Effect: Allow\nAction: a\nEffect: Deny\n";
    let r = root(text);
    assert_eq!(keys(&r), ["Effect", "Action", "Effect"]);
    assert_eq!(r.get("Effect").and_then(YamlNode::as_str), Some("Deny"));
    let spans: Vec<_> = r
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|e| e.key == "Effect")
        .map(|e| e.key_span.start)
        .collect();
    assert_eq!(spans, [0, text.rfind("Effect").unwrap()]);
    let r = root("{a: 1, a: 2}");
    assert_eq!(keys(&r), ["a", "a"]);
    assert_eq!(r.get("a").unwrap().value, number("2"));
}

#[test]
fn non_string_keys_are_their_text() {
    let text = "1: one\ntrue: t\n~: n\nNULL: n2\n0x1F: h\n? [a, b]\n: seq\n'q': quoted\n";
    let r = root(text);
    assert_eq!(keys(&r), ["1", "true", "~", "NULL", "0x1F", "[a, b]", "q"]);
    let seq = entry(&r, "[a, b]");
    assert_eq!(at(text, seq.key_span), "[a, b]");
    assert_eq!(at(text, entry(&r, "q").key_span), "'q'");
    assert_eq!(r.get("missing"), None);
    assert_eq!(root("- a").get("a"), None);
}

// ---------------------------------------------------------------------------------------------
// Conversion to JSON

#[test]
fn to_json_converts_with_the_core_schema() {
    let text = "s: text\nq: 'true'\nb: true\nB: False\nn: null\nt: ~\ne:\ni: -12\nf: 1.5e3\nh: 0x1F\ninf: .inf\nv: 2012-10-17\nl: [1, \"2\"]\nm: {k: v}\nblock: |\n  x\ntagged: !Ref Name\nstr: !!str 5\n";
    let r = root(text);
    let json = r.to_json();
    assert_eq!(json.span, r.span);
    let get = |k: &str| json.get(k).unwrap().value.clone();
    use crate::json::Value as J;
    assert_eq!(get("s"), J::String("text".into()));
    assert_eq!(get("q"), J::String("true".into()));
    assert_eq!(get("b"), J::Bool(true));
    assert_eq!(get("B"), J::Bool(false));
    assert_eq!(get("n"), J::Null);
    assert_eq!(get("t"), J::Null);
    assert_eq!(get("e"), J::Null);
    assert_eq!(get("i"), J::Number("-12".into()));
    assert_eq!(get("f"), J::Number("1.5e3".into()));
    assert_eq!(get("h"), J::Number("0x1F".into()));
    assert_eq!(get("inf"), J::Number(".inf".into()));
    assert_eq!(get("v"), J::String("2012-10-17".into()));
    assert_eq!(get("block"), J::String("x\n".into()));
    assert_eq!(get("tagged"), J::String("Name".into()));
    assert_eq!(get("str"), J::String("5".into()));
    let l = json.get("l").unwrap();
    assert_eq!(at(text, l.span), "[1, \"2\"]");
    let items = l.as_array().unwrap();
    assert_eq!(items[0].value, J::Number("1".into()));
    assert_eq!(
        (items[1].as_str(), at(text, items[1].span)),
        (Some("2"), "\"2\"")
    );
    let m = json.get("m").unwrap();
    let member = &m.as_object().unwrap()[0];
    assert_eq!((member.key.as_str(), at(text, member.key_span)), ("k", "k"));
    assert_eq!(at(text, member.value.span), "v");
    // Every span is the YAML node's.
    let yaml_entries = r.as_mapping().unwrap();
    let json_members = json.as_object().unwrap();
    assert_eq!(yaml_entries.len(), json_members.len());
    for (y, j) in yaml_entries.iter().zip(json_members) {
        assert_eq!(
            (&y.key, y.key_span, y.value.span),
            (&j.key, j.key_span, j.value.span)
        );
    }
}

#[test]
fn to_json_keeps_duplicates() {
    let json = root("a: 1\na: 2\n").to_json();
    let members = json.as_object().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(json.members_named("a").count(), 2);
}

// ---------------------------------------------------------------------------------------------
// Trust policies in YAML

/// `statements` printed without their spans.
fn without_spans(statements: &[crate::policy::Statement]) -> String {
    let debug = format!("{statements:#?}");
    regex::Regex::new(r"Span \{\s*start: \d+,\s*end: \d+,?\s*\}")
        .unwrap()
        .replace_all(&debug, "Span")
        .into_owned()
}

const POLICY_JSON: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Irsa",
      "Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},
      "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
      "Condition": {
        "StringEquals": {
          "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": "system:serviceaccount:payments:api",
          "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud": "sts.amazonaws.com"
        },
        "Bool": {"aws:SecureTransport": true},
        "NumericLessThan": {"aws:MultiFactorAuthAge": 3600}
      }
    },
    {
      "Effect": "Allow",
      "Principal": {"Service": "pods.eks.amazonaws.com", "AWS": ["arn:aws:iam::111122223333:root"]},
      "Action": ["sts:AssumeRole", "sts:TagSession"]
    }
  ]
}"#;

const POLICY_YAML: &str = r#"# The same policy, as written in a CloudFormation template.
Version: 2012-10-17
Statement:
  - Sid: Irsa
    Effect: Allow
    Principal:
      Federated: arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
    Action:
      - sts:AssumeRoleWithWebIdentity
      - 'sts:TagSession'
    Condition:
      StringEquals:
        "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub": system:serviceaccount:payments:api
        oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud: sts.amazonaws.com
      Bool: {aws:SecureTransport: true}
      NumericLessThan:
        aws:MultiFactorAuthAge: 3600
  - Effect: Allow
    Principal: {Service: pods.eks.amazonaws.com, AWS: ["arn:aws:iam::111122223333:root"]}
    Action: [sts:AssumeRole, sts:TagSession]
"#;

#[test]
fn trust_policy_in_yaml_reads_like_json() {
    let from_json = crate::policy::parse_policy(POLICY_JSON.as_bytes());
    let node = root(POLICY_YAML).to_json();
    let from_yaml = crate::policy::parse_policy_node(&node, POLICY_YAML);
    let (json_policy, yaml_policy) = (
        from_json.policy.as_ref().unwrap(),
        from_yaml.policy.as_ref().unwrap(),
    );
    assert_eq!(json_policy.statements.len(), 2);
    assert_eq!(
        without_spans(&json_policy.statements),
        without_spans(&yaml_policy.statements)
    );
    assert_eq!(json_policy.language, yaml_policy.language);
    assert_eq!(from_json.findings, Vec::new());
    assert_eq!(from_yaml.findings, Vec::new());
    // The model's spans point at the YAML text.
    let first = &yaml_policy.statements[0];
    let principal = &first.principal.as_ref().unwrap().entries[0];
    assert!(at(POLICY_YAML, principal.span).starts_with("arn:aws:iam::111122223333:oidc-provider/"));
    let action = first.action.as_ref().unwrap();
    assert_eq!(
        action
            .patterns
            .iter()
            .map(|p| at(POLICY_YAML, p.span))
            .collect::<Vec<_>>(),
        ["sts:AssumeRoleWithWebIdentity", "'sts:TagSession'"]
    );
    let sub = &first.conditions[0];
    assert_eq!(
        at(POLICY_YAML, sub.key_span),
        "\"oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub\""
    );
    assert_eq!(at(POLICY_YAML, sub.operator_span), "StringEquals");
    assert_eq!(
        at(POLICY_YAML, sub.values[0].span),
        "system:serviceaccount:payments:api"
    );
    assert_eq!(
        at(POLICY_YAML, yaml_policy.version.as_ref().unwrap().span),
        "2012-10-17"
    );
}

#[test]
fn trust_policy_findings_point_at_the_yaml_text() {
    let json = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
      "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
      "Action": "sts:AssumeRoleWithWebIdentity", "Action": "sts:AssumeRoleWithWebIdentity",
      "Resource": "*",
      "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:${namespace}:*"},
                    "StringEqualz": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}}]}"#;
    let yaml = "Version: '2012-10-17'\nStatement:\n- Effect: Allow\n  Principal:\n    Federated: arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com\n  Action: sts:AssumeRoleWithWebIdentity\n  Action: sts:AssumeRoleWithWebIdentity\n  Resource: '*'\n  Condition:\n    StringLike:\n      token.actions.githubusercontent.com:sub: \"repo:${namespace}:*\"\n    StringEqualz:\n      token.actions.githubusercontent.com:aud: sts.amazonaws.com\n";
    let from_json = crate::policy::parse_policy(json.as_bytes());
    let from_yaml = crate::policy::parse_policy_node(&root(yaml).to_json(), yaml);
    let summary = |p: &crate::policy::ParsedPolicy| {
        p.findings
            .iter()
            .map(|f| (f.code, f.message.clone()))
            .collect::<Vec<_>>()
    };
    assert!(!from_json.findings.is_empty());
    assert_eq!(summary(&from_json), summary(&from_yaml));
    // Each finding underlines the same thing, as written in each syntax.
    for (fj, fy) in from_json.findings.iter().zip(&from_yaml.findings) {
        let (tj, ty) = (at(json, fj.span), at(yaml, fy.span));
        assert_eq!(
            tj.trim_matches('"'),
            ty.trim_matches(['"', '\'']),
            "{}: {tj:?} vs {ty:?}",
            fj.code
        );
    }
    let spans: Vec<_> = from_yaml
        .findings
        .iter()
        .map(|f| (f.code, at(yaml, f.span)))
        .collect();
    assert!(spans.contains(&("TL002", "Action")), "{spans:?}");
    assert!(spans.contains(&("TL007", "Resource")), "{spans:?}");
    assert!(spans.contains(&("TL010", "StringEqualz")), "{spans:?}");
    assert!(spans.contains(&("TL011", "${namespace}")), "{spans:?}");
}

// ---------------------------------------------------------------------------------------------
// Anchors and aliases

#[test]
fn aliases_copy_the_anchored_node() {
    let text = "base: &base\n  Effect: Allow\n  Action: [a, b]\none: *base\nname: &n !Ref Role\ntwo: *n\n*n : as key\n";
    let r = root(text);
    let base = r.get("base").unwrap();
    assert_eq!(written(text, base), "Effect: Allow\n  Action: [a, b]");
    let one = r.get("one").unwrap();
    assert_eq!(written(text, one), "*base");
    assert_eq!(one.value, base.value);
    // The copy's children keep the original spans.
    assert_eq!(written(text, one.get("Action").unwrap()), "[a, b]");
    let two = r.get("two").unwrap();
    assert_eq!(written(text, two), "*n");
    assert_eq!(
        (two.tag.as_deref(), two.as_str()),
        (Some("!Ref"), Some("Role"))
    );
    let as_key = entry(&r, "Role");
    assert_eq!(at(text, as_key.key_span), "*n");
    // Anchors can be redefined; an alias takes the latest.
    let r = root("a: &x 1\nb: &x 2\nc: *x\n");
    assert_eq!(r.get("c").unwrap().value, number("2"));
}

#[test]
fn alias_errors() {
    let text = "a: *nowhere\n";
    let e = err(text);
    assert!(e.message.contains("`*nowhere`"), "{e:?}");
    assert_eq!(e.span.start, 3);
    let text = "a: &a [x, *a]\n";
    let e = err(text);
    assert!(e.message.contains("recursive"), "{e:?}");
    assert_eq!(at(text, e.span), "*a");
    // Anchors do not cross documents.
    let e = err("a: &a 1\n---\nb: *a\n");
    assert!(e.message.contains("`*a`"), "{e:?}");
}

#[test]
fn billion_laughs_is_capped() {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prev = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let started = std::time::Instant::now();
    let e = err(&text);
    assert!(e.message.contains("billion laughs"), "{e:?}");
    assert!(at(&text, e.span).starts_with("*a"), "{e:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    // Long strings copied many times are capped too.
    let big = format!(
        "s: &s '{}'\nl: &l [*s, *s, *s, *s, *s, *s, *s, *s]\nm: [{}]\n",
        "x".repeat(1 << 20),
        vec!["*l"; 16].join(", ")
    );
    let e = err(&big);
    assert!(e.message.contains("bytes"), "{e:?}");
    // Nested anchors copy their content once each: counted too, so memory stays bounded.
    let items = vec!["x"; 20_000].join(", ");
    let mut nested = String::from("k: ");
    for i in 0..100 {
        nested.push_str(&format!("&a{i} ["));
    }
    nested.push_str(&items);
    nested.push_str(&"]".repeat(100));
    nested.push_str("\nl: *a0\n");
    let e = err(&nested);
    assert!(e.message.contains("1000000 nodes"), "{e:?}");
    assert!(at(&nested, e.span).starts_with('['), "{e:?}");
    // Without any `*`, anchors need no copy.
    let no_alias = nested.replace("l: *a0", "l: x");
    assert!(root(&no_alias).get("k").is_some());
    // Moderate reuse is fine.
    let fine = "a: &a [1, 2, 3]\nb: [*a, *a, *a]\n";
    assert_eq!(root(fine).get("b").unwrap().as_sequence().unwrap().len(), 3);
}

// ---------------------------------------------------------------------------------------------
// Depth

#[test]
fn deep_nesting_is_an_error_not_an_overflow() {
    // The parser itself stops flow nesting at 255 levels while it looks ahead.
    let text = "[".repeat(100_000);
    let e = err(&text);
    assert!(e.message.contains("128"), "{e:?}");
    assert_eq!(at(&text, e.span), "[");
    let text = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let e = err(&text);
    assert!(e.message.contains("128"), "{e:?}");
    assert_eq!(e.span, Span::new(MAX_DEPTH, MAX_DEPTH + 1));
    let text = "{a: ".repeat(100_000);
    let e = err(&text);
    assert!(e.message.contains("128"), "{e:?}");
    // Exactly the limit is fine.
    let text = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
    let r = root(&text);
    assert_eq!(r.to_json().span, Span::new(0, text.len()));
    let text = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    assert_eq!(err(&text).span, Span::new(MAX_DEPTH, MAX_DEPTH + 1));
    // Block style.
    let mut block = String::new();
    for level in 0..200 {
        block.push_str(&" ".repeat(level));
        block.push_str("k:\n");
    }
    let e = err(&block);
    assert!(e.message.contains("128"), "{e:?}");
    // Aliases cannot nest deeper than the limit either.
    let half = MAX_DEPTH / 2 + 1;
    let text = format!(
        "a: &a {}x{}\nb: {}*a{}\n",
        "[".repeat(half),
        "]".repeat(half),
        "[".repeat(half),
        "]".repeat(half)
    );
    let e = err(&text);
    assert!(e.message.contains("`*a`"), "{e:?}");
    assert_eq!(at(&text, e.span), "*a");
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn unclosed_quotes() {
    let text = "a: \"unclosed\nb: c\n";
    let e = err(text);
    assert!(e.message.contains("unclosed quoted string"), "{e:?}");
    assert!(e.help.is_some());
    assert_eq!(e.span, Span::new(3, 4));
    let text = "a: 'unclosed";
    let e = err(text);
    assert!(e.message.contains("unclosed quoted string"), "{e:?}");
    assert_eq!(e.span, Span::new(3, 4));
}

#[test]
fn bad_indentation() {
    let text = "a:\n  b: c\n d: e\n";
    let e = err(text);
    assert!(e.message.contains("indentation"), "{e:?}");
    assert_eq!(e.span.start, text.find("d:").unwrap());
    let text = "a: b\n c: d\n";
    let e = err(text);
    assert!(e.message.contains('`'), "{e:?}");
    assert_eq!(e.span.start, text.find(": d").unwrap());
    let text = "a:\n  - b\n - c\n";
    let e = err(text);
    assert!(e.message.contains("indentation"), "{e:?}");
}

#[test]
fn tab_indentation() {
    let text = "a:\n\tb: c\n";
    let e = err(text);
    assert!(e.message.contains("tab"), "{e:?}");
    assert_eq!(e.help.as_deref(), Some("replace the tab with spaces"));
    assert_eq!(at(text, e.span), "\t");
}

#[test]
fn malformed_flow_collections() {
    let e = err("a: [1, 2\n");
    assert!(e.message.contains("flow sequence"), "{e:?}");
    let e = err("a: {b: 1\n");
    assert!(e.message.contains("flow mapping"), "{e:?}");
    let text = "{a: 1}}";
    let e = err(text);
    assert!(e.message.contains("closing bracket"), "{e:?}");
    assert_eq!(at(text, e.span), "}");
}

#[test]
fn error_messages_are_located_and_lowercase() {
    for text in [
        "a: 'x'y\n",
        "a: \"x\" y\n",
        "key: - x\n",
        "a: &\n",
        "!<tag x\n",
        "a: |0\n  x\n",
        "[a, b]]",
        "---\na\n... x",
        "\"é\\q\"",
        "日本: 'é\n語",
    ] {
        let e = err(text);
        assert!(!e.message.is_empty(), "{text:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Performance

#[test]
fn large_documents_parse_in_linear_time() {
    let item = "- name: é-service\n  arn: 'arn:aws:iam::111122223333:role/x'\n  tags: {a: 1, b: [x, y]}\n  doc: |\n    text\n";
    let small = item.repeat(1_000);
    let large = item.repeat(16_000);
    let time = |text: &str| {
        let started = std::time::Instant::now();
        let all = docs(text);
        assert_eq!(all.len(), 1);
        started.elapsed()
    };
    let t_small = time(&small).max(std::time::Duration::from_millis(1));
    let t_large = time(&large);
    // 16x the input must not take anywhere near 16² the time.
    assert!(
        t_large < t_small * 64,
        "small {t_small:?}, large {t_large:?}"
    );
    let long_line = format!("k: '{}'\n", "x".repeat(2_000_000));
    assert_eq!(
        root(&long_line).get("k").unwrap().as_str().map(str::len),
        Some(2_000_000)
    );
}

// ---------------------------------------------------------------------------------------------
// Robustness

/// Parse `text`; on success every span must be valid and conversion must not panic.
fn never_panics(text: &str) {
    match parse_stream(text) {
        Ok(all) => {
            for doc in &all {
                check_span(text, doc.span);
                check_node(text, &doc.root);
                let _ = doc.root.to_json();
            }
        }
        Err(e) => check_span(text, e.span),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_yamlish_text(
        chars in prop::collection::vec(
            prop::sample::select(
                "{}[]:,-'\"!&*#|>?%@`.~ \n\n\n\t\r\\abcxyz019éλ日😀".chars().collect::<Vec<_>>()
            ),
            0..96,
        )
    ) {
        let text: String = chars.into_iter().collect();
        never_panics(&text);
        never_panics(&format!("\u{feff}{text}"));
        never_panics(&format!("k:\n  {}", text.replace('\n', "\n  ")));
    }

    #[test]
    fn never_panics_on_unicode(text in any::<String>()) {
        never_panics(&text);
    }

    #[test]
    fn never_panics_on_indented_lines(
        lines in prop::collection::vec(
            (0usize..6, prop::sample::select(vec![
                "a:", "b: c", "- d", "- e: f", "? g", ": h", "|", ">-", "  text", "!Sub x",
                "&x y", "*x", "[1, 2", "]", "{k: v}", "'q", "\"r\"", "---", "...", "# c", "\tt",
            ])),
            0..24,
        )
    ) {
        let text: String = lines
            .iter()
            .map(|(indent, line)| format!("{}{line}\n", " ".repeat(*indent)))
            .collect();
        never_panics(&text);
    }
}

// ---------------------------------------------------------------------------------------------
// Generated documents: random trees written in random styles must read back exactly, spans
// included.

/// A small deterministic random number generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Plain words that are strings in every context.
const WORDS: [&str; 8] = [
    "alpha",
    "é-bé",
    "日本語",
    "x_y",
    "sts:AssumeRole",
    "a b c",
    "😀ok",
    "arn:aws:iam::1:role/r",
];

/// Writes a random document into `out` and returns the tree it must read back as.
struct Writer {
    rng: Rng,
    out: String,
    /// The nodes anchored `&anchor`, in the order the anchors are written (`None` while the
    /// node is being written).
    anchors: Vec<Option<YamlNode>>,
}

/// The properties written before a node.
struct Props {
    tag: Option<&'static str>,
    anchor: Option<usize>,
}

impl Writer {
    fn node(&self, start: usize, end: usize, tag: Option<&str>, value: YamlValue) -> YamlNode {
        YamlNode {
            span: Span::new(start, end),
            tag: tag.map(str::to_owned),
            value,
        }
    }

    /// Maybe a tag and an anchor, each followed by a space.
    fn props(&mut self) -> Props {
        let mut props = Props {
            tag: None,
            anchor: None,
        };
        if self.rng.chance(20) {
            let tag = self
                .rng
                .pick(&["!Sub", "!Ref", "!GetAtt", "!If", "!!str", "!Local"]);
            self.out.push_str(tag);
            self.out.push(' ');
            props.tag = Some(tag);
        }
        if self.rng.chance(10) {
            self.out.push_str("&anchor ");
            self.anchors.push(None);
            props.anchor = Some(self.anchors.len() - 1);
        }
        props
    }

    /// `node` as read with `props`.
    fn finish(&mut self, props: &Props, mut node: YamlNode) -> YamlNode {
        node.tag = props.tag.map(str::to_owned);
        if let Some(slot) = props.anchor {
            self.anchors[slot] = Some(node.clone());
        }
        node
    }

    /// Maybe an alias of the latest anchor (if its node is complete).
    fn alias(&mut self) -> Option<YamlNode> {
        let Some(Some(anchored)) = self.anchors.last() else {
            return None;
        };
        if !self.rng.chance(30) {
            return None;
        }
        let mut node = anchored.clone();
        let start = self.out.len();
        self.out.push_str("*anchor");
        node.span = Span::new(start, self.out.len());
        Some(node)
    }

    /// A plain or quoted scalar on the current line; plain ones may continue on the next lines,
    /// indented by `indent` (in block context).
    fn inline_scalar(&mut self, indent: Option<usize>) -> YamlNode {
        if let Some(alias) = self.alias() {
            return alias;
        }
        let props = self.props();
        let start = self.out.len();
        let value = match self.rng.below(3) {
            0 => {
                let word = self.rng.pick(&WORDS);
                self.out.push_str(word);
                let mut value = word.to_owned();
                if let Some(indent) = indent.filter(|_| self.rng.chance(20)) {
                    let more = self.rng.pick(&WORDS);
                    self.out.push('\n');
                    self.out.push_str(&" ".repeat(indent + 1));
                    self.out.push_str(more);
                    value = format!("{value} {more}");
                }
                value
            }
            1 => {
                let (written, value) = [
                    ("'it''s'", "it's"),
                    ("'é # not a comment'", "é # not a comment"),
                    ("'true'", "true"),
                    ("''", ""),
                ][self.rng.below(4)];
                self.out.push_str(written);
                value.to_owned()
            }
            _ => {
                let (written, value) = [
                    ("\"with \\\"quote\\\"\"", "with \"quote\""),
                    ("\"tab\\t\"", "tab\t"),
                    ("\"é\\u00e9\"", "éé"),
                    ("\"${aws:username}\"", "${aws:username}"),
                ][self.rng.below(4)];
                self.out.push_str(written);
                value.to_owned()
            }
        };
        let end = self.out.len();
        let node = self.node(start, end, None, YamlValue::String(value));
        self.finish(&props, node)
    }

    /// A block scalar starting on the current line (after `key: ` or `- `); ends the line.
    fn block_scalar(&mut self, indent: usize) -> YamlNode {
        let props = self.props();
        let start = self.out.len();
        let header = self.rng.pick(&["|", "|-", ">"]);
        self.out.push_str(header);
        if self.rng.chance(30) {
            self.out.push_str(" # a comment");
        }
        self.out.push('\n');
        let lines: Vec<&str> = (0..1 + self.rng.below(3))
            .map(|_| self.rng.pick(&WORDS))
            .collect();
        for line in &lines {
            self.out.push_str(&" ".repeat(indent + 2));
            self.out.push_str(line);
            self.out.push('\n');
        }
        let end = self.out.len() - 1;
        let value = match header {
            "|" => format!("{}\n", lines.join("\n")),
            "|-" => lines.join("\n"),
            _ => format!("{}\n", lines.join(" ")),
        };
        let node = self.node(start, end, None, YamlValue::String(value));
        self.finish(&props, node)
    }

    /// A key on the current line, followed by `:`.
    fn key(&mut self) -> (String, Span) {
        let start = self.out.len();
        let key = if self.rng.chance(25) {
            self.out.push_str("\"quoted key\"");
            "quoted key".to_owned()
        } else {
            let word = self.rng.pick(&WORDS[..5]);
            self.out.push_str(word);
            word.to_owned()
        };
        let span = Span::new(start, self.out.len());
        self.out.push(':');
        (key, span)
    }

    /// The separator between flow items, maybe with a line break (continuation lines indented
    /// more than `indent`).
    fn flow_separator(&mut self, indent: usize) {
        if self.rng.chance(20) {
            self.out.push_str(",\n");
            self.out.push_str(&" ".repeat(indent + 3));
        } else {
            self.out.push_str(", ");
        }
    }

    /// A flow node on the current line, in a block indented by `indent`.
    fn flow(&mut self, depth: usize, indent: usize) -> YamlNode {
        match if depth == 0 { 0 } else { self.rng.below(3) } {
            0 => self.inline_scalar(None),
            1 => {
                let props = self.props();
                let start = self.out.len();
                self.out.push('[');
                let mut items = Vec::new();
                for i in 0..self.rng.below(4) {
                    if i > 0 {
                        self.flow_separator(indent);
                    }
                    items.push(self.flow(depth - 1, indent));
                }
                self.out.push(']');
                let node = self.node(start, self.out.len(), None, YamlValue::Sequence(items));
                self.finish(&props, node)
            }
            _ => {
                let props = self.props();
                let start = self.out.len();
                self.out.push('{');
                let mut entries = Vec::new();
                for i in 0..self.rng.below(4) {
                    if i > 0 {
                        self.flow_separator(indent);
                    }
                    let (key, key_span) = self.key();
                    self.out.push(' ');
                    let value = self.flow(depth - 1, indent);
                    entries.push(YamlEntry {
                        key,
                        key_span,
                        value,
                    });
                }
                self.out.push('}');
                let node = self.node(start, self.out.len(), None, YamlValue::Mapping(entries));
                self.finish(&props, node)
            }
        }
    }

    /// What follows `key:` or `-` in block context, up to and including the end of its last line.
    fn block_value(&mut self, indent: usize, depth: usize, after_key: Option<Span>) -> YamlNode {
        let choice = self.rng.below(if depth == 0 { 4 } else { 7 });
        match choice {
            0 | 1 => {
                self.out.push(' ');
                let node = self.inline_scalar(Some(indent));
                if self.rng.chance(20) {
                    self.out.push_str("  # comment");
                }
                self.out.push('\n');
                node
            }
            2 => {
                self.out.push(' ');
                self.block_scalar(indent)
            }
            3 => match after_key {
                // An empty value: null, located at the end of its key.
                Some(key) if self.rng.chance(50) => {
                    self.out.push('\n');
                    self.node(key.end, key.end, None, YamlValue::Null)
                }
                _ => {
                    self.out.push(' ');
                    let node = self.flow(depth.min(2), indent);
                    if self.rng.chance(20) {
                        self.out.push_str(" # comment");
                    }
                    self.out.push('\n');
                    node
                }
            },
            _ => {
                let mut props = Props {
                    tag: None,
                    anchor: None,
                };
                if after_key.is_some() {
                    self.out.push(' ');
                    props = self.props();
                    if self.rng.chance(20) {
                        self.out.push_str("# comment");
                    }
                }
                self.out.push('\n');
                let node = if choice == 4 {
                    self.block_map(indent + 2, depth - 1, false)
                } else if after_key.is_some() && self.rng.chance(40) {
                    // An indentless sequence.
                    self.block_seq(indent, depth - 1, false)
                } else {
                    self.block_seq(indent + 2, depth - 1, false)
                };
                self.finish(&props, node)
            }
        }
    }

    /// A block mapping at `indent`; its first key on the current line when `inline`.
    fn block_map(&mut self, indent: usize, depth: usize, inline: bool) -> YamlNode {
        let mut entries = Vec::new();
        let mut start = None;
        for i in 0..1 + self.rng.below(3) {
            if i > 0 || !inline {
                if self.rng.chance(10) {
                    self.out.push_str(&" ".repeat(indent));
                    self.out.push_str("# a comment line\n\n");
                }
                self.out.push_str(&" ".repeat(indent));
            }
            let (key, key_span) = self.key();
            start.get_or_insert(key_span.start);
            let value = self.block_value(indent, depth, Some(key_span));
            entries.push(YamlEntry {
                key,
                key_span,
                value,
            });
        }
        let end = entries
            .last()
            .map_or(0, |e| e.value.span.end.max(e.key_span.end));
        self.node(start.unwrap_or(0), end, None, YamlValue::Mapping(entries))
    }

    /// A block sequence at `indent`; its first `-` on the current line when `inline`.
    fn block_seq(&mut self, indent: usize, depth: usize, inline: bool) -> YamlNode {
        let mut items = Vec::new();
        let mut start = None;
        for i in 0..1 + self.rng.below(3) {
            if i > 0 || !inline {
                self.out.push_str(&" ".repeat(indent));
            }
            start.get_or_insert(self.out.len());
            self.out.push('-');
            let item = if depth > 0 && self.rng.chance(30) {
                self.out.push(' ');
                if self.rng.chance(60) {
                    self.block_map(indent + 2, depth - 1, true)
                } else {
                    self.block_seq(indent + 2, depth - 1, true)
                }
            } else {
                self.block_value(indent, depth, None)
            };
            items.push(item);
        }
        let end = items.last().map_or(0, |n| n.span.end);
        self.node(start.unwrap_or(0), end, None, YamlValue::Sequence(items))
    }

    /// A whole document.
    fn document(seed: u64) -> (String, YamlNode) {
        let mut w = Writer {
            rng: Rng(seed | 1),
            out: String::new(),
            anchors: Vec::new(),
        };
        if w.rng.chance(30) {
            w.out.push_str("# leading comment\n");
        }
        if w.rng.chance(30) {
            w.out.push_str("---\n");
        }
        let root = if w.rng.chance(60) {
            w.block_map(0, 3, false)
        } else {
            w.block_seq(0, 3, false)
        };
        (w.out, root)
    }
}

#[test]
fn generated_documents_read_back_exactly() {
    for seed in 0..5_000_u64 {
        let (text, expected) = Writer::document(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let got = root(&text);
        assert_eq!(got, expected, "seed {seed}:\n{text}");
    }
}

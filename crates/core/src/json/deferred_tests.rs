//! [`super::parse_deferring`] and [`super::parse_element`] against [`super::parse`].

use super::{
    parse, parse_deferring, parse_element, parse_element_keeping, parse_str, parse_streaming, Node,
    Value,
};

const KEYS: &[&str] = &["RoleDetailList", "Roles"];

/// Documents with deferred arrays, valid and broken in every part of them.
const DOCS: &[&str] = &[
    r#"{"RoleDetailList": [{"RoleName": "a", "x": [1, 2.5e3, true, null, "\u00e9\n"]}, {"RoleName": "b"}], "Other": [1]}"#,
    r#"{"Roles": [], "RoleDetailList": [ 1 , "two" , [3] , {"k": {"l": [] }} ]}"#,
    r#"{"RoleDetailList": [1, 2], "RoleDetailList": [3]}"#,
    r#"{"RoleDetailList": {"not": "an array"}}"#,
    r#"{"x": {"RoleDetailList": [1, 2]}}"#,
    r#"[{"RoleDetailList": [1]}]"#,
    r#"{"RoleDetailList": [1, 2,]}"#,
    r#"{"RoleDetailList": [1 2]}"#,
    r#"{"RoleDetailList": [{"a": 1,}]}"#,
    r#"{"RoleDetailList": [{"a" 1}]}"#,
    r#"{"RoleDetailList": ["bad \x escape"]}"#,
    r#"{"RoleDetailList": ["\ud800"]}"#,
    r#"{"RoleDetailList": [01]}"#,
    r#"{"RoleDetailList": [NaN]}"#,
    r#"{"RoleDetailList": ['single']}"#,
    r#"{"RoleDetailList": [{"a": tru}]}"#,
    r#"{"RoleDetailList": [1, 2"#,
    r#"{"RoleDetailList": [{"a": "unterminated}]}"#,
    r#"{"RoleDetailList": [1, 2]} trailing"#,
    r#"{"RoleDetailList": [1, // comment
    2]}"#,
    "{\"RoleDetailList\": [\"tab\there\"]}",
    r#"{"RoleDetailList": [1}"#,
];

/// Every element of the deferred arrays, read one at a time, is the element of the whole tree;
/// the rest of the tree is the whole tree with those arrays emptied; errors are the same.
#[test]
fn deferring_reads_the_same_document() {
    for doc in DOCS {
        let whole = parse(doc.as_bytes());
        let deferred = parse_deferring(doc.as_bytes(), KEYS);
        match (whole, deferred) {
            (Err(a), Err(b)) => assert_eq!(a, b, "{doc}"),
            (Ok(mut whole), Ok((root, lists))) => {
                let Value::Object(members) = &mut whole.value else {
                    assert!(lists.is_empty(), "{doc}");
                    assert_eq!(root, whole, "{doc}");
                    continue;
                };
                for m in members.iter_mut() {
                    let Some(list) = lists.iter().find(|d| d.start == m.value.span.start) else {
                        continue;
                    };
                    assert!(KEYS.contains(&m.key.as_str()), "{doc}");
                    let Value::Array(items) = &mut m.value.value else {
                        panic!("a deferred value is an array: {doc}");
                    };
                    let read: Vec<_> = list
                        .elements
                        .iter()
                        .map(|&at| parse_element(doc, at).expect("a validated element parses"))
                        .collect();
                    assert_eq!(&read, items, "{doc}");
                    items.clear();
                }
                assert_eq!(root, whole, "{doc}");
            }
            (a, b) => panic!("{doc}: {a:?} vs {b:?}"),
        }
    }
}

/// Deferred arrays are counted in the nesting limit like any other.
#[test]
fn deferred_elements_count_their_depth() {
    let depth = super::MAX_DEPTH - 1;
    let deep = format!(
        "{{\"Roles\": [{}{}]}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert_eq!(
        parse(deep.as_bytes()).map(|_| ()),
        parse_deferring(deep.as_bytes(), KEYS).map(|_| ())
    );
    let ok = format!(
        "{{\"Roles\": [{}{}]}}",
        "[".repeat(depth - 1),
        "]".repeat(depth - 1)
    );
    let (_, lists) = parse_deferring(ok.as_bytes(), KEYS).expect("within the limit");
    let first = lists[0].elements[0];
    assert_eq!(
        parse_element(&ok, first).map(|n| n.span),
        parse(ok.as_bytes()).map(|n| n.as_object().unwrap()[0].value.as_array().unwrap()[0].span)
    );
}

/// Reading an element keeping some of its members gives the whole element without the others,
/// at every element of every document, for key lists that keep none, some and all members.
#[test]
fn keeping_leaves_out_exactly_the_other_members() {
    let docs = DOCS.iter().copied().chain([
        r#"{"Roles": [{"RoleName": "a", "Tags": [{"Key": "k", "Value": {"deep": [1, {}]}}], "Arn": "x", "RoleName": "b"}, [{"RoleName": 1}], {}]}"#,
    ]);
    let keeps: [&[&str]; 4] = [&[], &["RoleName"], &["Arn", "RoleName"], &["nothing"]];
    for doc in docs {
        let Ok((_, lists)) = parse_deferring(doc.as_bytes(), KEYS) else {
            continue;
        };
        for &at in lists.iter().flat_map(|d| &d.elements) {
            let whole = parse_element(doc, at).expect("a validated element parses");
            for keep in keeps {
                let mut expected: Node = whole.clone();
                if let Value::Object(members) = &mut expected.value {
                    if !keep.is_empty() {
                        members.retain(|m| keep.contains(&m.key.as_str()));
                    }
                }
                assert_eq!(
                    parse_element_keeping(doc, at, keep),
                    Ok(expected),
                    "{doc} at {at} keeping {keep:?}"
                );
            }
        }
    }
}

/// Streaming a list hands the sink exactly the elements that reading them one at a time from the
/// deferred offsets gives, in order, with the same tree and the same errors as deferring.
#[test]
fn streaming_hands_out_the_elements_deferring_reads() {
    let docs = DOCS.iter().copied().chain([
        r#"{"Roles": [{"RoleName": "a", "Tags": [{"Key": "k"}], "Arn": "x"}, {"Roles": [1]}, 2], "Other": [{"RoleName": "kept whole", "Tags": []}]}"#,
        r#"{"UserDetailList": [{"a": 1}], "Roles": [[{"RoleName": "nested", "Tags": 1}]], "Roles": [{"Tags": 2}]}"#,
        r#"{"Roles": [{"RoleName": "a"}, {"RoleName": "b", "Tags": [}]}"#,
    ]);
    let keeps: [&[&str]; 3] = [&[], &["RoleName"], &["Arn", "RoleName"]];
    for doc in docs {
        for keep in keeps {
            // "Roles" is streamed, "RoleDetailList" deferred.
            let mut seen = Vec::new();
            let streamed = parse_streaming(
                doc,
                &["RoleDetailList", "UserDetailList"],
                &["Roles"],
                keep,
                &mut |list, node| {
                    seen.push((list, node));
                },
            );
            let deferred = parse_deferring(
                doc.as_bytes(),
                &["RoleDetailList", "UserDetailList", "Roles"],
            );
            match (&streamed, &deferred) {
                (Ok((root, lists)), Ok((root_d, lists_d))) => {
                    assert_eq!(root, root_d, "{doc}");
                    assert_eq!(lists, lists_d, "{doc}");
                    let roles_lists: Vec<usize> = root
                        .members_named("Roles")
                        .filter(|m| lists.iter().any(|d| d.start == m.value.span.start))
                        .map(|m| m.value.span.start)
                        .collect();
                    let expected: Vec<(usize, Node)> = lists
                        .iter()
                        .filter(|d| roles_lists.contains(&d.start))
                        .flat_map(|d| d.elements.iter().map(move |&at| (d.start, at)))
                        .map(|(list, at)| (list, parse_element_keeping(doc, at, keep).unwrap()))
                        .collect();
                    assert_eq!(seen, expected, "{doc} keeping {keep:?}");
                }
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "{doc}");
                    assert_eq!(Err(a.clone()), parse_str(doc), "{doc}");
                }
                _ => panic!("{doc}: {streamed:?} vs {deferred:?}"),
            }
        }
    }
}

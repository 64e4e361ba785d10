//! The request whose authorisation is evaluated.

use super::RequestPrincipal;

/// One authorisation request: who asks, for which action, with which context keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The caller.
    pub principal: RequestPrincipal,
    /// The action, e.g. `sts:AssumeRoleWithWebIdentity`.
    pub action: String,
    /// The condition keys present in the request.
    pub context: RequestContext,
}

/// One key of the request context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    /// The key as given.
    pub key: String,
    /// The key, ASCII lower-cased.
    pub key_lower: String,
    /// Its values.
    pub values: Vec<String>,
    /// Whether the key is multi-valued in this request (a plain operator then never matches,
    /// SEMANTICS.md §2.5).
    pub multi_valued: bool,
}

/// The condition keys of a request. Key names are compared ASCII case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestContext {
    entries: Vec<ContextEntry>,
}

impl RequestContext {
    /// An empty context.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Set a single-valued key (replacing any earlier value of the same key, in any case).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.insert(key.into(), vec![value.into()], false);
    }

    /// Set a key with a list of values. `multi_valued` says whether the key is multi-valued by
    /// nature (`aws:TagKeys`, `…:amr`); any key with more than one value is multi-valued.
    pub fn set_values(&mut self, key: impl Into<String>, values: Vec<String>, multi_valued: bool) {
        let multi = multi_valued || values.len() != 1;
        self.insert(key.into(), values, multi);
    }

    fn insert(&mut self, key: String, values: Vec<String>, multi_valued: bool) {
        let key_lower = key.to_ascii_lowercase();
        self.entries.retain(|e| e.key_lower != key_lower);
        self.entries.push(ContextEntry {
            key,
            key_lower,
            values,
            multi_valued,
        });
    }

    /// Remove a key.
    pub fn remove(&mut self, key: &str) {
        let lower = key.to_ascii_lowercase();
        self.entries.retain(|e| e.key_lower != lower);
    }

    /// The entry for `key_lower` (already lower-cased).
    #[must_use]
    pub fn get_lower(&self, key_lower: &str) -> Option<&ContextEntry> {
        self.entries.iter().find(|e| e.key_lower == key_lower)
    }

    /// The entry for `key`, in any case.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&ContextEntry> {
        self.entries
            .iter()
            .find(|e| e.key.eq_ignore_ascii_case(key))
    }

    /// The value of a single-valued key, for policy variables (multi-valued keys cannot be
    /// variables, SEMANTICS.md §3.3).
    #[must_use]
    pub fn variable(&self, key: &str) -> Option<&str> {
        let e = self.get(key)?;
        if e.multi_valued {
            return None;
        }
        e.values.first().map(String::as_str)
    }

    /// Every entry, in insertion order.
    #[must_use]
    pub fn entries(&self) -> &[ContextEntry] {
        &self.entries
    }
}

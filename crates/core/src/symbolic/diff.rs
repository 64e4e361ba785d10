//! Comparing what two versions of a trust policy admit.

use super::{admitted_to, who_can_assume, Admitted};
use crate::algebra::TooComplex;
use crate::policy::TrustPolicy;

/// Whether a change lets more in or fewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// NEW admits requests OLD did not.
    Widened,
    /// OLD admitted requests NEW does not.
    Narrowed,
}

/// Requests of one principal admitted by one side and not the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Widened or narrowed.
    pub direction: Direction,
    /// The principal, with the regions the gaining side admits and the other does not.
    pub admitted: Admitted,
}

/// The requests `from` admits and `to` does not, per principal of `from`.
fn gained(
    from: &TrustPolicy,
    to: &TrustPolicy,
    direction: Direction,
) -> Result<Vec<Change>, TooComplex> {
    let mut out = Vec::new();
    for a in who_can_assume(from)? {
        let other = admitted_to(to, a.class, &a.principal)?;
        let mut rest = a.regions.clone();
        for o in &other {
            let mut next = Vec::new();
            for r in &rest {
                next.extend(r.subtract(o)?);
            }
            rest = next;
        }
        rest.retain(|r| !r.is_empty());
        if !rest.is_empty() {
            out.push(Change {
                direction,
                admitted: Admitted {
                    class: a.class,
                    principal: a.principal,
                    regions: rest,
                },
            });
        }
    }
    Ok(out)
}

/// What NEW admits that OLD did not (widened), and the reverse (narrowed).
///
/// # Errors
/// When a string set is too complex.
pub fn diff(
    old: &TrustPolicy,
    new: &TrustPolicy,
) -> Result<(Vec<Change>, Vec<Change>), TooComplex> {
    Ok((
        gained(new, old, Direction::Widened)?,
        gained(old, new, Direction::Narrowed)?,
    ))
}

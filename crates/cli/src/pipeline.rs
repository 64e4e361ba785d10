//! Checking a dump's roles while the file is still being read: the reading thread hands the
//! roles it has read, in batches, to the other threads, and checks a batch itself whenever they
//! are all busy. One pass over the file instead of two (validate, then read each role), and the
//! reading overlaps the checking. The results come back in the roles' order, whichever thread
//! produced them, so the output does not depend on the number of threads.

use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender, TrySendError};
use std::sync::Mutex;

use trustlint_core::input::{prepare_streaming, Prepared};
use trustlint_core::json::Node;

/// Roles per batch.
const BATCH: usize = 64;

/// Batches that may wait for a thread, per thread (memory stays bounded by this).
const QUEUED_PER_THREAD: usize = 2;

/// A batch of elements of one list: its place in the file's order, the list's offset, the
/// elements.
type Batch = (usize, usize, Vec<Node>);

/// What came of one batch: its place, its list, `work`'s result.
type Done<R> = (usize, usize, R);

/// Reads `text` with [`prepare_streaming`], running `work` on the elements of its lists in
/// batches, on `threads` threads (this one included; other threads only once a file has more
/// than one batch); returns the prepared file and `work`'s results for the batches of its role
/// list ([`trustlint_core::input::RoleList::list`]), in order. Nothing is returned for elements
/// of other lists, or when the file turns out not to be a dump.
pub fn read_roles<'t, R: Send>(
    text: &'t str,
    threads: usize,
    work: impl Fn(&[Node]) -> R + Sync,
) -> (Prepared<'t>, Vec<R>) {
    let (tx, rx) = sync_channel::<Batch>(threads.saturating_sub(1) * QUEUED_PER_THREAD);
    let rx = Mutex::new(rx);
    let (back, returned) = channel::<Vec<Node>>();
    let work = &work;
    let (prepared, mut done) = std::thread::scope(|scope| {
        let mut workers = Vec::new();
        let mut mine: Vec<Done<R>> = Vec::new();
        let mut pending: Vec<Node> = Vec::with_capacity(BATCH);
        let mut pending_list = 0;
        let mut seq = 0;
        let mut send = |nodes: Vec<Node>, list: usize, mine: &mut Vec<Done<R>>| {
            if workers.is_empty() && threads > 1 {
                let rx = &rx;
                workers = (1..threads)
                    .map(|_| {
                        let back = back.clone();
                        scope.spawn(move || drain(rx, &back, work))
                    })
                    .collect();
            }
            // Free what the other threads are done with.
            while returned.try_recv().is_ok() {}
            give(&tx, (seq, list, nodes), mine, work);
            seq += 1;
        };
        let prepared = prepare_streaming(text, &mut |list, node| {
            if list != pending_list && !pending.is_empty() {
                let nodes = std::mem::replace(&mut pending, Vec::with_capacity(BATCH));
                send(nodes, pending_list, &mut mine);
            }
            pending_list = list;
            pending.push(node);
            if pending.len() == BATCH {
                let nodes = std::mem::replace(&mut pending, Vec::with_capacity(BATCH));
                send(nodes, pending_list, &mut mine);
            }
        });
        if !pending.is_empty() {
            send(pending, pending_list, &mut mine);
        }
        drop(tx);
        // Help with what is still queued, then collect the others' results.
        mine.extend(drain(&rx, &back, work));
        drop(back);
        for worker in workers {
            match worker.join() {
                Ok(results) => mine.extend(results),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        (prepared, mine)
    });
    done.sort_unstable_by_key(|(seq, _, _)| *seq);
    let Some(list) = prepared.roles.list() else {
        return (prepared, Vec::new());
    };
    let results = done
        .into_iter()
        .filter(|(_, l, _)| *l == list)
        .map(|(_, _, r)| r)
        .collect();
    (prepared, results)
}

/// Queues `batch` for another thread, or runs `work` on it here when the queue is full.
fn give<R>(
    tx: &SyncSender<Batch>,
    batch: Batch,
    mine: &mut Vec<Done<R>>,
    work: &impl Fn(&[Node]) -> R,
) {
    match tx.try_send(batch) {
        Ok(()) => {}
        Err(
            TrySendError::Full((seq, list, nodes)) | TrySendError::Disconnected((seq, list, nodes)),
        ) => {
            mine.push((seq, list, work(&nodes)));
        }
    }
}

/// Runs `work` on queued batches until the queue is closed and empty.
/// The batches are sent `back` to the reading thread once done with.
fn drain<R>(
    rx: &Mutex<Receiver<Batch>>,
    back: &Sender<Vec<Node>>,
    work: &impl Fn(&[Node]) -> R,
) -> Vec<Done<R>> {
    let mut out = Vec::new();
    loop {
        // One thread waits on the queue at a time; the lock is released before the work.
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok((seq, list, nodes)) = next else {
            return out;
        };
        out.push((seq, list, work(&nodes)));
        // Freed by the thread that allocated them, which is much cheaper for the allocator.
        if back.send(nodes).is_err() {
            // The reading thread is done with the file: nothing left to be cheap for.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trustlint_core::input::{prepare_text, read_role, RoleEntry};

    /// A role list of `n` roles under `key`, with `tail` after the list.
    fn dump(key: &str, n: usize, tail: &str) -> String {
        let roles: Vec<String> = (0..n)
            .map(|i| format!(r#"{{"RoleName": "r{i}", "Tags": [{{"Key": "k{i}"}}]}}"#))
            .collect();
        format!(r#"{{"{key}": [{}]{tail}}}"#, roles.join(",\n"))
    }

    /// The roles the two-pass reading gives.
    fn expected(text: &str) -> Vec<RoleEntry> {
        let prepared = prepare_text(text);
        let mut roles = Vec::new();
        prepared
            .roles
            .for_each(0..prepared.roles.len(), |r| roles.push(r));
        roles
    }

    #[test]
    fn every_thread_count_reads_the_roles_in_order() {
        let docs = [
            dump("RoleDetailList", 1000, ""),
            dump(
                "Roles",
                130,
                r#", "Roles": [{"RoleName": "last list wins"}]"#,
            ),
            // Broken after many batches were handed out: no roles.
            dump("RoleDetailList", 700, ", oops"),
            // A list of roles in a file that is not a dump: no roles from the pipeline.
            dump(
                "Roles",
                200,
                r#", "AWSTemplateFormatVersion": "2010-09-09", "Resources": {}"#,
            ),
            dump("RoleDetailList", 0, ""),
        ];
        for text in &docs {
            for threads in [1, 2, 3, 8] {
                let (prepared, batches) = read_roles(text, threads, |nodes| {
                    nodes.iter().map(|n| read_role(n, text)).collect::<Vec<_>>()
                });
                assert_eq!(prepared.input, prepare_text(text).input);
                assert_eq!(prepared.roles.list(), prepare_text(text).roles.list());
                let roles: Vec<RoleEntry> = batches.into_iter().flatten().collect();
                let want = expected(text);
                assert_eq!(roles.len(), want.len(), "{threads} threads");
                assert_eq!(roles, want, "{threads} threads");
            }
        }
    }
}

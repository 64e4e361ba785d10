// The Node.js package (crates/wasm/pkg/node, built by scripts/build-wasm.sh) gives the same JSON as
// the CLI (`TRUSTLINT_BIN`, default target/debug/trustlint) on every case of the shared corpus:
// check, can-assume for every query, who-can-assume; plus rules and a few diffs. Only `path`
// differs; the wasm-only `utf16` offsets are checked against line/column and then dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../../..');
const trustlint = require(path.join(repo, 'crates/wasm/pkg/node/trustlint_wasm.js'));
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(repo, process.env.CARGO_TARGET_DIR) : path.join(repo, 'target');
const bin = process.env.TRUSTLINT_BIN ?? path.join(targetDir, 'debug/trustlint');
const outer = path.resolve(repo, '../shared/corpus');
const corpus = existsSync(path.join(outer, 'index.jsonl')) ? outer : path.join(repo, 'corpus/shared');
const cases = readFileSync(path.join(corpus, 'index.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

function cli(args) {
  const r = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.ok(r.status === 0 || r.status === 1, `${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Drop every `path` field. */
function withoutPath(v) {
  if (Array.isArray(v)) return v.map(withoutPath);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'path').map(([k, x]) => [k, withoutPath(x)]));
  }
  return v;
}

/** Line/column (1-based, code points) of a UTF-16 offset. */
function position(text, offset) {
  const before = text.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: [...lines[lines.length - 1]].length + 1 };
}

/** Check the `utf16` offsets against line/column and remove them. */
function checkUtf16(text, result) {
  for (const d of result.diagnostics ?? []) {
    assert.deepEqual(position(text, d.span.utf16.start), d.span.start, `${d.code} start`);
    assert.deepEqual(position(text, d.span.utf16.end), d.span.end, `${d.code} end`);
    delete d.span.utf16;
  }
  for (const r of result.results ?? []) {
    for (const reason of r.reject_reasons ?? []) {
      assert.deepEqual(position(text, reason.utf16.start), { line: reason.line, column: reason.column });
      delete reason.utf16;
    }
  }
  return result;
}

/** A corpus query as CLI flags and as a wasm request. */
function request(q) {
  const flags = [];
  const req = {};
  if (q.issuer) {
    flags.push('--issuer', q.issuer, '--sub', q.sub);
    Object.assign(req, { issuer: q.issuer, sub: q.sub });
    const aud = q.aud === undefined ? [] : [].concat(q.aud);
    for (const a of aud) flags.push('--aud', a);
    if (aud.length) req.aud = aud;
  } else if (q.principal_service) {
    flags.push('--pod-identity');
    req.pod_identity = true;
    req.tags = {};
    for (const [k, v] of Object.entries(q.request_tags ?? {})) {
      flags.push('--tag', `${k}=${v}`);
      req.tags[k] = v;
    }
  } else {
    flags.push('--principal', q.aws_principal);
    req.principal = q.aws_principal;
    if (q.action) {
      flags.push('--action', q.action);
      req.action = q.action;
    }
  }
  if (q.role_account) { flags.push('--account', q.role_account); req.account = q.role_account; }
  if (q.partition) { flags.push('--partition', q.partition); req.partition = q.partition; }
  if (q.context) {
    req.context = {};
    for (const [k, v] of Object.entries(q.context)) {
      const values = [].concat(v);
      for (const x of values) flags.push('--context', `${k}=${x}`);
      req.context[k] = values;
    }
  }
  return { flags, req };
}

test('the package loads and reports its version', () => {
  assert.equal(trustlint.version(), cli(['rules', '--format', 'json']) && trustlint.check('{}').tool.version);
  assert.deepEqual(trustlint.rules(), cli(['rules', '--format', 'json']));
});

test('user errors are results, not exceptions', () => {
  assert.match(trustlint.canAssume('{}', {}).error, /issuer/);
  assert.match(trustlint.explain('TL999').error, /no rule/);
  assert.match(trustlint.check('{}', { select: 'nope' }).error, /rule code/);
  assert.equal(trustlint.explain('TL203').code, 'TL203');
});

let queries = 0;
for (const c of cases) {
  const file = path.join(corpus, c.file);
  const text = readFileSync(file, 'utf8');
  test(`${c.file}: check, who-can-assume and can-assume match the CLI`, () => {
    assert.deepEqual(withoutPath(checkUtf16(text, trustlint.check(text))), withoutPath(cli(['check', '--format', 'json', file])));
    assert.deepEqual(withoutPath(trustlint.whoCanAssume(text)), withoutPath(cli(['who-can-assume', '--format', 'json', file])));
    for (const q of c.queries) {
      const { flags, req } = request(q);
      const mine = checkUtf16(text, trustlint.canAssume(text, req));
      assert.deepEqual(withoutPath(mine), withoutPath(cli(['can-assume', file, '--format', 'json', ...flags])), JSON.stringify(q));
      assert.equal(mine.results[0].allowed, q.allowed, JSON.stringify(q));
      queries += 1;
    }
  });
}

test('diff matches the CLI', () => {
  for (let i = 0; i + 1 < cases.length; i += 4) {
    const [a, b] = [cases[i], cases[i + 1]].map((c) => path.join(corpus, c.file));
    const mine = trustlint.diff(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
    assert.deepEqual(mine, cli(['diff', '--format', 'json', a, b]), `${a} → ${b}`);
  }
});

test('every corpus query was compared', () => {
  assert.ok(queries >= 60, `only ${queries} queries`);
});

// The checker page: re-checks as you type (debounced), underlines findings by their UTF-16
// offsets, describes who can assume the role, and answers can-assume questions.
import init, { check, canAssume, whoCanAssume, version } from './pkg/trustlint_wasm.js';
import { EXAMPLES } from './examples.js';

const $ = (id) => document.getElementById(id);
const input = $('input'), backdrop = $('backdrop'), gutter = $('gutter');
const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
};
const rank = { error: 3, warning: 2, info: 1 };

let lastCheck = null;
/** Time of the last check in milliseconds (read by the end-to-end test). */
window.trustlintTimings = [];

function render(text, result) {
  const diags = result.error ? [] : result.diagnostics;
  // Underlines: one <mark> per finding, innermost-first is not needed for policies; overlapping
  // spans are merged into the most severe one.
  const spans = diags.map((d) => ({ ...d.span.utf16, d })).sort((a, b) => a.start - b.start || b.end - a.end);
  let html = '', at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    const end = Math.max(s.end, s.start + 1);
    html += escapeHtml(text.slice(at, s.start));
    html += `<mark class="${s.d.severity}" data-code="${s.d.code}" data-line="${s.d.span.start.line}">${escapeHtml(text.slice(s.start, end) || ' ')}</mark>`;
    at = Math.min(end, text.length);
  }
  html += escapeHtml(text.slice(at)) + '\n';
  backdrop.innerHTML = html;
  const worst = new Map();
  for (const d of diags) worst.set(d.span.start.line, Math.max(worst.get(d.span.start.line) ?? 0, rank[d.severity]));
  const lines = text.split('\n').length;
  gutter.innerHTML = Array.from({ length: lines }, (_, i) => worst.has(i + 1) ? `<span class="bad" data-line="${i + 1}">${i + 1}</span>` : `<span data-line="${i + 1}">${i + 1}</span>`).join('\n');
  syncScroll();

  const list = $('findings');
  list.replaceChildren();
  if (result.error) list.append(el('li', { class: 'error' }, result.error));
  for (const d of diags) {
    const go = el('button', { type: 'button', title: 'Select in the editor' },
      el('span', { class: `sev ${d.severity}` }, d.severity), ' ', el('code', {}, d.code), ` ${d.name} — line ${d.span.start.line}, column ${d.span.start.column}: `, d.message);
    go.addEventListener('click', () => { input.focus(); input.setSelectionRange(d.span.utf16.start, d.span.utf16.end); });
    const item = el('li', { class: d.severity, 'data-code': d.code }, go);
    if (d.help) item.append(el('p', { class: 'help' }, 'help: ', d.help));
    item.append(el('a', { href: `https://trustlint.invalid/rules/${d.code}` }, `${d.code} documentation`));
    list.append(item);
  }
  const s = result.summary;
  $('counts').textContent = s ? `(${s.error} errors, ${s.warning} warnings, ${s.info} infos)` : '';
  if (!result.error && diags.length === 0) list.append(el('li', {}, 'No findings.'));
}

function renderWho(text) {
  const box = $('who');
  box.replaceChildren();
  const who = whoCanAssume(text);
  if (who.error) { box.append(el('p', {}, who.error)); return; }
  for (const r of who.results) {
    if (r.policy) box.append(el('h3', {}, `Role ${r.policy}`));
    if (r.principals.length === 0) box.append(el('p', {}, 'Nobody: no statement allows any principal.'));
    for (const p of r.principals) {
      const ul = el('ul');
      if (p.admits.length === 0) ul.append(el('li', {}, 'admits nobody'));
      for (const a of p.admits) {
        const li = el('li', {}, a.summary);
        if (a.example) {
          const use = el('button', { type: 'button' }, 'try this identity');
          use.addEventListener('click', () => fillForm(a.example));
          li.append(' ', use);
        }
        ul.append(li);
      }
      box.append(el('div', { class: 'who-principal' }, el('strong', {}, p.kind), ' ', el('code', {}, p.principal), ul));
    }
  }
}

function runCheck() {
  const text = input.value;
  const t0 = performance.now();
  const result = check(text);
  const ms = performance.now() - t0;
  window.trustlintTimings.push(ms);
  render(text, result);
  renderWho(text);
  $('status').textContent = `checked in ${ms.toFixed(1)} ms`;
  lastCheck = result;
}

let timer = 0;
input.addEventListener('input', () => {
  backdrop.innerHTML = escapeHtml(input.value) + '\n';
  clearTimeout(timer);
  timer = setTimeout(runCheck, 150);
});
function syncScroll() { backdrop.scrollTop = input.scrollTop; backdrop.scrollLeft = input.scrollLeft; gutter.scrollTop = input.scrollTop; }
input.addEventListener('scroll', syncScroll);
// The identity form.
const modeOf = () => document.querySelector('input[name=mode]:checked').value;
function showMode() {
  const m = modeOf();
  for (const g of document.querySelectorAll('.grid[data-mode]')) g.hidden = !g.dataset.mode.split(' ').includes(m);
}
for (const r of document.querySelectorAll('input[name=mode]')) r.addEventListener('change', showMode);

function fillForm(ex) {
  const set = (id, v) => { $(id).value = v ?? ''; };
  const mode = ex.issuer ? 'web' : ex.pod_identity || ex.principal_service ? 'pod' : 'aws';
  document.querySelector(`input[name=mode][value=${mode}]`).checked = true;
  showMode();
  set('account', ex.account ?? ex.role_account);
  if (mode === 'web') {
    set('issuer', ex.issuer);
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(ex.sub ?? '');
    set('ns', m ? m[1] : ''); set('sa', m ? m[2] : ''); set('sub', m ? '' : ex.sub);
    set('aud', [].concat(ex.aud ?? 'sts.amazonaws.com').join(', '));
  } else if (mode === 'pod') {
    const tags = { ...(ex.tags ?? ex.request_tags ?? {}) };
    set('ns', tags['kubernetes-namespace']); set('sa', tags['kubernetes-service-account']); set('cluster', tags['eks-cluster-arn']);
    for (const k of ['kubernetes-namespace', 'kubernetes-service-account', 'eks-cluster-arn', 'eks-cluster-name']) delete tags[k];
    set('tags', Object.entries(tags).map(([k, v]) => `${k}=${v}`).join('\n'));
  } else {
    set('principal', ex.principal ?? ex.aws_principal);
  }
}

function request() {
  const v = (id) => $(id).value.trim();
  const req = {};
  const sa = v('ns') || v('sa') ? `${v('ns')}/${v('sa')}` : undefined;
  const mode = modeOf();
  if (mode === 'web') {
    req.issuer = v('issuer');
    if (v('sub')) req.sub = v('sub'); else if (sa) req.sa = sa;
    req.aud = v('aud').split(',').map((s) => s.trim()).filter(Boolean);
  } else if (mode === 'pod') {
    req.pod_identity = true;
    if (sa) req.sa = sa;
    if (v('cluster')) req.cluster_arn = v('cluster');
    req.tags = Object.fromEntries(v('tags').split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')).trim(), l.slice(l.indexOf('=') + 1).trim()]));
  } else {
    req.principal = v('principal');
  }
  if (v('account')) req.account = v('account');
  return req;
}

$('ask').addEventListener('submit', (e) => {
  e.preventDefault();
  const out = $('decision'), trace = $('trace');
  trace.replaceChildren();
  const r = canAssume(input.value, request());
  if (r.error) { out.className = 'deny'; out.textContent = `Cannot decide: ${r.error}`; return; }
  const all = r.results.every((x) => x.allowed);
  out.className = all ? 'allow' : 'deny';
  out.textContent = r.results.map((x) => `${x.allowed ? 'ALLOWED' : 'DENIED'}${x.policy ? ` (${x.policy})` : ''}: ${x.decision}${x.iam_would_reject ? ' — IAM would reject this document' : ''}`).join('; ');
  for (const x of r.results) {
    for (const n of x.notes) trace.append(el('p', {}, `note: ${n}`));
    for (const reason of x.reject_reasons) trace.append(el('p', {}, `IAM would reject it (line ${reason.line}): ${reason.message}`));
    for (const s of x.statements) {
      const mark = (ok) => el('span', { class: ok ? 'yes' : 'no' }, ok ? '✓' : '✗');
      const ul = el('ul', {},
        el('li', {}, mark(s.principal.matched), ' principal: ', s.principal.detail),
        el('li', {}, mark(s.action.matched), ' action: ', s.action.detail),
        ...s.conditions.map((c) => el('li', {}, mark(c.matched), ' ', el('code', {}, `${c.operator} ${c.key}`), ': ', c.detail)));
      trace.append(el('div', { class: 'trace', 'data-statement': s.index },
        el('strong', {}, `Statement ${s.index}${s.sid ? ` (${s.sid})` : ''}: ${s.effect ?? '?'} — `), mark(s.matched), s.matched ? ' applies' : ' does not apply', ul));
    }
  }
});

const select = $('example');
EXAMPLES.forEach((ex, i) => select.append(el('option', { value: String(i) }, ex.name)));
select.addEventListener('change', () => {
  const ex = EXAMPLES[Number(select.value)];
  if (!ex) return;
  input.value = ex.policy;
  fillForm(ex.query);
  runCheck();
});

await init();
$('version').textContent = `v${version()}`;
input.value = EXAMPLES[0].policy;
fillForm(EXAMPLES[0].query);
select.value = '0';
runCheck();
$('status').textContent = `ready — ${$('status').textContent}`;
document.body.dataset.ready = 'true';

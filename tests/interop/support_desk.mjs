#!/usr/bin/env node
// examples/support_desk end to end, with the official TypeScript SDK client over stdio:
//   node tests/interop/support_desk.mjs --server build/examples/support_desk
// Every stage of the policy pipeline against a real SQLite database: permissions and paging,
// idempotent notes (retries, 10 concurrent duplicates, a restart), a reused key, approval
// (accepted, declined, unavailable), the refund policy, the rate limit, the outbox, a slow
// upstream, secrets kept out of output and audit, and the audit lines themselves.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
const { CallToolResultSchema, ElicitRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: support_desk.mjs --server PATH');
  process.exit(2);
}

const dir = mkdtempSync(path.join(tmpdir(), 'warden-desk-'));
const db = path.join(dir, 'desk.db');
const audit = path.join(dir, 'audit.jsonl');
const SECRET_PHONE = '+1-555-0100-SECRETPHONE';

// The human behind the client: what they answer to the next approval question.
const human = { answer: 'accept', asked: [] };

async function connect({ elicitation = true, extra = [] } = {}) {
  const client = new Client({ name: 'desk-test', version: '1.0.0' }, { capabilities: elicitation ? { elicitation: {} } : {} });
  if (elicitation)
    client.setRequestHandler(ElicitRequestSchema, (req) => {
      human.asked.push(req.params.message);
      if (human.answer === 'decline') return { action: 'decline' };
      return { action: 'accept', content: { approve: true } };
    });
  const stderr = [];
  const transport = new StdioClientTransport({
    command: serverPath,
    args: ['--db', db, '--audit', audit, '--carrier-delay-ms', '5000', ...extra],
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (d) => stderr.push(String(d)));
  await client.connect(transport);
  client.stderrText = () => stderr.join('');
  return client;
}

// tools/call through client.request: error results are read as they are (SDK issue #1943).
async function call(client, name, args, meta) {
  const params = { name, arguments: args };
  if (meta) params._meta = meta;
  return client.request({ method: 'tools/call', params }, CallToolResultSchema, { timeout: 30000 });
}
const code = (r) => (r.isError ? r.structuredContent?.code : 'ok');

let client = await connect();
try {
  // Discovery: the four classes of tool and their annotations.
  const { tools } = await client.listTools();
  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  for (const n of ['search_orders', 'create_support_note', 'issue_refund', 'send_email', 'get_order', 'list_support_notes', 'check_shipping'])
    assert.ok(byName[n], `tool ${n} is listed`);
  assert.equal(byName.search_orders.annotations.readOnlyHint, true);
  assert.equal(byName.issue_refund.annotations.destructiveHint, true);
  assert.equal(byName.send_email.annotations.openWorldHint, true);

  // search_orders: the caller's tenant only, a page at a time.
  let page = await call(client, 'search_orders', { limit: 2 });
  assert.equal(code(page), 'ok');
  const seen = page.structuredContent.orders.map((o) => o.orderId);
  while (page.structuredContent.nextCursor) {
    page = await call(client, 'search_orders', { limit: 2, cursor: page.structuredContent.nextCursor });
    seen.push(...page.structuredContent.orders.map((o) => o.orderId));
  }
  assert.deepEqual(seen, ['O-1001', 'O-1002', 'O-1003', 'O-1004', 'O-1005']); // not O-2001 (globex)
  const ada = await call(client, 'search_orders', { customer: 'Ada', status: 'delivered' });
  assert.deepEqual(ada.structuredContent.orders.map((o) => o.orderId), ['O-1001']);
  assert.equal(code(await call(client, 'search_orders', { limit: 500 })), 'invalid_arguments');

  // create_support_note: a retry leaves one row, and so do 10 concurrent duplicates.
  const note = { ticketId: 'T-1', note: 'Customer sent photos of the damage.', customerPhone: SECRET_PHONE };
  const first = await call(client, 'create_support_note', note);
  assert.equal(code(first), 'ok');
  const retry = await call(client, 'create_support_note', note);
  assert.equal(retry.structuredContent.noteId, first.structuredContent.noteId);
  assert.equal(retry._meta?.['warden/replayed'], true);
  const dup = { ticketId: 'T-2', note: 'Courier says it left the depot.' };
  const ten = await Promise.all(Array.from({ length: 10 }, () => call(client, 'create_support_note', dup)));
  assert.equal(new Set(ten.map((r) => r.structuredContent.noteId)).size, 1, 'ten duplicates, one note');
  const countNotes = async (ticketId) => (await call(client, 'list_support_notes', { ticketId })).structuredContent.notes.length;
  assert.equal(await countNotes('T-1'), 1);
  assert.equal(await countNotes('T-2'), 1);
  assert.equal(code(await call(client, 'create_support_note', { ticketId: 'T-404', note: 'x' })), 'ticket_not_found');

  // The same key with other arguments is refused; a new key is a new note.
  assert.equal(code(await call(client, 'create_support_note', { ticketId: 'T-3', note: 'first' }, { 'warden/idempotencyKey': 'k-77' })), 'ok');
  const reused = await call(client, 'create_support_note', { ticketId: 'T-3', note: 'second' }, { 'warden/idempotencyKey': 'k-77' });
  assert.equal(code(reused), 'idempotency_key_reused');
  assert.equal(await countNotes('T-3'), 1);

  // issue_refund: declined leaves no row; approved refunds; the policy caps the amount.
  human.answer = 'decline';
  const declined = await call(client, 'issue_refund', { requestId: 'rf-1', orderId: 'O-1002', amountCents: 1000, reason: 'Late delivery' });
  assert.equal(code(declined), 'approval_declined');
  assert.match(human.asked.at(-1), /Refund \$10\.00 on order O-1002 \(Alan Turing, \$49\.99 total, \$0\.00 refunded so far\)/);
  let order = (await call(client, 'get_order', { orderId: 'O-1002' })).structuredContent;
  assert.equal(order.refunds, 0);
  assert.equal(order.order.refundedCents, 0);
  human.answer = 'accept';
  const refunded = await call(client, 'issue_refund', { requestId: 'rf-2', orderId: 'O-1002', amountCents: 1000, reason: 'Late delivery' });
  assert.equal(code(refunded), 'ok');
  assert.equal(refunded.structuredContent.remainingCents, 3999);
  const over = await call(client, 'issue_refund', { requestId: 'rf-3', orderId: 'O-1002', amountCents: 4000, reason: 'Too much' });
  assert.equal(code(over), 'forbidden');
  assert.equal(over.structuredContent.policy, 'refund_at_most_remaining');
  const foreign = await call(client, 'issue_refund', { requestId: 'rf-4', orderId: 'O-2001', amountCents: 100, reason: 'Not ours' });
  assert.equal(code(foreign), 'forbidden');
  assert.equal(foreign.structuredContent.policy, 'own_orders_only');
  order = (await call(client, 'get_order', { orderId: 'O-1002' })).structuredContent;
  assert.equal(order.refunds, 1);

  // The rate limit: 5 refund calls per user per hour get past authorization; the 6th is refused.
  // (So far: the declined one and the approved one.)
  for (const n of [5, 6, 7]) {
    const r = await call(client, 'issue_refund', { requestId: `rf-${n}`, orderId: 'O-1003', amountCents: 100, reason: 'Goodwill' });
    assert.equal(code(r), 'ok', `refund ${n}`);
  }
  const limited = await call(client, 'issue_refund', { requestId: 'rf-8', orderId: 'O-1003', amountCents: 100, reason: 'Goodwill' });
  assert.equal(code(limited), 'rate_limited');
  assert.ok(limited.structuredContent.retryAfterMs > 0);
  assert.equal((await call(client, 'get_order', { orderId: 'O-1003' })).structuredContent.refunds, 3);

  // send_email: the human sees the exact message; a retry sends nothing twice.
  const email = { dedupeKey: 'welcome-ada-1', to: 'ada@example.com', subject: 'Your refund', body: 'We refunded $10.' };
  const sent = await call(client, 'send_email', email);
  assert.equal(code(sent), 'ok');
  assert.match(human.asked.at(-1), /Send this email to ada@example.com\nSubject: Your refund\n\nWe refunded \$10\./);
  const asked = human.asked.length;
  const again = await call(client, 'send_email', email);
  assert.equal(again.structuredContent.messageId, sent.structuredContent.messageId);
  assert.equal(again._meta?.['warden/replayed'], true);
  assert.equal(human.asked.length, asked + 1, 'approval comes before idempotency: asked again, sent once');

  // A slow upstream times out with the structured error while other calls go on.
  const started = Date.now();
  const shipping = call(client, 'check_shipping', { orderId: 'O-1002' });
  const quick = await call(client, 'search_orders', { limit: 1 });
  const quickMs = Date.now() - started;
  assert.equal(code(quick), 'ok');
  const slow = await shipping;
  assert.equal(code(slow), 'upstream_timeout');
  assert.equal(slow.content[0].text, 'The upstream service timed out. Try again later.');
  assert.ok(quickMs < 1500, `search_orders waited ${quickMs} ms behind the slow call`);

  // A client without elicitation cannot approve: fail closed.
  const blind = await connect({ elicitation: false });
  const unavailable = await call(blind, 'send_email', { ...email, dedupeKey: 'blind-1' });
  assert.equal(code(unavailable), 'approval_unavailable');
  await blind.close();

  // Missing scope: a caller without refunds.
  const junior = await connect({ extra: ['--user', 'junior', '--scopes', 'orders:read'] });
  const noScope = await call(junior, 'issue_refund', { requestId: 'rf-j', orderId: 'O-1001', amountCents: 100, reason: 'x' });
  assert.equal(code(noScope), 'forbidden');
  assert.equal(noScope.structuredContent.policy, 'required_scope');
  await junior.close();

  // A restart forgets the in-memory idempotency store; the database's unique key still keeps
  // the retried note to one row.
  await client.close();
  client = await connect();
  const afterRestart = await call(client, 'create_support_note', note);
  assert.equal(afterRestart.structuredContent.noteId, first.structuredContent.noteId);
  assert.equal(await countNotes('T-1'), 1);

  // Secrets: never in output, never in the audit log, never on stderr.
  const everything = JSON.stringify([first, retry, afterRestart, await call(client, 'list_support_notes', { ticketId: 'T-1' })]);
  assert.ok(!everything.includes('SECRETPHONE'), 'the phone number left the server');
  assert.ok(!client.stderrText().includes('SECRETPHONE'), 'the phone number is on stderr');
  await client.close();
  const auditText = readFileSync(audit, 'utf8');
  assert.ok(!auditText.includes('SECRETPHONE'), 'the phone number is in the audit log');

  // The audit: one line per call, each with every field.
  const lines = auditText.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.length >= 40, `only ${lines.length} audit lines`);
  for (const l of lines) {
    for (const k of ['traceId', 'time', 'tool', 'principal', 'arguments', 'stages', 'upstream', 'outcome', 'replayed', 'durationMs', 'resultBytes'])
      assert.ok(k in l, `audit line without ${k}: ${JSON.stringify(l)}`);
    assert.match(l.traceId, /^[0-9a-f]{32}$/);
    assert.ok(l.principal.user && l.principal.tenant);
  }
  const noteLine = lines.find((l) => l.tool === 'create_support_note' && l.arguments?.customerPhone);
  assert.equal(noteLine.arguments.customerPhone, '[redacted]');
  const shipLine = lines.find((l) => l.tool === 'check_shipping');
  assert.equal(shipLine.outcome, 'upstream_timeout');
  assert.deepEqual(shipLine.upstream.map((u) => [u.name, u.outcome]), [['carrier', 'timeout']]);
  const deniedLine = lines.find((l) => l.tool === 'issue_refund' && l.outcome === 'forbidden' && l.principal.user === 'agent');
  assert.ok(deniedLine.stages.some((s) => s.stage === 'authorize' && s.decision === 'deny' && s.detail.startsWith('refund_at_most_remaining')));
  const approvedLine = lines.find((l) => l.tool === 'issue_refund' && l.outcome === 'ok');
  assert.deepEqual(approvedLine.stages.map((s) => `${s.stage}:${s.decision}`),
    ['decode:allow', 'authorize:allow', 'rate_limit:allow', 'approval:approved', 'idempotency:miss', 'sanitize:allow']);
  assert.ok(lines.some((l) => l.replayed && l.tool === 'send_email'));
  assert.ok(lines.some((l) => l.tool === 'issue_refund' && l.outcome === 'rate_limited'));
  console.log(`support_desk: every stage as expected; ${lines.length} audit lines checked`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

#!/usr/bin/env node
// support_desk over HTTP as an OAuth 2.1 resource server, with tokens minted here:
//   node tests/interop/support_desk_auth.mjs --server build/examples/support_desk
// The test signs JWTs with keys it makes (node:crypto, which is OpenSSL), gives support_desk the
// public half as a JWKS file, and checks each kind of token for its status and exact
// WWW-Authenticate challenge: valid, expired, not yet valid, wrong audience, wrong issuer, bad
// signature, tampered payload, alg none, HS256 signed with the RSA public key, missing scope
// (403 step-up), a token in the query string, an oversized token and an oversized header. Then
// the official SDK client with a token (lists, calls) and without one (refused), a session
// replayed with another user's token, and a scan of the audit file and stderr for token text.

import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startServer } from './lib/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { CallToolResultSchema } = await import('@modelcontextprotocol/sdk/types.js');

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: support_desk_auth.mjs --server PATH');
  process.exit(2);
}

const ISSUER = 'https://auth.desk.test';
const AUDIENCE = 'https://desk.test/mcp';
const ALL_SCOPES = 'orders:read notes:write refunds email:send';
const METADATA = 'resource_metadata="https://desk.test/.well-known/oauth-protected-resource/mcp"';

// Keys: the server trusts `trusted`; `stranger` signs under the same kid, and must not pass.
const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dir = mkdtempSync(path.join(tmpdir(), 'warden-desk-auth-'));
const jwksPath = path.join(dir, 'jwks.json');
writeFileSync(jwksPath, JSON.stringify({ keys: [{ ...trusted.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }] }));

const b64 = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = (over = {}) => ({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', tenant: 'acme', scope: ALL_SCOPES, iat: now(), exp: now() + 600, ...over });
function rs256(payload, key = trusted.privateKey, header = { alg: 'RS256', typ: 'JWT', kid: 'k1' }) {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}
const minted = []; // every token made here, for the scan at the end
const mint = (t) => (minted.push(t), t);

const valid = mint(rs256(claims()));
const validParts = valid.split('.');
const forms = {
  expired: mint(rs256(claims({ exp: now() - 3600, iat: now() - 7200 }))),
  'not yet valid': mint(rs256(claims({ nbf: now() + 3600 }))),
  'wrong audience': mint(rs256(claims({ aud: 'https://elsewhere.test/mcp' }))),
  'wrong issuer': mint(rs256(claims({ iss: 'https://evil.test' }))),
  'bad signature': mint(rs256(claims(), stranger.privateKey)),
  'tampered payload': mint(`${validParts[0]}.${b64(claims({ sub: 'mallory' }))}.${validParts[2]}`),
  'alg none': mint(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`),
  'HS256 with the RSA public key': mint((() => {
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'k1' })}.${b64(claims())}`;
    const secret = trusted.publicKey.export({ type: 'spki', format: 'pem' });
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  })()),
  'oversized token': mint(rs256(claims({ padding: 'x'.repeat(10000) }))),
};
const reasons = {
  expired: 'the token has expired',
  'not yet valid': 'the token is not valid yet',
  'wrong audience': 'the token is for another audience',
  'wrong issuer': 'the token comes from another issuer',
  'bad signature': "the token's signature is invalid",
  'tampered payload': "the token's signature is invalid",
  'alg none': 'unsigned tokens (alg none) are not accepted',
  'HS256 with the RSA public key': 'HS256 tokens are not accepted',
  'oversized token': 'the token is too large',
};
const readerOnly = mint(rs256(claims({ scope: 'orders:read' })));
const bob = mint(rs256(claims({ sub: 'bob' })));

const audit = path.join(dir, 'audit.jsonl');
const { server, port, stderr } = await startServer(serverPath, [
  '--http', '127.0.0.1:0', '--db', path.join(dir, 'desk.db'), '--audit', audit,
  '--jwks', jwksPath, '--issuer', ISSUER, '--audience', AUDIENCE,
]);
const clients = [];
try {
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const initialize = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });
  const post = (token, body = initialize, extra = {}) =>
    fetch(url, { method: 'POST', headers: { ...base, ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra }, body });
  const challenge = (extra = '') => `Bearer ${METADATA}, scope="${ALL_SCOPES}"${extra}`;

  // No token: 401 that says where to get one, with no error (RFC 6750, 3.1).
  let r = await post(undefined);
  assert.equal(r.status, 401, 'no token');
  assert.equal(r.headers.get('www-authenticate'), challenge());

  // A valid token opens a session.
  r = await post(valid);
  assert.equal(r.status, 200, 'a valid token');
  assert.ok(r.headers.get('mcp-session-id'));

  // Every refused form: 401, invalid_token, a reason, and the token nowhere in the answer.
  for (const [form, token] of Object.entries(forms)) {
    r = await post(token);
    assert.equal(r.status, 401, form);
    assert.equal(r.headers.get('www-authenticate'), challenge(`, error="invalid_token", error_description="${reasons[form]}"`), form);
    const body = await r.text();
    for (const part of token.split('.').filter((p) => p.length > 8)) assert.ok(!body.includes(part), `${form}: the token is not echoed`);
  }

  // A token in the query string is refused, even a valid one, and never read.
  r = await fetch(new URL(`?access_token=${valid}`, url), { method: 'POST', headers: base, body: initialize });
  assert.equal(r.status, 400, 'a token in the query string');
  assert.equal(r.headers.get('www-authenticate'),
    challenge(', error="invalid_request", error_description="send the token in the Authorization header, not in the URL"'));
  assert.ok(!(await r.text()).includes(validParts[2]));

  // A header larger than the server reads at all: 431, and the server goes on.
  r = await post(`${valid}${'A'.repeat(20000)}`);
  assert.equal(r.status, 431, 'an oversized header');
  r = await post(valid);
  assert.equal(r.status, 200, 'served after an oversized header');

  // The SDK client with a token: lists the tools and calls one as the token's subject.
  const connect = async (token) => {
    const client = new Client({ name: 'desk-auth-test', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(url, token ? { requestInit: { headers: { authorization: `Bearer ${token}` } } } : {});
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  };
  const alice = await connect(valid);
  const { tools } = await alice.client.listTools();
  assert.ok(tools.some((t) => t.name === 'issue_refund'), 'tools are listed');
  const found = await alice.client.request({ method: 'tools/call', params: { name: 'search_orders', arguments: { limit: 3 } } }, CallToolResultSchema);
  assert.ok(!found.isError, JSON.stringify(found));
  assert.equal(found.structuredContent.orders.length, 3);
  assert.ok(found.structuredContent.orders.every((o) => o.orderId.startsWith('O-1')), "the token's tenant only");

  // Without a token the SDK client cannot even connect.
  await assert.rejects(connect(undefined), (e) => e.code === 401, 'refused without a token');

  // A token without the tool's scope: 403 with the scope to ask for (step-up); other tools still work.
  r = await post(readerOnly);
  assert.equal(r.status, 200);
  const readerSession = r.headers.get('mcp-session-id');
  const inSession = { 'mcp-session-id': readerSession, 'mcp-protocol-version': '2025-11-25' };
  r = await post(readerOnly, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }), inSession);
  assert.equal(r.status, 202);
  const refund = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'issue_refund', arguments: { orderId: 'O-1001', amountCents: 100, reason: 'x' } } });
  r = await post(readerOnly, refund, inSession);
  assert.equal(r.status, 403, 'missing scope');
  assert.equal(r.headers.get('www-authenticate'),
    `Bearer ${METADATA}, scope="refunds", error="insufficient_scope", error_description="this tool needs the scope refunds"`);
  r = await post(readerOnly, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_order', arguments: { orderId: 'O-1001' } } }), inSession);
  assert.equal(r.status, 200, 'a tool within the token scope');

  // A session replayed with another user's token is refused; its own user's token still works.
  const replay = JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
  const aliceSession = { 'mcp-session-id': alice.transport.sessionId, 'mcp-protocol-version': '2025-11-25' };
  r = await post(bob, replay, aliceSession);
  assert.equal(r.status, 403, "another user's token on alice's session");
  assert.ok(!(await r.text()).includes('issue_refund'), 'nothing of the session leaks');
  r = await post(valid, replay, aliceSession);
  assert.equal(r.status, 200, "alice's own token on her session");

  // No token text in the audit file or the server's stderr.
  for (const c of clients) await c.close();
  clients.length = 0;
  const auditText = readFileSync(audit, 'utf8');
  assert.match(auditText, /"search_orders"/, 'the calls were audited');
  assert.match(auditText, /"alice"/, "the audit names the token's subject");
  for (const [where, text] of [['audit', auditText], ['stderr', stderr()]])
    for (const token of minted)
      for (const part of token.split('.').filter((p) => p.length > 8))
        assert.ok(!text.includes(part), `no token text in the ${where}`);
  console.log(`support_desk_auth: ${Object.keys(forms).length + 6} token forms, the SDK client, step-up, replay and the scan passed`);
} finally {
  for (const c of clients) await c.close().catch(() => {});
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

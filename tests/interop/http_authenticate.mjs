#!/usr/bin/env node
// The HTTP authenticate hook with the official TypeScript SDK client:
//   node tests/interop/http_authenticate.mjs --server build/tests/interop/interop_server
// interop_server --auth takes "Bearer <user>" as user <user> (a stand-in for token
// verification). No credentials: 401 with a Bearer challenge. A session belongs to the
// principal that created it: another user presenting its id is refused (403), and calls see
// their own principal.

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startServer } from './lib/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: http_authenticate.mjs --server PATH');
  process.exit(2);
}
const { server, port } = await startServer(serverPath, ['--http', '127.0.0.1:0', '--auth']);
try {
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const init = JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } });

  const metadata = 'resource_metadata="https://desk.example.com/.well-known/oauth-protected-resource/mcp"';
  let r = await fetch(url, { method: 'POST', headers, body: init });
  assert.equal(r.status, 401, 'no credentials');
  assert.equal(r.headers.get('www-authenticate'), `Bearer ${metadata}, scope="notes refunds"`);
  r = await fetch(url, { method: 'POST', headers: { ...headers, authorization: 'Basic YTpi' }, body: init });
  assert.equal(r.status, 401, 'not a bearer token');
  assert.equal(r.headers.get('www-authenticate'),
    `Bearer ${metadata}, scope="notes refunds", error="invalid_token", error_description="the token was not accepted"`);
  assert.ok(!(await r.text()).includes('YTpi'), 'the credentials are not echoed');
  r = await fetch(new URL('?access_token=alice', url), { method: 'POST', headers, body: init });
  assert.equal(r.status, 400, 'a token in the query string');
  assert.match(r.headers.get('www-authenticate'), /error="invalid_request"/);
  assert.ok(!(await r.text()).includes('alice'));

  // RFC 9728 metadata, at the root and with the resource's path, without credentials.
  for (const where of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
    r = await fetch(new URL(where, url));
    assert.equal(r.status, 200, where);
    assert.deepEqual(await r.json(), {
      resource: 'https://desk.example.com/mcp',
      authorization_servers: ['https://auth.example.com'],
      scopes_supported: ['notes', 'refunds'],
      bearer_methods_supported: ['header'],
    });
  }

  const alice = new Client({ name: 'alice', version: '1.0.0' });
  const aliceTransport = new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: 'Bearer alice' } } });
  await alice.connect(aliceTransport);
  const me = await alice.callTool({ name: 'whoami', arguments: {} });
  assert.deepEqual(me.structuredContent, { user: 'alice', tenant: 'acme' });

  const sid = aliceTransport.sessionId;
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'ping' });
  for (const [method, body] of [['POST', ping], ['GET', undefined], ['DELETE', undefined]]) {
    r = await fetch(url, { method, headers: { ...headers, accept: method === 'GET' ? 'text/event-stream' : headers.accept, 'mcp-session-id': sid, authorization: 'Bearer mallory' }, body });
    assert.equal(r.status, 403, `${method} of alice's session with mallory's credentials`);
    await r.arrayBuffer();
  }
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid }, body: ping });
  assert.equal(r.status, 401, "alice's session without credentials");
  await r.arrayBuffer();
  // alice's session is untouched by all that.
  assert.deepEqual((await alice.callTool({ name: 'whoami', arguments: {} })).structuredContent, { user: 'alice', tenant: 'acme' });
  await aliceTransport.terminateSession();
  await alice.close();
  console.log('http_authenticate: 401 without credentials, 403 for a session of another principal');
} finally {
  server.kill('SIGTERM');
}

#!/usr/bin/env node
// The official TypeScript SDK client against interop_server over Streamable HTTP:
//   node tests/interop/sdk_http.mjs --server build/tests/interop/interop_server
// Starts the server on a free loopback port, then: connect, list, call, a validation error with
// its paths, progress over SSE, cancellation, protocol checks at the HTTP level, session end,
// and a graceful SIGTERM that still answers the call in flight.

import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
if (!existsSync(path.join(root, 'node_modules', '@modelcontextprotocol', 'sdk'))) {
  console.error(`sdk_http.mjs: @modelcontextprotocol/sdk is missing; run \`npm ci\` in ${root}`);
  process.exit(1);
}
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { CallToolResultSchema, ResourceUpdatedNotificationSchema, PromptListChangedNotificationSchema } = await import(
  '@modelcontextprotocol/sdk/types.js'
);

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: sdk_http.mjs --server PATH');
  process.exit(2);
}

const { server, port } = await startServer(serverPath, ['--http', '127.0.0.1:0']);
const exited = new Promise((resolve) => server.on('exit', (code, signal) => resolve({ code, signal })));
const url = new URL(`http://127.0.0.1:${port}/mcp`);

try {
  const client = new Client({ name: 'warden-interop-http', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(url);
  await client.connect(transport);
  assert.match(transport.sessionId, /^[0-9a-f]{32}$/);

  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name), ['slow_count', 'echo', 'ask_user', 'summarize', 'announce', 'set_extra_prompt', 'whoami']);
  const echoed = await client.callTool({ name: 'echo', arguments: { text: 'over http' } });
  assert.deepEqual(echoed.structuredContent, { text: 'over http' });

  const bad = await client.request(
    { method: 'tools/call', params: { name: 'echo', arguments: { text: 7, extra: true } } },
    CallToolResultSchema,
  );
  assert.equal(bad.isError, true);
  assert.deepEqual(bad.structuredContent.errors.map((e) => e.path).sort(), ['/extra', '/text']);

  // Progress arrives on the POST's SSE stream.
  const seen = [];
  const counted = await client.callTool({ name: 'slow_count', arguments: { steps: 4, delayMs: 30 } }, undefined, {
    onprogress: (p) => seen.push(p.progress),
  });
  assert.deepEqual(counted.structuredContent, { counted: 4, stopped: false });
  assert.ok(seen.length >= 2, `only ${seen.length} progress notifications arrived`);
  assert.deepEqual(seen, [1, 2, 3, 4].slice(0, seen.length));

  // Cancellation: the handler stops; the server stays healthy.
  const controller = new AbortController();
  const cancelled = client.callTool({ name: 'slow_count', arguments: { steps: 1000, delayMs: 20 } }, undefined, {
    signal: controller.signal,
  });
  setTimeout(() => controller.abort('changed my mind'), 100);
  await assert.rejects(cancelled);
  await client.ping();

  // Messages outside a call reach other sessions on their GET stream, and only the sessions
  // they are for: B subscribed to the resource, A did not.
  const heard = { a: [], b: [] };
  for (const [who, c] of [['a', client]]) {
    c.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => heard[who].push(`updated ${n.params.uri}`));
    c.setNotificationHandler(PromptListChangedNotificationSchema, () => heard[who].push('prompts changed'));
  }
  const other = new Client({ name: 'warden-interop-http-b', version: '1.0.0' });
  other.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => heard.b.push(`updated ${n.params.uri}`));
  other.setNotificationHandler(PromptListChangedNotificationSchema, () => heard.b.push('prompts changed'));
  const otherTransport = new StreamableHTTPClientTransport(url);
  await other.connect(otherTransport);
  await other.subscribeResource({ uri: 'test://static-text' });
  await new Promise((r2) => setTimeout(r2, 200)); // B's GET stream is open
  assert.equal((await client.callTool({ name: 'announce', arguments: { uri: 'test://static-text' } })).structuredContent.done, true);
  assert.equal((await client.callTool({ name: 'set_extra_prompt', arguments: { present: true } })).structuredContent.done, true);
  const until = Date.now() + 3000;
  while (heard.b.length < 2 && Date.now() < until) await new Promise((r2) => setTimeout(r2, 20));
  assert.deepEqual(heard.b, ['updated test://static-text', 'prompts changed']);
  assert.deepEqual(heard.a, ['prompts changed']);
  assert.deepEqual((await other.listPrompts()).prompts.map((p) => p.name), ['greet', 'extra']);
  await client.callTool({ name: 'set_extra_prompt', arguments: { present: false } });
  await otherTransport.terminateSession();
  await other.close();

  // HTTP-level checks with plain fetch.
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' });
  const sid = transport.sessionId;
  let r = await fetch(url, { method: 'POST', headers, body: ping });
  assert.equal(r.status, 400, 'a request without a session id');
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': 'f'.repeat(32) }, body: ping });
  assert.equal(r.status, 404, 'an unknown session');
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid, 'mcp-protocol-version': '1999-01-01' }, body: ping });
  assert.equal(r.status, 400, 'an unsupported MCP-Protocol-Version');
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid, origin: 'https://evil.example' }, body: ping });
  assert.equal(r.status, 403, 'a foreign Origin');
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid, accept: 'application/json' }, body: ping });
  assert.equal(r.status, 406, 'an Accept without text/event-stream');
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain', 'mcp-session-id': sid }, body: ping });
  assert.equal(r.status, 415, 'a body that is not JSON');
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid }, body: '{"jsonrpc":' });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error.code, -32700);
  r = await fetch(new URL('/elsewhere', url), { method: 'POST', headers, body: ping });
  assert.equal(r.status, 404, 'another path');
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/whatever' }) });
  assert.equal(r.status, 202, 'a notification');
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid }, body: ping });
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { jsonrpc: '2.0', id: 99, result: {} });

  // The server keeps serving the SDK client after all that.
  assert.equal((await client.callTool({ name: 'echo', arguments: { text: 'ok' } })).structuredContent.text, 'ok');

  // Ending the session: DELETE, then the id is unknown.
  await transport.terminateSession();
  r = await fetch(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': sid }, body: ping });
  assert.equal(r.status, 404, 'a deleted session');
  await client.close();

  // Graceful shutdown: a call in flight when SIGTERM arrives is still answered.
  const last = new Client({ name: 'warden-interop-http', version: '1.0.0' });
  await last.connect(new StreamableHTTPClientTransport(url));
  const inflight = last.callTool({ name: 'slow_count', arguments: { steps: 10, delayMs: 50 } });
  await new Promise((r2) => setTimeout(r2, 150));
  server.kill('SIGTERM');
  assert.deepEqual((await inflight).structuredContent, { counted: 10, stopped: false });
  const { code } = await exited;
  assert.equal(code, 0, 'the server exits cleanly on SIGTERM');
  console.log('sdk_http: Streamable HTTP with the TypeScript SDK client, HTTP checks and graceful shutdown as expected');
} finally {
  server.kill('SIGKILL');
}

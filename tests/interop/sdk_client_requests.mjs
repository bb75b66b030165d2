#!/usr/bin/env node
// Server-to-client requests with the official TypeScript SDK client, over stdio or HTTP:
//   node tests/interop/sdk_client_requests.mjs --server PATH [--http]
// elicitation/create (accept, decline, an answer that does not fit the form, no answer before
// the deadline), sampling/createMessage, and clients without those capabilities.

import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
if (!existsSync(path.join(root, 'node_modules', '@modelcontextprotocol', 'sdk'))) {
  console.error(`sdk_client_requests.mjs: @modelcontextprotocol/sdk is missing; run \`npm ci\` in ${root}`);
  process.exit(1);
}
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');
const { CallToolResultSchema, ElicitRequestSchema, CreateMessageRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
const overHttp = process.argv.includes('--http');
if (!serverPath) {
  console.error('usage: sdk_client_requests.mjs --server PATH [--http]');
  process.exit(2);
}

let httpServer;
let url;
if (overHttp) {
  const started = await startServer(serverPath, ['--http', '127.0.0.1:0']);
  httpServer = started.server;
  const port = started.port;
  url = new URL(`http://127.0.0.1:${port}/mcp`);
}

async function connect(capabilities) {
  const client = new Client({ name: 'warden-interop', version: '1.0.0' }, { capabilities });
  const transport = overHttp ? new StreamableHTTPClientTransport(url) : new StdioClientTransport({ command: serverPath, args: [] });
  await client.connect(transport);
  return client;
}

// Error results are read with a plain request (see docs/server.md on SDK issue #1943).
const call = (client, name, args) =>
  client.request({ method: 'tools/call', params: { name, arguments: args } }, CallToolResultSchema);

try {
  const client = await connect({ elicitation: {}, sampling: {} });
  let answer = { action: 'accept', content: { confirm: true, reason: 'looks right', level: 'high' } };
  const asked = [];
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    if (answer === 'never') return new Promise(() => {});
    return answer;
  });
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => ({
    role: 'assistant',
    content: { type: 'text', text: `short: ${req.params.messages[0].content.text.length} chars` },
    model: 'test-model',
  }));

  let r = await call(client, 'ask_user', { question: 'Refund order 42?' });
  assert.deepEqual(r.structuredContent, { action: 'accept', confirmed: true, reason: 'looks right' });
  assert.equal(asked[0].message, 'Refund order 42?');
  const schema = asked[0].requestedSchema;
  assert.equal(schema.type, 'object');
  assert.deepEqual(schema.required, ['confirm']);
  assert.equal(schema.properties.confirm.type, 'boolean');
  assert.equal(schema.properties.confirm.description, 'Go ahead?');
  assert.deepEqual(schema.properties.level, { type: 'string', enum: ['low', 'high'] });
  assert.deepEqual(schema.properties.reason, { type: 'string', minLength: 1, maxLength: 200 });

  answer = { action: 'decline' };
  r = await call(client, 'ask_user', { question: 'Again?' });
  assert.deepEqual(r.structuredContent, { action: 'decline', confirmed: false, reason: '' });

  answer = { action: 'accept', content: { confirm: 'yes' } };
  r = await call(client, 'ask_user', { question: 'Typed?' });
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent.code, 'invalid_client_answer');
  assert.match(r.structuredContent.message, /\/confirm: must be a boolean/);

  answer = 'never';
  const t0 = Date.now();
  r = await call(client, 'ask_user', { question: 'Anyone there?' });
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent.code, 'client_timeout');
  assert.ok(Date.now() - t0 < 10000);

  r = await call(client, 'summarize', { text: 'A long story.' });
  assert.deepEqual(r.structuredContent, { summary: 'short: 24 chars', model: 'test-model' });
  await client.ping();
  await client.close();

  // A client that declared neither capability gets a clear error, and no request.
  const plain = await connect({});
  r = await call(plain, 'ask_user', { question: 'Refund?' });
  assert.equal(r.isError, true);
  assert.equal(r.structuredContent.code, 'elicitation_unavailable');
  r = await call(plain, 'summarize', { text: 'x' });
  assert.equal(r.structuredContent.code, 'sampling_unavailable');
  await plain.close();
  console.log(`sdk_client_requests (${overHttp ? 'http' : 'stdio'}): elicitation and sampling as expected`);
} finally {
  httpServer?.kill('SIGKILL');
}

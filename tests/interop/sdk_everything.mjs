#!/usr/bin/env node
// The official TypeScript SDK client against everything_server, over stdio and Streamable HTTP:
//   node tests/interop/sdk_everything.mjs --server build/examples/everything_server
// A call that lets go of its HTTP stream (release_stream) is resumed by the SDK on its own
// (GET with Last-Event-ID) and its result arrives; over stdio the same call simply answers.
// The $defs/$ref schema reaches the client intact.

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startServer } from './lib/server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
process.chdir(root);
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
const { StreamableHTTPClientTransport } = await import('@modelcontextprotocol/sdk/client/streamableHttp.js');

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: sdk_everything.mjs --server PATH');
  process.exit(2);
}

const reconnected =
  'Reconnection test completed successfully. If you received this, the client properly reconnected after stream closure.';

async function exercise(client, how) {
  const { tools } = await client.listTools();
  const schemaTool = tools.find((t) => t.name === 'json_schema_2020_12_tool');
  assert.equal(schemaTool.inputSchema.$schema, 'https://json-schema.org/draft/2020-12/schema', how);
  assert.deepEqual(schemaTool.inputSchema.properties.address, { anyOf: [{ $ref: '#/$defs/address' }, { type: 'null' }] }, how);
  assert.ok(schemaTool.inputSchema.$defs.address, how);
  assert.equal(schemaTool.outputSchema, undefined, `${how}: a void output has no outputSchema`);

  const started = Date.now();
  const r = await client.callTool({ name: 'test_reconnection', arguments: {} });
  assert.deepEqual(r.content, [{ type: 'text', text: reconnected }], how);
  assert.equal(r.structuredContent, undefined, how);

  const called = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { name: 'Ann', address: { city: 'Oslo' } } });
  assert.equal(called.content[0].text, 'JSON Schema 2020-12 tool called with: {"name":"Ann","address":{"city":"Oslo"}}', how);
  const refused = await client.callTool({ name: 'json_schema_2020_12_tool', arguments: { address: { town: 'Oslo' } } });
  assert.equal(refused.isError, true, how);
  assert.deepEqual(refused.structuredContent.errors.map((e) => e.path), ['/address/town'], how);
  return Date.now() - started;
}

// stdio: release_stream has nothing to let go of.
{
  const client = new Client({ name: 'warden-everything-stdio', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: serverPath, args: ['--stdio'], stderr: 'inherit' }));
  await exercise(client, 'stdio');
  await client.close();
}

// HTTP: the SDK resumes the released stream after the server's retry hint.
const { server, port } = await startServer(serverPath, ['--http', '127.0.0.1:0']);
try {
  const client = new Client({ name: 'warden-everything-http', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`));
  await client.connect(transport);
  await exercise(client, 'http');
  // The server is still healthy, and a second released call works too.
  await client.ping();
  const again = await client.callTool({ name: 'test_reconnection', arguments: {} });
  assert.equal(again.content[0].text, reconnected);
  await transport.terminateSession();
  await client.close();
} finally {
  server.kill('SIGTERM');
}
console.log('sdk_everything: stdio and HTTP passed, released streams resumed');

#!/usr/bin/env node
// The official TypeScript SDK client against interop_server over stdio: progress notifications,
// log messages, cancellation through an AbortSignal, and a slow call that blocks nothing.
//   node tests/interop/sdk_progress_cancel.mjs --server build/tests/interop/interop_server

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
if (!existsSync(path.join(root, 'node_modules', '@modelcontextprotocol', 'sdk'))) {
  console.error(`sdk_progress_cancel.mjs: @modelcontextprotocol/sdk is missing; run \`npm ci\` in ${root}`);
  process.exit(1);
}
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
const { LoggingMessageNotificationSchema } = await import('@modelcontextprotocol/sdk/types.js');

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: sdk_progress_cancel.mjs --server PATH');
  process.exit(2);
}

const client = new Client({ name: 'warden-interop', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command: serverPath, args: [], stderr: 'inherit' }));
const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
await client.setLoggingLevel('info');

// Progress: one notification per step, in order. The server sends the last one before the
// response, but SDK 1.32.2 runs notification handlers in a later microtask and drops the progress
// handler when the response arrives, so a notification read in the same chunk as the response can
// be lost on the client side: the test asks for an in-order prefix of at least three steps.
const seen = [];
const done = await client.callTool({ name: 'slow_count', arguments: { steps: 5, delayMs: 30 } }, undefined, {
  onprogress: (p) => seen.push([p.progress, p.total]),
});
assert.deepEqual(done.structuredContent, { counted: 5, stopped: false });
const steps = [[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]];
assert.ok(seen.length >= 3, `only ${seen.length} progress notifications arrived`);
assert.deepEqual(seen, steps.slice(0, seen.length));

// A slow call does not hold up a ping or a fast call.
const slow = client.callTool({ name: 'slow_count', arguments: { steps: 20, delayMs: 50 } });
const t0 = Date.now();
await client.ping();
const echoed = await client.callTool({ name: 'echo', arguments: { text: 'still here' } });
assert.equal(echoed.structuredContent.text, 'still here');
assert.ok(Date.now() - t0 < 500, `ping and echo waited ${Date.now() - t0} ms behind a slow call`);
assert.deepEqual((await slow).structuredContent, { counted: 20, stopped: false });

// Cancellation: the client aborts; the SDK sends notifications/cancelled; the handler stops.
const controller = new AbortController();
const started = Date.now();
const cancelled = client.callTool({ name: 'slow_count', arguments: { steps: 1000, delayMs: 20 } }, undefined, {
  signal: controller.signal,
});
setTimeout(() => controller.abort('changed my mind'), 100);
await assert.rejects(cancelled);
// The handler itself stopped: its per-step log messages dry up (it would run for 20 s otherwise).
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
await sleep(200);
const settled = logs.length;
await sleep(300);
assert.equal(logs.length, settled, 'the cancelled handler kept running');
// The server stays healthy and free: a new slow call runs at once and completes.
const after = await client.callTool({ name: 'slow_count', arguments: { steps: 2, delayMs: 1 } });
assert.deepEqual(after.structuredContent, { counted: 2, stopped: false });
assert.ok(Date.now() - started < 5000);

// Log messages have no handler to lose: all five have arrived by now, in order.
assert.deepEqual(logs.filter((l) => l.level === 'info').map((l) => l.data.counted).slice(0, 5), [1, 2, 3, 4, 5]);

await client.close();
console.log('sdk_progress_cancel: progress, logging, concurrency and cancellation as expected');

#!/usr/bin/env node
// Resources, resource templates, subscriptions, prompts and completion with the official
// TypeScript SDK client over stdio:
//   node tests/interop/sdk_resources_prompts.mjs --server build/tests/interop/interop_server

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
if (!existsSync(path.join(root, 'node_modules', '@modelcontextprotocol', 'sdk'))) {
  console.error(`sdk_resources_prompts.mjs: @modelcontextprotocol/sdk is missing; run \`npm ci\` in ${root}`);
  process.exit(1);
}
const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: sdk_resources_prompts.mjs --server PATH');
  process.exit(2);
}

const client = new Client({ name: 'warden-interop', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command: serverPath, args: [], stderr: 'inherit' }));
const caps = client.getServerCapabilities();
assert.equal(caps.resources.subscribe, true);
assert.ok(caps.prompts);
assert.ok(caps.completions);

const { resources } = await client.listResources();
assert.deepEqual(resources, [{ uri: 'test://static-text', name: 'static-text', description: 'A fixed text.', mimeType: 'text/plain' }]);
const { resourceTemplates } = await client.listResourceTemplates();
assert.deepEqual(resourceTemplates, [{ uriTemplate: 'test://items/{id}/data', name: 'item', mimeType: 'application/json' }]);

let read = await client.readResource({ uri: 'test://static-text' });
assert.deepEqual(read.contents, [{ uri: 'test://static-text', mimeType: 'text/plain', text: 'Hello from warden.' }]);
read = await client.readResource({ uri: 'test://items/42/data' });
assert.deepEqual(JSON.parse(read.contents[0].text), { id: '42' });
await assert.rejects(client.readResource({ uri: 'test://nowhere' }), (e) => e.code === -32002);
await assert.rejects(client.readResource({ uri: 'test://items/missing/data' }), (e) => e.code === -32603 && /No such item/.test(e.message));
await client.subscribeResource({ uri: 'test://static-text' });
await client.unsubscribeResource({ uri: 'test://static-text' });

const { prompts } = await client.listPrompts();
assert.equal(prompts[0].name, 'greet');
assert.deepEqual(prompts[0].arguments, [
  { name: 'name', required: true, description: 'Who to greet.' },
  { name: 'style', required: false },
]);
const got = await client.getPrompt({ name: 'greet', arguments: { name: 'Ann' } });
assert.deepEqual(got.messages, [{ role: 'user', content: { type: 'text', text: 'Greet Ann (plain).' } }]);
await assert.rejects(client.getPrompt({ name: 'greet', arguments: {} }), (e) => e.code === -32602 && /name/.test(e.message));
await assert.rejects(client.getPrompt({ name: 'nope' }), (e) => e.code === -32602);

let done = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'name', value: 'Jo' } });
assert.deepEqual(done.completion.values, ['Joa', 'Job']);
done = await client.complete({ ref: { type: 'ref/resource', uri: 'test://items/{id}/data' }, argument: { name: 'id', value: 'ap' } });
assert.deepEqual(done.completion, { values: ['apple', 'apricot'], total: 2, hasMore: false });

await client.ping();
await client.close();
console.log('sdk_resources_prompts: resources, templates, subscriptions, prompts and completion as expected');

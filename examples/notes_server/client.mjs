#!/usr/bin/env node
// A real MCP client (the official TypeScript SDK) talking to notes_server over stdio:
//   node examples/notes_server/client.mjs PATH/TO/notes_server
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';

const server = process.argv[2];
if (!server) {
  console.error('usage: client.mjs PATH/TO/notes_server');
  process.exit(2);
}
const client = new Client({ name: 'notes-example-client', version: '1.0.0' });
await client.connect(new StdioClientTransport({ command: server, args: [] }));
console.log('connected to', client.getServerVersion());

const { tools } = await client.listTools();
console.log('tools:', tools.map((t) => `${t.name} (${JSON.stringify(t.annotations)})`).join(', '));

const created = await client.callTool({
  name: 'create_support_note',
  arguments: { ticketId: 'T-1042', note: 'Customer confirmed the fix.' },
});
console.log('create_support_note ->', JSON.stringify(created.structuredContent));

const listed = await client.callTool({ name: 'list_support_notes', arguments: { ticketId: 'T-1042' } });
console.log('list_support_notes ->', JSON.stringify(listed.structuredContent));

// A call the model got wrong: every issue comes back with its path.
const bad = await client.request(
  { method: 'tools/call', params: { name: 'create_support_note', arguments: { ticketId: 'T-1042', note: '', priority: 'high' } } },
  CallToolResultSchema,
);
console.log('invalid call -> isError:', bad.isError);
console.log(bad.content[0].text);

await client.close();

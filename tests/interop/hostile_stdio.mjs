#!/usr/bin/env node
// Hostile input against a warden server over stdio, written as raw lines (no SDK in between):
//   node tests/interop/hostile_stdio.mjs --server build/tests/interop/interop_server
// After the initialize handshake each case writes bytes the server may never have expected,
// checks the reply (or that there is none), and then checks that the server is still alive by
// sending a ping that must be the very next line out. stdout must carry one JSON message per
// line and nothing else. Every expected line is awaited for at most 10 s; a failed case is
// reported with what was sent, what was expected and what came back, and the run goes on with
// the next case as long as the server still answers. At the end stdin is closed (after a last
// line without a newline, which must still be answered) and the server must exit 0 within 5 s; a
// second, short-lived server checks an oversized line cut off by the end of input.
// Node 20 built-ins only.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: hostile_stdio.mjs --server PATH');
  process.exit(2);
}

const REPLY_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 5_000;
const DEFAULT_LIMIT = 4 * 1024 * 1024; // stdio_options::max_line_bytes

// ---------------------------------------------------------------------------------------------
// The server and its stdout, line by line.

const child = spawn(serverPath, [], { stdio: ['pipe', 'pipe', 'pipe'] });
let exited = null; // {code, signal} once the process has ended
const exitWaiters = [];
child.on('exit', (code, signal) => {
  exited = { code, signal };
  for (const w of exitWaiters.splice(0)) w();
  wake();
});
child.on('error', (err) => {
  console.error(`hostile_stdio: cannot start ${serverPath}: ${err.message}`);
  process.exit(1);
});
child.stdin.on('error', () => {}); // EPIPE when the server has died: reported as a dead server

let stderrText = '';
child.stderr.on('data', (chunk) => {
  stderrText += chunk.toString('utf8');
  if (stderrText.length > 64 * 1024) stderrText = stderrText.slice(-64 * 1024);
});

const utf8 = new TextDecoder('utf-8', { fatal: true });
const lines = [];      // {raw, msg} read and not yet consumed
let violation = null;  // the first thing on stdout that is not one JSON message per line
let pending = Buffer.alloc(0);
let waiter = null;

function wake() {
  if (waiter) {
    const w = waiter;
    waiter = null;
    w();
  }
}

child.stdout.on('data', (chunk) => {
  pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
  let nl;
  while ((nl = pending.indexOf(0x0a)) >= 0) {
    const bytes = pending.subarray(0, nl);
    pending = pending.subarray(nl + 1);
    let raw;
    try {
      raw = utf8.decode(bytes);
    } catch {
      violation ??= `stdout carried a line that is not valid UTF-8: ${show(bytes.toString('latin1'))}`;
      continue;
    }
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch (e) {
      violation ??= `stdout carried a line that is not JSON (${e.message}): ${show(raw)}`;
      continue;
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg) || msg.jsonrpc !== '2.0') {
      violation ??= `stdout carried a line that is not a JSON-RPC 2.0 message object: ${show(raw)}`;
      continue;
    }
    lines.push({ raw, msg });
  }
  wake();
});
child.stdout.on('end', () => {
  if (pending.length) violation ??= `stdout ended with an unterminated line: ${show(pending.toString('latin1'))}`;
  wake();
});

function show(text, max = 400) {
  const s = JSON.stringify(text);
  return s.length > max ? `${s.slice(0, max)}... (${text.length} chars)` : s;
}

class CaseFailure extends Error {}
class ServerGone extends Error {}

// The next line on stdout, or a failure after `ms`.
async function nextLine(ms = REPLY_TIMEOUT_MS) {
  const deadline = Date.now() + ms;
  while (true) {
    if (violation) throw new ServerGone(violation);
    if (lines.length) return lines.shift();
    if (exited)
      throw new ServerGone(`the server exited (code ${exited.code}, signal ${exited.signal}) instead of replying`);
    const left = deadline - Date.now();
    if (left <= 0) throw new CaseFailure(`no reply within ${ms / 1000} s`);
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiter = null;
        resolve();
      }, left);
      waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

// Writes raw bytes (a string is written as UTF-8) and waits until they are handed to the pipe.
function write(data) {
  return new Promise((resolve) => {
    if (exited || child.stdin.destroyed) return resolve();
    child.stdin.write(data, () => resolve());
  });
}

const line = (obj) => JSON.stringify(obj) + '\n';

// ---------------------------------------------------------------------------------------------
// Checks on one reply.

function checkResult(got, id, check) {
  const { msg } = got;
  assert.ok(!('error' in msg), `expected a result, got an error`);
  assert.ok('result' in msg, 'expected a result');
  assert.deepEqual(msg.id, id, 'id');
  if (check) check(msg.result, got.raw);
}

// `id` is compared as parsed; `rawId` (when given) is compared as text, for ids JS cannot hold.
function checkError(got, code, id, { rawId, message } = {}) {
  const { msg, raw } = got;
  assert.ok(!('result' in msg), 'expected an error, got a result');
  assert.ok(msg.error && typeof msg.error === 'object', 'expected an error object');
  assert.equal(msg.error.code, code, 'error.code');
  assert.equal(typeof msg.error.message, 'string', 'error.message must be a string');
  assert.ok('id' in msg, 'the error must carry an id (null when unknown)');
  if (rawId !== undefined) assert.ok(rawIdOf(raw) === rawId, `id as text: expected ${rawId}, got ${rawIdOf(raw)}`);
  else assert.deepEqual(msg.id, id, 'id');
  if (message) assert.match(msg.error.message, message, 'error.message');
}

// The text of the top-level "id" member of a reply line (warden writes compact JSON).
function rawIdOf(raw) {
  const m = /^\{(?:"jsonrpc":"2\.0",)?"id":("(?:[^"\\]|\\.)*"|-?\d+|null)[,}]/.exec(raw);
  return m ? m[1] : '(not found)';
}

const expectError = (code, id, opts) => (got) => checkError(got, code, id, opts);
const expectResult = (id, check) => (got) => checkResult(got, id, check);
const NO_REPLY = null;

// ---------------------------------------------------------------------------------------------
// The cases. Each: name, input (string or Buffer: written as is), expect (a check of the one
// reply, or NO_REPLY). Replies are awaited one at a time, so the concurrent workers cannot
// reorder them.

const ping = (id) => line({ jsonrpc: '2.0', id, method: 'ping' });
const echoCall = (id, args) => line({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: args } });

function echoWithRawText(id, textBytes) {
  return Buffer.concat([
    Buffer.from(`{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo","arguments":{"text":"`),
    Buffer.from(textBytes),
    Buffer.from('"}}}\n'),
  ]);
}

function nested(depth) {
  let v = 'bottom';
  for (let i = 0; i < depth; ++i) v = { a: v };
  return v;
}

// A ping padded with a params member so that the whole line is `size` bytes, newline excluded.
function paddedPing(id, size) {
  const head = `{"jsonrpc":"2.0","id":${id},"method":"ping","params":{"pad":"`;
  const tail = '"}}';
  return head + 'x'.repeat(size - head.length - tail.length) + tail + '\n';
}

const parseError = (message) => expectError(-32700, null, message ? { message } : undefined);
const invalid = (id) => expectError(-32600, id);

const cases = [
  // Malformed JSON.
  { name: 'malformed: {', input: '{\n', expect: parseError() },
  { name: 'malformed: nul', input: 'nul\n', expect: parseError() },
  { name: 'malformed: trailing comma', input: '{"jsonrpc":"2.0",}\n', expect: parseError() },
  { name: 'malformed: lone ]', input: ']\n', expect: parseError() },
  { name: 'malformed: truncated request', input: '{"jsonrpc":"2.0","id":1,"method":"pi\n', expect: parseError() },
  {
    name: 'malformed: two messages on one line',
    input: '{"jsonrpc":"2.0","id":1,"method":"ping"} {"jsonrpc":"2.0","id":2,"method":"ping"}\n',
    expect: parseError(),
  },
  { name: 'malformed: single quotes', input: "{'jsonrpc':'2.0','id':1,'method':'ping'}\n", expect: parseError() },
  { name: 'malformed: comment', input: '{"jsonrpc":"2.0","id":1,"method":"ping"} // hi\n', expect: parseError() },

  // Wrong JSON-RPC shapes.
  { name: 'shape: missing jsonrpc', input: '{"id":10,"method":"ping"}\n', expect: invalid(10) },
  { name: 'shape: jsonrpc "1.0"', input: '{"jsonrpc":"1.0","id":11,"method":"ping"}\n', expect: invalid(11) },
  { name: 'shape: jsonrpc a number', input: '{"jsonrpc":2.0,"id":12,"method":"ping"}\n', expect: invalid(12) },
  { name: 'shape: method not a string', input: '{"jsonrpc":"2.0","id":13,"method":42}\n', expect: invalid(13) },
  { name: 'shape: method null', input: '{"jsonrpc":"2.0","id":14,"method":null}\n', expect: invalid(14) },
  { name: 'shape: id an object', input: '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}\n', expect: invalid(null) },
  { name: 'shape: id an array', input: '{"jsonrpc":"2.0","id":[1],"method":"ping"}\n', expect: invalid(null) },
  { name: 'shape: id a bool', input: '{"jsonrpc":"2.0","id":true,"method":"ping"}\n', expect: invalid(null) },
  { name: 'shape: id 1.5', input: '{"jsonrpc":"2.0","id":1.5,"method":"ping"}\n', expect: invalid(null) },
  { name: 'shape: id null (MCP forbids it)', input: '{"jsonrpc":"2.0","id":null,"method":"ping"}\n', expect: invalid(null) },
  {
    name: 'shape: id beyond 64 bits',
    input: '{"jsonrpc":"2.0","id":99999999999999999999999,"method":"ping"}\n',
    expect: invalid(null),
  },
  { name: 'shape: params an array', input: '{"jsonrpc":"2.0","id":15,"method":"ping","params":[]}\n', expect: invalid(15) },
  { name: 'shape: params a string', input: '{"jsonrpc":"2.0","id":16,"method":"ping","params":"x"}\n', expect: invalid(16) },
  { name: 'shape: neither method nor id', input: '{"jsonrpc":"2.0"}\n', expect: invalid(null) },
  { name: 'shape: params only', input: '{"jsonrpc":"2.0","params":{}}\n', expect: invalid(null) },
  { name: 'shape: id without method, result or error', input: '{"jsonrpc":"2.0","id":17}\n', expect: invalid(17) },
  { name: 'shape: batch of one', input: '[{"jsonrpc":"2.0","id":18,"method":"ping"}]\n', expect: invalid(null) },
  {
    name: 'shape: batch of two (one reply for the batch, none per element)',
    input: '[{"jsonrpc":"2.0","id":19,"method":"ping"},{"jsonrpc":"2.0","id":20,"method":"ping"}]\n',
    expect: invalid(null),
  },
  { name: 'shape: empty batch []', input: '[]\n', expect: invalid(null) },
  { name: 'shape: a number', input: '42\n', expect: invalid(null) },
  { name: 'shape: a string', input: '"ping"\n', expect: invalid(null) },
  { name: 'shape: null', input: 'null\n', expect: invalid(null) },
  {
    name: 'shape: notification with params an array (answered: it cannot be read)',
    input: '{"jsonrpc":"2.0","method":"notifications/initialized","params":[]}\n',
    expect: invalid(null),
  },
  // A client's response to a request the server never sent: read and dropped.
  { name: 'shape: stray response', input: '{"jsonrpc":"2.0","id":21,"result":{}}\n', expect: NO_REPLY },
  { name: 'shape: stray error response', input: '{"jsonrpc":"2.0","id":22,"error":{"code":1,"message":"x"}}\n', expect: NO_REPLY },

  // Size.
  {
    name: 'size: 5 MiB line',
    input: () => paddedPing(30, 5 * 1024 * 1024),
    expect: expectError(-32700, null, { message: new RegExp(`limit.*${DEFAULT_LIMIT}|${DEFAULT_LIMIT}.*limit`) }),
  },
  { name: 'size: normal line right after the 5 MiB one', input: ping(31), expect: expectResult(31, (r) => assert.deepEqual(r, {})) },
  {
    name: 'size: 5 MiB of "[" on one line',
    input: () => '['.repeat(5 * 1024 * 1024) + '\n',
    expect: expectError(-32700, null, { message: new RegExp(String(DEFAULT_LIMIT)) }),
  },
  {
    name: 'size: a line just under the limit is served',
    input: () => paddedPing(32, DEFAULT_LIMIT - 16),
    expect: expectResult(32, (r) => assert.deepEqual(r, {})),
  },
  {
    name: 'size: a line of exactly the limit, LF-terminated, is served',
    input: () => paddedPing(33, DEFAULT_LIMIT),
    expect: expectResult(33, (r) => assert.deepEqual(r, {})),
  },
  {
    // The CR belongs to the line terminator, as for every other CRLF line: the message is the
    // same 4 MiB as in the case above and must be served the same way.
    name: 'size: a line of exactly the limit, CRLF-terminated, is served',
    input: () => paddedPing(34, DEFAULT_LIMIT).replace(/\n$/, '\r\n'),
    expect: expectResult(34, (r) => assert.deepEqual(r, {})),
  },
  {
    name: 'size: limit + 1 bytes is refused',
    input: () => paddedPing(35, DEFAULT_LIMIT + 1),
    expect: expectError(-32700, null, { message: new RegExp(String(DEFAULT_LIMIT)) }),
  },

  // Depth.
  {
    name: 'depth: arguments nested 100 levels',
    input: () => echoCall(40, nested(100)),
    expect: expectError(-32700, null, { message: /deep|depth|nest/i }),
  },
  {
    name: 'depth: 100000 open brackets',
    input: () => '['.repeat(100_000) + '\n',
    expect: expectError(-32700, null, { message: /deep|depth|nest/i }),
  },
  {
    name: 'depth: arguments nested 50 levels (under the limit) are read and refused by the tool',
    input: () => echoCall(41, { text: 'deep', extra: nested(50) }),
    expect: expectResult(41, (r) => {
      assert.equal(r.isError, true);
      assert.deepEqual(r.structuredContent.errors.map((e) => e.path), ['/extra']);
    }),
  },

  // Encoding.
  { name: 'utf-8: invalid sequence C3 28', input: echoWithRawText(50, [0xc3, 0x28]), expect: parseError() },
  { name: 'utf-8: overlong C0 AF', input: echoWithRawText(51, [0xc0, 0xaf]), expect: parseError() },
  { name: 'utf-8: CESU surrogate ED A0 80', input: echoWithRawText(52, [0xed, 0xa0, 0x80]), expect: parseError() },
  { name: 'utf-8: lone continuation byte 80', input: echoWithRawText(53, [0x80]), expect: parseError() },
  { name: 'utf-8: truncated sequence E2 82', input: echoWithRawText(54, [0xe2, 0x82]), expect: parseError() },
  { name: 'utf-8: beyond U+10FFFF F4 90 80 80', input: echoWithRawText(55, [0xf4, 0x90, 0x80, 0x80]), expect: parseError() },
  { name: 'utf-8: byte FF', input: echoWithRawText(56, [0xff]), expect: parseError() },
  {
    name: 'utf-8: invalid bytes in a key',
    input: Buffer.concat([Buffer.from('{"jsonrpc":"2.0","id":57,"method":"ping","params":{"'), Buffer.from([0xc3, 0x28]), Buffer.from('":1}}\n')]),
    expect: parseError(),
  },
  { name: 'utf-16: lone surrogate escape \\ud800', input: '{"jsonrpc":"2.0","id":58,"method":"tools/call","params":{"name":"echo","arguments":{"text":"\\ud800"}}}\n', expect: parseError() },
  {
    name: 'utf-8: valid multi-byte text round-trips',
    input: echoCall(59, { text: 'h\u00e9 \u4e2d \u{1f600} \u2028' }),
    expect: expectResult(59, (r) => {
      assert.notEqual(r.isError, true);
      assert.equal(r.structuredContent.text, 'h\u00e9 \u4e2d \u{1f600} \u2028');
    }),
  },
  {
    name: 'escapes: \\u0000 and control characters round-trip as escapes',
    input: echoCall(60, { text: 'a\u0000b\nc\td\u001f' }),
    expect: expectResult(60, (r) => assert.equal(r.structuredContent.text, 'a\u0000b\nc\td\u001f')),
  },

  // Duplicate keys.
  { name: 'duplicate: "id" twice', input: '{"jsonrpc":"2.0","id":5,"id":6,"method":"ping"}\n', expect: parseError() },
  { name: 'duplicate: "method" twice', input: '{"jsonrpc":"2.0","id":61,"method":"ping","method":"tools/list"}\n', expect: parseError() },
  {
    name: 'duplicate: key inside the arguments',
    input: '{"jsonrpc":"2.0","id":62,"method":"tools/call","params":{"name":"echo","arguments":{"text":"a","text":"b"}}}\n',
    expect: parseError(/\/params\/arguments\/text/),
  },
  {
    name: 'duplicate: keys that are equal only after unescaping',
    input: '{"jsonrpc":"2.0","id":63,"method":"ping","params":{"a":1,"\\u0061":2}}\n',
    expect: parseError(),
  },

  // Odd lines.
  { name: 'line: NUL byte between members', input: Buffer.from('{"jsonrpc":"2.0","id":70,\u0000"method":"ping"}\n', 'latin1'), expect: parseError() },
  { name: 'line: NUL byte inside a string', input: Buffer.from('{"jsonrpc":"2.0","id":71,"method":"pi\u0000ng"}\n', 'latin1'), expect: parseError() },
  { name: 'line: NUL byte after a valid message', input: Buffer.from('{"jsonrpc":"2.0","id":72,"method":"ping"}\u0000\n', 'latin1'), expect: parseError() },
  { name: 'line: a lone NUL byte', input: Buffer.from([0x00, 0x0a]), expect: parseError() },
  { name: 'line: only spaces', input: '        \n', expect: NO_REPLY },
  { name: 'line: empty', input: '\n', expect: NO_REPLY },
  { name: 'line: several empty lines', input: '\n\n\n\n', expect: NO_REPLY },
  { name: 'line: spaces and tabs, CRLF', input: ' \t \r\n', expect: NO_REPLY },
  { name: 'line: CRLF-terminated request', input: '{"jsonrpc":"2.0","id":73,"method":"ping"}\r\n', expect: expectResult(73, (r) => assert.deepEqual(r, {})) },
  {
    name: 'line: request with leading and trailing whitespace',
    input: '  \t{"jsonrpc":"2.0","id":74,"method":"ping"}\t  \n',
    expect: expectResult(74, (r) => assert.deepEqual(r, {})),
  },
  {
    name: 'line: request pretty-printed over several lines (each line is a fragment)',
    input: '{\n"jsonrpc":"2.0","id":75,"method":"ping"}\n',
    expect: [parseError(), parseError()],
  },

  // Methods and ids.
  { name: 'method: unknown resources/teleport', input: '{"jsonrpc":"2.0","id":80,"method":"resources/teleport"}\n', expect: expectError(-32601, 80) },
  { name: 'method: empty name', input: '{"jsonrpc":"2.0","id":81,"method":""}\n', expect: expectError(-32601, 81) },
  {
    name: 'method: initialize again',
    input: line({ jsonrpc: '2.0', id: 82, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    expect: expectError(-32600, 82),
  },
  {
    name: 'id: a string echoed as text',
    input: '{"jsonrpc":"2.0","id":"abc-83","method":"ping"}\n',
    expect: expectResult('abc-83', (_, raw) => assert.equal(rawIdOf(raw), '"abc-83"', 'id as text')),
  },
  {
    name: 'id: a string on an error echoed as text',
    input: '{"jsonrpc":"2.0","id":"abc-83b","method":"resources/teleport"}\n',
    expect: expectError(-32601, undefined, { rawId: '"abc-83b"' }),
  },
  { name: 'id: a string with escapes', input: '{"jsonrpc":"2.0","id":"q\\"\\\\84","method":"ping"}\n', expect: expectResult('q"\\84') },
  { name: 'id: an empty string', input: '{"jsonrpc":"2.0","id":"","method":"ping"}\n', expect: expectResult('') },
  {
    name: 'id: 9007199254740993 echoed as text',
    input: '{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}\n',
    expect: expectResult(9007199254740993, (_, raw) => assert.equal(rawIdOf(raw), '9007199254740993', 'id as text')),
  },
  {
    name: 'id: 9007199254740993 on an error echoed as text',
    input: '{"jsonrpc":"2.0","id":9007199254740993,"method":"resources/teleport"}\n',
    expect: expectError(-32601, undefined, { rawId: '9007199254740993' }),
  },
  {
    name: 'id: 18446744073709551615 echoed as text',
    input: '{"jsonrpc":"2.0","id":18446744073709551615,"method":"ping"}\n',
    expect: expectResult(18446744073709551615, (_, raw) => assert.equal(rawIdOf(raw), '18446744073709551615', 'id as text')),
  },
  {
    name: 'id: -9223372036854775808 echoed as text',
    input: '{"jsonrpc":"2.0","id":-9223372036854775808,"method":"ping"}\n',
    expect: expectResult(-9223372036854775808, (_, raw) => assert.equal(rawIdOf(raw), '-9223372036854775808', 'id as text')),
  },

  // Tools.
  ...[
    ['1e400', 'out_of_range'],
    ['-1e300', 'out_of_range'],
    ['1.5', 'wrong_type'],
    ['4294967297', 'out_of_range'],
    ['18446744073709551616', 'out_of_range'],
    ['"5"', 'wrong_type'],
    ['null', 'wrong_type'],
  ].map(([steps, code], i) => ({
    name: `tools/call: slow_count with steps ${steps}`,
    input: `{"jsonrpc":"2.0","id":${100 + i},"method":"tools/call","params":{"name":"slow_count","arguments":{"steps":${steps},"delayMs":0}}}\n`,
    expect: expectResult(100 + i, (r) => {
      assert.equal(r.isError, true, 'isError');
      assert.deepEqual(r.structuredContent.errors.map((e) => [e.path, e.code]), [['/steps', code]]);
    }),
  })),
  ...[
    ['null', 'null'],
    ['"text"', 'a string'],
    ['[]', 'an array'],
    ['7', 'a number'],
  ].map(([args, what], i) => ({
    name: `tools/call: echo with arguments ${what}`,
    input: `{"jsonrpc":"2.0","id":${110 + i},"method":"tools/call","params":{"name":"echo","arguments":${args}}}\n`,
    expect: (got) => {
      // Either a protocol error or a tool error result; never silence.
      if ('error' in got.msg) checkError(got, -32602, 110 + i);
      else checkResult(got, 110 + i, (r) => assert.equal(r.isError, true, 'isError'));
    },
  })),
  {
    name: 'tools/call: hostile _meta.progressToken and _meta',
    input: '{"jsonrpc":"2.0","id":115,"method":"tools/call","params":{"name":"echo","arguments":{"text":"m"},"_meta":{"progressToken":{"x":[1]}}}}\n',
    expect: expectResult(115, (r) => assert.deepEqual(r.structuredContent, { text: 'm' })),
  },
  {
    name: 'logging/setLevel: unknown level',
    input: '{"jsonrpc":"2.0","id":116,"method":"logging/setLevel","params":{"level":"verbose"}}\n',
    expect: expectError(-32602, 116),
  },
  {
    name: 'line: UTF-8 byte order mark before a request (refused or served, but answered)',
    input: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"jsonrpc":"2.0","id":117,"method":"ping"}\n')]),
    expect: (got) => {
      if ('error' in got.msg) checkError(got, -32700, null);
      else checkResult(got, 117, (r) => assert.deepEqual(r, {}));
    },
  },
  {
    name: 'tools/call: unknown tool',
    input: line({ jsonrpc: '2.0', id: 90, method: 'tools/call', params: { name: 'no_such_tool', arguments: {} } }),
    expect: expectError(-32602, 90),
  },
  {
    name: 'tools/call: name missing',
    input: line({ jsonrpc: '2.0', id: 91, method: 'tools/call', params: { arguments: {} } }),
    expect: expectError(-32602, 91),
  },
  {
    name: 'tools/call: name not a string',
    input: line({ jsonrpc: '2.0', id: 92, method: 'tools/call', params: { name: ['echo'] } }),
    expect: expectError(-32602, 92),
  },
  {
    name: 'tools/call: echo with {"text":5,"extra":true}',
    input: echoCall(93, { text: 5, extra: true }),
    expect: expectResult(93, (r) => {
      assert.equal(r.isError, true, 'isError');
      assert.equal(r.structuredContent.code, 'invalid_arguments');
      const paths = r.structuredContent.errors.map((e) => e.path).sort();
      assert.deepEqual(paths, ['/extra', '/text']);
    }),
  },
  {
    name: 'tools/call: echo with arguments an array',
    input: echoCall(94, ['text']),
    expect: (got) => {
      // Either a protocol error or a tool error result; never silence.
      if ('error' in got.msg) checkError(got, -32602, 94);
      else checkResult(got, 94, (r) => assert.equal(r.isError, true, 'isError'));
    },
  },
  {
    name: 'tools/call: echo works',
    input: echoCall(95, { text: 'still here' }),
    expect: expectResult(95, (r) => {
      assert.notEqual(r.isError, true);
      assert.deepEqual(r.structuredContent, { text: 'still here' });
    }),
  },
  {
    name: 'tools/list: bad cursor',
    input: line({ jsonrpc: '2.0', id: 96, method: 'tools/list', params: { cursor: '../../etc' } }),
    expect: expectError(-32602, 96),
  },

  // Notifications.
  { name: 'notification: unknown method', input: '{"jsonrpc":"2.0","method":"notifications/teleported","params":{"x":1}}\n', expect: NO_REPLY },
  { name: 'notification: unknown non-notification method without id', input: '{"jsonrpc":"2.0","method":"resources/teleport"}\n', expect: NO_REPLY },
  { name: 'notification: ping without id', input: '{"jsonrpc":"2.0","method":"ping"}\n', expect: NO_REPLY },
  {
    name: 'notification: cancelled for a request that does not exist',
    input: '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12345,"reason":"none"}}\n',
    expect: NO_REPLY,
  },
  {
    name: 'notification: cancelled with a hostile requestId',
    input: '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{"a":[1,2]}}}\n',
    expect: NO_REPLY,
  },
];

// ---------------------------------------------------------------------------------------------
// The run.

const failures = [];
let alivePings = 0;

function describeInput(input) {
  const text = Buffer.isBuffer(input) ? input.toString('latin1') : input;
  return show(text, 200);
}

// A ping that must be the very next line out, answered with an empty result.
async function expectAlive() {
  const id = `alive-${++alivePings}`;
  await write(ping(id));
  const got = await nextLine();
  try {
    assert.deepEqual(got.msg, { jsonrpc: '2.0', id, result: {} });
  } catch {
    throw new CaseFailure(`the liveness ping ${JSON.stringify(id)} was not answered next; the next line was ${show(got.raw)}`);
  }
}

// After a failure: reads until a fresh ping's reply, to get back in step with the server.
async function resync() {
  const id = `resync-${++alivePings}`;
  await write(ping(id));
  const deadline = Date.now() + REPLY_TIMEOUT_MS;
  while (true) {
    const got = await nextLine(Math.max(1, deadline - Date.now()));
    if (got.msg.id === id) return;
    console.error(`    (skipped while resynchronising: ${show(got.raw, 200)})`);
  }
}

async function runCase(c, input) {
  await write(input);
  const expects = c.expect === NO_REPLY ? [] : Array.isArray(c.expect) ? c.expect : [c.expect];
  for (const check of expects) {
    const got = await nextLine();
    try {
      check(got);
    } catch (e) {
      throw new CaseFailure(`${e.message}\n    reply: ${show(got.raw)}`);
    }
  }
  await expectAlive();
}

function fail(name, input, err) {
  failures.push(name);
  console.error(`FAIL ${name}\n    sent:  ${describeInput(input)}\n    ${err.message}`);
}

async function fatal(message) {
  console.error(`hostile_stdio: ${message}`);
  if (failures.length) console.error(`hostile_stdio: failed cases: ${failures.join('; ')}`);
  if (stderrText) console.error(`--- server stderr (last part) ---\n${stderrText.slice(-4000)}`);
  if (!exited) child.kill('SIGKILL');
  process.exit(1);
}

let caseCount = 0;

// Runs one named step; a ServerGone ends the run, a CaseFailure is recorded and the run resyncs.
async function step(name, input, body) {
  ++caseCount;
  try {
    await body();
  } catch (e) {
    if (e instanceof ServerGone) {
      failures.push(name);
      await fatal(`case "${name}" failed and the server is gone: ${e.message}\n    sent: ${describeInput(input ?? '')}`);
    }
    fail(name, input ?? '', e);
    try {
      await resync();
    } catch (r) {
      await fatal(`after case "${name}" the server no longer answers a ping: ${r.message}`);
    }
  }
}

// Before initialize: served in order on the reading thread.
await step('pre-init: ping before initialize', ping('pre-1'), async () => {
  await write(ping('pre-1'));
  const got = await nextLine();
  assert.deepEqual(got.msg, { jsonrpc: '2.0', id: 'pre-1', result: {} });
});
await step('pre-init: malformed line before initialize', '{\n', async () => {
  await write('{\n');
  checkError(await nextLine(), -32700, null);
});
await step('pre-init: tools/list before initialize is refused', ping('pre-2'), async () => {
  await write('{"jsonrpc":"2.0","id":"pre-2","method":"tools/list"}\n');
  const got = await nextLine();
  try {
    checkError(got, -32600, 'pre-2');
  } catch (e) {
    throw new CaseFailure(`${e.message}\n    reply: ${show(got.raw)}`);
  }
});

// The handshake.
await step('handshake: initialize', 'initialize', async () => {
  await write(
    line({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'hostile_stdio', version: '1.0.0' } },
    }),
  );
  const got = await nextLine();
  try {
    checkResult(got, 0, (r) => {
      assert.equal(r.protocolVersion, '2025-11-25');
      assert.equal(r.serverInfo.name, 'interop');
      assert.ok(r.capabilities.tools, 'capabilities.tools');
    });
  } catch (e) {
    throw new ServerGone(`initialize failed: ${e.message}; reply ${show(got.raw)}`);
  }
  await write(line({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  await expectAlive();
});

for (const c of cases) {
  const input = typeof c.input === 'function' ? c.input() : c.input;
  await step(c.name, input, () => runCase(c, input));
}

// 200 pings in one write, answered exactly once each, in any order.
await step('burst: 200 pings in one write', '(ids 1000..1199)', async () => {
  const ids = Array.from({ length: 200 }, (_, i) => 1000 + i);
  await write(ids.map((id) => ping(id)).join(''));
  const seen = new Map();
  for (let n = 0; n < ids.length; ++n) {
    let got;
    try {
      got = await nextLine();
    } catch (e) {
      if (e instanceof CaseFailure) {
        const missing = ids.filter((id) => !seen.has(id));
        throw new CaseFailure(`${e.message} after ${n} of 200 replies; missing ids: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', ...' : ''}`);
      }
      throw e;
    }
    const { msg, raw } = got;
    if (!Number.isInteger(msg.id) || msg.id < 1000 || msg.id > 1199 || !('result' in msg) || JSON.stringify(msg.result) !== '{}')
      throw new CaseFailure(`unexpected reply in the burst: ${show(raw)}`);
    if (seen.has(msg.id)) throw new CaseFailure(`id ${msg.id} answered twice: ${show(raw)}`);
    seen.set(msg.id, true);
  }
  await expectAlive();
});

// A burst mixing hostile and valid lines: every line gets exactly the reply it should.
await step('burst: 100 hostile and valid lines interleaved in one write', '(mixed)', async () => {
  const parts = [];
  const wanted = new Map(); // id -> kind of reply
  let nulls = 0;
  for (let i = 0; i < 25; ++i) {
    parts.push(ping(2000 + i));
    wanted.set(2000 + i, 'result');
    parts.push('{"jsonrpc":"2.0","id":5,"id":6,"method":"ping"}\n'); // -32700, id null
    ++nulls;
    parts.push(`{"jsonrpc":"2.0","id":${3000 + i},"method":"resources/teleport"}\n`);
    wanted.set(3000 + i, -32601);
    parts.push('{"jsonrpc":"2.0","method":"notifications/teleported"}\n'); // nothing
    parts.push('\n');
  }
  await write(parts.join(''));
  let nullSeen = 0;
  const total = wanted.size + nulls;
  for (let n = 0; n < total; ++n) {
    const { msg, raw } = await nextLine();
    if (msg.id === null) {
      if (msg.error?.code !== -32700) throw new CaseFailure(`expected -32700 for a null id, got ${show(raw)}`);
      ++nullSeen;
      continue;
    }
    const kind = wanted.get(msg.id);
    if (kind === undefined) throw new CaseFailure(`unexpected or repeated reply: ${show(raw)}`);
    if (kind === 'result' ? !('result' in msg) : msg.error?.code !== kind)
      throw new CaseFailure(`wrong reply for id ${msg.id}: ${show(raw)}`);
    wanted.delete(msg.id);
  }
  if (nullSeen !== nulls) throw new CaseFailure(`expected ${nulls} parse errors, got ${nullSeen}`);
  await expectAlive();
});

// Two calls in flight with the same id. MCP forbids a client to reuse an id, but JSON-RPC says
// every request gets a response: the server may answer the second with an error, never with
// silence (a client waiting for it would hang).
await step('ids: two slow calls in flight with the same id each get a reply', '(2 x slow_count id "dup-1")', async () => {
  const call = line({ jsonrpc: '2.0', id: 'dup-1', method: 'tools/call', params: { name: 'slow_count', arguments: { steps: 3, delayMs: 100 } } });
  await write(call + call);
  const replies = [];
  while (replies.length < 2) {
    let got;
    try {
      got = await nextLine();
    } catch (e) {
      if (e instanceof CaseFailure)
        throw new CaseFailure(`${e.message}: ${replies.length} of 2 replies for id "dup-1" arrived${replies.length ? `: ${show(replies[0].raw, 200)}` : ''}`);
      throw e;
    }
    if (got.msg.method === 'notifications/message' && !('id' in got.msg)) continue; // slow_count logs each step
    if (got.msg.id !== 'dup-1') throw new CaseFailure(`unexpected line: ${show(got.raw)}`);
    replies.push(got);
  }
  await expectAlive();
});

// Nothing else may come out: wait a moment for stray lines.
await step('quiet: no stray output', '(nothing)', async () => {
  await new Promise((r) => setTimeout(r, 300));
  if (violation) throw new ServerGone(violation);
  if (lines.length) throw new CaseFailure(`stray line(s) on stdout: ${lines.map((l) => show(l.raw, 200)).join(' | ')}`);
});

// End of input: the server must exit with status 0 (no resync here: stdin is closed).
{
  const name = 'shutdown: exit 0 within 5 s after stdin closes';
  ++caseCount;
  // A last line without a newline is still a message, and still answered.
  child.stdin.end('{"jsonrpc":"2.0","id":"last","method":"ping"}');
  if (!exited)
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, EXIT_TIMEOUT_MS);
      exitWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  let problem = null;
  if (!exited) {
    child.kill('SIGKILL');
    problem = `the server did not exit within ${EXIT_TIMEOUT_MS / 1000} s after its stdin closed`;
  } else if (violation) problem = violation;
  else if (lines.length !== 1 || JSON.stringify(lines[0].msg) !== '{"jsonrpc":"2.0","id":"last","result":{}}')
    problem = `expected only the reply to the unterminated last ping, got: ${lines.map((l) => show(l.raw, 200)).join(' | ') || 'nothing'}`;
  else if (exited.code !== 0) problem = `the server exited with code ${exited.code}, signal ${exited.signal}`;
  if (problem) fail(name, '(stdin closed)', new Error(problem));
}

// A second, short-lived server: its input ends in the middle of an oversized line. That line is
// longer than the limit like any other and must get the same -32700 before the server exits.
{
  const name = 'eof: an unterminated oversized last line gets -32700, then exit 0';
  ++caseCount;
  const problem = await (async () => {
    const second = spawn(serverPath, [], { stdio: ['pipe', 'pipe', 'ignore'] });
    second.stdin.on('error', () => {});
    let out = '';
    second.stdout.on('data', (d) => (out += d.toString('utf8')));
    const exit = new Promise((resolve) => second.on('exit', (code, signal) => resolve({ code, signal })));
    second.stdin.write(line({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'hostile_stdio', version: '1.0.0' } } }));
    second.stdin.end(paddedPing(1, 5 * 1024 * 1024).slice(0, -1));
    const status = await Promise.race([exit, new Promise((r) => setTimeout(() => r(null), REPLY_TIMEOUT_MS))]);
    if (!status) {
      second.kill('SIGKILL');
      return `the server did not exit within ${REPLY_TIMEOUT_MS / 1000} s`;
    }
    const outLines = out.split('\n');
    if (outLines.pop() !== '') return `stdout ended with an unterminated line: ${show(out.slice(-200))}`;
    const msgs = [];
    for (const l of outLines) {
      try {
        msgs.push(JSON.parse(l));
      } catch {
        return `stdout carried a line that is not JSON: ${show(l)}`;
      }
    }
    if (msgs.length < 1 || msgs[0].id !== 0 || !msgs[0].result) return `initialize was not answered: ${show(out, 300)}`;
    const rest = msgs.slice(1);
    const ok = rest.length === 1 && rest[0].id === null && rest[0].error?.code === -32700 && String(rest[0].error?.message).includes(String(DEFAULT_LIMIT));
    if (!ok) return `expected one -32700 reply naming the limit after initialize, got ${rest.length ? show(outLines.slice(1).join(' | '), 400) : 'nothing'} (exit code ${status.code})`;
    if (status.code !== 0) return `the server exited with code ${status.code}, signal ${status.signal}`;
    return null;
  })();
  if (problem) fail(name, '(initialize, then 5 MiB without a newline, then end of input)', new Error(problem));
}

if (failures.length) {
  console.error(`hostile_stdio: ${failures.length} of ${caseCount} cases FAILED: ${failures.join('; ')}`);
  if (stderrText) console.error(`--- server stderr (last part) ---\n${stderrText.slice(-4000)}`);
  process.exit(1);
}
console.log(`hostile_stdio: ${caseCount} cases, server alive`);

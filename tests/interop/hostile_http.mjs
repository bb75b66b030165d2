#!/usr/bin/env node
// Hostile input against a warden server over Streamable HTTP:
//   node tests/interop/hostile_http.mjs --server build/tests/interop/interop_server
// The server is started with `--http 127.0.0.1:0`; its port comes from "listening on PORT" on
// stderr. After an initialize that opens a session, each case sends bytes the server may never
// have expected (raw sockets for anything that is not well-formed HTTP, so that what is sent is
// exactly what is shown), checks the answer, and then checks that the server still serves a
// normal ping on the session (fetch: 200, {"jsonrpc":"2.0","id":N,"result":{}}). Every case is
// given at most 10 s; a failed case is reported with what was sent and what came back, and the
// run goes on. At the end the server gets SIGTERM and must exit 0 within 5 s.
// Node 20 built-ins only.

import { spawn } from 'node:child_process';
import net from 'node:net';

const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: hostile_http.mjs --server PATH');
  process.exit(2);
}

const CASE_TIMEOUT_MS = 10_000;
const EXIT_TIMEOUT_MS = 5_000;
const BODY_LIMIT = 4 * 1024 * 1024; // http_options::max_body_bytes
const PROTOCOL_VERSION = '2025-11-25';
const ACCEPT = 'application/json, text/event-stream';

function show(text, max = 300) {
  const s = JSON.stringify(String(text));
  return s.length > max ? `${s.slice(0, max)}... (${String(text).length} chars)` : s;
}

class CaseFailure extends Error {}

// ---------------------------------------------------------------------------------------------
// The server.

let child = null;
let exited = null;
const exitWaiters = [];
let stderrText = '';
let port = 0;

async function startServer() {
  child = spawn(serverPath, ['--http', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    for (const w of exitWaiters.splice(0)) w();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on PORT" within ${CASE_TIMEOUT_MS / 1000} s`)), CASE_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${serverPath}: ${err.message}`));
    });
    child.stderr.on('data', (chunk) => {
      stderrText += chunk.toString('utf8');
      if (stderrText.length > 64 * 1024) stderrText = stderrText.slice(-64 * 1024);
      const m = /listening on (\d+)/.exec(stderrText);
      if (m && !port) {
        port = Number(m[1]);
        clearTimeout(timer);
        resolve();
      }
    });
    exitWaiters.push(() => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${exited.code}, signal ${exited.signal}) before listening`));
    });
  });
}

function waitExit(ms) {
  if (exited) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    exitWaiters.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP over a socket.

// Parses one HTTP/1.1 response from the start of `buf`; null while incomplete (unless `eof`).
function parseResponse(buf, eof) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (!m) return { status: 0, headers: {}, body: '', head: head[0], bad: true };
  const headers = {};
  for (const h of head.slice(1)) {
    const c = h.indexOf(':');
    if (c > 0) headers[h.slice(0, c).trim().toLowerCase()] = h.slice(c + 1).trim();
  }
  const status = Number(m[1]);
  let rest = buf.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts = [];
    while (true) {
      const nl = rest.indexOf('\r\n');
      if (nl < 0) return eof ? { status, headers, body: Buffer.concat(parts).toString('utf8'), truncated: true } : null;
      const size = parseInt(rest.subarray(0, nl).toString('latin1'), 16);
      if (Number.isNaN(size)) return { status, headers, body: Buffer.concat(parts).toString('utf8'), bad: true };
      if (rest.length < nl + 2 + size + 2)
        return eof ? { status, headers, body: Buffer.concat(parts).toString('utf8'), truncated: true } : null;
      if (size === 0) return { status, headers, body: Buffer.concat(parts).toString('utf8') };
      parts.push(rest.subarray(nl + 2, nl + 2 + size));
      rest = rest.subarray(nl + 2 + size + 2);
    }
  }
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    if (rest.length < n) return eof ? { status, headers, body: rest.toString('utf8'), truncated: true } : null;
    return { status, headers, body: rest.subarray(0, n).toString('utf8') };
  }
  if (status === 204 || status === 304 || status < 200) return { status, headers, body: '' };
  return eof ? { status, headers, body: rest.toString('utf8') } : null;
}

// Writes `data` (string or Buffer, or an array of pieces written one after another) on a new
// connection and resolves with {response, closed, error, timedOut, received} once a full
// response has come (or the connection closed, or `timeout` passed). With `endAfterWrite` the
// client half-closes after writing; with `destroyAfterWrite` it drops the connection at once.
function raw(data, { timeout = CASE_TIMEOUT_MS, endAfterWrite = false, destroyAfterWrite = false, waitClose = false, until = null } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    let error = null;
    const finish = (extra) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ response: parseResponse(buf, true), received: buf, error, ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true }), timeout);
    sock.on('error', (e) => {
      error = e.code ?? e.message;
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (until ? until(buf) : !waitClose && parseResponse(buf, false)) finish({ closed: false });
    });
    sock.on('close', () => finish({ closed: true }));
    sock.on('connect', async () => {
      const pieces = Array.isArray(data) ? data : [data];
      for (const p of pieces) {
        if (done || sock.destroyed) break;
        if (typeof p === 'number') {
          await new Promise((r) => setTimeout(r, p)); // a pause between pieces
          continue;
        }
        // Large pieces go out 64 KiB at a time, so that an early answer (413) is read as soon as
        // it comes rather than lost when a later write fails with EPIPE.
        const buf = Buffer.isBuffer(p) ? p : Buffer.from(p, typeof p === 'string' ? 'latin1' : undefined);
        for (let off = 0; off < buf.length && !done && !sock.destroyed; off += 64 * 1024)
          await new Promise((r) => sock.write(buf.subarray(off, off + 64 * 1024), () => r()));
      }
      if (destroyAfterWrite) {
        sock.destroy();
        finish({ closed: true, clientClosed: true });
      } else if (endAfterWrite && !sock.destroyed) sock.end();
    });
  });
}

// Opens an SSE stream on a raw socket and resolves with the socket once its priming event (an
// id, a retry and empty data) has come; the caller destroys the socket.
function openStream(bytes) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new CaseFailure(`no priming event within 5 s; got ${show(buf)}`));
    }, 5000);
    sock.on('error', () => {});
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      if (/\r\n\r\n[\s\S]*data: \n\n/.test(buf)) {
        clearTimeout(timer);
        resolve({ sock, head: buf });
      }
    });
    sock.on('connect', () => sock.write(bytes));
  });
}

// A request as bytes. Header values null are left out; Content-Length is computed unless given.
function request({ method = 'POST', path = '/mcp', headers = {}, body = '', session = sessionId, version = 'HTTP/1.1' } = {}) {
  const bodyBuf = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const all = {
    Host: `127.0.0.1:${port}`,
    'Content-Type': 'application/json',
    Accept: ACCEPT,
    'Mcp-Session-Id': session,
    'MCP-Protocol-Version': PROTOCOL_VERSION,
    'Content-Length': String(bodyBuf.length),
    Connection: 'close',
    ...headers,
  };
  let head = `${method} ${path} ${version}\r\n`;
  for (const [k, v] of Object.entries(all)) if (v !== null && v !== undefined) head += `${k}: ${v}\r\n`;
  return Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), bodyBuf]);
}

function describeGot(got) {
  if (!got) return 'nothing';
  const r = got.response;
  const parts = [];
  if (r) {
    parts.push(`HTTP ${r.status || '(bad status line)'}`);
    const hs = Object.entries(r.headers)
      .filter(([k]) => ['content-type', 'allow', 'mcp-session-id', 'connection', 'content-length', 'transfer-encoding'].includes(k))
      .map(([k, v]) => `${k}: ${v}`);
    if (hs.length) parts.push(`[${hs.join('; ')}]`);
    parts.push(`body ${show(r.body, 300)}`);
    if (r.truncated) parts.push('(truncated)');
  } else if (got.received?.length) parts.push(`unparsable ${show(got.received.toString('latin1'), 300)}`);
  else parts.push('no response');
  if (got.timedOut) parts.push(`(no answer nor close within ${CASE_TIMEOUT_MS / 1000} s)`);
  else if (got.closed) parts.push('(connection closed)');
  if (got.error) parts.push(`(socket error ${got.error})`);
  return parts.join(' ');
}

function showSent(bytes, max = 300) {
  const b = Array.isArray(bytes) ? Buffer.concat(bytes.filter((p) => typeof p !== 'number').map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p)))) : Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  return show(b.toString('latin1'), max);
}

// ---------------------------------------------------------------------------------------------
// Checks.

function jsonBody(got) {
  try {
    return JSON.parse(got.response.body);
  } catch {
    throw new CaseFailure(`the body is not JSON`);
  }
}

function expectStatus(got, status) {
  const s = Array.isArray(status) ? status : [status];
  if (!got.response || !s.includes(got.response.status)) throw new CaseFailure(`expected HTTP ${s.join(' or ')}`);
}

// A JSON-RPC error with `code` (and `id`, when given) in the body.
function expectRpcError(got, status, code, id) {
  expectStatus(got, status);
  const msg = jsonBody(got);
  if (msg?.jsonrpc !== '2.0' || typeof msg.error !== 'object' || msg.error === null)
    throw new CaseFailure('expected a JSON-RPC error object');
  if (msg.error.code !== code) throw new CaseFailure(`expected error.code ${code}`);
  if (typeof msg.error.message !== 'string') throw new CaseFailure('error.message must be a string');
  if (!('id' in msg)) throw new CaseFailure('the error must carry an id (null when unknown)');
  if (id !== undefined && JSON.stringify(msg.id) !== JSON.stringify(id)) throw new CaseFailure(`expected id ${JSON.stringify(id)}`);
  return msg;
}

// ---------------------------------------------------------------------------------------------
// Sessions and the liveness ping (fetch).

let sessionId = null;
let nextPingId = 1;

const initBody = (id) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'hostile_http', version: '1.0.0' } } });

async function initialize(id = 0) {
  const res = await fetch(`http://127.0.0.1:${port}/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: ACCEPT },
    body: initBody(id),
    signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
  });
  const text = await res.text();
  const sid = res.headers.get('mcp-session-id');
  if (res.status !== 200 || !sid) throw new CaseFailure(`initialize: HTTP ${res.status}, session ${sid}, body ${show(text)}`);
  let msg;
  try {
    msg = JSON.parse(text);
  } catch {
    throw new CaseFailure(`initialize: body is not JSON: ${show(text)}`);
  }
  if (msg.id !== id || !msg.result?.protocolVersion) throw new CaseFailure(`initialize: unexpected reply ${show(text)}`);
  const note = await fetch(`http://127.0.0.1:${port}/mcp`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: ACCEPT, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': PROTOCOL_VERSION },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
  });
  await note.arrayBuffer();
  if (note.status !== 202) throw new CaseFailure(`notifications/initialized: HTTP ${note.status}`);
  return sid;
}

async function pingOk(sid = sessionId) {
  const id = nextPingId++;
  let res, text;
  try {
    res = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: ACCEPT, 'Mcp-Session-Id': sid, 'MCP-Protocol-Version': PROTOCOL_VERSION },
      body: JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' }),
      signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (e) {
    throw new CaseFailure(`liveness ping ${id}: ${e.name === 'TimeoutError' ? `no answer within ${CASE_TIMEOUT_MS / 1000} s` : `${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}`}`);
  }
  const want = JSON.stringify({ jsonrpc: '2.0', id, result: {} });
  let same = false;
  try {
    same = JSON.stringify(JSON.parse(text)) === want;
  } catch {}
  if (res.status !== 200 || !same) throw new CaseFailure(`liveness ping ${id}: expected HTTP 200 ${want}, got HTTP ${res.status} ${show(text)}`);
}

// ---------------------------------------------------------------------------------------------
// Running cases.

const failures = [];
let caseCount = 0;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new CaseFailure(`${what}: not finished within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// One case: `body` sends and checks (throwing CaseFailure with what came back), then the
// liveness ping. `sent` describes the input for the report.
async function step(name, sent, body, { alive = true, timeout = CASE_TIMEOUT_MS } = {}) {
  ++caseCount;
  let problem = null;
  try {
    await withTimeout(Promise.resolve().then(body), timeout, 'the case');
  } catch (e) {
    problem = e instanceof CaseFailure ? e.message : `${e.stack ?? e}`;
  }
  if (alive && !exited) {
    try {
      await pingOk();
    } catch (e) {
      problem = problem ? `${problem}; then ${e.message}` : `afterwards: ${e.message}`;
    }
  }
  if (exited) problem = `${problem ? `${problem}; ` : ''}the server exited (code ${exited.code}, signal ${exited.signal})`;
  if (problem) {
    failures.push(`${name}\n    sent: ${sent}\n    problem: ${problem}`);
    console.error(`FAIL ${name}: ${problem}`);
  } else console.error(`ok   ${name}`);
}

// A case that sends one request on a raw socket and checks the response with `check(got)`.
function rawCase(name, bytes, check, opts = {}) {
  return step(name, showSent(bytes), async () => {
    const got = await raw(bytes, opts);
    try {
      check(got);
    } catch (e) {
      if (e instanceof CaseFailure) throw new CaseFailure(`${e.message}; got ${describeGot(got)}`);
      throw e;
    }
  });
}

const post = (body, extra = {}) => request({ body, ...extra });
const rpcError = (status, code, id) => (got) => expectRpcError(got, status, code, id);

function nested(depth) {
  let v = 'bottom';
  for (let i = 0; i < depth; ++i) v = { a: v };
  return v;
}

// ---------------------------------------------------------------------------------------------

let openSockets = []; // slowloris sockets, closed in the finally block as well

try {
  await startServer();
  try {
    sessionId = await withTimeout(initialize(0), CASE_TIMEOUT_MS, 'initialize');
  } catch (e) {
    failures.push(`initialize\n    problem: ${e.message}`);
    throw new Error('cannot go on without a session');
  }
  ++caseCount;
  await step('baseline: ping on the new session', '(ping)', async () => {});

  // Malformed JSON: 400 with -32700.
  for (const [label, body] of [
    ['{', '{'],
    ['nul', 'nul'],
    ['trailing comma', '{"jsonrpc":"2.0",}'],
    ['truncated request', '{"jsonrpc":"2.0","id":1,"method":"pi'],
    ['two messages in one body', '{"jsonrpc":"2.0","id":1,"method":"ping"} {"jsonrpc":"2.0","id":2,"method":"ping"}'],
    ['single quotes', "{'jsonrpc':'2.0','id':1,'method':'ping'}"],
    ['NUL byte inside', Buffer.from('{"jsonrpc":"2.0","id":3,\u0000"method":"ping"}', 'latin1')],
  ])
    await rawCase(`malformed: ${label} -> 400 -32700`, post(body), rpcError(400, -32700, null));

  await rawCase('malformed: empty body -> 400 -32700', post(''), rpcError(400, -32700, null));
  await rawCase('malformed: whitespace-only body -> 400 -32700', post('   \r\n\t'), rpcError(400, -32700, null));

  // Invalid UTF-8.
  const echoRaw = (id, bytes) =>
    Buffer.concat([
      Buffer.from(`{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo","arguments":{"text":"`),
      Buffer.from(bytes),
      Buffer.from('"}}}'),
    ]);
  for (const [label, bytes] of [
    ['C3 28', [0xc3, 0x28]],
    ['overlong C0 AF', [0xc0, 0xaf]],
    ['surrogate ED A0 80', [0xed, 0xa0, 0x80]],
    ['byte FF', [0xff]],
  ])
    await rawCase(`utf-8: invalid ${label} -> 400 -32700`, post(echoRaw(50, bytes)), rpcError(400, -32700, null));

  // Duplicate keys, depth.
  await rawCase('duplicate: "id" twice -> 400 -32700', post('{"jsonrpc":"2.0","id":5,"id":6,"method":"ping"}'), rpcError(400, -32700, null));
  await rawCase(
    'duplicate: "method" twice -> 400 -32700',
    post('{"jsonrpc":"2.0","id":7,"method":"ping","method":"tools/list"}'),
    rpcError(400, -32700, null),
  );
  await rawCase(
    'depth: params nested 100 levels -> 400 -32700',
    post(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'echo', arguments: nested(100) } })),
    rpcError(400, -32700, null),
  );
  await rawCase('depth: 100000 open brackets -> 400 -32700', post('['.repeat(100_000)), rpcError(400, -32700, null));

  // Wrong JSON-RPC shapes: -32600 (a malformed message is refused with 400).
  for (const [label, body, id] of [
    ['batch of one', '[{"jsonrpc":"2.0","id":10,"method":"ping"}]', null],
    ['batch of two', '[{"jsonrpc":"2.0","id":11,"method":"ping"},{"jsonrpc":"2.0","id":12,"method":"ping"}]', null],
    ['empty batch', '[]', null],
    ['missing jsonrpc', '{"id":13,"method":"ping"}', 13],
    ['jsonrpc "1.0"', '{"jsonrpc":"1.0","id":14,"method":"ping"}', 14],
    ['method not a string', '{"jsonrpc":"2.0","id":15,"method":42}', 15],
    ['id an object', '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', null],
    ['id a bool', '{"jsonrpc":"2.0","id":true,"method":"ping"}', null],
    ['id 1.5', '{"jsonrpc":"2.0","id":1.5,"method":"ping"}', null],
    ['id null', '{"jsonrpc":"2.0","id":null,"method":"ping"}', null],
    ['params an array', '{"jsonrpc":"2.0","id":16,"method":"ping","params":[]}', 16],
    ['a number', '42', null],
    ['null', 'null', null],
  ])
    await rawCase(`shape: ${label} -> 400 -32600`, post(body), rpcError(400, -32600, id));

  // A 2025-03-26 session may batch: one array answers the requests of the batch.
  await step('shape: a batch in a 2025-03-26 session -> 200 with an array of replies', 'a batch of two pings and a notification', async () => {
    const init = await fetch(`http://127.0.0.1:${port}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: ACCEPT },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'old', version: '1' } } }),
    });
    const sid = init.headers.get('mcp-session-id');
    if ((await init.json()).result?.protocolVersion !== '2025-03-26') throw new CaseFailure('expected 2025-03-26 negotiated');
    const got = await raw(post('[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},{"jsonrpc":"2.0","id":2,"method":"ping"}]',
      { session: sid, headers: { 'MCP-Protocol-Version': '2025-03-26' } }));
    expectStatus(got, 200);
    const replies = jsonBody(got);
    if (!Array.isArray(replies) || replies.length !== 2 || replies[0].id !== 1 || replies[1].id !== 2)
      throw new CaseFailure(`expected two replies in an array; got ${describeGot(got)}`);
    const quiet = await raw(post('[{"jsonrpc":"2.0","method":"notifications/initialized"}]', { session: sid, headers: { 'MCP-Protocol-Version': '2025-03-26' } }));
    expectStatus(quiet, 202);
  });

  // Unknown methods: a well-formed request, answered 200 with -32601.
  await rawCase('method: unknown resources/teleport -> 200 -32601', post('{"jsonrpc":"2.0","id":20,"method":"resources/teleport"}'), rpcError(200, -32601, 20));
  await rawCase('method: empty name -> 200 -32601', post('{"jsonrpc":"2.0","id":"s21","method":""}'), rpcError(200, -32601, 's21'));

  // Notifications and responses: 202 with an empty body.
  const expect202 = (got) => {
    expectStatus(got, 202);
    if (got.response.body !== '') throw new CaseFailure('expected an empty body');
  };
  await rawCase('notification: notifications/initialized -> 202, empty', post('{"jsonrpc":"2.0","method":"notifications/initialized"}'), expect202);
  await rawCase('notification: unknown notification -> 202, empty', post('{"jsonrpc":"2.0","method":"notifications/teleported"}'), expect202);
  await rawCase('response: a JSON-RPC result POSTed -> 202, empty', post('{"jsonrpc":"2.0","id":"never-sent","result":{}}'), expect202);
  await rawCase(
    'response: a JSON-RPC error POSTed -> 202, empty',
    post('{"jsonrpc":"2.0","id":99,"error":{"code":-1,"message":"x"}}'),
    expect202,
  );

  // Sizes.
  {
    const pad = 5 * 1024 * 1024;
    const head = '{"jsonrpc":"2.0","id":30,"method":"ping","params":{"pad":"';
    const body = Buffer.from(head + 'x'.repeat(pad - head.length - 3) + '"}}');
    await rawCase(`size: 5 MiB body (limit ${BODY_LIMIT}) -> 413`, post(body), (got) => expectStatus(got, 413));
  }
  // The same through fetch, as a real client sends it: the whole body, then read the answer.
  await step(`size: 5 MiB body through fetch -> 413`, '(fetch POST, Content-Length 5242880, a ping padded to 5 MiB)', async () => {
    const head = '{"jsonrpc":"2.0","id":30,"method":"ping","params":{"pad":"';
    const body = head + 'x'.repeat(5 * 1024 * 1024 - head.length - 3) + '"}}';
    let res;
    try {
      res = await fetch(`http://127.0.0.1:${port}/mcp`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: ACCEPT, 'Mcp-Session-Id': sessionId, 'MCP-Protocol-Version': PROTOCOL_VERSION },
        body,
        signal: AbortSignal.timeout(CASE_TIMEOUT_MS),
      });
    } catch (e) {
      throw new CaseFailure(`expected HTTP 413; got ${e.message}${e.cause ? ` (${e.cause.code ?? e.cause.message})` : ''}`);
    }
    const text = await res.text();
    if (res.status !== 413) throw new CaseFailure(`expected HTTP 413; got HTTP ${res.status} ${show(text)}`);
  });
  {
    const pad = BODY_LIMIT - 64;
    const head = '{"jsonrpc":"2.0","id":31,"method":"ping","params":{"pad":"';
    const body = Buffer.from(head + 'x'.repeat(pad - head.length - 3) + '"}}');
    await rawCase('size: a body just under the limit is served -> 200', post(body), (got) => {
      expectStatus(got, 200);
      if (jsonBody(got).id !== 31) throw new CaseFailure('expected the ping answered');
    });
  }
  await rawCase('size: a 20 KiB header -> 431', post('{"jsonrpc":"2.0","id":32,"method":"ping"}', { headers: { 'X-Padding': 'p'.repeat(20 * 1024) } }), (got) =>
    expectStatus(got, 431),
  );
  await rawCase(
    'size: 1000 headers of 30 bytes -> 431',
    Buffer.concat([
      Buffer.from(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`),
      Buffer.from(Array.from({ length: 1000 }, (_, i) => `X-H${String(i).padStart(4, '0')}: ${'v'.repeat(20)}\r\n`).join('')),
      Buffer.from('Content-Length: 2\r\n\r\n{}'),
    ]),
    (got) => expectStatus(got, 431),
  );

  // A Content-Length that lies: more declared than sent, then the client goes away.
  await step(
    'body: Content-Length 1000 with 40 bytes sent, then the client closes',
    showSent(post('{"jsonrpc":"2.0","id":33,"method":"ping"}', { headers: { 'Content-Length': '1000' } })),
    async () => {
      await raw(post('{"jsonrpc":"2.0","id":33,"method":"ping"}', { headers: { 'Content-Length': '1000' } }), {
        destroyAfterWrite: true,
      });
    },
  );
  await step(
    'body: Content-Length 1000 with 40 bytes sent, then the client half-closes (no answer expected, no hang)',
    showSent(post('{"jsonrpc":"2.0","id":34,"method":"ping"}', { headers: { 'Content-Length': '1000' } })),
    async () => {
      const got = await raw(post('{"jsonrpc":"2.0","id":34,"method":"ping"}', { headers: { 'Content-Length': '1000' } }), {
        endAfterWrite: true,
        waitClose: true,
      });
      if (got.timedOut) throw new CaseFailure(`the server kept the connection open; got ${describeGot(got)}`);
      if (got.response && got.response.status === 200) throw new CaseFailure(`a truncated body was served; got ${describeGot(got)}`);
    },
  );
  await rawCase(
    'body: Content-Length smaller than the body (the rest is a second, garbage request)',
    post('{"jsonrpc":"2.0","id":35,"method":"ping"}GARBAGE', {
      headers: { 'Content-Length': String('{"jsonrpc":"2.0","id":35,"method":"ping"}'.length), Connection: 'keep-alive' },
    }),
    (got) => {
      expectStatus(got, 200);
      if (jsonBody(got).id !== 35) throw new CaseFailure('expected the ping answered');
    },
  );
  await rawCase('body: negative Content-Length -> 400 or closed', post('{}', { headers: { 'Content-Length': '-5' } }), (got) => {
    if (got.timedOut || (got.response && got.response.status !== 400)) throw new CaseFailure('expected 400 or a closed connection');
  });
  await rawCase(
    'body: two different Content-Length headers -> 400 or closed',
    Buffer.from(`POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nAccept: ${ACCEPT}\r\nMcp-Session-Id: ${sessionId}\r\nContent-Length: 10\r\nContent-Length: 41\r\n\r\n{"jsonrpc":"2.0","id":36,"method":"ping"}`),
    (got) => {
      if (got.timedOut || (got.response && got.response.status !== 400)) throw new CaseFailure('expected 400 or a closed connection');
    },
  );

  // Chunked request bodies.
  {
    const headers = { 'Content-Length': null, 'Transfer-Encoding': 'chunked' };
    const msg = '{"jsonrpc":"2.0","id":37,"method":"ping"}';
    const chunks = [msg.slice(0, 5), msg.slice(5, 20), msg.slice(20)];
    const body = chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('') + '0\r\n\r\n';
    const bytes = post(body, { headers });
    await rawCase('chunked: a ping in three chunks -> 200', bytes, (got) => {
      expectStatus(got, 200);
      const m = jsonBody(got);
      if (m.id !== 37 || !m.result) throw new CaseFailure('expected the ping answered');
    });
    const head = request({ body: '', headers });
    const headOnly = head.subarray(0, head.length);
    await rawCase(
      'chunked: chunks sent in separate writes with pauses -> 200',
      [headOnly, ...chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).flatMap((c) => [c, 50]), '0\r\n\r\n'],
      (got) => {
        expectStatus(got, 200);
        if (jsonBody(got).id !== 37) throw new CaseFailure('expected the ping answered');
      },
    );
    // 5 MiB in 1 MiB chunks: the body limit applies to chunked bodies too.
    const big = Buffer.alloc(1024 * 1024, 0x20);
    const pieces = [request({ body: '', headers })];
    for (let i = 0; i < 5; ++i) pieces.push(Buffer.concat([Buffer.from('100000\r\n'), big, Buffer.from('\r\n')]));
    pieces.push('0\r\n\r\n');
    await rawCase('chunked: 5 MiB in 1 MiB chunks -> 413', pieces, (got) => expectStatus(got, 413));
    await rawCase('chunked: a bad chunk size -> 400 or closed', post('zz\r\nabc\r\n0\r\n\r\n', { headers }), (got) => {
      if (got.timedOut || (got.response && got.response.status !== 400)) throw new CaseFailure('expected 400 or a closed connection');
    });
  }

  // Not HTTP at all.
  for (const [label, bytes] of [
    ['binary garbage', Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0xff, 0x00, 0x0d, 0x0a, 0x0d, 0x0a])],
    ['a line of text', 'hello there, are you a server?\r\n\r\n'],
    ['a JSON message without HTTP', '{"jsonrpc":"2.0","id":1,"method":"ping"}\n\r\n\r\n'],
    ['NUL bytes', Buffer.alloc(4096, 0)],
  ])
    await rawCase(`garbage: ${label} -> closed (or 400)`, bytes, (got) => {
      if (got.timedOut) throw new CaseFailure('expected the connection closed');
      if (got.response && got.response.status !== 400) throw new CaseFailure('expected the connection closed or a 400');
    }, { endAfterWrite: true });

  // Odd request lines.
  await rawCase('request line: unknown method FROBNICATE -> 405 or 501', request({ method: 'FROBNICATE', body: '{}' }), (got) => expectStatus(got, [405, 501]));
  await rawCase('request line: an 8000-character method -> 4xx/501 or closed', request({ method: 'X'.repeat(8000), body: '{}' }), (got) => {
    if (got.timedOut) throw new CaseFailure('expected an answer or a closed connection');
    if (got.response && !(got.response.status >= 400 && got.response.status < 600 && got.response.status !== 500))
      throw new CaseFailure('expected a 4xx or 501');
  });
  await rawCase('request line: a method with a control character -> 400 or closed', request({ method: 'PO\u0001ST', body: '{}' }), (got) => {
    if (got.timedOut || (got.response && got.response.status !== 400)) throw new CaseFailure('expected 400 or a closed connection');
  });
  await rawCase('request line: HTTP/9.9 -> 400/505 or closed', request({ version: 'HTTP/9.9', body: '{"jsonrpc":"2.0","id":38,"method":"ping"}' }), (got) => {
    if (got.timedOut || (got.response && ![400, 505].includes(got.response.status))) throw new CaseFailure('expected 400, 505 or a closed connection');
  });

  // Sessions.
  const pingBody = (id) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' });
  await rawCase('session: unknown Mcp-Session-Id -> 404', post(pingBody(40), { session: '0123456789abcdef0123456789abcdef' }), (got) => expectStatus(got, 404));
  await rawCase('session: an absurd Mcp-Session-Id -> 404', post(pingBody(41), { session: '../../etc/passwd' + 'x'.repeat(2000) }), (got) => expectStatus(got, 404));
  await rawCase('session: missing Mcp-Session-Id -> 400', post(pingBody(42), { session: null }), (got) => expectStatus(got, 400));
  await rawCase('session: DELETE without Mcp-Session-Id -> 400', request({ method: 'DELETE', session: null }), (got) => expectStatus(got, 400));
  await rawCase('session: DELETE of an unknown session -> 404', request({ method: 'DELETE', session: 'ffffffffffffffffffffffffffffffff' }), (got) => expectStatus(got, 404));
  await step('session: DELETE, then reuse -> 404 for POST and DELETE', '(initialize, DELETE, POST ping, DELETE)', async () => {
    const sid = await initialize(1);
    const del = await raw(request({ method: 'DELETE', session: sid }));
    if (del.response?.status !== 200) throw new CaseFailure(`DELETE: expected 200; got ${describeGot(del)}`);
    const again = await raw(post(pingBody(43), { session: sid }));
    if (again.response?.status !== 404) throw new CaseFailure(`POST on the deleted session: expected 404; got ${describeGot(again)}`);
    const del2 = await raw(request({ method: 'DELETE', session: sid }));
    if (del2.response?.status !== 404) throw new CaseFailure(`second DELETE: expected 404; got ${describeGot(del2)}`);
  });

  // Headers.
  await rawCase('header: MCP-Protocol-Version 1999-01-01 -> 400', post(pingBody(44), { headers: { 'MCP-Protocol-Version': '1999-01-01' } }), (got) => expectStatus(got, 400));
  await rawCase('header: Host evil.example -> 403', post(pingBody(45), { headers: { Host: 'evil.example' } }), (got) => expectStatus(got, 403));
  await rawCase('header: Host localhost.evil.example:80 -> 403', post(pingBody(46), { headers: { Host: `localhost.evil.example:${port}` } }), (got) => expectStatus(got, 403));
  await rawCase('header: no Host (HTTP/1.1) -> 400 or 403', post(pingBody(47), { headers: { Host: null } }), (got) => expectStatus(got, [400, 403]));
  await rawCase('header: Origin http://evil.example -> 403', post(pingBody(48), { headers: { Origin: 'http://evil.example' } }), (got) => expectStatus(got, 403));
  await rawCase('header: Origin null -> 403', post(pingBody(49), { headers: { Origin: 'null' } }), (got) => expectStatus(got, 403));
  await rawCase('header: Origin http://localhost is accepted -> 200', post(pingBody(50), { headers: { Origin: `http://localhost:${port}` } }), (got) => {
    expectStatus(got, 200);
    if (jsonBody(got).id !== 50) throw new CaseFailure('expected the ping answered');
  });
  await rawCase('header: Content-Type text/plain -> 415', post(pingBody(51), { headers: { 'Content-Type': 'text/plain' } }), (got) => expectStatus(got, 415));
  await rawCase('header: no Content-Type -> 415', post(pingBody(52), { headers: { 'Content-Type': null } }), (got) => expectStatus(got, 415));
  await rawCase('header: Accept application/json only -> 406', post(pingBody(53), { headers: { Accept: 'application/json' } }), (got) => expectStatus(got, 406));
  await rawCase('header: no Accept -> 406', post(pingBody(54), { headers: { Accept: null } }), (got) => expectStatus(got, 406));

  // Methods and paths.
  const getStream = (headers = {}, extra = {}) =>
    request({ method: 'GET', headers: { 'Content-Type': null, 'Content-Length': null, Accept: 'text/event-stream', ...headers }, ...extra });
  const primed = (buf) => /data: \n\n/.test(buf.toString('latin1'));
  await rawCase('get: GET opens the session stream with a priming event', getStream(), (got) => {
    const text = got.received.toString('latin1');
    if (!/^HTTP\/1\.1 200/.test(text) || !/content-type: text\/event-stream/i.test(text))
      throw new CaseFailure('expected 200 text/event-stream');
    if (!/\r\nid: 0-\d+\nretry: \d+\ndata: \n\n/.test(text)) throw new CaseFailure('expected a priming event (id 0-n, retry, empty data)');
  }, { until: primed });
  await step('get: a second GET stream of the session -> 409', 'two GETs on one session', async () => {
    const first = await openStream(getStream());
    try {
      const got = await raw(getStream());
      if (got.response?.status !== 409) throw new CaseFailure(`expected 409; got ${describeGot(got)}`);
    } finally {
      first.sock.destroy();
    }
    // Once the first stream's client is gone, the session's stream can be opened again.
    await new Promise((r) => setTimeout(r, 500));
    const again = await openStream(getStream());
    again.sock.destroy();
  });
  await rawCase('get: Accept application/json -> 406', getStream({ Accept: 'application/json' }), (got) => expectStatus(got, 406));
  await rawCase('get: no session id -> 400', getStream({ 'Mcp-Session-Id': null }), (got) => expectStatus(got, 400));
  await rawCase('get: unknown session -> 404', getStream({ 'Mcp-Session-Id': 'f'.repeat(32) }), (got) => expectStatus(got, 404));
  for (const id of ['garbage', '99-1', '-1', '1-', '0-x', '18446744073709551616-1'])
    await rawCase(`get: Last-Event-ID ${id} -> 404`, getStream({ 'Last-Event-ID': id }), (got) => expectStatus(got, 404));
  await rawCase('get: Last-Event-ID 0-0 resumes the session stream', getStream({ 'Last-Event-ID': '0-0' }), (got) => {
    if (got.response?.status !== undefined && got.response.status !== 200) throw new CaseFailure('expected 200');
    if (!/^HTTP\/1\.1 200/.test(got.received.toString('latin1'))) throw new CaseFailure('expected 200');
  }, { until: primed });
  await rawCase('method: PUT -> 405 with Allow', request({ method: 'PUT', body: pingBody(55) }), (got) => {
    expectStatus(got, 405);
    if (!got.response.headers.allow) throw new CaseFailure('expected an Allow header');
  });
  await rawCase('path: POST /other -> 404', request({ path: '/other', body: pingBody(56) }), (got) => expectStatus(got, 404));
  await rawCase('path: POST /mcp/ -> 404', request({ path: '/mcp/', body: pingBody(57) }), (got) => expectStatus(got, 404));
  await rawCase('path: POST /mcp?x=1 is the endpoint -> 200', request({ path: '/mcp?x=1', body: pingBody(58) }), (got) => {
    expectStatus(got, 200);
    if (jsonBody(got).id !== 58) throw new CaseFailure('expected the ping answered');
  });
  await rawCase('path: absolute-form target -> 200 or 404', request({ path: `http://127.0.0.1:${port}/mcp`, body: pingBody(59) }), (got) => expectStatus(got, [200, 404]));

  // Keep-alive: several requests on one connection, pipelined.
  await rawCase(
    'keep-alive: three pipelined pings on one connection -> three 200',
    Buffer.concat([
      post(pingBody(60), { headers: { Connection: 'keep-alive' } }),
      post(pingBody(61), { headers: { Connection: 'keep-alive' } }),
      post(pingBody(62)),
    ]),
    (got) => {
      const text = got.received.toString('utf8');
      const ids = [...text.matchAll(/"id":(\d+)/g)].map((m) => Number(m[1]));
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
      if (JSON.stringify(ids) !== '[60,61,62]' || JSON.stringify(statuses) !== '[200,200,200]')
        throw new CaseFailure(`expected 3 x 200 with ids 60, 61, 62; got statuses ${statuses} ids ${ids}`);
    },
    { waitClose: true },
  );

  // Concurrency: 100 pings on the same session at once, each on its own connection.
  await step('concurrency: 100 concurrent pings on one session -> 100 x 200, each id once', '(100 x POST ping, ids c0..c99)', async () => {
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => raw(post(pingBody(`c${i}`)))));
    const seen = new Map();
    const bad = [];
    results.forEach((got, i) => {
      if (got.response?.status !== 200) return bad.push(`c${i}: ${describeGot(got)}`);
      let m;
      try {
        m = JSON.parse(got.response.body);
      } catch {
        return bad.push(`c${i}: body not JSON ${show(got.response.body)}`);
      }
      if (m.id !== `c${i}` || !m.result) bad.push(`c${i}: got ${show(got.response.body)}`);
      seen.set(m.id, (seen.get(m.id) ?? 0) + 1);
    });
    for (const [id, n] of seen) if (n !== 1) bad.push(`id ${id} answered ${n} times`);
    if (bad.length) throw new CaseFailure(`${bad.length} bad: ${bad.slice(0, 5).join(' | ')}`);
  });

  await step('concurrency: 50 sessions initialized at once, then all DELETEd', '(50 x initialize, 50 x ping, 50 x DELETE, 1 x ping on a deleted one)', async () => {
    const inits = await Promise.all(Array.from({ length: 50 }, (_, i) => raw(request({ session: null, body: initBody(`i${i}`) }))));
    const sids = [];
    const bad = [];
    inits.forEach((got, i) => {
      const sid = got.response?.headers['mcp-session-id'];
      if (got.response?.status !== 200 || !sid) bad.push(`init ${i}: ${describeGot(got)}`);
      else sids.push(sid);
    });
    if (new Set(sids).size !== sids.length) bad.push('two sessions got the same id');
    if (bad.length) throw new CaseFailure(`${bad.length} bad: ${bad.slice(0, 5).join(' | ')}`);
    const pings = await Promise.all(sids.map((sid, i) => raw(post(pingBody(`p${i}`), { session: sid }))));
    pings.forEach((got, i) => {
      if (got.response?.status !== 200) bad.push(`ping ${i}: ${describeGot(got)}`);
    });
    const dels = await Promise.all(sids.map((sid) => raw(request({ method: 'DELETE', session: sid }))));
    dels.forEach((got, i) => {
      if (got.response?.status !== 200) bad.push(`DELETE ${i}: ${describeGot(got)}`);
    });
    const after = await raw(post(pingBody('after'), { session: sids[0] }));
    if (after.response?.status !== 404) bad.push(`ping on a deleted session: ${describeGot(after)}`);
    if (bad.length) throw new CaseFailure(`${bad.length} bad: ${bad.slice(0, 5).join(' | ')}`);
  });

  // Slowloris: 20 connections that send half a request line and stall.
  await step('slowloris: 20 stalled half request lines, a normal ping still works', '(20 x "POST /mc" then nothing)', async () => {
    openSockets = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise((resolve, reject) => {
            const s = net.connect(port, '127.0.0.1', () => s.write('POST /mc', () => resolve(s)));
            s.on('error', () => {});
            s.on('close', () => {});
            setTimeout(() => reject(new CaseFailure('could not open the stalled connections')), CASE_TIMEOUT_MS);
          }),
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    await pingOk();
    // A second session opens while they stall, too.
    const sid = await initialize(2);
    await pingOk(sid);
    for (const s of openSockets) s.destroy();
    openSockets = [];
  });

  // Slow but honest: a request sent a few bytes at a time is served.
  {
    const bytes = post(pingBody(70));
    const pieces = [];
    for (let i = 0; i < bytes.length; i += 40) pieces.push(bytes.subarray(i, i + 40), 5);
    await rawCase('slow: a ping sent 40 bytes at a time -> 200', pieces, (got) => {
      expectStatus(got, 200);
      if (jsonBody(got).id !== 70) throw new CaseFailure('expected the ping answered');
    });
  }

  // A SSE response the client drops in the middle: the server must carry on.
  await step(
    'sse: a slow_count call whose client disconnects mid-stream',
    showSent(post(JSON.stringify({ jsonrpc: '2.0', id: 71, method: 'tools/call', params: { name: 'slow_count', arguments: { steps: 10, delayMs: 100 }, _meta: { progressToken: 't71' } } }))),
    async () => {
      const bytes = post(JSON.stringify({ jsonrpc: '2.0', id: 71, method: 'tools/call', params: { name: 'slow_count', arguments: { steps: 10, delayMs: 100 }, _meta: { progressToken: 't71' } } }));
      const got = await raw(bytes, { timeout: 350 });
      if (!got.received.toString('latin1').startsWith('HTTP/1.1 200')) throw new CaseFailure(`expected an SSE stream to start; got ${describeGot(got)}`);
      await new Promise((r) => setTimeout(r, 1200)); // the handler goes on writing to a closed socket
    },
  );
} catch (e) {
  if (!failures.length || !(e instanceof Error && e.message === 'cannot go on without a session'))
    failures.push(`(the run itself)\n    problem: ${e.stack ?? e}`);
} finally {
  for (const s of openSockets) s.destroy();
  // SIGTERM: the server must exit 0 within 5 s.
  if (child && !exited) {
    ++caseCount;
    child.kill('SIGTERM');
    const ok = await waitExit(EXIT_TIMEOUT_MS);
    if (!ok) failures.push(`shutdown: SIGTERM\n    problem: the server did not exit within ${EXIT_TIMEOUT_MS / 1000} s`);
    else if (exited.code !== 0) failures.push(`shutdown: SIGTERM\n    problem: the server exited with code ${exited.code}, signal ${exited.signal}`);
    else console.error('ok   shutdown: SIGTERM -> exit 0');
  } else if (child && exited) failures.push(`shutdown\n    problem: the server had already exited (code ${exited.code}, signal ${exited.signal})`);
  if (child && !exited) child.kill('SIGKILL');
}

if (failures.length) {
  console.error(`hostile_http: ${failures.length} of ${caseCount} cases FAILED:\n  ${failures.join('\n  ')}`);
  if (stderrText) console.error(`--- server stderr (last part) ---\n${stderrText.slice(-4000)}`);
  process.exit(1);
}
console.log(`hostile_http: ${caseCount} cases, server alive`);
process.exit(0);

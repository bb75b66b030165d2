// What many idle Streamable HTTP sessions cost a warden server in memory.
//
// Starts examples/bench_server on a free loopback port, opens N sessions (initialize, then
// notifications/initialized) over a small pool of keep-alive connections, reads the server's RSS
// from /proc at checkpoints, lets it sit idle, and checks that a sample of the sessions still
// answers tools/list. The target: 10,000 idle sessions in at most 160 MiB of RSS.
//
//   node benchmarks/idle_sessions.mjs [--server PATH] [--sessions 10000] [--pipeline minimal|full]
//        [--concurrency 4] [--timeout-s 300] [--out idle-sessions.json]
//   node benchmarks/idle_sessions.mjs --smoke     200 sessions
//
// Linux only (/proc/PID/status). Node built-ins only. Exit status: 0 done (whether or not the target
// is met: see target_met), 1 a failed check or request, 2 bad arguments, 3 over --timeout-s.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const TARGET_MIB = 160;
const TARGET_SESSIONS = 10000;
const PROTOCOL_VERSION = '2025-11-25';
const IDLE_WAIT_MS = 2000;
const SAMPLE = 20;

function defaultServer() {
    // A Release build when there is one; build-me is the developers' everyday (unoptimized) build.
    const release = path.join(root, 'build-bench', 'examples', 'bench_server');
    return existsSync(release) ? release : path.join(root, 'build-me', 'examples', 'bench_server');
}

const { values: args } = parseArgs({
    options: {
        server: { type: 'string' },
        sessions: { type: 'string', default: String(TARGET_SESSIONS) },
        out: { type: 'string' },
        'timeout-s': { type: 'string', default: '300' },
        pipeline: { type: 'string', default: 'minimal' },
        concurrency: { type: 'string', default: '4' },
        smoke: { type: 'boolean', default: false },
    },
});

function fail(message) {
    throw new Error(message);
}

const serverPath = path.resolve(args.server ?? defaultServer());
const sessions = args.smoke ? 200 : Number(args.sessions);
const timeoutS = Number(args['timeout-s']);
const concurrency = Number(args.concurrency);
if (!Number.isInteger(sessions) || sessions < 1) {
    console.error('idle_sessions.mjs: --sessions needs a positive integer');
    process.exit(2);
}
if (!(timeoutS > 0)) {
    console.error('idle_sessions.mjs: --timeout-s needs a positive number');
    process.exit(2);
}
if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    console.error('idle_sessions.mjs: --concurrency needs an integer in 1..64');
    process.exit(2);
}
if (args.pipeline !== 'minimal' && args.pipeline !== 'full') {
    console.error('idle_sessions.mjs: --pipeline is minimal or full');
    process.exit(2);
}
if (!existsSync(serverPath)) {
    console.error(`idle_sessions.mjs: no server at ${serverPath} (build the bench_server target)`);
    process.exit(2);
}

// ---- the server process ----

let child = null;
let childExited = null; // resolves with {code, signal} once the server is gone
let stderrTail = '';
// --trace matters only for --pipeline full (it records no sessions, only calls): keep its file
// out of the working directory, and remove it at exit.
const trace = path.join(os.tmpdir(), `idle_sessions_trace_${process.pid}.jsonl`);

function startServer() {
    const argv = ['--http', '127.0.0.1:0', '--max-sessions', String(sessions + 16), '--pipeline', args.pipeline, '--trace', trace];
    child = spawn(serverPath, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    childExited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    return new Promise((resolve, reject) => {
        let settled = false;
        const timer = setTimeout(() => {
            if (!settled) ((settled = true), reject(new Error(`the server printed no port within 30 s: ${stderrTail}`)));
        }, 30000);
        // stderr is drained for the whole run (a full pipe would block the server); its tail goes into errors.
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk) => {
            stderrTail = (stderrTail + chunk).slice(-4000);
            const m = stderrTail.match(/listening on http:\/\/127\.0\.0\.1:(\d+)\//);
            if (m && !settled) {
                settled = true;
                clearTimeout(timer);
                resolve(Number(m[1]));
            }
        });
        child.on('error', (e) => {
            if (!settled) ((settled = true), clearTimeout(timer), reject(e));
        });
        childExited.then(({ code, signal }) => {
            if (!settled) ((settled = true), clearTimeout(timer), reject(new Error(`the server exited (${code ?? signal}): ${stderrTail}`)));
        });
    });
}

let stopping = null;
function stopServer() {
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    stopping ??= (async () => {
        child.kill('SIGTERM');
        const late = await Promise.race([childExited.then(() => false), sleep(5000).then(() => true)]);
        if (late) {
            child.kill('SIGKILL');
            await childExited;
        }
    })();
    return stopping;
}
// A last resort if node goes down some other way: never leave the server behind.
process.on('exit', () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(trace, { force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => {
        stopServer().finally(() => process.exit(130));
    });

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

// VmRSS: resident now; VmHWM: the peak resident; RssAnon: the heap and stacks part of it.
function memory() {
    if (child.exitCode !== null || child.signalCode !== null) fail(`the server exited: ${stderrTail}`);
    const text = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const field = (name) => {
        const m = text.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'));
        return m ? Number(m[1]) : null;
    };
    return {
        rss_kib: field('VmRSS'),
        hwm_kib: field('VmHWM'),
        rss_anon_kib: field('RssAnon'),
        threads: field('Threads'),
        server_cpu_s: cpuSeconds(),
    };
}

// The server's user + system CPU time so far, from /proc/PID/stat (in clock ticks, 100 a second
// on Linux): with the wall time it tells whether opening sessions is bound by the server.
function cpuSeconds() {
    const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "; comm may hold spaces
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime and stime, fields 14 and 15 of the line
}

// ---- HTTP ----

// A few keep-alive connections carry every request: the server spends a thread per connection,
// and sessions do not need one.
let agent = null;
let port = 0;

function post(body, headers = {}, retried = false) {
    const payload = Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
        const req = http.request(
            {
                host: '127.0.0.1',
                port,
                path: '/mcp',
                method: 'POST',
                agent,
                headers: {
                    'content-type': 'application/json',
                    accept: 'application/json, text/event-stream',
                    'content-length': payload.length,
                    ...headers,
                },
            },
            (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
                res.on('error', reject);
            },
        );
        req.on('error', (e) => {
            // Node's documented race: a kept-alive socket the server closed just as it was reused.
            // The request never reached the server, so one retry on a fresh socket is safe.
            if (req.reusedSocket && e.code === 'ECONNRESET' && !retried) resolve(post(body, headers, true));
            else reject(e);
        });
        req.end(payload);
    });
}

// The JSON-RPC messages of a reply: a JSON body, or an SSE stream's `data:` events.
function messagesOf(res) {
    const type = String(res.headers['content-type'] ?? '');
    if (type.startsWith('text/event-stream')) {
        const out = [];
        for (const event of res.body.split(/\r?\n\r?\n/)) {
            const data = event
                .split(/\r?\n/)
                .filter((l) => l.startsWith('data:'))
                .map((l) => l.slice(5).replace(/^ /, ''))
                .join('\n');
            if (data.trim()) out.push(JSON.parse(data)); // the priming event has an empty data line
        }
        return out;
    }
    return [JSON.parse(res.body)];
}

const initializeBody = (n) => ({
    jsonrpc: '2.0',
    id: n,
    method: 'initialize',
    params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'idle_sessions', version: '1.0.0' } },
});

async function openSession(n) {
    const init = await post(initializeBody(n));
    if (init.status !== 200) fail(`session ${n}: initialize answered ${init.status}: ${init.body.slice(0, 300)}`);
    const id = init.headers['mcp-session-id'];
    if (!id) fail(`session ${n}: initialize answered without Mcp-Session-Id`);
    const reply = messagesOf(init).find((m) => m.id === n);
    if (!reply?.result?.protocolVersion) fail(`session ${n}: initialize did not succeed: ${init.body.slice(0, 300)}`);
    const done = await post(
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL_VERSION },
    );
    if (done.status !== 202) fail(`session ${n}: notifications/initialized answered ${done.status}: ${done.body.slice(0, 300)}`);
    return id;
}

async function listTools(id, n) {
    const res = await post(
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL_VERSION },
    );
    if (res.status !== 200) fail(`session ${n}: tools/list answered ${res.status}: ${res.body.slice(0, 300)}`);
    const reply = messagesOf(res).find((m) => m.id === 1);
    const names = (reply?.result?.tools ?? []).map((t) => t.name);
    if (!names.includes('create_support_note')) fail(`session ${n}: tools/list lacks create_support_note: ${res.body.slice(0, 300)}`);
}

// ---- the run ----

function buildTypeOf(binary) {
    // bench_server lives in <build>/examples/; the build's cache says how it was compiled.
    try {
        const cache = readFileSync(path.join(path.dirname(binary), '..', 'CMakeCache.txt'), 'utf8');
        const m = cache.match(/^CMAKE_BUILD_TYPE:\w+=(.*)$/m);
        return m ? m[1] || '(none: no optimization flags)' : null;
    } catch {
        return null;
    }
}

async function run() {
    port = await startServer();
    await sleep(200); // let start-up settle before the baseline
    const baseline = memory();

    agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    // Checkpoints are reached exactly: each segment is opened whole before /proc is read.
    const marks = [...new Set([0.01, 0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.max(1, Math.round(f * sessions))))].sort((a, b) => a - b);
    const checkpoints = [{ sessions: 0, ...baseline, elapsed_s: 0, segment_sessions_per_s: null }];
    const ids = new Array(sessions);
    const seen = new Set();
    const started = process.hrtime.bigint();
    let opened = 0;
    for (const mark of marks) {
        const segmentStart = process.hrtime.bigint();
        const from = opened;
        let next = opened;
        const worker = async () => {
            while (next < mark) {
                const n = next++;
                const id = await openSession(n + 1);
                if (seen.has(id)) fail(`session ${n + 1}: its id ${id} was already given to another session`);
                seen.add(id);
                ids[n] = id;
            }
        };
        await Promise.all(Array.from({ length: concurrency }, worker));
        opened = mark;
        const now = process.hrtime.bigint();
        const segmentS = Number(now - segmentStart) / 1e9;
        checkpoints.push({
            sessions: mark,
            ...memory(),
            elapsed_s: round(Number(now - started) / 1e9, 3),
            segment_sessions_per_s: round((mark - from) / segmentS, 1),
        });
    }
    const openS = Number(process.hrtime.bigint() - started) / 1e9;

    // Idle: the pool's connections are closed too (their threads exit), so what stays is what the
    // sessions themselves hold, plus whatever the allocator keeps from the connection threads.
    agent.destroy();
    await sleep(IDLE_WAIT_MS);
    const idle = memory();

    // The sessions survived: a sample spread over them, the first and the last included, on fresh connections.
    agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    const picks = [...new Set(Array.from({ length: Math.min(SAMPLE, sessions) }, (_, k) =>
        Math.round((k * (sessions - 1)) / Math.max(1, Math.min(SAMPLE, sessions) - 1))))];
    for (const i of picks) await listTools(ids[i], i + 1);
    agent.destroy();
    const end = memory();

    const mib = 1024;
    const first = checkpoints[1];
    const full = checkpoints[checkpoints.length - 1];
    const result = {
        benchmark: 'idle_sessions',
        server: serverPath,
        build_type: buildTypeOf(serverPath),
        pipeline: args.pipeline,
        sessions,
        concurrency,
        baseline_rss_kib: baseline.rss_kib,
        idle_rss_kib: idle.rss_kib,
        idle_rss_mib: round(idle.rss_kib / mib, 1),
        peak_rss_kib: end.hwm_kib, // VmHWM: the highest RSS the server ever had
        idle_threads: idle.threads,
        bytes_per_session: Math.round(((idle.rss_kib - baseline.rss_kib) * 1024) / sessions),
        // The slope between the first checkpoint and the last, connections open at both: the
        // cost of one more session without the fixed cost of the pool's threads and arenas.
        marginal_bytes_per_session:
            full.sessions > first.sessions ? Math.round(((full.rss_kib - first.rss_kib) * 1024) / (full.sessions - first.sessions)) : null,
        rss_kib: Object.fromEntries(checkpoints.map((c) => [String(c.sessions), c.rss_kib])),
        checkpoints,
        open_wall_s: round(openS, 3),
        open_server_cpu_s: round(full.server_cpu_s - baseline.server_cpu_s, 2),
        sessions_per_s: round(sessions / openS, 1),
        sampled_sessions_ok: picks.length,
        target: { sessions: TARGET_SESSIONS, rss_mib: TARGET_MIB },
        // The target is about 10,000 sessions; a smaller run says nothing about it.
        target_met: sessions >= TARGET_SESSIONS ? idle.rss_kib <= TARGET_MIB * mib : null,
        node: process.version,
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cpus: os.cpus().length,
        loadavg_1m: round(os.loadavg()[0], 2), // other work on the machine skews the timings, not the memory
        date: new Date().toISOString(),
    };
    return result;
}

function round(x, digits) {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}

let timedOut = false;
const deadline = setTimeout(() => {
    timedOut = true;
    console.error(`idle_sessions.mjs: the run took longer than ${timeoutS} s`);
    stopServer().finally(() => process.exit(3));
}, timeoutS * 1000);

try {
    const result = await run();
    if (timedOut) await new Promise(() => {}); // the deadline handler is exiting
    await stopServer();
    clearTimeout(deadline);
    const text = JSON.stringify(result, null, 2);
    console.log(text);
    if (args.out) writeFileSync(args.out, text + '\n');
    process.exit(0);
} catch (e) {
    if (timedOut) await new Promise(() => {});
    console.error(`idle_sessions.mjs: ${e.message}`);
    agent?.destroy();
    await stopServer();
    clearTimeout(deadline);
    process.exit(1);
}

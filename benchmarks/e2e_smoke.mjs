#!/usr/bin/env node
// The end-to-end benchmark at a tiny scale, for CI: the kit's load driver (../shared/bench/load.mjs)
// against bench_server with both pipelines, over stdio and HTTP, valid and invalid calls. It
// checks that every run completes and passes its own check (no error; every invalid call
// rejected); it asserts no timing.
//
//   node benchmarks/e2e_smoke.mjs --kit DIR --server PATH/bench_server [--floor PATH/http_floor]
// Exits 77 (skipped) when the kit is not there.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { kit: { type: 'string' }, server: { type: 'string' }, floor: { type: 'string' } } });
const load = args.kit && path.join(args.kit, 'load.mjs');
if (!load || !existsSync(load)) {
    console.error(`e2e_smoke: no load driver at ${load}: skipped`);
    process.exit(77);
}
const freePort = () => new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const dir = mkdtempSync(path.join(tmpdir(), 'warden-e2e-smoke-'));
let failed = 0;
try {
    for (const pipeline of ['minimal', 'full', ...(args.floor ? ['floor'] : [])]) {
        const server = [args.server, '--pipeline', pipeline, '--trace', path.join(dir, 'trace.jsonl')];
        // --floor: the null server benchmarks/run measures beside warden (http_floor.cpp), valid calls over HTTP.
        const runs = pipeline === 'floor' ? [
            ['--url', 'http://127.0.0.1:{port}/mcp', '--n', '100', '--depth', '16', '--http-client', 'node', '--', args.floor, '{port}'],
        ] : [
            ['--n', '300', '--depth', '8', '--', ...server, '--stdio'],
            ['--n', '100', '--depth', '8', '--invalid', '--', ...server, '--stdio'],
            ['--url', 'http://127.0.0.1:{port}/mcp', '--n', '100', '--depth', '4', '--http-client', 'node', '--', ...server, '--http', '127.0.0.1:{port}'],
            ['--url', 'http://127.0.0.1:{port}/mcp', '--n', '50', '--depth', '4', '--invalid', '--', ...server, '--http', '127.0.0.1:{port}'],
        ];
        for (const [k, run] of runs.entries()) {
            const port = String(await freePort());
            const argv = run.map((a) => a.replaceAll('{port}', port));
            const r = spawnSync(process.execPath, [load, '--timeout-s', '60', ...argv], { encoding: 'utf8', timeout: 90000 });
            const line = (r.stdout ?? '').trim().split('\n').pop();
            let result = {};
            try { result = JSON.parse(line); } catch { /* reported below */ }
            const ok = r.status === 0 && (run.includes('--invalid') ? result.rejected === result.n : result.errors === 0);
            const brief = ['transport', 'n', 'depth', 'invalid', 'calls_per_s', 'errors', 'rejected'].map((f) => `${f} ${result[f]}`).join(', ');
            console.log(`${ok ? 'ok  ' : 'FAIL'} ${pipeline} run ${k + 1}: exit ${r.status}, ${brief}`);
            if (!ok) {
                failed++;
                console.log(line, r.stderr);
            }
        }
    }
} finally {
    rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

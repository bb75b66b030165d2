#!/usr/bin/env node
// The official MCP conformance suite (@modelcontextprotocol/conformance, pinned in package.json)
// against everything_server over Streamable HTTP:
//   node tests/interop/conformance.mjs --server build/examples/everything_server
// Runs every server scenario the suite lists, the pending ones included (--suite all), and
// fails on any check that is not SUCCESS or INFO: a warning counts as a failure here, and there
// is no expected-failures file.

import { spawn, execFileSync } from 'node:child_process';
import { startServer } from './lib/server.mjs';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
if (!existsSync(cli)) {
  console.error(`conformance.mjs: @modelcontextprotocol/conformance is missing; run \`npm ci\` in ${root}`);
  process.exit(1);
}
const at = process.argv.indexOf('--server');
const serverPath = at >= 0 ? process.argv[at + 1] : undefined;
if (!serverPath) {
  console.error('usage: conformance.mjs --server PATH');
  process.exit(2);
}

// What the suite says a server must pass: every server scenario it lists.
const listed = execFileSync(process.execPath, [cli, 'list', '--server'], { encoding: 'utf8' })
  .split('\n')
  .map((l) => l.match(/^\s+- (\S+)/)?.[1])
  .filter(Boolean);
if (listed.length < 30) {
  console.error(`conformance.mjs: expected the suite to list at least 30 server scenarios, got ${listed.length}`);
  process.exit(1);
}

const { server, port, stderr: serverStderr } = await startServer(serverPath, ['--http', '127.0.0.1:0']);

const out = mkdtempSync(path.join(tmpdir(), 'warden-conformance-'));
let failed = false;
try {
  // localhost: the DNS-rebinding scenario needs a loopback name it can vary.
  const run = spawn(process.execPath, [cli, 'server', '--url', `http://localhost:${port}/mcp`, '--suite', 'all', '-o', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  run.stdout.on('data', (d) => (log += d));
  run.stderr.on('data', (d) => (log += d));
  const code = await new Promise((resolve) => run.on('exit', (c) => resolve(c)));

  const seen = new Map(); // scenario -> checks
  for (const dir of readdirSync(out)) {
    const m = dir.match(/^server-(.+)-\d{4}-\d{2}-\d{2}T/);
    const file = path.join(out, dir, 'checks.json');
    if (m && existsSync(file)) seen.set(m[1], JSON.parse(readFileSync(file, 'utf8')));
  }
  const problems = [];
  for (const name of listed) {
    const checks = seen.get(name);
    if (!checks) {
      problems.push(`${name}: no results`);
      continue;
    }
    const bad = checks.filter((c) => c.status !== 'SUCCESS' && c.status !== 'INFO');
    const passed = checks.filter((c) => c.status === 'SUCCESS').length;
    if (passed === 0) problems.push(`${name}: no check succeeded`);
    for (const c of bad) problems.push(`${name}: ${c.status} ${c.id}: ${c.errorMessage ?? c.description ?? ''}`);
    console.log(`${bad.length || passed === 0 ? 'FAIL' : 'ok  '} ${name} (${passed} checks passed)`);
  }
  if (code !== 0) problems.push(`the suite exited with code ${code}`);
  if (problems.length) {
    failed = true;
    console.error(`\nconformance: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    console.error(`\n--- suite output (last part) ---\n${log.slice(-4000)}`);
    console.error(`\n--- server stderr (last part) ---\n${serverStderr().slice(-2000)}`);
  } else {
    console.log(`conformance: all ${listed.length} server scenarios passed with no warning`);
  }
} finally {
  server.kill('SIGTERM');
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

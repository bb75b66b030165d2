// What each declared tool adds to the compile time of the translation unit that serves it.
//
// Generates tools_N.cpp for each N (N distinct, generated but realistic tools, each registered on a
// warden::server, so that schema generation, the decoder and the pipeline all instantiate), checks
// that each compiles cleanly with every compiler, then times `-std=c++20 -O2 -c` of each, repeated
// and interleaved, and fits seconds per added tool. The target: at most 0.3 s per tool.
//
//   node benchmarks/compile_time.mjs [--counts 1,10,50] [--reps 3] [--out compile-time.json]
//        [--compilers g++,clang++] [--cxxflags="..."] [--flags-from <CMake flags.make>] [--keep]
//   node benchmarks/compile_time.mjs --smoke     counts 1,2 and one rep; fails only if a compile fails

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const TARGET_S_PER_TOOL = 0.3;

const { values: args } = parseArgs({
    options: {
        counts: { type: 'string', default: '1,10,50' },
        reps: { type: 'string', default: '3' },
        out: { type: 'string', default: 'compile-time.json' },
        compilers: { type: 'string', default: 'g++,clang++' },
        cxxflags: { type: 'string' },
        'flags-from': { type: 'string' },
        smoke: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
    },
});

function fail(message) {
    console.error(`compile_time.mjs: ${message}`);
    process.exit(1);
}

const counts = (args.smoke ? '1,2' : args.counts).split(',').map(Number);
const reps = args.smoke ? 1 : Number(args.reps);
const compilers = args.compilers.split(',').filter(Boolean);
if (counts.length < 2 || counts.some((n) => !Number.isInteger(n) || n < 1) || new Set(counts).size !== counts.length)
    fail('--counts needs two or more distinct positive integers');
counts.sort((a, b) => a - b);
if (!Number.isInteger(reps) || reps < 1) fail('--reps needs a positive integer');

// ---- the flags ----
// What the CMake build gives a target linked to warden::warden: warden's include dir, and the
// defines of Boost 1.81's CMake config for Boost::json (see any flags.make under build-me/). Boost's
// headers are in /usr/include here, an implicit system dir, so CMake adds no -I for them.
// --flags-from reads CXX_DEFINES and CXX_INCLUDES from a CMake flags.make instead; --cxxflags
// replaces both (split on white space, no quoting; write --cxxflags="-I..." since the value starts with a dash).
function flagsFromCMake(file) {
    const text = readFileSync(file, 'utf8');
    const value = (name) => (text.match(new RegExp(`^${name} = (.*)$`, 'm')) ?? [])[1] ?? '';
    return [value('CXX_DEFINES'), value('CXX_INCLUDES')].join(' ').split(/\s+/).filter(Boolean);
}
const includeFlags = args.cxxflags !== undefined ? args.cxxflags.split(/\s+/).filter(Boolean)
    : args['flags-from'] ? flagsFromCMake(args['flags-from'])
    : [`-I${path.join(root, 'include')}`, '-DBOOST_CONTAINER_DYN_LINK', '-DBOOST_CONTAINER_NO_LIB',
       '-DBOOST_JSON_DYN_LINK', '-DBOOST_JSON_NO_LIB'];
const timedFlags = ['-std=c++20', '-O2', ...includeFlags];
// The check before timing: no codegen, but every warning the project's own targets treat as an error.
const checkFlags = ['-std=c++20', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', ...includeFlags];

function run(file, argv, input) {
    return spawnSync(file, argv, { encoding: 'utf8', input, maxBuffer: 64 << 20 });
}
function firstLine(file, argv) {
    const r = run(file, argv);
    return r.status === 0 ? r.stdout.split('\n')[0].trim() : '';
}
// Fails early, and records which Boost the flags find: the build requires 1.81 or later.
function boostVersion(cxx) {
    const r = run(cxx, ['-x', 'c++', '-E', '-dM', ...includeFlags, '-'], '#include <boost/version.hpp>\n');
    const v = Number((r.stdout?.match(/#define BOOST_VERSION (\d+)/) ?? [])[1]);
    if (!v) fail(`${cxx} finds no <boost/version.hpp> with ${includeFlags.join(' ')}\n${r.stderr}`);
    return `${Math.floor(v / 100000)}.${Math.floor(v / 100) % 1000}.${v % 100}`;
}

// ---- the translation units ----
// Each tool has its own input, output, enum and item types (suffixed with its index), so nothing
// instantiated for one tool is reused by another: the slope is the cost of a tool, not of a cache hit.
// The kinds cycle through the policies a real server mixes.
const kinds = [
    { verb: 'lookup', policy: 'warden::read_only, warden::required_scope<"records:read">, warden::timeout_ms<2000>' },
    { verb: 'update', policy: 'warden::mutating, warden::required_scope<"records:write">', keyFn: true },
    { verb: 'append', policy: 'warden::mutating', keyField: true },
    { verb: 'adjust', policy: 'warden::mutating, warden::requires_approval, warden::timeout_ms<60000>', keyFn: true, authorize: true },
    { verb: 'notify', policy: 'warden::external_side_effect, warden::required_scope<"notify">', keyField: true, preview: true },
];

function tool(i) {
    const k = kinds[i % kinds.length];
    const withEnum = i % 2 === 0 || i % 3 === 0; // some tools have an enum, some a nested vector, some both
    const withItems = i % 2 === 1 || i % 3 === 0;
    const fields = [
        [`warden::text<1, ${32 + (i % 7) * 8}, warden::doc<"The record identifier, like R-${i}.">>`, 'recordId'],
        [`warden::integer<1, ${1000 + i}, int, warden::doc<"How many units, at most ${1000 + i}.">>`, 'quantity'],
        [`std::optional<warden::text<1, ${200 + i}, warden::doc<"A note for the audit log.">>>`, 'comment'],
    ];
    if (withEnum) fields.push([`priority_${i}`, 'priority']);
    if (withItems)
        fields.push([`warden::field<std::vector<item_${i}>, warden::min_items<1>, warden::max_items<${10 + i % 20}>>`, 'items']);
    if (k.keyField) fields.push(['warden::idempotency_key', 'requestId']);
    if (k.preview)
        fields.push(['warden::field<std::string, warden::format<"email">, warden::max_length<254>, warden::doc<"Who to tell.">>', 'recipient']);
    const names = fields.map(([, n]) => n).join(', ');
    const outCount = k.verb === 'lookup' ? 'std::int64_t total;' : 'std::string status;';
    const outValue = k.verb === 'lookup' ? 'std::int64_t{*in.quantity}' : `"${k.verb}d"`;
    return `
// ---- tool ${i}: ${k.verb}
${withEnum ? `enum class priority_${i} { low, normal, high, urgent };
BOOST_DESCRIBE_ENUM(priority_${i}, low, normal, high, urgent)
` : ''}${withItems ? `struct item_${i} {
    warden::text<1, ${16 + (i % 16)}, warden::doc<"Stock keeping unit.">> sku;
    warden::integer<1, ${99 + i}, std::int32_t> count;
};
BOOST_DESCRIBE_STRUCT(item_${i}, (), (sku, count))
` : ''}
struct input_${i} {
${fields.map(([t, n]) => `    ${t} ${n};`).join('\n')}
};
BOOST_DESCRIBE_STRUCT(input_${i}, (), (${names}))

struct output_${i} {
    std::string recordId;
    ${outCount}
};
BOOST_DESCRIBE_STRUCT(output_${i}, (), (recordId, ${outCount.split(' ')[1].slice(0, -1)}))

struct ${k.verb}_record_${i} {
    static constexpr std::string_view name = "${k.verb}_record_${i}";
    static constexpr std::string_view description = "${k.verb[0].toUpperCase() + k.verb.slice(1)} record set ${i}; generated for the compile-time benchmark.";
    using input = input_${i};
    using output = output_${i};
    using policy = warden::policy<${k.policy}>;
${k.keyFn ? `
    static std::string idempotency_key(const input& in) { return *in.recordId + "/" + std::to_string(*in.quantity); }
` : ''}${k.authorize ? `
    warden::decision authorize(const input& in, const warden::principal& who) const {
        if (!who.has_scope("approve:${i}")) return warden::decision::deny("approvers_only", "only approvers may adjust");
        if (*in.quantity > ${500 + i}) return warden::decision::deny("too_many", "at most ${500 + i} units");
        return warden::decision::allow();
    }
` : ''}${k.preview ? `
    std::string preview(const input& in) const { return "Tell " + *in.recipient + " about " + *in.recordId; }
` : ''}
    output call(const input& in, warden::context& ctx) const {
        if (ctx.stop_requested()) throw warden::tool_error("cancelled", "The call was cancelled.");
        return {*in.recordId + (in.comment ? "+" : "-"), ${outValue}};
    }
};
`;
}

function translationUnit(n) {
    const tools = Array.from({ length: n }, (_, i) => tool(i));
    const adds = Array.from({ length: n }, (_, i) => `    server.add(gen::${kinds[i % kinds.length].verb}_record_${i}{});`);
    return `// Generated by benchmarks/compile_time.mjs: ${n} tool(s), each with its own types.
#include <warden/warden.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gen {
${tools.join('')}
} // namespace gen

int main() {
    warden::server server({.name = "compile-time", .version = "0.1.0"});
${adds.join('\n')}
    warden::serve_stdio(server);
}
`;
}

// ---- timing ----
// Wall time from here; CPU time (user + sys of the compiler and the processes it waits for, such
// as cc1plus and as) from GNU time, when the machine has it.
const gnuTime = existsSync('/usr/bin/time') && run('/usr/bin/time', ['-f', '%U', 'true']).status === 0;

function compile(cxx, flags, src, obj, timeFile) {
    const argv = [...flags, src, ...(obj ? ['-o', obj] : [])];
    const start = process.hrtime.bigint();
    const r = gnuTime ? run('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, cxx, ...argv]) : run(cxx, argv);
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) fail(`${cxx} ${argv.join(' ')} failed (status ${r.status})\n${r.stderr.slice(0, 4000)}`);
    let cpu = null;
    if (gnuTime) {
        const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
        cpu = user + sys;
    }
    return { wall, cpu };
}

const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// Least-squares slope of y over x.
function slope(xs, ys) {
    const mx = xs.reduce((a, b) => a + b) / xs.length, my = ys.reduce((a, b) => a + b) / ys.length;
    let num = 0, den = 0;
    for (let i = 0; i < xs.length; ++i) {
        num += (xs[i] - mx) * (ys[i] - my);
        den += (xs[i] - mx) ** 2;
    }
    return num / den;
}

// ---- the run ----
const dir = mkdtempSync(path.join(os.tmpdir(), 'warden-compile-time-'));
// Removed on every exit, failures included, unless --keep asks to look at the sources.
process.on('exit', () => (args.keep ? process.stderr.write(`sources kept in ${dir}\n`) : rmSync(dir, { recursive: true, force: true })));
const timeFile = path.join(dir, 'time.txt');
const sources = Object.fromEntries(counts.map((n) => {
    const file = path.join(dir, `tools_${n}.cpp`);
    writeFileSync(file, translationUnit(n));
    return [n, file];
}));

// Which warden was timed: the working tree, which may differ from the commit.
const git = (argv) => run('git', ['-C', root, ...argv]);
const source = { commit: git(['rev-parse', 'HEAD']).stdout?.trim() ?? '',
                 include_modified: (git(['status', '--porcelain', '--', 'include']).stdout ?? '').trim() !== '' };
const machine = { cpu: os.cpus()[0].model, cpus: os.cpus().length, os: `${os.type()} ${os.release()}`, loadavg_before: os.loadavg() };
const info = Object.fromEntries(compilers.map((cxx) => {
    const version = firstLine(cxx, ['--version']);
    if (!version) fail(`${cxx} --version failed; is it installed?`);
    return [cxx, { version, boost: boostVersion(cxx) }];
}));

// One compiler at a time, always: the machine has two cores and timing must not compete with itself.
for (const cxx of compilers)
    for (const n of counts) {
        process.stderr.write(`check: ${cxx} tools_${n}.cpp\n`);
        compile(cxx, checkFlags, sources[n], null, timeFile);
    }

// Interleaved: each repetition compiles every (compiler, N) once, so a slow spell on the machine
// spreads over all points instead of bending one of them.
const samples = Object.fromEntries(compilers.map((cxx) => [cxx, Object.fromEntries(counts.map((n) => [n, []]))]));
const objectBytes = {};
for (let rep = 0; rep < reps; ++rep)
    for (const n of counts)
        for (const cxx of compilers) {
            const obj = path.join(dir, `tools_${n}.${cxx.replace(/[^A-Za-z0-9]/g, '_')}.o`);
            const s = compile(cxx, [...timedFlags, '-c'], sources[n], obj, timeFile);
            samples[cxx][n].push(s);
            objectBytes[`${cxx}/${n}`] = statSync(obj).size;
            process.stderr.write(`rep ${rep + 1}/${reps}: ${cxx} N=${n}: ${s.wall.toFixed(2)} s wall` +
                                 (s.cpu === null ? '\n' : `, ${s.cpu.toFixed(2)} s cpu\n`));
        }
machine.loadavg_after = os.loadavg();

const first = counts[0], last = counts[counts.length - 1];
const results = Object.fromEntries(compilers.map((cxx) => {
    const points = counts.map((n) => {
        const walls = samples[cxx][n].map((s) => s.wall), cpus = samples[cxx][n].map((s) => s.cpu);
        return { n, wall_s: walls, cpu_s: gnuTime ? cpus : null, median_wall_s: median(walls),
                 median_cpu_s: gnuTime ? median(cpus) : null, object_bytes: objectBytes[`${cxx}/${n}`] };
    });
    const fit = (key) => points[0][key] === null ? null : {
        least_squares: slope(counts, points.map((p) => p[key])),
        endpoints: (points[points.length - 1][key] - points[0][key]) / (last - first),
    };
    const perTool = { wall: fit('median_wall_s'), cpu: fit('median_cpu_s') };
    // Met only when both estimates of the wall-time slope are within the target; a smoke run judges nothing.
    const met = Math.max(perTool.wall.least_squares, perTool.wall.endpoints) <= TARGET_S_PER_TOOL;
    return [cxx, { ...info[cxx], points, seconds_per_tool: perTool, target_met: args.smoke ? null : met }];
}));

const report = {
    generated: new Date().toISOString(),
    command: `node ${path.relative(root, fileURLToPath(import.meta.url))} ${process.argv.slice(2).join(' ')}`.trim(),
    cwd: process.cwd(),
    source,
    machine,
    flags: { timed: [...timedFlags, '-c'], check: checkFlags },
    counts, reps, smoke: args.smoke,
    target_seconds_per_tool: TARGET_S_PER_TOOL,
    endpoints: `(t${last} - t${first}) / ${last - first}`,
    compilers: results,
};
writeFileSync(args.out, JSON.stringify(report, null, 2) + '\n');

// ---- the table ----
const f = (x) => (x === null ? 'n/a' : x.toFixed(2));
const f3 = (x) => (x === null ? 'n/a' : x.toFixed(3));
console.log(`Compile time, \`-std=c++20 -O2 -c\`, median of ${reps} (wall s; cpu s in parentheses), ${machine.cpu}, ${machine.cpus} CPUs\n`);
console.log(`| compiler | ${counts.map((n) => `N=${n}`).join(' | ')} | s/tool (least squares) | s/tool ${report.endpoints} | ≤ ${TARGET_S_PER_TOOL} s/tool |`);
console.log(`|---|${counts.map(() => '---:').join('|')}|---:|---:|---|`);
for (const [cxx, r] of Object.entries(results)) {
    const cells = r.points.map((p) => `${f(p.median_wall_s)} (${f(p.median_cpu_s)})`);
    const w = r.seconds_per_tool.wall, c = r.seconds_per_tool.cpu;
    console.log(`| ${r.version} | ${cells.join(' | ')} | ${f3(w.least_squares)} (${f3(c?.least_squares ?? null)}) | ` +
                `${f3(w.endpoints)} (${f3(c?.endpoints ?? null)}) | ${args.smoke ? 'smoke run' : r.target_met ? 'met' : '**not met**'} |`);
}
console.log(`\nJSON: ${path.resolve(args.out)}`);

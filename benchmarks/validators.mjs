// The JavaScript side of the validation benchmark: ajv and zod on the same bytes as
// benchmarks/validation.cpp, each including JSON.parse. Prints the results as JSON on stdout.
//
//   node benchmarks/validators.mjs --schemas <schema_dump output> [--data <dir>]
//                                  [--min-time <seconds per repetition>] [--repetitions <n>]
//
// The timed operation starts from a JavaScript string holding the file (UTF-8 decoding is not
// timed) and ends with the verdict. Rows:
//   json_parse      JSON.parse alone: reading the bytes in JavaScript;
//   ajv             JSON.parse + an Ajv2020 validator (strict, ajv-formats), compiled once from
//                   the schema warden generates (schema_dump); ajv's default allErrors: false,
//                   so it stops at the first error;
//   ajv_all_errors  the same with allErrors: true, which reports every error as warden does;
//   zod             JSON.parse + safeParse of z.strictObject schemas with the same constraints;
//                   string lengths are counted in code points by a refine, as warden and JSON
//                   Schema count them (zod's own .min/.max count UTF-16 units);
//   zod_compiled    the same schema through z.compile(), zod's ahead-of-time compiled fast path.
//
// Before timing, every validator must accept the input and give the stated verdict on every case
// of data/cases.json; anything else aborts the run.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { z } from 'zod';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
    options: {
        schemas: { type: 'string' },
        data: { type: 'string', default: join(here, 'data') },
        'min-time': { type: 'string', default: '0.5' },
        repetitions: { type: 'string', default: '5' },
    },
});
if (!args.schemas) {
    console.error('usage: node benchmarks/validators.mjs --schemas <file> [--data <dir>] [--min-time <s>] [--repetitions <n>]');
    process.exit(2);
}
const minTimeNs = Number(args['min-time']) * 1e9;
const repetitions = Number(args.repetitions);

function die(message) {
    console.error(`validators.mjs: ${message}`);
    process.exit(1);
}

// ---- ajv, from warden's schemas ----
const schemas = JSON.parse(readFileSync(args.schemas, 'utf8'));
function ajvFor(schema, options) {
    const ajv = new Ajv2020({ strict: true, ...options });
    addFormats(ajv);
    return ajv.compile(schema);
}

// ---- zod, written by hand to mirror the same declarations ----
// Code points of a string: UTF-16 units, less one for each surrogate pair.
function codePoints(s) {
    let n = s.length;
    for (let i = 0; i < s.length; ++i) {
        const c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
            const d = s.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff) {
                --n;
                ++i;
            }
        }
    }
    return n;
}
const lengthIn = (min, max) => (s) => {
    const n = codePoints(s);
    return n >= min && n <= max;
};
const text = (min, max) => z.string().refine(lengthIn(min, max), { message: `must be ${min} to ${max} characters` });

const zodNote = z.strictObject({
    ticketId: z.string(),
    note: text(1, 2000),
});
const zodLineItem = z.strictObject({
    sku: text(0, 8).regex(/^[A-Z]{3}-[0-9]{4}$/),
    quantity: z.int32().min(1).max(1000),
    unitPrice: z.number().min(0),
    giftMessage: text(1, 200).nullable().optional(),
});
const zodAddress = z.strictObject({
    line1: text(1, 200),
    city: text(1, 100),
    country: text(0, 2).regex(/^[A-Z]{2}$/),
});
const zodOrder = z.strictObject({
    orderId: text(1, 64),
    customerEmail: z.email().refine(lengthIn(0, 254), { message: 'must be at most 254 characters' }),
    priority: z.enum(['low', 'normal', 'high']),
    items: z.array(zodLineItem).min(1).max(100),
    shipping: zodAddress.nullable().optional(),
    tags: z.record(z.string(), text(0, 100)).nullable().optional(),
    deliverBy: z.iso.date().nullable().optional(),
    warehouse: z.int().min(0).max(65535).nullable().optional(),
    loyaltyPoints: z.int32().nullable().optional(),
    couponCode: z.string().nullable().optional(),
    giftWrap: z.boolean(),
});
function zodCompiled(schema) {
    // strict: throw rather than silently fall back to the interpreter, so the row means what it says.
    return z.compile(schema, { strict: true });
}

// ---- the inputs ----
const inputs = [
    { name: 'support_note', file: 'support_note.json', schema: schemas.support_note, zod: zodNote },
    { name: 'order50', file: 'order50.json', schema: schemas.order, zod: zodOrder, cases: 'order' },
];
const allCases = JSON.parse(readFileSync(join(args.data, 'cases.json'), 'utf8'));

function applyEdit(doc, [op, pointer, value]) {
    if (pointer === '') return value;
    const tokens = pointer.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = tokens.pop();
    let at = doc;
    for (const t of tokens) at = at[Array.isArray(at) ? Number(t) : t];
    if (op === 'set') at[Array.isArray(at) ? Number(last) : last] = value;
    else if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
    return doc;
}

// ---- the timing loop ----
const now = () => process.hrtime.bigint();
function measure(fn, text) {
    let sink = 0;
    // Warm-up: long enough for V8 to optimise fn and everything it calls.
    const warmEnd = now() + BigInt(Math.round(Math.max(minTimeNs, 0.2e9)));
    for (let calls = 0; now() < warmEnd || calls < 1000; ++calls) sink += fn(text) ? 1 : 0;
    // Calibrate: the iteration count that fills one repetition.
    let iterations = 64;
    for (;;) {
        const t0 = now();
        for (let i = 0; i < iterations; ++i) sink += fn(text) ? 1 : 0;
        const ns = Number(now() - t0);
        if (ns >= minTimeNs / 4) {
            iterations = Math.max(1, Math.ceil((iterations * minTimeNs) / ns));
            break;
        }
        iterations *= 4;
    }
    const samples = [];
    for (let r = 0; r < repetitions; ++r) {
        let ok = 0;
        const t0 = now();
        for (let i = 0; i < iterations; ++i) ok += fn(text) ? 1 : 0;
        const ns = Number(now() - t0);
        if (ok !== iterations) die('a validator rejected the input while being timed');
        samples.push(ns / iterations);
        sink += ok;
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    const stddev = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, samples.length - 1));
    if (sink < 0) console.error(sink); // keeps the verdicts observable
    return { median_ns: median, mean_ns: mean, stddev_ns: stddev, min_ns: sorted[0], iterations, repetitions };
}

const results = [];
for (const input of inputs) {
    const text = readFileSync(join(args.data, input.file), 'utf8');
    const ajv = ajvFor(input.schema, {});
    const ajvAll = ajvFor(input.schema, { allErrors: true });
    const zc = zodCompiled(input.zod);
    const rows = [
        ['json_parse', (t) => JSON.parse(t) !== undefined],
        ['ajv', (t) => ajv(JSON.parse(t))],
        ['ajv_all_errors', (t) => ajvAll(JSON.parse(t))],
        ['zod', (t) => input.zod.safeParse(JSON.parse(t)).success],
        ['zod_compiled', (t) => zc.safeParse(JSON.parse(t)).success],
    ];

    // Every validator agrees with warden's verdicts before anything is timed.
    const base = JSON.parse(text);
    const cases = allCases[input.cases ?? input.name];
    for (const [name, fn] of rows) {
        if (!fn(text)) die(`${input.name}: ${name} rejects the benchmark input`);
        if (name === 'json_parse') continue;
        for (const c of cases) {
            let doc = structuredClone(base);
            for (const e of c.edits) doc = applyEdit(doc, e);
            const verdict = fn(JSON.stringify(doc));
            if (verdict !== c.valid) die(`${input.name}, case "${c.why}": ${name} ${verdict ? 'accepts' : 'rejects'} it`);
        }
    }
    console.error(`validators.mjs: ${input.name}: ${Buffer.byteLength(text)} bytes; ajv and zod agree with warden on ${cases.length} cases`);

    for (const [name, fn] of rows) {
        results.push({ input: input.name, name, bytes: Buffer.byteLength(text), ...measure(fn, text) });
        console.error(`validators.mjs: ${input.name}/${name}: ${results.at(-1).median_ns.toFixed(0)} ns`);
    }
}

const require = createRequire(import.meta.url);
const version = (pkg) => require(`${pkg}/package.json`).version;
console.log(JSON.stringify({
    node: process.version,
    v8: process.versions.v8,
    packages: { ajv: version('ajv'), 'ajv-formats': version('ajv-formats'), zod: version('zod') },
    min_time_s: minTimeNs / 1e9,
    results,
}, null, 2));

// Writes the validation benchmark's inputs into benchmarks/data/. Run once; the output is committed
// and read by both benchmarks/validation.cpp and benchmarks/validators.mjs.
//
//   node benchmarks/make_data.mjs
//
// Deterministic: no clock, no Math.random; the same script always writes the same bytes.
//
//   support_note.json  a valid desk::note_input (create_support_note's arguments)
//   order50.json       a valid shop::order with 50 line items
//   cases.json         invalid (and edge-valid) variants of both, as edits of the valid input; every
//                      validator must give each case's verdict before anything is timed, so that the
//                      hand-written decoder, ajv and zod are known to check what warden checks.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'data');
mkdirSync(dir, { recursive: true });

// A small LCG (Numerical Recipes constants) so that the order looks varied but never changes.
let state = 0x5eed1234;
function next() {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
}
const pick = (xs) => xs[Math.floor(next() * xs.length)];
const between = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));

// (a) create_support_note: a ticket id and a note of about 300 characters, as an agent writes it.
const note =
    'Customer called back about the duplicate charge on invoice INV-88213 (2 x 49.90 EUR on 14 May). ' +
    'Confirmed with billing that the second capture was a gateway retry; refund of 49.90 EUR issued ' +
    'today, reference RF-20931, expected in 3–5 business days. ' +
    'Follow up on Friday if the refund has not posted.';
const supportNote = { ticketId: 'T-104233', note };

// (b) shop::order with 50 line items. Every optional field of the order is present; line items
// carry a gift message now and then (one explicit null, as some clients send).
const products = ['KTC', 'BTH', 'GRD', 'OFF', 'TOY', 'BKS', 'ELC', 'SPT', 'PET', 'CLO'];
const prices = [2.49, 3.99, 4.5, 7.95, 9.99, 12.0, 14.49, 19.99, 24.9, 34.99, 49.0, 89.95, 129.0];
const messages = [
    'Happy birthday, Lena! Love from all of us.',
    'Congratulations on the new flat — enjoy!',
    'For the office kitchen. Thanks for a great quarter.',
    'Joyeux anniversaire, Zoë ! Bises.',
    'Get well soon. Thinking of you.',
];
const items = [];
for (let i = 0; i < 50; ++i) {
    const item = {
        sku: `${pick(products)}-${String(between(0, 9999)).padStart(4, '0')}`,
        quantity: i % 17 === 0 ? between(20, 120) : between(1, 6),
        unitPrice: pick(prices),
    };
    if (i % 6 === 2) item.giftMessage = messages[(i / 6) % messages.length | 0];
    if (i === 31) item.giftMessage = null;
    items.push(item);
}
const order = {
    orderId: 'ORD-2025-0048213',
    customerEmail: 'maria.keller@example.com',
    priority: 'high',
    items,
    shipping: { line1: 'Hauptstraße 12, 3. OG', city: 'München', country: 'DE' },
    tags: { channel: 'web', campaign: 'spring-sale-2025', segment: 'returning', 'assistant-session': 'a91f3c' },
    deliverBy: '2025-06-14',
    warehouse: 7,
    loyaltyPoints: 1250,
    couponCode: 'SPRING25',
    giftWrap: false,
};

const clone = (x) => JSON.parse(JSON.stringify(x));
const emoji = (n) => '\u{1F600}'.repeat(n); // one code point, two UTF-16 units, four UTF-8 bytes each

// Each case is { why, valid, edits }: edits are ["set", pointer, value] or ["remove", pointer]
// (RFC 6901 pointers; "" is the whole document), applied in order to a copy of the valid input.
// valid: true cases must be accepted by every validator, valid: false cases rejected by every one.
const set = (pointer, value) => ['set', pointer, value];
const remove = (pointer) => ['remove', pointer];
const cases = {
    support_note: [
        ['not an object', false, [set('', ['T-1', 'x'])]],
        ['unknown field', false, [set('/priority', 'high')]],
        ['ticketId missing', false, [remove('/ticketId')]],
        ['ticketId not a string', false, [set('/ticketId', 104233)]],
        ['note empty', false, [set('/note', '')]],
        ['note null', false, [set('/note', null)]],
        ['note of 2001 characters', false, [set('/note', 'x'.repeat(2001))]],
        ['note of 2000 characters', true, [set('/note', 'x'.repeat(2000))]],
        ['note of 2000 emoji (4000 UTF-16 units)', true, [set('/note', emoji(2000))]],
        ['note of 2001 emoji', false, [set('/note', emoji(2001))]],
    ],
    order: [
        ['unknown field', false, [set('/notes', 'leave at door')]],
        ['giftWrap missing', false, [remove('/giftWrap')]],
        ['giftWrap not a boolean', false, [set('/giftWrap', 'yes')]],
        ['orderId empty', false, [set('/orderId', '')]],
        ['orderId of 65 characters', false, [set('/orderId', 'O'.repeat(65))]],
        ['customerEmail not an email', false, [set('/customerEmail', 'maria.keller')]],
        ['priority not in enum', false, [set('/priority', 'urgent')]],
        ['items empty', false, [set('/items', [])]],
        ['items of 101', false, [set('/items', Array.from({ length: 101 }, () => clone(order.items[1])))]],
        ['items of 100', true, [set('/items', Array.from({ length: 100 }, () => clone(order.items[1])))]],
        ['sku lower case', false, [set('/items/3/sku', 'abc-1234')]],
        ['sku of 9 characters', false, [set('/items/3/sku', 'ABC-12345')]],
        ['sku with a prefix (pattern is anchored)', false, [set('/items/3/sku', 'XABC-1234')]],
        ['quantity 0', false, [set('/items/7/quantity', 0)]],
        ['quantity 1001', false, [set('/items/7/quantity', 1001)]],
        ['quantity 2.5', false, [set('/items/7/quantity', 2.5)]],
        ['quantity as a string', false, [set('/items/7/quantity', '2')]],
        ['unitPrice negative', false, [set('/items/9/unitPrice', -0.01)]],
        ['unitPrice 0', true, [set('/items/9/unitPrice', 0)]],
        ['line item unknown field', false, [set('/items/2/color', 'red')]],
        ['line item missing sku', false, [remove('/items/4/sku')]],
        ['giftMessage empty', false, [set('/items/1/giftMessage', '')]],
        ['giftMessage of 200 emoji', true, [set('/items/1/giftMessage', emoji(200))]],
        ['giftMessage of 201 emoji', false, [set('/items/1/giftMessage', emoji(201))]],
        ['shipping country of 3 letters', false, [set('/shipping/country', 'DEU')]],
        ['shipping country lower case', false, [set('/shipping/country', 'de')]],
        ['shipping missing city', false, [remove('/shipping/city')]],
        ['shipping unknown field', false, [set('/shipping/zip', '80331')]],
        ['shipping null', true, [set('/shipping', null)]],
        ['tag value of 101 characters', false, [set('/tags/channel', 'w'.repeat(101))]],
        ['tag value not a string', false, [set('/tags/channel', 3)]],
        ['tag value empty', true, [set('/tags/channel', '')]],
        ['deliverBy 30 February', false, [set('/deliverBy', '2025-02-30')]],
        ['deliverBy a date-time', false, [set('/deliverBy', '2025-06-14T10:00:00Z')]],
        ['warehouse 65536', false, [set('/warehouse', 65536)]],
        ['warehouse -1', false, [set('/warehouse', -1)]],
        ['loyaltyPoints 2147483648', false, [set('/loyaltyPoints', 2147483648)]],
        ['couponCode a number', false, [set('/couponCode', 25)]],
        ['all optional fields absent', true, [
            ...['shipping', 'tags', 'deliverBy', 'warehouse', 'loyaltyPoints', 'couponCode'].map((k) => remove('/' + k)),
            ...order.items.flatMap((it, i) => ('giftMessage' in it ? [remove(`/items/${i}/giftMessage`)] : [])),
        ]],
    ],
};

// Compact, as MCP clients send arguments, and without a trailing newline: the file is the document.
const write = (name, value) => writeFileSync(join(dir, name), JSON.stringify(value));
write('support_note.json', supportNote);
write('order50.json', order);
// One case a line, so that a diff shows which case changed.
const lines = (list) => list.map(([why, valid, edits]) => '  ' + JSON.stringify({ why, valid, edits })).join(',\n');
writeFileSync(join(dir, 'cases.json'),
    `{"support_note": [\n${lines(cases.support_note)}\n],\n"order": [\n${lines(cases.order)}\n]}\n`);
console.log(`wrote ${dir}/{support_note,order50,cases}.json`);

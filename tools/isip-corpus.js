// Regenerates src/test/resources/netkit/net/isip-corpus.tsv: every input with Node's net.isIP answer.
// Run once with Node (any version >= 18) when the corpus changes:
//   node tools/isip-corpus.js > src/test/resources/netkit/net/isip-corpus.tsv
// Each line: FAMILY <TAB> the input as a JSON string. Deterministic (seeded PRNG), so a rerun
// with the same Node gives the same file. JUnit reads the file; it never needs Node.
'use strict';
const net = require('net');

const fixed = [
  // plain and edge IPv4
  '0.0.0.0', '1.2.3.4', '127.0.0.1', '255.255.255.255', '256.0.0.1', '1.2.3.256', '255.255.255.256',
  '192.168.1.1', '10.0.0.1', '100.64.0.1', '169.254.0.1', '224.0.0.1', '240.0.0.1', '192.0.2.1',
  '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '1.2.3.4.', '...', '....', '1.2.3.-4', '+1.2.3.4',
  // leading zeros and shorthand (inet_aton accepts them; Node does not)
  '01.2.3.4', '1.02.3.4', '1.2.03.4', '1.2.3.04', '001.2.3.4', '0.0.0.00', '00.0.0.0', '127.000.000.001',
  '127.1', '127.0.1', '10.1', '1', '0', '2130706433', '0x7f.0.0.1', '0x7f000001', '0177.0.0.1', '0X7F.1',
  '1e0.2.3.4', '1.2.3.4e0', '1,2,3,4', '1 .2.3.4', '1.2.3.4/32', '1.2.3.4:80', '1.2.3.4%eth0',
  // surrounding spaces and control characters
  ' 1.2.3.4', '1.2.3.4 ', '\t1.2.3.4', '1.2.3.4\t', '1.2.3.4\n', '\n1.2.3.4', '1.2.3.4\r', '1.2.3.4\u0000',
  ' ::1', '::1 ', '::1\n', '::1\r', '', ' ', '\t', '.', ':', '%', '%eth0',
  // IPv6 basics
  '::', '::1', '::0', '1::', '1::1', '::ffff', 'fe80::1', 'FE80::1', 'Fe80::aBcD', '2001:db8::1',
  '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0:0:0:0:1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9',
  '1:2:3:4:5:6:7', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '1:2:3:4:5:6::7', '1::2:3:4:5:6:7', '1:2:3:4:5:6:7:8::',
  '::1:2:3:4:5:6:7:8', ':::', '1:::2', '1::2::3', '::1::', ':1::2', '1::2:', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:',
  '12345::1', '1:12345::', 'g::1', '::g', 'fffff::', 'ffff::', '0000::', '00000::', '::00000',
  'ff02::1', 'ff02::1:ff00:1', 'fc00::1', 'fd12:3456:789a::1', '64:ff9b::1.2.3.4', '2002::', '3fff::1', '4000::1',
  // embedded IPv4
  '::ffff:1.2.3.4', '::FFFF:1.2.3.4', '::ffff:127.0.0.1', '::1.2.3.4', '::ffff:01.2.3.4', '::ffff:1.2.3',
  '::ffff:1.2.3.4.5', '::ffff:256.2.3.4', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '1:2:3:4:5::1.2.3.4',
  '1::1.2.3.4', '1.2.3.4::', '1.2.3.4::1', '::1.2.3.4:1', '::ffff:1.2.3.4%eth0', '::ffff:127.1', '0:0:0:0:0:ffff:1.2.3.4',
  '::ffff:0.0.0.0', '::ffff:1.2.3.04', '1:2:3:4:5:6:7:8%1', '1::2:3:4:5:6:1.2.3.4', '::1:2:3:4:5:1.2.3.4',
  // zones
  'fe80::1%eth0', 'fe80::1%1', 'fe80::1%', 'fe80::1%%', 'fe80::1%eth0%1', 'fe80::1%en0.1', 'fe80::1%a-b',
  'fe80::1%a_b', 'fe80::1%a:b', 'fe80::1%a b', 'fe80::1%a/b', 'fe80::1%\u00e9', 'fe80::1%eth0 ', '::1%lo',
  'fe80::1%ETH0', 'fe80::1%25eth0', 'fe80::1%-', 'fe80::1%.', 'fe80::1%:',
  // brackets, prefixes, ports
  '[::1]', '[::1]:80', '[fe80::1%eth0]', '::1/128', '2001:db8::/32', '1.2.3.0/24', '[1.2.3.4]', '::1:80', '::1#80',
  // hex, case, non-hex letters
  'abcd::', 'ABCD::', 'abcde::', 'a:b:c:d:e:f:0:1', 'A:B:C:D:E:F:0:1', 'g:h::', '0x1::', '::0x1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255',
  // non-ASCII digits and look-alikes
  '\u0661.\u0662.\u0663.\u0664', '1.2.3.\u0664', '\uff11.2.3.4', '１２７.0.0.1', '1\u30022.3.4', '1\uff0e2.3.4',
  '::\uff11', '\u0966::1', 'fe80::\u0661', '1.2.3.4\u200b', '\u200b1.2.3.4', '\ufeff::1', '::1\u00a0',
  '\ud800', '1.2.3.\ud83d\ude00', '\u00b9.2.3.4', '\u2474.2.3.4',
  // names (never resolved)
  'localhost', 'example.com', 'a.b.c.d', 'ip6-localhost', 'host.invalid', '1.2.3.com',
];

// very long strings
fixed.push('1'.repeat(1000), '1.'.repeat(500) + '1', ':'.repeat(1000), '::' + '1'.repeat(10000),
  'fe80::1%' + 'a'.repeat(10000), '0'.repeat(100000), '1.2.3.4' + ' '.repeat(5000), 'ab:'.repeat(3000) + '1');

// seeded PRNG (mulberry32), so the random part is the same on every run
let seed = 0x6e6b6974;
function rnd() {
  seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (a) => a[Math.floor(rnd() * a.length)];
const int = (n) => Math.floor(rnd() * n);

function v4() {
  return [0, 0, 0, 0].map(() => pick([String(int(256)), String(int(256)), String(int(300)), '0' + int(10), String(int(10))])).join('.');
}
function seg() {
  return int(0x10000).toString(16).slice(0, 1 + int(4));
}
function v6() {
  const n = 8;
  const segs = [];
  for (let i = 0; i < n; i++) segs.push(pick([seg(), seg(), seg().toUpperCase(), '0']));
  let s;
  const form = int(5);
  if (form === 0) s = segs.join(':');
  else if (form === 1) { const a = int(n); const b = a + int(n - a); s = segs.slice(0, a).join(':') + '::' + segs.slice(b + 1).join(':'); }
  else if (form === 2) s = segs.slice(0, 6).join(':') + ':' + v4();
  else if (form === 3) { const a = int(6); s = segs.slice(0, a).join(':') + '::' + segs.slice(a + 1 + int(2), 6).join(':') + (int(2) ? ':' : '') + v4(); }
  else s = segs.slice(0, int(9)).join(':') + pick(['::', ':', '']) + segs.slice(0, int(4)).join(':');
  if (int(4) === 0) s += '%' + pick(['eth0', '1', 'lo', 'a.b', 'x-y', '']);
  return s;
}
function mutate(s) {
  const chars = '0123456789abcdefABCDEF:.%[]/ x\t-';
  const a = s.split('');
  const k = 1 + int(2);
  for (let i = 0; i < k; i++) {
    const op = int(3), p = int(a.length + 1);
    if (op === 0) a.splice(p, 0, pick(chars.split('')));
    else if (op === 1 && a.length) a.splice(Math.min(p, a.length - 1), 1);
    else if (a.length) a[Math.min(p, a.length - 1)] = pick(chars.split(''));
  }
  return a.join('');
}

const random = [];
for (let i = 0; i < 150; i++) random.push(v4());
for (let i = 0; i < 250; i++) random.push(v6());
for (let i = 0; i < 200; i++) random.push(mutate(int(2) ? v4() : v6()));

const seen = new Set();
for (const input of fixed.concat(random)) {
  if (seen.has(input)) continue;
  seen.add(input);
  process.stdout.write(net.isIP(input) + '\t' + JSON.stringify(input) + '\n');
}

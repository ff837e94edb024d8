// Figures for the console's crypto in Node (one run; the browser's WebCrypto
// and the same @noble code should be of the same order): importing a reader's
// key, opening 100 reports the core sealed, opening their attachments, and a
// 10 MB attachment.

import { performance } from 'node:perf_hooks';

import { fromBase64Url, fromHex } from '../src/crypto/bytes.js';
import { sealAttachment } from '../src/crypto/envelope.js';
import { openGrievanceAttachment, openSubmission } from '../src/crypto/grievance.js';
import { importRecipientKey } from '../src/crypto/hpke.js';
import { type CoreVectors, readVectors } from '../test/vectors.js';

const vectors = readVectors<CoreVectors>('core-sealed.json');
const submission = vectors.submissions[0];
const reader = vectors.readers.find((entry) => entry.id === 'hotline-1');
if (submission === undefined || reader === undefined) throw new Error('the core vectors lack a report');
const framed = fromBase64Url(submission.framed);
const attachments = submission.attachments.map((a) => ({ id: a.attachment_id, sealed: fromBase64Url(a.sealed) }));

const ms = (start: number): string => `${(performance.now() - start).toFixed(1)} ms`;

let start = performance.now();
const key = await importRecipientKey(fromHex(reader.private_key));
console.log(`import a reader's key (non-extractable):       ${ms(start)}`);

// Warm up once (JIT), then measure.
(await openSubmission(key, 'hotline-1', framed)).wipe();

start = performance.now();
for (let i = 0; i < 100; i++) (await openSubmission(key, 'hotline-1', framed)).wipe();
console.log(`open 100 reports (unwrap key + payload):       ${ms(start)}`);

const attachmentBytes = attachments.reduce((sum, a) => sum + a.sealed.length, 0);
start = performance.now();
for (let i = 0; i < 100; i++) {
  const opened = await openSubmission(key, 'hotline-1', framed);
  for (const attachment of attachments) openGrievanceAttachment(opened, attachment.id, attachment.sealed);
  opened.wipe();
}
console.log(
  `open 100 reports with ${attachments.length} attachments (${(attachmentBytes / 1024).toFixed(0)} KiB each): ${ms(start)}`,
);

const ten = new Uint8Array(10 * 1024 * 1024);
for (let i = 0; i < ten.length; i += 65536) crypto.getRandomValues(ten.subarray(i, i + 65536));
const contentKey = crypto.getRandomValues(new Uint8Array(32));
const sealedTen = sealAttachment(contentKey, 'client', 'attachment', ten);
const opened = await openSubmission(key, 'hotline-1', framed);
const withKey = { ...opened, contentKey, header: { ...opened.header, clientId: 'client' } };
start = performance.now();
openGrievanceAttachment(withKey, 'attachment', sealedTen);
console.log(`open a 10 MB attachment (160 chunks):           ${ms(start)}`);

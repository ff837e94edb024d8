/**
 * Entry of the console. A placeholder until the hub's API for readers
 * (issue 13) exists: it only says whether this browser has what the console
 * needs to open reports (WebCrypto with X25519). Text is set with
 * `textContent`, never `innerHTML`.
 */

import { generateRecipientKey } from './crypto/index.js';

async function browserCanOpenReports(): Promise<boolean> {
  try {
    await generateRecipientKey();
    return true;
  } catch {
    return false;
  }
}

const status = document.getElementById('status');
if (status !== null) {
  // Strings here move to Fluent with the first real page.
  void browserCanOpenReports().then((ok) => {
    status.textContent = ok
      ? 'This browser can open reports. Sign-in arrives with the readers’ API.'
      : 'This browser lacks X25519 in WebCrypto: use a current Chromium, Firefox or Safari.';
  });
}

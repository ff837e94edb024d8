/**
 * QR codes drawn as SVG elements (no markup strings, no `data:` URL the CSP
 * would refuse). The matrix comes from `@paulmillr/qr` (by the author of the
 * `@noble` packages, no dependencies); this file only draws it.
 */

import encodeQR from '@paulmillr/qr';

const SVG = 'http://www.w3.org/2000/svg';
/** White modules around the code, as the QR specification asks scanners to expect. */
const QUIET = 4;

/** A QR code of `text` (error correction M), labelled for screen readers. */
export function qrCode(text: string, label: string): SVGSVGElement {
  const matrix = encodeQR(text, 'raw', { ecc: 'medium', border: 0 });
  const size = matrix.length + 2 * QUIET;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${size} ${size}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  svg.setAttribute('class', 'qr');
  svg.setAttribute('shape-rendering', 'crispEdges');
  const background = document.createElementNS(SVG, 'rect');
  background.setAttribute('width', String(size));
  background.setAttribute('height', String(size));
  background.setAttribute('fill', '#fff');
  const path = document.createElementNS(SVG, 'path');
  let d = '';
  matrix.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x + QUIET} ${y + QUIET}h1v1h-1z`;
    });
  });
  path.setAttribute('d', d);
  path.setAttribute('fill', '#000');
  svg.append(background, path);
  return svg;
}

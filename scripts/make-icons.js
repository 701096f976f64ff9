#!/usr/bin/env node
/**
 * Draws LIBRA's icons (the ♎ glyph: a line with a raised arch over a base line) and writes them
 * to resources/icons/: libra.png (512 px app icon), libra.ico (Windows: 16-256 px), libra.icns
 * (macOS: 128-512 px), tray.png / tray@2x.png (16 and 32 px). No dependencies: the shapes are
 * distance fields sampled 4×4 per pixel, encoded as PNG with node:zlib; ICO and ICNS hold PNGs.
 * Deterministic: `node scripts/make-icons.js --check` fails when the committed files differ.
 */
import { deflateSync } from 'node:zlib';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '../resources/icons');
const TEAL = [45, 212, 191];
const BACKGROUND = [11, 15, 20];

// --- PNG ---------------------------------------------------------------------------------------
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
/** RGBA pixels (Uint8Array, size*size*4) → PNG bytes. */
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

// --- drawing (unit square coordinates, y down) ---------------------------------------------------
const segment = (px, py, ax, ay, bx, by) => {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
};
/** Distance to the upper half of a circle (the arch). */
const arch = (px, py, cx, cy, r) => (py <= cy ? Math.abs(Math.hypot(px - cx, py - cy) - r) : Math.min(Math.hypot(px - cx + r, py - cy), Math.hypot(px - cx - r, py - cy)));
/** Distance to the ♎ glyph's strokes. */
function glyph(x, y) {
  const upper = 0.52;
  const r = 0.15;
  return Math.min(
    segment(x, y, 0.2, 0.68, 0.8, 0.68),
    segment(x, y, 0.2, upper, 0.5 - r, upper),
    segment(x, y, 0.5 + r, upper, 0.8, upper),
    arch(x, y, 0.5, upper, r),
  );
}
/** Signed distance to a rounded square inset by `m` (negative inside). */
function roundedSquare(x, y, m, radius) {
  const qx = Math.abs(x - 0.5) - (0.5 - m - radius);
  const qy = Math.abs(y - 0.5) - (0.5 - m - radius);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Renders `shade(x, y) → [r, g, b, a]` (a in 0..1) with 4×4 supersampling. */
function render(size, shade) {
  const px = new Uint8Array(size * size * 4);
  const n = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [cr, cg, cb, ca] = shade((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const i = (y * size + x) * 4;
      if (a > 0) {
        px[i] = Math.round(r / a);
        px[i + 1] = Math.round(g / a);
        px[i + 2] = Math.round(b / a);
      }
      px[i + 3] = Math.round((a / (n * n)) * 255);
    }
  }
  return px;
}

/** The app icon: the teal glyph on a dark rounded square. */
export function appIcon(size) {
  const stroke = 0.055;
  return encodePng(
    size,
    render(size, (x, y) => {
      if (roundedSquare(x, y, 0.04, 0.2) > 0) return [0, 0, 0, 0];
      return glyph(x, y) <= stroke ? [...TEAL, 1] : [...BACKGROUND, 1];
    }),
  );
}

/** The tray icon: the glyph alone, white on transparent, heavier strokes for small sizes. */
export function trayIcon(size) {
  const stroke = 0.085;
  return encodePng(size, render(size, (x, y) => (glyph(x, y) <= stroke ? [255, 255, 255, 1] : [0, 0, 0, 0])));
}

/** Windows .ico holding PNG images (Vista and later). */
export function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, i) => {
    const e = 6 + 16 * i;
    header[e] = size >= 256 ? 0 : size;
    header[e + 1] = size >= 256 ? 0 : size;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

/** macOS .icns holding PNG images (ic07 128, ic08 256, ic09 512). */
export function icns(images) {
  const types = { 128: 'ic07', 256: 'ic08', 512: 'ic09' };
  const chunks = images.map(({ size, png }) => {
    const head = Buffer.alloc(8);
    head.write(types[size], 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((s, c) => s + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

/** Every icon file by name. */
export function makeIcons() {
  const app = new Map([16, 32, 48, 128, 256, 512].map((s) => [s, appIcon(s)]));
  return {
    'libra.png': app.get(512),
    'libra.ico': ico([16, 32, 48, 256].map((size) => ({ size, png: app.get(size) }))),
    'libra.icns': icns([128, 256, 512].map((size) => ({ size, png: app.get(size) }))),
    'tray.png': trayIcon(16),
    'tray@2x.png': trayIcon(32),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = makeIcons();
  if (process.argv.includes('--check')) {
    const stale = Object.entries(files).filter(([name, bytes]) => {
      try {
        return !readFileSync(join(OUT, name)).equals(bytes);
      } catch {
        return true;
      }
    });
    if (stale.length > 0) {
      console.error(`icons differ from scripts/make-icons.js: ${stale.map(([n]) => n).join(', ')} (run node scripts/make-icons.js)`);
      process.exitCode = 1;
    }
  } else {
    mkdirSync(OUT, { recursive: true });
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(OUT, name), bytes);
    console.error(`wrote ${Object.keys(files).join(', ')} to resources/icons/`);
  }
}

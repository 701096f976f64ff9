/**
 * The icons in resources/icons/ are what scripts/make-icons.js draws (byte for byte), valid PNGs
 * (checked chunk by chunk: signature, CRCs, size, pixels inflated), and the ICO/ICNS containers
 * hold PNGs of the sizes they declare. forge.config.ts and the app shell use these files.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import config from '../../forge.config';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ICONS = join(ROOT, 'resources/icons');
const { makeIcons } = (await import(join(ROOT, 'scripts/make-icons.js'))) as { makeIcons: () => Record<string, Buffer> };

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** Parses a PNG (8-bit RGBA, no interlace), checking every CRC; returns size and alpha stats. */
function readPng(png: Buffer): { size: number; opaque: number; clear: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let at = 8;
  let size = 0;
  const idat: Buffer[] = [];
  for (;;) {
    const len = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    expect(png.readUInt32BE(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
    if (type === 'IHDR') {
      size = data.readUInt32BE(0);
      expect(data.readUInt32BE(4)).toBe(size);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + len;
    if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(size * (size * 4 + 1));
  let opaque = 0;
  let clear = 0;
  for (let y = 0; y < size; y++) {
    expect(raw[y * (size * 4 + 1)]).toBe(0);
    for (let x = 0; x < size; x++) {
      const a = raw[y * (size * 4 + 1) + 1 + x * 4 + 3]!;
      if (a === 255) opaque++;
      if (a === 0) clear++;
    }
  }
  return { size, opaque, clear };
}

describe('icons', () => {
  it('are exactly what scripts/make-icons.js draws', () => {
    for (const [name, bytes] of Object.entries(makeIcons())) expect(readFileSync(join(ICONS, name)).equals(bytes), name).toBe(true);
  });

  it('are PNGs of the stated sizes, with a drawn shape on a transparent surround', () => {
    const app = readPng(readFileSync(join(ICONS, 'libra.png')));
    expect(app.size).toBe(512);
    expect(app.opaque).toBeGreaterThan(512 * 512 * 0.7); // the rounded square
    expect(app.clear).toBeGreaterThan(0); // its corners
    for (const [name, size] of [['tray.png', 16], ['tray@2x.png', 32]] as const) {
      const tray = readPng(readFileSync(join(ICONS, name)));
      expect(tray.size).toBe(size);
      expect(tray.opaque).toBeGreaterThan(size * 2); // the glyph's strokes
      expect(tray.clear).toBeGreaterThan(size * size * 0.4);
    }
  });

  it('packs PNGs into the .ico and .icns the packager uses', () => {
    const ico = readFileSync(join(ICONS, 'libra.ico'));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const sizes = Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
      const e = 6 + 16 * i;
      const png = ico.subarray(ico.readUInt32LE(e + 12), ico.readUInt32LE(e + 12) + ico.readUInt32LE(e + 8));
      const size = readPng(png).size;
      expect(ico[e] === 0 ? 256 : ico[e]).toBe(size);
      return size;
    });
    expect(sizes).toEqual([16, 32, 48, 256]);

    const icns = readFileSync(join(ICONS, 'libra.icns'));
    expect(icns.toString('ascii', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const found: [string, number][] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) found.push([icns.toString('ascii', at, at + 4), readPng(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4))).size]);
    expect(found).toEqual([['ic07', 128], ['ic08', 256], ['ic09', 512]]);

    expect(config.packagerConfig?.icon).toBe('resources/icons/libra');
    expect(config.packagerConfig?.extraResource).toContain('resources/icons');
  });
});

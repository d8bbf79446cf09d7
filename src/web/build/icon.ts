import { encodePng } from './png.js';

/**
 * The app icon, drawn in unit coordinates: a white speech bubble with three dots on an indigo
 * square. Everything sits inside the central circle of radius 0.4, so the same drawing works
 * as a maskable icon. The same design is in public/icon.svg.
 */
type Rgb = [number, number, number];

const TOP: Rgb = [99, 102, 241];
const BOTTOM: Rgb = [67, 56, 202];
const WHITE: Rgb = [255, 255, 255];

function inRoundedRect(
  x: number,
  y: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  r: number,
) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inTriangle(x: number, y: number, points: readonly [number, number][]) {
  const [a, b, c] = points as [[number, number], [number, number], [number, number]];
  const side = (p: [number, number], q: [number, number]) =>
    (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1]);
  const d1 = side(a, b);
  const d2 = side(b, c);
  const d3 = side(c, a);
  const negative = d1 < 0 || d2 < 0 || d3 < 0;
  const positive = d1 > 0 || d2 > 0 || d3 > 0;
  return !(negative && positive);
}

const DOTS: [number, number][] = [
  [0.37, 0.45],
  [0.5, 0.45],
  [0.63, 0.45],
];
const TAIL: [number, number][] = [
  [0.31, 0.6],
  [0.27, 0.79],
  [0.49, 0.62],
];

function background(x: number, y: number): Rgb {
  const t = Math.min(1, Math.max(0, (x + y) / 2));
  return [0, 1, 2].map((i) => (TOP[i] ?? 0) + ((BOTTOM[i] ?? 0) - (TOP[i] ?? 0)) * t) as Rgb;
}

/** Colour and coverage of one sample point, or null when outside the icon. */
function sample(x: number, y: number, maskable: boolean): Rgb | null {
  if (!maskable && !inRoundedRect(x, y, 0, 0, 1, 1, 0.22)) return null;
  const bg = background(x, y);
  const inDot = DOTS.some(([cx, cy]) => (x - cx) ** 2 + (y - cy) ** 2 <= 0.05 ** 2);
  if (inDot) return bg;
  if (inRoundedRect(x, y, 0.2, 0.24, 0.8, 0.66, 0.13) || inTriangle(x, y, TAIL)) return WHITE;
  return bg;
}

/** The icon as a PNG of `size` pixels, antialiased by 4x4 supersampling. */
export function iconPng(size: number, maskable = false): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = sample((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size, maskable);
          if (!c) continue;
          covered++;
          r += c[0];
          g += c[1];
          b += c[2];
        }
      }
      const at = (py * size + px) * 4;
      if (covered === 0) continue;
      rgba[at] = Math.round(r / covered);
      rgba[at + 1] = Math.round(g / covered);
      rgba[at + 2] = Math.round(b / covered);
      rgba[at + 3] = Math.round((255 * covered) / (n * n));
    }
  }
  return encodePng(size, size, rgba);
}

// Query parameters of a rendered resource (PS3.18 §8.3.5.1): viewport=vw,vh and
// window=center,width,function; and its Accept header (§8.7.4: image/png here).
import { Problem, textParam } from '../http-problem';
import type { VoiLutFunction, VoiWindow } from './image-pixel';

/** Largest viewport side: a rendered PNG is built in memory. */
export const MAX_VIEWPORT = 4096;

export function viewportParam(q: Record<string, unknown>): { width: number; height: number } | undefined {
  const v = textParam(q, 'viewport', 40);
  if (v === undefined) return undefined;
  const parts = v.split(',');
  const [w, h] = parts.map((p) => (/^\d{1,5}$/.test(p.trim()) ? Number(p.trim()) : NaN));
  if (parts.length !== 2 || !w || !h || w > MAX_VIEWPORT || h > MAX_VIEWPORT) {
    throw new Problem(400, `viewport ${JSON.stringify(v)}: "width,height" in pixels, each from 1 to ${MAX_VIEWPORT} (PS3.18 §8.3.5.1.3)`);
  }
  return { width: w, height: h };
}

const FUNCTIONS: Record<string, VoiLutFunction> = { linear: 'LINEAR', 'linear-exact': 'LINEAR_EXACT', sigmoid: 'SIGMOID' };

export function windowParam(q: Record<string, unknown>): VoiWindow | undefined {
  const v = textParam(q, 'window', 80);
  if (v === undefined) return undefined;
  const [c = '', w = '', f = 'linear', ...rest] = v.split(',').map((p) => p.trim());
  const center = c === '' ? NaN : Number(c);
  const width = w === '' ? NaN : Number(w);
  const fn = FUNCTIONS[f.toLowerCase()];
  if (rest.length > 0 || !Number.isFinite(center) || !Number.isFinite(width) || !fn || width <= 0 || (fn === 'LINEAR' && width < 1)) {
    throw new Problem(400, `window ${JSON.stringify(v)}: "center,width[,function]" with width > 0 (at least 1 for linear), function linear, linear-exact or sigmoid (PS3.18 §8.3.5.1.4)`);
  }
  return { center, width, function: fn };
}

/** image/png, image/*, *\/* or no Accept header. */
export function acceptsPng(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((range) => {
    const media = (range.split(';')[0] ?? '').trim().toLowerCase();
    return media === 'image/png' || media === 'image/*' || media === '*/*';
  });
}

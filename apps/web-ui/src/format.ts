// Display of DICOM values and numbers: pure functions (test/ui/format.spec.ts).

/** DA (PS3.5 §6.2) YYYYMMDD → YYYY-MM-DD; anything else as it is. */
export function formatDicomDate(da: string | null | undefined): string {
  if (!da) return '';
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da;
}

/** TM (PS3.5 §6.2) HHMMSS.FFFFFF → HH:MM:SS (as much as is there). */
export function formatDicomTime(tm: string | null | undefined): string {
  if (!tm) return '';
  const m = /^(\d{2})(\d{2})?(\d{2})?/.exec(tm.trim());
  if (!m) return tm;
  return [m[1], m[2], m[3]].filter((p) => p !== undefined).join(':');
}

/**
 * PN (PS3.5 §6.2.1): the alphabetic group's components family^given^middle^prefix^suffix shown
 * as "Family, Given Middle"; the ideographic and phonetic groups (after =) are left out.
 */
export function formatPersonName(pn: string | null | undefined): string {
  if (!pn) return '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = (pn.split('=')[0] ?? '').split('^').map((c) => c.trim());
  const first = [prefix, given, middle].filter(Boolean).join(' ');
  const name = family && first ? `${family}, ${first}` : family || first;
  return suffix ? `${name} ${suffix}` : name;
}

/** A date input's YYYY-MM-DD as the API's YYYYMMDD ('' stays ''). */
export function toDicomDate(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatDuration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return d > 0 ? `${d}d ${h}h ${m}m` : h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

/** A job's progress, 0..1, when it says both its total and what remains; null otherwise. */
export function jobProgress(job: { total?: number | null; remaining?: number | null; state: string }): number | null {
  if (job.state === 'done') return 1;
  if (job.total === null || job.total === undefined || job.remaining === null || job.remaining === undefined || job.total <= 0) return null;
  return Math.min(1, Math.max(0, (job.total - job.remaining) / job.total));
}

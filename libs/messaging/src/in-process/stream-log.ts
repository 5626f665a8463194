import type { BusHeaders, StreamRetention, StreamSpec } from '../bus';
import { BusConfigError, StreamFullError } from '../errors';
import { subjectMatches } from '../subject';

/**
 * One stream of the in-process bus: an append-only log with JetStream's sequence numbers,
 * Nats-Msg-Id deduplication and limits (maxBytes refuses, maxAgeMs removes).
 *
 * Messages live in memory only. Embedded mode does not need them to survive a restart:
 * an object is written to storage before its event is published, and the reconciler
 * announces every stored object that the index lacks, so a lost event is found again.
 */
export interface StoredMessage {
  seq: number;
  subject: string;
  data: Uint8Array;
  headers: BusHeaders;
  msgId: string | undefined;
  timestamp: Date;
  size: number;
}

export interface AppendResult {
  seq: number;
  duplicate: boolean;
}

function headerBytes(headers: BusHeaders): number {
  let n = 0;
  for (const [k, v] of Object.entries(headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v) + 4;
  return n;
}

export class StreamLog {
  private readonly messages = new Map<number, StoredMessage>();
  /** msgId → original seq and publish time, oldest first (Map keeps insertion order). */
  private readonly recentIds = new Map<string, { seq: number; at: number }>();
  private last = 0;
  private byteCount = 0;

  constructor(
    private specValue: StreamSpec,
    private readonly now: () => number = Date.now,
  ) {}

  get spec(): StreamSpec {
    return this.specValue;
  }

  get retention(): StreamRetention {
    return this.specValue.retention ?? 'limits';
  }

  get count(): number {
    return this.messages.size;
  }

  get bytes(): number {
    return this.byteCount;
  }

  get lastSeq(): number {
    return this.last;
  }

  captures(subject: string): boolean {
    return this.specValue.subjects.some((f) => subjectMatches(f, subject));
  }

  update(spec: StreamSpec): void {
    if ((spec.retention ?? 'limits') !== this.retention) {
      throw new BusConfigError('stream.retention', `stream '${spec.name}' exists with retention '${this.retention}'`);
    }
    this.specValue = spec;
  }

  append(subject: string, data: Uint8Array, headers: BusHeaders, msgId: string | undefined): AppendResult {
    const now = this.now();
    this.expire(now);
    if (msgId !== undefined) {
      const seen = this.recentIds.get(msgId);
      if (seen) return { seq: seen.seq, duplicate: true };
    }
    const size = Buffer.byteLength(subject) + data.byteLength + headerBytes(headers);
    const { maxBytes } = this.specValue;
    if (maxBytes !== undefined && this.byteCount + size > maxBytes) {
      throw new StreamFullError(this.specValue.name, `maximum bytes exceeded (${this.byteCount} + ${size} > ${maxBytes})`);
    }
    const seq = ++this.last;
    this.messages.set(seq, { seq, subject, data: data.slice(), headers: { ...headers }, msgId, timestamp: new Date(now), size });
    this.byteCount += size;
    if (msgId !== undefined) this.recentIds.set(msgId, { seq, at: now });
    return { seq, duplicate: false };
  }

  get(seq: number): StoredMessage | undefined {
    return this.messages.get(seq);
  }

  remove(seq: number): void {
    const m = this.messages.get(seq);
    if (!m) return;
    this.messages.delete(seq);
    this.byteCount -= m.size;
  }

  /** First stored sequence >= from whose subject matches the filter. */
  firstMatching(from: number, filter: string | undefined): number | undefined {
    for (let seq = Math.max(from, 1); seq <= this.last; seq++) {
      const m = this.messages.get(seq);
      if (m && (filter === undefined || subjectMatches(filter, m.subject))) return seq;
    }
    return undefined;
  }

  countMatching(from: number, filter: string | undefined): number {
    let n = 0;
    for (const m of this.messages.values()) {
      if (m.seq >= from && (filter === undefined || subjectMatches(filter, m.subject))) n++;
    }
    return n;
  }

  /** Drop messages past maxAgeMs and msgIds past the duplicate window. */
  expire(now: number = this.now()): void {
    const { maxAgeMs, duplicateWindowMs } = this.specValue;
    if (maxAgeMs !== undefined) {
      for (const m of this.messages.values()) {
        if (m.timestamp.getTime() + maxAgeMs > now) break;
        this.remove(m.seq);
      }
    }
    for (const [id, seen] of this.recentIds) {
      if (seen.at + duplicateWindowMs > now) break;
      this.recentIds.delete(id);
    }
  }
}

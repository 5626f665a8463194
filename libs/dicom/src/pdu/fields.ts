// Field codecs from which the PDU and item layouts of PS3.8 §9.3 and PS3.7 Annex D.3.3 are
// declared as tables (see items.ts, pdus.ts). A layout lists the fields in wire order; the
// same table drives size, encode and decode.
import { PduEncodeError, invalidValue } from './pdu-error';
import type { WireReader, WireWriter } from './wire';

export interface Field<V> {
  size(value: V): number;
  write(w: WireWriter, value: V, name: string): void;
  read(r: WireReader, name: string): V;
}

export const u8: Field<number> = {
  size: () => 1,
  write: (w, v, name) => w.u8(v, name),
  read: (r, name) => r.u8(name),
};

export const u16: Field<number> = {
  size: () => 2,
  write: (w, v, name) => w.u16(v, name),
  read: (r, name) => r.u16(name),
};

export const u32: Field<number> = {
  size: () => 4,
  write: (w, v, name) => w.u32(v, name),
  read: (r, name) => r.u32(name),
};

/** One byte, 0 = false, 1 = true (non-zero read as true). */
export const flag8: Field<boolean> = {
  size: () => 1,
  write: (w, v, name) => w.u8(v ? 1 : 0, name),
  read: (r, name) => r.u8(name) !== 0,
};

/** Reserved bytes: sent as 00H, not tested on receipt (PS3.8 §9.3.1). */
export function reserved(n: number): Field<undefined> {
  return {
    size: () => n,
    write: (w) => w.zeros(n),
    read: (r) => {
      r.skip(n);
      return undefined;
    },
  };
}

/**
 * A reserved byte some peers fill (DCMTK sends FFH in byte 7 of the presentation context
 * RQ item). Not significant; kept only when non-zero so a re-encode is byte-identical.
 */
export const keptReservedByte: Field<number | undefined> = {
  size: () => 1,
  write: (w, v, name) => w.u8(v ?? 0, name),
  read: (r, name) => {
    const v = r.u8(name);
    return v === 0 ? undefined : v;
  },
};

function checkAscii(s: string, name: string): void {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) throw new PduEncodeError(name, `non-ASCII character in "${s}"`);
  }
}

/** 16-byte AE title, space padded (PS3.8 §9.3.2; leading/trailing spaces are not significant). */
export const aeTitle: Field<string> = {
  size: () => 16,
  write: (w, v, name) => {
    checkAscii(v, name);
    if (v.length > 16) throw new PduEncodeError(name, `AE title "${v}" is longer than 16 characters`);
    w.bytes(Buffer.from(v.padEnd(16, ' '), 'latin1'));
  },
  read: (r, name) => r.bytes(16, name).toString('latin1').replace(/ +$/, ''),
};

// UIDs in the upper layer are not padded (PS3.8 Annex F), but some peers append one NUL.
function uidFromBytes(b: Buffer): string {
  const end = b.length > 0 && b[b.length - 1] === 0 ? b.length - 1 : b.length;
  return b.toString('latin1', 0, end);
}

function asciiBytes(v: string, name: string): Buffer {
  checkAscii(v, name);
  return Buffer.from(v, 'latin1');
}

/** A UID filling the rest of its item (application context, abstract/transfer syntax, 52H). */
export const uidToEnd: Field<string> = {
  size: (v) => v.length,
  write: (w, v, name) => w.bytes(asciiBytes(v, name)),
  read: (r, name) => uidFromBytes(r.bytes(r.remaining, name)),
};

/** An ASCII string filling the rest of its item (implementation version name, 55H). */
export const textToEnd: Field<string> = {
  size: (v) => v.length,
  write: (w, v, name) => w.bytes(asciiBytes(v, name)),
  read: (r, name) => r.bytes(r.remaining, name).toString('latin1'),
};

/** Opaque bytes filling the rest of their item, returned as a view. */
export const bytesToEnd: Field<Buffer> = {
  size: (v) => v.length,
  write: (w, v) => w.bytes(v),
  read: (r, name) => r.bytes(r.remaining, name),
};

/** A field preceded by its 2-byte length (the "xxx-length" fields of PS3.7 Annex D.3.3). */
export function lengthPrefixed16<V>(inner: Field<V>): Field<V> {
  return {
    size: (v) => 2 + inner.size(v),
    write: (w, v, name) => {
      w.u16(inner.size(v), `${name} length`);
      inner.write(w, v, name);
    },
    read: (r, name) => {
      const sub = r.sub(r.u16(`${name} length`), name);
      const v = inner.read(sub, name);
      if (sub.remaining !== 0) throw invalidValue(`${sub.remaining} unexpected bytes after ${name}`);
      return v;
    },
  };
}

export const uid16 = lengthPrefixed16(uidToEnd);
export const bytes16 = lengthPrefixed16(bytesToEnd);

/** Repeats `inner` until its enclosing length is used up. */
export function listToEnd<V>(inner: Field<V>): Field<V[]> {
  return {
    size: (vs) => vs.reduce((n, v) => n + inner.size(v), 0),
    write: (w, vs, name) => {
      for (const v of vs) inner.write(w, v, name);
    },
    read: (r, name) => {
      const out: V[] = [];
      while (r.remaining > 0) out.push(inner.read(r, name));
      return out;
    },
  };
}

/** Bytes left in the enclosing item after the declared fields; not significant, dropped. */
export const ignoredRest: Field<undefined> = {
  size: () => 0,
  write: () => undefined,
  read: (r) => {
    r.skip(r.remaining);
    return undefined;
  },
};

type Entry<T> = { [K in keyof T]-?: readonly [K, Field<T[K]>] }[keyof T] | Field<undefined>;
export type Layout<T> = ReadonlyArray<Entry<T>>;

/** A record encoded as the concatenation of its fields, in table order. */
export function struct<T extends object>(layout: Layout<T>): Field<T> {
  return {
    size: (v) => {
      let n = 0;
      for (const e of layout) n += Array.isArray(e) ? (e[1] as Field<unknown>).size(v[e[0] as keyof T]) : (e as Field<undefined>).size(undefined);
      return n;
    },
    write: (w, v) => {
      for (const e of layout) {
        if (Array.isArray(e)) (e[1] as Field<unknown>).write(w, v[e[0] as keyof T], String(e[0]));
        else (e as Field<undefined>).write(w, undefined, 'reserved');
      }
    },
    read: (r) => {
      const out: Record<string, unknown> = {};
      for (const e of layout) {
        if (Array.isArray(e)) {
          const key = String(e[0]);
          const value = (e[1] as Field<unknown>).read(r, key);
          if (value !== undefined) out[key] = value;
        } else {
          (e as Field<undefined>).read(r, 'reserved');
        }
      }
      return out as T;
    },
  };
}

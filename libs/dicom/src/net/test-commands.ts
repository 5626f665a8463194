// Test helper only: hand-built DIMSE command sets (implicit VR little endian, PS3.7 §E.1)
// for C-ECHO and C-STORE, so the network layer can be exercised before the real command
// codec exists. Not exported from the library.

type Value = { tag: number; us?: number; ui?: string };

function element(tag: number, value: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(tag >>> 16, 0);
  h.writeUInt16LE(tag & 0xffff, 2);
  h.writeUInt32LE(value.length, 4);
  return Buffer.concat([h, value]);
}

function encode(values: Value[]): Buffer {
  const body = Buffer.concat(
    values.map((v) => {
      if (v.ui !== undefined) {
        const s = v.ui.length % 2 === 1 ? `${v.ui}\0` : v.ui;
        return element(v.tag, Buffer.from(s, 'latin1'));
      }
      const b = Buffer.alloc(2);
      b.writeUInt16LE(v.us ?? 0, 0);
      return element(v.tag, b);
    }),
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length, 0);
  return Buffer.concat([element(0x00000000, len), body]);
}

/** Elements of a command set by tag ((group << 16) | element). */
export function parseCommand(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (let pos = 0; pos + 8 <= buf.length; ) {
    const tag = (buf.readUInt16LE(pos) << 16) | buf.readUInt16LE(pos + 2);
    const len = buf.readUInt32LE(pos + 4);
    out.set(tag >>> 0, buf.subarray(pos + 8, pos + 8 + len));
    pos += 8 + len;
  }
  return out;
}

export const commandField = (cmd: Map<number, Buffer>): number | undefined => cmd.get(0x00000100)?.readUInt16LE(0);
export const messageId = (cmd: Map<number, Buffer>): number | undefined => cmd.get(0x00000110)?.readUInt16LE(0);
export const status = (cmd: Map<number, Buffer>): number | undefined => cmd.get(0x00000900)?.readUInt16LE(0);
export const uid = (cmd: Map<number, Buffer>, tag: number): string | undefined =>
  cmd.get(tag)?.toString('latin1').replace(/\0+$/, '');

export const VERIFICATION = '1.2.840.10008.1.1';

export function cEchoRq(id: number): Buffer {
  return encode([
    { tag: 0x00000002, ui: VERIFICATION },
    { tag: 0x00000100, us: 0x0030 },
    { tag: 0x00000110, us: id },
    { tag: 0x00000800, us: 0x0101 },
  ]);
}

export function cEchoRsp(respondingTo: number): Buffer {
  return encode([
    { tag: 0x00000002, ui: VERIFICATION },
    { tag: 0x00000100, us: 0x8030 },
    { tag: 0x00000120, us: respondingTo },
    { tag: 0x00000800, us: 0x0101 },
    { tag: 0x00000900, us: 0x0000 },
  ]);
}

export function cStoreRsp(rq: Map<number, Buffer>, statusCode = 0): Buffer {
  return encode([
    { tag: 0x00000002, ui: uid(rq, 0x00000002) ?? '' },
    { tag: 0x00000100, us: 0x8001 },
    { tag: 0x00000120, us: messageId(rq) ?? 0 },
    { tag: 0x00000800, us: 0x0101 },
    { tag: 0x00000900, us: statusCode },
    { tag: 0x00001000, ui: uid(rq, 0x00001000) ?? '' },
  ]);
}

export function cStoreRq(id: number, sopClassUid: string, sopInstanceUid: string): Buffer {
  return encode([
    { tag: 0x00000002, ui: sopClassUid },
    { tag: 0x00000100, us: 0x0001 },
    { tag: 0x00000110, us: id },
    { tag: 0x00000700, us: 0x0000 },
    { tag: 0x00000800, us: 0x0000 },
    { tag: 0x00001000, ui: sopInstanceUid },
  ]);
}

/** A minimal explicit VR little endian data set with `pixelBytes` of OB pixel data. */
export function explicitLeDataset(sopClassUid: string, sopInstanceUid: string, pixelBytes: number): Buffer {
  const short = (group: number, elem: number, vr: string, value: string): Buffer => {
    const v = Buffer.from(value.length % 2 === 1 ? `${value}${vr === 'UI' ? '\0' : ' '}` : value, 'latin1');
    const h = Buffer.alloc(8);
    h.writeUInt16LE(group, 0);
    h.writeUInt16LE(elem, 2);
    h.write(vr, 4, 'latin1');
    h.writeUInt16LE(v.length, 6);
    return Buffer.concat([h, v]);
  };
  const pixels = Buffer.alloc(12);
  pixels.writeUInt16LE(0x7fe0, 0);
  pixels.writeUInt16LE(0x0010, 2);
  pixels.write('OB', 4, 'latin1');
  pixels.writeUInt32LE(pixelBytes, 8);
  const data = Buffer.alloc(pixelBytes);
  for (let i = 0; i < pixelBytes; i++) data[i] = i & 0xff;
  return Buffer.concat([
    short(0x0008, 0x0016, 'UI', sopClassUid),
    short(0x0008, 0x0018, 'UI', sopInstanceUid),
    short(0x0010, 0x0010, 'PN', 'Big^Store'),
    pixels,
    data,
  ]);
}

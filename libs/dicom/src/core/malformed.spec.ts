import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readDataSet } from './reader';
import { writeDataSet } from './writer';
import { DicomParseError } from './errors';
import { randomDataSet, seededRandom } from './testing/random-data-set';
import { TransferSyntaxUid } from './transfer-syntax';

const { ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian } = TransferSyntaxUid;

/** Parses, and requires that any failure is a DicomParseError (never RangeError or a crash). */
function parseOrParseError(bytes: Buffer, uid: string): DicomParseError | undefined {
  try {
    readDataSet(bytes, uid);
    return undefined;
  } catch (e) {
    if (e instanceof DicomParseError) return e;
    throw new assert.AssertionError({ message: `expected DicomParseError, got ${(e as Error)?.name}: ${(e as Error)?.message}` });
  }
}

function explicitLe(...parts: Array<string | number[]>): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
}

describe('malformed input → DicomParseError with offset and tag', () => {
  test('a value length beyond the end of the input', () => {
    // (0010,0010) PN length 0x0020 but only 4 bytes follow
    const bytes = explicitLe([0x10, 0x00, 0x10, 0x00], 'PN', [0x20, 0x00], 'ABCD');
    const err = parseOrParseError(bytes, ExplicitVRLittleEndian);
    assert.ok(err);
    assert.equal(err.reason, 'truncated');
    assert.equal(err.tag, 0x00100010);
    assert.equal(err.offset, 8);
  });

  test('length 0xFFFFFFFE on a non-SQ (OB) element', () => {
    const bytes = explicitLe([0x09, 0x00, 0x10, 0x10], 'OB', [0, 0, 0xfe, 0xff, 0xff, 0xff], 'xxxx');
    assert.equal(parseOrParseError(bytes, ExplicitVRLittleEndian)?.tag, 0x00091010);
    const implicit = Buffer.from([0x09, 0x00, 0x10, 0x10, 0xfe, 0xff, 0xff, 0xff, 1, 2]);
    assert.ok(parseOrParseError(implicit, ImplicitVRLittleEndian));
  });

  test('lengths above 2 GiB are unsigned, not negative', () => {
    const bytes = explicitLe([0x09, 0x00, 0x10, 0x10], 'OB', [0, 0, 0x00, 0x00, 0x00, 0x80], 'xxxx');
    const err = parseOrParseError(bytes, ExplicitVRLittleEndian);
    assert.equal(err?.needed, 12 + 0x80000000);
  });

  test('undefined length on a VR that cannot have it', () => {
    const bytes = explicitLe([0x10, 0x00, 0x10, 0x00], 'UT', [0, 0, 0xff, 0xff, 0xff, 0xff]);
    assert.equal(parseOrParseError(bytes, ExplicitVRLittleEndian)?.reason, 'undefined-length-not-allowed');
  });

  test('an element inside a defined-length item running past the item', () => {
    // (0040,0275) SQ len 16: item len 8 holding (0010,0020) LO len 10 → past the item end
    const bytes = explicitLe([0x40, 0x00, 0x75, 0x02], 'SQ', [0, 0, 16, 0, 0, 0], [0xfe, 0xff, 0x00, 0xe0, 8, 0, 0, 0], [0x10, 0x00, 0x20, 0x00], 'LO', [10, 0], 'abcdefghijkl');
    assert.equal(parseOrParseError(bytes, ExplicitVRLittleEndian)?.reason, 'length-beyond-end');
  });

  test('a delimiter where an element is expected', () => {
    const bytes = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
    assert.equal(parseOrParseError(bytes, ExplicitVRLittleEndian)?.reason, 'unexpected-tag');
  });

  test('sequences nested deeper than the limit', () => {
    const open = Buffer.from([0x40, 0x00, 0x75, 0x02, 0xff, 0xff, 0xff, 0xff, 0xfe, 0xff, 0x00, 0xe0, 0xff, 0xff, 0xff, 0xff]);
    const bytes = Buffer.concat(Array.from({ length: 200 }, () => open));
    assert.equal(parseOrParseError(bytes, ImplicitVRLittleEndian)?.reason, 'too-deep');
  });

  test('not a deflate stream', () => {
    assert.equal(parseOrParseError(Buffer.from('not deflate at all, really'), DeflatedExplicitVRLittleEndian)?.reason, 'inflate');
  });

  for (const uid of [ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian]) {
    test(`${uid}: every truncation of a valid data set parses or throws DicomParseError`, () => {
      for (let seed = 1; seed <= 4; seed++) {
        const bytes = writeDataSet(randomDataSet(seed, uid === ImplicitVRLittleEndian ? 'implicit' : 'explicit', { encapsulatedPixelData: true }), uid);
        let errors = 0;
        for (let cut = 0; cut < bytes.length; cut++) if (parseOrParseError(bytes.subarray(0, cut), uid)) errors++;
        assert.ok(errors > 0);
      }
    });

    test(`${uid}: random byte corruption parses or throws DicomParseError`, () => {
      const rnd = seededRandom(99);
      for (let seed = 1; seed <= 30; seed++) {
        const clean = writeDataSet(randomDataSet(seed, uid === ImplicitVRLittleEndian ? 'implicit' : 'explicit'), uid);
        for (let k = 0; k < 40; k++) {
          const bytes = Buffer.from(clean);
          for (let m = 0; m < 3; m++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
          parseOrParseError(bytes, uid);
        }
      }
    });
  }
});

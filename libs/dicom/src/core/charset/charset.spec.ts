import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeText } from './decode';
import { encodeText, parseSpecificCharacterSet, UnsupportedCharacterSetError } from './specific-character-set';
import { formatPersonName, parsePersonName } from './person-name';

const bytes = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');
const decode = (charset: string, raw: Buffer, vr = 'PN'): string => decodeText(raw, parseSpecificCharacterSet(charset), vr);

describe('PS3.5 Annex H: Japanese', () => {
  test('H.3.1 ISO 2022 IR 87 with escape sequences per component group', () => {
    const raw = bytes('Yamada^Tarou=\x1b$B;3ED\x1b(B^\x1b$BB@O:\x1b(B=\x1b$B$d$^$@\x1b(B^\x1b$B$?$m$&\x1b(B');
    assert.equal(decode('\\ISO 2022 IR 87', raw), 'Yamada^Tarou=山田^太郎=やまだ^たろう');
  });

  test('H.3.2 ISO 2022 IR 13 (katakana) with ISO 2022 IR 87', () => {
    const raw = Buffer.from('d4cfc0de5ec0dbb33d1b24423b3345441b284a5e1b244242404f3a1b284a3d1b24422464245e24401b284a5e1b2442243f246d24261b284a', 'hex');
    assert.equal(decode('ISO 2022 IR 13\\ISO 2022 IR 87', raw), 'ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう');
  });
});

describe('PS3.5 Annex I: Korean', () => {
  test('I.2 ISO 2022 IR 149 with designation escapes', () => {
    const raw = bytes('Hong^Gildong=\x1b$)C\xfb\xf3^\x1b$)C\xd1\xce\xd4\xd7=\x1b$)C\xc8\xab^\x1b$)C\xb1\xe6\xb5\xbf');
    assert.equal(decode('\\ISO 2022 IR 149', raw), 'Hong^Gildong=洪^吉洞=홍^길동');
  });
});

describe('PS3.5 Annex J: Chinese (UTF-8 and GB18030)', () => {
  test('J.1 ISO_IR 192', () => {
    assert.equal(decode('ISO_IR 192', Buffer.from('Wang^XiaoDong=王^小東=', 'utf8')), 'Wang^XiaoDong=王^小東=');
  });
  test('J.3 GB18030', () => {
    assert.equal(decode('GB18030', bytes('Wang^XiaoDong=\xcd\xf5^\xd0\xa1\xb6\xab=')), 'Wang^XiaoDong=王^小东=');
  });
});

describe('PS3.5 Annex K: Chinese ISO 2022 IR 58 (GB 2312)', () => {
  test('K.2 example', () => {
    assert.equal(decode('\\ISO 2022 IR 58', bytes('Zhang^XiaoDong=\x1b$)A\xd5\xc5^\x1b$)A\xd0\xa1\xb6\xab=')), 'Zhang^XiaoDong=张^小东=');
  });
});

describe('single-byte character sets (PS3.3 C.12.1.1.2, DICOM charset samples)', () => {
  const cases: Array<[string, string, string]> = [
    ['ISO_IR 100', 'Buc^J\xe9r\xf4me', 'Buc^Jérôme'],
    ['ISO_IR 101', 'Wi\xb6niewski^Ma\xb3gorzata', 'Wiśniewski^Małgorzata'],
    ['ISO_IR 144', '\xbb\xee\xdace\xdc\xd1yp\xd3', 'Люкceмбypг'],
    ['ISO_IR 127', '\xe2\xc8\xc7\xe6\xea^\xe4\xe6\xd2\xc7\xd1', 'قباني^لنزار'],
    ['ISO_IR 126', '\xc4\xe9\xef\xed\xf5\xf3\xe9\xef\xf2', 'Διονυσιος'],
    ['ISO_IR 138', '\xf9\xf8\xe5\xef^\xe3\xe1\xe5\xf8\xe4', 'שרון^דבורה'],
    ['ISO_IR 148', '\xc7avu\xfe^\xd0enol', 'Çavuş^Ğenol'],
    ['ISO_IR 166', '\xbb\xd2\xc2', 'ปาย'],
    ['ISO_IR 13', '\xd4\xcf\xc0\xde^\xc0\xdb\xb3', 'ﾔﾏﾀﾞ^ﾀﾛｳ'],
  ];
  for (const [charset, raw, text] of cases) {
    test(`${charset}: decode, and encode back to the same bytes`, () => {
      assert.equal(decode(charset, bytes(raw)), text);
      assert.ok(encodeText(text, [charset]).equals(bytes(raw)));
    });
  }

  test('ISO_IR 100 is ISO 8859-1 (0x80-0x9F are C1 controls, not windows-1252)', () => {
    assert.equal(decode('ISO_IR 100', bytes('\xe9\x80')).codePointAt(1), 0x80);
  });

  test('ASCII values take the fast path for any character set', () => {
    assert.equal(decode('GB18030', bytes('Doe^John')), 'Doe^John');
  });
});

describe('encoding', () => {
  test('ISO_IR 192 encodes UTF-8', () => {
    assert.ok(encodeText('山田^太郎', ['ISO_IR 192']).equals(Buffer.from('山田^太郎', 'utf8')));
  });
  test('a character outside the repertoire is an UnsupportedCharacterSetError', () => {
    assert.throws(() => encodeText('Jérôme', []), UnsupportedCharacterSetError);
    assert.throws(() => encodeText('山', ['ISO_IR 100']), UnsupportedCharacterSetError);
    assert.throws(() => encodeText('x', ['', 'ISO 2022 IR 87']), UnsupportedCharacterSetError);
  });
});

describe('PS3.5 §6.2.1 person names', () => {
  test('component groups and components', () => {
    const pn = parsePersonName('Yamada^Tarou=山田^太郎=やまだ^たろう');
    assert.equal(pn.alphabetic?.familyName, 'Yamada');
    assert.equal(pn.ideographic?.givenName, '太郎');
    assert.equal(pn.phonetic?.familyName, 'やまだ');
    assert.deepStrictEqual(parsePersonName('Wang^XiaoDong=王^小东='), parsePersonName('Wang^XiaoDong=王^小东'));
    assert.equal(parsePersonName('=山田^太郎').alphabetic, undefined);
    assert.equal(formatPersonName(parsePersonName('Adams^John Robert Quincy^^Rev.^B.A. M.Div.')), 'Adams^John Robert Quincy^^Rev.^B.A. M.Div.');
    assert.equal(formatPersonName({ alphabetic: { familyName: 'Doe', givenName: 'Jane', middleName: '', namePrefix: '', nameSuffix: '' } }), 'Doe^Jane');
  });

  test('(0008,0005) values', () => {
    assert.deepStrictEqual(parseSpecificCharacterSet('\\ISO 2022 IR 87'), ['', 'ISO 2022 IR 87']);
    assert.deepStrictEqual(parseSpecificCharacterSet('ISO_IR 100 '), ['ISO_IR 100']);
    assert.deepStrictEqual(parseSpecificCharacterSet(''), []);
  });
});

import { LineIndex, TemplateError, type SourcePos } from './errors';

// Splits a Go text/template source into text and actions, the way text/template's lexer
// does for the constructs of the supported subset: "{{- " and " -}}" trim markers, comments
// "{{/* */}}", and inside actions fields, variables, identifiers, string/raw-string/number/
// bool/nil literals, "|", "(", ")", ":=" and ",". Anything else is an error at its position.

export type Token =
  | { t: 'field'; path: string[]; pos: SourcePos }
  | { t: 'var'; name: string; path: string[]; pos: SourcePos }
  | { t: 'ident'; name: string; pos: SourcePos }
  | { t: 'string'; value: string; pos: SourcePos }
  | { t: 'number'; text: string; pos: SourcePos }
  | { t: 'bool'; value: boolean; pos: SourcePos }
  | { t: 'nil'; pos: SourcePos }
  | { t: 'pipe' | 'lparen' | 'rparen' | 'declare' | 'assign' | 'comma'; pos: SourcePos };

export type Item = { kind: 'text'; text: string } | { kind: 'action'; tokens: Token[]; pos: SourcePos };

const SPACE = new Set([' ', '\t', '\r', '\n']);
const isSpace = (c: string | undefined): boolean => c !== undefined && SPACE.has(c);
const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_]/;

function trimStartSpace(s: string): string {
  let i = 0;
  while (i < s.length && isSpace(s[i])) i++;
  return s.slice(i);
}

function trimEndSpace(s: string): string {
  let i = s.length;
  while (i > 0 && isSpace(s[i - 1])) i--;
  return s.slice(0, i);
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };

export function lex(file: string, src: string): Item[] {
  const lines = new LineIndex(file, src);
  const fail = (offset: number, reason: string): never => {
    throw new TemplateError(lines.pos(offset), reason);
  };
  const items: Item[] = [];
  let i = 0;
  let trimNextText = false;

  const pushText = (text: string, trimRightOfPrevious: boolean, trimLeft: boolean): void => {
    let t = text;
    if (trimRightOfPrevious) t = trimStartSpace(t);
    if (trimLeft) t = trimEndSpace(t);
    if (t.length > 0) items.push({ kind: 'text', text: t });
  };

  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      pushText(src.slice(i), trimNextText, false);
      break;
    }
    let p = open + 2;
    const trimLeft = src[p] === '-' && isSpace(src[p + 1]);
    if (trimLeft) p += 2;
    pushText(src.slice(i, open), trimNextText, trimLeft);

    if (src.startsWith('/*', p)) {
      const end = src.indexOf('*/', p + 2);
      if (end < 0) fail(open, 'unclosed comment');
      p = end + 2;
      if (src.startsWith(' -}}', p)) {
        trimNextText = true;
        i = p + 4;
      } else if (src.startsWith('}}', p)) {
        trimNextText = false;
        i = p + 2;
      } else {
        fail(p, 'comment ends before closing delimiter');
      }
      continue;
    }

    const tokens: Token[] = [];
    let closed = false;
    while (p < src.length) {
      const c = src[p] as string;
      if (c === '-' && src.startsWith('-}}', p) && isSpace(src[p - 1])) {
        trimNextText = true;
        p += 3;
        closed = true;
        break;
      }
      if (c === '}' && src.startsWith('}}', p)) {
        trimNextText = false;
        p += 2;
        closed = true;
        break;
      }
      if (isSpace(c)) {
        p++;
        continue;
      }
      const pos = lines.pos(p);
      if (c === '|') {
        tokens.push({ t: 'pipe', pos });
        p++;
      } else if (c === '(') {
        tokens.push({ t: 'lparen', pos });
        p++;
      } else if (c === ')') {
        tokens.push({ t: 'rparen', pos });
        p++;
      } else if (c === ',') {
        tokens.push({ t: 'comma', pos });
        p++;
      } else if (c === ':' && src[p + 1] === '=') {
        tokens.push({ t: 'declare', pos });
        p += 2;
      } else if (c === '=') {
        tokens.push({ t: 'assign', pos });
        p++;
      } else if (c === '"') {
        let value = '';
        p++;
        for (;;) {
          const d = src[p];
          if (d === undefined || d === '\n') fail(p, 'unterminated quoted string');
          if (d === '"') {
            p++;
            break;
          }
          if (d === '\\') {
            const e = src[p + 1] as string;
            if (e in SIMPLE_ESCAPES) {
              value += SIMPLE_ESCAPES[e];
              p += 2;
            } else if (e === 'x' || e === 'u') {
              const n = e === 'x' ? 2 : 4;
              const hex = src.slice(p + 2, p + 2 + n);
              if (!new RegExp(`^[0-9A-Fa-f]{${String(n)}}$`).test(hex)) fail(p, `bad \\${e} escape in string`);
              value += String.fromCodePoint(parseInt(hex, 16));
              p += 2 + n;
            } else {
              fail(p, `escape \\${e} is outside the supported subset`);
            }
            continue;
          }
          value += d;
          p++;
        }
        tokens.push({ t: 'string', value, pos });
      } else if (c === '`') {
        const end = src.indexOf('`', p + 1);
        if (end < 0) fail(p, 'unterminated raw string');
        tokens.push({ t: 'string', value: src.slice(p + 1, end), pos });
        p = end + 1;
      } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[p + 1] ?? ''))) {
        const m = /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(p));
        const text = (m as RegExpExecArray)[0];
        if (IDENT_CHAR.test(src[p + text.length] ?? '')) fail(p, `bad number syntax: ${src.slice(p, p + text.length + 1)}`);
        tokens.push({ t: 'number', text, pos });
        p += text.length;
      } else if (c === '.' || c === '$') {
        let name = '';
        if (c === '$') {
          p++;
          while (IDENT_CHAR.test(src[p] ?? '')) name += src[p++];
        }
        const path: string[] = [];
        if (c === '.' && !IDENT_START.test(src[p + 1] ?? '')) {
          p++; // "." alone: the current value
        }
        while (src[p] === '.' && IDENT_START.test(src[p + 1] ?? '')) {
          p++;
          let seg = '';
          while (IDENT_CHAR.test(src[p] ?? '')) seg += src[p++];
          path.push(seg);
        }
        if (src[p] === '.') fail(p, 'a field name must follow "."');
        tokens.push(c === '$' ? { t: 'var', name, path, pos } : { t: 'field', path, pos });
      } else if (IDENT_START.test(c)) {
        let name = '';
        while (IDENT_CHAR.test(src[p] ?? '')) name += src[p++];
        if (src[p] === '.') fail(p, `field access on "${name}" is outside the supported subset`);
        if (name === 'true' || name === 'false') tokens.push({ t: 'bool', value: name === 'true', pos });
        else if (name === 'nil') tokens.push({ t: 'nil', pos });
        else tokens.push({ t: 'ident', name, pos });
      } else {
        fail(p, `character ${JSON.stringify(c)} is outside the supported template subset`);
      }
    }
    if (!closed) fail(open, 'unclosed action: missing "}}"');
    if (tokens.length === 0) fail(open, 'empty action');
    items.push({ kind: 'action', tokens, pos: lines.pos(open) });
    i = p;
  }
  return items;
}

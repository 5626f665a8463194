import { TemplateError, type SourcePos } from './errors';
import { lex, type Item, type Token } from './lexer';

// Builds the syntax tree of the supported subset: text, {{ pipeline }}, {{ $v := pipeline }},
// if / else if / else, with / else, range (with "$v :=" or "$k, $v :=") / else, define.
// Keywords of text/template outside the subset (template, block, break, continue, else with)
// and functions outside the function table are rejected here, at parse time, with their
// position, so a chart cannot silently rely on something the renderer does not implement.

export type Operand =
  | { k: 'field'; path: string[]; pos: SourcePos }
  | { k: 'var'; name: string; path: string[]; pos: SourcePos }
  | { k: 'lit'; value: unknown; pos: SourcePos }
  | { k: 'func'; name: string; pos: SourcePos }
  | { k: 'sub'; pipe: Pipeline; pos: SourcePos };

export interface Command {
  args: Operand[];
  pos: SourcePos;
}

export interface Pipeline {
  decl: string[];
  cmds: Command[];
  pos: SourcePos;
}

export type Node =
  | { k: 'text'; text: string }
  | { k: 'out'; pipe: Pipeline }
  | { k: 'if'; cond: Pipeline; then: Node[]; else: Node[] }
  | { k: 'with'; pipe: Pipeline; then: Node[]; else: Node[] }
  | { k: 'range'; pipe: Pipeline; then: Node[]; else: Node[] };

export interface ParsedTemplate {
  file: string;
  body: Node[];
  defines: Map<string, { body: Node[]; pos: SourcePos }>;
}

const UNSUPPORTED_KEYWORDS = new Set(['template', 'block', 'break', 'continue']);

interface Terminator {
  kw: 'else' | 'end';
  tokens: Token[];
  pos: SourcePos;
}

/** Parses one template file; `functions` are the names a command may call. */
export function parseTemplate(file: string, src: string, functions: ReadonlySet<string>): ParsedTemplate {
  const items = lex(file, src);
  const defines = new Map<string, { body: Node[]; pos: SourcePos }>();
  let idx = 0;

  const keywordOf = (item: Item): string | undefined =>
    item.kind === 'action' && item.tokens[0]?.t === 'ident' ? item.tokens[0].name : undefined;

  function parseNodes(stop: ReadonlySet<string>, opener: { what: string; pos: SourcePos } | undefined, depth: number): { nodes: Node[]; term?: Terminator } {
    const nodes: Node[] = [];
    while (idx < items.length) {
      const item = items[idx++] as Item;
      if (item.kind === 'text') {
        nodes.push({ k: 'text', text: item.text });
        continue;
      }
      const kw = keywordOf(item);
      const rest = item.tokens.slice(1);
      if (kw === 'end' || kw === 'else') {
        if (!stop.has(kw)) throw new TemplateError(item.pos, `unexpected {{${kw}}}`);
        if (kw === 'end' && rest.length > 0) throw new TemplateError(item.pos, 'unexpected tokens after {{end}}');
        return { nodes, term: { kw, tokens: rest, pos: item.pos } };
      }
      if (kw !== undefined && UNSUPPORTED_KEYWORDS.has(kw)) {
        throw new TemplateError(item.pos, `{{${kw}}} is outside the supported template subset`);
      }
      if (kw === 'if') nodes.push(parseIf(rest, item.pos, depth));
      else if (kw === 'with' || kw === 'range') nodes.push(parseWithOrRange(kw, rest, item.pos, depth));
      else if (kw === 'define') parseDefine(rest, item.pos, depth);
      else nodes.push({ k: 'out', pipe: parsePipeline(item.tokens, item.pos, 'single') });
    }
    if (opener) throw new TemplateError(opener.pos, `unexpected end of file: {{${opener.what}}} has no {{end}}`);
    return { nodes };
  }

  function parseIf(condTokens: Token[], pos: SourcePos, depth: number): Node {
    const cond = parsePipeline(condTokens, pos, 'single');
    const body = parseNodes(new Set(['else', 'end']), { what: 'if', pos }, depth + 1);
    const term = body.term as Terminator;
    if (term.kw === 'end') return { k: 'if', cond, then: body.nodes, else: [] };
    const first = term.tokens[0];
    if (first?.t === 'ident' && first.name === 'if') {
      return { k: 'if', cond, then: body.nodes, else: [parseIf(term.tokens.slice(1), term.pos, depth)] };
    }
    if (term.tokens.length > 0) throw new TemplateError(term.pos, '{{else}} followed by anything but "if" is outside the supported subset');
    const elseBody = parseNodes(new Set(['end']), { what: 'if', pos }, depth + 1);
    return { k: 'if', cond, then: body.nodes, else: elseBody.nodes };
  }

  function parseWithOrRange(kw: 'with' | 'range', tokens: Token[], pos: SourcePos, depth: number): Node {
    const pipe = parsePipeline(tokens, pos, kw === 'range' ? 'range' : 'single');
    const body = parseNodes(new Set(['else', 'end']), { what: kw, pos }, depth + 1);
    const term = body.term as Terminator;
    let elseNodes: Node[] = [];
    if (term.kw === 'else') {
      if (term.tokens.length > 0) throw new TemplateError(term.pos, `{{else ...}} inside {{${kw}}} is outside the supported subset`);
      elseNodes = parseNodes(new Set(['end']), { what: kw, pos }, depth + 1).nodes;
    }
    return { k: kw, pipe, then: body.nodes, else: elseNodes };
  }

  function parseDefine(tokens: Token[], pos: SourcePos, depth: number): void {
    if (depth > 0) throw new TemplateError(pos, '{{define}} is only allowed at the top level');
    const name = tokens[0];
    if (name?.t !== 'string' || tokens.length !== 1) throw new TemplateError(pos, '{{define}} takes exactly one quoted name');
    if (defines.has(name.value)) throw new TemplateError(pos, `template "${name.value}" is defined twice in this file`);
    const body = parseNodes(new Set(['end']), { what: 'define', pos }, depth + 1);
    defines.set(name.value, { body: body.nodes, pos });
  }

  function parsePipeline(tokens: Token[], pos: SourcePos, declMode: 'single' | 'range'): Pipeline {
    let i = 0;
    const decl: string[] = [];
    const t0 = tokens[0];
    const t1 = tokens[1];
    if (t0?.t === 'var' && t0.path.length === 0 && (t1?.t === 'declare' || t1?.t === 'comma' || t1?.t === 'assign')) {
      if (t1.t === 'assign') throw new TemplateError(t1.pos, 'variable assignment "=" is outside the supported subset (declare with ":=")');
      if (t1.t === 'comma') {
        const t2 = tokens[2];
        const t3 = tokens[3];
        if (declMode !== 'range' || t2?.t !== 'var' || t2.path.length > 0 || t3?.t !== 'declare') {
          throw new TemplateError(t1.pos, 'two variables are only allowed in "range $k, $v := ..."');
        }
        decl.push(t0.name, t2.name);
        i = 4;
      } else {
        decl.push(t0.name);
        i = 2;
      }
      for (const name of decl) if (name === '') throw new TemplateError(t0.pos, 'cannot declare "$"');
    }
    const { pipe, next } = parseCommands(tokens, i, pos, false);
    if (next !== tokens.length) throw new TemplateError((tokens[next] as Token).pos, 'unexpected ")"');
    return { ...pipe, decl };
  }

  function parseCommands(tokens: Token[], start: number, pos: SourcePos, inParens: boolean): { pipe: Pipeline; next: number } {
    const cmds: Command[] = [];
    let args: Operand[] = [];
    let i = start;
    let cmdPos = tokens[i]?.pos ?? pos;
    const endCommand = (at: SourcePos): void => {
      if (args.length === 0) throw new TemplateError(at, 'missing command in pipeline');
      cmds.push({ args, pos: cmdPos });
      args = [];
    };
    while (i < tokens.length) {
      const tok = tokens[i] as Token;
      if (tok.t === 'rparen') {
        if (!inParens) throw new TemplateError(tok.pos, 'unexpected ")"');
        break;
      }
      i++;
      switch (tok.t) {
        case 'pipe':
          endCommand(tok.pos);
          cmdPos = tokens[i]?.pos ?? tok.pos;
          break;
        case 'lparen': {
          const sub = parseCommands(tokens, i, tok.pos, true);
          if (tokens[sub.next]?.t !== 'rparen') throw new TemplateError(tok.pos, 'unclosed "("');
          const close = tokens[sub.next] as Token;
          i = sub.next + 1;
          const after = tokens[i];
          const adjacent = after !== undefined && after.pos.line === close.pos.line && after.pos.col === close.pos.col + 1;
          if (after && after.t === 'field' && adjacent) throw new TemplateError(after.pos, 'field access on a parenthesized pipeline is outside the supported subset');
          args.push({ k: 'sub', pipe: sub.pipe, pos: tok.pos });
          break;
        }
        case 'field':
          args.push({ k: 'field', path: tok.path, pos: tok.pos });
          break;
        case 'var':
          args.push({ k: 'var', name: tok.name, path: tok.path, pos: tok.pos });
          break;
        case 'string':
          args.push({ k: 'lit', value: tok.value, pos: tok.pos });
          break;
        case 'bool':
          args.push({ k: 'lit', value: tok.value, pos: tok.pos });
          break;
        case 'nil':
          args.push({ k: 'lit', value: null, pos: tok.pos });
          break;
        case 'number':
          // Go templates keep integer constants as int and the rest as float64.
          args.push({ k: 'lit', value: /^-?[0-9]+$/.test(tok.text) ? BigInt(tok.text) : Number(tok.text), pos: tok.pos });
          break;
        case 'ident':
          if (['if', 'else', 'end', 'range', 'with', 'define'].includes(tok.name) || UNSUPPORTED_KEYWORDS.has(tok.name)) {
            throw new TemplateError(tok.pos, `keyword "${tok.name}" cannot appear inside a pipeline`);
          }
          if (!functions.has(tok.name)) {
            throw new TemplateError(tok.pos, `function "${tok.name}" is outside the supported template subset (supported: ${[...functions].sort().join(', ')})`);
          }
          args.push({ k: 'func', name: tok.name, pos: tok.pos });
          break;
        default:
          throw new TemplateError(tok.pos, `unexpected "${tok.t === 'declare' ? ':=' : tok.t === 'assign' ? '=' : ','}" in pipeline`);
      }
    }
    endCommand(tokens[i]?.pos ?? pos);
    return { pipe: { decl: [], cmds, pos }, next: i };
  }

  const { nodes } = parseNodes(new Set(), undefined, 0);
  return { file, body: nodes, defines };
}

import { TemplateError, formatPos, type SourcePos } from './errors';
import { FUNCTIONS, FUNCTION_NAMES, LAZY_FUNCTIONS, type CallContext } from './functions';
import { GoTypeError, formatValue, isMap, isTrue, kindOf, type GoMap, type GoValue } from './go-values';
import { parseTemplate, type Command, type Node, type Operand, type Pipeline } from './parser';

// Executes parsed templates. Field access is strict, as with `helm lint --strict`: a key
// missing from a map is an error rather than Helm's empty output, because every value the
// chart reads is declared in values.yaml and a miss can only be a typo in a template.

const MAX_INCLUDE_DEPTH = 100;

/** A nil printed by a template: Helm prints "<no value>" and then deletes that text. */
const NIL_TEXT = '';

interface Scope {
  vars: Map<string, GoValue>;
  parent: Scope | undefined;
}

function lookupVar(scope: Scope | undefined, name: string): GoValue | undefined {
  for (let s = scope; s; s = s.parent) if (s.vars.has(name)) return s.vars.get(name);
  return undefined;
}

const child = (parent: Scope): Scope => ({ vars: new Map(), parent });

/** A set of template files sharing one namespace of {{define}}d templates, as Helm parses a chart. */
export class TemplateSet {
  private readonly files = new Map<string, Node[]>();
  private readonly defines = new Map<string, { body: Node[]; pos: SourcePos }>();
  private readonly includeStack: string[] = [];

  /** Parses a file and registers its defines; a name defined twice across files is an error. */
  add(file: string, source: string): void {
    const parsed = parseTemplate(file, source, FUNCTION_NAMES);
    for (const [name, def] of parsed.defines) {
      const existing = this.defines.get(name);
      if (existing) throw new TemplateError(def.pos, `template "${name}" is already defined at ${formatPos(existing.pos)}`);
      this.defines.set(name, def);
    }
    this.files.set(file, parsed.body);
  }

  /** Renders one file with `data` as "." and "$". */
  execute(file: string, data: GoValue): string {
    const body = this.files.get(file);
    if (!body) throw new Error(`template file ${file} was not added`);
    return this.run(body, data);
  }

  private run(body: Node[], data: GoValue): string {
    const out: string[] = [];
    this.exec(body, data, { vars: new Map([['', data]]), parent: undefined }, out);
    return out.join('');
  }

  private readonly ctx: CallContext = {
    include: (name, data) => {
      const def = this.defines.get(name);
      if (!def) throw new GoTypeError(`include: no template "${name}" is defined`);
      if (this.includeStack.length >= MAX_INCLUDE_DEPTH) throw new GoTypeError(`include: nesting deeper than ${String(MAX_INCLUDE_DEPTH)} (recursive "${name}"?)`);
      this.includeStack.push(`include "${name}" (defined at ${formatPos(def.pos)})`);
      try {
        return this.run(def.body, data);
      } finally {
        this.includeStack.pop();
      }
    },
  };

  private fail(pos: SourcePos, reason: string): never {
    throw new TemplateError(pos, reason, [...this.includeStack].reverse());
  }

  private exec(nodes: Node[], dot: GoValue, scope: Scope, out: string[]): void {
    for (const node of nodes) {
      switch (node.k) {
        case 'text':
          out.push(node.text);
          break;
        case 'out': {
          const v = this.pipeline(node.pipe, dot, scope);
          if (node.pipe.decl.length > 0) break;
          try {
            out.push(formatValue(v, NIL_TEXT));
          } catch (err) {
            this.rethrow(err, node.pipe.pos);
          }
          break;
        }
        case 'if': {
          const inner = child(scope);
          const v = this.pipeline(node.cond, dot, inner);
          this.exec(isTrue(v) ? node.then : node.else, dot, inner, out);
          break;
        }
        case 'with': {
          const inner = child(scope);
          const v = this.pipeline(node.pipe, dot, inner);
          if (isTrue(v)) this.exec(node.then, v, inner, out);
          else this.exec(node.else, dot, inner, out);
          break;
        }
        case 'range':
          this.range(node, dot, scope, out);
          break;
      }
    }
  }

  private range(node: Extract<Node, { k: 'range' }>, dot: GoValue, scope: Scope, out: string[]): void {
    const inner = child(scope);
    const decl = node.pipe.decl;
    const v = this.pipeline({ ...node.pipe, decl: [] }, dot, inner);
    const entries: [GoValue, GoValue][] = [];
    const kind = kindOf(v);
    if (kind === 'slice') (v as GoValue[]).forEach((e, i) => entries.push([BigInt(i), e]));
    else if (kind === 'map') {
      // Go ranges over a map in sorted key order.
      for (const key of Object.keys(v as GoMap).sort()) entries.push([key, (v as GoMap)[key] as GoValue]);
    } else if (kind !== 'nil') this.fail(node.pipe.pos, `range can't iterate over a ${kind}`);
    if (entries.length === 0) {
      this.exec(node.else, dot, inner, out);
      return;
    }
    for (const [key, elem] of entries) {
      const iteration = child(inner);
      if (decl.length === 1) iteration.vars.set(decl[0] as string, elem);
      if (decl.length === 2) {
        iteration.vars.set(decl[0] as string, key);
        iteration.vars.set(decl[1] as string, elem);
      }
      this.exec(node.then, elem, iteration, out);
    }
  }

  private rethrow(err: unknown, pos: SourcePos): never {
    if (err instanceof TemplateError) throw err;
    if (err instanceof GoTypeError) this.fail(pos, err.message);
    throw err;
  }

  private pipeline(pipe: Pipeline, dot: GoValue, scope: Scope): GoValue {
    let value: GoValue | undefined;
    for (const cmd of pipe.cmds) value = this.command(cmd, dot, scope, value);
    const result = value === undefined ? null : value;
    for (const name of pipe.decl) scope.vars.set(name, result);
    return result;
  }

  private command(cmd: Command, dot: GoValue, scope: Scope, piped: GoValue | undefined): GoValue {
    const [head, ...rest] = cmd.args as [Operand, ...Operand[]];
    if (head.k === 'func') {
      const thunks = rest.map((a) => () => this.operand(a, dot, scope));
      if (piped !== undefined) thunks.push(() => piped);
      try {
        const lazy = LAZY_FUNCTIONS[head.name];
        if (lazy) return lazy(thunks);
        const fn = FUNCTIONS[head.name];
        if (!fn) return this.fail(head.pos, `function "${head.name}" not defined`);
        return fn(
          thunks.map((t) => t()),
          this.ctx,
        );
      } catch (err) {
        return this.rethrow(err, head.pos);
      }
    }
    if (rest.length > 0 || piped !== undefined) this.fail(cmd.pos, `can't give argument to non-function ${describe(head)}`);
    return this.operand(head, dot, scope);
  }

  private operand(op: Operand, dot: GoValue, scope: Scope): GoValue {
    switch (op.k) {
      case 'lit':
        return op.value as GoValue;
      case 'sub':
        return this.pipeline(op.pipe, dot, scope);
      case 'func':
        return this.command({ args: [op], pos: op.pos }, dot, scope, undefined);
      case 'field':
        return this.walk(dot, op.path, op.pos, '.');
      case 'var': {
        const base = lookupVar(scope, op.name);
        if (base === undefined) this.fail(op.pos, `undefined variable "$${op.name}"`);
        return this.walk(base, op.path, op.pos, `$${op.name}`);
      }
    }
  }

  private walk(base: GoValue, path: string[], pos: SourcePos, baseName: string): GoValue {
    let v = base;
    let where = baseName;
    for (const key of path) {
      if (v === null) this.fail(pos, `nil pointer evaluating ${where}.${key}`);
      if (!isMap(v)) this.fail(pos, `can't evaluate field ${key} in ${where} of type ${kindOf(v)}`);
      if (!Object.prototype.hasOwnProperty.call(v, key)) {
        const known = Object.keys(v).sort().join(', ');
        this.fail(pos, `map has no entry for key "${key}" at ${where === '.' ? '' : where}.${key} (keys: ${known || 'none'})`);
      }
      v = v[key] as GoValue;
      where = where === '.' ? `.${key}` : `${where}.${key}`;
    }
    return v;
  }
}

function describe(op: Operand): string {
  switch (op.k) {
    case 'field':
      return `.${op.path.join('.')}`;
    case 'var':
      return `$${op.name}${op.path.map((p) => `.${p}`).join('')}`;
    case 'lit':
      return JSON.stringify(typeof op.value === 'bigint' ? op.value.toString() : op.value);
    default:
      return op.k;
  }
}

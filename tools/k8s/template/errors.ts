/** Where a template construct sits: file name and 1-based line and column. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export function formatPos(pos: SourcePos): string {
  return `${pos.file}:${String(pos.line)}:${String(pos.col)}`;
}

/**
 * A template that cannot be parsed or executed within the supported subset. The message
 * starts with file:line:col so a failing test points at the template, not at the renderer.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    readonly pos: SourcePos,
    readonly reason: string,
    /** include calls that led here, innermost first */
    readonly includeStack: readonly string[] = [],
  ) {
    super(`${formatPos(pos)}: ${reason}${includeStack.map((s) => `\n  in ${s}`).join('')}`);
  }
}

/** Maps string offsets to line/column once per source text. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(
    readonly file: string,
    text: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  pos(offset: number): SourcePos {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: offset - (this.starts[lo] as number) + 1 };
  }
}

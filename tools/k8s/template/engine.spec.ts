import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TemplateSet } from './engine';
import { TemplateError } from './errors';
import { formatFloat64, goQuote } from './go-values';
import type { GoMap } from './go-values';

// Expected outputs are what Helm 3 (Go text/template + Sprig) prints for the same template
// and values; where Helm would print garbage the engine must refuse instead.

function render(source: string, values: GoMap = {}, defines = ''): string {
  const set = new TemplateSet();
  if (defines) set.add('templates/_helpers.tpl', defines);
  set.add('templates/t.yaml', source);
  return set.execute('templates/t.yaml', { Values: values, Release: { Name: 'rel', Namespace: 'ns' } });
}

function rejects(source: string, pattern: RegExp, values: GoMap = {}): void {
  assert.throws(
    () => render(source, values),
    (err: unknown) => err instanceof TemplateError && pattern.test(err.message),
  );
}

describe('text and actions', () => {
  test('"{{- " trims whitespace before, " -}}" after, newlines included', () => {
    assert.equal(render('a  \n  {{- "b" -}}  \n  c'), 'abc');
    assert.equal(render('a {{ "b" }} c'), 'a b c');
  });

  test('a "-" not followed by a space is a negative number, not a trim marker', () => {
    assert.equal(render('x{{-3}}'), 'x-3');
  });

  test('comments print nothing and may trim', () => {
    assert.equal(render('a\n{{- /* note */ -}}\nb'), 'ab');
    assert.equal(render('a{{/* note */}}b'), 'ab');
  });

  test('field chains read nested values; "$" is the root inside range and with', () => {
    const out = render('{{ range .Values.items }}{{ . }}@{{ $.Release.Name }} {{ end }}', { items: ['x', 'y'] });
    assert.equal(out, 'x@rel y@rel ');
  });
});

describe('control structures', () => {
  test('if / else if / else picks the first true branch; empty string, 0, empty list and map are false', () => {
    const t = '{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}';
    assert.equal(render(t, { a: 'x', b: true }), 'A');
    assert.equal(render(t, { a: '', b: true }), 'B');
    for (const falsy of [0, '', [], {}, false, null]) assert.equal(render(t, { a: falsy, b: falsy }), 'C');
  });

  test('with sets "." to a true value and runs else otherwise', () => {
    const t = '{{ with .Values.m }}{{ .k }}{{ else }}none{{ end }}';
    assert.equal(render(t, { m: { k: 'v' } }), 'v');
    assert.equal(render(t, { m: {} }), 'none');
  });

  test('range over a map visits keys in sorted order, like Go', () => {
    assert.equal(render('{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}', { m: { b: '2', a: '1', c: '3' } }), 'a=1;b=2;c=3;');
  });

  test('range over a list gives int indexes; an empty list runs else', () => {
    assert.equal(render('{{ range $i, $v := .Values.l }}{{ $i }}:{{ $v }} {{ end }}', { l: ['a', 'b'] }), '0:a 1:b ');
    assert.equal(render('{{ range .Values.l }}x{{ else }}empty{{ end }}', { l: [] }), 'empty');
  });

  test('variables are scoped to the block that declares them', () => {
    assert.equal(render('{{ $x := "outer" }}{{ if true }}{{ $x := "inner" }}{{ $x }}{{ end }} {{ $x }}'), 'inner outer');
    rejects('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}', /undefined variable "\$y"/);
  });

  test('define and include share one namespace across files; include returns text for pipelines', () => {
    const out = render('{{ include "greet" .Values | quote }}', { who: 'you' }, '{{- define "greet" -}}hi {{ .who }}{{- end -}}');
    assert.equal(out, '"hi you"');
  });
});

describe('functions with Sprig semantics', () => {
  test('default replaces empty values only', () => {
    assert.equal(render('{{ default "d" .Values.a }}|{{ default "d" .Values.b }}|{{ default "d" .Values.c }}', { a: '', b: 'set', c: 0 }), 'd|set|d');
  });

  test('quote escapes like strconv.Quote and skips nil', () => {
    assert.equal(render('{{ quote .Values.s }}', { s: 'say "hi"\n\\' }), '"say \\"hi\\"\\n\\\\"');
    assert.equal(render('[{{ quote .Values.n }}]', { n: null }), '[]');
    assert.equal(goQuote('é\u0007'), '"é\\a"');
  });

  test('toYaml sorts keys and quotes strings YAML 1.1 would misread; nindent indents every line', () => {
    const out = render('x:{{ toYaml .Values.m | nindent 2 }}', { m: { z: 'on', a: ['1', 2] } });
    assert.equal(out, 'x:\n  a:\n  - "1"\n  - 2\n  z: "on"');
  });

  test('printf supports %s %d %v %q and refuses mismatched verbs instead of printing %!d(float64=...)', () => {
    assert.equal(render('{{ printf "%s-%d-%v-%q" "a" 3 .Values.f "q" }}', { f: 1.5 }), 'a-3-1.5-"q"');
    rejects('{{ printf "%d" .Values.n }}', /%d of a float64/, { n: 3 });
    rejects('{{ printf "%s" .Values.n }}', /%s of a float64/, { n: 3 });
    rejects('{{ printf "%x" "a" }}', /verb %x is outside the supported subset/);
    rejects('{{ printf "%s %s" "a" }}', /missing argument/);
  });

  test('add and mul yield int64, so large results print in full', () => {
    assert.equal(render('{{ mul .Values.s 1000 }} {{ add .Values.s 5 1 }}', { s: 1800 }), '1800000 1806');
  });

  test('dict builds a map that include and range can use', () => {
    assert.equal(render('{{ range $k, $v := dict "b" 2 "a" 1 }}{{ $k }}{{ $v }}{{ end }}'), 'a1b2');
    rejects('{{ dict "a" }}', /odd number of arguments/);
  });

  test('trunc, trimSuffix and contains behave as in Sprig (argument order included)', () => {
    assert.equal(render('{{ "abcdef" | trunc 3 }} {{ trunc -2 "abcdef" }} {{ "name-" | trimSuffix "-" }} {{ contains "cd" "abcd" }}'), 'abc ef name true');
  });

  test('and/or return the deciding value and do not evaluate past it', () => {
    assert.equal(render('{{ or .Values.a "fallback" }} {{ and .Values.b .Values.c }}', { a: '', b: 'x', c: 'y' }), 'fallback y');
    assert.equal(render('{{ and false .Values.missing }}', {}), 'false');
  });

  test('sha256sum of a string is its hex digest', () => {
    assert.equal(render('{{ sha256sum "abc" }}'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('Helm number semantics', () => {
  test('numbers from values are float64: 1e6 and above print in exponent form, as Helm does', () => {
    assert.equal(render('{{ .Values.a }} {{ .Values.b }} {{ .Values.c }} {{ .Values.d }}', { a: 999999, b: 1000000, c: 16777216, d: 0.5 }), '999999 1e+06 1.6777216e+07 0.5');
    assert.equal(formatFloat64(1e-5), '1e-05');
    assert.equal(formatFloat64(123456.5), '123456.5');
  });

  test('eq refuses to compare a float64 from values with an int constant', () => {
    rejects('{{ eq .Values.n 2 }}', /incompatible types for comparison \(float64 and int\)/, { n: 2 });
    assert.equal(render('{{ eq .Values.s "a" "b" }}', { s: 'b' }), 'true');
  });

  test('int parameters refuse float64 values', () => {
    rejects('{{ "x" | nindent .Values.n }}', /nindent: wrong type for spaces; expected int; got float64/, { n: 2 });
  });
});

describe('outside the subset: clear errors with positions', () => {
  test('an unsupported function fails at parse time with file:line:col and the supported list', () => {
    assert.throws(
      () => render('ok\n  {{ .Values.a | upper }}', { a: 'x' }),
      (err: unknown) => err instanceof TemplateError && err.message.startsWith('templates/t.yaml:2:18: function "upper" is outside the supported template subset'),
    );
  });

  test('unsupported keywords and forms are rejected', () => {
    rejects('{{ template "x" . }}', /\{\{template\}\} is outside the supported template subset/);
    rejects('{{ block "x" . }}{{ end }}', /\{\{block\}\}/);
    rejects('{{ range .Values.l }}{{ break }}{{ end }}', /\{\{break\}\}/, { l: [1] });
    rejects('{{ $x := 1 }}{{ $x = 2 }}', /assignment "=" is outside the supported subset/);
    rejects("{{ 'c' }}", /character "'" is outside the supported template subset/);
    rejects('{{ with .Values.a }}{{ else with .Values.b }}{{ end }}', /\{\{else \.\.\.\}\} inside \{\{with\}\}/, { a: 1, b: 1 });
    rejects('{{ (dict "a" 1).a }}', /field access on a parenthesized pipeline/);
  });

  test('a missing key is an error, not an empty string (strict, like helm lint --strict)', () => {
    rejects('{{ .Values.replicaCount }}', /map has no entry for key "replicaCount" at \.Values\.replicaCount \(keys: replicas\)/, { replicas: 1 });
    rejects('{{ .Values.a.b }}', /nil pointer evaluating \.Values\.a\.b/, { a: null });
  });

  test('printing a map or list is refused (Go would print map[...] into the manifest)', () => {
    rejects('{{ .Values.m }}', /cannot print a map/, { m: { a: 1 } });
  });

  test('unbalanced blocks report where they opened', () => {
    rejects('a\n{{ if true }}b', /t\.yaml:2:1: unexpected end of file: \{\{if\}\} has no \{\{end\}\}/);
    rejects('{{ end }}', /unexpected \{\{end\}\}/);
  });

  test('errors inside an include name the include chain', () => {
    assert.throws(
      () => render('{{ include "outer" . }}', {}, '{{- define "outer" -}}{{ include "inner" . }}{{- end -}}\n{{- define "inner" -}}{{ .Values.nope }}{{- end -}}'),
      (err: unknown) => err instanceof TemplateError && /_helpers\.tpl:2:.*no entry for key "nope"[\s\S]*in include "inner"[\s\S]*in include "outer"/.test(err.message),
    );
  });

  test('a template defined twice is an error', () => {
    const set = new TemplateSet();
    set.add('templates/_a.tpl', '{{ define "x" }}1{{ end }}');
    assert.throws(() => set.add('templates/_b.tpl', '{{ define "x" }}2{{ end }}'), /template "x" is already defined at templates\/_a\.tpl:1:1/);
  });
});

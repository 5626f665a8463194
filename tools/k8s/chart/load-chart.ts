import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import type { GoMap } from '../template/go-values';

/** The Chart.yaml fields templates may read as .Chart (Helm exposes them capitalized). */
export interface ChartMetadata {
  Name: string;
  Version: string;
  AppVersion: string;
  Description: string;
  Type: string;
  KubeVersion: string;
}

export interface ChartTemplateFile {
  /** path relative to the chart directory, "/" separated: templates/deployment.yaml */
  name: string;
  source: string;
}

export interface LoadedChart {
  dir: string;
  metadata: ChartMetadata;
  /** Chart.yaml as written, dependencies included */
  chartYaml: GoMap;
  valuesText: string;
  values: GoMap;
  schema: object | undefined;
  templates: ChartTemplateFile[];
}

export class ChartLoadError extends Error {
  override readonly name = 'ChartLoadError';
}

/** Helm reads YAML through go-yaml v2, which follows YAML 1.1 (yes/no/on/off are booleans). */
export function parseYaml11(text: string, what: string): unknown {
  try {
    return parse(text, { version: '1.1', intAsBigInt: false });
  } catch (err) {
    throw new ChartLoadError(`${what} is not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
}

function walkFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...walkFiles(path));
    else out.push(path);
  }
  return out;
}

export function loadChart(dir: string): LoadedChart {
  const chartYamlPath = join(dir, 'Chart.yaml');
  if (!existsSync(chartYamlPath)) throw new ChartLoadError(`${dir} has no Chart.yaml`);
  const chartYaml = parseYaml11(readFileSync(chartYamlPath, 'utf8'), 'Chart.yaml') as GoMap;
  for (const key of ['apiVersion', 'name', 'version'] as const) {
    if (typeof chartYaml[key] !== 'string' || chartYaml[key] === '') throw new ChartLoadError(`Chart.yaml: ${key} must be a non-empty string`);
  }
  const text = (k: string): string => (typeof chartYaml[k] === 'string' ? (chartYaml[k] as string) : '');
  const metadata: ChartMetadata = {
    Name: text('name'),
    Version: text('version'),
    AppVersion: text('appVersion'),
    Description: text('description'),
    Type: text('type'),
    KubeVersion: text('kubeVersion'),
  };
  const valuesPath = join(dir, 'values.yaml');
  const valuesText = existsSync(valuesPath) ? readFileSync(valuesPath, 'utf8') : '';
  const values = (parseYaml11(valuesText, 'values.yaml') ?? {}) as GoMap;
  const schemaPath = join(dir, 'values.schema.json');
  const schema = existsSync(schemaPath) ? (JSON.parse(readFileSync(schemaPath, 'utf8')) as object) : undefined;
  const templatesDir = join(dir, 'templates');
  const templates = existsSync(templatesDir)
    ? walkFiles(templatesDir).map((path) => ({ name: relative(dir, path).split(sep).join('/'), source: readFileSync(path, 'utf8') }))
    : [];
  return { dir, metadata, chartYaml, valuesText, values, schema, templates };
}

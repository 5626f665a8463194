// Lint: typescript-eslint + Nx module boundaries. The boundaries are the architecture:
// libs/dicom imports nothing but Node built-ins and pure DICOM helpers; domain sees only
// dicom; adapters and platform never import services or apps; services (libs/service/*) are
// composed by the thin apps, and never import one another. See ARCHITECTURE.md "Layout".
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const frameworks = [
  '@nestjs/*', 'typeorm', 'typeorm-*', 'pg', '@electric-sql/*', 'minio', '@nats-io/*',
  'pino', 'pino-*', '@opentelemetry/*', 'express', 'reflect-metadata', 'rxjs', 'yaml', 'zod',
];

// Which project tags may depend on which. Tests may additionally use the shared test support
// (@pacs/testing: dataset generator, process and S3 helpers); production code may not.
const allowed = {
  'type:dicom': ['type:dicom'],
  'type:domain': ['type:dicom', 'type:domain'],
  'type:platform': ['type:platform'],
  'type:adapter': ['type:dicom', 'type:domain', 'type:platform', 'type:adapter'],
  'type:runtime': ['type:dicom', 'type:domain', 'type:platform', 'type:adapter'],
  'type:service': ['type:dicom', 'type:domain', 'type:platform', 'type:adapter', 'type:runtime'],
  'type:testing': ['type:dicom', 'type:domain', 'type:platform', 'type:adapter', 'type:runtime', 'type:service', 'type:testing'],
  'type:tool': ['type:dicom', 'type:platform', 'type:testing'],
  'type:app': ['type:dicom', 'type:domain', 'type:platform', 'type:adapter', 'type:runtime', 'type:service'],
};
const banned = { 'type:dicom': frameworks, 'type:domain': frameworks };

function boundaries(inTests) {
  return ['error', {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: Object.entries(allowed).map(([sourceTag, tags]) => ({
      sourceTag,
      onlyDependOnLibsWithTags: inTests ? [...new Set([...tags, 'type:testing'])] : tags,
      ...(banned[sourceTag] ? { bannedExternalImports: banned[sourceTag] } : {}),
    })),
  }];
}

export default [
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '**/generated/**', 'coverage/**', 'apps/admin-api/ui/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { project: false } },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(false),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**', 'tools/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(true) },
  },
];

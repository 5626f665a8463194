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

export default [
  { ignores: ['dist/**', 'node_modules/**', 'data/**', '**/generated/**', 'coverage/**', 'apps/admin-api/ui/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { project: false } },
    rules: {
      '@nx/enforce-module-boundaries': ['error', {
        enforceBuildableLibDependency: false,
        allow: [],
        depConstraints: [
          { sourceTag: 'type:dicom', onlyDependOnLibsWithTags: ['type:dicom'], bannedExternalImports: frameworks },
          { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:dicom', 'type:domain'], bannedExternalImports: frameworks },
          { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform'] },
          { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:dicom', 'type:domain', 'type:platform', 'type:adapter'] },
          { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:dicom', 'type:domain', 'type:platform', 'type:adapter'] },
          { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:dicom', 'type:domain', 'type:platform', 'type:adapter', 'type:runtime'] },
          { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:dicom', 'type:domain', 'type:platform', 'type:adapter', 'type:runtime', 'type:service', 'type:testing'] },
          { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:dicom', 'type:domain', 'type:platform', 'type:adapter', 'type:runtime', 'type:service'] },
        ],
      }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**', 'tools/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];

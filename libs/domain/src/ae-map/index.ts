export * from './ae-map';

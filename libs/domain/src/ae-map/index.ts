export * from './ae-map';
export * from './ae-map-edit';

export { ROOT, buildApp, startPacsProcess, type PacsProcess } from './pacs-process';

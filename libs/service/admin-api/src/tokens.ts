/** Injection tokens: explicit, because the build does not emit decorator type metadata. */
export const SERVICE_CONTEXT = Symbol('SERVICE_CONTEXT');
export const ADMIN_CONTEXT = Symbol('ADMIN_CONTEXT');

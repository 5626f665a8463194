// Test-only entry (@pacs/messaging/testing): the conformance suite every Bus adapter passes.
export { busConformance, type BusFactory } from './testing/bus-conformance';

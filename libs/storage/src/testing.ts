// Test-only entry (@pacs/storage/testing): the conformance suite every ObjectStore adapter passes.
export { objectStoreConformance, type ObjectStoreFixture } from './conformance/object-store-conformance';

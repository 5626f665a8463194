export * from './core';
export * from './dimse';
export * from './pdu';
export * from './ul';
export * from './net';

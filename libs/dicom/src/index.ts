export * from './core';
export * from './dimse/commands';
export * from './pdu';
export * from './ul';
export * from './net';

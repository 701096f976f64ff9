export * from './fixed';
export * from './instrument';
export * from './order';
export * from './position';
export * from './ids';

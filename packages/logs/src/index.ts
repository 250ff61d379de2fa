export { createLogger, type LoggerHandle, type LoggerOptions, parseLogFlags } from './logger.ts';

/**
 * The one logger. Messages are fixed strings; context goes in the object argument.
 * Never pass secret material: log ids, ARNs and version ids only.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'keyturn' });

export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

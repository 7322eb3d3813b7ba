// Imported first by the harness, before any handler (and so the logger) is loaded: every log line
// a handler can write is written, so the leak scan sees the most the logger would ever print.
process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
export {};

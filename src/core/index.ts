/**
 * Public API of the enrolment rules engine (pure: no I/O, no clock). See docs/rules.md.
 */
export * from './result'
export * from './time'
export * from './iin'
export * from './appnumber'
export * from './calendar'
export * from './model'
export * from './events'
export * from './timers'
export * from './queue'
export * from './engine'
export * from './commands'
export * from './due'
export * from './labels'
export * from './notifications'
export { messages, formatViolation, interpolate, LANGS } from './messages/index'
export type { Catalog, Lang, Text } from './messages/index'

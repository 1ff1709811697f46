/** @module Public face of the injection scanner. */
export { injectionScanner, scoreInjection, parseInjectionOptions, type InjectionOptions } from './scan.js';
export { createInjectionScorer, type InjectionResult, type InjectionScorer, type InjectionCalibration } from './scorer.js';
export { INJECTION_RULES, matchRules } from './rules.js';

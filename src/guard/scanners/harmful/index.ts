/** @module Public face of the harmful-request scanner. */
export { harmfulScanner, scoreHarmful, parseHarmfulOptions, type HarmfulOptions } from './scan.js';
export { createHarmfulScorer, type HarmfulCategory, type HarmfulResult, type HarmfulScorer } from './scorer.js';

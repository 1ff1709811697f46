/** @module Public face of the pii scanner folder. */
export { piiScanner, DEFAULT_PII_TYPES, type PiiOptions, type PiiScanner } from './scanner.js';
export { detectEntities } from './detect.js';
export { PII_TYPES, type Entity, type PiiType } from './entity.js';
export { createPseudonymiser, type Detector, type Pseudonymiser, type PseudonymiserOptions, type Restorer } from './pseudonymise.js';
export { PLACEHOLDER } from '../../text/placeholders.js';

/** @module Public face of the secrets scanner folder. */
export { secretsScanner, SECRET_TYPES, type SecretsOptions, type SecretsScanner } from './scanner.js';
export { detectSecrets, type SecretEntity, type SecretType } from './detect.js';
export { shannonEntropy } from './filters.js';

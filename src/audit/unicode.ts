/** @module Unicode well-formedness via the ES2024 string methods Node 20 has but the project's ES2023 lib does not type. */

type Es2024String = { isWellFormed(): boolean; toWellFormed(): string };

/** False when the string holds a lone surrogate (which canonical JSON must reject). */
export function isWellFormed(s: string): boolean {
  return (s as unknown as Es2024String).isWellFormed();
}

/** Replaces lone surrogates with U+FFFD. */
export function toWellFormed(s: string): string {
  return (s as unknown as Es2024String).toWellFormed();
}

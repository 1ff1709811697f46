/** @module A memoised constructor: decodes committed weights on first use instead of on import. */

/** Returns a getter that builds the value once; keeps imports free of work and of side effects. */
export function lazy<T>(make: () => T): () => T {
  const box: { value?: T } = {};
  return () => {
    if (!('value' in box)) box.value = make();
    return box.value as T;
  };
}

/** @module The CLI's own failure: a message for the operator and an exit code; main.ts is the only place that exits. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

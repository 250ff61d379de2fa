// What hub CLI commands write to; main.ts passes process.stdout/stderr, tests collect strings.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  now?(): number;
}
